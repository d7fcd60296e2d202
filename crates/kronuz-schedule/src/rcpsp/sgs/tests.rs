//! Double justification: never longer, always feasible.

use super::{Dir, Engine, Rule, activity_list, priorities};
use crate::rcpsp::testgen::{random_instance, random_list};
use crate::rcpsp::{check, makespan};
use crate::rng::Rng;

#[test]
fn justification_never_lengthens_and_stays_feasible() {
    let mut rng = Rng::new(2024);
    let mut improved = 0;
    for case in 0..300 {
        let inst = random_instance(&mut rng, 3 + case % 40, 1 + case % 4);
        let list = random_list(&inst, &mut rng);
        let mut eng = Engine::new(&inst);
        let mut st = vec![0u32; inst.n];
        let ms = eng.serial(Dir::Forward, &list, &mut st);
        check(&inst, &st).unwrap();
        assert_eq!(ms, makespan(&inst, &st));

        // One pass: the right-justified schedule.
        let mut right = st.clone();
        let mut order = Vec::new();
        let (msr, used) = eng.justify(&mut right, ms, 1, &mut order);
        assert_eq!(used, 1);
        assert!(msr <= ms, "right justification lengthened {ms} to {msr}");
        check(&inst, &right).unwrap();
        assert_eq!(msr, makespan(&inst, &right));

        // Both passes: the left-justified schedule and its start order.
        let mut both = st.clone();
        let (msb, used) = eng.justify(&mut both, ms, 2, &mut order);
        assert_eq!(used, 2);
        assert!(msb <= msr, "left justification lengthened {msr} to {msb}");
        check(&inst, &both).unwrap();
        assert_eq!(msb, makespan(&inst, &both));
        // The returned order (the list that replaces the child's) is a
        // permutation, and decoding it again gives the same schedule.
        let mut seen = vec![false; inst.n];
        for &j in &order {
            assert!(!seen[j as usize]);
            seen[j as usize] = true;
        }
        assert_eq!(order.len(), inst.n);
        let mut again = vec![0u32; inst.n];
        assert_eq!(eng.serial(Dir::Forward, &order, &mut again), msb);
        assert_eq!(again, both);

        // Justifying a justified schedule never lengthens it either.
        let mut twice = both.clone();
        let (ms2, _) = eng.justify(&mut twice, msb, 2, &mut order);
        assert!(ms2 <= msb);
        check(&inst, &twice).unwrap();
        if msb < ms {
            improved += 1;
        }
    }
    // The property is not vacuous: justification shortens some schedules.
    assert!(improved > 0);
}

#[test]
fn zero_passes_leave_the_schedule_alone() {
    let mut rng = Rng::new(7);
    let inst = random_instance(&mut rng, 12, 2);
    let lft = priorities(&inst, Rule::Lft);
    let mut list = Vec::new();
    activity_list(&inst, &lft, None, &mut list);
    let mut eng = Engine::new(&inst);
    let mut st = vec![0u32; inst.n];
    let ms = eng.serial(Dir::Forward, &list, &mut st);
    let before = st.clone();
    let mut order = Vec::new();
    assert_eq!(eng.justify(&mut st, ms, 0, &mut order), (ms, 0));
    assert_eq!(st, before);
}
