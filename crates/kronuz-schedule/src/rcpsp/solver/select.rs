//! Which individuals a generation keeps: the shortest schedules, clones and
//! near copies last, and among those of equal makespan, when they do not
//! all fit, the most spread out.

use super::Indiv;

/// With `spread`, schedules of the same makespan that differ in the start
/// times of at most this share of the jobs count as clones (with the peak
/// restart, at 5,000 schedules, mean of seeds 0 and 1, j120 / j30: exact
/// clones only 32.41% / 0.034%, 0.1 32.41% / 0.043%, 0.2 32.33% / 0.042%,
/// 0.275 32.32% / 0.035%, 0.35 32.34% / 0.028%, 0.5 32.41% / 0.037%; the
/// middle of the flat part. Seeds 0 to 5: 0.275 32.31% / 0.036%, 0.35
/// 32.33% / 0.037%).
const NEAR_CLONE: f64 = 0.275;

/// Keeps `size` individuals of `pop` (parents and children): by makespan,
/// stable on ties (parents first), clones after every distinct schedule.
/// Without `spread`, clones are exact copies of a schedule kept before them;
/// the first `size` are kept.
///
/// With `spread`, a schedule whose start times differ from those of a
/// schedule of its makespan kept before it in at most `NEAR_CLONE` of the
/// jobs also counts as a clone; and when the individuals of the makespan at
/// the cut do not all fit, the ones kept are picked one at a time, each the
/// farthest from those of that makespan already picked (the distance of two
/// schedules is the sum of their start-time differences; the first pick is
/// the first of them, a parent). On j120 the makespan at the cut nearly
/// always has more individuals than places (in 1,735 of 1,793 generations
/// on 40 instances with exact clones only; in the median generation 24
/// individuals are shorter and 31 compete for the 16 places left):
/// truncation keeps the parents and the first children among them, so the
/// population closes in on a few schedules; spreading keeps schedules that
/// differ, so the crossovers go on mixing different schedules.
pub(super) fn select(pop: &mut Vec<Indiv>, size: usize, spread: bool) {
    pop.sort_by_key(|x| x.ms);
    let near = if spread {
        (NEAR_CLONE * pop.first().map_or(0, |x| x.st.len()) as f64) as usize
    } else {
        0
    };
    let mut kept: Vec<Indiv> = Vec::with_capacity(pop.len());
    let mut clones = Vec::new();
    for x in pop.drain(..) {
        if kept
            .iter()
            .any(|y| y.ms == x.ms && differ_at_most(&x.st, &y.st, near))
        {
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

/// Whether start times `a` and `b` differ for at most `most` jobs.
fn differ_at_most(a: &[u32], b: &[u32], most: usize) -> bool {
    let mut left = most;
    for (x, y) in a.iter().zip(b) {
        if x != y {
            if left == 0 {
                return false;
            }
            left -= 1;
        }
    }
    true
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
    fn schedules_that_differ_in_few_starts_count_as_clones_when_spreading() {
        let a: Vec<u32> = (0..10).collect();
        let mut b = a.clone();
        // Two of ten jobs start elsewhere: within 27.5%.
        (b[2], b[5]) = (20, 21);
        let mut c = a.clone();
        // Three: a schedule of its own (from `a` and from `b`).
        (c[1], c[2], c[5]) = (20, 21, 22);
        let pop = vec![indiv(5, &a), indiv(5, &b), indiv(6, &a), indiv(5, &c)];
        let mut plain = pop.clone();
        select(&mut plain, 3, false);
        assert_eq!(
            kept(&plain),
            [(5, a.clone()), (5, b.clone()), (5, c.clone())]
        );
        let mut spread = pop;
        select(&mut spread, 3, true);
        assert_eq!(kept(&spread), [(5, a.clone()), (5, c), (6, a)]);
    }

    #[test]
    fn spreading_only_changes_which_schedules_of_the_cut_makespan_are_kept() {
        let mut rng = Rng::new(5);
        for case in 0..300 {
            let len = 1 + rng.below(40);
            let pop: Vec<Indiv> = (0..len)
                .map(|_| {
                    // Two jobs: only exact copies are clones.
                    let st: Vec<u32> = (0..2).map(|_| rng.below(4) as u32).collect();
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
