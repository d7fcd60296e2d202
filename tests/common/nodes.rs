//! `kronuz serve` nodes on one PostgreSQL as real processes, for the tests of several
//! nodes (`tests/postgres.rs`, `tests/cluster.rs`), and the SQL those tests read the
//! shared database with.

use super::fresh_postgres_schema;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// `kronuz` with none of the settings a developer's shell may carry.
pub fn kronuz() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kronuz"));
    cmd.env_remove("KRONUZ_LISTEN")
        .env_remove("KRONUZ_DATA_DIR")
        .env_remove("KRONUZ_DATABASE_URL")
        .env_remove("KRONUZ_NODE_ID")
        .env_remove("KRONUZ_TRUSTED_PROXY")
        .env("KRONUZ_LOG", "info");
    cmd
}

/// A `kronuz serve` process on one database, and the address it listens on.
pub struct Node {
    pub child: Child,
    pub addr: String,
}

impl Node {
    /// Starts a node and waits for its "ready" log line.
    pub fn start(url: &str, node_id: &str, lease_secs: u64) -> Node {
        Node::start_with(url, node_id, lease_secs, &[])
    }

    /// Starts a node with `extra` arguments and waits for its "ready" log line.
    pub fn start_with(url: &str, node_id: &str, lease_secs: u64, extra: &[&str]) -> Node {
        // The other nodes must know the address before it listens: a free port, chosen here.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = kronuz()
            .args(["serve", "--listen", &listen, "--database-url", url])
            .args(["--node-id", node_id])
            .args(["--lease-secs", &lease_secs.to_string()])
            .args(["--advertise-url", &format!("http://{listen}")])
            .args(extra)
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

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends the process a signal (`-STOP`, `-CONT`, `-KILL`).
    pub fn signal(&self, sig: &str) {
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

/// A fresh schema on the test cluster, or `None` (the test is skipped) without one.
pub async fn schema() -> Option<String> {
    let url = fresh_postgres_schema().await;
    if url.is_none() {
        eprintln!("skipped: KRONUZ_TEST_DATABASE_URL is not set");
    }
    url
}

/// Runs SQL on the test cluster (in the schema `url` names).
pub async fn sql(url: &str, statement: &str) -> Vec<postgres::Row> {
    let (url, statement) = (url.to_string(), statement.to_string());
    tokio::task::spawn_blocking(move || {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.query(&statement, &[]).unwrap()
    })
    .await
    .unwrap()
}

/// Ann signs up on `node` with the client `c`, opening a team of her own.
pub async fn sign_up_ann(c: &reqwest::Client, node: &Node) {
    let signup =
        serde_json::json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"});
    let resp = c
        .post(node.url("/api/v1/usr/signup"))
        .json(&signup)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::CREATED);
}

/// Creates a project named `name` through `node`, expecting it acknowledged.
pub async fn create_project(c: &reqwest::Client, node: &Node, name: &str) {
    let resp = c
        .post(node.url("/api/v1/prj"))
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::CREATED);
}
