//! Durability. The actor keeps the state in memory; this module makes it survive.
//!
//! - [`Store`] is the small interface a backend implements: load what this node serves
//!   at start, load one team when the node takes it on, commit a batch of [`Mutation`]s
//!   atomically, close. SQLite ([`sqlite::SqliteStore`]) is the embedded default and
//!   serves every team; [`postgres::PostgresStore`] implements the same trait for several
//!   nodes on one database, and adds team leases that fence each commit: its node loads
//!   only the teams it holds.
//! - Each record is kept as one JSON document per row, in one table per kind, so adding
//!   a field to a domain type needs no migration (serde defaults fill it on load).
//! - [`writer`] is the single writer: its own OS thread that drains whatever is queued,
//!   writes it in one transaction, commits (fsync) and only then completes each
//!   request. That is the group commit; acknowledged means durable.
//! - [`backup`]: `kronuz backup` and `kronuz restore`, for operators.

pub mod backup;
pub mod postgres;
pub mod sqlite;
pub mod writer;

use crate::domain::activity::{ACTIVITY_KEPT, Activity};
use crate::domain::scenario::Scenario;
use crate::domain::schedule::{Actual, CalendarFeed};
use crate::domain::task::Task;
use crate::domain::token::ApiToken;
use crate::domain::user::Invite;
use crate::domain::{Allocation, Client, Id, Person, Project, Session, Team, TimeOff, User};
use crate::webhooks::{Delivery, Webhook};
use serde::{Deserialize, Serialize};

/// Declares the record kinds: the `Kind` enum, the typed `Record` enum, and how each
/// maps to its table and id. One line per kind keeps the three in step.
macro_rules! records {
    ($($kind:ident($ty:ty) => $table:literal, |$x:ident| $id:expr;)+) => {
        /// The kinds of record, one table each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Kind { $($kind,)+ }

        impl Kind {
            pub const ALL: &[Kind] = &[$(Kind::$kind,)+];

            pub fn table(self) -> &'static str {
                match self { $(Kind::$kind => $table,)+ }
            }
        }

        /// One stored record, typed.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub enum Record { $($kind($ty),)+ }

        impl Record {
            pub fn kind(&self) -> Kind {
                match self { $(Record::$kind(_) => Kind::$kind,)+ }
            }

            pub fn id(&self) -> &str {
                match self { $(Record::$kind($x) => $id,)+ }
            }

            /// The record as the API shows it.
            pub fn to_value(&self) -> serde_json::Value {
                match self { $(Record::$kind(x) => serde_json::to_value(x).unwrap_or_default(),)+ }
            }

            fn to_json(&self) -> Result<String, StoreError> {
                let result = match self { $(Record::$kind(x) => serde_json::to_string(x),)+ };
                result.map_err(|e| StoreError::Corrupt(format!("cannot encode a record: {e}")))
            }

            fn from_json(kind: Kind, json: &str) -> Result<Record, serde_json::Error> {
                Ok(match kind { $(Kind::$kind => Record::$kind(serde_json::from_str(json)?),)+ })
            }
        }
    };
}

records! {
    User(User) => "users", |x| x.id.as_str();
    Team(Team) => "teams", |x| x.id.as_str();
    Session(Session) => "sessions", |x| &x.token_hash;
    Invite(Invite) => "invites", |x| &x.token_hash;
    Project(Project) => "projects", |x| x.id.as_str();
    Person(Person) => "people", |x| x.id.as_str();
    Client(Client) => "clients", |x| x.id.as_str();
    Allocation(Allocation) => "allocations", |x| x.id.as_str();
    TimeOff(TimeOff) => "timeoff", |x| x.id.as_str();
    Actual(Actual) => "actuals", |x| x.id.as_str();
    Activity(Activity) => "activity", |x| x.id.as_str();
    Task(Task) => "tasks", |x| x.id.as_str();
    CalendarFeed(CalendarFeed) => "calendar_feeds", |x| x.person_id.as_str();
    Scenario(Scenario) => "scenarios", |x| x.id.as_str();
    ApiToken(ApiToken) => "api_tokens", |x| x.id.as_str();
    Webhook(Webhook) => "webhooks", |x| x.id.as_str();
    Delivery(Delivery) => "webhook_deliveries", |x| x.id.as_str();
}

/// Applies `$body` to the record inside any schedule kind (those that carry a version).
macro_rules! versioned {
    ($record:expr, |$x:ident| $body:expr, $otherwise:expr) => {
        match $record {
            Record::Person($x) => $body,
            Record::Client($x) => $body,
            Record::Project($x) => $body,
            Record::Allocation($x) => $body,
            Record::TimeOff($x) => $body,
            Record::Actual($x) => $body,
            Record::Task($x) => $body,
            _ => $otherwise,
        }
    };
}

impl Record {
    /// A schedule record's version (bumped by each change); 0 for other kinds.
    pub fn version(&self) -> u64 {
        versioned!(self, |x| x.version, 0)
    }

    pub fn set_version(&mut self, version: u64) {
        versioned!(self, |x| x.version = version, ())
    }

    /// The team whose schedule the record belongs to; `None` for sessions, which belong
    /// to a person's login rather than to one team's schedule.
    pub fn team_id(&self) -> Option<&Id> {
        match self {
            Record::Team(x) => Some(&x.id),
            Record::Session(_) => None,
            Record::User(x) => Some(&x.team_id),
            Record::Invite(x) => Some(&x.team_id),
            Record::Project(x) => Some(&x.team_id),
            Record::Person(x) => Some(&x.team_id),
            Record::Client(x) => Some(&x.team_id),
            Record::Allocation(x) => Some(&x.team_id),
            Record::TimeOff(x) => Some(&x.team_id),
            Record::Actual(x) => Some(&x.team_id),
            Record::Activity(x) => Some(&x.team_id),
            Record::Task(x) => Some(&x.team_id),
            Record::CalendarFeed(x) => Some(&x.team_id),
            Record::Scenario(x) => Some(&x.team_id),
            Record::ApiToken(x) => Some(&x.team_id),
            Record::Webhook(x) => Some(&x.team_id),
            Record::Delivery(x) => Some(&x.team_id),
        }
    }

    /// The kind as the API names it: "allocation", "timeoff", ...
    pub fn kind_name(&self) -> &'static str {
        self.kind().api_name()
    }
}

impl Kind {
    /// The kind as the API and the live events name it.
    pub fn api_name(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Team => "team",
            Kind::Session => "session",
            Kind::Invite => "invite",
            Kind::Project => "project",
            Kind::Person => "person",
            Kind::Client => "client",
            Kind::Allocation => "allocation",
            Kind::TimeOff => "timeoff",
            Kind::Actual => "actual",
            Kind::Activity => "activity",
            Kind::Task => "task",
            Kind::CalendarFeed => "calendar_feed",
            Kind::Scenario => "scenario",
            Kind::ApiToken => "api_token",
            Kind::Webhook => "webhook",
            Kind::Delivery => "webhook_delivery",
        }
    }
}

/// A change to durable state, produced by the actor after it applied it in memory.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // Put is the common case; boxing it would only add an allocation
pub enum Mutation {
    /// Insert or replace the record with this id.
    Put(Record),
    /// Remove the record of this kind and id (absent is fine).
    Delete(Kind, Id),
    /// Insert or replace one record's row of a scenario (never the live row).
    ScenarioRow(Box<ScenarioRow>),
    /// Forget every row of a scenario (it was merged or archived).
    ClearScenario(Id),
    /// Writes nothing; with PostgreSQL, makes sure this node holds the team's lease
    /// (taking it over, and reloading, when its owner let it expire).
    Claim(Id),
}

/// One record as an open scenario holds it, kept apart from the live tables: a
/// scenario is rebuilt at start as live plus its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioRow {
    pub scenario_id: Id,
    pub kind: Kind,
    pub id: Id,
    /// The record in the scenario; `None` when the scenario does not have it.
    pub value: Option<Record>,
    /// The record as live had it at the fork: what merging compares live against.
    pub base: Option<Record>,
    /// Whether the scenario itself changed the record (otherwise the row only keeps
    /// the fork's value of a record live changed since).
    pub touched: bool,
}

/// Everything in the store, as loaded at start or after a failed commit, or one team.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub records: Vec<Record>,
    /// The rows of every open scenario.
    pub scenario_rows: Vec<ScenarioRow>,
}

impl Snapshot {
    /// Only what belongs to `team`: its records, its members' sessions and its open
    /// scenarios' rows.
    pub fn only_team(self, team: &Id) -> Snapshot {
        let members: std::collections::HashSet<&Id> = self
            .records
            .iter()
            .filter_map(|r| match r {
                Record::User(u) if &u.team_id == team => Some(&u.id),
                _ => None,
            })
            .collect();
        let scenarios: std::collections::HashSet<&Id> = self
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Scenario(s) if &s.team_id == team => Some(&s.id),
                _ => None,
            })
            .collect();
        let keep = |r: &Record| match r {
            Record::Session(s) => members.contains(&s.user_id),
            other => other.team_id() == Some(team),
        };
        let records: Vec<Record> = self.records.iter().filter(|r| keep(r)).cloned().collect();
        let scenario_rows = self
            .scenario_rows
            .iter()
            .filter(|row| scenarios.contains(&row.scenario_id))
            .cloned()
            .collect();
        Snapshot {
            records,
            scenario_rows,
        }
    }
}

/// What a commit did with a batch of writes (one slice of mutations per write): every
/// write went in, except those of the teams in `refused`.
#[derive(Debug, Default)]
pub struct Committed {
    /// Teams this node does not hold: their writes were left out, the rest committed.
    pub refused: Vec<TeamRefused>,
    /// Teams whose lease this commit took because nobody had one (a new team, or one
    /// never leased), with the writes that touched them: loaded if memory lacks them.
    pub taken: Vec<(Id, Vec<usize>)>,
}

/// A team whose writes a commit left out.
#[derive(Debug)]
pub struct TeamRefused {
    pub team: Id,
    /// The writes of the batch left out for it, by index.
    pub writes: Vec<usize>,
    /// For the people whose changes they were.
    pub message: String,
    /// This node took the lease over (its owner let it expire): the team is reloaded
    /// from the store. Otherwise another live node holds it, and this node forgets it.
    pub took_over: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The disk refused (full, read-only, I/O error). Transient from our side.
    #[error("storage I/O failed: {0}")]
    Io(String),
    /// The data on disk is not what kronuz wrote. Never repaired silently.
    #[error("the database is unreadable or corrupt: {0}")]
    Corrupt(String),
    /// Another kronuz holds the data directory.
    #[error("{0}")]
    Locked(String),
    /// The server is set up wrongly (database unreachable, refused login, a newer
    /// schema, a node id already in use): it cannot start until an operator acts.
    #[error("{0}")]
    Config(String),
}

/// A durable backend. Called only from the writer thread (and at start), never from the
/// actor loop or an async task.
pub trait Store: Send + 'static {
    /// Reads every record this node serves: all of them with SQLite; with PostgreSQL,
    /// the teams whose leases this node holds.
    fn load(&mut self) -> Result<Snapshot, StoreError>;
    /// Reads one team's records, its members' sessions and its open scenarios' rows (see
    /// [`Snapshot::only_team`]), when the node takes the team on.
    fn load_team(&mut self, team: &Id) -> Result<Snapshot, StoreError>;
    /// Writes `batch` (each element one write's mutations) in one transaction and commits
    /// it durably, except the writes of teams this node does not hold, which are left
    /// out and named in the answer; on an error, nothing is written.
    fn commit(&mut self, batch: &[&[Mutation]]) -> Result<Committed, StoreError>;
    /// Flushes and closes.
    fn close(self: Box<Self>) -> Result<(), StoreError>;
}

/// Each team's (and each scenario's) most recent activity while loading: only those are
/// kept in memory (and undoable), so older history costs neither start-up memory nor
/// time after the read.
#[derive(Default)]
pub(crate) struct RecentActivity {
    by_team: std::collections::HashMap<crate::domain::Id, Vec<crate::domain::activity::Activity>>,
}

impl RecentActivity {
    pub(crate) fn keep(&mut self, entry: crate::domain::activity::Activity) {
        let log = self.by_team.entry(entry.space().clone()).or_default();
        log.push(entry);
        if log.len() >= 2 * ACTIVITY_KEPT {
            Self::trim(log);
        }
    }

    fn trim(log: &mut Vec<crate::domain::activity::Activity>) {
        log.sort_unstable_by_key(|a| std::cmp::Reverse(a.seq));
        log.truncate(ACTIVITY_KEPT);
    }

    pub(crate) fn into_records(self) -> impl Iterator<Item = Record> {
        self.by_team.into_values().flat_map(|mut log| {
            Self::trim(&mut log);
            log.into_iter().map(Record::Activity)
        })
    }
}

impl ScenarioRow {
    /// A row as a backend stored it: the kind by its table's name, records as JSON.
    pub(crate) fn read(
        scenario_id: String,
        table: &str,
        id: String,
        value: Option<String>,
        base: Option<String>,
        touched: bool,
    ) -> Result<ScenarioRow, StoreError> {
        let corrupt = |why: String| {
            StoreError::Corrupt(format!("scenario {scenario_id} row {table}/{id}: {why}"))
        };
        let kind = Kind::ALL
            .iter()
            .copied()
            .find(|k| k.table() == table)
            .ok_or_else(|| corrupt("unknown kind".into()))?;
        let read = |json: Option<String>| {
            json.map(|j| Record::from_json(kind, &j))
                .transpose()
                .map_err(|e| corrupt(e.to_string()))
        };
        Ok(ScenarioRow {
            kind,
            value: read(value)?,
            base: read(base)?,
            touched,
            id: crate::domain::Id(id),
            scenario_id: crate::domain::Id(scenario_id),
        })
    }
}
