//! Reading teams back: every team this node holds at start, or one as it takes it on.

use super::PostgresStore;
use super::io;
use crate::store::{Kind, RecentActivity, Record, ScenarioRow, Snapshot, StoreError};
use postgres::IsolationLevel;
use std::collections::HashMap;

impl PostgresStore {
    /// Reads the teams in `teams` (their records, their members' sessions, their open
    /// scenarios' rows) and the epochs of the leases this node holds among them, in one
    /// consistent snapshot; with `teams` `None`, every team whose lease this node holds.
    pub(super) fn read_teams(&mut self, teams: Option<&[String]>) -> Result<Snapshot, StoreError> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(io)?;
        let held: HashMap<String, i64> = tx
            .query(
                "SELECT team_id, epoch FROM leases WHERE node_id = $1",
                &[&self.node.node_id],
            )
            .map_err(io)?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let teams: Vec<String> = match teams {
            Some(teams) => teams.to_vec(),
            None => held.keys().cloned().collect(),
        };
        let mut records = Vec::new();
        let mut recent = RecentActivity::default();
        for &kind in Kind::ALL {
            let sql = match kind {
                // A session belongs to a login: it goes with its person's team.
                Kind::Session => {
                    "SELECT id, body FROM sessions WHERE body::jsonb ->> 'user_id' IN \
                     (SELECT id FROM users WHERE team_id = ANY($1))"
                        .to_string()
                }
                _ => format!(
                    "SELECT id, body FROM {} WHERE team_id = ANY($1)",
                    kind.table()
                ),
            };
            for row in tx.query(&sql, &[&teams]).map_err(io)? {
                let id: &str = row.get(0);
                let body: &str = row.get(1);
                let record = Record::from_json(kind, body).map_err(|e| {
                    StoreError::Corrupt(format!("{} row {id} cannot be read: {e}", kind.table()))
                })?;
                match record {
                    Record::Activity(a) => recent.keep(a),
                    other => records.push(other),
                }
            }
        }
        records.extend(recent.into_records());
        let mut scenario_rows = Vec::new();
        for row in tx
            .query(
                "SELECT scenario_id, kind, id, value, base, touched FROM scenario_records \
                 WHERE scenario_id IN (SELECT id FROM scenarios WHERE team_id = ANY($1))",
                &[&teams],
            )
            .map_err(io)?
        {
            let kind: &str = row.get(1);
            scenario_rows.push(ScenarioRow::read(
                row.get(0),
                kind,
                row.get(2),
                row.get(3),
                row.get(4),
                row.get(5),
            )?);
        }
        tx.commit().map_err(io)?;
        for team in &teams {
            match held.get(team) {
                Some(&epoch) => {
                    self.held.insert(team.clone(), epoch);
                    self.leases.set(team, self.me());
                }
                None => {
                    self.held.remove(team);
                }
            }
        }
        crate::metrics::METRICS.teams_owned(self.held.len());
        Ok(Snapshot {
            records,
            scenario_rows,
        })
    }
}
