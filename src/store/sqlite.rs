//! The embedded backend: one SQLite file in WAL mode with `synchronous=FULL`.

use super::{
    Committed, Kind, Mutation, RecentActivity, Record, ScenarioRow, Snapshot, Store, StoreError,
};
use crate::domain::Id;
use rusqlite::{Connection, ErrorCode, OpenFlags, params};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Schema versions, applied in order at start; `PRAGMA user_version` records how many ran.
/// Append only: never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, projects.
    "CREATE TABLE users (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE teams (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE sessions (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE projects (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL) STRICT;",
    // 2: the schedule: people, clients, allocations, time off, actuals; invites; activity.
    "CREATE TABLE invites (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE people (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE clients (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE allocations (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE timeoff (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE actuals (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE activity (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;",
    // 3: tasks for the planner.
    "CREATE TABLE tasks (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;",
    // 4: calendar feed secrets (hashed), one per person.
    "CREATE TABLE calendar_feeds (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;",
    // 5: scenarios, and each open scenario's records apart from the live tables
    //    (`value`/`base` NULL: absent in the scenario / at the fork).
    "CREATE TABLE scenarios (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE scenario_records (
         scenario_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
         value TEXT, base TEXT, touched INTEGER NOT NULL,
         PRIMARY KEY (scenario_id, kind, id)) STRICT;",
    // 6: personal access tokens (hashed).
    "CREATE TABLE api_tokens (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;",
    // 7: webhooks and their deliveries.
    "CREATE TABLE webhooks (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
     CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;",
];

/// The schema version this kronuz writes: how many migrations it knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "kronuz.sqlite3";

/// The data directory, locked for the life of this value so two servers never share it.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
}

impl DataDir {
    /// Creates the directory if missing and takes its lock file.
    pub fn lock(path: &Path) -> Result<DataDir, StoreError> {
        std::fs::create_dir_all(path).map_err(|e| {
            StoreError::Io(format!(
                "cannot create data directory {}: {e}",
                path.display()
            ))
        })?;
        let lock_path = path.join("kronuz.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::Io(format!("cannot open {}: {e}", lock_path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(DataDir {
                path: path.to_path_buf(),
                _lock: file,
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(format!(
                "the data directory {} is in use by another kronuz server",
                path.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io(format!(
                "cannot lock {}: {e}",
                lock_path.display()
            ))),
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.path.join(DATABASE_FILE)
    }
}

/// Tuning for tests and benchmarks; the defaults are what production runs.
#[derive(Clone, Debug, Default)]
pub struct SqliteOptions {
    /// Caps the database size in pages, to make "disk full" happen on purpose.
    pub max_page_count: Option<u64>,
}

pub struct SqliteStore {
    conn: Connection,
}

pub(super) fn classify(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            StoreError::Corrupt(e.to_string())
        }
        _ => StoreError::Io(e.to_string()),
    }
}

impl SqliteStore {
    /// Opens (or creates) the database, checks it is one, and runs pending migrations.
    pub fn open(path: &Path, options: &SqliteOptions) -> Result<SqliteStore, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(classify)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(classify)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Io(format!(
                "cannot switch the database to WAL mode (got {mode})"
            )));
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")
            .map_err(classify)?;
        let mut store = SqliteStore { conn };
        store.migrate()?;
        if let Some(pages) = options.max_page_count {
            let _: i64 = store
                .conn
                .query_row(&format!("PRAGMA max_page_count={pages}"), [], |r| r.get(0))
                .map_err(classify)?;
        }
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(classify)?;
        let known = SCHEMA_VERSION;
        if version > known {
            return Err(StoreError::Corrupt(format!(
                "the database has schema version {version}, newer than this kronuz knows ({known}); \
                 run a newer kronuz"
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction().map_err(classify)?;
            tx.execute_batch(sql).map_err(classify)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(classify)?;
            tx.commit().map_err(classify)?;
            tracing::info!(version = i + 1, "applied database migration");
        }
        Ok(())
    }
}

impl SqliteStore {
    fn load_scenario_rows(&mut self) -> Result<Vec<ScenarioRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT scenario_id, kind, id, value, base, touched FROM scenario_records")
            .map_err(classify)?;
        let mut rows = stmt.query([]).map_err(classify)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(classify)? {
            let scenario_id: String = row.get(0).map_err(classify)?;
            let table: String = row.get(1).map_err(classify)?;
            let id: String = row.get(2).map_err(classify)?;
            let value: Option<String> = row.get(3).map_err(classify)?;
            let base: Option<String> = row.get(4).map_err(classify)?;
            let touched: bool = row.get(5).map_err(classify)?;
            out.push(ScenarioRow::read(
                scenario_id,
                &table,
                id,
                value,
                base,
                touched,
            )?);
        }
        Ok(out)
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        let mut records = Vec::new();
        let mut recent = RecentActivity::default();
        for &kind in Kind::ALL {
            let sql = format!("SELECT id, body FROM {}", kind.table());
            let mut stmt = self.conn.prepare(&sql).map_err(classify)?;
            let mut rows = stmt.query([]).map_err(classify)?;
            while let Some(row) = rows.next().map_err(classify)? {
                let id: String = row.get(0).map_err(classify)?;
                let body: String = row.get(1).map_err(classify)?;
                let record = Record::from_json(kind, &body).map_err(|e| {
                    StoreError::Corrupt(format!("{} row {id} cannot be read: {e}", kind.table()))
                })?;
                match record {
                    Record::Activity(a) => recent.keep(a),
                    other => records.push(other),
                }
            }
        }
        records.extend(recent.into_records());
        let scenario_rows = self.load_scenario_rows()?;
        Ok(Snapshot {
            records,
            scenario_rows,
        })
    }

    fn load_team(&mut self, team: &Id) -> Result<Snapshot, StoreError> {
        // One node serves every team from memory, so this is only for completeness:
        // reading everything and keeping one team is plenty.
        Ok(self.load()?.only_team(team))
    }

    fn commit(&mut self, batch: &[&[Mutation]]) -> Result<Committed, StoreError> {
        let tx = self.conn.transaction().map_err(classify)?;
        for mutation in batch.iter().flat_map(|write| write.iter()) {
            match mutation {
                Mutation::Put(record) => {
                    let sql = format!(
                        "INSERT OR REPLACE INTO {} (id, body) VALUES (?1, ?2)",
                        record.kind().table()
                    );
                    let body = record.to_json()?;
                    tx.prepare_cached(&sql)
                        .and_then(|mut s| s.execute(params![record.id(), body]))
                        .map_err(classify)?;
                }
                Mutation::Delete(kind, id) => {
                    let sql = format!("DELETE FROM {} WHERE id = ?1", kind.table());
                    tx.prepare_cached(&sql)
                        .and_then(|mut s| s.execute([id.as_str()]))
                        .map_err(classify)?;
                }
                Mutation::ScenarioRow(row) => {
                    let json = |r: &Option<Record>| r.as_ref().map(Record::to_json).transpose();
                    let (value, base) = (json(&row.value)?, json(&row.base)?);
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO scenario_records \
                         (scenario_id, kind, id, value, base, touched) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            row.scenario_id.as_str(),
                            row.kind.table(),
                            row.id.as_str(),
                            value,
                            base,
                            row.touched
                        ])
                    })
                    .map_err(classify)?;
                }
                // One node owns everything: there is no lease to take.
                Mutation::Claim(_) => {}
                Mutation::ClearScenario(id) => {
                    tx.prepare_cached("DELETE FROM scenario_records WHERE scenario_id = ?1")
                        .and_then(|mut s| s.execute([id.as_str()]))
                        .map_err(classify)?;
                }
            }
        }
        // Dropping `tx` on an error above rolls it back.
        tx.commit().map_err(classify)?;
        // One node owns everything: no team is ever refused.
        Ok(Committed::default())
    }

    fn close(self: Box<Self>) -> Result<(), StoreError> {
        // Fold the WAL back into the main file so the data dir is one tidy file at rest.
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        self.conn.close().map_err(|(_, e)| classify(e))
    }
}
