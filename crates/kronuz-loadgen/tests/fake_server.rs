//! The load generator against a small in-process stand-in for the kronuz API: setup,
//! the measured loop and the binary end to end, without needing the real server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use kronuz_loadgen::dates::Date;
use kronuz_loadgen::load::{self, ConnSpec, LoadConfig, Paths, StopRule};
use kronuz_loadgen::scenario::{Op, PlanConfig, Scenario};
use kronuz_loadgen::setup::{self, SetupConfig};
use kronuz_loadgen::target::{Target, parse_target};

#[derive(Default)]
struct Options {
    /// Send `Connection: close` on every Nth response.
    close_every: Option<u64>,
    /// Answer the project list with this status instead of 200.
    list_status: Option<u16>,
    /// No utilisation report route (404), like a server from before the reports.
    no_reports: bool,
    /// Serve `GET /metrics` with a message counter.
    metrics: bool,
}

#[derive(Default)]
struct Fake {
    opts: Options,
    responses: AtomicU64,
    hits: Mutex<HashMap<String, u64>>,
    sessions: Mutex<Vec<String>>,
    people: Mutex<Vec<String>>,
    bad_allocations: AtomicU64,
}

impl Fake {
    fn hit(&self, what: &str) -> u64 {
        let mut hits = self.hits.lock().unwrap();
        let n = hits.entry(what.to_owned()).or_default();
        *n += 1;
        *n
    }
    fn hits(&self, what: &str) -> u64 {
        self.hits.lock().unwrap().get(what).copied().unwrap_or(0)
    }
}

fn json_response(status: u16, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

async fn handle(
    fake: Arc<Fake>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let cookie = parts
        .headers
        .get(COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let session = cookie
        .split("; ")
        .find_map(|c| c.strip_prefix("session="))
        .map(str::to_owned);
    let authed = session
        .as_ref()
        .is_some_and(|s| fake.sessions.lock().unwrap().contains(s))
        && cookie.contains("usrid=");
    let is_json = parts
        .headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| v == "application/json");
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);

    let mut resp = match (parts.method.clone(), parts.uri.path()) {
        (Method::GET, "/healthz") => {
            fake.hit("healthz");
            json_response(200, json!({"status": "ok"}))
        }
        (Method::POST, "/api/v1/usr/signup") => {
            let n = fake.hit("signup");
            assert!(is_json);
            assert!(input["email"].as_str().unwrap().contains('@'));
            let token = format!("tok{n}");
            fake.sessions.lock().unwrap().push(token.clone());
            let mut r = json_response(
                201,
                json!({"id": n.to_string(), "email": input["email"], "name": input["name"]}),
            );
            r.headers_mut().append(
                SET_COOKIE,
                format!("usrid={n}; HttpOnly; SameSite=Lax; Path=/")
                    .parse()
                    .unwrap(),
            );
            r.headers_mut().append(
                SET_COOKIE,
                format!("session={token}; HttpOnly; SameSite=Lax; Path=/")
                    .parse()
                    .unwrap(),
            );
            r
        }
        (Method::GET, "/metrics") if fake.opts.metrics => {
            let n = fake.responses.load(Ordering::Relaxed);
            let text = format!(
                "# TYPE kronuz_actor_messages_total counter\nkronuz_actor_messages_total {n}\n\
                 kronuz_actor_busy_seconds_total {}\n",
                n as f64 * 1e-6
            );
            Response::new(Full::new(Bytes::from(text)))
        }
        _ if !authed => json_response(401, json!({"error": "not signed in"})),
        (Method::GET, "/api/v1/prj/list") => {
            fake.hit("list");
            match fake.opts.list_status {
                Some(s) => json_response(s, json!({"error": "overloaded"})),
                None => json_response(200, json!([{"id": "1", "name": "Project 0000"}])),
            }
        }
        (Method::POST, "/api/v1/prj") => {
            let n = fake.hit("create_project");
            assert!(is_json && input["name"].is_string());
            json_response(201, json!({"id": format!("prj{n}"), "name": input["name"]}))
        }
        (Method::POST, "/api/v1/people") => {
            let n = fake.hit("people");
            let id = format!("person{n}");
            fake.people.lock().unwrap().push(id.clone());
            json_response(201, json!({"id": id, "name": input["name"]}))
        }
        (Method::POST, "/api/v1/allocations") => {
            let n = fake.hit("allocations");
            let person = input["person_id"].as_str().unwrap_or("").to_owned();
            let ok = fake.people.lock().unwrap().contains(&person)
                && input["project_id"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("prj"))
                && input["hours_per_day"]
                    .as_f64()
                    .is_some_and(|h| h > 0.0 && h <= 24.0);
            if !ok {
                fake.bad_allocations.fetch_add(1, Ordering::Relaxed);
                json_response(422, json!({"error": "bad allocation"}))
            } else {
                json_response(201, json!({"id": format!("alloc{n}")}))
            }
        }
        (Method::GET, "/api/v1/reports/utilisation") if !fake.opts.no_reports => {
            fake.hit("report");
            assert!(parts.uri.query().unwrap().contains("interval=week"));
            json_response(200, json!({"people": [], "totals": {}}))
        }
        _ => json_response(404, json!({"error": "no such route"})),
    };
    let n = fake.responses.fetch_add(1, Ordering::Relaxed) + 1;
    if fake
        .opts
        .close_every
        .is_some_and(|every| n.is_multiple_of(every))
    {
        resp.headers_mut()
            .insert(CONNECTION, "close".parse().unwrap());
    }
    Ok(resp)
}

async fn start(opts: Options) -> (Arc<Target>, Arc<Fake>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let fake = Arc::new(Fake {
        opts,
        ..Fake::default()
    });
    let server_fake = fake.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let fake = server_fake.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handle(fake.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let target = parse_target(&format!("http://{addr}")).unwrap();
    (Arc::new(target), fake)
}

fn setup_cfg(scenario: Scenario, teams: usize) -> SetupConfig {
    SetupConfig {
        scenario,
        teams,
        projects: 50,
        people: 10,
        allocations: 40,
        report_from: Date::parse("2025-01-01").unwrap(),
        report_to: Date::parse("2025-12-31").unwrap(),
        concurrency: 4,
        timeout: Duration::from_secs(5),
        nonce: 0x1234,
    }
}

async fn run_scenario(
    target: &Arc<Target>,
    plan: PlanConfig,
    requests: u64,
) -> (setup::Setup, load::LoadResult) {
    plan.validate().unwrap();
    let s = setup::run(target.clone(), &setup_cfg(plan.scenario, plan.teams))
        .await
        .unwrap();
    let specs = (0..plan.connections)
        .map(|i| {
            let p = plan.plan(i);
            ConnSpec {
                plan: p,
                cookie: s.teams.get(p.team).map(|t| t.cookie.clone()),
            }
        })
        .collect();
    let cfg = LoadConfig {
        stop: StopRule::Requests(requests),
        warmup: Duration::ZERO,
        timeout: Duration::from_secs(5),
        max_time: Duration::from_secs(30),
        seed: 99,
    };
    let paths = Arc::new(Paths::new(
        target,
        &setup::report_path(
            Date::parse("2025-01-01").unwrap(),
            Date::parse("2025-12-31").unwrap(),
        ),
    ));
    let result = load::run(target.clone(), specs, paths, &cfg).await.unwrap();
    (s, result)
}

fn plan(scenario: Scenario, connections: usize, teams: usize) -> PlanConfig {
    PlanConfig {
        scenario,
        connections,
        teams,
        read_percent: 90,
        report_connections: 1,
    }
}

#[tokio::test]
async fn read_run_sets_up_50_projects_and_sends_exactly_the_requests_asked() {
    let (target, fake) = start(Options::default()).await;
    let (s, r) = run_scenario(&target, plan(Scenario::Read, 4, 1), 500).await;
    assert_eq!(fake.hits("signup"), 1);
    assert_eq!(fake.hits("create_project"), 50);
    assert_eq!(s.teams[0].project_ids.len(), 50);
    let read = &r.per_op[&Op::ListProjects];
    assert_eq!(read.ok, 500);
    assert!(read.is_clean());
    assert_eq!(fake.hits("list"), 500);
    assert_eq!(read.latency.len(), 500);
    assert!(!r.hit_time_cap);
    assert!(r.server_metrics.is_none(), "this server has no /metrics");
}

#[tokio::test]
async fn server_metrics_are_read_around_the_measured_phase() {
    let (target, _fake) = start(Options {
        metrics: true,
        ..Options::default()
    })
    .await;
    let (_, r) = run_scenario(&target, plan(Scenario::Read, 2, 1), 300).await;
    let m = r.server_metrics.expect("metrics scraped");
    let rate = m.actor_messages_per_s.unwrap();
    assert!(rate > 0.0, "{m:?}");
    assert!(m.actor_busy_share.unwrap() > 0.0);
}

#[tokio::test]
async fn mixed_run_uses_every_team_and_about_a_tenth_writes() {
    let (target, fake) = start(Options::default()).await;
    let (s, r) = run_scenario(&target, plan(Scenario::Mixed, 6, 3), 2000).await;
    assert_eq!(s.teams.len(), 3);
    let cookies: std::collections::BTreeSet<_> = s.teams.iter().map(|t| &t.cookie).collect();
    assert_eq!(cookies.len(), 3, "one session per team");
    let reads = r.per_op[&Op::ListProjects].ok;
    let writes = r.per_op[&Op::CreateProject].ok;
    assert_eq!(reads + writes, 2000);
    assert!((100..=300).contains(&writes), "writes {writes}");
    assert_eq!(fake.hits("create_project"), 150 + writes);
}

#[tokio::test]
async fn report_run_creates_people_and_allocations_and_measures_both_ops() {
    let (target, fake) = start(Options::default()).await;
    let (s, r) = run_scenario(&target, plan(Scenario::Report, 4, 1), 400).await;
    assert_eq!(s.people, 10);
    assert_eq!(s.allocations, 40);
    assert_eq!(fake.hits("people"), 10);
    assert_eq!(fake.hits("allocations"), 40);
    assert_eq!(fake.bad_allocations.load(Ordering::Relaxed), 0);
    let reports = r.per_op[&Op::Report].ok;
    let reads = r.per_op[&Op::ListProjects].ok;
    assert!(reports > 0 && reads > 0);
    assert_eq!(reports + reads, 400);
    assert_eq!(
        fake.hits("report"),
        reports + 1,
        "one report probed during setup"
    );
}

#[tokio::test]
async fn report_setup_fails_clearly_when_the_server_has_no_report() {
    let (target, _fake) = start(Options {
        no_reports: true,
        ..Options::default()
    })
    .await;
    let err = setup::run(target.clone(), &setup_cfg(Scenario::Report, 1))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("utilisation report") && err.contains("404"),
        "{err}"
    );
}

#[tokio::test]
async fn server_ending_keep_alive_connections_is_not_an_error() {
    let (target, _fake) = start(Options {
        close_every: Some(3),
        ..Options::default()
    })
    .await;
    let (_, r) = run_scenario(&target, plan(Scenario::Read, 2, 1), 300).await;
    let read = &r.per_op[&Op::ListProjects];
    assert_eq!(read.ok, 300, "{:?}", read.error_kinds);
    assert_eq!(read.errors, 0);
    assert!(r.reconnects > 0);
}

#[tokio::test]
async fn non_2xx_responses_are_counted_by_status() {
    let (target, _fake) = start(Options {
        list_status: Some(503),
        ..Options::default()
    })
    .await;
    let (_, r) = run_scenario(&target, plan(Scenario::Read, 2, 1), 100).await;
    let read = &r.per_op[&Op::ListProjects];
    assert_eq!(read.non_2xx, 100);
    assert_eq!(read.statuses[&503], 100);
    assert!(!read.is_clean());
}

#[tokio::test]
async fn setup_failure_names_the_request_and_status() {
    let (target, _fake) = start(Options::default()).await;
    // Posting projects without a session is refused by the server: setup must say so.
    let err = setup::send_all(
        target.clone(),
        None,
        vec![setup::project_call(0)],
        1,
        Duration::from_secs(5),
        "projects",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("401") && err.contains("/api/v1/prj"), "{err}");
}

fn loadgen() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_kronuz-loadgen"))
}

#[test]
fn binary_refuses_a_non_loopback_target_before_sending_anything() {
    let out = loadgen()
        .args(["--url", "http://192.0.2.1:8080", "-n", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_runs_a_scenario_and_writes_json() {
    let (target, fake) = start(Options::default()).await;
    let json_path =
        std::env::temp_dir().join(format!("kronuz-loadgen-test-{}.json", std::process::id()));
    let url = format!("http://{}", target.addr);
    let path = json_path.clone();
    let out = tokio::task::spawn_blocking(move || {
        loadgen()
            .args([
                "--url", &url, "-s", "write", "-c", "3", "-n", "120", "--warmup", "0s",
            ])
            .arg("--json")
            .arg(&path)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("write"), "{stdout}");
    let v: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json_path);
    assert_eq!(v["params"]["scenario"], "write");
    assert_eq!(v["ops"]["write"]["ok"], 120);
    assert_eq!(v["clean"], true);
    assert_eq!(fake.hits("create_project"), 120);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_exits_2_and_says_so_when_requests_fail() {
    let (target, _fake) = start(Options {
        list_status: Some(503),
        ..Options::default()
    })
    .await;
    let url = format!("http://{}", target.addr);
    let out = tokio::task::spawn_blocking(move || {
        loadgen()
            .args([
                "--url",
                &url,
                "-c",
                "2",
                "-n",
                "50",
                "--warmup",
                "0s",
                "--projects",
                "2",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("NOT CLEAN") && stdout.contains("503: 50"),
        "{stdout}"
    );
}
