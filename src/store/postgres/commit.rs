//! Writing a batch under the leases: each write's rows, the fence that checks this
//! node holds every team the batch touched, and what follows a refusal (leaving the
//! team's writes out, taking an expired lease over, the sentence for the person).

use super::{LeaseOwner, NodeSettings, PostgresStore, TableStatements, io, secs};
use crate::domain::Id;
use crate::store::{Committed, Kind, Mutation, Record, StoreError, TeamRefused};
use postgres::Transaction;
use std::collections::{BTreeSet, HashMap};

impl PostgresStore {
    /// Commits `batch`: each refused team's writes are left out and the rest written
    /// again, until a transaction goes through or nothing is left, so one team this
    /// node lost does not cost the other teams' writes in the batch.
    pub(super) fn commit_batch(&mut self, batch: &[&[Mutation]]) -> Result<Committed, StoreError> {
        let mut committed = Committed::default();
        let mut left_out = vec![false; batch.len()];
        while left_out.iter().any(|out| !out) {
            match self.try_commit(batch, &left_out)? {
                Ok(taken) => {
                    committed.taken = taken.into_iter().map(|(t, w)| (Id(t), w)).collect();
                    break;
                }
                Err(refused) => {
                    if refused.iter().all(|(_, writes)| writes.is_empty()) {
                        // Cannot happen (a refused team comes from a write), but never spin.
                        return Err(StoreError::Io("a refused team touched no write".into()));
                    }
                    for (refusal, writes) in refused {
                        for &i in &writes {
                            left_out[i] = true;
                        }
                        let refused = self.refuse(refusal, writes)?;
                        committed.refused.push(refused);
                    }
                }
            }
        }
        Ok(committed)
    }

    /// Writes one write's mutations in `tx`; the teams it touched (fenced ones only).
    fn write(
        tables: &HashMap<Kind, TableStatements>,
        tx: &mut Transaction<'_>,
        write: &[Mutation],
    ) -> Result<BTreeSet<String>, StoreError> {
        let mut teams = BTreeSet::new();
        for mutation in write {
            match mutation {
                Mutation::Put(record) => {
                    let team = record.team_id().map(|t| t.as_str());
                    let body = record.to_json()?;
                    tx.execute(&tables[&record.kind()].put, &[&record.id(), &team, &body])
                        .map_err(io)?;
                    if let Some(team) = team {
                        teams.insert(team.to_string());
                    }
                }
                Mutation::Delete(kind, id) => {
                    let rows = tx
                        .query(&tables[kind].delete, &[&id.as_str()])
                        .map_err(io)?;
                    for row in rows {
                        if let Some(team) = row.get::<_, Option<String>>(0) {
                            teams.insert(team);
                        }
                    }
                }
                Mutation::ScenarioRow(row) => {
                    let json = |r: &Option<Record>| r.as_ref().map(Record::to_json).transpose();
                    let (value, base) = (json(&row.value)?, json(&row.base)?);
                    tx.execute(
                        "INSERT INTO scenario_records (scenario_id, kind, id, value, base, touched) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scenario_id, kind, id) \
                         DO UPDATE SET value = EXCLUDED.value, base = EXCLUDED.base, \
                         touched = EXCLUDED.touched",
                        &[
                            &row.scenario_id.as_str(),
                            &row.kind.table(),
                            &row.id.as_str(),
                            &value,
                            &base,
                            &row.touched,
                        ],
                    )
                    .map_err(io)?;
                    let team = row
                        .value
                        .as_ref()
                        .or(row.base.as_ref())
                        .and_then(Record::team_id)
                        .map(|t| t.0.clone());
                    match team {
                        Some(team) => {
                            teams.insert(team);
                        }
                        None => teams.extend(scenario_team(tx, row.scenario_id.as_str())?),
                    }
                }
                Mutation::Claim(team) => {
                    teams.insert(team.0.clone());
                }
                Mutation::ClearScenario(id) => {
                    tx.execute(
                        "DELETE FROM scenario_records WHERE scenario_id = $1",
                        &[&id.as_str()],
                    )
                    .map_err(io)?;
                    teams.extend(scenario_team(tx, id.as_str())?);
                }
            }
        }
        Ok(teams)
    }

    /// Checks, holding each lease row locked until the commit, that this node owns every
    /// team in `teams` at the epoch it remembers, and extends those leases. New teams
    /// (no lease row) are taken at epoch 1. Returns the leases taken and the teams
    /// refused (all of them, so one pass finds every team to leave out).
    fn fence(
        node: &NodeSettings,
        held: &HashMap<String, i64>,
        tx: &mut Transaction<'_>,
        teams: &BTreeSet<String>,
    ) -> Result<(Vec<Lease>, Vec<Refusal>), StoreError> {
        let lease = secs(node.lease);
        let mut taken = Vec::new();
        let mut refused = Vec::new();
        // In the order of the set: two nodes lock lease rows in one order, so never
        // wait on each other in a cycle.
        for team in teams {
            let row = tx
                .query_opt(
                    "SELECT node_id, epoch, expires_at < clock_timestamp() FROM leases \
                     WHERE team_id = $1 FOR UPDATE",
                    &[team],
                )
                .map_err(io)?;
            match row {
                None => {
                    let inserted = tx
                        .execute(
                            "INSERT INTO leases (team_id, node_id, epoch, expires_at) \
                             VALUES ($1, $2, 1, clock_timestamp() + make_interval(secs => $3)) \
                             ON CONFLICT (team_id) DO NOTHING",
                            &[team, &node.node_id, &lease],
                        )
                        .map_err(io)?;
                    if inserted == 0 {
                        // Another node created it at the same moment: it is theirs.
                        refused.push(Refusal {
                            team: team.clone(),
                            owner: None,
                            expired: false,
                        });
                    } else {
                        taken.push((team.clone(), 1));
                    }
                }
                Some(row) => {
                    let (owner, epoch, expired): (String, i64, bool) =
                        (row.get(0), row.get(1), row.get(2));
                    let ours = owner == node.node_id && held.get(team) == Some(&epoch);
                    if !ours {
                        refused.push(Refusal {
                            team: team.clone(),
                            // An earlier run of this node id is dead (the node row says
                            // so), so its lease is ours to take, like an expired one.
                            expired: expired || owner == node.node_id,
                            owner: Some(owner),
                        });
                        continue;
                    }
                    tx.execute(
                        "UPDATE leases SET expires_at = clock_timestamp() + make_interval(secs => $2) \
                         WHERE team_id = $1",
                        &[team, &lease],
                    )
                    .map_err(io)?;
                }
            }
        }
        Ok((taken, refused))
    }

    pub(super) fn me(&self) -> LeaseOwner {
        LeaseOwner {
            node_id: self.node.node_id.clone(),
            advertise_url: self.node.advertise_url.clone(),
        }
    }

    /// Takes the lease of a team whose owner let it expire (epoch + 1). Whether it did.
    fn take_over(&mut self, team: &str) -> Result<bool, StoreError> {
        let row = self
            .client
            .query_opt(
                "UPDATE leases SET node_id = $2, epoch = epoch + 1, \
                 expires_at = clock_timestamp() + make_interval(secs => $3) \
                 WHERE team_id = $1 AND (node_id = $2 OR expires_at < clock_timestamp()) \
                 RETURNING epoch",
                &[&team, &self.node.node_id, &secs(self.node.lease)],
            )
            .map_err(io)?;
        // The epoch counts once the writer reloads the team (`load_team` reads it back).
        Ok(row.is_some())
    }

    /// The person-readable refusal for a change to a team this node does not own.
    fn refusal_message(&mut self, refusal: &Refusal, took_over: bool) -> String {
        if took_over {
            return "This team's schedule has just moved to this server; the change was not \
                    saved, please try again"
                .into();
        }
        let url: Option<String> = refusal.owner.as_ref().and_then(|node| {
            self.client
                .query_opt(
                    "SELECT advertise_url FROM nodes WHERE node_id = $1",
                    &[node],
                )
                .ok()
                .flatten()
                .and_then(|r| r.get::<_, Option<String>>(0))
        });
        if let Some(node) = &refusal.owner
            && !refusal.expired
        {
            let owner = LeaseOwner {
                node_id: node.clone(),
                advertise_url: url.clone(),
            };
            self.leases.set(&refusal.team, owner);
        }
        match (&refusal.owner, url) {
            (Some(node), Some(url)) => format!(
                "This team's schedule is served by another kronuz server ({node}, {url}); \
                 the change was not saved, send it there"
            ),
            (Some(node), None) => format!(
                "This team's schedule is served by another kronuz server ({node}); the \
                 change was not saved, send it there"
            ),
            (None, _) => "This team's schedule is being taken over by another kronuz server; \
                          the change was not saved, please try again"
                .into(),
        }
    }

    /// Writes the writes of `batch` not `left_out` in one transaction and fences it:
    /// `Ok` with the leases taken once it committed, or the refused teams (rolled back)
    /// with the writes that touched each.
    fn try_commit(
        &mut self,
        batch: &[&[Mutation]],
        left_out: &[bool],
    ) -> Result<Attempt, StoreError> {
        let mut tx = self.client.transaction().map_err(io)?;
        let mut touched = Vec::new();
        let mut teams = BTreeSet::new();
        for (i, write) in batch.iter().enumerate().filter(|(i, _)| !left_out[*i]) {
            let of_write = Self::write(&self.tables, &mut tx, write)?;
            teams.extend(of_write.iter().cloned());
            touched.push((i, of_write));
        }
        let (taken, refused) = Self::fence(&self.node, &self.held, &mut tx, &teams)?;
        let writes_of = |team: &str| -> Vec<usize> {
            touched
                .iter()
                .filter(|(_, teams)| teams.contains(team))
                .map(|(i, _)| *i)
                .collect()
        };
        if refused.is_empty() {
            tx.commit().map_err(io)?;
            for (team, epoch) in &taken {
                self.held.insert(team.clone(), *epoch);
            }
            if !taken.is_empty() {
                crate::metrics::METRICS.teams_owned(self.held.len());
            }
            return Ok(Ok(taken
                .into_iter()
                .map(|(team, _)| {
                    let writes = writes_of(&team);
                    (team, writes)
                })
                .collect()));
        }
        tx.rollback().map_err(io)?;
        Ok(Err(refused
            .into_iter()
            .map(|r| {
                let writes = writes_of(&r.team);
                (r, writes)
            })
            .collect()))
    }

    /// What follows a refusal: takes the lease over if its owner let it expire, says so
    /// to the people whose writes were left out.
    fn refuse(&mut self, refusal: Refusal, writes: Vec<usize>) -> Result<TeamRefused, StoreError> {
        let took_over = refusal.expired && self.take_over(&refusal.team)?;
        crate::metrics::METRICS.lease_refusal();
        if took_over {
            crate::metrics::METRICS.lease_takeover();
            tracing::warn!(team = %refusal.team, "took over the lease of a team whose owner stopped renewing it");
        } else {
            tracing::warn!(team = %refusal.team, owner = ?refusal.owner, writes = writes.len(), "refused the writes to a team another node owns");
            self.held.remove(&refusal.team);
            crate::metrics::METRICS.teams_owned(self.held.len());
        }
        let message = self.refusal_message(&refusal, took_over);
        Ok(TeamRefused {
            team: Id(refusal.team),
            writes,
            message,
            took_over,
        })
    }
}

/// A team and the epoch of its lease.
type Lease = (String, i64);

/// A team and the writes of a batch (by index) that touched it.
type TeamWrites = (String, Vec<usize>);

/// One try at committing: the leases taken (committed), or the teams refused (rolled
/// back), each with the writes that touched it.
type Attempt = Result<Vec<TeamWrites>, Vec<(Refusal, Vec<usize>)>>;

/// A team of a batch this node does not own.
struct Refusal {
    team: String,
    owner: Option<String>,
    /// The owner's lease has run out (or belonged to an earlier run of this node).
    expired: bool,
}

/// The team of a scenario, for scenario rows that carry no record.
fn scenario_team(tx: &mut Transaction<'_>, scenario: &str) -> Result<Option<String>, StoreError> {
    let row = tx
        .query_opt("SELECT team_id FROM scenarios WHERE id = $1", &[&scenario])
        .map_err(io)?;
    Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
}
