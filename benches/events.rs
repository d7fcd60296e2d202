//! Live events at 1,000 connected clients: how long a committed change takes to reach
//! every subscriber, and what each open stream costs the server in memory.
//!
//!     cargo build --release --bin kronuz && cargo bench --bench events
//!
//! Starts `target/release/kronuz` (or `KRONUZ_BIN`) on a temp data dir on loopback,
//! opens `KRONUZ_BENCH_CLIENTS` (default 1,000) event streams for one team, then makes
//! `KRONUZ_BENCH_WRITES` (default 200) changes, one every 20 ms, and records when each
//! stream receives each change. Bounded: about 15 s; it stops the server at the end.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn start() -> Server {
    let bin = std::env::var("KRONUZ_BIN").unwrap_or_else(|_| "target/release/kronuz".into());
    let dir = tempfile::tempdir().expect("a temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&bin)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .env("KRONUZ_LOG", "warn")
        .env("KRONUZ_MAX_CONNECTIONS_PER_IP", "100000")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin}: {e} (build it with cargo build --release)")
        });
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    for _ in 0..200 {
        if probe
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Server {
                child,
                base,
                _dir: dir,
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not become ready");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Reads one stream, recording when each change (by record id) arrived.
async fn subscribe(
    mut resp: reqwest::Response,
    received: Arc<Mutex<Vec<(String, Instant)>>>,
    ready: Arc<AtomicUsize>,
) {
    let mut buf = String::new();
    let mut mine = Vec::new();
    let mut hello = false;
    while let Ok(Some(chunk)) = resp.chunk().await {
        let at = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.contains("event: hello") && !hello {
                hello = true;
                ready.fetch_add(1, Ordering::SeqCst);
            }
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: "))
                && block.contains("event: change")
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(data)
                && let Some(id) = v["changes"][0]["id"].as_str()
            {
                mine.push((id.to_string(), at));
            }
        }
        if mine.len() >= env_usize("KRONUZ_BENCH_WRITES", 200) {
            break;
        }
    }
    received.lock().await.extend(mine);
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let clients = env_usize("KRONUZ_BENCH_CLIENTS", 1000);
        let writes = env_usize("KRONUZ_BENCH_WRITES", 200);
        let server = start().await;
        let pid = server.child.id();
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(clients + 8)
            .build()
            .expect("a client");
        let signup = http
            .post(format!("{}/api/v1/usr/signup", server.base))
            .json(&serde_json::json!({"email": "bench@example.com", "password": "correct horse", "name": "Bench"}))
            .send()
            .await
            .expect("signup");
        assert!(signup.status().is_success());
        // Warm up the paths a stream takes, then take the baseline.
        drop(http.get(format!("{}/api/v1/events", server.base)).send().await);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rss_before = rss_kib(pid);

        let received = Arc::new(Mutex::new(Vec::new()));
        let ready = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::with_capacity(clients);
        for _ in 0..clients {
            let resp = http
                .get(format!("{}/api/v1/events", server.base))
                .send()
                .await
                .expect("an event stream");
            assert!(resp.status().is_success(), "{}", resp.status());
            tasks.push(tokio::spawn(subscribe(resp, received.clone(), ready.clone())));
        }
        while ready.load(Ordering::SeqCst) < clients {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rss_after = rss_kib(pid);

        let mut sent: HashMap<String, (Instant, Instant)> = HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for i in 0..writes {
            tick.tick().await;
            let t0 = Instant::now();
            let resp = http
                .post(format!("{}/api/v1/clients", server.base))
                .json(&serde_json::json!({"name": format!("Client {i}")}))
                .send()
                .await
                .expect("a write");
            let t1 = Instant::now();
            let body: serde_json::Value = resp.json().await.expect("a record");
            sent.insert(body["id"].as_str().unwrap_or_default().to_string(), (t0, t1));
        }
        for t in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        let received = received.lock().await;
        let mut from_request = Vec::new();
        let mut from_ack = Vec::new();
        for (id, at) in received.iter() {
            if let Some((t0, t1)) = sent.get(id) {
                from_request.push(at.duration_since(*t0).as_secs_f64() * 1e3);
                from_ack.push(at.saturating_duration_since(*t1).as_secs_f64() * 1e3);
            }
        }
        let mut commit: Vec<f64> = sent
            .values()
            .map(|(t0, t1)| t1.duration_since(*t0).as_secs_f64() * 1e3)
            .collect();
        for v in [&mut from_request, &mut from_ack, &mut commit] {
            v.sort_by(|a, b| a.total_cmp(b));
        }
        println!("live events: {clients} connected clients, {writes} changes (one every 20 ms)");
        println!(
            "  delivered: {} of {} (change x subscriber)",
            from_request.len(),
            clients * writes
        );
        println!(
            "  write request -> subscriber: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&from_request, 0.5),
            percentile(&from_request, 0.99),
            percentile(&from_request, 1.0)
        );
        println!(
            "  write acknowledged (committed) -> subscriber: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&from_ack, 0.5),
            percentile(&from_ack, 0.99),
            percentile(&from_ack, 1.0)
        );
        println!(
            "  the write itself (request -> 201, incl. fsync): p50 {:.1} ms, p99 {:.1} ms",
            percentile(&commit, 0.5),
            percentile(&commit, 0.99)
        );
        println!(
            "  server memory: {} KiB before, {} KiB with {clients} streams open: {:.1} KiB per client",
            rss_before,
            rss_after,
            (rss_after.saturating_sub(rss_before)) as f64 / clients as f64
        );
        drop(server);
    });
}
