//! Several kronuz nodes on one PostgreSQL, as real processes: the settings an operator
//! can get wrong, and the lease that keeps a paused former owner from writing.
//! Needs `KRONUZ_TEST_DATABASE_URL` (scripts/test starts a throw-away cluster); without
//! it only the unreachable-database case runs.

mod common;

use common::nodes::{Node, create_project, kronuz, schema, sign_up_ann, sql};
use common::{body, client, test_database_url};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

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
async fn a_database_at_schema_2_gets_the_team_indexes_and_email_claims_and_keeps_the_nodes_secret()
{
    let Some(url) = schema().await else { return };
    let node = Node::start(&url, "a", 10);
    drop(node);
    let secret: String = sql(&url, "SELECT secret FROM cluster_secret").await[0].get(0);
    // As a database written at schema 2 has it: the nodes' secret, no team indexes.
    let indexes = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() \
                   AND (indexname LIKE '%\\_by\\_team' OR indexname = 'sessions_by_user')";
    let names: Vec<String> = sql(&url, indexes).await.iter().map(|r| r.get(0)).collect();
    assert_eq!(names.len(), 17, "{names:?}");
    sql(&url, &format!("DROP INDEX {}", names.join(", "))).await;
    sql(&url, "DROP TABLE email_claims").await;
    sql(&url, "UPDATE kronuz_schema SET version = 2").await;

    let b = Node::start(&url, "b", 10);
    let status = client()
        .get(b.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);
    let version: i32 = sql(&url, "SELECT version FROM kronuz_schema").await[0].get(0);
    assert_eq!(version, 4);
    assert_eq!(sql(&url, indexes).await.len(), 17);
    assert!(sql(&url, "SELECT * FROM email_claims").await.is_empty());
    let kept: String = sql(&url, "SELECT secret FROM cluster_secret").await[0].get(0);
    assert_eq!(kept, secret);
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
    sign_up_ann(&c, &a).await;
    create_project(&c, &a, "before").await;
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

    // Once A's lease runs out, B takes the team over and its writes succeed. Until
    // then B forwards to A, which answers nothing while stopped.
    let impatient = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let login = json!({"email": "ann@x.io", "password": "correct horse"});
    let deadline = Instant::now() + Duration::from_secs(lease + 5);
    let mut refusals = Vec::new();
    loop {
        assert!(Instant::now() < deadline, "B never took over: {refusals:?}");
        let attempt = async {
            if impatient
                .get(b.url("/api/v1/usr/me"))
                .send()
                .await?
                .status()
                != StatusCode::OK
            {
                impatient
                    .post(b.url("/api/v1/usr/login"))
                    .json(&login)
                    .send()
                    .await?;
            }
            impatient
                .post(b.url("/api/v1/prj"))
                .json(&json!({"name": "on b"}))
                .send()
                .await
        };
        match attempt.await {
            Ok(resp) if resp.status() == StatusCode::CREATED => break,
            Ok(resp) => refusals.push(body(resp).await.1.to_string()),
            Err(e) => refusals.push(e.to_string()),
        }
    }

    // A wakes up with the write it accepted while paused: refused, never committed.
    a.signal("-CONT");
    let (status, answer) = in_flight.await.unwrap();
    // And A lets go of the team it lost: its memory no longer holds it.
    let deadline = Instant::now() + Duration::from_secs(lease + 5);
    while gauge(&a, "kronuz_teams_loaded").await != 0.0 {
        assert!(Instant::now() < deadline, "A still holds the team it lost");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains(&format!(
            "served by another kronuz server (b, {})",
            b.url("")
        )),
        "{answer}"
    );
    let stored = project_bodies(&url).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored.iter().all(|p| !p.contains("from the paused owner")));
    let (status, list) = body(c.get(b.url("/api/v1/prj/list")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(common::names(&list), ["before", "on b"]);
    // From now on A passes the team's requests to B.
    let (status, answer) = body(
        c.post(a.url("/api/v1/prj"))
            .json(&json!({"name": "via a"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
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

/// One of a node's `/metrics` values.
async fn gauge(node: &Node, name: &str) -> f64 {
    let text = reqwest::get(node.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// Every project as stored in PostgreSQL (JSON).
async fn project_bodies(url: &str) -> Vec<String> {
    sql(url, "SELECT body FROM projects")
        .await
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

#[tokio::test]
async fn any_node_answers_for_any_team_by_forwarding_to_its_owner() {
    let Some(url) = schema().await else { return };
    let a = Node::start(&url, "a", 10);
    let b = Node::start(&url, "b", 10);
    // Ann signs up on A: her team is A's. Everything she does through B reaches A.
    let c = client();
    sign_up_ann(&c, &a).await;
    let (status, _) = body(
        c.post(b.url("/api/v1/prj"))
            .json(&json!({"name": "through b"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = body(c.get(a.url("/api/v1/prj/list")).send().await.unwrap()).await;
    assert_eq!(common::names(&list), ["through b"]);

    // A login on B makes a session that works on A at once, and a logout on B ends it.
    let phone = client();
    let login = json!({"email": "ann@x.io", "password": "correct horse"});
    let resp = phone
        .post(b.url("/api/v1/usr/login"))
        .json(&login)
        .send()
        .await;
    assert_eq!(resp.unwrap().status(), StatusCode::OK);
    let me = phone.get(a.url("/api/v1/usr/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let out = phone
        .post(b.url("/api/v1/usr/logout"))
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    let me = phone.get(a.url("/api/v1/usr/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    // Only A ever wrote the team; B counted what it forwarded.
    let leases = sql(&url, "SELECT node_id FROM leases").await;
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].get::<_, String>(0), "a");
    let metrics = c
        .get(b.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let forwards = metrics
        .lines()
        .find_map(|l| l.strip_prefix("kronuz_forwards_total "))
        .unwrap();
    assert!(forwards.parse::<f64>().unwrap() >= 3.0, "{metrics}");
}

/// Writes acknowledged (201) so far: when each was sent, and the project's name.
type Acked = std::sync::Arc<std::sync::Mutex<Vec<(Instant, String)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_owner_ten_times_loses_no_acknowledged_write_and_writes_resume() {
    let Some(url) = schema().await else { return };
    let lease = 2;
    let first = Node::start(&url, "n0", lease);
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    sign_up_ann(&c, &first).await;
    let mut nodes = std::collections::HashMap::new();
    nodes.insert("n0".to_string(), first);
    for id in ["n1", "n2"] {
        nodes.insert(id.to_string(), Node::start(&url, id, lease));
    }
    let addresses = std::sync::Arc::new(std::sync::Mutex::new(
        nodes.values().map(|n| n.url("")).collect::<Vec<_>>(),
    ));

    // 32 writers, each sending its writes round the live nodes.
    let acked: Acked = Default::default();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..32 {
        let (c, acked, stop, addresses) =
            (c.clone(), acked.clone(), stop.clone(), addresses.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let base = {
                    let list = addresses.lock().unwrap();
                    list[(w + n) % list.len()].clone()
                };
                let name = format!("w{w}-{n}");
                let sent_at = Instant::now();
                let sent = c
                    .post(format!("{base}/api/v1/prj"))
                    .json(&json!({ "name": name }))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        acked.lock().unwrap().push((sent_at, name));
                    }
                    // Refused or unreachable: not acknowledged, so nothing is owed.
                    _ => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }));
    }
    let acked_since = |t: Instant| {
        acked
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, _)| *at > t)
            .count()
    };

    let mut epochs = Vec::new();
    for round in 1..=10 {
        // Some writes go through, then the team's owner dies without a word.
        let started = Instant::now();
        while acked_since(started) < 20 {
            assert!(
                started.elapsed() < Duration::from_secs(lease + 5),
                "round {round}: writes stalled"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let row = &sql(&url, "SELECT node_id, epoch FROM leases").await[0];
        let owner: String = row.get(0);
        epochs.push(row.get::<_, i64>(1));
        let mut dead = nodes.remove(&owner).unwrap();
        let killed = Instant::now();
        dead.child.kill().unwrap();
        dead.child.wait().unwrap();
        addresses.lock().unwrap().retain(|a| *a != dead.url(""));
        // A new node replaces it, so three keep serving.
        let id = format!("n{}", round + 2);
        let (u, i) = (url.clone(), id.clone());
        let fresh = tokio::task::spawn_blocking(move || Node::start(&u, &i, lease))
            .await
            .unwrap();
        addresses.lock().unwrap().push(fresh.url(""));
        nodes.insert(id, fresh);
        // Writes through the survivors are accepted again within the lease plus 5 s.
        while acked_since(killed) == 0 {
            assert!(
                killed.elapsed() < Duration::from_secs(lease + 5),
                "round {round}: no write accepted {} s after the owner died",
                lease + 5
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }

    // Every acknowledged write is in PostgreSQL.
    let stored: std::collections::HashSet<String> =
        sql(&url, "SELECT body::jsonb ->> 'name' FROM projects")
            .await
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
    let acked = acked.lock().unwrap().clone();
    let lost: Vec<&String> = acked
        .iter()
        .map(|(_, n)| n)
        .filter(|n| !stored.contains(*n))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {lost:?}",
        lost.len()
    );
    assert!(
        acked.len() >= 200,
        "only {} writes acknowledged",
        acked.len()
    );
    let epoch: i64 = sql(&url, "SELECT epoch FROM leases").await[0].get(0);
    epochs.push(epoch);
    assert!(
        epoch >= 11,
        "the lease's epochs, round by round: {epochs:?}"
    );
}

/// A team record named `name`, as a write for the store.
fn team_write(id: &str, name: &str) -> Vec<kronuz::store::Mutation> {
    let team: kronuz::domain::Team =
        serde_json::from_value(json!({"id": id, "name": name, "created_at": 0})).unwrap();
    vec![kronuz::store::Mutation::Put(kronuz::store::Record::Team(
        team,
    ))]
}

/// Hands `mutations` to the writer; the receiver says how the write ended.
async fn queue_write(
    writer: &tokio::sync::mpsc::Sender<kronuz::store::writer::WriterMsg>,
    mutations: Vec<kronuz::store::Mutation>,
) -> tokio::sync::oneshot::Receiver<Result<(), kronuz::store::writer::Refused>> {
    use kronuz::store::writer::{WriteJob, WriterMsg};
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job = WriteJob {
        epoch: 0,
        mutations,
        done: Some(Box::new(move |outcome| {
            let _ = tx.send(outcome);
        })),
    };
    assert!(writer.send(WriterMsg::Job(job)).await.is_ok());
    rx
}

#[tokio::test]
async fn a_team_this_node_lost_fails_only_its_own_writes_in_a_batch() {
    use kronuz::store::writer::{CommitMode, Refused, Restore};
    let Some(url) = schema().await else { return };
    let node = kronuz::store::postgres::NodeSettings {
        node_id: "a".into(),
        advertise_url: None,
        lease: Duration::from_secs(30),
    };
    let opening = url.clone();
    let store = tokio::task::spawn_blocking(move || {
        kronuz::store::postgres::PostgresStore::open(&opening, node).unwrap()
    })
    .await
    .unwrap();
    let (restore_tx, mut restores) = tokio::sync::mpsc::unbounded_channel();
    let writer =
        kronuz::store::writer::spawn(Box::new(store), CommitMode::Group, restore_tx).unwrap();

    // Two new teams: this node takes both leases with their first writes.
    let first = [
        queue_write(&writer, team_write("team-a", "A")).await,
        queue_write(&writer, team_write("team-b", "B")).await,
    ];
    for done in first {
        assert_eq!(done.await.unwrap(), Ok(()));
    }

    // Another node takes team A's lease (this node stalled, say).
    sql(
        &url,
        "UPDATE leases SET node_id = 'b', epoch = epoch + 1, \
         expires_at = clock_timestamp() + interval '1 hour' WHERE team_id = 'team-a'",
    )
    .await;

    // Hold team B's lease row, so the writer waits inside its next commit while writes
    // to both teams queue up behind it and go into one batch.
    let (locked_tx, locked) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let holder_url = url.clone();
    let holder = std::thread::spawn(move || {
        let mut db = postgres::Client::connect(&holder_url, postgres::NoTls).unwrap();
        let mut tx = db.transaction().unwrap();
        tx.query(
            "SELECT 1 FROM leases WHERE team_id = 'team-b' FOR UPDATE",
            &[],
        )
        .unwrap();
        locked_tx.send(()).unwrap();
        released.recv().unwrap();
        tx.commit().unwrap();
    });
    locked.recv().unwrap();
    let waiting = queue_write(&writer, team_write("team-b", "B1")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let blocked = sql(
            &url,
            "SELECT count(*) FROM pg_stat_activity \
             WHERE application_name = 'kronuz' AND wait_event_type = 'Lock'",
        )
        .await;
        if blocked[0].get::<_, i64>(0) > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the writer never reached the lock"
        );
        tokio::task::yield_now().await;
    }
    let to_a = queue_write(&writer, team_write("team-a", "A2")).await;
    let to_b = queue_write(&writer, team_write("team-b", "B2")).await;
    release.send(()).unwrap();
    holder.join().unwrap();

    assert_eq!(waiting.await.unwrap(), Ok(()));
    match to_a.await.unwrap() {
        Err(Refused::NotOwner(message)) => {
            assert!(message.contains("another kronuz server (b)"), "{message}")
        }
        other => panic!("the write to the lost team was not refused: {other:?}"),
    }
    assert_eq!(
        to_b.await.unwrap(),
        Ok(()),
        "the other team's write in the same batch commits"
    );
    let names: Vec<String> = sql(&url, "SELECT body::jsonb ->> 'name' FROM teams ORDER BY id")
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["A", "B2"]);
    // Memory lets go of the lost team.
    let mut dropped = false;
    while let Ok(restore) = restores.try_recv() {
        dropped |= matches!(restore, Restore::Dropped { team } if team.0 == "team-a");
    }
    assert!(dropped, "the writer tells memory to let go of team A");
    drop(writer);
}

#[tokio::test]
async fn a_node_loads_a_team_only_when_it_takes_the_team_on() {
    let Some(url) = schema().await else { return };
    let mut a = Node::start(&url, "a", 10);
    let c = client();
    sign_up_ann(&c, &a).await;
    create_project(&c, &a, "kept").await;
    // A stops cleanly, letting go of the team at once.
    a.signal("-TERM");
    assert!(a.child.wait().unwrap().success());

    // B starts with nothing of the team in memory, and loads it on the first request.
    let b = Node::start(&url, "b", 10);
    assert_eq!(gauge(&b, "kronuz_teams_loaded").await, 0.0);
    let (status, list) = body(c.get(b.url("/api/v1/prj/list")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(common::names(&list), ["kept"]);
    assert_eq!(gauge(&b, "kronuz_teams_loaded").await, 1.0);
    assert_eq!(gauge(&b, "kronuz_team_loads_total").await, 1.0);
    let lease = sql(&url, "SELECT node_id FROM leases").await;
    assert_eq!(lease[0].get::<_, String>(0), "b");
}
