//! Creating through the public API what a scenario needs: one fresh user (and so one team)
//! per team with its cookies, projects, and for `report` people and allocations.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::client::{ClientError, Conn, RequestFactory, Response};
use crate::cookies::CookieJar;
use crate::dates::Date;
use crate::scenario::{Rng, Scenario};
use crate::target::Target;

/// One API request of the setup phase.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
}

impl ApiCall {
    fn post(path: &str, body: Value) -> Self {
        ApiCall {
            method: Method::POST,
            path: path.to_owned(),
            body: Some(body),
        }
    }
}

pub const SIGNUP_PATH: &str = "/api/v1/usr/signup";
pub const PROJECTS_PATH: &str = "/api/v1/prj";
pub const PROJECT_LIST_PATH: &str = "/api/v1/prj/list";
pub const PEOPLE_PATH: &str = "/api/v1/people";
pub const ALLOCATIONS_PATH: &str = "/api/v1/allocations";
pub const HEALTH_PATH: &str = "/healthz";

/// A fresh address per run and team, so runs never collide on an existing account.
pub fn unique_email(nonce: u64, team: usize) -> String {
    format!("loadgen-{nonce:016x}-t{team}@example.com")
}

/// The signup of team `team`'s owner; the password is derived from the random nonce.
pub fn signup_call(nonce: u64, team: usize) -> ApiCall {
    ApiCall::post(
        SIGNUP_PATH,
        json!({
            "email": unique_email(nonce, team),
            "password": format!("lg-{:016x}-pw", nonce.rotate_left(17) ^ team as u64),
            "name": format!("Loadgen team {team}"),
        }),
    )
}

pub fn project_call(index: usize) -> ApiCall {
    ApiCall::post(
        PROJECTS_PATH,
        json!({ "name": format!("Project {index:04}") }),
    )
}

pub fn person_call(index: usize) -> ApiCall {
    ApiCall::post(PEOPLE_PATH, json!({ "name": format!("Person {index:05}") }))
}

/// Allocation `index`: people round-robin, projects in turn, a start anywhere in
/// `[from, to]`, 1 to 60 days long (clipped to `to`), 2 to 8 hours a day, so that some
/// people end up overbooked. Deterministic for a given index.
pub fn allocation_call(
    index: usize,
    people: &[String],
    projects: &[String],
    from: Date,
    to: Date,
) -> Option<ApiCall> {
    if people.is_empty() || projects.is_empty() || to < from {
        return None;
    }
    let span = from.days_until(to) as u64 + 1;
    let mut rng = Rng::new(index as u64);
    let start = from.add_days(rng.below(span) as i64);
    let len = rng.below(span.min(60)) as i64;
    let end = start.add_days(len).min(to);
    let hours = [2.0, 4.0, 6.0, 8.0][rng.below(4) as usize];
    let person = &people[index % people.len()];
    let project = &projects[(index / people.len()) % projects.len()];
    Some(ApiCall::post(
        ALLOCATIONS_PATH,
        json!({
            "project_id": project,
            "person_id": person,
            "start": start.to_string(),
            "end": end.to_string(),
            "hours_per_day": hours,
        }),
    ))
}

/// The report the `report` scenario measures.
pub fn report_path(from: Date, to: Date) -> String {
    format!("/api/v1/reports/utilisation?from={from}&to={to}&interval=week")
}

/// The id of a created object: a string, or a number printed as one.
pub fn id_of(created: &Value) -> Option<String> {
    match created.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("setup ({what}): {source}")]
    Client {
        what: String,
        #[source]
        source: ClientError,
    },
    #[error("setup ({what}): {method} {path} answered {status}: {body}")]
    Status {
        what: String,
        method: Method,
        path: String,
        status: StatusCode,
        body: String,
    },
    #[error("setup ({what}): {detail}")]
    BadResponse { what: String, detail: String },
}

/// What setup creates.
#[derive(Debug, Clone)]
pub struct SetupConfig {
    pub scenario: Scenario,
    pub teams: usize,
    pub projects: usize,
    pub people: usize,
    pub allocations: usize,
    pub report_from: Date,
    pub report_to: Date,
    /// Connections used in parallel for setup requests.
    pub concurrency: usize,
    pub timeout: Duration,
    /// Random per run: makes the emails unique.
    pub nonce: u64,
}

/// A signed-up team: its owner's cookies and the projects created for it.
#[derive(Debug, Clone)]
pub struct TeamSession {
    pub email: String,
    /// The `Cookie` header (`session=...; usrid=...`).
    pub cookie: String,
    pub project_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Setup {
    pub teams: Vec<TeamSession>,
    pub people: usize,
    pub allocations: usize,
    pub elapsed: Duration,
}

fn client_err(what: &str) -> impl FnOnce(ClientError) -> SetupError + '_ {
    move |source| SetupError::Client {
        what: what.to_owned(),
        source,
    }
}

fn body_text(body: &Bytes) -> String {
    let text = String::from_utf8_lossy(body);
    let mut text: String = text.chars().take(300).collect();
    if text.is_empty() {
        text.push_str("(empty body)");
    }
    text
}

async fn send_call(
    conn: &mut Conn,
    factory: &RequestFactory,
    call: &ApiCall,
    timeout: Duration,
    what: &str,
) -> Result<Response, SetupError> {
    let json = call.body.as_ref().map(|v| Bytes::from(v.to_string()));
    let req = factory
        .build(call.method.clone(), &call.path, json)
        .map_err(client_err(what))?;
    let resp = conn.send(req, timeout).await.map_err(client_err(what))?;
    if !resp.status.is_success() {
        return Err(SetupError::Status {
            what: what.to_owned(),
            method: call.method.clone(),
            path: call.path.clone(),
            status: resp.status,
            body: body_text(&resp.body),
        });
    }
    Ok(resp)
}

/// `GET /healthz` must answer 2xx before anything else is tried.
pub async fn check_health(target: &Target, timeout: Duration) -> Result<(), SetupError> {
    let what = "health check";
    let mut conn = Conn::connect(target, timeout)
        .await
        .map_err(client_err(what))?;
    let factory = RequestFactory::new(target, None).map_err(client_err(what))?;
    let call = ApiCall {
        method: Method::GET,
        path: target.path(HEALTH_PATH),
        body: None,
    };
    send_call(&mut conn, &factory, &call, timeout, what).await?;
    Ok(())
}

async fn signup(
    target: Arc<Target>,
    nonce: u64,
    team: usize,
    timeout: Duration,
) -> Result<TeamSession, SetupError> {
    let what = format!("signup of team {team}");
    let mut call = signup_call(nonce, team);
    call.path = target.path(&call.path);
    let mut conn = Conn::connect(&target, timeout)
        .await
        .map_err(client_err(&what))?;
    let factory = RequestFactory::new(&target, None).map_err(client_err(&what))?;
    let resp = send_call(&mut conn, &factory, &call, timeout, &what).await?;
    let mut jar = CookieJar::default();
    jar.store_from_headers(&resp.headers);
    if jar.get("session").is_none() || jar.get("usrid").is_none() {
        return Err(SetupError::BadResponse {
            what,
            detail: "signup set no `session`/`usrid` cookies".into(),
        });
    }
    Ok(TeamSession {
        email: unique_email(nonce, team),
        cookie: jar.header_value().unwrap_or_default(),
        project_ids: Vec::new(),
    })
}

/// Sends every call (in any order) over up to `concurrency` connections with one identity,
/// and returns the response bodies in the order of `calls`. Stops at the first failure.
pub async fn send_all(
    target: Arc<Target>,
    cookie: Option<String>,
    calls: Vec<ApiCall>,
    concurrency: usize,
    timeout: Duration,
    what: &str,
) -> Result<Vec<Value>, SetupError> {
    let factory = RequestFactory::new(&target, cookie.as_deref()).map_err(client_err(what))?;
    let calls: Arc<Vec<ApiCall>> = Arc::new(
        calls
            .into_iter()
            .map(|mut c| {
                c.path = target.path(&c.path);
                c
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let workers = concurrency.clamp(1, calls.len().max(1));
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let (target, factory, calls, next, failed) = (
            target.clone(),
            factory.clone(),
            calls.clone(),
            next.clone(),
            failed.clone(),
        );
        let what = what.to_owned();
        tasks.spawn(async move {
            let mut done: Vec<(usize, Value)> = Vec::new();
            let mut conn: Option<Conn> = None;
            // Bounded: each index is taken once, and there are calls.len() of them.
            loop {
                if failed.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(call) = calls.get(i) else { break };
                let mut attempt = 0;
                let resp = loop {
                    let mut c = match conn.take() {
                        Some(c) if !c.is_closed() => c,
                        _ => match Conn::connect(&target, timeout).await {
                            Ok(c) => c,
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                return Err(client_err(&what)(e));
                            }
                        },
                    };
                    match send_call(&mut c, &factory, call, timeout, &what).await {
                        // The server ended the keep-alive connection: one retry on a new one.
                        Err(SetupError::Client {
                            source: ClientError::Closed,
                            ..
                        }) if attempt == 0 => attempt += 1,
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                        Ok(r) => {
                            if !r.closes_connection() {
                                conn = Some(c);
                            }
                            break r;
                        }
                    }
                };
                let value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
                done.push((i, value));
            }
            Ok::<_, SetupError>(done)
        });
    }
    let mut results = vec![Value::Null; calls.len()];
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(done)) => {
                for (i, v) in done {
                    results[i] = v;
                }
            }
            Ok(Err(e)) => {
                failed.store(true, Ordering::Relaxed);
                first_error.get_or_insert(e);
            }
            Err(join) => {
                first_error.get_or_insert(SetupError::BadResponse {
                    what: what.to_owned(),
                    detail: format!("setup task failed: {join}"),
                });
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

fn ids(what: &str, created: &[Value]) -> Result<Vec<String>, SetupError> {
    created
        .iter()
        .map(|v| {
            id_of(v).ok_or_else(|| SetupError::BadResponse {
                what: what.to_owned(),
                detail: format!("created object has no \"id\": {v}"),
            })
        })
        .collect()
}

/// Runs the whole setup for `cfg.scenario`, printing progress on stderr.
pub async fn run(target: Arc<Target>, cfg: &SetupConfig) -> Result<Setup, SetupError> {
    let started = Instant::now();
    let mut teams = Vec::with_capacity(cfg.teams);
    if cfg.teams > 0 {
        let mut signups = JoinSet::new();
        for team in 0..cfg.teams {
            let target = target.clone();
            let (nonce, timeout) = (cfg.nonce, cfg.timeout);
            signups.spawn(async move { (team, signup(target, nonce, team, timeout).await) });
            // Signups hash a password each: keep at most `concurrency` in flight.
            while signups.len() >= cfg.concurrency.max(1) {
                if let Some(joined) = signups.join_next().await {
                    teams.push(joined_team(joined)?);
                }
            }
        }
        while let Some(joined) = signups.join_next().await {
            teams.push(joined_team(joined)?);
        }
        teams.sort_by_key(|(i, _)| *i);
        eprintln!(
            "setup: signed up {} team(s) in {:.2} s",
            teams.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let mut teams: Vec<TeamSession> = teams.into_iter().map(|(_, t)| t).collect();

    if cfg.scenario.needs_projects() && cfg.projects > 0 {
        let t = Instant::now();
        for (i, team) in teams.iter_mut().enumerate() {
            let what = format!("projects of team {i}");
            let calls = (0..cfg.projects).map(project_call).collect();
            let created = send_all(
                target.clone(),
                Some(team.cookie.clone()),
                calls,
                cfg.concurrency,
                cfg.timeout,
                &what,
            )
            .await?;
            team.project_ids = ids(&what, &created)?;
        }
        eprintln!(
            "setup: created {} project(s) per team in {:.2} s",
            cfg.projects,
            t.elapsed().as_secs_f64()
        );
    }

    let (mut people, mut allocations) = (0, 0);
    if cfg.scenario == Scenario::Report {
        let Some(team) = teams.first() else {
            return Err(SetupError::BadResponse {
                what: "report data".into(),
                detail: "no team to put people in".into(),
            });
        };
        let t = Instant::now();
        let created = send_all(
            target.clone(),
            Some(team.cookie.clone()),
            (0..cfg.people).map(person_call).collect(),
            cfg.concurrency,
            cfg.timeout,
            "people",
        )
        .await?;
        let person_ids = ids("people", &created)?;
        people = person_ids.len();
        let calls: Vec<ApiCall> = (0..cfg.allocations)
            .filter_map(|i| {
                allocation_call(
                    i,
                    &person_ids,
                    &team.project_ids,
                    cfg.report_from,
                    cfg.report_to,
                )
            })
            .collect();
        allocations = calls.len();
        send_all(
            target.clone(),
            Some(team.cookie.clone()),
            calls,
            cfg.concurrency,
            cfg.timeout,
            "allocations",
        )
        .await?;
        eprintln!(
            "setup: created {people} people and {allocations} allocations in {:.2} s",
            t.elapsed().as_secs_f64()
        );
        // One report before measuring: a server without it fails here, clearly, rather
        // than after a whole run of 404s.
        let probe = ApiCall {
            method: Method::GET,
            path: report_path(cfg.report_from, cfg.report_to),
            body: None,
        };
        let t = Instant::now();
        send_all(
            target.clone(),
            Some(team.cookie.clone()),
            vec![probe],
            1,
            cfg.timeout,
            "first utilisation report",
        )
        .await?;
        eprintln!(
            "setup: first utilisation report took {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }

    Ok(Setup {
        teams,
        people,
        allocations,
        elapsed: started.elapsed(),
    })
}

fn joined_team(
    joined: Result<(usize, Result<TeamSession, SetupError>), tokio::task::JoinError>,
) -> Result<(usize, TeamSession), SetupError> {
    match joined {
        Ok((i, Ok(team))) => Ok((i, team)),
        Ok((_, Err(e))) => Err(e),
        Err(join) => Err(SetupError::BadResponse {
            what: "signup".into(),
            detail: format!("signup task failed: {join}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn signup_bodies_are_valid_and_unique_per_team() {
        let a = signup_call(0xdead_beef, 0);
        let b = signup_call(0xdead_beef, 1);
        assert_eq!(a.method, Method::POST);
        assert_eq!(a.path, "/api/v1/usr/signup");
        let body = a.body.as_ref().unwrap();
        let email = body["email"].as_str().unwrap();
        assert_eq!(email, email.trim().to_lowercase());
        assert!(email.contains('@') && email.split('@').nth(1).unwrap().contains('.'));
        let pw = body["password"].as_str().unwrap();
        assert!((8..=1024).contains(&pw.len()));
        assert!(!body["name"].as_str().unwrap().trim().is_empty());
        assert_ne!(
            a.body.as_ref().unwrap()["email"],
            b.body.as_ref().unwrap()["email"]
        );
    }

    #[test]
    fn project_and_person_bodies_have_valid_names() {
        let p = project_call(7);
        assert_eq!(p.path, "/api/v1/prj");
        assert_eq!(p.body.unwrap(), json!({"name": "Project 0007"}));
        let p = person_call(12);
        assert_eq!(p.path, "/api/v1/people");
        assert_eq!(p.body.unwrap(), json!({"name": "Person 00012"}));
    }

    #[test]
    fn allocations_stay_in_range_and_use_known_ids() {
        let people: Vec<String> = (0..7).map(|i| format!("p{i}")).collect();
        let projects: Vec<String> = (0..3).map(|i| format!("j{i}")).collect();
        let (from, to) = (d("2025-01-01"), d("2025-12-31"));
        let mut seen_people = std::collections::BTreeSet::new();
        for i in 0..500 {
            let call = allocation_call(i, &people, &projects, from, to).unwrap();
            assert_eq!(call.path, "/api/v1/allocations");
            let b = call.body.unwrap();
            let start = d(b["start"].as_str().unwrap());
            let end = d(b["end"].as_str().unwrap());
            assert!(from <= start && start <= end && end <= to, "{b}");
            assert!(start.days_until(end) < 60);
            let h = b["hours_per_day"].as_f64().unwrap();
            assert!(h > 0.0 && h <= 24.0);
            assert!(people.contains(&b["person_id"].as_str().unwrap().to_owned()));
            assert!(projects.contains(&b["project_id"].as_str().unwrap().to_owned()));
            seen_people.insert(b["person_id"].as_str().unwrap().to_owned());
        }
        assert_eq!(seen_people.len(), people.len(), "every person gets work");
        assert_eq!(
            allocation_call(3, &people, &projects, from, to),
            allocation_call(3, &people, &projects, from, to),
            "deterministic"
        );
    }

    #[test]
    fn allocations_in_a_one_day_range_are_that_day() {
        let ids = vec!["a".to_owned()];
        let day = d("2025-03-03");
        let b = allocation_call(5, &ids, &ids, day, day)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(b["start"], "2025-03-03");
        assert_eq!(b["end"], "2025-03-03");
        assert!(allocation_call(0, &[], &ids, day, day).is_none());
        assert!(allocation_call(0, &ids, &ids, day, day.add_days(-1)).is_none());
    }

    #[test]
    fn report_path_asks_for_weekly_utilisation() {
        assert_eq!(
            report_path(d("2025-01-01"), d("2025-12-31")),
            "/api/v1/reports/utilisation?from=2025-01-01&to=2025-12-31&interval=week"
        );
    }

    #[test]
    fn ids_may_be_strings_or_numbers() {
        assert_eq!(id_of(&json!({"id": "abc"})), Some("abc".into()));
        assert_eq!(id_of(&json!({"id": 12})), Some("12".into()));
        assert_eq!(id_of(&json!({"name": "x"})), None);
        assert!(ids("t", &[json!({"id": "a"}), json!({})]).is_err());
    }
}
