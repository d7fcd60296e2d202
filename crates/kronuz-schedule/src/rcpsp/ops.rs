//! The variation operators of the genetic algorithm on activity lists: the
//! two-point crossover, the peak crossover, swap mutation and the shift
//! move. Every operator keeps a list precedence feasible for its direction.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Instance;
use super::sgs::Dir;
use crate::rng::Rng;

/// Hartmann's two-point crossover on activity lists: positions `..q1` from
/// the mother, then the father's jobs not yet taken up to `q2`, then the
/// mother's remaining jobs. Keeps precedence feasibility in either
/// direction when both parents are feasible in it.
pub(crate) fn crossover(
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
/// precedence relation (read in the list's direction).
pub(crate) fn mutate(inst: &Instance, list: &mut [u32], pm: f64, rng: &mut Rng, dir: Dir) {
    for i in 0..list.len().saturating_sub(1) {
        if rng.unit() < pm {
            let (a, b) = (list[i], list[i + 1]);
            let before = match dir {
                Dir::Forward => inst.preds(b as usize),
                Dir::Backward => inst.succs(b as usize),
            };
            if !before.contains(&a) {
                list.swap(i, i + 1);
            }
        }
    }
}

/// Moves a random job of a forward list to a random position between its
/// last predecessor and its first successor.
pub(crate) fn shift(inst: &Instance, list: &mut [u32], pos: &mut [usize], rng: &mut Rng) {
    for (i, &j) in list.iter().enumerate() {
        pos[j as usize] = i;
    }
    let i = rng.below(list.len());
    let j = list[i] as usize;
    let lo = inst
        .preds(j)
        .iter()
        .map(|&p| pos[p as usize] + 1)
        .max()
        .unwrap_or(0);
    let hi = inst
        .succs(j)
        .iter()
        .map(|&s| pos[s as usize] - 1)
        .min()
        .unwrap_or(list.len() - 1);
    let t = lo + rng.below(hi - lo + 1);
    if t < i {
        list[t..=i].rotate_right(1);
    } else {
        list[i..=t].rotate_left(1);
    }
}

/// A parent of the peak crossover: a schedule and its forward list.
pub(crate) struct Parent<'a> {
    pub(crate) list: &'a [u32],
    pub(crate) st: &'a [u32],
    pub(crate) ms: u32,
}

/// Scratch memory of the peak crossover.
#[derive(Default)]
pub(crate) struct Peak {
    /// Each job's per-period use, summed over resources as shares of capacity.
    weight: Vec<f64>,
    util: Vec<f64>,
    left: Vec<u32>,
    key: Vec<u64>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Peak {
    /// Peak crossover (after Valls, Ballestín & Quintanilla's hybrid GA,
    /// 2008, and Debels & Vanhoucke's GA, 2007): finds the window of the
    /// mother's schedule, of a random length between `lo` and `hi` times its
    /// makespan, where resources are most used; the jobs the mother starts
    /// in it keep her start times, the others take the father's; the child
    /// is the forward list of these keys, made precedence feasible by
    /// always taking the eligible job with the smallest key.
    pub(crate) fn cross(
        &mut self,
        inst: &Instance,
        mother: Parent<'_>,
        father: Parent<'_>,
        (lo, hi): (f64, f64),
        rng: &mut Rng,
        out: &mut Vec<u32>,
    ) {
        let n = inst.n;
        let k = inst.k;
        let ms = mother.ms as usize;
        out.clear();
        if ms == 0 {
            out.extend_from_slice(mother.list);
            return;
        }
        // Utilisation of each period (sum over resources of use / capacity),
        // through a difference array.
        self.util.clear();
        self.util.resize(ms + 1, 0.0);
        if self.weight.len() != n {
            self.weight = (0..n)
                .map(|j| {
                    (0..k)
                        .filter(|&r| inst.cap[r] > 0)
                        .map(|r| inst.demand[j * k + r] as f64 / inst.cap[r] as f64)
                        .sum()
                })
                .collect();
        }
        for j in 0..n {
            let d = inst.dur[j] as usize;
            if d == 0 {
                continue;
            }
            let w = self.weight[j];
            let s = mother.st[j] as usize;
            self.util[s] += w;
            self.util[s + d] -= w;
        }
        let mut acc = 0.0;
        for u in self.util.iter_mut() {
            acc += *u;
            *u = acc;
        }
        let span = (lo + (hi - lo) * rng.unit()) * ms as f64;
        let len = (span.round() as usize).clamp(1, ms);
        // The window [t1, t1 + len) of highest total utilisation.
        let mut sum: f64 = self.util[..len].iter().sum();
        let (mut best, mut t1) = (sum, 0);
        for t in len..ms {
            sum += self.util[t] - self.util[t - len];
            if sum > best + 1e-9 {
                best = sum;
                t1 = t + 1 - len;
            }
        }
        let (t1, t2) = (t1 as u32, (t1 + len) as u32);
        let inside = |j: u32| (t1..t2).contains(&mother.st[j as usize]);
        // Keys: start time, then the mother's jobs first, then list position.
        self.key.clear();
        self.key.resize(n, 0);
        for (pos, &j) in mother.list.iter().enumerate() {
            if inside(j) {
                self.key[j as usize] = ((mother.st[j as usize] as u64) << 32) | pos as u64;
            }
        }
        for (pos, &j) in father.list.iter().enumerate() {
            if !inside(j) {
                self.key[j as usize] =
                    ((father.st[j as usize] as u64) << 32) | (1 << 31) | pos as u64;
            }
        }
        self.left.clear();
        self.left.extend((0..n).map(|j| inst.preds(j).len() as u32));
        self.heap.clear();
        for j in 0..n {
            if self.left[j] == 0 {
                self.heap.push(Reverse((self.key[j], j as u32)));
            }
        }
        while let Some(Reverse((_, j))) = self.heap.pop() {
            out.push(j);
            for &s in inst.succs(j as usize) {
                self.left[s as usize] -= 1;
                if self.left[s as usize] == 0 {
                    self.heap.push(Reverse((self.key[s as usize], s)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rcpsp::sgs::{Engine, Rule, activity_list, priorities};
    use crate::rcpsp::testgen::random_instance;

    type Built = (Vec<u32>, Vec<u32>, u32, Vec<u32>);

    fn parent(p: &Built) -> Parent<'_> {
        Parent {
            list: &p.0,
            st: &p.1,
            ms: p.2,
        }
    }

    fn feasible(inst: &Instance, list: &[u32], dir: Dir) -> bool {
        let mut pos = vec![usize::MAX; inst.n];
        for (i, &j) in list.iter().enumerate() {
            if pos[j as usize] != usize::MAX {
                return false;
            }
            pos[j as usize] = i;
        }
        list.len() == inst.n
            && (0..inst.n).all(|j| {
                inst.succs(j).iter().all(|&s| match dir {
                    Dir::Forward => pos[j] < pos[s as usize],
                    Dir::Backward => pos[j] > pos[s as usize],
                })
            })
    }

    #[test]
    fn operators_keep_lists_precedence_feasible() {
        let mut rng = Rng::new(99);
        let mut peak = Peak::default();
        for case in 0..200 {
            let inst = random_instance(&mut rng, 2 + case % 30, 1 + case % 3);
            let n = inst.n;
            let lft = priorities(&inst, Rule::Lft);
            let mut eng = Engine::new(&inst);
            let mut parents = Vec::new();
            for _ in 0..2 {
                let mut list = Vec::new();
                activity_list(&inst, &lft, Some((&mut rng, 1.0)), &mut list);
                let mut st = vec![0; n];
                let ms = eng.serial(Dir::Forward, &list, &mut st);
                let mut bwd = list.clone();
                bwd.reverse();
                parents.push((list, st, ms, bwd));
            }
            let (m, f) = (&parents[0], &parents[1]);
            let mut taken = vec![false; n];
            let mut child = Vec::new();
            crossover(&m.0, &f.0, &mut rng, &mut taken, &mut child);
            assert!(feasible(&inst, &child, Dir::Forward));
            mutate(&inst, &mut child, 0.5, &mut rng, Dir::Forward);
            assert!(feasible(&inst, &child, Dir::Forward));
            let mut pos = vec![0; n];
            for _ in 0..5 {
                shift(&inst, &mut child, &mut pos, &mut rng);
                assert!(feasible(&inst, &child, Dir::Forward));
            }
            crossover(&m.3, &f.3, &mut rng, &mut taken, &mut child);
            assert!(feasible(&inst, &child, Dir::Backward));
            mutate(&inst, &mut child, 0.5, &mut rng, Dir::Backward);
            assert!(feasible(&inst, &child, Dir::Backward));
            peak.cross(
                &inst,
                parent(m),
                parent(f),
                (0.1, 0.5),
                &mut rng,
                &mut child,
            );
            assert!(feasible(&inst, &child, Dir::Forward));
        }
    }

    #[test]
    fn peak_crossover_keeps_the_mothers_peak() {
        // One resource of 2; jobs 1 and 2 (1 unit each) fill period 0..4 in
        // the mother, job 3 (1 unit) runs alone later: the whole-window peak
        // of length 4 is [0, 4), so jobs 1 and 2 keep the mother's times
        // and come first in the child even if the father starts them late.
        let inst = Instance::new(
            vec![0, 4, 4, 4, 0],
            vec![vec![1, 2, 3], vec![4], vec![4], vec![4], vec![]],
            vec![vec![0], vec![1], vec![1], vec![1], vec![0]],
            vec![2],
        )
        .unwrap();
        let m_st = [0, 0, 0, 4, 8];
        let f_st = [0, 4, 8, 0, 12];
        let m_list = [0, 1, 2, 3, 4];
        let f_list = [0, 3, 1, 2, 4];
        let mut out = Vec::new();
        let mut rng = Rng::new(1);
        Peak::default().cross(
            &inst,
            Parent {
                list: &m_list,
                st: &m_st,
                ms: 8,
            },
            Parent {
                list: &f_list,
                st: &f_st,
                ms: 12,
            },
            (0.5, 0.5),
            &mut rng,
            &mut out,
        );
        assert_eq!(out, vec![0, 1, 2, 3, 4]);
    }
}
