//! Tasks shared by several people (`assignees_max` above 1).

mod support;

use kronuz_schedule::level::{LevelError, Options, Part, Problem, Reason, TaskPlan, level};
use proptest::prelude::*;
use support::*;

fn hours(p: &Part) -> f64 {
    p.bookings.iter().map(|b| b.1).sum()
}

fn part<'a>(tp: &'a TaskPlan, person: &str) -> &'a Part {
    tp.parts
        .iter()
        .find(|p| p.person_id == person)
        .unwrap_or_else(|| panic!("{person} has no part in {tp:?}"))
}

fn shared(id: &str, effort: f64, assignees_max: u32) -> kronuz_schedule::level::Task {
    let mut t = task(id, effort);
    t.assignees_max = assignees_max;
    t.group = Some("site".into());
    t
}

#[test]
fn a_shared_task_is_split_across_people_and_finishes_earlier() {
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![shared("build", 40.0, 1)],
    };
    let alone = run(&pb);
    assert_eq!(get(&alone, "build").finish_day, Some(4));
    assert_eq!(get(&alone, "build").parts.len(), 1);

    pb.tasks[0].assignees_max = 2;
    let plan = run(&pb);
    let build = get(&plan, "build");
    // 40 h for two people with 8 h a day: 20 h each, 8 h on days 0 and 1, 4 h on day 2.
    assert_eq!((build.start_day, build.finish_day), (Some(0), Some(2)));
    assert_eq!(build.parts.len(), 2);
    let total: f64 = build.parts.iter().map(hours).sum();
    assert!((total - 40.0).abs() < 1e-9, "{build:?}");
    for p in &build.parts {
        assert_eq!(p.bookings, vec![(0, 8.0), (1, 8.0), (2, 4.0)], "{build:?}");
    }
    // The bound knows the task can be shared: day 2 is the earliest possible.
    assert_eq!(plan.bounds[0].earliest_finish_day, 2);
    assert_eq!(plan.bounds[0].days_above, Some(0));
}

#[test]
fn each_part_keeps_to_its_persons_hours_and_days_off() {
    let mut ann = person("ann", 8.0, 20, &["rust"]);
    // Ann is off on days 1 and 2 and has 3 h of other work on day 0.
    ann.capacity[1] = 0.0;
    ann.capacity[2] = 0.0;
    ann.booked = vec![0.0; 20];
    ann.booked[0] = 3.0;
    let bob = person("bob", 4.0, 20, &["rust"]);
    let carl = person("carl", 8.0, 20, &["design"]);
    let mut t = shared("api", 30.0, 3);
    t.skills = vec!["rust".into()];
    t.max_hours_per_day = Some(6.0);
    let pb = Problem {
        horizon_days: 20,
        people: vec![ann, bob, carl],
        tasks: vec![t],
    };
    let plan = run(&pb);
    let api = get(&plan, "api");
    assert!(api.parts.iter().all(|p| p.person_id != "carl"), "{api:?}");
    let ann = part(api, "ann");
    assert!(
        ann.bookings.iter().all(|&(d, _)| d != 1 && d != 2),
        "{ann:?}"
    );
    assert_eq!(ann.bookings[0], (0, 5.0));
    assert!(ann.bookings.iter().all(|&(_, h)| h <= 6.0));
    let bob = part(api, "bob");
    assert!(bob.bookings.iter().all(|&(_, h)| h <= 4.0));
    assert!((hours(ann) + hours(bob) - 30.0).abs() < 1e-9);
    // Alone, Bob at 4 h a day would need 8 days and Ann 6: together they need 4.
    assert_eq!(api.finish_day, Some(4));
}

#[test]
fn successors_start_after_the_last_part_ends() {
    let pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 4.0, 20, &[])],
        tasks: vec![shared("a", 20.0, 2), after(task("b", 4.0), "a", 0)],
    };
    let plan = run(&pb);
    let a = get(&plan, "a");
    // Bob has 8 h by day 1, all of which he gives; Ann takes the other 12 h.
    assert_eq!(part(a, "ann").bookings, vec![(0, 8.0), (1, 4.0)]);
    assert_eq!(part(a, "bob").bookings, vec![(0, 4.0), (1, 4.0)]);
    assert_eq!(a.finish_day, Some(1));
    assert_eq!(get(&plan, "b").start_day, Some(2));
}

#[test]
fn only_as_many_people_as_finish_it_earlier() {
    let people = vec![
        person("ann", 8.0, 10, &[]),
        person("bob", 8.0, 10, &[]),
        person("cat", 8.0, 10, &[]),
    ];
    // One day's work: nobody helps.
    let pb = Problem {
        horizon_days: 10,
        people: people.clone(),
        tasks: vec![shared("small", 8.0, 3)],
    };
    assert_eq!(get(&run(&pb), "small").parts.len(), 1);
    // Two days' work: two people finish it on day 0, a third adds nothing.
    let pb = Problem {
        horizon_days: 10,
        people,
        tasks: vec![shared("pair", 16.0, 3)],
    };
    let plan = run(&pb);
    let pair = get(&plan, "pair");
    assert_eq!(pair.parts.len(), 2);
    assert_eq!(pair.finish_day, Some(0));
}

#[test]
fn a_task_that_may_not_pause_is_shared_in_unbroken_runs() {
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![task("meeting", 8.0), shared("move", 48.0, 2)],
    };
    // Bob is held on day 2 by a fixed task, so his part runs before it or after it.
    pb.tasks[0].person_id = Some("bob".into());
    pb.tasks[0].earliest_start = 2;
    pb.tasks[0].priority = 5;
    pb.tasks[1].may_split = false;
    let plan = run(&pb);
    let mv = get(&plan, "move");
    assert_eq!(mv.parts.len(), 2, "{mv:?}");
    let bob = part(mv, "bob");
    assert!(bob.bookings.iter().all(|&(d, _)| d != 2), "{bob:?}");
    // Alone Ann needs days 0..=5; shared it ends sooner.
    assert!(mv.finish_day.unwrap() < 5, "{mv:?}");
}

#[test]
fn pinned_work_is_planned_around() {
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![task("launch", 24.0), shared("build", 40.0, 2)],
    };
    pb.tasks[0].pinned = vec![("ann".into(), vec![(0, 8.0), (1, 8.0), (2, 8.0)])];
    let plan = run(&pb);
    let build = get(&plan, "build");
    // Bob alone would end on day 4; Ann joins him once the launch leaves her free.
    assert_eq!(part(build, "ann").bookings, vec![(3, 8.0)]);
    assert_eq!(part(build, "bob").bookings.len(), 4);
    assert_eq!(build.finish_day, Some(3));
    assert_eq!(get(&plan, "launch").parts[0].bookings.len(), 3);
}

#[test]
fn a_shared_task_pinned_keeps_every_part() {
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![shared("build", 32.0, 2)],
    };
    let before = run(&pb);
    let parts = get(&before, "build").parts.clone();
    assert_eq!(parts.len(), 2);
    pb.tasks[0].pinned = parts
        .iter()
        .map(|p| (p.person_id.clone(), p.bookings.clone()))
        .collect();
    pb.tasks[0].effort_hours = 80.0;
    let after = run(&pb);
    assert_eq!(get(&after, "build").parts, parts);
}

#[test]
fn a_task_is_not_shared_when_that_makes_another_late() {
    // Shared, the first task would take Bob on day 0, the only day Bob's own task has.
    let mut pb = Problem {
        horizon_days: 10,
        people: vec![person("ann", 8.0, 10, &[]), person("bob", 8.0, 10, &[])],
        tasks: vec![shared("first", 16.0, 2), task("bobs", 8.0)],
    };
    pb.tasks[0].priority = 1;
    pb.tasks[1].person_id = Some("bob".into());
    pb.tasks[1].deadline = Some(0);
    let plan = run(&pb);
    assert_eq!(plan.late, 0, "{plan:?}");
    assert_eq!(get(&plan, "first").parts.len(), 1);
    assert_eq!(get(&plan, "bobs").finish_day, Some(0));
    // With a single pass, it is shared and Bob's task is late: the search undoes it.
    let one = level(
        &pb,
        &Options {
            max_iterations: 1,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(get(&one, "first").parts.len(), 2);
    assert_eq!(one.late, 1);
}

#[test]
fn assignees_max_of_zero_is_refused() {
    let pb = Problem {
        horizon_days: 5,
        people: vec![person("ann", 8.0, 5, &[])],
        tasks: vec![shared("x", 8.0, 0)],
    };
    assert_eq!(
        level(&pb, &Options::default()),
        Err(LevelError::InvalidAssignees { task: "x".into() })
    );
}

/// A lone task on random calendars, done by one person or shared by up to `k`.
fn lone_task(seed: u64, np: usize, h: u32, k: u32) -> Problem {
    let mut pb = random_problem(seed, 1, np, h);
    pb.tasks[0].predecessors.clear();
    pb.tasks[0].pinned.clear();
    pb.tasks[0].assignees_max = k;
    pb
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_shared_task_never_finishes_later_than_with_one_person(seed in any::<u64>(),
            np in 1usize..6, h in 1u32..60, k in 2u32..5) {
        let one = lone_task(seed, np, h, 1);
        let many = lone_task(seed, np, h, k);
        let a = level(&one, &Options::default()).unwrap();
        let b = level(&many, &Options::default()).unwrap();
        validate(&many, &b);
        if let Some(f) = a.tasks[0].finish_day {
            let g = b.tasks[0].finish_day;
            prop_assert!(g.is_some_and(|g| g <= f), "alone {f}, shared {g:?}");
        }
    }

    #[test]
    fn plans_with_shared_tasks_stay_feasible(seed in any::<u64>(), nt in 0usize..30,
            np in 1usize..6, h in 1u32..60, iters in 1u32..20) {
        let mut pb = random_problem(seed, nt, np, h);
        for (i, t) in pb.tasks.iter_mut().enumerate() {
            t.assignees_max = 1 + (seed.rotate_left(i as u32) % 4) as u32;
        }
        let opts = Options { max_iterations: iters, time_limit: None, seed, stall_iterations: None };
        let plan = level(&pb, &opts).unwrap();
        validate(&pb, &plan);
        prop_assert_eq!(plan, level(&pb, &opts).unwrap());
    }
}

#[test]
fn a_shared_task_late_for_pinned_work_names_it_even_when_another_part_starts_first() {
    // Bob is pinned to a launch on days 0..=2; Ann starts the build on day 0 and Bob
    // joins on day 3, so Bob's part is the one that ends last.
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![task("launch", 24.0), shared("build", 48.0, 2)],
    };
    pb.tasks[0].pinned = vec![("bob".into(), vec![(0, 8.0), (1, 8.0), (2, 8.0)])];
    pb.tasks[1].deadline = Some(2);
    let plan = run(&pb);
    let build = get(&plan, "build");
    assert_eq!(build.person_id.as_deref(), Some("ann"), "{build:?}");
    assert!(build.late_by_days > 0, "{build:?}");
    assert_eq!(
        build.reason,
        Some(Reason::Pinned {
            task: "launch".into()
        }),
        "{build:?}"
    );
}

#[test]
fn a_shared_task_late_for_its_predecessor_says_so_when_sharing_would_have_made_it() {
    // On an empty calendar two people finish the 32 h by day 1, in time; one person
    // alone would need until day 3. The predecessor keeps Ann until day 1.
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![
            task("design", 16.0),
            after(shared("build", 32.0, 2), "design", 0),
        ],
    };
    pb.tasks[0].person_id = Some("ann".into());
    pb.tasks[1].deadline = Some(2);
    let plan = run(&pb);
    let build = get(&plan, "build");
    assert_eq!(build.parts.len(), 2, "{build:?}");
    assert_eq!(build.finish_day, Some(3), "{build:?}");
    assert_eq!(
        build.reason,
        Some(Reason::Predecessor {
            chain: vec!["design".into()]
        }),
        "{build:?}"
    );
}

#[test]
fn a_shared_task_late_names_the_busy_person_of_its_last_part_and_what_held_them() {
    // Bob is busy with his own task on days 0..=2 and Carl is pinned to a launch on the
    // same days, but Carl gets no part: the build waits for Bob, busy with his task.
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![
            person("ann", 8.0, 20, &["site"]),
            person("bob", 8.0, 20, &["site"]),
            person("carl", 8.0, 20, &["site"]),
        ],
        tasks: vec![
            task("bobs", 24.0),
            task("launch", 40.0),
            shared("build", 40.0, 2),
        ],
    };
    pb.tasks[0].person_id = Some("bob".into());
    pb.tasks[0].priority = 5;
    pb.tasks[1].pinned = vec![("carl".into(), (0..5).map(|d| (d, 8.0)).collect())];
    pb.tasks[2].skills = vec!["site".into()];
    pb.tasks[2].deadline = Some(2);
    let plan = run(&pb);
    let build = get(&plan, "build");
    assert!(
        build.parts.iter().all(|p| p.person_id != "carl"),
        "{build:?}"
    );
    assert_eq!(build.finish_day, Some(3), "{build:?}");
    assert_eq!(
        build.reason,
        Some(Reason::Busy {
            person: "bob".into(),
            task: "bobs".into()
        }),
        "{build:?}"
    );
}

#[test]
fn equal_people_get_equal_parts_and_no_sliver() {
    // 17 h for people with 8 h a day: taken greedily, one would get 16 h and the other
    // a 1 h sliver; balanced, each gets 8.5 h and it still ends on day 1.
    let pb = Problem {
        horizon_days: 10,
        people: vec![person("ann", 8.0, 10, &[]), person("bob", 8.0, 10, &[])],
        tasks: vec![shared("move", 17.0, 2)],
    };
    let plan = run(&pb);
    let mv = get(&plan, "move");
    assert_eq!(mv.finish_day, Some(1));
    assert_eq!(mv.parts.len(), 2, "{mv:?}");
    assert!(
        mv.parts.iter().all(|p| (hours(p) - 8.5).abs() < 1e-9),
        "{mv:?}"
    );
    // Three people on 50 h: 16 h 40 min each, the last day cut to what is left.
    let pb = Problem {
        horizon_days: 10,
        people: vec![
            person("ann", 8.0, 10, &[]),
            person("bob", 8.0, 10, &[]),
            person("cat", 8.0, 10, &[]),
        ],
        tasks: vec![shared("big", 50.0, 3)],
    };
    let plan = run(&pb);
    let big = get(&plan, "big");
    assert_eq!(big.finish_day, Some(2));
    assert_eq!(big.parts.len(), 3, "{big:?}");
    let sizes: Vec<f64> = big.parts.iter().map(hours).collect();
    let (lo, hi) = sizes
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
    assert!(hi - lo < 1.0, "{sizes:?}");
    assert!((sizes.iter().sum::<f64>() - 50.0).abs() < 1e-9, "{sizes:?}");
}

#[test]
fn a_person_with_less_free_time_gives_all_of_it_and_the_others_share_the_rest() {
    // By day 2 Ann has 24 h, Bob 24 h and Cat only 6 h (2 h a day): 50 h of work is
    // Cat's 6 h and 22 h each for Ann and Bob.
    let pb = Problem {
        horizon_days: 10,
        people: vec![
            person("ann", 8.0, 10, &[]),
            person("bob", 8.0, 10, &[]),
            person("cat", 2.0, 10, &[]),
        ],
        tasks: vec![shared("big", 50.0, 3)],
    };
    let plan = run(&pb);
    let big = get(&plan, "big");
    assert_eq!(big.finish_day, Some(2), "{big:?}");
    assert!((hours(part(big, "cat")) - 6.0).abs() < 1e-9, "{big:?}");
    assert!((hours(part(big, "ann")) - 22.0).abs() < 1e-9, "{big:?}");
    assert!((hours(part(big, "bob")) - 22.0).abs() < 1e-9, "{big:?}");
}

/// Minutes of person `p`'s free time task `t` may take on day `d` (on the calendars
/// alone: a lone task has nobody to share them with).
fn free_minutes(pb: &Problem, t: &kronuz_schedule::level::Task, p: usize, d: usize) -> u64 {
    let person = &pb.people[p];
    let cap = (person.capacity[d] * 60.0 + 1e-6).floor() as u64;
    let booked = (person.booked.get(d).copied().unwrap_or(0.0) * 60.0 - 1e-6).ceil() as u64;
    let free = cap.saturating_sub(booked);
    match t.max_hours_per_day {
        Some(m) => free.min((m * 60.0 + 1e-6).floor() as u64),
        None => free,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A lone task that may pause: it ends on the first day by which the `k` people
    /// with the most free time have its effort (never later than the greedy split
    /// did, which ended there too), its parts add up to the effort to the minute, no
    /// part takes more than its person has by then, and the parts are even: one
    /// smaller than another by over a minute is all its person had.
    #[test]
    fn a_shared_task_ends_as_early_as_its_people_allow_in_even_parts(seed in any::<u64>(),
            np in 2usize..6, h in 1u32..40, k in 2u32..5) {
        let mut pb = lone_task(seed, np, h, k);
        let t = &mut pb.tasks[0];
        t.may_split = true;
        t.latest_finish = None;
        t.person_id = None;
        let t = pb.tasks[0].clone();
        let plan = level(&pb, &Options::default()).unwrap();
        validate(&pb, &plan);
        let tp = &plan.tasks[0];
        let qualified: Vec<usize> = (0..pb.people.len())
            .filter(|&p| {
                let person = &pb.people[p];
                t.role.as_ref().is_none_or(|r| *r == person.role)
                    && t.skills.iter().all(|s| person.skills.contains(s))
            })
            .collect();
        let effort = (t.effort_hours * 60.0 - 1e-6).ceil() as u64;
        // The earliest day the k most available people have the effort between them.
        let mut avail = vec![0u64; pb.people.len()];
        let mut expected = None;
        for d in t.earliest_start as usize..h as usize {
            for &p in &qualified {
                avail[p] += free_minutes(&pb, &t, p, d);
            }
            let mut top: Vec<u64> = qualified.iter().map(|&p| avail[p]).collect();
            top.sort_unstable_by(|a, b| b.cmp(a));
            if top.iter().take(k as usize).sum::<u64>() >= effort {
                expected = Some(d as u32);
                break;
            }
        }
        prop_assert_eq!(tp.finish_day, expected, "{:?}", tp);
        let Some(finish) = expected else { return Ok(()); };
        let ix = |id: &str| pb.people.iter().position(|p| p.id == id).unwrap();
        let minutes = |b: &[(u32, f64)]| b.iter().map(|x| (x.1 * 60.0).round() as u64).sum::<u64>();
        let given: Vec<(usize, u64)> = tp.parts.iter().map(|p| (ix(&p.person_id), minutes(&p.bookings))).collect();
        prop_assert_eq!(given.iter().map(|g| g.1).sum::<u64>(), effort, "{:?}", tp);
        // Free minutes through the finish, from the task's earliest start.
        let by_finish = |p: usize| (t.earliest_start..=finish).map(|d| free_minutes(&pb, &t, p, d as usize)).sum::<u64>();
        let largest = given.iter().map(|g| g.1).max().unwrap_or(0);
        for &(p, m) in &given {
            prop_assert!(m <= by_finish(p), "{:?}", tp);
            prop_assert!(m + 1 >= largest || m == by_finish(p), "uneven: {:?}", tp);
        }
    }
}
