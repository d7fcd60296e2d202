//! Plans people can trust, over real TCP: pinned work stays where it is, each project
//! says how far it is from the earliest finish possible, and a re-plan keeps what a
//! change does not push.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn apply(c: &reqwest::Client, s: &TestServer, proposal: &Value) {
    let (status, applied) = post(
        c,
        s,
        "/api/v1/schedule/apply",
        json!({"proposal_id": proposal["proposal_id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
}

/// Dee (a designer, 8 h a day) and a project with a 16 h launch and a 24 h brief.
async fn dee_and_two_tasks(s: &TestServer) -> (reqwest::Client, String, String, String) {
    let (c, _) = signup(s, "ann@x.io").await;
    created(
        &c,
        s,
        "/api/v1/people",
        json!({"name": "Dee", "role": "Designer"}),
    )
    .await;
    let p = created(&c, s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let launch = created(
        &c,
        s,
        &tasks,
        json!({"name": "Launch", "effort_hours": 16, "role": "Designer", "priority": 5}),
    )
    .await;
    let brief = created(
        &c,
        s,
        &tasks,
        json!({"name": "Brief", "effort_hours": 24, "role": "Designer"}),
    )
    .await;
    (c, id(&p), id(&launch), id(&brief))
}

#[tokio::test]
async fn a_pinned_task_keeps_its_days_and_the_plan_goes_around_it_naming_it() {
    let s = TestServer::fresh().await;
    let (c, project, launch, brief) = dee_and_two_tasks(&s).await;
    // Launch first (higher priority): Mon-Tue; Brief Wed-Fri.
    let first = preview(&c, &s, &project).await;
    assert_eq!(outcome(&first, "Launch")["start"], "2026-03-02");
    apply(&c, &s, &first).await;
    let (_, before) = get(&c, &s, "/api/v1/allocations").await;
    let launch_allocs: Vec<Value> = before
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["task_id"] == json!(launch))
        .cloned()
        .collect();
    assert!(!launch_allocs.is_empty());

    // Pin the launch, then make the brief urgent: it would go first, but must wait.
    let tasks = format!("/api/v1/prj/{project}/tasks");
    let (status, pinned) = patch(
        &c,
        &s,
        &format!("{tasks}/{launch}"),
        json!({"pinned": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pinned}");
    assert_eq!(pinned["pinned"], true);
    let (status, _) = patch(
        &c,
        &s,
        &format!("{tasks}/{brief}"),
        json!({"priority": 9, "deadline": "2026-03-04", "may_split": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let second = preview(&c, &s, &project).await;
    let launch_plan = outcome(&second, "Launch");
    assert_eq!(launch_plan["pinned"], true);
    assert_eq!(
        (launch_plan["start"].clone(), launch_plan["finish"].clone()),
        (json!("2026-03-02"), json!("2026-03-03"))
    );
    for a in second["allocations"].as_array().unwrap() {
        assert_ne!(
            a["task_id"],
            json!(launch),
            "a pinned task gets no new allocation"
        );
    }
    for a in &launch_allocs {
        assert!(
            !second["removed"].as_array().unwrap().contains(&a["id"]),
            "a pinned task's allocation is never removed"
        );
    }
    let brief_plan = outcome(&second, "Brief");
    assert_eq!(brief_plan["start"], "2026-03-04", "{brief_plan}");
    assert!(brief_plan["late_by_days"].as_u64().unwrap() > 0);
    let reason = brief_plan["reason"].as_str().unwrap();
    assert!(
        reason.contains("pinned") && reason.contains("Launch"),
        "{reason}"
    );
    assert_eq!(second["overbooked_hours"], 0.0);
    s.stop().await;
}

#[tokio::test]
async fn a_pinned_allocation_stays_its_tasks_and_is_never_moved() {
    let s = TestServer::fresh().await;
    let (c, project, launch, _) = dee_and_two_tasks(&s).await;
    apply(&c, &s, &preview(&c, &s, &project).await).await;
    let (_, allocations) = get(&c, &s, "/api/v1/allocations").await;
    let mine = allocations
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["task_id"] == json!(launch))
        .unwrap()
        .clone();
    let (status, after) = patch(
        &c,
        &s,
        &format!("/api/v1/allocations/{}", id(&mine)),
        json!({"pinned": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["pinned"], true);
    assert_eq!(after["task_id"], json!(launch), "still the task's");
    let again = preview(&c, &s, &project).await;
    assert!(!again["removed"].as_array().unwrap().contains(&mine["id"]));
    assert_eq!(outcome(&again, "Launch")["pinned"], true);
    assert_eq!(outcome(&again, "Launch")["start"], mine["start"]);
    s.stop().await;
}

#[tokio::test]
async fn each_project_says_how_far_it_finishes_from_the_earliest_possible() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    created(&c, &s, "/api/v1/people", json!({"name": "Dee"})).await;
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let design = created(
        &c,
        &s,
        &tasks,
        json!({"name": "Design", "effort_hours": 16}),
    )
    .await;
    created(
        &c,
        &s,
        &tasks,
        json!({"name": "Build", "effort_hours": 24, "depends_on": [id(&design)]}),
    )
    .await;
    // A second, independent task for the same one person: the work (48 h), not the
    // chain (40 h), sets the bound.
    created(&c, &s, &tasks, json!({"name": "Copy", "effort_hours": 8})).await;
    let proposal = preview(&c, &s, &id(&p)).await;
    let bounds = proposal["bounds"].as_array().unwrap();
    assert_eq!(bounds.len(), 1);
    let b = &bounds[0];
    assert_eq!(b["project_id"], json!(id(&p)));
    // Mon 2 March + 48 h at 8 h a day = Mon 9 March (the weekend has no capacity).
    assert_eq!(b["earliest_finish"], "2026-03-09");
    assert_eq!(b["finish"], "2026-03-09");
    assert_eq!(b["days_above_earliest"], 0);
    assert!(b["reason"].as_str().unwrap().contains("Dee"), "{b}");
    s.stop().await;
}

#[tokio::test]
async fn re_planning_an_applied_plan_moves_nothing_the_change_does_not_push() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    for name in ["Dee", "Eve", "Fay"] {
        created(&c, &s, "/api/v1/people", json!({"name": name})).await;
    }
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let mut ids = Vec::new();
    for i in 0..9 {
        let t = created(
            &c,
            &s,
            &tasks,
            json!({"name": format!("T{i}"), "effort_hours": 8 + 4 * (i % 4)}),
        )
        .await;
        ids.push(id(&t));
    }
    let first = preview(&c, &s, &id(&p)).await;
    apply(&c, &s, &first).await;
    let unchanged = preview(&c, &s, &id(&p)).await;
    assert_eq!(unchanged["moved"], 0, "{unchanged}");
    // The task that finishes last grows: it pushes nothing, so every other task keeps
    // its person and days (from scratch, the same change may reshuffle them).
    let last = (0..9)
        .max_by_key(|&i| {
            outcome(&first, &format!("T{i}"))["finish"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap();
    let (status, _) = patch(
        &c,
        &s,
        &format!("{tasks}/{}", ids[last]),
        json!({"effort_hours": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let changed = preview(&c, &s, &id(&p)).await;
    for i in (0..9).filter(|&i| i != last) {
        let name = format!("T{i}");
        let (a, b) = (outcome(&first, &name), outcome(&changed, &name));
        assert_eq!(
            (&a["person_id"], &a["start"], &a["finish"]),
            (&b["person_id"], &b["start"], &b["finish"]),
            "{name} moved"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_pinned_work_bounds_and_the_search() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let (status, doc) = get(&c, &s, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("Task", "pinned"),
        ("TaskInput", "pinned"),
        ("Allocation", "pinned"),
        ("AllocationInput", "pinned"),
        ("TaskOutcome", "pinned"),
        ("Proposal", "bounds"),
        ("Proposal", "moved"),
        ("ProjectBound", "days_above_earliest"),
        ("PreviewBody", "full_search"),
        ("PreviewBody", "fresh"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema}.{field} is not described"
        );
    }
    s.stop().await;
}
