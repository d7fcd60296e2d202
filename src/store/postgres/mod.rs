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
//!   of each team the batch touched (`SELECT ... FOR UPDATE`, in team order) and goes on
//!   only if this node holds it at the epoch it remembers; it extends the lease as it
//!   goes. A team with no lease row yet was never written under a lease (a new team),
//!   so the commit takes it at epoch 1. A team this node does not hold is left out: the
//!   transaction is rolled back and written again without the writes that touched it,
//!   so the batch's other teams commit and only that team's writes are refused
//!   ([`TeamRefused`]). A paused or partitioned former owner can never write after
//!   losing the lease, because the new owner bumped the epoch.
//! - Takeover. When a refused team's lease has expired (or was held by an earlier run
//!   of this node id), this node takes it (epoch + 1, in its own transaction); the
//!   writer then loads that team ([`Store::load_team`], which reads the epoch back), so
//!   its schedule in memory is the one in PostgreSQL at the new epoch, and the person is
//!   asked to try again. A team held by another live node stays refused, and memory
//!   lets go of it.
//! - Loading. A node loads only the teams it holds: at start those whose leases carry
//!   its node id (an earlier run's, fenced by the bumped epoch), then each team as it
//!   takes it (a claim on the first request, or a takeover), and it forgets a team when
//!   a commit or the heartbeat finds another node took it. A team's rows are found by
//!   the `team_id` column (indexed), sessions by their person's team.
//! - Sessions belong to a login, not to a team's schedule: they are written unfenced.
//! - A clean stop lets go of the node's leases and its node row, so another node can
//!   take its teams at once and the same `--node-id` can start again at once.
//!
//! # Limits (what the design leaves to the layer above)
//! - A node knows the accounts of the teams it holds only. Requests are routed by the
//!   team their credential names, looked up here by `cluster` (a sign-up with a used
//!   email reaches that account's owner), but the email is unique per node, not in
//!   PostgreSQL: two sign-ups of one new email on two nodes at once are not kept apart.
//! - A team is read by the writer thread: while a large team loads (about a second for
//!   100,000 allocations), the node's other commits wait.

mod commit;
mod leases;
mod load;

pub use leases::{LeaseOwner, LeaseView};

use super::{Committed, Kind, Mutation, Snapshot, Store, StoreError};
use crate::domain::Id;
use leases::{Renewer, refresh_view, register};
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement};
use std::collections::HashMap;
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
    // 3: a node loads one team at a time: each table by team, sessions by person;
    // a credential's team (login email, token, feed, invitation) found by index.
    "CREATE INDEX IF NOT EXISTS users_by_team ON users (team_id);
     CREATE INDEX IF NOT EXISTS invites_by_team ON invites (team_id);
     CREATE INDEX IF NOT EXISTS projects_by_team ON projects (team_id);
     CREATE INDEX IF NOT EXISTS people_by_team ON people (team_id);
     CREATE INDEX IF NOT EXISTS clients_by_team ON clients (team_id);
     CREATE INDEX IF NOT EXISTS allocations_by_team ON allocations (team_id);
     CREATE INDEX IF NOT EXISTS timeoff_by_team ON timeoff (team_id);
     CREATE INDEX IF NOT EXISTS actuals_by_team ON actuals (team_id);
     CREATE INDEX IF NOT EXISTS activity_by_team ON activity (team_id);
     CREATE INDEX IF NOT EXISTS tasks_by_team ON tasks (team_id);
     CREATE INDEX IF NOT EXISTS calendar_feeds_by_team ON calendar_feeds (team_id);
     CREATE INDEX IF NOT EXISTS scenarios_by_team ON scenarios (team_id);
     CREATE INDEX IF NOT EXISTS api_tokens_by_team ON api_tokens (team_id);
     CREATE INDEX IF NOT EXISTS webhooks_by_team ON webhooks (team_id);
     CREATE INDEX IF NOT EXISTS webhook_deliveries_by_team ON webhook_deliveries (team_id);
     CREATE INDEX IF NOT EXISTS teams_by_team ON teams (team_id);
     CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions ((body::jsonb ->> 'user_id'));
     CREATE INDEX IF NOT EXISTS users_by_email ON users (lower(body::jsonb ->> 'email'));
     CREATE INDEX IF NOT EXISTS api_tokens_by_hash ON api_tokens ((body::jsonb ->> 'token_hash'));
     CREATE INDEX IF NOT EXISTS calendar_feeds_by_hash ON calendar_feeds ((body::jsonb ->> 'token_hash'));
     CREATE INDEX IF NOT EXISTS invites_by_hash ON invites ((body::jsonb ->> 'token_hash'));",
    // 4: an email a sign-up on some node is making an account for, held until that
    // node has answered (so two nodes never make two accounts of one email).
    "CREATE TABLE IF NOT EXISTS email_claims (
         email TEXT PRIMARY KEY, node_id TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL);",
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
        let leases = std::sync::Arc::new(LeaseView::new(&node.node_id, node.lease));
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
        self.read_teams(None)
    }

    fn load_team(&mut self, team: &Id) -> Result<Snapshot, StoreError> {
        self.read_teams(Some(std::slice::from_ref(&team.0)))
    }

    fn commit(&mut self, batch: &[&[Mutation]]) -> Result<Committed, StoreError> {
        if self.client.is_closed() {
            // The server went away and came back: a fresh connection, same statements.
            let fresh = PostgresStore::reconnect(&self.config)?;
            self.client = fresh.0;
            self.tables = fresh.1;
        }
        self.commit_batch(batch)
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
