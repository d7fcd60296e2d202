//! No team can take the server down for the others: deep dependency chains are walked
//! without recursion, and what one team may create is capped with a clear 422.

mod common;

use common::*;
use kronuz::domain::limits::TASKS_PER_PROJECT;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `job(i)` for every `i` in `0..n`, `workers` at a time.
async fn in_parallel<F, Fut>(n: usize, workers: usize, job: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (next, job) = (next.clone(), job.clone());
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                job(i).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_task_chain_neither_crashes_nor_slows_the_server_and_the_next_task_is_refused()
 {
    let s = Arc::new(TestServer::fresh().await);
    let (c, _) = signup(&s, "ann@x.io").await;
    let (_, p) = post(&c, &s, "/api/v1/prj", json!({"name": "Huge"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", p["id"].as_str().unwrap());
    let n = TASKS_PER_PROJECT;

    let ids: Arc<Vec<std::sync::OnceLock<String>>> =
        Arc::new((0..n).map(|_| std::sync::OnceLock::new()).collect());
    let started = std::time::Instant::now();
    {
        let (c, s, tasks, ids) = (c.clone(), s.clone(), tasks.clone(), ids.clone());
        in_parallel(n, 64, move |i| {
            let (c, s, tasks, ids) = (c.clone(), s.clone(), tasks.clone(), ids.clone());
            async move {
                let body = json!({"name": format!("Step {i}"), "effort_hours": 1});
                let (status, t) = post(&c, &s, &tasks, body).await;
                assert_eq!(status, StatusCode::CREATED, "{t}");
                ids[i].set(t["id"].as_str().unwrap().to_string()).unwrap();
            }
        })
        .await;
    }
    let created = started.elapsed();
    // Link them into one chain, each step waiting for the one before. Every PATCH
    // checks the project for a cycle; the chain ends 10,000 deep.
    let started = std::time::Instant::now();
    {
        let (c, s, tasks, ids) = (c.clone(), s.clone(), tasks.clone(), ids.clone());
        in_parallel(n - 1, 64, move |k| {
            let (c, s, tasks, ids) = (c.clone(), s.clone(), tasks.clone(), ids.clone());
            async move {
                let i = n - 1 - k;
                let (this, before) = (ids[i].get().unwrap(), ids[i - 1].get().unwrap());
                let path = format!("{tasks}/{this}");
                let (status, t) = patch(&c, &s, &path, json!({"depends_on": [before]})).await;
                assert_eq!(status, StatusCode::OK, "{t}");
            }
        })
        .await;
    }
    let linked = started.elapsed();
    let id = |i: usize| ids[i].get().unwrap().clone();

    // Closing the chain into a cycle walks all 10,000 and is refused, briefly.
    let started = std::time::Instant::now();
    let (status, err) = patch(
        &c,
        &s,
        &format!("{tasks}/{}", id(0)),
        json!({"depends_on": [id(n - 1)]}),
    )
    .await;
    let refused = started.elapsed();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let msg = err["error"].as_str().unwrap();
    assert!(
        msg.contains("dependency cycle") && msg.contains("more"),
        "{msg}"
    );
    assert!(
        msg.len() < 300,
        "the message names the cycle by its ends: {msg}"
    );

    // The project is full: the next task is refused naming the limit.
    let (status, err) = post(
        &c,
        &s,
        &tasks,
        json!({"name": "One more", "effort_hours": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        err["error"],
        format!("Limit reached: a project may have at most {n} tasks")
    );

    // Another team is still served, and the whole chain goes with its project.
    let (other, _) = signup(&s, "bob@x.io").await;
    assert_eq!(get(&other, &s, "/api/v1/prj/list").await.0, StatusCode::OK);
    let started = std::time::Instant::now();
    let (status, body) = delete(
        &c,
        &s,
        &format!("/api/v1/prj/{}", p["id"].as_str().unwrap()),
    )
    .await;
    let deleted = started.elapsed();
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, left): (_, Value) = get(&c, &s, &tasks).await;
    assert!(left.as_array().is_none_or(|a| a.is_empty()), "{left}");
    eprintln!(
        "{n} tasks: created in {created:?}, chained in {linked:?}, cycle refused in {refused:?}, project deleted in {deleted:?}"
    );
    assert!(refused.as_secs() < 2 && deleted.as_secs() < 10);
    Arc::into_inner(s).unwrap().stop().await;
}
