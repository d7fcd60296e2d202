//! The whole team out and back in: export, import into a new team, export again gives
//! the same document apart from ids, and every report reads the same.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Every id replaced by the order in which it first appears.
fn without_ids(doc: &Value) -> Value {
    fn walk(v: &Value, key: &str, seen: &mut HashMap<String, usize>) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), walk(v, k, seen)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|i| walk(i, key, seen)).collect()),
            Value::String(s) if key == "id" || key.ends_with("_id") || key == "depends_on" => {
                let n = seen.len();
                Value::from(format!("#{}", seen.entry(s.clone()).or_insert(n)))
            }
            other => other.clone(),
        }
    }
    walk(doc, "", &mut HashMap::new())
}

/// A report's JSON with ids dropped (names remain).
fn strip_ids(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !(k.as_str() == "id" || k.ends_with("_id")))
                .map(|(k, v)| (k.clone(), strip_ids(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_ids).collect()),
        other => other.clone(),
    }
}

async fn reports(c: &Client, s: &TestServer) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/api/v1/reports/utilisation?from=2026-03-01&to=2026-04-30&interval=week",
        "/api/v1/reports/overbooked?from=2026-03-01&to=2026-04-30",
        "/api/v1/reports/pipeline?from=2026-03-01&to=2026-04-30",
        "/api/v1/reports/actuals?from=2026-03-01&to=2026-04-30",
    ] {
        let (status, report) = get(c, s, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {report}");
        out.push(strip_ids(&report));
    }
    out
}

#[tokio::test]
async fn export_import_export_is_lossless_and_reports_agree() {
    let s = TestServer::fresh().await;
    let (a, _) = signup(&s, "ann@example.com").await;
    patch(
        &a,
        &s,
        "/api/v1/team",
        json!({"name": "Studio A", "timezone": "Europe/Paris", "week_start": "sunday"}),
    )
    .await;
    let (_, client) = post(&a, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    let (_, ann) = post(
        &a,
        &s,
        "/api/v1/people",
        json!({"name": "Ann", "email": "ann@studio.example", "skills": ["ux"], "bill_rate": 120.0}),
    )
    .await;
    let (_, bo) = post(
        &a,
        &s,
        "/api/v1/people",
        json!({"name": "Bo", "weekly_hours": [6, 6, 6, 6, 0, 0, 0]}),
    )
    .await;
    let (_, atlas) = post(&a, &s, "/api/v1/prj", json!({"name": "Atlas", "client_id": id(&client), "status": "proposal", "budget_hours": 200})).await;
    let (status, alloc) = post(&a, &s, "/api/v1/allocations", json!({"project_id": id(&atlas), "person_id": id(&ann), "start": "2026-03-02", "end": "2026-03-20", "hours_per_day": 6, "tentative": true})).await;
    assert_eq!(status, StatusCode::CREATED, "{alloc}");
    post(&a, &s, "/api/v1/allocations", json!({"project_id": id(&atlas), "placeholder_role": "Developer", "start": "2026-04-06", "end": "2026-04-10"})).await;
    post(&a, &s, "/api/v1/timeoff", json!({"person_id": id(&bo), "start": "2026-03-09", "end": "2026-03-11", "reason": "Holiday"})).await;
    let (status, actual) = post(&a, &s, "/api/v1/actuals", json!({"person_id": id(&ann), "project_id": id(&atlas), "date": "2026-03-03", "hours": 5.5})).await;
    assert_eq!(status, StatusCode::CREATED, "{actual}");
    let tasks = format!("/api/v1/prj/{}/tasks", id(&atlas));
    let (_, design) = post(
        &a,
        &s,
        &tasks,
        json!({"name": "Design", "effort_hours": 40, "skills": ["ux"]}),
    )
    .await;
    let (status, build) = post(
        &a,
        &s,
        &tasks,
        json!({"name": "Build", "effort_hours": 80, "depends_on": [id(&design)]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{build}");

    let (status, first) = get(&a, &s, "/api/v1/team/export").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["format"], "kronuz-team");
    assert_eq!(first["version"], 1);
    let text = first.to_string();
    assert!(
        !text.contains("password") && !text.contains("token"),
        "no secrets: {text}"
    );

    let (b, _) = signup(&s, "bo@example.com").await;
    let (status, loaded) = post(&b, &s, "/api/v1/team/import", first.clone()).await;
    assert_eq!(status, StatusCode::OK, "{loaded}");
    assert_eq!(loaded["records"], 10);
    let (_, second) = get(&b, &s, "/api/v1/team/export").await;
    assert_eq!(without_ids(&first), without_ids(&second));
    assert_ne!(first["people"][0]["id"], second["people"][0]["id"]);
    assert_eq!(reports(&a, &s).await, reports(&b, &s).await);

    // Only into an empty team; one undo takes the whole load away.
    let (status, _) = post(&b, &s, "/api/v1/team/import", first.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post(&b, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&b, &s, "/api/v1/people").await.1, json!([]));
}

#[tokio::test]
async fn a_bad_document_is_refused_and_loads_nothing() {
    let s = TestServer::fresh().await;
    let (a, _) = signup(&s, "ann@example.com").await;
    let (_, mut doc) = get(&a, &s, "/api/v1/team/export").await;
    doc["version"] = json!(99);
    let (status, err) = post(&a, &s, "/api/v1/team/import", doc.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    doc["version"] = json!(1);
    doc["people"] = json!([{"id": "p1", "name": "Ann", "email": null, "role": null, "skills": [], "weekly_hours": [30, 8, 8, 8, 8, 0, 0], "timezone": null, "start_date": null, "end_date": null, "cost_rate": null, "bill_rate": null, "archived": false}]);
    let (status, err) = post(&a, &s, "/api/v1/team/import", doc.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("people[0]"),
        "{err}"
    );
    doc["people"] = json!([]);
    doc["allocations"] = json!([{"id": "a1", "project_id": "nowhere", "person_id": null, "placeholder_role": "Dev", "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 8, "tentative": false, "note": null}]);
    let (status, err) = post(&a, &s, "/api/v1/team/import", doc).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(get(&a, &s, "/api/v1/people").await.1, json!([]));
}
