//! The RCPSP solver: a priority-rule pass, then an activity-list genetic
//! algorithm whose children are decoded in either direction and justified
//! in the other (forward-backward improvement).

mod budget;
mod indiv;
mod polish;
mod select;

use std::time::{Duration, Instant};

use super::decompose::{SubProject, pick_window};
use super::ops::{Peak, crossover, mutate, shift};
use super::sgs::{Dir, Engine, Rule, activity_list, priorities};
use super::{Instance, makespan};

use crate::rng::Rng;
use budget::{Best, Budget};
use indiv::Indiv;

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
    /// Re-solve windows of the best schedule as sub-projects in the last
    /// part of the budget (Debels & Vanhoucke's decomposition). Off by
    /// default: on PSPLIB at 5,000 schedules it costs more schedules than
    /// it saves (see BENCHMARKS.md).
    pub decompose: bool,
    /// Restart around the best with peak-crossover children of the best and
    /// the old population instead of shift moves of the best alone, and
    /// give these restarts more of the budget. On by default since it was
    /// paired with `spread`: alone it shortens j120 (seed 0 32.59% ->
    /// 32.53%) but not j30, whose seed 0 goes from 0.041% to 0.053%; with
    /// `spread`, j120 32.32% and j30 0.028% (see BENCHMARKS.md).
    pub peak_restart: bool,
    /// Keep the schedules of equal makespan spread out: those that differ
    /// from one kept before them in few start times count as clones (kept
    /// last), and when those of the makespan at the cut do not all fit, the
    /// farthest apart by start times are kept instead of the first ones
    /// (parents first). On by default: with `peak_restart`, j120 at 5,000
    /// schedules 32.53% -> 32.32% (seed 0), j30 0.053% -> 0.028% (see
    /// BENCHMARKS.md).
    pub spread: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_schedules: super::DEFAULT_SCHEDULES,
            time_limit: None,
            seed: 0,
            decompose: false,
            peak_restart: true,
            spread: true,
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
/// schedules: 30 -> 32.96%, 40 -> 32.66%, 60 -> 32.82%).
const POP_SIZE: usize = 40;
/// Probability of swapping each pair of neighbours in a child's list.
const MUTATION: f64 = 0.05;
/// Share of children made by the two-point crossover of backward lists and
/// decoded backward (the rest are forward).
const BACKWARD: f64 = 0.3;
/// Share of children made by the peak crossover.
const PEAK: f64 = 0.4;
/// Length of the peak window, as a share of the mother's makespan.
const PEAK_WINDOW: (f64, f64) = (0.1, 0.5);
/// Share of the budget after which the population restarts around the best.
const PHASE_TWO: f64 = 0.5;
/// Shift moves applied to the best list for each restarted individual, per
/// job, when the old population has nothing but clones of the best.
const PHASE_TWO_MOVES: f64 = 0.15;
/// Shift moves, per job, applied after the peak crossover of the best with
/// an individual of the old population (j120 at 5,000 schedules, mean of
/// seeds 0 to 3: 0.0375 32.61%, 0.075 32.58%, 0.11 32.60%).
const PHASE_TWO_PEAK_MOVES: f64 = 0.075;
/// With `Options::peak_restart`, a converged population restarts from
/// scratch only while the budget left would pay for this many runs as long
/// as the last one: the restarts around the best are worth more of the
/// budget once they mix in the old population (j120 at 5,000 schedules,
/// seeds 0 and 1: 1 run 32.56% and 32.58%, 2 runs 32.53% and 32.55%, 3 runs
/// 32.54% and 32.54%, never from scratch again 32.55% and 32.55%).
const PEAK_RESTART_CYCLES: u64 = 2;
/// Bias of the random sampling that makes a restart from scratch: flatter
/// than the initial population's (1.0), each list on a random one of these
/// rules, so that the restart looks elsewhere (j30 at 5,000 schedules, mean
/// of seeds 0 to 5: 0.0625% with LFT and 1.0, 0.0553% so).
const FRESH_ALPHA: f64 = 0.5;
const FRESH_RULES: [Rule; 4] = [Rule::Lft, Rule::Lst, Rule::Mts, Rule::Grpw];
/// With `Options::decompose`: share of the budget after which each
/// generation re-solves a window of the best schedule (the GA rarely finds a
/// better schedule in the last fifth of the budget on j120).
const DECOMPOSE_FROM: f64 = 0.8;
/// Jobs in a decomposition window, as a share of the project's jobs.
const DECOMPOSE_WINDOW: f64 = 0.25;
/// Schedules (passes over the window) for each sub-project's GA.
const DECOMPOSE_SCHEDULES: u64 = 100;

/// Solves an instance heuristically; always returns a feasible schedule.
///
/// The first schedule is a parallel-SGS pass with the latest-finish-time
/// rule (the best single pass in Kolisch's 1996 study; 4.4% above the optimum
/// on j30 here, against 5.6% for the serial SGS).
/// Further schedules come from a genetic algorithm on activity lists
/// (Hartmann 1998) with forward-backward improvement on every child (Valls,
/// Ballestín & Quintanilla 2005): the initial population by priority rules
/// and regret-based biased random sampling on the LFT rule; children by
/// two-point crossover of forward lists, two-point crossover of backward
/// lists, or the peak crossover (Valls et al. 2008), then swap mutation;
/// a forward child is decoded by the serial SGS and right-justified, a
/// backward child decoded by the backward serial SGS and left-justified
/// (two schedules each); ranking selection with clones pushed to the end
/// and, with `spread`, near clones too, and the most spread out kept
/// among equal makespans.
/// Halfway through the budget the population restarts around the best
/// schedule (peak-crossover children of the best and the old population
/// with `peak_restart`, else shift moves on its list). Whenever every
/// individual has the same makespan, or the best has not improved for 0.35
/// generations per job, a local search walks around the best (shift moves,
/// neighbours kept when no longer), then the population restarts: from
/// biased random sampling on one of four rules, keeping the best, while the
/// budget left would pay for another run as long as the last one (two with
/// `peak_restart`); around the best after that. Stops at `max_schedules`,
/// at the time limit, or on reaching a lower bound. With `decompose`, each
/// generation in the last part of the budget also re-solves a window of the
/// best schedule as a sub-project (see `decompose.rs`).
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
    let mut ga = Ga {
        eng,
        budget,
        best,
        st,
        scratch: Vec::with_capacity(n),
        keys: Vec::with_capacity(n),
        lb,
        decompose: opts.decompose,
        peak_restart: opts.peak_restart,
        spread: opts.spread,
    };
    ga.run(inst, list, &lft, &mut rng);
    Solution {
        makespan: ga.best.makespan,
        starts: ga.best.starts,
    }
}

/// A neighbour of the best individual for a restart around it (after the
/// second phase of Valls, Ballestín & Quintanilla's hybrid GA, which builds
/// its new population from the best schedule): the peak crossover with the
/// best as the mother and a random individual of the old population as the
/// father, so the child keeps the best's densest stretch and takes the
/// rest from a schedule the search also found good, then
/// `PHASE_TWO_PEAK_MOVES` shift moves. With no father (the old population
/// was all clones of the best), `PHASE_TWO_MOVES` shift moves of the best
/// list. `list` gets the neighbour's forward list.
fn around_best(
    inst: &Instance,
    best: &Indiv,
    fathers: &[Indiv],
    rng: &mut Rng,
    peak: &mut Peak,
    pos: &mut [usize],
    list: &mut Vec<u32>,
) {
    let n = inst.n as f64;
    let moves = if fathers.is_empty() {
        list.clone_from(&best.fwd);
        ((n * PHASE_TWO_MOVES).round() as usize).max(1)
    } else {
        let father = &fathers[rng.below(fathers.len())];
        peak.cross(inst, best.parent(), father.parent(), PEAK_WINDOW, rng, list);
        (n * PHASE_TWO_PEAK_MOVES).round() as usize
    };
    for _ in 0..moves {
        shift(inst, list, pos, rng);
    }
}

struct Ga<'a> {
    eng: Engine<'a>,
    budget: Budget,
    best: Best,
    st: Vec<u32>,
    scratch: Vec<u32>,
    keys: Vec<u64>,
    lb: u32,
    decompose: bool,
    peak_restart: bool,
    spread: bool,
}

impl Ga<'_> {
    fn done(&self) -> bool {
        self.best.makespan <= self.lb || !self.budget.left()
    }

    /// Decodes the forward list `list` with the serial SGS and right-
    /// justifies the schedule: two schedules. None when out of budget.
    fn forward(&mut self, list: &[u32]) -> Option<Indiv> {
        if self.budget.take(1) == 0 {
            return None;
        }
        let mut ms = self.eng.serial(Dir::Forward, list, &mut self.st);
        self.best.offer(ms, &self.st);
        if self.budget.take(1) == 1 {
            (ms, _) = self.eng.justify(&mut self.st, ms, 1, &mut self.scratch);
            self.best.offer(ms, &self.st);
        }
        Some(Indiv::new(&self.eng, &self.st, ms, &mut self.keys))
    }

    /// Decodes the backward list `blist` with the backward serial SGS and
    /// left-justifies the schedule: two schedules. None when out of budget.
    fn backward(&mut self, blist: &[u32]) -> Option<Indiv> {
        if self.budget.take(1) == 0 {
            return None;
        }
        let inst = self.eng.inst;
        let mut back = std::mem::take(&mut self.scratch);
        back.resize(inst.n, 0);
        let msb = self.eng.serial(Dir::Backward, blist, &mut back);
        for ((s, &b), &d) in self.st.iter_mut().zip(&back).zip(&inst.dur) {
            *s = msb - b - d;
        }
        self.scratch = back;
        self.best.offer(msb, &self.st);
        if self.budget.take(1) == 0 {
            return Some(Indiv::new(&self.eng, &self.st, msb, &mut self.keys));
        }
        let mut order = std::mem::take(&mut self.scratch);
        order.clear();
        let rank = &self.eng.rank;
        self.keys.clear();
        self.keys
            .extend((0..inst.n).map(|j| ((self.st[j] as u64) << 32) | rank[j] as u64));
        self.keys.sort_unstable();
        order.extend(
            self.keys
                .iter()
                .map(|&key| inst.topo[(key & 0xFFFF_FFFF) as usize]),
        );
        let ms = self.eng.serial(Dir::Forward, &order, &mut self.st);
        self.scratch = order;
        self.best.offer(ms, &self.st);
        Some(Indiv::new(&self.eng, &self.st, ms, &mut self.keys))
    }

    /// A new population of `size`: the best individual, then, if `fresh`,
    /// lists by biased random sampling on a random one of `fresh_rules`,
    /// else neighbours of the best (see `around_best`). Returns false when
    /// out of budget or done.
    fn restart(
        &mut self,
        pop: &mut Vec<Indiv>,
        size: usize,
        fresh: bool,
        fresh_rules: &[Vec<i64>],
        rng: &mut Rng,
    ) -> bool {
        let inst = self.eng.inst;
        let n = inst.n;
        let Some(best) = pop.iter().min_by_key(|x| x.ms).cloned() else {
            return false;
        };
        // The old population, clones of the best left out, gives the
        // fathers of the neighbours of the best.
        let mut fathers = std::mem::take(pop);
        fathers.retain(|x| x.st != best.st);
        if !self.peak_restart {
            fathers.clear();
        }
        let mut pos = vec![0usize; n];
        let mut peak = Peak::default();
        let mut list = Vec::with_capacity(n);
        for _ in 1..size {
            if fresh {
                let value = &fresh_rules[rng.below(fresh_rules.len())];
                activity_list(inst, value, Some((rng, FRESH_ALPHA)), &mut list);
            } else {
                around_best(inst, &best, &fathers, rng, &mut peak, &mut pos, &mut list);
            }
            let Some(x) = self.forward(&list) else {
                return false;
            };
            pop.push(x);
            if self.done() {
                return false;
            }
        }
        pop.push(best);
        true
    }

    /// Re-solves a window of the best individual as a sub-project: left-
    /// justifies it (one schedule), cuts a window of about a quarter of the
    /// jobs, solves the sub-project with its own GA, puts the result back
    /// and justifies the whole (two schedules). The result, never longer,
    /// takes the place of the worst individual unless it is a clone. False
    /// when out of budget.
    fn decompose(&mut self, pop: &mut [Indiv], rng: &mut Rng) -> bool {
        let inst = self.eng.inst;
        let Some(best) = pop.iter().min_by_key(|x| x.ms) else {
            return true;
        };
        if self.budget.take(1) == 0 {
            return false;
        }
        let mut st = best.st.clone();
        let ms = self.eng.serial(Dir::Forward, &best.fwd, &mut st);
        let size = ((inst.n as f64 * DECOMPOSE_WINDOW).round() as usize).max(2);
        let window = pick_window(inst, &st, size, rng, &mut self.scratch);
        let Some(mut sub) = SubProject::cut(inst, &st, ms, window, &self.eng.rank) else {
            return true;
        };
        let granted = self.budget.take(DECOMPOSE_SCHEDULES);
        if granted == 0 {
            return false;
        }
        let (sub_st, used) = sub.solve(granted, rng);
        self.budget.give_back(granted - used);
        sub.put_back(&sub_st, &mut st);
        let mut ms = makespan(inst, &st);
        self.best.offer(ms, &st);
        let passes = self.budget.take(2) as u32;
        (ms, _) = self.eng.justify(&mut st, ms, passes, &mut self.scratch);
        self.best.offer(ms, &st);
        let x = Indiv::new(&self.eng, &st, ms, &mut self.keys);
        if !pop.iter().any(|y| y.ms == x.ms && y.st == x.st)
            && let Some(worst) = pop.iter_mut().max_by_key(|y| y.ms)
        {
            *worst = x;
        }
        true
    }

    fn run(&mut self, inst: &Instance, first: Vec<u32>, lft: &[i64], rng: &mut Rng) {
        let n = inst.n;
        let mut pop: Vec<Indiv> = Vec::with_capacity(2 * POP_SIZE);
        // Initial population: the parallel LFT schedule's order, the lists
        // of other priority rules, then biased random sampling on LFT.
        let mut list = first;
        let rules = [Rule::Lst, Rule::Mts, Rule::Grpw];
        for i in 0..POP_SIZE {
            if (1..=rules.len()).contains(&i) {
                let value = priorities(inst, rules[i - 1]);
                activity_list(inst, &value, None, &mut list);
            } else if i > 0 {
                activity_list(inst, lft, Some((rng, 1.0)), &mut list);
            }
            let Some(x) = self.forward(&list) else {
                return;
            };
            pop.push(x);
            if self.done() {
                return;
            }
        }
        let fresh_rules: Vec<Vec<i64>> = FRESH_RULES.map(|r| priorities(inst, r)).to_vec();
        let mut taken = vec![false; n];
        let mut peak = Peak::default();
        let mut child = Vec::with_capacity(n);
        let mut phase_two = false;
        // Generations since the population's best improved or it restarted.
        let mut stall = 0usize;
        let mut stall_best = u32::MAX;
        // Schedules used when the current population was made.
        let mut since = self.budget.used;
        loop {
            let halfway =
                !phase_two && self.budget.used as f64 >= PHASE_TWO * self.budget.max as f64;
            let best = pop.iter().map(|x| x.ms).min();
            if let Some(b) = best
                && b < stall_best
            {
                (stall_best, stall) = (b, 0);
            }
            // Converged: every individual has the same makespan, or the best
            // has not improved for long (see `polish::stalled`).
            let converged = pop.iter().map(|x| x.ms).max() == best || polish::stalled(stall, n);
            if halfway || converged {
                stall = 0;
                phase_two |= halfway;
                let mut fresh = false;
                if !halfway {
                    // Converged: walk around the best first, then restart.
                    let Some(i) = (0..pop.len()).min_by_key(|&i| pop[i].ms) else {
                        return;
                    };
                    let start = pop[i].clone();
                    let Some(x) = self.polish(&start, rng) else {
                        return;
                    };
                    pop[i] = x;
                    let left = self.budget.max - self.budget.used;
                    let mut cycle = self.budget.used - since;
                    if self.peak_restart {
                        cycle *= PEAK_RESTART_CYCLES;
                    }
                    fresh = polish::restart_fresh(left, cycle);
                }
                since = self.budget.used;
                if !self.restart(&mut pop, POP_SIZE, fresh, &fresh_rules, rng) {
                    return;
                }
            }
            // Random pairing.
            let m = pop.len();
            for i in (1..m).rev() {
                let j = rng.below(i + 1);
                pop.swap(i, j);
            }
            let mut children = Vec::with_capacity(m);
            for p in 0..m / 2 {
                for (a, b) in [(2 * p, 2 * p + 1), (2 * p + 1, 2 * p)] {
                    let r = rng.unit();
                    let x = if r < BACKWARD {
                        crossover(&pop[a].bwd, &pop[b].bwd, rng, &mut taken, &mut child);
                        mutate(inst, &mut child, MUTATION, rng, Dir::Backward);
                        self.backward(&child)
                    } else {
                        if r < BACKWARD + PEAK {
                            let (mother, father) = (pop[a].parent(), pop[b].parent());
                            peak.cross(inst, mother, father, PEAK_WINDOW, rng, &mut child);
                        } else {
                            crossover(&pop[a].fwd, &pop[b].fwd, rng, &mut taken, &mut child);
                        }
                        mutate(inst, &mut child, MUTATION, rng, Dir::Forward);
                        self.forward(&child)
                    };
                    let Some(x) = x else {
                        return;
                    };
                    children.push(x);
                    if self.done() {
                        return;
                    }
                }
            }
            pop.extend(children);
            // Ranking selection (see `select`).
            select::select(&mut pop, POP_SIZE, self.spread);
            stall += 1;
            if self.decompose
                && self.budget.used as f64 >= DECOMPOSE_FROM * self.budget.max as f64
                && (!self.decompose(&mut pop, rng) || self.done())
            {
                return;
            }
        }
    }
}
