#![allow(clippy::needless_range_loop)]

use kronuz_schedule::rcpsp::{
    Instance, Options, ParseError, Violation, check, makespan, parse_sm, psplib_command, solve,
};
use proptest::prelude::*;

/// A small PSPLIB-format instance (hand-made): 6 jobs, 1 resource of 4.
/// Jobs 2..5 need 2/3/2/3 units for 3/2/2/3 periods, no precedence among
/// them. Optimal makespan 5: {2,4} in [0,3), {3,5}... see `small_optimum`.
const SMALL: &str = "\
************************************************************************
file with basedata            : hand.bas
initial value random generator: 1
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  6
horizon                       :  10
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          4           2   3   4   5
   2        1          1           6
   3        1          1           6
   4        1          1           6
   5        1          1           6
   6        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       3
  4      1     3       2
  5      1     2       1
  6      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    4
************************************************************************
";

fn inst(durs: &[u32], succ: &[&[usize]], dem: &[&[u32]], caps: &[u32]) -> Instance {
    Instance::new(
        durs.to_vec(),
        succ.iter().map(|s| s.to_vec()).collect(),
        dem.iter().map(|d| d.to_vec()).collect(),
        caps.to_vec(),
    )
    .unwrap()
}

/// Exact optimum of a tiny instance: the serial SGS over every
/// precedence-feasible order reaches an optimal (active) schedule.
fn brute_force(inst: &Instance) -> u32 {
    let n = inst.num_jobs();
    let mut best = u32::MAX;
    let mut order = Vec::new();
    let mut used = vec![false; n];
    fn rec(inst: &Instance, order: &mut Vec<usize>, used: &mut Vec<bool>, best: &mut u32) {
        let n = inst.num_jobs();
        if order.len() == n {
            *best = (*best).min(simple_serial(inst, order));
            return;
        }
        for j in 0..n {
            if !used[j] && inst.predecessors(j).all(|p| used[p]) {
                used[j] = true;
                order.push(j);
                rec(inst, order, used, best);
                order.pop();
                used[j] = false;
            }
        }
    }
    rec(inst, &mut order, &mut used, &mut best);
    best
}

/// A plain period-by-period serial SGS, independent of the library's.
fn simple_serial(inst: &Instance, order: &[usize]) -> u32 {
    let n = inst.num_jobs();
    let k = inst.num_resources();
    let horizon: u32 = (0..n).map(|j| inst.duration(j)).sum::<u32>() + 1;
    let mut use_ = vec![vec![0u32; k]; horizon as usize];
    let mut st = vec![0u32; n];
    let mut ms = 0;
    for &j in order {
        let mut t = inst
            .predecessors(j)
            .map(|p| st[p] + inst.duration(p))
            .max()
            .unwrap_or(0);
        while !(t..t + inst.duration(j))
            .all(|u| (0..k).all(|r| use_[u as usize][r] + inst.demand(j, r) <= inst.capacity(r)))
        {
            t += 1;
        }
        for u in t..t + inst.duration(j) {
            for r in 0..k {
                use_[u as usize][r] += inst.demand(j, r);
            }
        }
        st[j] = t;
        ms = ms.max(t + inst.duration(j));
    }
    ms
}

fn opts(max_schedules: u64, seed: u64) -> Options {
    Options {
        max_schedules,
        seed,
        ..Options::default()
    }
}

#[test]
fn parses_small_file() {
    let i = parse_sm(SMALL).unwrap();
    assert_eq!(i.num_jobs(), 6);
    assert_eq!(i.num_resources(), 1);
    assert_eq!(i.capacity(0), 4);
    assert_eq!(i.duration(1), 3);
    assert_eq!(i.demand(2, 0), 3);
    assert_eq!(i.successors(0).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(i.predecessors(5).count(), 4);
    assert_eq!(i.critical_path_bound(), 3);
}

#[test]
fn small_optimum() {
    let i = parse_sm(SMALL).unwrap();
    // Work is 6 + 6 + 6 + 2 = 20 units on capacity 4: at least 5 periods.
    assert_eq!(i.lower_bound(), 5);
    assert_eq!(brute_force(&i), 5);
    let s = solve(&i, &opts(1000, 1));
    check(&i, &s.starts).unwrap();
    assert_eq!(s.makespan, 5);
    assert_eq!(makespan(&i, &s.starts), 5);
}

#[test]
fn chain_is_sum_of_durations() {
    let i = inst(
        &[0, 2, 3, 4, 0],
        &[&[1], &[2], &[3], &[4], &[]],
        &[&[0], &[1], &[1], &[1], &[0]],
        &[1],
    );
    for m in [1, 10, 5000] {
        let s = solve(&i, &opts(m, 0));
        assert_eq!(s.makespan, 9);
        assert_eq!(s.starts, vec![0, 0, 2, 5, 9]);
    }
}

#[test]
fn exclusive_jobs_run_one_after_the_other() {
    let i = inst(
        &[0, 4, 3, 5, 0],
        &[&[1, 2, 3], &[4], &[4], &[4], &[]],
        &[&[0, 0], &[2, 0], &[2, 1], &[0, 1], &[0, 0]],
        &[2, 1],
    );
    let s = solve(&i, &opts(100, 0));
    check(&i, &s.starts).unwrap();
    // Job 2 conflicts with 1 (R1) and with 3 (R2); 1 and 3 can overlap.
    assert_eq!(s.makespan, 8);
    assert_eq!(brute_force(&i), 8);
}

/// A case where the single LFT pass is not optimal but the search is.
#[test]
fn search_improves_on_the_priority_rule() {
    // Job 1 (long, small) and jobs 2, 3 (short, wide) on capacity 3.
    let i = inst(
        &[0, 6, 2, 2, 2, 0],
        &[&[1, 2, 3], &[5], &[4], &[5], &[5], &[]],
        &[&[0], &[1], &[2], &[3], &[2], &[0]],
        &[3],
    );
    let opt = brute_force(&i);
    let s = solve(&i, &opts(5000, 3));
    check(&i, &s.starts).unwrap();
    assert_eq!(s.makespan, opt);
    let one = solve(&i, &opts(1, 3));
    check(&i, &one.starts).unwrap();
    assert!(one.makespan >= opt);
}

#[test]
fn json_command() {
    let out = psplib_command(
        SMALL,
        Some(200),
        None,
        Options {
            seed: 7,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(out.starts_with("{\"makespan\": 5, \"starts\": ["), "{out}");
    assert!(out.ends_with("]}"));
    assert!(!out.contains('\n'));
    let starts: Vec<u32> = out["{\"makespan\": 5, \"starts\": [".len()..out.len() - 2]
        .split(", ")
        .map(|s| s.parse().unwrap())
        .collect();
    check(&parse_sm(SMALL).unwrap(), &starts).unwrap();
    let with_time = psplib_command(
        SMALL,
        None,
        Some(50),
        Options {
            seed: 7,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(with_time.starts_with("{\"makespan\": 5,"));
    assert!(psplib_command("nonsense", Some(1), None, Options::default()).is_err());
}

fn parse_err(text: &str) -> ParseError {
    parse_sm(text).expect_err("should fail")
}

#[test]
fn parse_errors_are_clear() {
    let e = parse_err("");
    assert!(e.message.contains("jobs (incl"), "{e}");

    let e = parse_err(&SMALL.replace(
        "   3        1          1           6",
        "   3        1          2           6",
    ));
    assert_eq!(e.line, Some(17));
    assert!(
        e.message.contains("declares 2 successors but lists 1"),
        "{e}"
    );

    let e = parse_err(&SMALL.replace("  4      1     3       2", "  4      1     x       2"));
    assert_eq!(e.line, Some(28));
    assert!(e.message.contains("found 'x'"), "{e}");

    let e = parse_err(&SMALL.replace(
        "   2        1          1           6",
        "   2        1          1           9",
    ));
    assert!(e.message.contains("not a job number"), "{e}");

    let e = parse_err(&SMALL.replace("    4\n", "    1\n"));
    assert!(e.message.contains("capacity is 1"), "{e}");

    let e = parse_err(&SMALL.replace("   6        1          0", "   6        1          1   2"));
    assert!(e.message.contains("precedence cycle"), "{e}");
    assert!(
        e.message.contains("6 -> 2 -> 6") || e.message.contains("2 -> 6 -> 2"),
        "{e}"
    );

    let e = parse_err(&SMALL.replace("   4        1          1", "   4        2          1"));
    assert!(e.message.contains("single-mode"), "{e}");

    let e = parse_err(&SMALL.replace(
        "nonrenewable              :  0",
        "nonrenewable              :  2",
    ));
    assert!(e.message.contains("only renewable"), "{e}");

    let cut: String = SMALL.lines().take(27).collect::<Vec<_>>().join("\n");
    let e = parse_err(&cut);
    assert!(e.message.contains("unexpected end of file"), "{e}");
    assert_eq!(e.line, Some(28));

    let e = parse_err(&SMALL.replace("RESOURCEAVAILABILITIES:", "RESOURCES AVAILABLE:"));
    assert!(e.message.contains("RESOURCEAVAILABILITIES"), "{e}");
    assert!(format!("{e}").len() > 10);
}

#[test]
fn checker_finds_violations() {
    let i = parse_sm(SMALL).unwrap();
    assert!(matches!(
        check(&i, &[0, 0]),
        Err(Violation::WrongLength { .. })
    ));
    assert!(matches!(
        check(&i, &[0, 0, 0, 3, 3, 2]),
        Err(Violation::Precedence {
            predecessor: 2,
            successor: 6
        })
    ));
    assert!(matches!(
        check(&i, &[0, 0, 0, 3, 3, 6]),
        Err(Violation::Resource {
            resource: 1,
            period: 0,
            ..
        })
    ));
    check(&i, &[0, 0, 3, 0, 3, 6]).unwrap();
}

#[test]
fn deterministic_for_a_seed() {
    let i = random_instance(12345, 14, 3);
    let a = solve(&i, &opts(800, 42));
    let b = solve(&i, &opts(800, 42));
    assert_eq!(a, b);
    check(&i, &a.starts).unwrap();
}

/// Random instance with source 0 and sink n-1 from a seed.
fn random_instance(seed: u64, real: usize, k: usize) -> Instance {
    let mut x = seed;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let n = real + 2;
    let caps: Vec<u32> = (0..k).map(|_| 1 + next(8) as u32).collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_pred = vec![false; n];
    for j in 1..=real {
        for s in j + 1..=real {
            if next(5) == 0 {
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
        durs[j] = next(7) as u32;
        for r in 0..k {
            dem[j][r] = next(caps[r] as u64 + 1) as u32;
        }
    }
    Instance::new(durs, succ, dem, caps).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_schedule_is_feasible(seed in any::<u64>(), real in 1usize..25, k in 1usize..4,
                                  schedules in 1u64..400, solver_seed in any::<u64>(),
                                  decompose in any::<bool>(), peak_restart in any::<bool>(),
                                  spread in any::<bool>()) {
        let i = random_instance(seed, real, k);
        let s = solve(&i, &Options { decompose, peak_restart, spread, ..opts(schedules, solver_seed) });
        prop_assert!(check(&i, &s.starts).is_ok(), "{:?}", check(&i, &s.starts));
        prop_assert_eq!(s.makespan, makespan(&i, &s.starts));
        prop_assert!(s.makespan >= i.lower_bound());
        let single = solve(&i, &opts(1, solver_seed));
        prop_assert!(check(&i, &single.starts).is_ok());
        prop_assert!(s.makespan <= single.makespan);
    }

    #[test]
    fn tiny_instances_solved_to_optimality(seed in any::<u64>(), real in 1usize..6, k in 1usize..3) {
        let i = random_instance(seed, real, k);
        let s = solve(&i, &opts(3000, seed));
        prop_assert_eq!(s.makespan, brute_force(&i));
    }

    #[test]
    fn parser_never_panics_on_garbage(text in "(?s).{0,400}") {
        let _ = parse_sm(&text);
    }

    #[test]
    fn parser_never_panics_on_damaged_files(cut in 0usize..1200, pos in 0usize..1200, byte in any::<u8>()) {
        let cut = cut.min(SMALL.len());
        let _ = parse_sm(&SMALL[..cut]);
        let mut bytes = SMALL.as_bytes().to_vec();
        let p = pos % bytes.len();
        bytes[p] = if byte.is_ascii() { byte } else { b'9' };
        let text = String::from_utf8(bytes).unwrap();
        if let Ok(i) = parse_sm(&text) {
            let s = solve(&i, &opts(50, 0));
            prop_assert!(check(&i, &s.starts).is_ok());
        }
    }
}
