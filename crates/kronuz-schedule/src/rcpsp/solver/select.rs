//! Which individuals a generation keeps: the shortest schedules, and among
//! those of equal makespan, when they do not all fit, the most spread out.

use super::Indiv;

/// Keeps `size` individuals of `pop` (parents and children): by makespan,
/// stable on ties (parents first), exact clones after every distinct
/// schedule. With `spread`, when the individuals of the makespan at the cut
/// do not all fit, the ones kept are picked one at a time, each the
/// farthest from those of that makespan already picked (the distance of
/// two schedules is the sum of their start-time differences; the first
/// pick is the first of them, a parent). On j120 most generations after
/// the first convergence have more individuals of the best makespan than
/// places: truncation keeps the parents, which the children came from, so
/// the population closes in on one schedule a few jobs at a time.
pub(super) fn select(pop: &mut Vec<Indiv>, size: usize, spread: bool) {
    pop.sort_by_key(|x| x.ms);
    let mut kept: Vec<Indiv> = Vec::with_capacity(pop.len());
    let mut clones = Vec::new();
    for x in pop.drain(..) {
        if kept.iter().any(|y| y.ms == x.ms && y.st == x.st) {
            clones.push(x);
        } else {
            kept.push(x);
        }
    }
    if spread && kept.len() > size {
        let ms = kept[size - 1].ms;
        let lo = kept.partition_point(|x| x.ms < ms);
        let hi = kept.partition_point(|x| x.ms <= ms);
        if hi > size {
            spread_out(&mut kept[lo..hi], size - lo);
        }
    }
    kept.extend(clones);
    *pop = kept;
    pop.truncate(size);
}

/// Reorders `group` so that its first `slots` individuals are picked by
/// greedy max-min distance, starting from the first; the others follow in
/// their order.
fn spread_out(group: &mut [Indiv], slots: usize) {
    // `near[i]`: distance from group[i] to the nearest individual picked.
    let mut near = vec![u64::MAX; group.len()];
    for p in 0..slots.min(group.len()) {
        if p > 0 {
            // The farthest of the rest; ties to the earliest.
            let far = (p..group.len())
                .max_by_key(|&i| (near[i], std::cmp::Reverse(i)))
                .unwrap_or(p);
            group[p..=far].rotate_right(1);
            near[p..=far].rotate_right(1);
        }
        for i in p + 1..group.len() {
            near[i] = near[i].min(distance(&group[i], &group[p]));
        }
    }
}

fn distance(a: &Indiv, b: &Indiv) -> u64 {
    a.st.iter()
        .zip(&b.st)
        .map(|(&x, &y)| x.abs_diff(y) as u64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn indiv(ms: u32, st: &[u32]) -> Indiv {
        Indiv {
            st: st.to_vec(),
            ms,
            fwd: Vec::new(),
            bwd: Vec::new(),
        }
    }

    fn kept(pop: &[Indiv]) -> Vec<(u32, Vec<u32>)> {
        pop.iter().map(|x| (x.ms, x.st.clone())).collect()
    }

    #[test]
    fn the_most_spread_out_of_equal_makespans_are_kept() {
        let pop = vec![
            indiv(6, &[0, 0]),
            indiv(7, &[9, 9]),
            indiv(6, &[0, 1]),
            indiv(5, &[3, 3]),
            indiv(6, &[5, 5]),
            indiv(6, &[0, 0]),
        ];
        let mut plain = pop.clone();
        select(&mut plain, 3, false);
        assert_eq!(
            kept(&plain),
            [(5, vec![3, 3]), (6, vec![0, 0]), (6, vec![0, 1])]
        );
        let mut spread = pop;
        select(&mut spread, 3, true);
        assert_eq!(
            kept(&spread),
            [(5, vec![3, 3]), (6, vec![0, 0]), (6, vec![5, 5])]
        );
    }

    #[test]
    fn spreading_only_changes_which_schedules_of_the_cut_makespan_are_kept() {
        let mut rng = Rng::new(5);
        for case in 0..300 {
            let len = 1 + rng.below(40);
            let pop: Vec<Indiv> = (0..len)
                .map(|_| {
                    let st: Vec<u32> = (0..3).map(|_| rng.below(3) as u32).collect();
                    indiv(10 + rng.below(3) as u32, &st)
                })
                .collect();
            let size = 1 + rng.below(20);
            let (mut plain, mut spread) = (pop.clone(), pop);
            select(&mut plain, size, false);
            select(&mut spread, size, true);
            assert_eq!(spread.len(), plain.len(), "case {case}");
            // The same makespans, in order.
            let ms = |p: &[Indiv]| p.iter().map(|x| x.ms).collect::<Vec<_>>();
            assert_eq!(ms(&spread), ms(&plain), "case {case}");
            // No more clones than truncation keeps.
            let clones = |p: &[Indiv]| {
                (0..p.len())
                    .filter(|&i| (0..i).any(|j| p[j].ms == p[i].ms && p[j].st == p[i].st))
                    .count()
            };
            assert_eq!(clones(&spread), clones(&plain), "case {case}");
            // The schedules shorter than the cut are the same.
            let cut = plain.last().map_or(0, |x| x.ms);
            let below = |p: &[Indiv]| {
                let mut v = kept(p);
                v.retain(|x| x.0 < cut);
                v
            };
            assert_eq!(below(&spread), below(&plain), "case {case}");
        }
    }
}
