//! Several kronuz nodes on one PostgreSQL, as real processes: the settings an operator
//! can get wrong, and the lease that keeps a paused former owner from writing.
//! Needs `KRONUZ_TEST_DATABASE_URL` (scripts/test starts a throw-away cluster); without
//! it only the unreachable-database case runs.

mod common;

use common::{body, client, fresh_postgres_schema, test_database_url};
use reqwest::StatusCode;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn kronuz() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kronuz"));
    cmd.env_remove("KRONUZ_LISTEN")
        .env_remove("KRONUZ_DATA_DIR")
        .env_remove("KRONUZ_DATABASE_URL")
        .env_remove("KRONUZ_NODE_ID")
        .env("KRONUZ_LOG", "info");
    cmd
}

/// A `kronuz serve` process on one database, and the address it listens on.
struct Node {
    child: Child,
    addr: String,
}

impl Node {
    /// Starts a node and waits for its "ready" log line.
    fn start(url: &str, node_id: &str, lease_secs: u64) -> Node {
        let mut child = kronuz()
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
            .args([
                "--node-id",
                node_id,
                "--lease-secs",
                &lease_secs.to_string(),
            ])
            .args(["--advertise-url", &format!("http://{node_id}.nodes.test")])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the node exited before it was ready")
                .unwrap();
            if line.contains("kronuz is ready") {
                let at = line.find("address=").unwrap() + "address=".len();
                break line[at..].split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining the log so the node never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `kronuz serve` expecting it to refuse to start: its exit code and the one line
/// it printed for the operator.
fn refused_start(url: &str, node_id: &str) -> (Option<i32>, String) {
    let out = kronuz()
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args(["--node-id", node_id])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("kronuz: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line for the operator: {stderr}");
    (out.status.code(), lines[0].to_string())
}

/// The URL with another password.
fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, tail) = rest.split_once('@').unwrap();
    let user = userinfo.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{tail}")
}

/// A fresh schema on the test cluster, or `None` (the test is skipped) without one.
async fn schema() -> Option<String> {
    let url = fresh_postgres_schema().await;
    if url.is_none() {
        eprintln!("skipped: KRONUZ_TEST_DATABASE_URL is not set");
    }
    url
}

/// Runs SQL on the test cluster (in the schema `url` names).
async fn sql(url: &str, statement: &str) -> Vec<postgres::Row> {
    let (url, statement) = (url.to_string(), statement.to_string());
    tokio::task::spawn_blocking(move || {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.query(&statement, &[]).unwrap()
    })
    .await
    .unwrap()
}

#[test]
fn an_unreachable_database_is_one_line_and_exit_code_1() {
    let nowhere = tempfile::tempdir().unwrap();
    let url = format!(
        "postgresql://kronuz:kronuz@/postgres?host={}",
        nowhere.path().display()
    );
    let (code, line) = refused_start(&url, "a");
    assert_eq!(code, Some(1));
    assert!(line.contains("cannot connect to PostgreSQL"), "{line}");
    assert!(
        !line.contains("kronuz:kronuz"),
        "the password is never printed: {line}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_one_line_and_exit_code_1() {
    let Some(url) = test_database_url() else {
        eprintln!("skipped: KRONUZ_TEST_DATABASE_URL is not set");
        return;
    };
    let (code, line) = refused_start(&with_password(&url, "not-the-password"), "a");
    assert_eq!(code, Some(1));
    assert!(line.contains("wrong password"), "{line}");
    assert!(!line.contains("not-the-password"), "{line}");
}

#[tokio::test]
async fn a_database_from_a_newer_kronuz_is_refused_and_left_alone() {
    let Some(url) = schema().await else { return };
    let node = Node::start(&url, "a", 10);
    drop(node);
    sql(&url, "UPDATE kronuz_schema SET version = 999").await;
    let (code, line) = refused_start(&url, "a");
    assert_eq!(code, Some(1));
    assert!(
        line.contains("schema version 999") && line.contains("newer"),
        "{line}"
    );
    let version: i32 = sql(&url, "SELECT version FROM kronuz_schema").await[0].get(0);
    assert_eq!(version, 999);
}

#[tokio::test]
async fn a_second_node_with_a_live_node_id_is_refused_and_another_id_starts() {
    let Some(url) = schema().await else { return };
    let _a = Node::start(&url, "a", 10);
    let (code, line) = refused_start(&url, "a");
    assert_eq!(code, Some(1));
    assert!(line.contains("--node-id a is running"), "{line}");
    let b = Node::start(&url, "b", 10);
    let status = client()
        .get(b.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_paused_owner_past_its_lease_never_commits_after_another_node_took_over() {
    let Some(url) = schema().await else { return };
    let lease = 2;
    let a = Node::start(&url, "a", lease);
    let c = client();
    let signup = json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"});
    let resp = c
        .post(a.url("/api/v1/usr/signup"))
        .json(&signup)
        .send()
        .await;
    assert_eq!(resp.unwrap().status(), StatusCode::CREATED);
    let created = c
        .post(a.url("/api/v1/prj"))
        .json(&json!({"name": "before"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // B starts after the account exists, so it knows the session.
    let b = Node::start(&url, "b", lease);

    // While A is stopped, B owns nothing of the team: its write is refused, not lost.
    a.signal("-STOP");
    let in_flight = {
        let (c, url) = (c.clone(), a.url("/api/v1/prj"));
        tokio::spawn(async move {
            body(
                c.post(url)
                    .json(&json!({"name": "from the paused owner"}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        })
    };

    // Once A's lease runs out, B takes the team over and its writes succeed.
    let deadline = Instant::now() + Duration::from_secs(lease + 5);
    let mut refusals = Vec::new();
    loop {
        let (status, answer) = body(
            c.post(b.url("/api/v1/prj"))
                .json(&json!({"name": "on b"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        if status == StatusCode::CREATED {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
        refusals.push(answer["error"].as_str().unwrap().to_string());
        assert!(Instant::now() < deadline, "B never took over: {refusals:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        refusals
            .iter()
            .any(|r| r.contains("served by another kronuz server (a")),
        "{refusals:?}"
    );
    assert!(
        refusals.iter().any(|r| r.contains("moved to this server")),
        "{refusals:?}"
    );

    // A wakes up with the write it accepted while paused: refused, never committed.
    a.signal("-CONT");
    let (status, answer) = in_flight.await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("served by another kronuz server (b, http://b.nodes.test)"),
        "{answer}"
    );
    let stored: Vec<String> = sql(&url, "SELECT body FROM projects")
        .await
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored.iter().all(|p| !p.contains("from the paused owner")));
    let (status, list) = body(c.get(b.url("/api/v1/prj/list")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(common::names(&list), ["before", "on b"]);
    // A keeps refusing: the team is B's.
    let (status, _) = body(
        c.post(a.url("/api/v1/prj"))
            .json(&json!({"name": "again from a"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let lease_row = sql(&url, "SELECT node_id, epoch FROM leases").await;
    assert_eq!(lease_row.len(), 1);
    assert_eq!(
        (
            lease_row[0].get::<_, String>(0),
            lease_row[0].get::<_, i64>(1)
        ),
        ("b".to_string(), 2)
    );
}
