//! What the genetic algorithm does when its population has converged: a
//! local search around the best schedule, then the choice between a restart
//! from scratch and a restart around the best.

use super::{Ga, Indiv};
use crate::rcpsp::ops::shift;
use crate::rng::Rng;

/// Steps of the local search, per job (each step is two schedules).
const POLISH_STEPS: f64 = 1.0;
/// Shift moves that make one neighbour.
const POLISH_MOVES: usize = 2;

impl Ga<'_> {
    /// Local search around `start` (after the second phase of Valls,
    /// Ballestín & Quintanilla's hybrid GA, as a walk): each step moves
    /// `POLISH_MOVES` random jobs of the current forward list within their
    /// precedence limits, decodes and justifies the list (two schedules),
    /// and keeps the neighbour when it is no longer, so the walk crosses
    /// plateaus of equal makespan. Never returns a longer schedule than
    /// `start`; None when out of budget or at the lower bound.
    pub(super) fn polish(&mut self, start: &Indiv, rng: &mut Rng) -> Option<Indiv> {
        let inst = self.eng.inst;
        let steps = (POLISH_STEPS * inst.n as f64).round() as usize;
        let mut cur = start.clone();
        let mut pos = vec![0usize; inst.n];
        let mut list = Vec::with_capacity(inst.n);
        for _ in 0..steps {
            list.clone_from(&cur.fwd);
            for _ in 0..POLISH_MOVES {
                shift(inst, &mut list, &mut pos, rng);
            }
            let x = self.forward(&list)?;
            if x.ms <= cur.ms {
                cur = x;
            }
            if self.done() {
                return None;
            }
        }
        Some(cur)
    }
}

/// Generations without a better schedule, per job, after which the
/// population counts as converged (j30 at 5,000 schedules, mean of seeds 0
/// to 5, by threshold: 0.15 0.065%, 0.25 0.048%, 0.3 0.049%, 0.35 0.042%,
/// 0.4 0.044%, 0.5 0.051%, never 0.055%).
const STALL_PER_JOB: f64 = 0.35;

/// Whether a population whose best has not improved for `generations`
/// generations has stalled. The threshold grows with the number of jobs `n`:
/// a child changes a few positions of its lists, so a larger project needs
/// more generations to carry an improvement through; on 120 jobs it is 43
/// generations, more than a run of 5,000 schedules has between restarts.
pub(super) fn stalled(generations: usize, n: usize) -> bool {
    generations as f64 >= STALL_PER_JOB * n as f64
}

/// Whether a converged population restarts from scratch rather than around
/// the best: only while the budget left (`left` schedules) would pay for
/// another run as long as the one since the previous restart (`cycle`).
/// A fresh population that cannot converge again before the end only takes
/// schedules from the search around the best.
pub(super) fn restart_fresh(left: u64, cycle: u64) -> bool {
    left >= cycle
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rcpsp::sgs::{Engine, Rule, activity_list, priorities};
    use crate::rcpsp::solver::{Best, Budget};
    use crate::rcpsp::testgen::{random_instance, random_list};
    use crate::rcpsp::{Instance, check, makespan};

    fn ga(inst: &Instance, max: u64) -> Ga<'_> {
        let n = inst.n;
        Ga {
            eng: Engine::new(inst),
            budget: Budget {
                used: 0,
                max,
                deadline: None,
                expired: false,
            },
            best: Best {
                makespan: u32::MAX,
                starts: vec![0; n],
            },
            st: vec![0; n],
            scratch: Vec::new(),
            keys: Vec::new(),
            lb: 0,
            decompose: false,
            peak_restart: false,
            spread: false,
        }
    }

    #[test]
    fn polish_is_feasible_and_never_longer_than_its_start() {
        let mut rng = Rng::new(7);
        for case in 0..150 {
            let inst = random_instance(&mut rng, 2 + case % 30, 1 + case % 3);
            let list = random_list(&inst, &mut rng);
            let mut ga = ga(&inst, u64::MAX);
            let start = ga.forward(&list).unwrap();
            let used = ga.budget.used;
            let x = ga.polish(&start, &mut rng).unwrap();
            assert!(x.ms <= start.ms, "case {case}: {} > {}", x.ms, start.ms);
            assert_eq!(check(&inst, &x.st), Ok(()), "case {case}");
            assert_eq!(makespan(&inst, &x.st), x.ms);
            assert!(ga.best.makespan <= x.ms);
            // Two schedules per step, every one counted.
            assert_eq!(ga.budget.used - used, 2 * inst.n as u64);
        }
    }

    #[test]
    fn a_peak_restart_around_the_best_is_feasible_and_keeps_the_best() {
        let mut rng = Rng::new(11);
        for case in 0..100 {
            let inst = random_instance(&mut rng, 2 + case % 30, 1 + case % 3);
            let lft = priorities(&inst, Rule::Lft);
            let mut ga = ga(&inst, u64::MAX);
            ga.peak_restart = true;
            let mut pop = Vec::new();
            let mut list = Vec::new();
            for _ in 0..8 {
                activity_list(&inst, &lft, Some((&mut rng, 1.0)), &mut list);
                pop.push(ga.forward(&list).unwrap());
            }
            let best = pop.iter().min_by_key(|x| x.ms).unwrap().st.clone();
            let used = ga.budget.used;
            assert!(ga.restart(&mut pop, 8, false, &[], &mut rng));
            assert_eq!(pop.len(), 8);
            // The best is kept (a neighbour may beat it); each of the 7
            // neighbours costs two schedules.
            assert!(pop.iter().any(|x| x.st == best), "case {case}");
            assert_eq!(ga.budget.used - used, 14);
            for x in &pop {
                assert_eq!(check(&inst, &x.st), Ok(()), "case {case}");
                assert_eq!(makespan(&inst, &x.st), x.ms);
            }
        }
    }

    #[test]
    fn polish_stops_at_the_budget() {
        let mut rng = Rng::new(3);
        let inst = random_instance(&mut rng, 20, 2);
        let lft = priorities(&inst, Rule::Lft);
        let mut list = Vec::new();
        activity_list(&inst, &lft, None, &mut list);
        let mut ga = ga(&inst, 9);
        let start = ga.forward(&list).unwrap();
        assert!(ga.polish(&start, &mut rng).is_none());
        assert_eq!(ga.budget.used, 9);
    }

    #[test]
    fn a_larger_project_is_given_more_generations_before_it_counts_as_stalled() {
        assert!(!stalled(11, 32));
        assert!(stalled(12, 32));
        assert!(!stalled(40, 122));
        assert!(stalled(43, 122));
    }

    #[test]
    fn restarts_from_scratch_only_while_another_run_fits() {
        assert!(restart_fresh(3000, 700));
        assert!(restart_fresh(700, 700));
        assert!(!restart_fresh(800, 1700));
    }
}
