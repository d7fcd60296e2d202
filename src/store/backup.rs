//! Backing up and restoring a data directory from the command line: a consistent copy
//! taken while a server runs (`kronuz backup`), and putting one back (`kronuz restore`).
//!
//! The backup is SQLite's `VACUUM INTO`, which reads inside one transaction: the copy
//! holds exactly the commits made before it started, so every write acknowledged by
//! then is in it, and it never waits for the server's lock or stops its writes.

use super::sqlite::{DATABASE_FILE, DataDir, SCHEMA_VERSION, SqliteOptions, SqliteStore, classify};
use super::{Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Why a backup or a restore did nothing.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operator asked for something that would lose data; the message says why.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Io(String),
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub bytes: u64,
    pub schema_version: i64,
}

/// Copies the database in `data_dir` to the new file `to`, consistently, whether or not
/// a server is running on it. `to` appears only once complete and on disk.
pub fn backup(data_dir: &Path, to: &Path) -> Result<BackupReport, BackupError> {
    if to.exists() {
        return Err(BackupError::Refused(format!(
            "{} already exists; give a new file name",
            to.display()
        )));
    }
    let database = data_dir.join(DATABASE_FILE);
    if !database.is_file() {
        return Err(BackupError::Refused(format!(
            "there is no kronuz database in {}",
            data_dir.display()
        )));
    }
    // Read-write without create: a read-only connection cannot always open a WAL
    // database, and this one never writes (VACUUM INTO only reads its source).
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&database, flags).map_err(classify)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(classify)?;
    let schema_version = schema_version(&conn)?;
    let partial = sibling(to, ".partial");
    let _ = std::fs::remove_file(&partial);
    let partial_name = partial
        .to_str()
        .ok_or_else(|| BackupError::Io(format!("{} is not valid UTF-8", to.display())))?;
    conn.execute("VACUUM INTO ?1", [partial_name])
        .map_err(|e| BackupError::Io(format!("cannot write {}: {e}", partial.display())))?;
    drop(conn);
    sync_file(&partial)?;
    std::fs::rename(&partial, to)
        .map_err(|e| BackupError::Io(format!("cannot rename to {}: {e}", to.display())))?;
    sync_parent(to)?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        bytes,
        schema_version,
    })
}

/// What a restore put in place.
#[derive(Debug)]
pub struct RestoreReport {
    pub records: usize,
    /// Where the data that was there before went, when `--force` replaced it.
    pub kept_aside: Option<PathBuf>,
}

/// Puts the backup `from` in `data_dir` after checking it is a sound kronuz database.
/// Refuses a directory a server is using, and one holding data unless `force` (the old
/// files are then kept beside it, renamed, never deleted).
pub fn restore(from: &Path, data_dir: &Path, force: bool) -> Result<RestoreReport, BackupError> {
    if !from.is_file() {
        return Err(BackupError::Refused(format!(
            "{} is not a file",
            from.display()
        )));
    }
    // Held to the end, so no server can start on the directory halfway through.
    let dir = match DataDir::lock(data_dir) {
        Err(StoreError::Locked(_)) => {
            return Err(BackupError::Refused(format!(
                "the data directory {} is in use by a running kronuz server; stop it first",
                data_dir.display()
            )));
        }
        other => other?,
    };
    let database = dir.database_path();
    let staged = sibling(&database, ".restoring");
    remove_database_files(&staged);
    let holds_data = std::fs::read_dir(data_dir)
        .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", data_dir.display())))?
        .filter_map(|entry| entry.ok())
        .any(|entry| entry.file_name() != "kronuz.lock");
    if holds_data && !force {
        return Err(BackupError::Refused(format!(
            "the data directory {} already holds data; pass --force to replace it \
             (the old files are kept beside it)",
            data_dir.display()
        )));
    }

    std::fs::copy(from, &staged)
        .map_err(|e| BackupError::Io(format!("cannot copy {}: {e}", from.display())))?;
    let checked = check(&staged).and_then(|()| {
        // Opening it as the server would (running any newer migrations) and reading
        // every record proves the server will start on it.
        let mut store = SqliteStore::open(&staged, &SqliteOptions::default())?;
        let records = store.load()?.records.len();
        Box::new(store).close()?;
        Ok(records)
    });
    let records = match checked {
        Ok(records) => records,
        Err(e) => {
            remove_database_files(&staged);
            return Err(match e {
                StoreError::Corrupt(why) => BackupError::Refused(format!(
                    "{} is not a sound kronuz backup: {why}",
                    from.display()
                )),
                other => other.into(),
            });
        }
    };
    sync_file(&staged)?;

    let kept_aside = if database.exists() {
        let aside = sibling(
            &database,
            &format!(".before-restore-{}", crate::domain::now()),
        );
        for suffix in ["", "-wal", "-shm"] {
            let old = sibling(&database, suffix);
            if old.exists() {
                std::fs::rename(&old, sibling(&aside, suffix)).map_err(|e| {
                    BackupError::Io(format!("cannot move {} aside: {e}", old.display()))
                })?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staged, &database)
        .map_err(|e| BackupError::Io(format!("cannot rename into place: {e}")))?;
    sync_parent(&database)?;
    drop(dir);
    Ok(RestoreReport {
        records,
        kept_aside,
    })
}

/// A kronuz database of a schema this kronuz knows, and sound page by page.
fn check(path: &Path) -> Result<(), StoreError> {
    let not_kronuz = |why: String| StoreError::Corrupt(why);
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(classify)?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(|e| not_kronuz(e.to_string()))?;
    if problems != ["ok"] {
        return Err(not_kronuz(format!(
            "the integrity check found: {}",
            problems.join("; ")
        )));
    }
    schema_version(&conn).map_err(|e| match e {
        BackupError::Store(e) => e,
        other => not_kronuz(other.to_string()),
    })?;
    Ok(())
}

/// The database's schema version, if it is one this kronuz knows.
fn schema_version(conn: &Connection) -> Result<i64, BackupError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    let has_users: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'users'",
            [],
            |r| r.get(0),
        )
        .map_err(classify)?;
    if version < 1 || !has_users {
        return Err(StoreError::Corrupt("it is not a kronuz database".into()).into());
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "it has schema version {version}, newer than this kronuz knows ({SCHEMA_VERSION})"
        ))
        .into());
    }
    Ok(version)
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sibling(path, suffix));
    }
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| BackupError::Io(format!("cannot flush {}: {e}", path.display())))
}

/// Makes a rename in the file's directory durable.
fn sync_parent(path: &Path) -> Result<(), BackupError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(|e| BackupError::Io(format!("cannot flush {}: {e}", parent.display())))?;
    Ok(())
}
