//! The RCPSP solver: a priority-rule pass, then an activity-list genetic
//! algorithm whose individuals are improved by double justification.

use std::time::{Duration, Instant};

use super::Instance;
use super::sgs::{Dir, Engine, Rule, activity_list, priorities};

use crate::rng::Rng;

/// Solver options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Maximum number of generated schedules (every SGS pass counts,
    /// justification passes included). `1` is a single pass of the best
    /// priority rule; `0` is treated as `1`.
    pub max_schedules: u64,
    /// Optional wall-clock budget, checked every few schedules.
    pub time_limit: Option<Duration>,
    /// Seed of the pseudo-random generator: equal seeds, equal results
    /// (when no time limit cuts the search short).
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_schedules: super::DEFAULT_SCHEDULES,
            time_limit: None,
            seed: 0,
        }
    }
}

/// A feasible schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The latest finish time.
    pub makespan: u32,
    /// Start time of each job, in the instance's job order.
    pub starts: Vec<u32>,
}

/// Population size of the genetic algorithm (tuned on j120 at 5,000
/// schedules: 20 -> 33.9%, 40 -> 33.2%, 90 -> 33.8%).
const POP_SIZE: usize = 40;
/// Probability of swapping each pair of neighbours in a child's list.
const MUTATION: f64 = 0.05;

struct Budget {
    used: u64,
    max: u64,
    deadline: Option<Instant>,
    expired: bool,
}

impl Budget {
    /// Takes up to `want` schedules; returns how many may be generated.
    fn take(&mut self, want: u64) -> u64 {
        if self.expired {
            return 0;
        }
        if let Some(d) = self.deadline
            && self.used % 16 + want >= 16
            && Instant::now() >= d
        {
            self.expired = true;
            return 0;
        }
        let got = want.min(self.max - self.used);
        self.used += got;
        got
    }

    fn left(&self) -> bool {
        !self.expired && self.used < self.max
    }
}

struct Best {
    makespan: u32,
    starts: Vec<u32>,
}

impl Best {
    fn offer(&mut self, ms: u32, st: &[u32]) {
        if ms < self.makespan {
            self.makespan = ms;
            self.starts.copy_from_slice(st);
        }
    }
}

#[derive(Clone)]
struct Indiv {
    list: Vec<u32>,
    ms: u32,
}

/// Solves an instance heuristically; always returns a feasible schedule.
///
/// The first schedule is a parallel-SGS pass with the latest-finish-time
/// rule (the best single pass in Kolisch's 1996 study; 4.4% above the optimum
/// on j30 here, against 5.6% for the serial SGS).
/// Further schedules come from a genetic algorithm on activity lists
/// (Hartmann 1998): the initial population by regret-based biased random
/// sampling on the LFT rule, two-point crossover, swap mutation, ranking
/// selection with duplicates pushed to the end; each child is decoded by the
/// serial SGS and improved by double justification, whose resulting start
/// order replaces its list (each child costs three schedules). Stops at
/// `max_schedules`, at the time limit, or on reaching a lower bound.
pub fn solve(inst: &Instance, opts: &Options) -> Solution {
    let n = inst.n;
    let mut eng = Engine::new(inst);
    let mut budget = Budget {
        used: 0,
        max: opts.max_schedules.max(1),
        deadline: opts.time_limit.map(|d| Instant::now() + d),
        expired: false,
    };
    let lb = inst.lower_bound();
    let lft = priorities(inst, Rule::Lft);
    let mut list = Vec::with_capacity(n);
    let mut st = vec![0u32; n];
    budget.used = 1;
    let ms = eng.parallel(&lft, &mut st);
    // The GA starts from this schedule's start order.
    list.clear();
    list.extend(0..n as u32);
    list.sort_by_key(|&j| (st[j as usize], eng.rank[j as usize]));
    let best = Best {
        makespan: ms,
        starts: st.clone(),
    };
    if ms <= lb || !budget.left() {
        return Solution {
            makespan: best.makespan,
            starts: best.starts,
        };
    }
    let mut rng = Rng::new(opts.seed);
    let ga_first = list;
    let mut ga = Ga {
        eng,
        budget,
        best,
        st,
        scratch: Vec::with_capacity(n),
        lb,
    };
    ga.run(inst, ga_first, &lft, &mut rng);
    Solution {
        makespan: ga.best.makespan,
        starts: ga.best.starts,
    }
}

struct Ga<'a> {
    eng: Engine<'a>,
    budget: Budget,
    best: Best,
    st: Vec<u32>,
    scratch: Vec<u32>,
    lb: u32,
}

impl Ga<'_> {
    fn done(&self) -> bool {
        self.best.makespan <= self.lb || !self.budget.left()
    }

    /// Decodes `list`, justifies the schedule and (Lamarckian) replaces the
    /// list by the justified start order. Returns None when out of budget.
    fn evaluate(&mut self, list: &mut Vec<u32>) -> Option<u32> {
        if self.budget.take(1) == 0 {
            return None;
        }
        let mut ms = self.eng.serial(Dir::Forward, list, &mut self.st);
        self.best.offer(ms, &self.st);
        let passes = self.budget.take(2) as u32;
        if passes > 0 {
            let (m, used) = self
                .eng
                .justify(&mut self.st, ms, passes, &mut self.scratch);
            ms = m;
            self.best.offer(ms, &self.st);
            if used == 2 {
                std::mem::swap(list, &mut self.scratch);
            }
        }
        Some(ms)
    }

    fn run(&mut self, inst: &Instance, first: Vec<u32>, lft: &[i64], rng: &mut Rng) {
        let n = inst.n;
        let pop_size = POP_SIZE;
        let mut pop: Vec<Indiv> = Vec::with_capacity(2 * pop_size);
        // Initial population: the parallel LFT schedule's order, the lists
        // of other priority rules, then biased random sampling on LFT.
        let mut list = first;
        let rules = [Rule::Lst, Rule::Mts, Rule::Grpw];
        for i in 0..pop_size {
            if (1..=rules.len()).contains(&i) {
                let value = priorities(inst, rules[i - 1]);
                activity_list(inst, &value, None, &mut list);
            } else if i > 0 {
                activity_list(inst, lft, Some((rng, 1.0)), &mut list);
            }
            let Some(ms) = self.evaluate(&mut list) else {
                return;
            };
            pop.push(Indiv {
                list: std::mem::replace(&mut list, Vec::with_capacity(n)),
                ms,
            });
            if self.done() {
                return;
            }
        }
        let mut taken = vec![false; n];
        let pm = MUTATION;
        loop {
            // Random pairing.
            let m = pop.len();
            for i in (1..m).rev() {
                let j = rng.below(i + 1);
                pop.swap(i, j);
            }
            let mut children = Vec::with_capacity(m);
            for p in 0..m / 2 {
                for (a, b) in [(2 * p, 2 * p + 1), (2 * p + 1, 2 * p)] {
                    let mut child = Vec::with_capacity(n);
                    crossover(&pop[a].list, &pop[b].list, rng, &mut taken, &mut child);
                    mutate(inst, &mut child, pm, rng);
                    let Some(ms) = self.evaluate(&mut child) else {
                        return;
                    };
                    children.push(Indiv { list: child, ms });
                    if self.done() {
                        return;
                    }
                }
            }
            pop.extend(children);
            // Ranking selection: keep the best, stable on ties (parents first).
            pop.sort_by_key(|x| x.ms);
            // Clones go last, so the population keeps its diversity.
            let mut kept: Vec<Indiv> = Vec::with_capacity(pop.len());
            let mut clones = Vec::new();
            for x in pop.drain(..) {
                if kept.iter().any(|y| y.ms == x.ms && y.list == x.list) {
                    clones.push(x);
                } else {
                    kept.push(x);
                }
            }
            kept.extend(clones);
            pop = kept;
            pop.truncate(pop_size);
        }
    }
}

/// Hartmann's two-point crossover on activity lists: positions `..q1` from
/// the mother, then the father's jobs not yet taken up to `q2`, then the
/// mother's remaining jobs. Keeps precedence feasibility.
fn crossover(
    mother: &[u32],
    father: &[u32],
    rng: &mut Rng,
    taken: &mut [bool],
    out: &mut Vec<u32>,
) {
    let n = mother.len();
    let mut q1 = rng.below(n + 1);
    let mut q2 = rng.below(n + 1);
    if q1 > q2 {
        std::mem::swap(&mut q1, &mut q2);
    }
    taken.fill(false);
    out.clear();
    for &j in &mother[..q1] {
        taken[j as usize] = true;
        out.push(j);
    }
    for &j in father {
        if out.len() >= q2 {
            break;
        }
        if !taken[j as usize] {
            taken[j as usize] = true;
            out.push(j);
        }
    }
    for &j in mother {
        if !taken[j as usize] {
            taken[j as usize] = true;
            out.push(j);
        }
    }
}

/// Swaps neighbours with probability `pm` when they are not in a direct
/// precedence relation.
fn mutate(inst: &Instance, list: &mut [u32], pm: f64, rng: &mut Rng) {
    for i in 0..list.len().saturating_sub(1) {
        if rng.unit() < pm {
            let (a, b) = (list[i], list[i + 1]);
            if !inst.preds(b as usize).contains(&a) {
                list.swap(i, i + 1);
            }
        }
    }
}
