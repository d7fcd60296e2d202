//! Tasks and automatic planning over real TCP: preview, apply as one change, undo.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

/// Dee (Designer, 8h Mon-Fri) has a tentative 6h/day on another project all week of
/// Monday 2026-03-02; the project to plan has one 16h design task.
async fn dee_with_tentative_work(s: &TestServer) -> (reqwest::Client, String, String) {
    let (c, _) = signup(s, "ann@x.io").await;
    let dee = created(
        &c,
        s,
        "/api/v1/people",
        json!({"name": "Dee", "role": "Designer"}),
    )
    .await;
    let pitch = created(&c, s, "/api/v1/prj", json!({"name": "Pitch"})).await;
    created(
        &c,
        s,
        "/api/v1/allocations",
        json!({"project_id": id(&pitch), "person_id": id(&dee),
        "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6, "tentative": true}),
    )
    .await;
    let p = created(&c, s, "/api/v1/prj", json!({"name": "Site"})).await;
    created(
        &c,
        s,
        &format!("/api/v1/prj/{}/tasks", id(&p)),
        json!({"name": "Design", "effort_hours": 16, "role": "Designer"}),
    )
    .await;
    (c, id(&dee), id(&p))
}

#[tokio::test]
async fn tentative_bookings_are_taken_unless_the_plan_ignores_them() {
    let s = TestServer::fresh().await;
    let (c, dee, p) = dee_with_tentative_work(&s).await;

    // By default only the 2h a day left are free: 5 × 2h, then 6h on Monday 03-09.
    let (status, blocks) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [p], "from": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{blocks}");
    assert_eq!(blocks["tentative"], "blocks");
    assert_eq!(blocks["overbooked"], json!([]));
    assert_eq!(blocks["overbooked_hours"], json!(0.0));
    let task = &blocks["tasks"][0];
    assert_eq!(
        (task["start"].clone(), task["finish"].clone()),
        (json!("2026-03-02"), json!("2026-03-09"))
    );
    for a in blocks["allocations"].as_array().unwrap() {
        if a["start"].as_str().unwrap() <= "2026-03-06" {
            assert_eq!(a["hours_per_day"], json!(2.0), "{a}");
        }
    }

    // Ignoring them, Design takes Monday and Tuesday whole, and the proposal says
    // that Dee is then booked 14h on each.
    let (status, ignore) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [p], "from": "2026-03-02", "tentative": "ignore"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ignore}");
    assert_eq!(ignore["tentative"], "ignore");
    assert_eq!(
        (
            ignore["tasks"][0]["start"].clone(),
            ignore["tasks"][0]["finish"].clone()
        ),
        (json!("2026-03-02"), json!("2026-03-03"))
    );
    assert_eq!(
        ignore["overbooked"],
        json!([
            {"person_id": dee, "name": "Dee", "date": "2026-03-02", "capacity_hours": 8.0,
             "booked_hours": 14.0, "tentative_hours": 6.0, "planned_hours": 8.0, "over_hours": 6.0},
            {"person_id": dee, "name": "Dee", "date": "2026-03-03", "capacity_hours": 8.0,
             "booked_hours": 14.0, "tentative_hours": 6.0, "planned_hours": 8.0, "over_hours": 6.0}
        ])
    );
    assert_eq!(ignore["overbooked_hours"], json!(12.0));

    // What the proposal said is what the overbooked report then shows.
    let (status, _) = post(
        &c,
        &s,
        "/api/v1/schedule/apply",
        json!({"proposal_id": ignore["proposal_id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, days) = get(
        &c,
        &s,
        "/api/v1/reports/overbooked?from=2026-03-02&to=2026-03-08",
    )
    .await;
    let days: Vec<(Value, Value)> = days
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].clone(), d["over_hours"].clone()))
        .collect();
    assert_eq!(
        days,
        [
            (json!("2026-03-02"), json!(6.0)),
            (json!("2026-03-03"), json!(6.0))
        ]
    );

    let (status, err) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [p], "from": "2026-03-02", "tentative": "sometimes"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("tentative"),
        "{err}"
    );
    s.stop().await;
}

#[tokio::test]
async fn a_plan_books_only_between_the_project_start_and_end() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    created(&c, &s, "/api/v1/people", json!({"name": "Dee"})).await;
    // From Wednesday 03-04 to Friday 03-06: room for 24 hours.
    let p = created(
        &c,
        &s,
        "/api/v1/prj",
        json!({"name": "Site", "start": "2026-03-04", "end": "2026-03-06"}),
    )
    .await;
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
    let (status, proposal) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [id(&p)], "from": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    for a in proposal["allocations"].as_array().unwrap() {
        let (start, end) = (a["start"].as_str().unwrap(), a["end"].as_str().unwrap());
        assert!(
            ("2026-03-04"..="2026-03-06").contains(&start) && end <= "2026-03-06",
            "{a}"
        );
    }
    let outcome = |name: &str| {
        proposal["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            outcome("Design")["start"].clone(),
            outcome("Design")["finish"].clone()
        ),
        (json!("2026-03-04"), json!("2026-03-05"))
    );
    let build = outcome("Build");
    assert_eq!(build["start"], Value::Null, "{build}");
    assert_eq!(
        build["reason"],
        json!("does not fit before the project ends on 2026-03-06")
    );
    assert_eq!(proposal["unscheduled"], json!(1));

    // A project that has ended leaves nothing to book.
    let (status, _) = patch(
        &c,
        &s,
        &format!("/api/v1/prj/{}", id(&p)),
        json!({"start": "2026-02-02", "end": "2026-02-27"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, proposal) = post(
        &c,
        &s,
        "/api/v1/schedule/preview",
        json!({"project_ids": [id(&p)], "from": "2026-03-02"}),
    )
    .await;
    assert_eq!(proposal["allocations"], json!([]));
    assert_eq!(
        outcome_reason(&proposal, "Design"),
        "the project ended on 2026-02-27"
    );
    s.stop().await;
}

fn outcome_reason(proposal: &Value, name: &str) -> String {
    proposal["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .and_then(|t| t["reason"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_preview_says_how_long_each_step_took() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@x.io").await;
    created(
        &c,
        &s,
        "/api/v1/people",
        json!({"name": "Dee", "role": "Designer"}),
    )
    .await;
    let p = created(&c, &s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    created(
        &c,
        &s,
        &tasks,
        json!({"name": "Design", "effort_hours": 16, "role": "Designer"}),
    )
    .await;
    let resp = c
        .post(s.url("/api/v1/schedule/preview"))
        .json(&json!({"project_ids": [id(&p)], "from": "2026-03-02"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let timing = resp
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    for step in ["load", "plan", "engine", "store", "json"] {
        let dur = timing
            .split(',')
            .filter_map(|part| part.trim().split_once(";dur="))
            .find(|(name, _)| *name == step)
            .and_then(|(_, ms)| ms.parse::<f64>().ok());
        assert!(dur.is_some_and(|ms| ms >= 0.0), "{step} in {timing:?}");
    }
    let proposal: Value = resp.json().await.unwrap();
    assert_eq!(proposal["tasks"][0]["start"], "2026-03-02", "{proposal}");
    s.stop().await;
}
