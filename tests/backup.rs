//! `kronuz backup` and `kronuz restore` as an operator runs them, against a live server.
//! They back up and restore the SQLite file, so they run on SQLite whatever
//! `KRONUZ_TEST_DATABASE_URL` says.

mod common;

use common::*;
use kronuz::config::Settings;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Runs the `kronuz` binary with `args` and waits for it.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kronuz"))
        .env_remove("KRONUZ_DATA_DIR")
        .args(args)
        .output()
        .unwrap()
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The names of the projects `email`'s team sees on `server`.
async fn project_names(server: &TestServer, email: &str) -> BTreeSet<String> {
    let c = client();
    let (status, body) = login(&c, server, email, "correct horse").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, list) = get(&c, server, "/api/v1/prj/list").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    names(&list).into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_32_writers_restores_every_write_acknowledged_before_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<(String, Instant)>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let warmed_up = Arc::new(tokio::sync::Notify::new());
    let mut writers = Vec::new();
    for w in 0..32 {
        let (c, url) = (c.clone(), server.url("/api/v1/prj"));
        let (stop, acked, count, warmed_up) = (
            stop.clone(),
            acked.clone(),
            count.clone(),
            warmed_up.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 400 {
                let name = format!("w{w}-{n}");
                let resp = c.post(&url).json(&json!({"name": name})).send().await;
                if resp.is_ok_and(|r| r.status() == StatusCode::CREATED) {
                    acked.lock().unwrap().push((name, Instant::now()));
                    if count.fetch_add(1, Ordering::SeqCst) + 1 == 64 {
                        warmed_up.notify_one();
                    }
                }
                n += 1;
            }
        }));
    }
    warmed_up.notified().await;

    let file = dir.path().join("kronuz.backup");
    let started = Instant::now();
    let (data, to) = (server.data_dir(), file.clone());
    let out = tokio::task::spawn_blocking(move || {
        run(&["backup", "--data-dir", text(&data), "--to", text(&to)])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let acked_during = count.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    let before: BTreeSet<String> = acked
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, at)| *at < started)
        .map(|(name, _)| name.clone())
        .collect();
    assert!(before.len() >= 64);
    server.stop().await;

    let restored = dir.path().join("restored");
    let out = run(&[
        "restore",
        "--from",
        text(&file),
        "--data-dir",
        text(&restored),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = TestServer::start_exactly(Settings::for_data_dir(&restored)).await;
    let names = project_names(&server, "ann@x.io").await;
    let missing: Vec<_> = before.difference(&names).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged writes are missing, e.g. {:?}",
        missing.len(),
        before.len(),
        missing.first()
    );
    assert!(names.iter().all(|n| n.starts_with('w')));
    eprintln!(
        "backup: {} writes acknowledged before it, {} in the copy, {acked_during} by its end",
        before.len(),
        names.len()
    );
    server.stop().await;
}

#[tokio::test]
async fn restore_refuses_a_data_dir_a_server_is_using() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    signup(&server, "ann@x.io").await;
    let file = dir.path().join("kronuz.backup");
    let data = server.data_dir();
    let out = run(&["backup", "--data-dir", text(&data), "--to", text(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&[
        "restore",
        "--from",
        text(&file),
        "--data-dir",
        text(&data),
        "--force",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("in use by a running kronuz server"),
        "{}",
        stderr(&out)
    );
    // The server goes on serving its data.
    assert_eq!(project_names(&server, "ann@x.io").await.len(), 0);
    server.stop().await;
}

#[tokio::test]
async fn restore_replaces_existing_data_only_with_force_and_keeps_the_old_files() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    post(&c, &server, "/api/v1/prj", json!({"name": "Apollo"})).await;
    let file = dir.path().join("kronuz.backup");
    let data = server.data_dir();
    let out = run(&["backup", "--data-dir", text(&data), "--to", text(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    post(&c, &server, "/api/v1/prj", json!({"name": "Gemini"})).await;
    server.stop().await;

    let out = run(&["restore", "--from", text(&file), "--data-dir", text(&data)]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("already holds data"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "restore",
        "--from",
        text(&file),
        "--data-dir",
        text(&data),
        "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".before-restore-"))
        .count();
    assert!(kept >= 1, "the replaced database was not kept");
    let server = TestServer::start_exactly(Settings::for_data_dir(&data)).await;
    let names = project_names(&server, "ann@x.io").await;
    assert_eq!(names, BTreeSet::from(["Apollo".to_string()]));
    server.stop().await;
}

#[test]
fn restore_refuses_a_file_that_is_not_a_kronuz_database_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.backup");
    std::fs::write(&garbage, b"not a database at all".repeat(300)).unwrap();
    let other = dir.path().join("other.sqlite3");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    drop(conn);
    let data = dir.path().join("data");
    for file in [&garbage, &other] {
        let out = run(&["restore", "--from", text(file), "--data-dir", text(&data)]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("not a sound kronuz backup"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .filter(|n| n != "kronuz.lock")
            .collect();
        assert!(left.is_empty(), "restore left {left:?}");
    }
}

#[test]
fn backup_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("kronuz.backup");
    std::fs::write(&existing, b"precious").unwrap();
    let out = run(&[
        "backup",
        "--data-dir",
        text(dir.path()),
        "--to",
        text(&existing),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&existing).unwrap(), b"precious");
}
