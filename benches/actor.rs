//! The database actor alone, without HTTP: how many messages per second the loop
//! answers, and how many durable writes per second the writer commits, with 1 to 256
//! concurrent callers. `cargo bench --bench actor` (release build; bounded: ~20 s).

use kronuz::db::Edit;
use kronuz::db::state::{Db, LoginThrottle, NewAccount, Policy};
use kronuz::domain::{ProjectInput, SessionPolicy};
use kronuz::store::sqlite::{DataDir, SqliteOptions, SqliteStore};
use kronuz::store::writer::{self, CommitMode};
use kronuz::store::{Snapshot, Store};
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_millis(1500);

fn policy() -> Policy {
    Policy {
        sessions: SessionPolicy {
            idle_secs: 86_400,
            max_secs: 86_400 * 30,
        },
        throttle: LoginThrottle::default(),
    }
}

fn project(name: String) -> ProjectInput {
    ProjectInput {
        name,
        client_id: None,
        status: Default::default(),
        probability: None,
        start: None,
        end: None,
        budget_hours: None,
        billable: true,
        billing: None,
        fee: None,
        budget_amount: None,
        rate_overrides: Vec::new(),
        color: None,
        external_id: None,
    }
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a temp dir");
        let data = DataDir::lock(dir.path()).expect("the data dir");
        let mut store =
            SqliteStore::open(&data.database_path(), &SqliteOptions::default()).expect("the store");
        let snapshot = store.load().unwrap_or_else(|_| Snapshot::default());
        let (restore_tx, restore_rx) = tokio::sync::mpsc::unbounded_channel();
        let writer =
            writer::spawn(Box::new(store), CommitMode::Group, restore_tx).expect("the writer");
        let (db, actor) =
            Db::new(snapshot, policy()).spawn(writer, restore_rx, kronuz::events::Events::spawn(0));

        let token = "bench-token".to_string();
        let user = db
            .signup(NewAccount {
                email: "bench@example.com".into(),
                name: "Bench".into(),
                password_hash: "not-a-real-hash".into(),
                token_hash: token.clone(),
                invite_hash: None,
            })
            .await
            .expect("signup");
        let auth = db
            .authenticate(user.id.clone(), token.clone(), None)
            .await
            .expect("auth");
        for i in 0..50 {
            db.edit(
                auth.clone(),
                Edit::CreateProject(project(format!("Project {i}"))),
            )
            .await
            .expect("project");
        }

        println!(
            "{:>8} {:>22} {:>22}",
            "callers", "reads msg/s", "durable writes/s"
        );
        for callers in [1usize, 8, 64, 256] {
            // Reads: the two messages an authenticated GET /api/v1/prj/list sends.
            let started = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..callers {
                let (db, uid, tok, team) = (
                    db.clone(),
                    user.id.clone(),
                    token.clone(),
                    auth.team_id.clone(),
                );
                tasks.push(tokio::spawn(async move {
                    let mut n = 0u64;
                    while started.elapsed() < RUN {
                        db.authenticate(uid.clone(), tok.clone(), None)
                            .await
                            .expect("auth");
                        db.schedule(team.clone()).await.expect("schedule");
                        n += 2;
                    }
                    n
                }));
            }
            let mut reads = 0;
            for t in tasks {
                reads += t.await.expect("reader");
            }
            let read_rate = reads as f64 / started.elapsed().as_secs_f64();

            // Writes: each acknowledged only once committed.
            let started = Instant::now();
            let mut tasks = Vec::new();
            for c in 0..callers {
                let (db, auth) = (db.clone(), auth.clone());
                tasks.push(tokio::spawn(async move {
                    let mut n = 0u64;
                    while started.elapsed() < RUN {
                        let input = project(format!("w{c}-{n}"));
                        db.edit(auth.clone(), Edit::CreateProject(input))
                            .await
                            .expect("write");
                        n += 1;
                    }
                    n
                }));
            }
            let mut writes = 0;
            for t in tasks {
                writes += t.await.expect("writer");
            }
            let write_rate = writes as f64 / started.elapsed().as_secs_f64();
            println!("{callers:>8} {read_rate:>22.0} {write_rate:>22.0}");
        }
        db.shutdown().await.expect("shutdown");
        drop(db);
        let _ = actor.await;
        println!("\n{}", kronuz::metrics::METRICS.render());
    });
}
