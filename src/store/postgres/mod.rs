//! The shared backend: PostgreSQL, for several kronuz nodes on one database.
//!
//! # Design
//! - Same shape as SQLite: one table per [`Kind`] holding each record as a JSON
//!   document (`id`, `team_id`, `body`), plus `scenario_records`. The `team_id` column
//!   lets a delete learn which team it touched. Migrations are versioned like SQLite's:
//!   an append-only list, and a one-row `kronuz_schema` table saying how many ran. A
//!   database whose version is above ours was written by a newer kronuz: we refuse to
//!   start rather than misread it. Migrations run under an advisory lock, so nodes that
//!   start together do not race.
//! - Group commit is unchanged: the writer thread hands [`Store::commit`] a batch, and
//!   the batch is one PostgreSQL transaction; the writer answers only after `COMMIT`.
//! - Nodes. Each node has a row in `nodes` (`node_id`, a random `instance`, its
//!   `advertise_url`, `heartbeat_at`). A node starts only if no live node (heartbeat
//!   younger than the lease) has its `--node-id`; starting bumps the epoch of every
//!   lease an earlier run of the same id held, so that run, if merely paused, is fenced.
//! - Leases. Each team's schedule has one owner: a row in `leases` (`team_id`,
//!   `node_id`, `epoch`, `expires_at`). A background thread renews the node's heartbeat
//!   and its leases every third of `--lease-secs`. The store remembers, from the
//!   snapshot it loaded, the epoch of each lease this node holds.
//! - Fencing. Every commit, in the same transaction as its writes, locks the lease row
//!   of each team the batch touched (`SELECT ... FOR UPDATE`) and goes on only if this
//!   node holds it at the epoch it remembers; it extends the lease as it goes. A team
//!   with no lease row yet was never written under a lease (a new team), so the commit
//!   takes it at epoch 1. Anything else rolls the transaction back and the batch is
//!   refused ([`StoreError::NotOwner`]): a paused or partitioned former owner can never
//!   write after losing the lease, because the new owner bumped the epoch.
//! - Takeover. When a refused team's lease has expired (or was held by an earlier run
//!   of this node id), this node takes it (epoch + 1, in its own transaction) before
//!   refusing; the writer then reloads the committed state, as after any failed commit,
//!   so the team's schedule in memory is the one in PostgreSQL at the new epoch, and the
//!   person is asked to try again. A team held by another live node stays refused.
//! - Sessions belong to a login, not to a team's schedule: they are written unfenced.
//! - A clean stop lets go of the node's leases and its node row, so another node can
//!   take its teams at once and the same `--node-id` can start again at once.
//!
//! # Limits (what the design leaves to the layer above)
//! - Every node loads every team at start and after a refused commit; a node answers
//!   reads from its own memory, so a team served by another node may be read stale. The
//!   next step is forwarding each request to the lease holder's `advertise_url`.
//! - One refused team fails the writer's whole batch (other teams' writes in it are
//!   answered "not saved" too and can be retried).

mod leases;

pub use leases::{LeaseOwner, LeaseView};

use super::{Kind, Mutation, RecentActivity, Record, ScenarioRow, Snapshot, Store, StoreError};
use leases::{Renewer, refresh_view, register};
use postgres::error::SqlState;
use postgres::{Client, Config, IsolationLevel, NoTls, Statement, Transaction};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Schema versions, applied in order; `kronuz_schema.version` records how many ran.
/// Append only: never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: every record kind as JSON documents, scenario rows, nodes and team leases.
    "CREATE TABLE users (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE teams (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE sessions (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE invites (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE projects (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE people (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE clients (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE allocations (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE timeoff (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE actuals (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE activity (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE tasks (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE calendar_feeds (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE scenarios (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE api_tokens (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE webhooks (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, team_id TEXT, body TEXT NOT NULL);
     CREATE TABLE scenario_records (
         scenario_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
         value TEXT, base TEXT, touched BOOLEAN NOT NULL,
         PRIMARY KEY (scenario_id, kind, id));
     CREATE TABLE nodes (
         node_id TEXT PRIMARY KEY, instance TEXT NOT NULL, advertise_url TEXT,
         heartbeat_at TIMESTAMPTZ NOT NULL, started_at TIMESTAMPTZ NOT NULL);
     CREATE TABLE leases (
         team_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, epoch BIGINT NOT NULL,
         expires_at TIMESTAMPTZ NOT NULL);
     CREATE INDEX leases_by_node ON leases (node_id);",
    // 2: the secret nodes sign forwarded requests with (one row, made by the first node).
    "CREATE TABLE cluster_secret (id INT PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);",
];

/// The schema version this kronuz writes: how many migrations it knows.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Serialises migrations between nodes starting at once (an arbitrary constant).
const MIGRATION_LOCK: i64 = 0x6b72_6f6e_757a;

/// Who this node is among the nodes sharing the database.
#[derive(Clone, Debug)]
pub struct NodeSettings {
    pub node_id: String,
    /// How other nodes reach this one (shown to people sent elsewhere).
    pub advertise_url: Option<String>,
    /// How long a team's lease (and this node's heartbeat) lasts without renewal.
    pub lease: Duration,
}

/// Prepared statements for one kind's table.
struct TableStatements {
    put: Statement,
    delete: Statement,
}

pub struct PostgresStore {
    client: Client,
    config: Config,
    node: NodeSettings,
    /// This run's random id, beside the node id: tells it from an earlier run.
    instance: String,
    /// The epoch of each lease this node holds, as of the last load or commit.
    held: HashMap<String, i64>,
    tables: HashMap<Kind, TableStatements>,
    renewer: Option<Renewer>,
    leases: std::sync::Arc<LeaseView>,
}

/// The database as an operator would name it, without the password.
fn describe(config: &Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => format!("{h}:{port}"),
        Some(postgres::config::Host::Unix(p)) => format!("the socket in {}", p.display()),
        None => format!("localhost:{port}"),
    };
    let user = config.get_user().unwrap_or("?");
    let db = config.get_dbname().unwrap_or(user);
    format!("database {db} on {host} as {user}")
}

/// An error and its causes on one line.
fn sentence(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text.replace('\n', " ")
}

fn io(e: postgres::Error) -> StoreError {
    StoreError::Io(sentence(&e))
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Connects, turning the ways that fails into one sentence for the operator.
fn connect(config: &Config) -> Result<Client, StoreError> {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    config.application_name("kronuz");
    config.connect(NoTls).map_err(|e| {
        let place = describe(&config);
        match e.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => StoreError::Config(format!(
                "PostgreSQL refused the login ({place}): wrong password"
            )),
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => StoreError::Config(format!(
                "cannot connect to PostgreSQL ({place}): the database does not exist"
            )),
            _ => StoreError::Config(format!(
                "cannot connect to PostgreSQL ({place}): {}",
                sentence(&e)
            )),
        }
    })
}

impl PostgresStore {
    /// Connects to `url`, runs pending migrations and registers this node. Every way
    /// this can fail for want of an operator's fix is a [`StoreError::Config`].
    pub fn open(url: &str, node: NodeSettings) -> Result<PostgresStore, StoreError> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Config(format!("the database URL is not valid: {e}")))?;
        let mut client = connect(&config)?;
        migrate(&mut client, &describe(&config))?;
        let mut buf = [0u8; 12];
        crate::domain::fill_random(&mut buf);
        let instance = hex::encode(buf);
        register(&mut client, &node, &instance)?;
        let tables = prepare_tables(&mut client)?;
        let leases = std::sync::Arc::new(LeaseView::default());
        refresh_view(&mut client, &leases).map_err(io)?;
        let renewer = Renewer::spawn(
            config.clone(),
            node.clone(),
            instance.clone(),
            leases.clone(),
        )?;
        Ok(PostgresStore {
            client,
            config,
            node,
            instance,
            held: HashMap::new(),
            tables,
            renewer: Some(renewer),
            leases,
        })
    }

    /// Who owns which team, kept current by the heartbeat; for routing requests.
    pub fn leases(&self) -> std::sync::Arc<LeaseView> {
        self.leases.clone()
    }

    /// Writes `batch` in `tx`; the teams it touched (fenced ones only).
    fn write(
        tables: &HashMap<Kind, TableStatements>,
        tx: &mut Transaction<'_>,
        batch: &[&Mutation],
    ) -> Result<BTreeSet<String>, StoreError> {
        let mut teams = BTreeSet::new();
        for mutation in batch {
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
    /// (no lease row) are taken at epoch 1. Returns the leases taken, or the refusal.
    fn fence(
        node: &NodeSettings,
        held: &HashMap<String, i64>,
        tx: &mut Transaction<'_>,
        teams: &BTreeSet<String>,
    ) -> Result<Result<Vec<(String, i64)>, Refusal>, StoreError> {
        let lease = secs(node.lease);
        let mut taken = Vec::new();
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
                        return Ok(Err(Refusal {
                            team: team.clone(),
                            owner: None,
                            expired: false,
                        }));
                    }
                    taken.push((team.clone(), 1));
                }
                Some(row) => {
                    let (owner, epoch, expired): (String, i64, bool) =
                        (row.get(0), row.get(1), row.get(2));
                    let ours = owner == node.node_id && held.get(team) == Some(&epoch);
                    if !ours {
                        return Ok(Err(Refusal {
                            team: team.clone(),
                            // An earlier run of this node id is dead (the node row says
                            // so), so its lease is ours to take, like an expired one.
                            expired: expired || owner == node.node_id,
                            owner: Some(owner),
                        }));
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
        Ok(Ok(taken))
    }

    fn me(&self) -> LeaseOwner {
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
        // The epoch counts once the writer reloads the team (`load` reads it back).
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
}

/// Why a batch was refused: the first team this node does not own.
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

/// Runs the pending migrations under an advisory lock; refuses a newer schema.
fn migrate(client: &mut Client, place: &str) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(io)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(io)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS kronuz_schema (
             id INT PRIMARY KEY CHECK (id = 1), version INT NOT NULL)",
    )
    .map_err(io)?;
    let version: i32 = tx
        .query_opt("SELECT version FROM kronuz_schema WHERE id = 1", &[])
        .map_err(io)?
        .map(|r| r.get(0))
        .unwrap_or(0);
    if version > SCHEMA_VERSION {
        return Err(StoreError::Config(format!(
            "the PostgreSQL {place} has schema version {version}, newer than this kronuz knows \
             ({SCHEMA_VERSION}); run a newer kronuz"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).map_err(io)?;
        tracing::info!(version = i + 1, "applied database migration");
    }
    tx.execute(
        "INSERT INTO kronuz_schema (id, version) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
        &[&SCHEMA_VERSION],
    )
    .map_err(io)?;
    tx.commit().map_err(io)
}

impl Store for PostgresStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        // One consistent snapshot: the records and the epochs of the leases held in it.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(io)?;
        let mut records = Vec::new();
        let mut recent = RecentActivity::default();
        for &kind in Kind::ALL {
            let rows = tx
                .query(&format!("SELECT id, body FROM {}", kind.table()), &[])
                .map_err(io)?;
            for row in rows {
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
                "SELECT scenario_id, kind, id, value, base, touched FROM scenario_records",
                &[],
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
        let held = tx
            .query(
                "SELECT team_id, epoch FROM leases WHERE node_id = $1",
                &[&self.node.node_id],
            )
            .map_err(io)?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        tx.commit().map_err(io)?;
        self.held = held;
        crate::metrics::METRICS.teams_owned(self.held.len());
        Ok(Snapshot {
            records,
            scenario_rows,
        })
    }

    fn commit(&mut self, batch: &[&Mutation]) -> Result<(), StoreError> {
        if self.client.is_closed() {
            // The server went away and came back: a fresh connection, same statements.
            let fresh = PostgresStore::reconnect(&self.config)?;
            self.client = fresh.0;
            self.tables = fresh.1;
        }
        let mut tx = self.client.transaction().map_err(io)?;
        let teams = Self::write(&self.tables, &mut tx, batch)?;
        let fenced = Self::fence(&self.node, &self.held, &mut tx, &teams)?;
        match fenced {
            Ok(taken) => {
                tx.commit().map_err(io)?;
                if !taken.is_empty() {
                    for (team, _) in &taken {
                        self.leases.set(team, self.me());
                    }
                    self.held.extend(taken);
                    crate::metrics::METRICS.teams_owned(self.held.len());
                }
                Ok(())
            }
            Err(refusal) => {
                tx.rollback().map_err(io)?;
                let took_over = refusal.expired && self.take_over(&refusal.team)?;
                crate::metrics::METRICS.lease_refusal();
                if took_over {
                    crate::metrics::METRICS.lease_takeover();
                    tracing::warn!(team = %refusal.team, "took over the lease of a team whose owner stopped renewing it");
                } else {
                    tracing::warn!(team = %refusal.team, owner = ?refusal.owner, "refused a write to a team another node owns");
                }
                let message = self.refusal_message(&refusal, took_over);
                if took_over {
                    self.leases.set(&refusal.team, self.me());
                }
                Err(StoreError::NotOwner(message))
            }
        }
    }

    fn close(mut self: Box<Self>) -> Result<(), StoreError> {
        if let Some(renewer) = self.renewer.take() {
            renewer.stop();
        }
        // Let go at once, so other nodes take these teams without waiting for expiry.
        let mut tx = self.client.transaction().map_err(io)?;
        tx.execute(
            "UPDATE leases SET expires_at = clock_timestamp() - interval '1 second' \
             WHERE node_id = $1",
            &[&self.node.node_id],
        )
        .map_err(io)?;
        tx.execute(
            "DELETE FROM nodes WHERE node_id = $1 AND instance = $2",
            &[&self.node.node_id, &self.instance],
        )
        .map_err(io)?;
        tx.commit().map_err(io)?;
        self.client.close().map_err(io)
    }
}

impl PostgresStore {
    fn reconnect(config: &Config) -> Result<(Client, HashMap<Kind, TableStatements>), StoreError> {
        let mut client = connect(config).map_err(|e| StoreError::Io(e.to_string()))?;
        let tables = prepare_tables(&mut client)?;
        Ok((client, tables))
    }
}

/// The upsert and delete of every kind's table, prepared once per connection.
fn prepare_tables(client: &mut Client) -> Result<HashMap<Kind, TableStatements>, StoreError> {
    let mut tables = HashMap::new();
    for &kind in Kind::ALL {
        let t = kind.table();
        let put = client
            .prepare(&format!(
                "INSERT INTO {t} (id, team_id, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, body = EXCLUDED.body"
            ))
            .map_err(io)?;
        let delete = client
            .prepare(&format!("DELETE FROM {t} WHERE id = $1 RETURNING team_id"))
            .map_err(io)?;
        tables.insert(kind, TableStatements { put, delete });
    }
    Ok(tables)
}
