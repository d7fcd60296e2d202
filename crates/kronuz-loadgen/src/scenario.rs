//! Scenarios, the operations they send, and which connection sends what.

use serde::Serialize;

/// What a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// `GET /healthz`: the cost of HTTP alone, no setup.
    Baseline,
    /// Authenticated `GET /api/v1/prj/list` for a team with `--projects` projects.
    Read,
    /// `POST /api/v1/prj`: each acknowledged write is durable.
    Write,
    /// `--read-percent` reads, the rest writes, over `--teams` teams.
    Mixed,
    /// The weekly utilisation report on some connections, project-list reads on the rest.
    Report,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Baseline => "baseline",
            Scenario::Read => "read",
            Scenario::Write => "write",
            Scenario::Mixed => "mixed",
            Scenario::Report => "report",
        }
    }

    /// Teams set up when `--teams` is not given.
    pub fn default_teams(self) -> usize {
        match self {
            Scenario::Baseline => 0,
            Scenario::Mixed => 4,
            _ => 1,
        }
    }

    /// Whether setup creates the `--projects` projects per team.
    pub fn needs_projects(self) -> bool {
        matches!(self, Scenario::Read | Scenario::Mixed | Scenario::Report)
    }
}

/// One kind of request in the measured loop; each gets its own histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Health,
    ListProjects,
    CreateProject,
    Report,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Health => "healthz",
            Op::ListProjects => "read",
            Op::CreateProject => "write",
            Op::Report => "report",
        }
    }
}

/// A small, fast, seedable PRNG (xorshift64*): the mix must not cost more than the request.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Zero is xorshift's fixed point; splitmix the seed so nearby seeds diverge.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is negligible for small n.
    pub fn below(&mut self, n: u64) -> u64 {
        (self.next_u64() >> 11) % n.max(1)
    }
}

/// What one connection sends on each iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Fixed(Op),
    /// Reads with probability `read_percent`%, else writes.
    ReadWrite {
        read_percent: u8,
    },
}

impl Workload {
    pub fn next_op(&self, rng: &mut Rng) -> Op {
        match *self {
            Workload::Fixed(op) => op,
            Workload::ReadWrite { read_percent } => {
                if rng.below(100) < u64::from(read_percent) {
                    Op::ListProjects
                } else {
                    Op::CreateProject
                }
            }
        }
    }
}

/// One connection's job: what it sends and as which team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnPlan {
    pub workload: Workload,
    /// Index into the teams set up (0 when the scenario needs none).
    pub team: usize,
}

/// The knobs that decide the plans.
#[derive(Debug, Clone, Copy)]
pub struct PlanConfig {
    pub scenario: Scenario,
    pub connections: usize,
    pub teams: usize,
    pub read_percent: u8,
    pub report_connections: usize,
}

impl PlanConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.connections == 0 {
            return Err("--connections must be at least 1".into());
        }
        if self.scenario != Scenario::Baseline && self.teams == 0 {
            return Err(format!(
                "scenario {} needs at least one team",
                self.scenario.name()
            ));
        }
        if self.read_percent > 100 {
            return Err("--read-percent must be 0..=100".into());
        }
        if self.scenario == Scenario::Report
            && (self.report_connections == 0 || self.report_connections >= self.connections)
        {
            return Err(format!(
                "scenario report needs 1 <= --report-connections < --connections \
                 (got {} of {}): the rest read the project list meanwhile",
                self.report_connections, self.connections
            ));
        }
        Ok(())
    }

    /// The plan of connection `index` (0-based). Teams are spread round-robin.
    pub fn plan(&self, index: usize) -> ConnPlan {
        let team = if self.teams == 0 {
            0
        } else {
            index % self.teams
        };
        let workload = match self.scenario {
            Scenario::Baseline => Workload::Fixed(Op::Health),
            Scenario::Read => Workload::Fixed(Op::ListProjects),
            Scenario::Write => Workload::Fixed(Op::CreateProject),
            Scenario::Mixed => Workload::ReadWrite {
                read_percent: self.read_percent,
            },
            Scenario::Report => {
                if index < self.report_connections {
                    Workload::Fixed(Op::Report)
                } else {
                    Workload::Fixed(Op::ListProjects)
                }
            }
        };
        // The report scenario works on one team: the one with people and allocations.
        let team = if self.scenario == Scenario::Report {
            0
        } else {
            team
        };
        ConnPlan { workload, team }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(scenario: Scenario, connections: usize, teams: usize) -> PlanConfig {
        PlanConfig {
            scenario,
            connections,
            teams,
            read_percent: 90,
            report_connections: 1,
        }
    }

    #[test]
    fn mix_of_90_percent_reads_is_about_90_percent() {
        let w = Workload::ReadWrite { read_percent: 90 };
        let mut rng = Rng::new(7);
        let n = 100_000;
        let reads = (0..n)
            .filter(|_| w.next_op(&mut rng) == Op::ListProjects)
            .count();
        let share = reads as f64 / n as f64;
        assert!((0.89..=0.91).contains(&share), "read share {share}");
    }

    #[test]
    fn mix_extremes_are_exact() {
        let mut rng = Rng::new(1);
        let all_reads = Workload::ReadWrite { read_percent: 100 };
        let all_writes = Workload::ReadWrite { read_percent: 0 };
        assert!((0..10_000).all(|_| all_reads.next_op(&mut rng) == Op::ListProjects));
        assert!((0..10_000).all(|_| all_writes.next_op(&mut rng) == Op::CreateProject));
    }

    #[test]
    fn same_seed_same_sequence_and_zero_seed_works() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let mut c = Rng::new(43);
        let sa: Vec<u64> = (0..16).map(|_| a.next_u64()).collect();
        let sb: Vec<u64> = (0..16).map(|_| b.next_u64()).collect();
        let sc: Vec<u64> = (0..16).map(|_| c.next_u64()).collect();
        assert_eq!(sa, sb);
        assert_ne!(sa, sc);
        let mut z = Rng::new(0);
        assert!((0..16).any(|_| z.next_u64() != 0));
    }

    #[test]
    fn mixed_spreads_connections_over_teams_round_robin() {
        let c = cfg(Scenario::Mixed, 8, 3);
        let teams: Vec<usize> = (0..8).map(|i| c.plan(i).team).collect();
        assert_eq!(teams, vec![0, 1, 2, 0, 1, 2, 0, 1]);
        assert_eq!(c.plan(5).workload, Workload::ReadWrite { read_percent: 90 });
    }

    #[test]
    fn report_scenario_splits_report_and_read_connections_on_team_0() {
        let mut c = cfg(Scenario::Report, 8, 1);
        c.report_connections = 2;
        assert!(c.validate().is_ok());
        let ops: Vec<Workload> = (0..8).map(|i| c.plan(i).workload).collect();
        assert_eq!(ops[0], Workload::Fixed(Op::Report));
        assert_eq!(ops[1], Workload::Fixed(Op::Report));
        assert!(
            ops[2..]
                .iter()
                .all(|w| *w == Workload::Fixed(Op::ListProjects))
        );
        assert!((0..8).all(|i| c.plan(i).team == 0));
    }

    #[test]
    fn report_scenario_needs_readers_and_reporters() {
        let mut c = cfg(Scenario::Report, 2, 1);
        c.report_connections = 2;
        assert!(c.validate().is_err());
        c.report_connections = 0;
        assert!(c.validate().is_err());
        c.report_connections = 1;
        assert!(c.validate().is_ok());
    }

    #[test]
    fn fixed_scenarios_send_their_one_op() {
        assert_eq!(
            cfg(Scenario::Baseline, 4, 0).plan(3).workload,
            Workload::Fixed(Op::Health)
        );
        assert_eq!(
            cfg(Scenario::Read, 4, 1).plan(3).workload,
            Workload::Fixed(Op::ListProjects)
        );
        assert_eq!(
            cfg(Scenario::Write, 4, 2).plan(3),
            ConnPlan {
                workload: Workload::Fixed(Op::CreateProject),
                team: 1
            }
        );
        assert!(cfg(Scenario::Baseline, 4, 0).validate().is_ok());
        assert!(cfg(Scenario::Read, 4, 0).validate().is_err());
        assert!(cfg(Scenario::Read, 0, 1).validate().is_err());
    }
}
