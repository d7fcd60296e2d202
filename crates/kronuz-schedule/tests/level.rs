#![allow(clippy::needless_range_loop)]

mod support;

use kronuz_schedule::level::{LevelError, Options, Person, Problem, Reason, Task, level};
use proptest::prelude::*;
use support::*;

#[test]
fn chain_of_dependencies() {
    let pb = Problem {
        horizon_days: 20,
        people: vec![person("alice", 8.0, 20, &[])],
        tasks: vec![
            task("a", 8.0),
            after(task("b", 16.0), "a", 0),
            after(task("c", 8.0), "b", 1),
        ],
    };
    let plan = run(&pb);
    assert_eq!(days(get(&plan, "a")), vec![(0, 8.0)]);
    assert_eq!(days(get(&plan, "b")), vec![(1, 8.0), (2, 8.0)]);
    assert_eq!(days(get(&plan, "c")), vec![(4, 8.0)]);
    assert_eq!(plan.finish_day, Some(4));
    assert_eq!(plan.late, 0);
}

#[test]
fn two_people_one_skilled() {
    // The unskilled task comes first in the input, but must not take the
    // only person who can do the skilled one.
    let pb = Problem {
        horizon_days: 10,
        people: vec![
            person("alice", 8.0, 10, &["rust"]),
            person("bob", 8.0, 10, &[]),
        ],
        tasks: vec![task("any", 16.0), {
            let mut t = task("rusty", 16.0);
            t.skills = vec!["rust".into()];
            t
        }],
    };
    let plan = run(&pb);
    assert_eq!(get(&plan, "rusty").person_id.as_deref(), Some("alice"));
    assert_eq!(get(&plan, "any").person_id.as_deref(), Some("bob"));
    assert_eq!(plan.finish_day, Some(1));
}

#[test]
fn part_time_person_and_days_off() {
    let mut p = person("carol", 4.0, 10, &[]);
    p.capacity[1] = 0.0; // a day off
    p.booked = vec![0.0; 10];
    p.booked[2] = 1.5; // a fixed booking
    let pb = Problem {
        horizon_days: 10,
        people: vec![p],
        tasks: vec![task("t", 10.0)],
    };
    let plan = run(&pb);
    assert_eq!(days(get(&plan, "t")), vec![(0, 4.0), (2, 2.5), (3, 3.5)]);
}

#[test]
fn no_split_waits_for_a_gap_free_run() {
    let mk = |split: bool| Problem {
        horizon_days: 10,
        people: vec![person("alice", 8.0, 10, &[])],
        tasks: vec![
            {
                let mut t = task("fixed", 8.0);
                t.person_id = Some("alice".into());
                t.earliest_start = 2;
                t.priority = 10;
                t
            },
            {
                let mut t = task("long", 24.0);
                t.may_split = split;
                t
            },
        ],
    };
    let plan = run(&mk(true));
    assert_eq!(days(get(&plan, "long")), vec![(0, 8.0), (1, 8.0), (3, 8.0)]);
    let plan = run(&mk(false));
    assert_eq!(days(get(&plan, "long")), vec![(3, 8.0), (4, 8.0), (5, 8.0)]);
    // Days off are not gaps.
    let mut pb = mk(false);
    pb.tasks.remove(0);
    pb.people[0].capacity[1] = 0.0;
    let plan = run(&pb);
    assert_eq!(days(get(&plan, "long")), vec![(0, 8.0), (2, 8.0), (3, 8.0)]);
}

#[test]
fn max_hours_per_day() {
    let mut t = task("t", 10.0);
    t.max_hours_per_day = Some(3.0);
    let pb = Problem {
        horizon_days: 10,
        people: vec![person("alice", 8.0, 10, &[])],
        tasks: vec![t],
    };
    let plan = run(&pb);
    assert_eq!(
        days(get(&plan, "t")),
        vec![(0, 3.0), (1, 3.0), (2, 3.0), (3, 1.0)]
    );
}

#[test]
fn late_because_of_a_predecessor_chain() {
    let mut a = task("a", 24.0);
    a.person_id = Some("alice".into());
    let mut b = after(task("b", 16.0), "a", 0);
    b.person_id = Some("alice".into());
    let mut c = after(task("c", 8.0), "b", 0);
    c.person_id = Some("bob".into());
    c.deadline = Some(3);
    let pb = Problem {
        horizon_days: 20,
        people: vec![person("alice", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![a, b, c],
    };
    let plan = run(&pb);
    let c = get(&plan, "c");
    assert_eq!(c.start_day, Some(5));
    assert_eq!(c.late_by_days, 2);
    assert_eq!(
        c.reason,
        Some(Reason::Predecessor {
            chain: vec!["a".into(), "b".into()]
        })
    );
    assert_eq!(plan.late, 1);
}

#[test]
fn late_because_of_a_bottleneck() {
    let mk = |id: &str, prio: i32| {
        let mut t = task(id, 16.0);
        t.skills = vec!["sap".into()];
        t.deadline = Some(1);
        t.priority = prio;
        t
    };
    let pb = Problem {
        horizon_days: 10,
        people: vec![
            person("alice", 8.0, 10, &["sap"]),
            person("bob", 8.0, 10, &[]),
        ],
        tasks: vec![mk("low", 0), mk("high", 5)],
    };
    let plan = run(&pb);
    assert_eq!(get(&plan, "high").late_by_days, 0);
    let low = get(&plan, "low");
    assert_eq!(low.late_by_days, 2);
    assert_eq!(
        low.reason,
        Some(Reason::Bottleneck {
            person_or_skill: "alice".into()
        })
    );
    // With two qualified people busy, the skill is named.
    let mut pb2 = pb.clone();
    pb2.people[1].skills.push("sap".into());
    pb2.tasks.push(mk("third", 1));
    let plan = run(&pb2);
    let low = get(&plan, "low");
    assert_eq!(low.late_by_days, 2);
    assert_eq!(
        low.reason,
        Some(Reason::Bottleneck {
            person_or_skill: "skills sap".into()
        })
    );
}

#[test]
fn unschedulable_tasks_get_reasons() {
    let mut nobody = task("nobody", 8.0);
    nobody.skills = vec!["cobol".into()];
    let after_nobody = after(task("after", 8.0), "nobody", 0);
    let huge = task("huge", 1000.0);
    let pb = Problem {
        horizon_days: 5,
        people: vec![person("alice", 8.0, 5, &[])],
        tasks: vec![nobody, after_nobody, huge],
    };
    let plan = run(&pb);
    assert_eq!(get(&plan, "nobody").reason, Some(Reason::NoQualifiedPerson));
    assert_eq!(
        get(&plan, "after").reason,
        Some(Reason::Predecessor {
            chain: vec!["nobody".into()]
        })
    );
    assert_eq!(get(&plan, "huge").reason, Some(Reason::HorizonTooShort));
    assert_eq!(plan.unscheduled, 3);
    assert_eq!(plan.finish_day, None);
}

#[test]
fn group_totals() {
    let mut a = task("a", 8.0);
    a.group = Some("p1".into());
    let mut b = after(task("b", 8.0), "a", 0);
    b.group = Some("p1".into());
    let mut c = task("c", 4.0);
    c.group = Some("p2".into());
    let pb = Problem {
        horizon_days: 5,
        people: vec![person("alice", 8.0, 5, &[]), person("bob", 8.0, 5, &[])],
        tasks: vec![a, b, c],
    };
    let plan = run(&pb);
    assert_eq!(
        plan.finish_by_group,
        vec![("p1".to_string(), Some(1)), ("p2".to_string(), Some(0))]
    );
}

#[test]
fn invalid_inputs_are_errors() {
    let base = Problem {
        horizon_days: 5,
        people: vec![person("alice", 8.0, 5, &[])],
        tasks: vec![
            after(task("a", 8.0), "c", 0),
            after(task("b", 8.0), "a", 0),
            after(task("c", 8.0), "b", 2),
        ],
    };
    let e = level(&base, &Options::default()).unwrap_err();
    match &e {
        LevelError::Cycle(c) => {
            assert_eq!(c.len(), 4);
            assert_eq!(c.first(), c.last());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().starts_with("dependency cycle: "), "{e}");

    let mut pb = base.clone();
    pb.tasks[0].predecessors = vec![("zzz".into(), 0)];
    let e = level(&pb, &Options::default()).unwrap_err();
    assert_eq!(
        e,
        LevelError::UnknownPredecessor {
            task: "a".into(),
            predecessor: "zzz".into()
        }
    );
    assert!(e.to_string().contains("'zzz'"));

    let mut pb = base.clone();
    pb.tasks[0].predecessors.clear();
    pb.tasks[1].person_id = Some("ghost".into());
    assert!(matches!(
        level(&pb, &Options::default()),
        Err(LevelError::UnknownPerson { .. })
    ));

    let mut pb = base.clone();
    pb.tasks[0].predecessors.clear();
    pb.tasks[2].effort_hours = 0.0;
    assert!(matches!(
        level(&pb, &Options::default()),
        Err(LevelError::InvalidEffort { .. })
    ));
    pb.tasks[2].effort_hours = f64::NAN;
    assert!(matches!(
        level(&pb, &Options::default()),
        Err(LevelError::InvalidEffort { .. })
    ));

    let mut pb = base.clone();
    pb.tasks[0].predecessors.clear();
    pb.tasks[1].id = "a".into();
    assert_eq!(
        level(&pb, &Options::default()),
        Err(LevelError::DuplicateTask("a".into()))
    );

    let mut pb = base.clone();
    pb.tasks[0].predecessors.clear();
    pb.people[0].capacity.pop();
    assert!(matches!(
        level(&pb, &Options::default()),
        Err(LevelError::InvalidCalendar { .. })
    ));

    let mut pb = base;
    pb.tasks[0].predecessors = vec![("a".into(), 0)];
    assert!(matches!(
        level(&pb, &Options::default()),
        Err(LevelError::Cycle(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn plans_respect_capacity_dependencies_and_effort(seed in any::<u64>(), nt in 0usize..25,
                                                      np in 1usize..5, h in 1u32..60, iters in 1u32..30) {
        let pb = random_problem(seed, nt, np, h);
        let opts = Options { max_iterations: iters, time_limit: None, seed, stall_iterations: None };
        let plan = level(&pb, &opts).unwrap();
        validate(&pb, &plan);
        prop_assert_eq!(plan, level(&pb, &opts).unwrap());
    }

    #[test]
    fn the_stop_rule_never_returns_a_plan_worse_than_the_first_pass(seed in any::<u64>(),
            nt in 1usize..40, np in 1usize..5, h in 1u32..60, stall in 0u32..8) {
        let pb = random_problem(seed, nt, np, h);
        let first = level(&pb, &Options { max_iterations: 1, seed, ..Options::default() }).unwrap();
        let opts = Options { max_iterations: 200, seed, stall_iterations: Some(stall), ..Options::default() };
        let plan = level(&pb, &opts).unwrap();
        validate(&pb, &plan);
        prop_assert!(score(&plan) <= score(&first), "{:?} > {:?}", score(&plan), score(&first));
        prop_assert!(plan.passes <= 1 + stall.max(1) * 200);
    }

    #[test]
    fn pinned_tasks_never_move_and_the_rest_is_planned_around_them(seed in any::<u64>(),
            nt in 1usize..30, np in 1usize..5, h in 1u32..60, iters in 1u32..20) {
        let mut pb = random_problem(seed, nt, np, h);
        let before = level(&pb, &Options { seed, ..Options::default() }).unwrap();
        let mut pinned = Vec::new();
        for (i, (t, tp)) in pb.tasks.iter_mut().zip(&before.tasks).enumerate() {
            let Some(person) = &tp.person_id else { continue };
            if i % 3 == 0 {
                // Each person's part, as the planner's allocations would pin it.
                t.pinned = tp
                    .parts
                    .iter()
                    .map(|p| (p.person_id.clone(), p.bookings.clone()))
                    .collect();
                pinned.push(i);
            } else {
                t.previous = Some((person.clone(), tp.start_day.unwrap_or(0)));
                // A small change: more effort.
                if i % 5 == 1 {
                    t.effort_hours += 3.0;
                }
            }
        }
        let opts = Options { max_iterations: iters, seed: seed ^ 1, stall_iterations: None, ..Options::default() };
        let after = level(&pb, &opts).unwrap();
        validate(&pb, &after);
        for i in pinned {
            prop_assert_eq!(&after.tasks[i].bookings, &before.tasks[i].bookings);
            prop_assert_eq!(&after.tasks[i].person_id, &before.tasks[i].person_id);
            prop_assert_eq!(&after.tasks[i].parts, &before.tasks[i].parts);
        }
    }
}

#[test]
fn a_pinned_task_holding_a_person_or_a_chain_is_named_as_the_reason() {
    let mut pb = Problem {
        horizon_days: 20,
        people: vec![person("ann", 8.0, 20, &[]), person("bob", 8.0, 20, &[])],
        tasks: vec![
            task("launch", 40.0),
            task("brief", 8.0),
            after(task("follow-up", 8.0), "launch", 0),
        ],
    };
    // Ann is pinned to the launch for days 2..=6.
    pb.tasks[0].pinned = vec![("ann".into(), (2..7).map(|d| (d, 8.0)).collect())];
    pb.tasks[1].person_id = Some("ann".into());
    pb.tasks[1].effort_hours = 24.0;
    pb.tasks[1].may_split = false;
    pb.tasks[1].deadline = Some(3);
    pb.tasks[2].deadline = Some(5);
    let plan = run(&pb);
    assert_eq!(get(&plan, "launch").start_day, Some(2));
    assert_eq!(get(&plan, "launch").finish_day, Some(6));
    let brief = get(&plan, "brief");
    assert!(brief.late_by_days > 0, "{brief:?}");
    assert_eq!(
        brief.reason,
        Some(Reason::Pinned {
            task: "launch".into()
        })
    );
    let follow = get(&plan, "follow-up");
    assert_eq!(follow.start_day, Some(7));
    assert_eq!(
        follow.reason,
        Some(Reason::Pinned {
            task: "launch".into()
        })
    );
}

#[test]
fn the_bound_names_the_longest_chain_or_the_scarce_work() {
    use kronuz_schedule::level::Binding;
    // A chain of two 16 h tasks on 8 h days: no plan ends before day 3.
    let mut pb = Problem {
        horizon_days: 30,
        people: vec![person("ann", 8.0, 30, &[]), person("bob", 8.0, 30, &[])],
        tasks: vec![task("a", 16.0), after(task("b", 16.0), "a", 0)],
    };
    for t in &mut pb.tasks {
        t.group = Some("site".into());
    }
    let plan = run(&pb);
    let b = &plan.bounds[0];
    assert_eq!((b.earliest_finish_day, b.days_above), (3, Some(0)));
    assert_eq!(b.binding, Binding::Chain(vec!["a".into(), "b".into()]));
    // Five independent 16 h tasks only Ann can do: 80 h at 8 h a day, day 9.
    pb.tasks = (0..5)
        .map(|i| {
            let mut t = task(&format!("t{i}"), 16.0);
            t.person_id = Some("ann".into());
            t.group = Some("site".into());
            t
        })
        .collect();
    let plan = run(&pb);
    let b = &plan.bounds[0];
    assert_eq!((b.earliest_finish_day, b.days_above), (9, Some(0)));
    assert_eq!(
        b.binding,
        Binding::Work {
            person_or_skill: "ann".into(),
            people: 1,
            hours: 80.0
        }
    );
}

#[test]
fn re_planning_an_unchanged_plan_moves_nothing() {
    let mut pb = random_problem(11, 120, 8, 120);
    let before = level(&pb, &Options::default()).unwrap();
    for (t, tp) in pb.tasks.iter_mut().zip(&before.tasks) {
        if let (Some(p), Some(s)) = (&tp.person_id, tp.start_day) {
            t.previous = Some((p.clone(), s));
        }
    }
    let after = level(&pb, &Options::default()).unwrap();
    validate(&pb, &after);
    assert_eq!(after.moved, 0);
}

/// A larger plan: 300 tasks, 30 people, a year; respects the time budget.
#[test]
fn larger_plan_within_a_time_budget() {
    let pb = random_problem(99, 300, 30, 365);
    let t0 = std::time::Instant::now();
    let opts = Options {
        max_iterations: 1_000_000,
        time_limit: Some(std::time::Duration::from_millis(300)),
        seed: 5,
        stall_iterations: None,
    };
    let plan = level(&pb, &opts).unwrap();
    let elapsed = t0.elapsed();
    validate(&pb, &plan);
    assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
    let t1 = std::time::Instant::now();
    let few = level(
        &pb,
        &Options {
            max_iterations: 20,
            time_limit: None,
            seed: 5,
            stall_iterations: None,
        },
    )
    .unwrap();
    eprintln!(
        "300 tasks: 20 iterations in {:?}; {} late, {} unscheduled, finish {:?}; with 300 ms: {} late, finish {:?}",
        t1.elapsed(),
        few.late,
        few.unscheduled,
        few.finish_day,
        plan.late,
        plan.finish_day
    );
}

#[test]
fn a_task_never_books_past_its_latest_finish() {
    let pb = Problem {
        horizon_days: 10,
        people: vec![Person {
            id: "p".into(),
            role: String::new(),
            skills: vec![],
            capacity: vec![8.0; 10],
            booked: vec![],
        }],
        tasks: vec![
            Task {
                latest_finish: Some(2),
                ..task("fits", 16.0)
            },
            Task {
                latest_finish: Some(4),
                ..task("too big", 48.0)
            },
        ],
    };
    let plan = level(&pb, &Options::default()).unwrap();
    assert_eq!(plan.tasks[0].finish_day, Some(1));
    assert_eq!(plan.tasks[1].start_day, None);
    assert_eq!(plan.tasks[1].reason, Some(Reason::HorizonTooShort));
    assert!(
        plan.tasks
            .iter()
            .flat_map(|t| &t.bookings)
            .all(|&(d, _)| d <= 4)
    );
}
