//! CSV imports over real TCP: a dry run that changes nothing, an import that applies
//! every row or none as one undoable change, and a re-import that changes nothing.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(
    c: &Client,
    s: &TestServer,
    kind: &str,
    query: &str,
    csv: &str,
) -> (StatusCode, Value) {
    body(
        c.post(s.url(&format!("/api/v1/import/{kind}?{query}")))
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await
}

const PEOPLE: &str = "\u{feff}Full name;E-mail;Job title;Hours/day;Skills\n\
Ann Smith;ann@example.com;Designer;7,5;\"ux, research\"\n\
Bo Lind;bo@example.com;Developer;8;rust\n";

#[tokio::test]
async fn people_dry_run_changes_nothing_then_apply_is_one_undoable_change() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let (status, dry) = import(&c, &s, "people", "dry_run=true", PEOPLE).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["created"].as_u64(), dry["updated"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(dry["rows"][0]["row"], 2);
    assert_eq!(dry["rows"][0]["action"], "create");
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));

    let (status, done) = import(&c, &s, "people", "dry_run=false", PEOPLE).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done["activity_id"].is_string());
    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(names(&people), ["Ann Smith", "Bo Lind"]);
    let ann = &people[0];
    assert_eq!(ann["email"], "ann@example.com");
    assert_eq!(ann["role"], "Designer");
    assert_eq!(
        ann["weekly_hours"],
        json!([7.5, 7.5, 7.5, 7.5, 7.5, 0.0, 0.0])
    );
    assert_eq!(ann["skills"], json!(["ux", "research"]));

    // Again: nothing to do.
    let (status, again) = import(&c, &s, "people", "dry_run=false", PEOPLE).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (
            again["created"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    assert!(again["activity_id"].is_null());

    // A changed role is an update, matched by email even with another name.
    let changed = "Name,Email,Role\nAnn Smith-Lee,ann@example.com,Lead designer\n";
    let (_, upd) = import(&c, &s, "people", "dry_run=false", changed).await;
    assert_eq!(
        (upd["created"].as_u64(), upd["updated"].as_u64()),
        (Some(0), Some(1)),
        "{upd}"
    );
    assert_eq!(
        names(&get(&c, &s, "/api/v1/people").await.1),
        ["Ann Smith-Lee", "Bo Lind"]
    );

    // One undo reverts the update; another the whole first import.
    post(&c, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(
        names(&get(&c, &s, "/api/v1/people").await.1),
        ["Ann Smith", "Bo Lind"]
    );
    let (status, _) = post(&c, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));
}

#[tokio::test]
async fn a_file_with_errors_names_row_and_column_and_imports_nothing() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let csv = "Name,Email,Hours per day,Start date\n\
Ann,ann@example.com,8,2026-01-05\n\
Bo,not-an-email,8,2026-01-05\n\
Cy,cy@example.com,lots,05/01/2026\n\
Ann,ann@example.com,8,2026-01-05\n";
    let (status, report) = import(&c, &s, "people", "dry_run=false", csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("nothing was imported")
    );
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "Email".to_string()),
            (4, "Hours per day".to_string()),
            (4, "Start date".to_string()),
            (5, "".to_string())
        ],
        "{report}"
    );
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email")
    );
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));

    // Day-first dates when asked for.
    let (status, ok) = import(
        &c,
        &s,
        "people",
        "dry_run=false&date_format=dmy",
        "Name,Start date\nCy,05/01/2026\n",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(
        get(&c, &s, "/api/v1/people").await.1[0]["start_date"],
        "2026-01-05"
    );
}

#[tokio::test]
async fn clients_projects_allocations_and_time_off_import_by_name_and_reimport_idempotently() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    import(&c, &s, "people", "dry_run=false", PEOPLE).await;
    let clients = "Client\nAcme\n";
    let (status, r) = import(&c, &s, "clients", "dry_run=false", clients).await;
    assert_eq!(
        (status, r["created"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{r}"
    );
    let projects = "Project,Client,Status,Budget\nAtlas,Acme,Active,100\nBeacon,Globex,Lead,40\n";
    let (status, r) = import(&c, &s, "projects", "dry_run=false", projects).await;
    // Globex is new: made with its project.
    assert_eq!(
        (status, r["created"].as_u64()),
        (StatusCode::OK, Some(3)),
        "{r}"
    );
    let allocations = "Person,Project,Start,End,Hours/day,Tentative\n\
ann@example.com,Atlas,2026-03-02,2026-03-06,4,no\n\
Bo Lind,Beacon,2026-03-02,2026-03-13,,yes\n";
    let (status, r) = import(&c, &s, "allocations", "dry_run=false", allocations).await;
    assert_eq!(
        (status, r["created"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{r}"
    );
    let timeoff = "Person,From,To,Reason\nAnn Smith,2026-04-06,2026-04-10,Holiday\n";
    let (status, r) = import(&c, &s, "timeoff", "dry_run=false", timeoff).await;
    assert_eq!(
        (status, r["created"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{r}"
    );

    let (_, list) = get(&c, &s, "/api/v1/allocations?from=2026-01-01&to=2026-12-31").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(
        list.iter()
            .any(|a| a["hours_per_day"] == 4.0 && a["tentative"] == false)
    );
    assert!(
        list.iter()
            .any(|a| a["hours_per_day"] == 8.0 && a["tentative"] == true)
    );

    for (kind, csv) in [
        ("clients", clients),
        ("projects", projects),
        ("allocations", allocations),
        ("timeoff", timeoff),
    ] {
        let (status, r) = import(&c, &s, kind, "dry_run=false", csv).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {r}");
        assert_eq!(
            (r["created"].as_u64(), r["updated"].as_u64()),
            (Some(0), Some(0)),
            "{kind}: {r}"
        );
        assert!(r["activity_id"].is_null(), "{kind}: {r}");
    }

    // A booking for someone unknown is an error on its column; nothing lands.
    let bad = "Person,Project,Start,End\nZed,Atlas,2026-03-02,2026-03-06\nAnn Smith,Atlas,2026-05-04,2026-05-08\n";
    let (status, r) = import(&c, &s, "allocations", "dry_run=false", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r["errors"][0]["column"], "Person");
    let (_, after) = get(&c, &s, "/api/v1/allocations?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(after.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn bad_files_and_unknown_kinds_are_clear_4xx() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let (status, r) = import(&c, &s, "people", "", "Email\nann@example.com\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r["error"].as_str().unwrap().contains("\"name\" column"),
        "{r}"
    );
    assert_eq!(
        import(&c, &s, "planets", "", "Name\nMars\n").await.0,
        StatusCode::NOT_FOUND
    );
    let resp = c
        .post(s.url("/api/v1/import/people"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A dry run is the default.
    let (status, r) = import(&c, &s, "people", "", "Name\nAnn\n").await;
    assert_eq!(
        (status, r["dry_run"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));
}

const PLAN: &str = r#"
project acme "Acme rollout" 2026-03-02 +3m {
  timezone "Europe/Paris"
  dailyworkinghours 8
}

resource devs "Developers" {
  resource ann "Ann" { efficiency 0.9 }
  resource bo "Bo" {
    vacation 2026-03-16 - 2026-03-21
  }
}
resource cy "Cy" {
  workinghours mon-thu 9:00-12:00, 13:00-17:00
  workinghours fri off
}

task rollout "Rollout" {
  task design "Design" {
    effort 5d
    allocate cy
    priority 800
  }
  task build "Build" {
    effort 80h
    depends !design
    allocate ann { alternative bo }
    maxend 2026-04-30
  }
  task test "Test" {
    duration 3d
    depends !build
    journalentry 2026-03-03 "Kick-off" { }
  }
}
task ops "Operations" {
  effort 2w
  start 2026-04-01
  depends rollout.test
}
"#;

#[tokio::test]
async fn a_taskjuggler_plan_becomes_people_projects_and_plannable_tasks() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let (status, dry) = import(&c, &s, "taskjuggler", "dry_run=true", PLAN).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    let warnings: Vec<&str> = dry["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Line 8:") && w.contains("efficiency")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("journalentry")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("another project")),
        "{warnings:?}"
    );
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));

    let (status, done) = import(&c, &s, "taskjuggler", "dry_run=false", PLAN).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(names(&people), ["Ann", "Bo", "Cy"]);
    assert_eq!(people[0]["role"], "Developers");
    assert_eq!(
        people[2]["weekly_hours"],
        json!([7.0, 7.0, 7.0, 7.0, 0.0, 0.0, 0.0])
    );
    assert_eq!(people[0]["skills"], people[1]["skills"]);
    assert!(people[2]["skills"].as_array().unwrap().is_empty());
    let (_, off) = get(&c, &s, "/api/v1/timeoff").await;
    assert_eq!(off[0]["start"], "2026-03-16");
    assert_eq!(off[0]["end"], "2026-03-20");

    let (_, projects) = get(&c, &s, "/api/v1/prj/list").await;
    let rollout = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Rollout")
        .unwrap();
    let (_, tasks) = get(
        &c,
        &s,
        &format!("/api/v1/prj/{}/tasks", rollout["id"].as_str().unwrap()),
    )
    .await;
    let task = |n: &str| {
        tasks
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .unwrap()
            .clone()
    };
    let (design, build, test) = (task("Design"), task("Build"), task("Test"));
    assert_eq!(design["effort_hours"], 40.0);
    assert_eq!(design["person_id"], people[2]["id"]);
    assert_eq!(design["priority"], 800);
    assert_eq!(design["earliest_start"], "2026-03-02");
    assert_eq!(build["effort_hours"], 80.0);
    assert_eq!(build["skills"], people[0]["skills"]);
    assert_eq!(build["depends_on"], json!([design["id"]]));
    assert_eq!(build["deadline"], "2026-04-30");
    assert_eq!(test["effort_hours"], 24.0);
    assert_eq!(test["depends_on"], json!([build["id"]]));

    // One undo takes it all away.
    post(&c, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(get(&c, &s, "/api/v1/people").await.1, json!([]));
}
