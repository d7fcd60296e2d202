//! A window re-solved as a sub-project: feasible once put back, never longer.

use proptest::prelude::*;

use super::{SubProject, pick_window};
use crate::rcpsp::sgs::{Dir, Engine};
use crate::rcpsp::testgen::{random_instance, random_list};
use crate::rcpsp::{Instance, check, makespan};
use crate::rng::Rng;

/// A random instance, a serial-SGS schedule of a random list, and that
/// schedule with a window of about `size` jobs re-solved in `schedules`
/// passes and put back: (instance, schedule, makespan, put back, passes).
fn re_solve(
    seed: u64,
    real: usize,
    k: usize,
    size: usize,
    schedules: u64,
) -> Option<(Instance, u32, Vec<u32>, u64)> {
    let mut rng = Rng::new(seed);
    let inst = random_instance(&mut rng, real, k);
    let list = random_list(&inst, &mut rng);
    let eng = &mut Engine::new(&inst);
    let mut st = vec![0u32; inst.n];
    let ms = eng.serial(Dir::Forward, &list, &mut st);
    let window = pick_window(&inst, &st, size, &mut rng, &mut Vec::new());
    let mut sub = SubProject::cut(&inst, &st, ms, window, &eng.rank)?;
    let (sub_st, used) = sub.solve(schedules, &mut rng);
    sub.put_back(&sub_st, &mut st);
    Some((inst, ms, st, used))
}

#[test]
fn a_re_solved_window_put_back_is_feasible_and_never_longer() {
    let mut cut = 0;
    for case in 0..300u64 {
        let (real, k, size) = (
            3 + case as usize % 40,
            1 + case as usize % 4,
            2 + case as usize % 12,
        );
        let schedules = 1 + case % 50;
        let Some((inst, ms, back, used)) = re_solve(case, real, k, size, schedules) else {
            continue;
        };
        cut += 1;
        assert!(
            used >= 1 && used <= schedules,
            "{used} passes of {schedules}"
        );
        check(&inst, &back).unwrap();
        assert!(
            makespan(&inst, &back) <= ms,
            "case {case}: {ms} -> {}",
            makespan(&inst, &back)
        );
    }
    assert!(cut > 200, "only {cut} windows had two jobs or more");
}

#[test]
fn the_windows_own_order_keeps_every_job_at_or_before_its_start() {
    let mut rng = Rng::new(11);
    for case in 0..200 {
        let inst = random_instance(&mut rng, 3 + case % 30, 1 + case % 3);
        let list = random_list(&inst, &mut rng);
        let mut eng = Engine::new(&inst);
        let mut st = vec![0u32; inst.n];
        let ms = eng.serial(Dir::Forward, &list, &mut st);
        let window = pick_window(&inst, &st, 2 + case % 10, &mut rng, &mut Vec::new());
        let Some(mut sub) = SubProject::cut(&inst, &st, ms, window, &eng.rank) else {
            continue;
        };
        let mut sub_st = vec![0; sub.inst.n];
        sub.decode(&sub.own_order(), &mut sub_st)
            .expect("the window's own order is feasible");
        for (i, &j) in sub.jobs.iter().enumerate() {
            assert!(sub_st[i + 1] <= st[j as usize]);
        }
    }
}

#[test]
fn re_solving_a_badly_ordered_window_shortens_the_schedule() {
    // One machine (capacity 1) for jobs 1 and 2; job 3 needs none but must
    // follow job 1. Running 2 before 1 makes 3 wait: makespan 6. Running 1
    // first lets 3 run beside 2: makespan 4.
    let inst = Instance::new(
        vec![0, 2, 2, 2, 0],
        vec![vec![1, 2], vec![3], vec![4], vec![4], vec![]],
        vec![vec![0], vec![1], vec![1], vec![0], vec![0]],
        vec![1],
    )
    .unwrap();
    let st = vec![0, 2, 0, 4, 6];
    check(&inst, &st).unwrap();
    let rank: Vec<u32> = (0..5).collect();
    let mut sub = SubProject::cut(&inst, &st, 6, (0, 6), &rank).unwrap();
    assert_eq!(
        sub.inst.num_jobs(),
        7,
        "five jobs and the sub-project's two dummies"
    );
    let (sub_st, _) = sub.solve(20, &mut Rng::new(3));
    let mut back = st.clone();
    sub.put_back(&sub_st, &mut back);
    check(&inst, &back).unwrap();
    assert_eq!(makespan(&inst, &back), 4);
}

#[test]
fn the_window_uses_only_the_capacity_the_fixed_jobs_leave() {
    // Capacity 2. Job 1 starts before the window [4, 7) and holds 1 unit
    // until 5; job 4 starts after it, at 7, and follows job 3. Jobs 2 and 3
    // (1 unit each) form the window: they cannot both start at 4, and job 3
    // must finish by 7.
    let inst = Instance::new(
        vec![0, 2, 2, 2, 2, 0],
        vec![vec![1, 2, 3], vec![5], vec![5], vec![4], vec![5], vec![]],
        vec![vec![0], vec![1], vec![1], vec![1], vec![2], vec![0]],
        vec![2],
    )
    .unwrap();
    let st = vec![0, 3, 5, 4, 7, 9];
    check(&inst, &st).unwrap();
    let rank: Vec<u32> = (0..6).collect();
    let mut sub = SubProject::cut(&inst, &st, 9, (4, 7), &rank).unwrap();
    assert_eq!(sub.jobs, vec![3, 2]);
    for seed in 0..20 {
        let (sub_st, _) = sub.solve(30, &mut Rng::new(seed));
        let mut back = st.clone();
        sub.put_back(&sub_st, &mut back);
        check(&inst, &back).unwrap();
        let mut starts = [back[2], back[3]];
        starts.sort();
        assert_eq!(starts, [4, 5]);
        assert_eq!((back[1], back[4]), (3, 7));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_re_solved_window_is_feasible_and_never_longer(
        seed in any::<u64>(), real in 2usize..40, k in 1usize..4,
        size in 2usize..20, schedules in 1u64..80,
    ) {
        if let Some((inst, ms, back, used)) = re_solve(seed, real, k, size, schedules) {
            prop_assert!(used <= schedules);
            prop_assert!(check(&inst, &back).is_ok(), "{:?}", check(&inst, &back));
            prop_assert!(makespan(&inst, &back) <= ms);
        }
    }
}
