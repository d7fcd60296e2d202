//! What a search may still spend (schedules, time) and the best schedule it
//! has found.

use std::time::Instant;

/// The schedules a search may generate: every SGS pass takes one.
pub(super) struct Budget {
    pub(super) used: u64,
    pub(super) max: u64,
    pub(super) deadline: Option<Instant>,
    pub(super) expired: bool,
}

impl Budget {
    /// Takes up to `want` schedules; returns how many may be generated.
    pub(super) fn take(&mut self, want: u64) -> u64 {
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

    /// Returns `n` schedules taken but not generated.
    pub(super) fn give_back(&mut self, n: u64) {
        self.used -= n;
    }

    pub(super) fn left(&self) -> bool {
        !self.expired && self.used < self.max
    }
}

pub(super) struct Best {
    pub(super) makespan: u32,
    pub(super) starts: Vec<u32>,
}

impl Best {
    pub(super) fn offer(&mut self, ms: u32, st: &[u32]) {
        if ms < self.makespan {
            self.makespan = ms;
            self.starts.copy_from_slice(st);
        }
    }
}
