//! Random instances for the unit tests.

#![allow(clippy::needless_range_loop)]

use super::Instance;
use super::sgs::{Rule, activity_list, priorities};
use crate::rng::Rng;

/// A random precedence-feasible job list: biased random sampling on the
/// latest-finish-time rule, as the genetic algorithm's first population draws.
pub(crate) fn random_list(inst: &Instance, rng: &mut Rng) -> Vec<u32> {
    let lft = priorities(inst, Rule::Lft);
    let mut list = Vec::new();
    activity_list(inst, &lft, Some((rng, 1.0)), &mut list);
    list
}

/// A random instance with a source, a sink and `real` jobs between them.
pub(crate) fn random_instance(rng: &mut Rng, real: usize, k: usize) -> Instance {
    let n = real + 2;
    let caps: Vec<u32> = (0..k).map(|_| 1 + rng.below(10) as u32).collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_pred = vec![false; n];
    for j in 1..=real {
        for s in j + 1..=real {
            if rng.below(6) == 0 {
                succ[j].push(s);
                has_pred[s] = true;
            }
        }
    }
    for j in 1..=real {
        if !has_pred[j] {
            succ[0].push(j);
        }
        if succ[j].is_empty() {
            succ[j].push(n - 1);
        }
    }
    let mut durs = vec![0u32; n];
    let mut dem = vec![vec![0u32; k]; n];
    for j in 1..=real {
        durs[j] = rng.below(9) as u32;
        for (r, d) in dem[j].iter_mut().enumerate() {
            *d = rng.below(caps[r] as usize + 1) as u32;
        }
    }
    Instance::new(durs, succ, dem, caps).unwrap()
}
