//! Tasks shared by several people: a task whose `assignees_max` is above 1 may have its
//! effort split across up to that many qualified people working in parallel, when that
//! finishes it earlier than the best single person the scheme found.
//!
//! For a finish day `F`, each person can give the task the free minutes (capped per day)
//! they have from the task's earliest start through `F`; a task that may not pause only
//! those of the person's last run of days without a busy working day. The task can
//! finish by `F` when the `assignees_max` people who can give the most have its effort
//! between them, so the earliest such `F` is found in one scan over the days, and on
//! that day the fewest people who have the effort take it (the most available), and
//! split it as evenly as their free minutes allow: an even share each, or all that one
//! has when that is less. Each part books from the first day its person can give, so
//! every part ends as early as it can and the task on the earliest day.

use super::prepare::Prepared;
use crate::rng::Rng;

/// One person's part of a task: the person and their (day, minutes), by day.
pub(super) type Part = (usize, Vec<(u32, u32)>);

/// Task `j` shared by several of its people on the free minutes `free` (person rows of
/// `prep.h` days), starting no earlier than `es`, if that finishes before day `before`:
/// the parts, first start first. `None` when it does not (or the task is not shared).
pub(super) fn share(
    prep: &Prepared,
    j: usize,
    free: &[u32],
    es: usize,
    before: usize,
) -> Option<Vec<Part>> {
    let k = prep.assignees[j] as usize;
    let people = &prep.qualified[j];
    if k < 2 || people.len() < 2 || prep.pinned[j].is_some() {
        return None;
    }
    let h = prep.h;
    let end = prep.end[j].min(before).min(h);
    let effort = prep.effort[j] as u64;
    let cap = prep.max_per_day[j];
    let split = prep.may_split[j];
    // Per person: minutes available through the current day, and the first day of them.
    let mut avail = vec![0u64; people.len()];
    let mut from = vec![es; people.len()];
    let mut top: Vec<u64> = Vec::with_capacity(people.len());
    let mut finish = None;
    for d in es..end {
        for (i, &p) in people.iter().enumerate() {
            let f = free[p * h + d];
            if !split && f == 0 && prep.base[p * h + d] > 0 {
                // A busy working day: a part that may not pause starts after it.
                avail[i] = 0;
                from[i] = d + 1;
            } else {
                avail[i] += f.min(cap) as u64;
            }
        }
        if most_of(&avail, k, &mut top) >= effort {
            finish = Some(d);
            break;
        }
    }
    let finish = finish?;
    // The fewest people who have the effort by then, the most available first, then
    // the less sought-after.
    let mut chosen: Vec<usize> = (0..people.len()).filter(|&i| avail[i] > 0).collect();
    chosen.sort_by_key(|&i| {
        (
            std::cmp::Reverse(avail[i]),
            prep.demand[people[i]],
            people[i],
        )
    });
    let mut have = 0u64;
    let needed = chosen
        .iter()
        .position(|&i| {
            have += avail[i];
            have >= effort
        })
        .map_or(chosen.len(), |x| x + 1);
    chosen.truncate(needed);
    let mut parts = Vec::with_capacity(needed);
    for (i, minutes) in even(&chosen, &avail, effort) {
        let p = people[i];
        let mut left = minutes;
        let mut bookings = Vec::new();
        for d in from[i]..=finish {
            if left == 0 {
                break;
            }
            let take = (free[p * h + d].min(cap) as u64).min(left);
            if take > 0 {
                bookings.push((d as u32, take as u32));
                left -= take;
            }
        }
        parts.push((p, bookings));
    }
    parts.sort_by_key(|(p, b)| (b.first().map(|x| x.0), *p));
    Some(parts)
}

/// The effort split as evenly as the people's free minutes allow: each of `chosen`
/// (whose `avail` minutes add up to at least `effort`) gets the same share, except
/// that one who has less gets all they have and the others share the rest. Parts are
/// equal to the minute but for those, so no one is left a sliver of what another
/// could have taken; the minutes add up to `effort` exactly.
fn even(chosen: &[usize], avail: &[u64], effort: u64) -> Vec<(usize, u64)> {
    let mut by_avail = chosen.to_vec();
    by_avail.sort_by_key(|&i| avail[i]);
    let mut rem = effort;
    let mut out = Vec::with_capacity(chosen.len());
    for (n, &i) in by_avail.iter().enumerate() {
        // The least available first: each takes at most an even share of what is left.
        let left = (by_avail.len() - n) as u64;
        let give = avail[i].min(rem.div_ceil(left));
        rem -= give;
        out.push((i, give));
    }
    out.retain(|&(_, m)| m > 0);
    out
}

/// Which tasks a search pass may share (`None`: every one that may be): a third of
/// the passes share them all, a third none, a third each at random, since sharing one
/// task can make later ones wait. Draws nothing when no task may be shared, so such
/// plans are searched as before.
pub(super) fn mask(prep: &Prepared, rng: &mut Rng) -> Option<Vec<bool>> {
    if prep.assignees.iter().all(|&k| k < 2) {
        return None;
    }
    let r = rng.unit();
    if r < 1.0 / 3.0 {
        None
    } else if r < 2.0 / 3.0 {
        Some(vec![false; prep.assignees.len()])
    } else {
        Some(
            prep.assignees
                .iter()
                .map(|&k| k > 1 && rng.unit() < 0.5)
                .collect(),
        )
    }
}

/// The parts' bookings added up per day.
pub(super) fn merged(parts: &[Part]) -> Vec<(u32, u32)> {
    let mut all: Vec<(u32, u32)> = parts.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    all.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(all.len());
    for (d, m) in all {
        match out.last_mut() {
            Some(last) if last.0 == d => last.1 += m,
            _ => out.push((d, m)),
        }
    }
    out
}

/// The earliest finish of task `j` from `es` on the calendars alone (`prep.base`) when
/// up to `assignees_max` people share it, counting every day's free minutes even for a
/// task that may not pause: never later than any plan's, for the lower bounds.
pub(super) fn earliest_finish(prep: &Prepared, j: usize, es: usize) -> Option<u32> {
    let k = prep.assignees[j] as usize;
    let people = &prep.qualified[j];
    let h = prep.h;
    let cap = prep.max_per_day[j];
    let effort = prep.effort[j] as u64;
    let mut avail = vec![0u64; people.len()];
    let mut top: Vec<u64> = Vec::with_capacity(people.len());
    for d in es..prep.end[j].min(h) {
        for (i, &p) in people.iter().enumerate() {
            avail[i] += prep.base[p * h + d].min(cap) as u64;
        }
        if most_of(&avail, k, &mut top) >= effort {
            return Some(d as u32);
        }
    }
    None
}

/// The hours of the `k` people with the most free hours in `avail` (`top` is scratch).
fn most_of(avail: &[u64], k: usize, top: &mut Vec<u64>) -> u64 {
    top.clear();
    top.extend_from_slice(avail);
    if k < top.len() {
        top.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
        top.truncate(k);
    }
    top.iter().sum()
}
