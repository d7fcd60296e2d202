//! Tasks shared by several people, over real TCP: `assignees_max` on a task lets the
//! planner split its effort between people working in parallel, each person's part an
//! allocation of its own; bad values are refused and change nothing.

mod common;

use chrono::{Datelike, NaiveDate};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

/// Hours an allocation books: its hours per day on each weekday it spans (the people
/// of these tests work 8 h Monday to Friday and have no time off).
fn booked_hours(a: &Value) -> f64 {
    let (start, end) = (date(&a["start"]), date(&a["end"]));
    let weekdays = start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .count();
    weekdays as f64 * a["hours_per_day"].as_f64().unwrap()
}

/// Dee and Eve (designers, 8 h a day) and a project with an 80 h build, shared by up to
/// `assignees_max` people, and an 8 h review after it.
async fn two_designers_and_a_build(
    s: &TestServer,
    assignees_max: u32,
) -> (reqwest::Client, String, String, Vec<String>) {
    let (c, _) = signup(s, "ann@x.io").await;
    let mut people = Vec::new();
    for name in ["Dee", "Eve"] {
        let p = created(
            &c,
            s,
            "/api/v1/people",
            json!({"name": name, "role": "Designer"}),
        )
        .await;
        people.push(id(&p));
    }
    let p = created(&c, s, "/api/v1/prj", json!({"name": "Site"})).await;
    let tasks = format!("/api/v1/prj/{}/tasks", id(&p));
    let build = created(
        &c,
        s,
        &tasks,
        json!({"name": "Build", "effort_hours": 80, "role": "Designer", "assignees_max": assignees_max}),
    )
    .await;
    assert_eq!(build["assignees_max"], assignees_max);
    created(
        &c,
        s,
        &tasks,
        json!({"name": "Review", "effort_hours": 8, "role": "Designer", "depends_on": [id(&build)]}),
    )
    .await;
    (c, id(&p), id(&build), people)
}

#[tokio::test]
async fn a_shared_task_is_one_allocation_per_person_and_finishes_earlier() {
    let s = TestServer::fresh().await;
    let (c, project, build, people) = two_designers_and_a_build(&s, 1).await;
    let alone = preview(&c, &s, &project).await;
    // 80 h by one person at 8 h a day: two working weeks.
    assert_eq!(outcome(&alone, "Build")["finish"], "2026-03-13");
    assert_eq!(
        outcome(&alone, "Build")["parts"].as_array().unwrap().len(),
        1
    );

    let (status, task) = patch(
        &c,
        &s,
        &format!("/api/v1/prj/{project}/tasks/{build}"),
        json!({"assignees_max": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    let shared = preview(&c, &s, &project).await;
    let b = outcome(&shared, "Build");
    // Both of them: one week.
    assert_eq!(b["finish"], "2026-03-06", "{b}");
    let parts = b["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{b}");
    let mut who: Vec<&str> = parts
        .iter()
        .map(|p| p["person_id"].as_str().unwrap())
        .collect();
    who.sort();
    let mut expected: Vec<&str> = people.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(who, expected);
    assert!(
        parts
            .iter()
            .all(|p| p["name"] == "Dee" || p["name"] == "Eve")
    );
    let total: f64 = parts.iter().map(|p| p["hours"].as_f64().unwrap()).sum();
    assert!((total - 80.0).abs() < 0.01, "{b}");
    // Equally free, they take equal parts.
    assert!(
        parts
            .iter()
            .all(|p| (p["hours"].as_f64().unwrap() - 40.0).abs() < 0.01),
        "{b}"
    );
    // Each part is an allocation of its own within the person's 8 h a day.
    let allocs: Vec<&Value> = shared["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["task_id"] == json!(build))
        .collect();
    for person in &people {
        let mine: Vec<&&Value> = allocs
            .iter()
            .filter(|a| a["person_id"] == json!(person))
            .collect();
        assert!(!mine.is_empty(), "{person} has no part in {allocs:?}");
        assert!(
            mine.iter()
                .all(|a| a["hours_per_day"].as_f64().unwrap() <= 8.0)
        );
    }
    let booked: f64 = allocs.iter().map(|a| booked_hours(a)).sum();
    assert!((booked - 80.0).abs() < 0.01, "{allocs:?}");
    // The review waits for the last part.
    assert_eq!(outcome(&shared, "Review")["start"], "2026-03-09");
    let bound = &shared["bounds"][0];
    assert_eq!(bound["days_above_earliest"], 0, "{bound}");

    // Applied, both people hold the build; a re-plan keeps it as it is.
    let (status, applied) = post(
        &c,
        &s,
        "/api/v1/schedule/apply",
        json!({"proposal_id": shared["proposal_id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    let (_, all) = get(&c, &s, "/api/v1/allocations").await;
    let holders: std::collections::HashSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["task_id"] == json!(build))
        .map(|a| a["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(holders.len(), 2);
    let again = preview(&c, &s, &project).await;
    assert_eq!(again["moved"], 0, "{again}");
    assert_eq!(outcome(&again, "Build")["parts"], b["parts"]);

    // Pinned, the shared task keeps both parts and gets no new allocation.
    let (status, _) = patch(
        &c,
        &s,
        &format!("/api/v1/prj/{project}/tasks/{build}"),
        json!({"pinned": true, "effort_hours": 120}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let pinned = preview(&c, &s, &project).await;
    let p = outcome(&pinned, "Build");
    assert_eq!(p["pinned"], true);
    assert_eq!(p["parts"], b["parts"]);
    assert!(
        pinned["allocations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["task_id"] != json!(build))
    );
    s.stop().await;
}

#[tokio::test]
async fn a_late_shared_task_says_whose_other_work_held_its_last_part() {
    let s = TestServer::fresh().await;
    let (c, project, build, people) = two_designers_and_a_build(&s, 2).await;
    let tasks = format!("/api/v1/prj/{project}/tasks");
    // Eve supports the launch Monday to Wednesday first; the build is due on Friday,
    // which Dee and Eve together would make on free calendars.
    created(
        &c,
        &s,
        &tasks,
        json!({"name": "Support", "effort_hours": 24, "person_id": people[1], "priority": 5}),
    )
    .await;
    let (status, _) = patch(
        &c,
        &s,
        &format!("{tasks}/{build}"),
        json!({"deadline": "2026-03-06"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let proposal = preview(&c, &s, &project).await;
    let b = outcome(&proposal, "Build");
    assert_eq!(b["parts"].as_array().unwrap().len(), 2, "{b}");
    assert!(b["late_by_days"].as_u64().unwrap() > 0, "{b}");
    // Dee starts first, but the build waits for Eve: the reason names her and why.
    assert_eq!(b["person_id"], json!(people[0]), "{b}");
    assert_eq!(b["reason"], "waiting for Eve, busy with Support", "{b}");
    s.stop().await;
}

#[tokio::test]
async fn assignees_max_out_of_range_is_refused_and_changes_nothing() {
    let s = TestServer::fresh().await;
    let (c, project, build, _) = two_designers_and_a_build(&s, 3).await;
    let tasks = format!("/api/v1/prj/{project}/tasks");
    for bad in [json!(0), json!(11), json!(-1), json!(2.5), json!("two")] {
        let (status, err) = post(
            &c,
            &s,
            &tasks,
            json!({"name": "Odd", "effort_hours": 8, "assignees_max": bad}),
        )
        .await;
        assert!(status.is_client_error(), "{bad} -> {status} {err}");
        assert!(
            err["error"].as_str().unwrap().contains("assignees_max"),
            "{bad} -> {err}"
        );
        let (status, _) = patch(
            &c,
            &s,
            &format!("{tasks}/{build}"),
            json!({"assignees_max": bad}),
        )
        .await;
        assert!(status.is_client_error(), "{bad} -> {status}");
    }
    let (_, list) = get(&c, &s, &tasks).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "nothing was added");
    let build = list.iter().find(|t| t["name"] == "Build").unwrap();
    assert_eq!(build["assignees_max"], 3, "nothing was changed");
    // Left out, it is 1.
    let review = list.iter().find(|t| t["name"] == "Review").unwrap();
    assert_eq!(review["assignees_max"], 1);
    s.stop().await;
}

#[tokio::test]
async fn assignees_max_travels_with_the_team_export_and_the_openapi_document() {
    let s = TestServer::fresh().await;
    let (c, _, _, _) = two_designers_and_a_build(&s, 4).await;
    let (status, doc) = get(&c, &s, "/api/v1/team/export").await;
    assert_eq!(status, StatusCode::OK);
    let build = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Build")
        .unwrap()
        .clone();
    assert_eq!(build["assignees_max"], 4);
    let (other, _) = signup(&s, "bo@x.io").await;
    let (status, loaded) = post(&other, &s, "/api/v1/team/import", doc.clone()).await;
    assert_eq!(status, StatusCode::OK, "{loaded}");
    let (_, again) = get(&other, &s, "/api/v1/team/export").await;
    assert!(
        again["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Build" && t["assignees_max"] == 4)
    );
    // A document with a value out of range loads nothing.
    let mut bad = doc.clone();
    for t in bad["tasks"].as_array_mut().unwrap() {
        t["assignees_max"] = json!(50);
    }
    let (third, _) = signup(&s, "cy@x.io").await;
    let (status, err) = post(&third, &s, "/api/v1/team/import", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["error"].as_str().unwrap().contains("assignees_max"));

    let (_, api) = get(&c, &s, "/api/v1/openapi.json").await;
    let schemas = &api["components"]["schemas"];
    let field = &schemas["TaskInput"]["properties"]["assignees_max"];
    assert_eq!(
        (field["minimum"].clone(), field["maximum"].clone()),
        (json!(1), json!(10))
    );
    assert!(schemas["Task"]["properties"]["assignees_max"].is_object());
    assert!(schemas["TaskOutcome"]["properties"]["parts"].is_object());
    assert!(schemas["TaskPart"]["properties"]["hours"].is_object());
    s.stop().await;
}
