//! An individual of the genetic algorithm: a schedule and the two activity
//! lists it decodes from.

use crate::rcpsp::ops::Parent;
use crate::rcpsp::sgs::Engine;

/// An individual: a schedule with its forward list (jobs by start) and its
/// backward list (jobs by decreasing finish), either of which decodes to a
/// schedule at least as short.
#[derive(Clone)]
pub(super) struct Indiv {
    pub(super) st: Vec<u32>,
    pub(super) ms: u32,
    pub(super) fwd: Vec<u32>,
    pub(super) bwd: Vec<u32>,
}

impl Indiv {
    /// The individual of schedule `st`; `keys` is scratch memory.
    pub(super) fn new(eng: &Engine<'_>, st: &[u32], ms: u32, keys: &mut Vec<u64>) -> Indiv {
        let inst = eng.inst;
        let n = inst.n;
        let rank = &eng.rank;
        let job = |key: &u64| inst.topo[(key & 0xFFFF_FFFF) as usize];
        keys.clear();
        keys.extend((0..n).map(|j| ((st[j] as u64) << 32) | rank[j] as u64));
        keys.sort_unstable();
        let fwd = keys.iter().map(job).collect();
        // Decreasing finish, ties by decreasing topological rank.
        keys.clear();
        keys.extend((0..n).map(|j| {
            let late = ms - (st[j] + inst.dur[j]);
            ((late as u64) << 32) | (n - 1 - rank[j] as usize) as u64
        }));
        keys.sort_unstable();
        let bwd = keys
            .iter()
            .map(|k| inst.topo[n - 1 - (k & 0xFFFF_FFFF) as usize])
            .collect();
        Indiv {
            st: st.to_vec(),
            ms,
            fwd,
            bwd,
        }
    }

    pub(super) fn parent(&self) -> Parent<'_> {
        Parent {
            list: &self.fwd,
            st: &self.st,
            ms: self.ms,
        }
    }
}
