//! One meaning of booked, over real TCP: the shared fixture
//! (`web/test/fixtures/booked.json`: confirmed and tentative work, a team holiday, a
//! day off, half a day off, a request not yet approved, a part-timer who starts mid-range, a placeholder) is built through the API,
//! and every endpoint that sums hours gives the hours counted by hand there: project
//! summaries, the pipeline, utilisation as JSON and as CSV, overbooked days. Also the
//! default hours of a booking that gives none.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;

const FIXTURE: &str = include_str!("../web/test/fixtures/booked.json");

struct Built {
    c: Client,
    /// Fixture id -> the server's id.
    ids: HashMap<String, String>,
    expected: Value,
    from: String,
    to: String,
}

async fn created(c: &Client, s: &TestServer, path: &str, body: Value) -> String {
    let (status, v) = post(c, s, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body} -> {v}");
    v["id"].as_str().unwrap().to_string()
}

/// The fields of a fixture record that a client sends, its ids mapped to the server's.
fn input(record: &Value, fields: &[&str], ids: &HashMap<String, String>) -> Value {
    let mut out = serde_json::Map::new();
    for f in fields {
        if let Some(v) = record.get(*f).filter(|v| !v.is_null()) {
            let v = match v.as_str().and_then(|s| ids.get(s)) {
                Some(id) if f.ends_with("_id") => json!(id),
                _ => v.clone(),
            };
            out.insert(f.to_string(), v);
        }
    }
    Value::Object(out)
}

async fn build(s: &TestServer) -> Built {
    let v: Value = serde_json::from_str(FIXTURE).unwrap();
    let (c, _) = signup(s, "owner@booked.io").await;
    let mut ids = HashMap::new();
    for (kind, path, fields) in [
        (
            "people",
            "/api/v1/people",
            &["name", "role", "weekly_hours", "start_date", "end_date"][..],
        ),
        (
            "projects",
            "/api/v1/prj",
            &["name", "status", "probability", "budget_hours"][..],
        ),
        (
            "timeoff",
            "/api/v1/timeoff",
            &[
                "person_id",
                "start",
                "end",
                "reason",
                "type",
                "hours",
                "status",
            ][..],
        ),
        (
            "allocations",
            "/api/v1/allocations",
            &[
                "project_id",
                "person_id",
                "placeholder_role",
                "start",
                "end",
                "hours_per_day",
                "tentative",
            ][..],
        ),
    ] {
        for record in v[kind].as_array().unwrap() {
            let id = created(&c, s, path, input(record, fields, &ids)).await;
            ids.insert(record["id"].as_str().unwrap().to_string(), id);
        }
    }
    Built {
        c,
        ids,
        expected: v["expected"].clone(),
        from: v["from"].as_str().unwrap().into(),
        to: v["to"].as_str().unwrap().into(),
    }
}

#[tokio::test]
async fn every_endpoint_counts_the_same_hours() {
    let s = TestServer::fresh().await;
    let b = build(&s).await;
    let (c, want) = (&b.c, &b.expected);
    let range = format!("from={}&to={}", b.from, b.to);

    // Project summaries: scheduled and tentative apart.
    for (id, w) in want["projects"].as_object().unwrap() {
        let (status, r) = get(c, &s, &format!("/api/v1/prj/{}/summary", b.ids[id])).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        for k in ["scheduled_hours", "tentative_hours"] {
            assert_eq!(r[k].as_f64(), w[k].as_f64(), "{id} {k}: {r}");
        }
    }

    // Utilisation as JSON, per person and in total.
    let (status, u) = get(c, &s, &format!("/api/v1/reports/utilisation?{range}")).await;
    assert_eq!(status, StatusCode::OK, "{u}");
    let rows = u["people"].as_array().unwrap();
    for (id, w) in want["people"].as_object().unwrap() {
        let row = rows
            .iter()
            .find(|r| r["person_id"] == json!(b.ids[id]))
            .unwrap();
        for (k, v) in w.as_object().unwrap() {
            assert_eq!(row[k].as_f64(), v.as_f64(), "{id} {k}: {row}");
        }
    }
    for (k, v) in want["totals"].as_object().unwrap() {
        assert_eq!(u["totals"][k].as_f64(), v.as_f64(), "totals {k}");
    }

    // The same as CSV.
    let csv = c
        .get(s.url(&format!("/api/v1/reports/utilisation?{range}&format=csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let id = b.ids.iter().find(|(_, v)| **v == cells[0]).unwrap().0;
        for (k, v) in want["people"][id].as_object().unwrap() {
            let i = header.iter().position(|h| h == k).unwrap();
            assert_eq!(cells[i].parse::<f64>().ok(), v.as_f64(), "CSV {id} {k}");
        }
    }

    // The pipeline, week by week: the same scheduled and tentative hours, whatever
    // the projects' status (Borealis is a proposal).
    let (status, p) = get(c, &s, &format!("/api/v1/reports/pipeline?{range}")).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let weeks = p["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), want["weeks"].as_array().unwrap().len());
    for (got, w) in weeks.iter().zip(want["weeks"].as_array().unwrap()) {
        for (k, v) in w.as_object().unwrap() {
            match v.as_f64() {
                Some(x) => assert_eq!(got[k].as_f64(), Some(x), "week {} {k}", w["start"]),
                None => assert_eq!(&got[k], v),
            }
        }
    }

    // Overbooked days: scheduled plus tentative above capacity.
    let (status, o) = get(c, &s, &format!("/api/v1/reports/overbooked?{range}")).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let got: Vec<Value> = o
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!({"person_id": d["person_id"], "date": d["date"], "capacity_hours": d["capacity_hours"],
                "booked_hours": d["booked_hours"], "over_hours": d["over_hours"]})
        })
        .collect();
    let wanted: Vec<Value> = want["overbooked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d["person_id"] = json!(b.ids[d["person_id"].as_str().unwrap()]);
            for k in ["capacity_hours", "booked_hours", "over_hours"] {
                d[k] = json!(d[k].as_f64().unwrap());
            }
            d
        })
        .collect();
    assert_eq!(got, wanted);
    s.stop().await;
}

#[tokio::test]
async fn a_booking_without_hours_gets_the_hours_left_free() {
    let s = TestServer::fresh().await;
    let b = build(&s).await;
    let c = &b.c;
    let apollo = &b.ids["apollo"];
    for case in b.expected["default_hours"].as_array().unwrap() {
        let person = &b.ids[case["person_id"].as_str().unwrap()];
        let (status, a) = post(
            c,
            &s,
            "/api/v1/allocations",
            json!({"project_id": apollo, "person_id": person, "start": case["start"], "end": case["end"]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        assert_eq!(
            a["hours_per_day"].as_f64(),
            case["hours"].as_f64(),
            "{case}"
        );
        // Take it away again, so that each case sees the fixture alone.
        let (status, _) = delete(
            c,
            &s,
            &format!("/api/v1/allocations/{}", a["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    // A placeholder gets a standard day; a given value is kept; null is refused.
    let (_, a) = post(
        c,
        &s,
        "/api/v1/allocations",
        json!({"project_id": apollo, "placeholder_role": "QA", "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    assert_eq!(a["hours_per_day"], json!(8.0));
    let (status, err) = post(
        c,
        &s,
        "/api/v1/allocations",
        json!({"project_id": apollo, "person_id": b.ids["ann"], "start": "2026-03-02", "end": "2026-03-02", "hours_per_day": null}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "null is the same as leaving it out: {err}"
    );
    assert_eq!(err["hours_per_day"], json!(2.0));
    let (status, err) = patch(
        c,
        &s,
        &format!("/api/v1/allocations/{}", err["id"].as_str().unwrap()),
        json!({"hours_per_day": null}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["error"].as_str().unwrap().contains("hours_per_day"));
    s.stop().await;
}

#[test]
fn the_openapi_document_says_what_a_missing_hours_per_day_means() {
    let doc = serde_json::to_value(kronuz::http::document()).unwrap();
    let input = &doc["components"]["schemas"]["AllocationInput"];
    let required: Vec<&str> = input["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!required.contains(&"hours_per_day"), "{input}");
    let said = input["properties"]["hours_per_day"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(said.contains("free"), "{said}");
    let preview = &doc["components"]["schemas"]["PreviewBody"]["properties"]["tentative"];
    assert!(preview.to_string().contains("ignore"), "{preview}");
}
