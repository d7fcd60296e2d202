//! The single-mode resource-constrained project scheduling problem (RCPSP):
//! an instance model, a PSPLIB `.sm` parser, a feasibility checker and a
//! heuristic solver (see the crate documentation for the method).

mod decompose;
mod ops;
mod parse;
mod sgs;
mod solver;
#[cfg(test)]
mod testgen;

use std::fmt;

pub use parse::parse_sm;
pub use solver::{Options, Solution, solve};

/// Largest accepted sum of durations (the scheduling horizon), so that the
/// flat resource profile stays small and no input can exhaust memory.
const MAX_HORIZON: u64 = 10_000_000;
/// Largest accepted `horizon * resources` (cells of the resource profile).
const MAX_PROFILE_CELLS: u64 = 32_000_000;

/// A malformed or unusable instance: the 1-based line number when known and
/// a message saying what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line of the input where the problem was found, if any.
    pub line: Option<usize>,
    /// What was wrong or expected.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: Option<usize>, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// A single-mode RCPSP instance with renewable resources.
///
/// Jobs are numbered `0..num_jobs()` internally (PSPLIB numbers them from 1).
/// The precedence graph is validated to be acyclic and every demand to fit
/// its resource's capacity, so every instance has a feasible schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub(crate) n: usize,
    pub(crate) k: usize,
    pub(crate) dur: Vec<u32>,
    pub(crate) cap: Vec<u32>,
    /// `demand[j * k + r]`.
    pub(crate) demand: Vec<u32>,
    pub(crate) succ_start: Vec<u32>,
    pub(crate) succ: Vec<u32>,
    pub(crate) pred_start: Vec<u32>,
    pub(crate) pred: Vec<u32>,
    /// A topological order of the jobs.
    pub(crate) topo: Vec<u32>,
    /// Sum of all durations: no semi-active schedule is longer.
    pub(crate) horizon: u32,
}

impl Instance {
    /// Builds an instance from durations, successor lists (0-based job
    /// indices), per-job demands (one entry per resource) and capacities.
    ///
    /// Fails when the lengths disagree, an index is out of range, a job
    /// demands more than a resource's capacity, the precedences contain a
    /// cycle (named in the message) or the instance is too large.
    pub fn new(
        durations: Vec<u32>,
        successors: Vec<Vec<usize>>,
        demands: Vec<Vec<u32>>,
        capacities: Vec<u32>,
    ) -> Result<Instance, ParseError> {
        let n = durations.len();
        let k = capacities.len();
        let err = |m: String| Err(ParseError::new(None, m));
        if n == 0 {
            return err("an instance needs at least one job".into());
        }
        if successors.len() != n || demands.len() != n {
            return err(format!(
                "{n} durations but {} successor lists and {} demand rows",
                successors.len(),
                demands.len()
            ));
        }
        let horizon: u64 = durations.iter().map(|&d| d as u64).sum();
        if horizon > MAX_HORIZON {
            return err(format!(
                "the sum of durations {horizon} exceeds the supported maximum {MAX_HORIZON}"
            ));
        }
        if (horizon + 1).saturating_mul(k as u64) > MAX_PROFILE_CELLS {
            return err(format!(
                "horizon {horizon} times {k} resources exceeds the supported size"
            ));
        }
        let mut demand = Vec::with_capacity(n * k);
        for (j, row) in demands.iter().enumerate() {
            if row.len() != k {
                return err(format!(
                    "job {} has {} demands but there are {k} resources",
                    j + 1,
                    row.len()
                ));
            }
            for (r, (&a, &c)) in row.iter().zip(&capacities).enumerate() {
                if a > c {
                    return err(format!(
                        "job {} requests {a} units of resource R{} whose capacity is {c}: no feasible schedule",
                        j + 1,
                        r + 1
                    ));
                }
            }
            demand.extend_from_slice(row);
        }
        let mut succ_start = Vec::with_capacity(n + 1);
        let mut succ = Vec::new();
        let mut indeg = vec![0u32; n];
        succ_start.push(0u32);
        for (j, list) in successors.iter().enumerate() {
            let mut l: Vec<usize> = list.clone();
            l.sort_unstable();
            l.dedup();
            for &s in &l {
                if s >= n {
                    return err(format!(
                        "job {} has successor {} but there are only {n} jobs",
                        j + 1,
                        s + 1
                    ));
                }
                if s == j {
                    return err(format!("job {} is its own successor", j + 1));
                }
                indeg[s] += 1;
                succ.push(s as u32);
            }
            succ_start.push(succ.len() as u32);
        }
        // Predecessor lists (CSR).
        let mut pred_start = vec![0u32; n + 1];
        for j in 0..n {
            pred_start[j + 1] = pred_start[j] + indeg[j];
        }
        let mut fill = pred_start.clone();
        let mut pred = vec![0u32; succ.len()];
        for j in 0..n {
            for &s in &succ[succ_start[j] as usize..succ_start[j + 1] as usize] {
                let s = s as usize;
                pred[fill[s] as usize] = j as u32;
                fill[s] += 1;
            }
        }
        // Kahn's topological sort.
        let mut topo = Vec::with_capacity(n);
        let mut deg = indeg;
        let mut stack: Vec<u32> = (0..n as u32)
            .rev()
            .filter(|&j| deg[j as usize] == 0)
            .collect();
        while let Some(j) = stack.pop() {
            topo.push(j);
            for &s in succ[succ_start[j as usize] as usize..succ_start[j as usize + 1] as usize]
                .iter()
                .rev()
            {
                deg[s as usize] -= 1;
                if deg[s as usize] == 0 {
                    stack.push(s);
                }
            }
        }
        let inst = Instance {
            n,
            k,
            dur: durations,
            cap: capacities,
            demand,
            succ_start,
            succ,
            pred_start,
            pred,
            topo,
            horizon: horizon as u32,
        };
        if inst.topo.len() < n {
            let cycle = inst.find_cycle(&deg);
            let names: Vec<String> = cycle.iter().map(|j| (j + 1).to_string()).collect();
            return err(format!("precedence cycle: {}", names.join(" -> ")));
        }
        Ok(inst)
    }

    /// Finds a cycle among the jobs left with a positive in-degree by Kahn's
    /// algorithm (each of them has a predecessor that is also left).
    fn find_cycle(&self, deg: &[u32]) -> Vec<usize> {
        let start = deg.iter().position(|&d| d > 0).unwrap_or(0);
        let mut seen = vec![usize::MAX; self.n];
        let mut path = Vec::new();
        let mut j = start;
        while seen[j] == usize::MAX {
            seen[j] = path.len();
            path.push(j);
            j = self
                .preds(j)
                .iter()
                .map(|&p| p as usize)
                .find(|&p| deg[p] > 0)
                .unwrap_or(j);
        }
        let mut cycle: Vec<usize> = path[seen[j]..].to_vec();
        // Walked backwards along predecessors: reverse to read as successors.
        cycle.reverse();
        cycle.push(cycle[0]);
        cycle
    }

    /// Number of jobs (including PSPLIB's dummy source and sink).
    pub fn num_jobs(&self) -> usize {
        self.n
    }

    /// Number of renewable resources.
    pub fn num_resources(&self) -> usize {
        self.k
    }

    /// Duration of job `j`.
    pub fn duration(&self, j: usize) -> u32 {
        self.dur[j]
    }

    /// Per-period demand of job `j` on resource `r`.
    pub fn demand(&self, j: usize, r: usize) -> u32 {
        self.demand[j * self.k + r]
    }

    /// Capacity of resource `r` in every period.
    pub fn capacity(&self, r: usize) -> u32 {
        self.cap[r]
    }

    /// Immediate successors of job `j` (0-based).
    pub fn successors(&self, j: usize) -> impl Iterator<Item = usize> + '_ {
        self.succs(j).iter().map(|&s| s as usize)
    }

    /// Immediate predecessors of job `j` (0-based).
    pub fn predecessors(&self, j: usize) -> impl Iterator<Item = usize> + '_ {
        self.preds(j).iter().map(|&s| s as usize)
    }

    pub(crate) fn succs(&self, j: usize) -> &[u32] {
        &self.succ[self.succ_start[j] as usize..self.succ_start[j + 1] as usize]
    }

    pub(crate) fn preds(&self, j: usize) -> &[u32] {
        &self.pred[self.pred_start[j] as usize..self.pred_start[j + 1] as usize]
    }

    /// Earliest start times ignoring resources (forward CPM pass).
    pub fn earliest_starts(&self) -> Vec<u32> {
        let mut es = vec![0u32; self.n];
        for &j in &self.topo {
            let j = j as usize;
            for &s in self.succs(j) {
                let f = es[j] + self.dur[j];
                if es[s as usize] < f {
                    es[s as usize] = f;
                }
            }
        }
        es
    }

    /// The critical-path lower bound: the longest path with durations only.
    pub fn critical_path_bound(&self) -> u32 {
        let es = self.earliest_starts();
        (0..self.n).map(|j| es[j] + self.dur[j]).max().unwrap_or(0)
    }

    /// A lower bound on the makespan: the larger of the critical path and,
    /// for each resource, the total work divided by the capacity.
    pub fn lower_bound(&self) -> u32 {
        let mut lb = self.critical_path_bound() as u64;
        for r in 0..self.k {
            let c = self.cap[r] as u64;
            if c == 0 {
                continue;
            }
            let work: u64 = (0..self.n)
                .map(|j| self.dur[j] as u64 * self.demand[j * self.k + r] as u64)
                .sum();
            lb = lb.max(work.div_ceil(c));
        }
        lb as u32
    }
}

/// Why a schedule is infeasible (jobs are 1-based, as in PSPLIB files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The schedule has the wrong number of start times.
    WrongLength {
        /// Number of jobs in the instance.
        expected: usize,
        /// Number of start times given.
        found: usize,
    },
    /// Job `successor` starts before job `predecessor` finishes.
    Precedence {
        /// The 1-based predecessor.
        predecessor: usize,
        /// The 1-based successor.
        successor: usize,
    },
    /// Resource `resource` (1-based) is over its capacity in `period`.
    Resource {
        /// 1-based resource.
        resource: usize,
        /// The period `[period, period + 1)`.
        period: u64,
        /// Units in use.
        used: u64,
        /// The capacity.
        capacity: u32,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::WrongLength { expected, found } => {
                write!(f, "expected {expected} start times, found {found}")
            }
            Violation::Precedence {
                predecessor,
                successor,
            } => write!(
                f,
                "job {successor} starts before its predecessor {predecessor} finishes"
            ),
            Violation::Resource {
                resource,
                period,
                used,
                capacity,
            } => write!(
                f,
                "resource R{resource} uses {used} > {capacity} in period {period}"
            ),
        }
    }
}

impl std::error::Error for Violation {}

/// Checks a schedule: one start time per job, every job starting no earlier
/// than each predecessor finishes, and per-period resource use within
/// capacity.
pub fn check(inst: &Instance, starts: &[u32]) -> Result<(), Violation> {
    if starts.len() != inst.n {
        return Err(Violation::WrongLength {
            expected: inst.n,
            found: starts.len(),
        });
    }
    for j in 0..inst.n {
        for &s in inst.succs(j) {
            if (starts[s as usize] as u64) < starts[j] as u64 + inst.dur[j] as u64 {
                return Err(Violation::Precedence {
                    predecessor: j + 1,
                    successor: s as usize + 1,
                });
            }
        }
    }
    // Sweep over start/finish events so huge start times cost nothing.
    let mut events: Vec<(u64, usize, bool)> = Vec::new();
    for (j, (&s, &d)) in starts.iter().zip(&inst.dur).enumerate() {
        if d > 0 {
            events.push((s as u64, j, true));
            events.push((s as u64 + d as u64, j, false));
        }
    }
    // Finishes before starts at the same time.
    events.sort_unstable_by_key(|&(t, j, start)| (t, start, j));
    let mut used = vec![0u64; inst.k];
    for (t, j, start) in events {
        let row = &inst.demand[j * inst.k..(j + 1) * inst.k];
        for (r, ((u, &a), &c)) in used.iter_mut().zip(row).zip(&inst.cap).enumerate() {
            if start {
                *u += a as u64;
                if *u > c as u64 {
                    return Err(Violation::Resource {
                        resource: r + 1,
                        period: t,
                        used: *u,
                        capacity: c,
                    });
                }
            } else {
                *u -= a as u64;
            }
        }
    }
    Ok(())
}

/// Makespan of a schedule: the latest finish time.
pub fn makespan(inst: &Instance, starts: &[u32]) -> u32 {
    (0..inst.n.min(starts.len()))
        .map(|j| starts[j] + inst.dur[j])
        .max()
        .unwrap_or(0)
}

/// Default number of schedules when neither a schedule cap nor a time limit
/// is given to [`psplib_command`].
pub const DEFAULT_SCHEDULES: u64 = 5000;

/// The `kronuz psplib FILE.sm [--schedules N] [--time-limit-ms MS] [--seed S]
/// [--decompose] [--no-peak-restart] [--no-spread]` command: parses the
/// file's text, solves it with `opts` and returns one JSON line
/// `{"makespan": M, "starts": [s1, ..., sn]}` (no trailing newline), with one
/// start per job in the file's order, source and sink included.
///
/// `schedules` and `time_limit_ms` replace the budget of `opts`: with
/// neither, [`DEFAULT_SCHEDULES`] schedules are generated; with only a time
/// limit, the schedule count is unbounded.
pub fn psplib_command(
    file_text: &str,
    schedules: Option<u64>,
    time_limit_ms: Option<u64>,
    opts: Options,
) -> Result<String, ParseError> {
    let inst = parse_sm(file_text)?;
    let max_schedules = match (schedules, time_limit_ms) {
        (Some(s), _) => s,
        (None, Some(_)) => u64::MAX,
        (None, None) => DEFAULT_SCHEDULES,
    };
    let opts = Options {
        max_schedules,
        time_limit: time_limit_ms.map(std::time::Duration::from_millis),
        ..opts
    };
    let sol = solve(&inst, &opts);
    let mut out = String::with_capacity(32 + 6 * sol.starts.len());
    out.push_str("{\"makespan\": ");
    out.push_str(&sol.makespan.to_string());
    out.push_str(", \"starts\": [");
    for (i, s) in sol.starts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&s.to_string());
    }
    out.push_str("]}");
    Ok(out)
}
