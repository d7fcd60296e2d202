//! The measured phase: N keep-alive connections, each a closed loop (send, wait for the
//! whole response, send again), warm-up first, then a fixed duration or request count.
//!
//! Closed loop means latency is measured per request as the server answered it; a server
//! that stalls also slows the offered load (coordinated omission), which is why the table
//! shows throughput next to the percentiles.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::StatusCode;
use tokio::task::JoinSet;

use crate::client::{ClientError, Conn, RequestFactory, process_cpu_time};
use crate::metrics::{ServerMetrics, scrape};
use crate::scenario::{ConnPlan, Op, Rng};
use crate::setup::{HEALTH_PATH, PROJECT_LIST_PATH, PROJECTS_PATH};
use crate::stats::OpStats;
use crate::target::Target;

/// No run sends more measured requests than this, whatever its flags.
pub const HARD_MAX_REQUESTS: u64 = 200_000_000;

/// When the measured phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopRule {
    Duration(Duration),
    /// Total over all connections; the run also ends at `max_time`.
    Requests(u64),
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub stop: StopRule,
    pub warmup: Duration,
    /// Per request, connect included.
    pub timeout: Duration,
    /// Upper bound on the measured phase in `Requests` mode.
    pub max_time: Duration,
    pub seed: u64,
}

/// Paths of the operations, with the target's prefix applied.
#[derive(Debug, Clone)]
pub struct Paths {
    pub health: String,
    pub list: String,
    pub create: String,
    pub report: String,
}

impl Paths {
    pub fn new(target: &Target, report: &str) -> Self {
        Paths {
            health: target.path(HEALTH_PATH),
            list: target.path(PROJECT_LIST_PATH),
            create: target.path(PROJECTS_PATH),
            report: target.path(report),
        }
    }
}

/// One connection to run: its plan and the cookie of its team (none for `baseline`).
#[derive(Debug, Clone)]
pub struct ConnSpec {
    pub plan: ConnPlan,
    pub cookie: Option<String>,
}

#[derive(Debug)]
pub struct LoadResult {
    pub per_op: BTreeMap<Op, OpStats>,
    /// Requests sent during warm-up (not in the histograms) and how many failed.
    pub warmup_requests: u64,
    pub warmup_failures: u64,
    /// From the end of warm-up to the last measured response.
    pub elapsed: Duration,
    /// Connections opened after the first one of each worker: the server ended a
    /// keep-alive connection, or one was dropped after an error.
    pub reconnects: u64,
    /// The run stopped at `max_time` before reaching its request count.
    pub hit_time_cap: bool,
    /// CPU time the load generator used from warm-up to the end, and the wall time of
    /// that span: when CPU approaches wall time x CPUs, the client is the bottleneck.
    pub client_cpu: Option<Duration>,
    pub client_wall: Duration,
    /// Connection tasks that panicked: their requests are missing from the counts.
    pub lost_connections: u64,
    /// The server's counters over the measured phase, when it serves `GET /metrics`.
    pub server_metrics: Option<ServerMetrics>,
}

struct WorkerResult {
    per_op: BTreeMap<Op, OpStats>,
    warmup_requests: u64,
    warmup_failures: u64,
    last_done: Option<Instant>,
    reconnects: u64,
    hit_time_cap: bool,
}

/// Opens every connection, then runs them all until the stop rule says so.
pub async fn run(
    target: Arc<Target>,
    specs: Vec<ConnSpec>,
    paths: Arc<Paths>,
    cfg: &LoadConfig,
) -> Result<LoadResult, ClientError> {
    let mut conns = Vec::with_capacity(specs.len());
    let mut connecting = JoinSet::new();
    for i in 0..specs.len() {
        let (target, timeout) = (target.clone(), cfg.timeout);
        connecting.spawn(async move { (i, Conn::connect(&target, timeout).await) });
    }
    while let Some(joined) = connecting.join_next().await {
        if let Ok((i, conn)) = joined {
            conns.push((i, conn?));
        }
    }
    conns.sort_by_key(|(i, _)| *i);

    let cpu_before = process_cpu_time();
    let counter = Arc::new(AtomicU64::new(0));
    let limit = match cfg.stop {
        StopRule::Requests(n) => n.min(HARD_MAX_REQUESTS),
        StopRule::Duration(_) => HARD_MAX_REQUESTS,
    };
    let start = Instant::now();
    let measure_start = start + cfg.warmup;
    let measure_end = match cfg.stop {
        StopRule::Duration(d) => measure_start + d,
        StopRule::Requests(_) => measure_start + cfg.max_time,
    };

    // The server's counters when measuring starts; read again when it ends.
    let first_scrape = {
        let (target, timeout) = (target.clone(), cfg.timeout);
        tokio::spawn(async move {
            tokio::time::sleep_until(measure_start.into()).await;
            scrape(&target, timeout).await
        })
    };

    let mut workers = JoinSet::new();
    for ((index, conn), spec) in conns.into_iter().zip(specs) {
        let worker = Worker {
            index,
            target: target.clone(),
            factory: RequestFactory::new(&target, spec.cookie.as_deref())?,
            plan: spec.plan,
            paths: paths.clone(),
            rng: Rng::new(cfg.seed ^ (index as u64).wrapping_mul(0x9E37_79B9)),
            timeout: cfg.timeout,
            measure_start,
            measure_end,
            counter: counter.clone(),
            limit,
        };
        workers.spawn(worker.run(conn));
    }

    let mut per_op: BTreeMap<Op, OpStats> = BTreeMap::new();
    let (mut warmup_requests, mut warmup_failures, mut reconnects) = (0, 0, 0);
    let mut last_done: Option<Instant> = None;
    let mut hit_time_cap = false;
    let mut lost_connections = 0;
    while let Some(joined) = workers.join_next().await {
        let Ok(w) = joined else {
            lost_connections += 1;
            continue;
        };
        for (op, stats) in &w.per_op {
            per_op.entry(*op).or_default().merge(stats);
        }
        warmup_requests += w.warmup_requests;
        warmup_failures += w.warmup_failures;
        reconnects += w.reconnects;
        hit_time_cap |= w.hit_time_cap;
        last_done = last_done.max(w.last_done);
    }
    let elapsed = match last_done {
        Some(t) if t > measure_start => t - measure_start,
        _ => measure_end.saturating_duration_since(measure_start),
    };
    let server_metrics = match first_scrape.await {
        Ok(Some((t0, before))) => scrape(&target, cfg.timeout)
            .await
            .map(|(t1, after)| ServerMetrics::between(&before, &after, t1 - t0)),
        _ => None,
    };
    let client_cpu = match (cpu_before, process_cpu_time()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    Ok(LoadResult {
        per_op,
        warmup_requests,
        warmup_failures,
        elapsed,
        reconnects,
        hit_time_cap,
        client_cpu,
        client_wall: start.elapsed(),
        lost_connections,
        server_metrics,
    })
}

struct Worker {
    index: usize,
    target: Arc<Target>,
    factory: RequestFactory,
    plan: ConnPlan,
    paths: Arc<Paths>,
    rng: Rng,
    timeout: Duration,
    measure_start: Instant,
    measure_end: Instant,
    counter: Arc<AtomicU64>,
    limit: u64,
}

impl Worker {
    fn request(
        &self,
        op: Op,
        seq: u64,
    ) -> Result<hyper::Request<http_body_util::Full<Bytes>>, ClientError> {
        match op {
            Op::Health => self.factory.get(&self.paths.health),
            Op::ListProjects => self.factory.get(&self.paths.list),
            Op::Report => self.factory.get(&self.paths.report),
            Op::CreateProject => {
                let body = format!("{{\"name\":\"lg c{} n{}\"}}", self.index, seq);
                self.factory
                    .post_json(&self.paths.create, Bytes::from(body))
            }
        }
    }

    async fn run(mut self, first: Conn) -> WorkerResult {
        let mut out = WorkerResult {
            per_op: BTreeMap::new(),
            warmup_requests: 0,
            warmup_failures: 0,
            last_done: None,
            reconnects: 0,
            hit_time_cap: false,
        };
        let mut conn = Some(first);
        let mut seq: u64 = 0;
        // Bounded in time (measure_end) and in count (limit on the shared counter).
        loop {
            let now = Instant::now();
            if now >= self.measure_end {
                out.hit_time_cap = self.limit < HARD_MAX_REQUESTS
                    && self.counter.load(Ordering::Relaxed) < self.limit;
                break;
            }
            let measuring = now >= self.measure_start;
            if measuring && self.counter.fetch_add(1, Ordering::Relaxed) >= self.limit {
                break;
            }
            let op = self.plan.workload.next_op(&mut self.rng);
            seq += 1;
            let sent = Instant::now();
            match self.exchange(&mut conn, op, seq, &mut out).await {
                Ok((status, body_len)) => {
                    let done = Instant::now();
                    if measuring {
                        let stats = out.per_op.entry(op).or_default();
                        stats.record_response(status.as_u16(), done - sent);
                        stats.record_body_bytes(body_len);
                        out.last_done = Some(done);
                    } else {
                        out.warmup_requests += 1;
                        if !status.is_success() {
                            out.warmup_failures += 1;
                        }
                    }
                }
                Err(e) => {
                    if measuring {
                        out.per_op.entry(op).or_default().record_error(e.kind());
                        out.last_done = Some(Instant::now());
                    } else {
                        out.warmup_requests += 1;
                        out.warmup_failures += 1;
                    }
                    if matches!(e, ClientError::Connect(_) | ClientError::Handshake(_)) {
                        // Back off a little; the loop's deadline still bounds this.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
        }
        out
    }

    /// One request and its whole response. A connection the server closed between two
    /// requests (keep-alive ended) is replaced once without counting an error; after any
    /// other failure the connection is dropped, as its state is unknown.
    async fn exchange(
        &self,
        conn: &mut Option<Conn>,
        op: Op,
        seq: u64,
        out: &mut WorkerResult,
    ) -> Result<(StatusCode, usize), ClientError> {
        for attempt in 0..2 {
            let c = match conn {
                Some(c) if !c.is_closed() => c,
                _ => {
                    out.reconnects += 1;
                    conn.insert(Conn::connect(&self.target, self.timeout).await?)
                }
            };
            let req = self.request(op, seq)?;
            match c.send(req, self.timeout).await {
                Ok(resp) => {
                    if resp.closes_connection() {
                        *conn = None;
                    }
                    return Ok((resp.status, resp.body.len()));
                }
                Err(ClientError::Closed) if attempt == 0 => *conn = None,
                Err(e) => {
                    *conn = None;
                    return Err(e);
                }
            }
        }
        Err(ClientError::Closed)
    }
}
