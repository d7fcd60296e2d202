//! Durability. The actor keeps the state in memory; this module makes it survive.
//!
//! - [`Store`] is the small interface a backend implements: load everything at start,
//!   commit a batch of [`Mutation`]s atomically, close. SQLite ([`sqlite::SqliteStore`])
//!   is the embedded default; a PostgreSQL backend would implement the same trait and
//!   nothing above this module would change.
//! - Each record is kept as one JSON document per row, in one table per kind, so adding
//!   a field to a domain type needs no migration (serde defaults fill it on load).
//! - [`writer`] is the single writer: its own OS thread that drains whatever is queued,
//!   writes it in one transaction, commits (fsync) and only then completes each
//!   request. That is the group commit; acknowledged means durable.

pub mod sqlite;
pub mod writer;

use crate::domain::{Id, Project, Session, Team, User};
use serde::{Deserialize, Serialize};

/// The kinds of record, one table each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    User,
    Team,
    Session,
    Project,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::User, Kind::Team, Kind::Session, Kind::Project];

    pub fn table(self) -> &'static str {
        match self {
            Kind::User => "users",
            Kind::Team => "teams",
            Kind::Session => "sessions",
            Kind::Project => "projects",
        }
    }
}

/// One stored record, typed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Record {
    User(User),
    Team(Team),
    Session(Session),
    Project(Project),
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::User(_) => Kind::User,
            Record::Team(_) => Kind::Team,
            Record::Session(_) => Kind::Session,
            Record::Project(_) => Kind::Project,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Record::User(x) => x.id.as_str(),
            Record::Team(x) => x.id.as_str(),
            Record::Session(x) => &x.token_hash,
            Record::Project(x) => x.id.as_str(),
        }
    }

    fn to_json(&self) -> Result<String, StoreError> {
        let result = match self {
            Record::User(x) => serde_json::to_string(x),
            Record::Team(x) => serde_json::to_string(x),
            Record::Session(x) => serde_json::to_string(x),
            Record::Project(x) => serde_json::to_string(x),
        };
        result.map_err(|e| StoreError::Corrupt(format!("cannot encode a record: {e}")))
    }

    fn from_json(kind: Kind, json: &str) -> Result<Record, serde_json::Error> {
        Ok(match kind {
            Kind::User => Record::User(serde_json::from_str(json)?),
            Kind::Team => Record::Team(serde_json::from_str(json)?),
            Kind::Session => Record::Session(serde_json::from_str(json)?),
            Kind::Project => Record::Project(serde_json::from_str(json)?),
        })
    }
}

/// A change to durable state, produced by the actor after it applied it in memory.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Insert or replace the record with this id.
    Put(Record),
    /// Remove the record of this kind and id (absent is fine).
    Delete(Kind, Id),
}

/// Everything in the store, as loaded at start or after a failed commit.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub records: Vec<Record>,
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
}

/// A durable backend. Called only from the writer thread (and at start), never from the
/// actor loop or an async task.
pub trait Store: Send + 'static {
    /// Reads every record.
    fn load(&mut self) -> Result<Snapshot, StoreError>;
    /// Writes all of `batch` in one transaction and commits it durably, or nothing.
    fn commit(&mut self, batch: &[&Mutation]) -> Result<(), StoreError>;
    /// Flushes and closes.
    fn close(self: Box<Self>) -> Result<(), StoreError>;
}
