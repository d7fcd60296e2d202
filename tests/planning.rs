//! Tasks and automatic planning over real TCP: preview, apply as one change, undo.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn created(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> Value {
    let (status, v) = post(c, s, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body} -> {v}");
    v
}

#[tokio::test]
async fn a_dependency_cycle_is_refused_naming_it() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let design = created(
        &c,
        &s,
        &tasks,
        json!({"name": "Design", "effort_hours": 16}),
    )
    .await;
    let build = created(
        &c,
        &s,
        &tasks,
        json!({"name": "Build", "effort_hours": 40, "depends_on": [id(&design)]}),
    )
    .await;
    let (status, err) = patch(
        &c,
        &s,
        &format!("{tasks}/{}", id(&design)),
        json!({"depends_on": [id(&build)]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = err["error"].as_str().unwrap();
    assert!(
        msg.contains("cycle") && msg.contains("Design") && msg.contains("Build"),
        "{msg}"
    );
    for body in [
        json!({"name": "x", "effort_hours": 0}),
        json!({"name": "", "effort_hours": 1}),
        json!({"name": "x", "effort_hours": 1, "depends_on": ["nope"]}),
    ] {
        assert_eq!(
            post(&c, &s, &tasks, body.clone()).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    assert_eq!(
        delete(&c, &s, &format!("{tasks}/{}", id(&design))).await.0,
        StatusCode::CONFLICT,
        "Build depends on it"
    );
    s.stop().await;
}

#[tokio::test]
async fn a_plan_is_previewed_applied_as_one_change_and_undone_in_one_step() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let designer = created(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": "Dee", "role": "Designer"}),
    )
    .await;
    let dev = created(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": "Dev", "role": "Developer", "skills": ["rust"]}),
    )
    .await;
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let design = created(
        &c,
        &s,
        &tasks,
        json!({"name": "Design", "effort_hours": 16, "role": "Designer"}),
    )
    .await;
    created(&c, &s, &tasks, json!({"name": "Build", "effort_hours": 24, "skills": ["rust"], "depends_on": [id(&design)], "deadline": "2026-03-05"})).await;
    // 2026-03-02 is a Monday: Design takes Mon-Tue, Build Wed-Fri: a day past its Thursday deadline.
    let (status, proposal) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [id(&p)], "from": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    assert_eq!(proposal["overbooked_hours"], 0.0);
    let outcomes = proposal["tasks"].as_array().unwrap();
    let design_plan = outcomes.iter().find(|t| t["name"] == "Design").unwrap();
    let build_plan = outcomes.iter().find(|t| t["name"] == "Build").unwrap();
    assert_eq!(design_plan["person_id"], json!(id(&designer)));
    assert_eq!(
        (design_plan["start"].clone(), design_plan["finish"].clone()),
        (json!("2026-03-02"), json!("2026-03-03"))
    );
    assert_eq!(build_plan["person_id"], json!(id(&dev)));
    assert_eq!(
        (build_plan["start"].clone(), build_plan["finish"].clone()),
        (json!("2026-03-04"), json!("2026-03-06"))
    );
    assert_eq!(build_plan["late_by_days"], 1);
    assert!(
        build_plan["reason"].as_str().unwrap().contains("Design"),
        "{build_plan}"
    );
    assert_eq!(
        get(&c, &s, "/api/v1/allocations").await.1,
        json!([]),
        "a preview changes nothing"
    );

    let (status, applied) = post(
        &c,
        &s,
        "/api/v1/schedule/apply",
        json!({"proposal_id": proposal["proposal_id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    let (_, allocations) = get(&c, &s, "/api/v1/allocations").await;
    let allocations = allocations.as_array().unwrap();
    assert_eq!(allocations.len(), 2);
    let design_alloc = allocations
        .iter()
        .find(|a| a["person_id"] == json!(id(&designer)))
        .unwrap();
    assert_eq!(
        (
            design_alloc["start"].clone(),
            design_alloc["end"].clone(),
            design_alloc["hours_per_day"].clone()
        ),
        (json!("2026-03-02"), json!("2026-03-03"), json!(8.0))
    );
    let (_, log) = get(&c, &s, "/api/v1/activity?limit=1").await;
    assert_eq!(log[0]["id"], applied["activity_id"]);
    assert_eq!(log[0]["changes"].as_array().unwrap().len(), 2);
    // The same proposal cannot be applied twice; undo takes the whole plan back.
    assert_eq!(
        post(
            &c,
            &s,
            "/api/v1/schedule/apply",
            json!({"proposal_id": proposal["proposal_id"]})
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = post(
        &c,
        &s,
        &format!("/api/v1/activity/{}/undo", log[0]["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&c, &s, "/api/v1/allocations").await.1, json!([]));
    s.stop().await;
}

#[tokio::test]
async fn a_proposal_is_refused_once_the_schedule_changed() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    created(&c, &s, "/api/v1/people", json!({"name": "Dee"})).await;
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    created(
        &c,
        &s,
        &format!("/api/v1/prj/{}/tasks", id(&p)),
        json!({"name": "Work", "effort_hours": 8}),
    )
    .await;
    let (_, proposal) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [id(&p)], "from": "2026-03-02"}),
    )
    .await;
    created(&c, &s, "/api/v1/prj", json!({"name": "Meanwhile"})).await;
    let (status, err) = post(
        &c,
        &s,
        "/api/v1/schedule/apply",
        json!({"proposal_id": proposal["proposal_id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(
        post(
            &c,
            &s,
            "/api/v1/schedule/preview",
            json!({"project_ids": ["nope"], "from": "2026-03-02"})
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(
            &c,
            &s,
            "/api/v1/schedule/preview",
            json!({"project_ids": [], "from": "2026-03-02"})
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    s.stop().await;
}
