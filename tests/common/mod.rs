//! A real kronuz server on a port-0 TCP socket with a temp data dir, and a client.
//!
//! With `KRONUZ_TEST_DATABASE_URL` set (`scripts/test` does, to a throw-away cluster),
//! every server a test starts keeps its data in PostgreSQL instead, in a schema of its
//! own: the same suite, run a second time against the other backend.
#![allow(dead_code)]

pub mod events;
pub mod nodes;

use kronuz::config::Settings;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    pub addr: SocketAddr,
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), kronuz::ServeError>>>,
    /// The temp dir a `fresh` server owns; removed when the server is dropped.
    dir: Option<std::sync::Arc<tempfile::TempDir>>,
}

impl TestServer {
    /// Starts a server on a fresh data dir inside `dir`.
    pub async fn start(dir: &Path) -> TestServer {
        TestServer::start_with(Settings::for_data_dir(dir.join("data"))).await
    }

    /// Starts a server on a data dir of its own, removed with the server.
    pub async fn fresh() -> TestServer {
        let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let mut server = TestServer::start(dir.path()).await;
        server.dir = Some(dir);
        server
    }

    /// Starts a server with `settings`; with `KRONUZ_TEST_DATABASE_URL` set and no
    /// database URL of their own, on a fresh PostgreSQL schema.
    pub async fn start_with(mut settings: Settings) -> TestServer {
        // A capped database is SQLite's way to make the disk "full"; it stays on SQLite.
        if settings.database_url.is_none() && settings.max_db_pages.is_none() {
            settings.database_url = fresh_postgres_schema().await;
        }
        TestServer::start_exactly(settings).await
    }

    /// Starts a server on SQLite in `dir`, whatever the environment says: for tests of
    /// the SQLite file itself (its size cap, its bytes on disk).
    pub async fn start_on_sqlite(dir: &Path) -> TestServer {
        TestServer::start_exactly(Settings::for_data_dir(dir.join("data"))).await
    }

    /// Starts a server with exactly `settings` (SQLite unless they name a database).
    pub async fn start_exactly(settings: Settings) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(kronuz::serve(settings.clone(), listener, async {
            let _ = stopped.await;
        }));
        // `serve` binds nothing itself and accepts on the listener we gave it once the
        // data is loaded, so the first request simply waits in the backlog until ready.
        TestServer {
            addr,
            settings,
            stop: Some(stop),
            task: Some(task),
            dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Graceful shutdown: returns once every acknowledged write is on disk.
    pub async fn stop(mut self) -> Settings {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.settings.clone()
    }

    /// Stops and starts again on the same data dir (a new port).
    pub async fn restart(mut self) -> TestServer {
        let dir = self.dir.take();
        let settings = self.stop().await;
        let mut server = TestServer::start_exactly(settings).await;
        server.dir = dir;
        server
    }

    pub fn data_dir(&self) -> PathBuf {
        self.settings.data_dir.clone()
    }
}

/// The PostgreSQL server the tests run against, if any.
pub fn test_database_url() -> Option<String> {
    std::env::var("KRONUZ_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// With `KRONUZ_TEST_DATABASE_URL` set: a new, empty schema there, and the URL of a
/// connection that works in it (`search_path`). Each server gets its own, so tests
/// running at once never see each other's data.
pub async fn fresh_postgres_schema() -> Option<String> {
    let url = test_database_url()?;
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let schema = format!("t_{}", hex::encode(bytes));
    let admin = url.clone();
    let name = schema.clone();
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .expect("connect to KRONUZ_TEST_DATABASE_URL");
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
    })
    .await
    .unwrap();
    let joiner = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{joiner}options=-c%20search_path%3D{schema}"))
}

/// A browser-like client: keeps cookies.
pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

pub async fn body(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

pub async fn post(
    c: &Client,
    server: &TestServer,
    path: &str,
    payload: Value,
) -> (StatusCode, Value) {
    body(
        c.post(server.url(path))
            .json(&payload)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn patch(
    c: &Client,
    server: &TestServer,
    path: &str,
    payload: Value,
) -> (StatusCode, Value) {
    body(
        c.patch(server.url(path))
            .json(&payload)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn get(c: &Client, server: &TestServer, path: &str) -> (StatusCode, Value) {
    body(c.get(server.url(path)).send().await.unwrap()).await
}

pub async fn delete(c: &Client, server: &TestServer, path: &str) -> (StatusCode, Value) {
    body(c.delete(server.url(path)).send().await.unwrap()).await
}

/// Signs up `email` and returns a logged-in client and the user.
pub async fn signup(server: &TestServer, email: &str) -> (Client, Value) {
    let c = client();
    let (status, user) = post(
        &c,
        server,
        "/api/v1/usr/signup",
        json!({"email": email, "password": "correct horse", "name": "Ann Smith"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    (c, user)
}

pub fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

/// Logs `c` in with `email` and `password`; the status and body.
pub async fn login(
    c: &Client,
    server: &TestServer,
    email: &str,
    password: &str,
) -> (StatusCode, Value) {
    post(
        c,
        server,
        "/api/v1/usr/login",
        json!({"email": email, "password": password}),
    )
    .await
}

/// The `session=<token>` pair a response sets, if any.
pub fn session_cookie(resp: &Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

/// On a server whose database is capped (`max_db_pages`), creates projects with long
/// names until the disk refuses one: the names acknowledged, and the refused one's name
/// and answer.
pub async fn fill_until_refused(c: &Client, server: &TestServer) -> (Vec<String>, String, Value) {
    let mut acked = Vec::new();
    for i in 0..2000 {
        let name = format!("{i:04}-{}", "x".repeat(190));
        let (status, body) = post(c, server, "/api/v1/prj", json!({ "name": name })).await;
        match status {
            StatusCode::CREATED => acked.push(name),
            StatusCode::SERVICE_UNAVAILABLE => return (acked, name, body),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    panic!("the capped database never filled up");
}

/// A record's `id`.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// POSTs `body` to `path`, expecting 201: the record made.
pub async fn created(c: &Client, s: &TestServer, path: &str, body: Value) -> Value {
    let (status, v) = post(c, s, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body} -> {v}");
    v
}

/// A task's outcome in a planner's proposal, by the task's name.
pub fn outcome<'a>(proposal: &'a Value, name: &str) -> &'a Value {
    proposal["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no task {name} in {proposal}"))
}

/// The planner's preview for one project from Monday 2 March 2026.
pub async fn preview(c: &Client, s: &TestServer, project: &str) -> Value {
    let (status, proposal) = post(
        c,
        s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [project], "from": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    proposal
}
