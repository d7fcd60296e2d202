//! The scheduling engine of kronuz: pure, synchronous and deterministic for a
//! given seed. No I/O (the PSPLIB parser takes a `&str`), no threads, no
//! dependencies; the only clock read is the optional time budget.
//!
//! # Design
//!
//! Both modules use the framework that the RCPSP heuristics literature
//! converged on (Kolisch & Hartmann, "Heuristic algorithms for the
//! resource-constrained project scheduling problem: classification and
//! computational analysis", 1999, and "Experimental investigation of
//! heuristics for resource-constrained project scheduling: an update",
//! EJOR 2006): a *schedule-generation scheme* (SGS) turns a precedence-
//! feasible order of the activities into a schedule, and a search over
//! orders improves it.
//!
//! * [`rcpsp`] solves the single-mode RCPSP on PSPLIB instances, the
//!   benchmark the engine is measured on:
//!   - the serial SGS (each job at its earliest precedence- and
//!     resource-feasible time) on a flat `period x resource` profile with
//!     backward window checks, and the parallel SGS (Kolisch 1996);
//!   - priority rules LFT, LST, MTS, GRPW; the first schedule is the
//!     parallel SGS with LFT, the best single pass in Kolisch's study;
//!   - regret-based biased random sampling (Drexl 1991) for the initial
//!     population;
//!   - double justification / forward-backward improvement (Tormos & Lova
//!     2001; Valls, Ballestín & Quintanilla, "Justification and RCPSP: a
//!     technique that pays", EJOR 2005);
//!   - Hartmann's activity-list genetic algorithm ("A competitive genetic
//!     algorithm for resource-constrained project scheduling", NRL 1998):
//!     two-point crossover, swap mutation, ranking selection (schedules of
//!     equal makespan that differ in few start times count as clones, and
//!     among those of equal makespan that do not all fit, the most spread
//!     out by start times are kept: `Options::spread`); a share of the
//!     children is crossed on backward lists and decoded by the backward
//!     SGS, every child is justified in the other direction and its list
//!     replaced by the justified start order (so double justification goes
//!     on across generations); a peak crossover keeps the mother's busiest
//!     window (after Valls et al. and Debels & Vanhoucke); the population
//!     restarts around the best schedule halfway (peak-crossover children
//!     of the best and the old population: `Options::peak_restart`); on
//!     convergence (equal makespans, or no better schedule for 0.35
//!     generations per job) a local search walks around the best, then the
//!     population restarts afresh while another run as long fits in the
//!     budget, else around the best.
//!   - optionally (`Options::decompose`, off by default because it did not
//!     pay on PSPLIB at 5,000 schedules), Debels & Vanhoucke's decomposition
//!     ("A decomposition-based genetic algorithm for the resource-constrained
//!     project-scheduling problem", OR 2007): near the end of the budget, a
//!     time window of the best schedule is re-solved as a sub-project with
//!     its own small GA and put back.
//!
//!   Every SGS pass, each justification pass included, counts as one
//!   schedule against the budget, as in Kolisch & Hartmann's comparisons.
//! * [`level`] is the product's levelling engine: tasks with effort in
//!   hours, dependencies with lags, skills and deadlines, placed on people's
//!   daily capacities. It is the same scheme transposed to days and hours:
//!   a serial SGS over tasks in priority order that gives each task to the
//!   qualified person who finishes it first, then random-key sampling and
//!   forward passes in the order of the best schedule's starts, until 16
//!   passes in a row find nothing better. A task may be shared by several
//!   people in parallel when that finishes it earlier (the fewest who do, each
//!   with their own part). Pinned tasks keep their bookings, a
//!   re-plan starts from the earlier plan, and each plan carries a lower bound
//!   on every group's finish (longest chain on the calendars, scarce work).
//!
//! A small xoshiro256** generator replaces the `rand` crate.

pub mod level;
pub mod rcpsp;
mod rng;
