//! Helpers shared by the levelling tests: small builders, the plan validator and the
//! random problems of the property tests.
#![allow(dead_code, clippy::needless_range_loop)]

use kronuz_schedule::level::{Options, Person, Plan, Problem, Task, TaskPlan, level};

pub fn person(id: &str, hours: f64, days: u32, skills: &[&str]) -> Person {
    Person {
        id: id.into(),
        role: "consultant".into(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        capacity: vec![hours; days as usize],
        booked: Vec::new(),
    }
}

pub fn task(id: &str, effort: f64) -> Task {
    Task {
        id: id.into(),
        effort_hours: effort,
        ..Task::default()
    }
}

pub fn after(mut t: Task, pred: &str, lag: u32) -> Task {
    t.predecessors.push((pred.into(), lag));
    t
}

pub fn run(pb: &Problem) -> Plan {
    let plan = level(pb, &Options::default()).unwrap();
    validate(pb, &plan);
    plan
}

pub fn get<'a>(plan: &'a Plan, id: &str) -> &'a TaskPlan {
    plan.tasks.iter().find(|t| t.task_id == id).unwrap()
}

pub fn days(t: &TaskPlan) -> Vec<(u32, f64)> {
    t.bookings.clone()
}

/// Checks every invariant of a plan against its problem: each part by its person,
/// the parts of a shared task together.
pub fn validate(pb: &Problem, plan: &Plan) {
    let h = pb.horizon_days as usize;
    assert_eq!(plan.tasks.len(), pb.tasks.len());
    assert_eq!(plan.overbooked_hours, 0.0);
    let ix = |pid: &str| pb.people.iter().position(|p| p.id == pid).unwrap();
    let mut used = vec![vec![0.0f64; h]; pb.people.len()];
    // Pinned work is taken like fixed bookings.
    let mut pinned = vec![vec![0.0f64; h]; pb.people.len()];
    for t in &pb.tasks {
        for (pid, days) in &t.pinned {
            for &(d, hrs) in days {
                pinned[ix(pid)][d as usize] += hrs;
            }
        }
    }
    for (t, tp) in pb.tasks.iter().zip(&plan.tasks) {
        assert_eq!(t.id, tp.task_id);
        let Some(pid) = &tp.person_id else {
            assert!(tp.bookings.is_empty());
            assert!(tp.parts.is_empty());
            assert!(tp.reason.is_some(), "unscheduled without reason: {tp:?}");
            continue;
        };
        assert!(!tp.parts.is_empty(), "{} has no part", t.id);
        assert_eq!(
            &tp.parts[0].person_id, pid,
            "the first part names the person"
        );
        // The parts add up, day by day, to the task's bookings.
        let mut merged: Vec<(u32, f64)> =
            tp.parts.iter().flat_map(|p| p.bookings.clone()).collect();
        merged.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mut sum: Vec<(u32, f64)> = Vec::new();
        for (d, hrs) in merged {
            match sum.last_mut() {
                Some(last) if last.0 == d => last.1 += hrs,
                _ => sum.push((d, hrs)),
            }
        }
        assert_eq!(sum.len(), tp.bookings.len(), "{}: {tp:?}", t.id);
        for (a, b) in sum.iter().zip(&tp.bookings) {
            assert_eq!(a.0, b.0);
            assert!((a.1 - b.1).abs() < 1e-6, "{}: {tp:?}", t.id);
        }
        if !t.pinned.is_empty() {
            // Kept as pinned, whatever its predecessors do.
            assert_eq!(tp.parts.len(), t.pinned.len());
            for (part, (pp, days)) in tp.parts.iter().zip(&t.pinned) {
                assert_eq!(&part.person_id, pp, "{} moved", t.id);
                assert_eq!(&part.bookings, days, "{} moved", t.id);
                for &(d, hrs) in &part.bookings {
                    used[ix(pp)][d as usize] += hrs;
                }
            }
            continue;
        }
        // At most `assignees_max` people, each once.
        assert!(
            tp.parts.len() <= t.assignees_max.max(1) as usize,
            "{}: {tp:?}",
            t.id
        );
        for (i, a) in tp.parts.iter().enumerate() {
            assert!(tp.parts[i + 1..].iter().all(|b| b.person_id != a.person_id));
        }
        // Effort: rounded up to the minute at most, per part.
        let total: f64 = tp.bookings.iter().map(|b| b.1).sum();
        let slack = tp.parts.len() as f64 / 60.0;
        assert!(
            total >= t.effort_hours - 1e-6 && total <= t.effort_hours + slack + 1e-6,
            "{} booked {total} for effort {}",
            t.id,
            t.effort_hours
        );
        let start = tp.start_day.unwrap();
        let finish = tp.finish_day.unwrap();
        assert_eq!(start, tp.bookings[0].0);
        assert_eq!(finish, tp.bookings.last().unwrap().0);
        assert!(start >= t.earliest_start);
        if let Some(l) = t.latest_finish {
            assert!(finish <= l);
        }
        for part in &tp.parts {
            let pi = ix(&part.person_id);
            let p = &pb.people[pi];
            assert!(!part.bookings.is_empty());
            // Qualification.
            match &t.person_id {
                Some(fixed) => assert_eq!(fixed, &part.person_id),
                None => {
                    assert!(t.role.as_ref().is_none_or(|r| *r == p.role));
                    assert!(t.skills.iter().all(|s| p.skills.contains(s)));
                }
            }
            for w in part.bookings.windows(2) {
                assert!(w[0].0 < w[1].0, "days out of order");
            }
            for &(d, hrs) in &part.bookings {
                assert!(hrs > 0.0);
                if let Some(m) = t.max_hours_per_day {
                    assert!(hrs <= m + 1e-9);
                }
                used[pi][d as usize] += hrs;
            }
            if !t.may_split {
                // Every working day of the person in the part is booked.
                let first = part.bookings[0].0;
                let last = part.bookings.last().unwrap().0;
                let booked_days: Vec<u32> = part.bookings.iter().map(|b| b.0).collect();
                for d in first..=last {
                    let free = p.capacity[d as usize]
                        - p.booked.get(d as usize).copied().unwrap_or(0.0)
                        - pinned[pi][d as usize];
                    if free >= 1.0 / 60.0 {
                        assert!(booked_days.contains(&d), "{} has a gap on day {d}", t.id);
                    }
                }
            }
        }
        // Dependencies (a pinned predecessor included): after the last part.
        for (pred, lag) in &t.predecessors {
            let pp = get(plan, pred);
            let pf = pp
                .finish_day
                .expect("scheduled task with unscheduled predecessor");
            assert!(
                start > pf + lag,
                "{} starts {start}, pred {pred} finishes {pf} lag {lag}",
                t.id
            );
        }
        // Lateness.
        let late = t.deadline.map_or(0, |d| finish.saturating_sub(d));
        assert_eq!(tp.late_by_days, late);
        assert_eq!(late > 0, tp.reason.is_some(), "{tp:?}");
    }
    // No plan beats the bound.
    for b in &plan.bounds {
        let finish = plan
            .finish_by_group
            .iter()
            .find(|(g, _)| *g == b.group)
            .and_then(|(_, f)| *f);
        if let (Some(f), Some(_)) = (finish, b.days_above) {
            assert!(
                b.earliest_finish_day <= f,
                "group {} finishes on {f}, before its bound {b:?}",
                b.group
            );
        }
    }
    for (pi, p) in pb.people.iter().enumerate() {
        for d in 0..h {
            let cap = p.capacity[d] - p.booked.get(d).copied().unwrap_or(0.0);
            assert!(
                used[pi][d] <= cap.max(0.0) + 1e-6,
                "{} overbooked on day {d}",
                p.id
            );
        }
    }
}

/// A random problem from a seed.
pub fn random_problem(seed: u64, nt: usize, np: usize, h: u32) -> Problem {
    let mut x = seed | 1;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let skills = ["a", "b", "c"];
    let people = (0..np)
        .map(|i| Person {
            id: format!("p{i}"),
            role: if next(2) == 0 {
                "dev".into()
            } else {
                "pm".into()
            },
            skills: skills
                .iter()
                .filter(|_| next(2) == 0)
                .map(|s| s.to_string())
                .collect(),
            capacity: (0..h)
                .map(|_| [0.0, 4.0, 7.6, 8.0, 8.0][next(5) as usize])
                .collect(),
            booked: if next(2) == 0 {
                Vec::new()
            } else {
                (0..h)
                    .map(|_| [0.0, 0.0, 1.25, 3.0][next(4) as usize])
                    .collect()
            },
        })
        .collect();
    let tasks = (0..nt)
        .map(|i| {
            let mut t = task(&format!("t{i}"), 0.5 + next(60) as f64 / 3.0);
            for j in 0..i {
                if next(6) == 0 {
                    t.predecessors.push((format!("t{j}"), next(3) as u32));
                }
            }
            match next(4) {
                0 => t.person_id = Some(format!("p{}", next(np as u64))),
                1 => t.role = Some("dev".into()),
                _ => {}
            }
            if next(3) == 0 {
                t.skills.push(skills[next(3) as usize].into());
            }
            t.earliest_start = next(5) as u32;
            if next(2) == 0 {
                t.deadline = Some(next(h as u64) as u32);
            }
            t.priority = next(3) as i32;
            t.may_split = next(3) != 0;
            if next(4) == 0 {
                t.max_hours_per_day = Some(1.0 + next(6) as f64);
            }
            t.group = Some(format!("g{}", next(2)));
            if next(3) == 0 {
                t.assignees_max = 2 + next(3) as u32;
            }
            t
        })
        .collect();
    Problem {
        horizon_days: h,
        people,
        tasks,
    }
}

/// Unscheduled tasks, days late, last finish, sum of finishes.
pub fn score(plan: &Plan) -> (usize, u64, Option<u32>, u64) {
    (
        plan.unscheduled,
        plan.tasks.iter().map(|t| t.late_by_days as u64).sum(),
        plan.finish_day,
        plan.tasks
            .iter()
            .filter_map(|t| t.finish_day)
            .map(u64::from)
            .sum(),
    )
}
