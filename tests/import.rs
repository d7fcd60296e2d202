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

    // Leave types as other tools write them, and part days.
    let leave = "Person,Start,End,Leave type,Hours off\nAnn Smith,2026-06-01,2026-06-01,Sick leave,\nAnn Smith,2026-06-08,2026-06-12,Vacation,4\n";
    let (status, r) = import(&c, &s, "timeoff", "dry_run=false", leave).await;
    assert_eq!(
        (status, r["created"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{r}"
    );
    let (_, off) = get(&c, &s, "/api/v1/timeoff").await;
    let june: Vec<&Value> = off
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["start"].as_str().unwrap() >= "2026-06")
        .collect();
    assert_eq!(june.len(), 2, "{off}");
    assert!(
        june.iter()
            .any(|t| t["type"] == "sick" && t["hours"].is_null()),
        "{off}"
    );
    assert!(
        june.iter()
            .any(|t| t["type"] == "time_off" && t["hours"] == 4.0),
        "{off}"
    );
    let bad = "Person,Start,End,Type\nAnn Smith,2026-07-06,2026-07-06,Sabbatical-ish\n";
    let (status, r) = import(&c, &s, "timeoff", "dry_run=false", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["errors"][0]["column"], "Type", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("kind of leave"),
        "{r}"
    );
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

#[tokio::test]
async fn people_match_by_external_id_first_then_email_then_name() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let first = "Employee ID,Name,Email\nE-1,Ann Smith,ann@example.com\nE-2,Bo Lind,\n,Cy Berg,\n";
    let (status, done) = import(&c, &s, "people", "dry_run=false", first).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(people[0]["external_id"], "E-1");
    let id_of = |people: &Value, name: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["id"].clone())
    };
    let (ann, bo, cy) = (
        id_of(&people, "Ann Smith").unwrap(),
        id_of(&people, "Bo Lind").unwrap(),
        id_of(&people, "Cy Berg").unwrap(),
    );

    // E-1 renamed and with a new email is still Ann: the external id wins.
    // Bo has no email: his external id finds him under a new name too.
    // Cy had no external id: matched by name, and given one.
    let second = "Employee ID,Name,Email\nE-1,Ann Smith-Lee,ann.lee@example.com\nE-2,Bo Lindqvist,\nE-3,Cy Berg,\n";
    let (_, dry) = import(&c, &s, "people", "dry_run=true", second).await;
    assert_eq!(
        (dry["created"].as_u64(), dry["updated"].as_u64()),
        (Some(0), Some(3)),
        "{dry}"
    );
    import(&c, &s, "people", "dry_run=false", second).await;
    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(people.as_array().unwrap().len(), 3);
    assert_eq!(id_of(&people, "Ann Smith-Lee"), Some(ann));
    assert_eq!(id_of(&people, "Bo Lindqvist"), Some(bo.clone()));
    assert_eq!(id_of(&people, "Cy Berg"), Some(cy));

    // A row whose name matches someone who carries another external id is someone else.
    let third = "Employee ID,Name\nE-9,Bo Lindqvist\n";
    let (_, dry) = import(&c, &s, "people", "dry_run=true", third).await;
    assert_eq!(
        (dry["created"].as_u64(), dry["updated"].as_u64()),
        (Some(1), Some(0)),
        "{dry}"
    );

    // Re-importing the same file changes nothing.
    let (_, again) = import(&c, &s, "people", "dry_run=false", second).await;
    assert_eq!(again["unchanged"].as_u64(), Some(3), "{again}");
}

#[tokio::test]
async fn clients_and_projects_match_by_external_id_before_name() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let clients = "Client ID,Client\nC-7,Acme\n";
    let (status, done) = import(&c, &s, "clients", "dry_run=false", clients).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let projects = "Project code,Project,Status\nJ-1,Website,active\n";
    let (status, done) = import(&c, &s, "projects", "dry_run=false", projects).await;
    assert_eq!(status, StatusCode::OK, "{done}");

    // Both renamed in the other system: updated, not created again.
    let (_, upd) = import(
        &c,
        &s,
        "clients",
        "dry_run=false",
        "Client ID,Client\nC-7,Acme Corp\n",
    )
    .await;
    assert_eq!(
        (upd["created"].as_u64(), upd["updated"].as_u64()),
        (Some(0), Some(1)),
        "{upd}"
    );
    let renamed = "Project code,Project,Status\nJ-1,Website relaunch,active\n";
    let (_, upd) = import(&c, &s, "projects", "dry_run=false", renamed).await;
    assert_eq!(
        (upd["created"].as_u64(), upd["updated"].as_u64()),
        (Some(0), Some(1)),
        "{upd}"
    );
    let (_, list) = get(&c, &s, "/api/v1/clients").await;
    assert_eq!(names(&list), ["Acme Corp"]);
    assert_eq!(list[0]["external_id"], "C-7");
    let (_, list) = get(&c, &s, "/api/v1/prj/list").await;
    assert_eq!(names(&list), ["Website relaunch"]);
    assert_eq!(list[0]["external_id"], "J-1");

    // The external id is also an ordinary field of the API.
    let id = list[0]["id"].as_str().unwrap().to_string();
    let (status, p) = patch(
        &c,
        &s,
        &format!("/api/v1/prj/{id}"),
        json!({"external_id": "J-2"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["external_id"], "J-2");
}

/// A plan `tj3` schedules without an error (TaskJuggler 3.7), and what TaskJuggler's own
/// export report wrote from it: see the files' headers.
const CONSULTING: &str = include_str!("fixtures/taskjuggler/consulting.tjp");
const EXPORTED: &str = include_str!("fixtures/taskjuggler/exported.tjp");

/// The 1-based number of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn warnings_of(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// The tasks of the project named `project`, by name.
async fn tasks_of(c: &Client, s: &TestServer, project: &str) -> Vec<Value> {
    let (_, projects) = get(c, s, "/api/v1/prj/list").await;
    let p = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == project)
        .unwrap_or_else(|| panic!("no project {project} in {projects}"));
    let (_, tasks) = get(
        c,
        s,
        &format!("/api/v1/prj/{}/tasks", p["id"].as_str().unwrap()),
    )
    .await;
    tasks.as_array().unwrap().clone()
}

fn task<'a>(tasks: &'a [Value], name: &str) -> &'a Value {
    tasks.iter().find(|t| t["name"] == name).unwrap()
}

#[tokio::test]
async fn a_plan_taskjuggler_accepts_imports_with_each_unread_line_warned() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let (status, done) = import(&c, &s, "taskjuggler", "dry_run=false", CONSULTING).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let warnings = warnings_of(&done);
    for (needle, what) in [
        ("efficiency 0.9", "efficiency"),
        ("journalentry", "journalentry"),
        ("flags billable\n\nresource", "flags"),
        ("    flags billable", "flags"),
    ] {
        let line = line_of(CONSULTING, needle.split('\n').next().unwrap());
        let line = if needle.starts_with("    ") {
            CONSULTING.lines().position(|l| l == needle).unwrap() + 1
        } else {
            line
        };
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("Line {line}:")) && w.contains(what)),
            "no warning for line {line} ({what}): {warnings:?}"
        );
    }
    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(names(&people), ["Ann", "Bo", "Cy"]);
    let tasks = tasks_of(&c, &s, "Rollout").await;
    assert_eq!(task(&tasks, "Design")["effort_hours"], 40.0);
    assert_eq!(task(&tasks, "Build")["effort_hours"], 80.0);
    assert_eq!(task(&tasks, "Test")["effort_hours"], 24.0);
    assert_eq!(task(&tasks, "Test")["person_id"], people[1]["id"]);
    let ops = tasks_of(&c, &s, "Operations").await;
    assert_eq!(task(&ops, "Operations")["effort_hours"], 80.0);
    assert_eq!(task(&ops, "Operations")["earliest_start"], "2026-04-01");
}

#[tokio::test]
async fn a_plan_exported_by_taskjuggler_imports_its_bookings_as_efforts() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    let (status, done) = import(&c, &s, "taskjuggler", "dry_run=false", EXPORTED).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let warnings = warnings_of(&done);
    // What the export adds beyond the subset is named, each with its line.
    for (needle, what) in [
        ("projectids acme", "projectids"),
        ("scenario plan", "scenario"),
        ("    scheduled", "scheduled"),
        ("supplement resource devs", "devs"),
    ] {
        let line = line_of(EXPORTED, needle);
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("Line {line}:")) && w.contains(what)),
            "no warning for line {line} ({what}): {warnings:?}"
        );
    }
    assert!(
        !warnings.iter().any(|w| w.contains("no effort")),
        "{warnings:?}"
    );

    let (_, people) = get(&c, &s, "/api/v1/people").await;
    assert_eq!(names(&people), ["Ann", "Bo", "Cy"]);
    assert_eq!(people[0]["role"], "Developers");
    assert_eq!(
        people[2]["weekly_hours"],
        json!([7.0, 7.0, 7.0, 7.0, 0.0, 0.0, 0.0])
    );
    // Each task's bookings are its effort; whoever was booked, its allocation.
    let tasks = tasks_of(&c, &s, "Rollout").await;
    let (design, build, test) = (
        task(&tasks, "Design"),
        task(&tasks, "Build"),
        task(&tasks, "Test"),
    );
    assert_eq!(design["effort_hours"], 40.0);
    assert_eq!(design["person_id"], people[2]["id"]);
    assert_eq!(design["priority"], 800);
    assert_eq!(build["effort_hours"], 85.0);
    assert_eq!(build["skills"], people[0]["skills"]);
    assert_eq!(build["skills"], people[1]["skills"]);
    assert_eq!(build["depends_on"], json!([design["id"]]));
    // Written with `duration 3d`: three days of the calendar from midday, 21 hours booked.
    assert_eq!(test["effort_hours"], 21.0);
    assert_eq!(test["person_id"], people[1]["id"]);
    assert_eq!(test["depends_on"], json!([build["id"]]));
    let ops = tasks_of(&c, &s, "Operations").await;
    assert_eq!(task(&ops, "Operations")["effort_hours"], 89.0);
    assert_eq!(task(&ops, "Operations")["person_id"], people[0]["id"]);
}
