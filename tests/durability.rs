//! Acknowledged means durable: restarts, concurrent writers, shutdown, a full disk.

mod common;

use common::*;
use kronuz::config::Settings;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn data_and_sessions_survive_a_restart() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    post(&c, &server, "/api/v1/prj", json!({"name": "Apollo"})).await;
    let (_, p) = post(&c, &server, "/api/v1/prj", json!({"name": "Gemini"})).await;
    patch(
        &c,
        &server,
        &format!("/api/v1/prj/{}", p["id"].as_str().unwrap()),
        json!({"name": "Artemis"}),
    )
    .await;
    let server = server.restart().await;
    // The same client (same cookies) is still logged in on the new process.
    let (status, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names(&list), ["Apollo", "Artemis"]);
    let (status, _) = login(&client(), &server, "ann@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn only_a_hash_of_the_session_token_is_stored() {
    // The data dir outlives the first server: the test reads or reuses it after.
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let resp = client()
        .post(server.url("/api/v1/usr/signup"))
        .json(&json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"}))
        .send()
        .await
        .unwrap();
    let token = session_cookie(&resp)
        .unwrap()
        .trim_start_matches("session=")
        .to_string();
    let data = server.data_dir();
    server.stop().await;
    let conn = rusqlite::Connection::open(data.join("kronuz.sqlite3")).unwrap();
    let ids: Vec<String> = conn
        .prepare("SELECT id || body FROM sessions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids.len(), 1);
    assert!(!ids[0].contains(&token), "the raw token is on disk");
    assert!(ids[0].contains(&kronuz::http::token_hash(&token)));
    let users: String = conn
        .query_row("SELECT body FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(!users.contains("correct horse") && users.contains("$argon2id$"));
}

#[tokio::test]
async fn an_expired_session_is_refused_with_session_token_expired() {
    // The data dir outlives the first server: the test reads or reuses it after.
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let data = server.data_dir();
    let settings = server.stop().await;
    // Age the session on disk by 15 days: past the 14-day idle limit.
    let conn = rusqlite::Connection::open(data.join("kronuz.sqlite3")).unwrap();
    let n = conn
        .execute("UPDATE sessions SET body = json_set(body, '$.last_seen_at', json_extract(body, '$.last_seen_at') - 15*86400)", [])
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let server = TestServer::start_exactly(settings).await;
    let (status, err) = get(&c, &server, "/api/v1/usr/me").await;
    assert_eq!(
        (status, err),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "Session token expired"})
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_writers_acknowledged_projects_are_all_there_after_a_restart() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let mut tasks = Vec::new();
    for w in 0..50 {
        let c = c.clone();
        let url = server.url("/api/v1/prj");
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..10 {
                let name = format!("w{w:02}-p{i}");
                let resp = c
                    .post(&url)
                    .json(&json!({"name": name}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), StatusCode::CREATED);
                acked.push(name);
            }
            acked
        }));
    }
    let mut acked = BTreeSet::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    let server = server.restart().await;
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    let stored: BTreeSet<String> = names(&list).into_iter().collect();
    assert_eq!(stored.len(), 500);
    assert_eq!(stored, acked);
    server.stop().await;
}

#[tokio::test]
async fn a_graceful_shutdown_under_load_loses_no_acknowledged_write() {
    // The data dir outlives the first server: the test reads or reuses it after.
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let mut first_tx = Some(first_tx);
    let url = server.url("/api/v1/prj");
    let writers: Vec<_> = (0..20)
        .map(|w| {
            let c = c.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..1000 {
                    let name = format!("w{w}-{i}");
                    match c.post(&url).json(&json!({"name": name})).send().await {
                        Ok(r) if r.status() == StatusCode::CREATED => acked.push(name),
                        _ => break, // refused or connection closed: the server is stopping
                    }
                }
                acked
            })
        })
        .collect();
    // Stop while writes are in flight: as soon as any writer has one acknowledged.
    let watcher = {
        let c = c.clone();
        let list = server.url("/api/v1/prj/list");
        tokio::spawn(async move {
            loop {
                let r: serde_json::Value = c.get(&list).send().await.unwrap().json().await.unwrap();
                if r.as_array().is_some_and(|a| a.len() >= 20) {
                    break;
                }
                tokio::task::yield_now().await;
            }
            let _ = first_tx.take().map(|t| t.send(()));
        })
    };
    first_rx.await.unwrap();
    watcher.await.unwrap();
    let settings = server.stop().await;
    let mut acked = BTreeSet::new();
    for w in writers {
        acked.extend(w.await.unwrap());
    }
    assert!(!acked.is_empty());
    let server = TestServer::start_with(settings).await;
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    let stored: BTreeSet<String> = names(&list).into_iter().collect();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    // Create the account first, then reopen with the database capped at its current size.
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let mut settings: Settings = server.stop().await;
    settings.max_db_pages = Some(1); // SQLite clamps it to the current page count
    let server = TestServer::start_exactly(settings.clone()).await;

    let (acked, refused, body) = fill_until_refused(&c, &server).await;
    assert!(
        body["error"].as_str().unwrap().contains("not saved"),
        "{body}"
    );
    // Reads still work and show exactly what is on disk: no phantom project.
    let (status, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list), acked);
    assert!(!names(&list).contains(&refused));
    assert_eq!(get(&c, &server, "/api/v1/usr/me").await.0, StatusCode::OK);

    // With room again, everything acknowledged is there and writes work.
    settings.max_db_pages = None;
    server.stop().await;
    let server = TestServer::start_exactly(settings).await;
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(names(&list), acked);
    assert_eq!(
        post(&c, &server, "/api/v1/prj", json!({"name": "zzz"}))
            .await
            .0,
        StatusCode::CREATED
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_saved_state_cannot_be_read_back_nothing_is_served_until_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let mut settings: Settings = server.stop().await;
    settings.max_db_pages = Some(1); // SQLite clamps it to the current page count
    let server = TestServer::start_exactly(settings.clone()).await;
    // Wait until it has loaded: a write behind its back while it opens the database
    // would make its start fail instead.
    assert_eq!(get(&c, &server, "/api/v1/usr/me").await.0, StatusCode::OK);

    // Behind the server's back, a row it cannot read: reloading the state will fail.
    let db = rusqlite::Connection::open(settings.data_dir.join("kronuz.sqlite3")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "INSERT INTO clients (id, body) VALUES ('unreadable', '{')",
        [],
    )
    .unwrap();

    let (acked, refused, _) = fill_until_refused(&c, &server).await;
    // The disk refused a write and its saved state cannot be read: memory may hold the
    // refused write, so neither reads nor writes are served.
    for path in ["/api/v1/prj/list", "/api/v1/usr/me", "/api/v1/people"] {
        let (status, body) = get(&c, &server, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("Storage is unavailable"),
            "{body}"
        );
    }
    let (status, _) = post(&c, &server, "/api/v1/prj", json!({"name": "later"})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _) = login(&client(), &server, "ann@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    // Once the state reads again, it is served: exactly what the disk holds.
    db.execute("DELETE FROM clients WHERE id = 'unreadable'", [])
        .unwrap();
    let started = std::time::Instant::now();
    let list = loop {
        let (status, list) = get(&c, &server, "/api/v1/prj/list").await;
        if status == StatusCode::OK {
            break list;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{list}");
        assert!(started.elapsed().as_secs() < 30, "never recovered");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(names(&list), acked);
    assert!(!names(&list).contains(&refused));
    server.stop().await;
}

#[tokio::test]
async fn the_benchmark_only_rwlock_backend_serves_the_same_api() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path().join("data"));
    settings.state_backend = kronuz::db::StateBackend::Rwlock;
    let server = TestServer::start_with(settings).await;
    let (c, _) = signup(&server, "ann@x.io").await;
    for name in ["b", "a"] {
        assert_eq!(
            post(&c, &server, "/api/v1/prj", json!({"name": name}))
                .await
                .0,
            StatusCode::CREATED
        );
    }
    let server = server.restart().await;
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(names(&list), ["a", "b"]);
    server.stop().await;
}
