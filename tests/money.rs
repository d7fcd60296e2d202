//! Money over the API: the rate card and currency, the financials report (JSON and
//! CSV), a project's financials, and members who never see any of it. Real server,
//! real sockets, real SQLite on a temp dir.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

async fn put(c: &Client, s: &TestServer, path: &str, payload: Value) -> (StatusCode, Value) {
    body(c.put(s.url(path)).json(&payload).send().await.unwrap()).await
}

async fn create(c: &Client, s: &TestServer, path: &str, payload: Value) -> Value {
    let (status, v) = post(c, s, path, payload).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// Signs `email` up into the owner's team with `role`.
async fn invited(owner: &Client, s: &TestServer, email: &str, role: &str) -> Client {
    let (status, invite) = post(
        owner,
        s,
        "/api/v1/team/invites",
        json!({"email": email, "role": role}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let c = client();
    let (status, v) = post(
        &c,
        s,
        "/api/v1/usr/signup",
        json!({"email": email, "password": "password1", "name": role, "invite": invite["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    c
}

/// One week, 2-6 March 2026: Ann (own rates 70 / 150) 8 h/day on a time-and-materials
/// project with a money budget of 5,000; a Developer placeholder (rate card 60 / 120)
/// 4 h/day on a fixed-fee proposal (fee 3,000, 50 %), tentative.
async fn week(s: &TestServer) -> (Client, Value, Value, Value) {
    let (owner, _) = signup(s, "owner@x.io").await;
    let (status, team) = patch(&owner, s, "/api/v1/team", json!({"currency": "eur"})).await;
    assert_eq!(status, StatusCode::OK, "{team}");
    assert_eq!(team["currency"], "EUR");
    let (status, rates) = put(
        &owner,
        s,
        "/api/v1/team/rates",
        json!({"roles": {"Developer": {"cost_rate": 60, "bill_rate": 120}}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rates}");
    let ann = create(
        &owner,
        s,
        "/api/v1/people",
        json!({"name": "Ann", "role": "Developer", "cost_rate": 70, "bill_rate": 150}),
    )
    .await;
    let t = create(
        &owner,
        s,
        "/api/v1/prj",
        json!({"name": "Time", "status": "active", "budget_amount": 5000}),
    )
    .await;
    let f = create(
        &owner,
        s,
        "/api/v1/prj",
        json!({"name": "Fee", "status": "proposal", "billing": "fixed_fee", "fee": "3000"}),
    )
    .await;
    create(
        &owner,
        s,
        "/api/v1/allocations",
        json!({"project_id": t["id"], "person_id": ann["id"], "start": "2026-03-02",
            "end": "2026-03-06", "hours_per_day": 8}),
    )
    .await;
    create(
        &owner,
        s,
        "/api/v1/allocations",
        json!({"project_id": f["id"], "placeholder_role": "Developer", "start": "2026-03-02",
            "end": "2026-03-06", "hours_per_day": 4, "tentative": true}),
    )
    .await;
    (owner, ann, t, f)
}

const REPORT: &str = "/api/v1/reports/financials?from=2026-03-01&to=2026-03-31";

#[tokio::test]
async fn the_financials_report_counts_revenue_cost_and_margin_three_ways() {
    let s = TestServer::fresh().await;
    let (owner, _, t, f) = week(&s).await;
    let (status, r) = get(&owner, &s, REPORT).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["currency"], "EUR");
    let p = &r["periods"][0];
    assert_eq!(
        (p["start"].as_str(), p["end"].as_str()),
        (Some("2026-03-01"), Some("2026-03-31"))
    );
    // Ann: 40 h × 150 = 6,000 confirmed (cost 40 × 70 = 2,800). The fee: all 20 h of
    // the project are here, so 3,000 tentative and 1,500 weighted (cost 20 × 60).
    assert_eq!(
        p["revenue"],
        json!({"confirmed": 6000.0, "tentative": 3000.0, "weighted": 7500.0})
    );
    assert_eq!(
        p["cost"],
        json!({"confirmed": 2800.0, "tentative": 1200.0, "weighted": 3400.0})
    );
    assert_eq!(
        p["margin"],
        json!({"confirmed": 3200.0, "tentative": 1800.0, "weighted": 4100.0})
    );
    assert_eq!(
        p["hours"],
        json!({"confirmed": 40.0, "tentative": 20.0, "weighted": 50.0})
    );
    let projects = r["projects"].as_array().unwrap();
    let fee = projects
        .iter()
        .find(|x| x["project_id"] == f["id"])
        .unwrap();
    assert_eq!(fee["billing"], "fixed_fee");
    let time = projects
        .iter()
        .find(|x| x["project_id"] == t["id"])
        .unwrap();
    assert_eq!(time["budget_amount"], json!(5000.0));
    assert_eq!(time["budget_used"], json!(6000.0));
    assert_eq!(time["budget_remaining"], json!(-1000.0));
    // 1,200 a day: 4,800 on Thursday, 6,000 on Friday.
    assert_eq!(time["budget_runs_out_on"], "2026-03-06");

    // Two places in the body itself.
    let text = owner
        .get(s.url(REPORT))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"confirmed\":6000.00"), "{text}");

    let resp = owner
        .get(s.url(&format!("{REPORT}&format=csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    assert!(
        csv.contains("period,2026-03-01,2026-03-31,,,EUR,6000.00,3000.00,7500.00"),
        "{csv}"
    );

    let (status, one) = get(
        &owner,
        &s,
        &format!("/api/v1/prj/{}/financials", t["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["projects"].as_array().unwrap().len(), 1);
    assert_eq!(one["totals"]["revenue"]["confirmed"], json!(6000.0));

    for bad in ["interval=day", "format=pdf"] {
        let (status, e) = get(&owner, &s, &format!("{REPORT}&{bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    }
    let (status, _) = get(&owner, &s, "/api/v1/reports/financials?from=2026-03-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_rate_card_and_currency_refuse_bad_input_and_change_nothing() {
    let s = TestServer::fresh().await;
    let (owner, ..) = week(&s).await;
    for bad in [
        json!({"roles": {"Developer": {"bill_rate": -1}}}),
        json!({"roles": {"": {"bill_rate": 1}}}),
        json!({"roles": {"Developer": {"bill_rate": "lots"}}}),
        json!({"roles": {"Developer": {"hourly": 1}}}),
    ] {
        let (status, e) = put(&owner, &s, "/api/v1/team/rates", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"].is_string());
    }
    let (status, e) = patch(&owner, &s, "/api/v1/team", json!({"currency": "XYZ"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (_, rates) = get(&owner, &s, "/api/v1/team/rates").await;
    assert_eq!(
        rates,
        json!({"currency": "EUR", "roles": {"Developer": {"cost_rate": 60.0, "bill_rate": 120.0}}})
    );
    let (status, e) = post(
        &owner,
        &s,
        "/api/v1/prj",
        json!({"name": "No fee", "billing": "fixed_fee"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = post(
        &owner,
        &s,
        "/api/v1/prj",
        json!({"name": "Ghost rate", "rate_overrides": [{"person_id": "0000000000000000", "bill_rate": 10}]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"].as_str().unwrap().contains("rate_overrides"),
        "{e}"
    );
    // A manager may set the money settings, not rename the team.
    let manager = invited(&owner, &s, "max@x.io", "manager").await;
    let (status, _) = patch(&manager, &s, "/api/v1/team", json!({"currency": "GBP"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = patch(&manager, &s, "/api/v1/team", json!({"name": "Mine"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = put(&manager, &s, "/api/v1/team/rates", json!({"roles": {}})).await;
    assert_eq!(status, StatusCode::OK);
}

/// The next `change` event's data on a server-sent-events stream.
async fn next_change(resp: &mut reqwest::Response, buf: &mut String) -> Value {
    loop {
        if let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block
                .lines()
                .any(|l| l.trim() == "event: change" || l.trim() == "event:change")
            {
                let data: String = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                return serde_json::from_str(&data).unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream ended");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_member_never_sees_money() {
    let s = TestServer::fresh().await;
    let (owner, ann, t, _) = week(&s).await;
    let member = invited(&owner, &s, "mia@x.io", "member").await;
    let ann_id = ann["id"].as_str().unwrap();
    let t_id = t["id"].as_str().unwrap();
    for path in [
        REPORT.to_string(),
        format!("{REPORT}&format=csv"),
        format!("/api/v1/prj/{t_id}/financials"),
        "/api/v1/team/rates".to_string(),
    ] {
        let (status, e) = get(&member, &s, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {e}");
        assert!(e["error"].as_str().unwrap().contains("money"));
    }
    let (status, _) = put(&member, &s, "/api/v1/team/rates", json!({"roles": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = patch(&member, &s, "/api/v1/team", json!({"currency": "GBP"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // People and projects come without their money fields; the owner still sees them.
    let (_, people) = get(&member, &s, "/api/v1/people").await;
    let (_, one) = get(&member, &s, &format!("/api/v1/people/{ann_id}")).await;
    for p in [&people[0], &one] {
        assert_eq!(p["name"], "Ann");
        assert!(
            p.get("cost_rate").is_none() && p.get("bill_rate").is_none(),
            "{p}"
        );
    }
    let (_, projects) = get(&member, &s, "/api/v1/prj/list").await;
    let (_, project) = get(&member, &s, &format!("/api/v1/prj/{t_id}")).await;
    for p in projects.as_array().unwrap().iter().chain([&project]) {
        for f in ["fee", "budget_amount", "rate_overrides"] {
            assert!(p.get(f).is_none(), "{f} in {p}");
        }
    }
    let (_, owners) = get(&owner, &s, "/api/v1/people").await;
    assert_eq!(owners[0]["bill_rate"], json!(150.0));
    let (_, owners) = get(&owner, &s, "/api/v1/prj/list").await;
    assert!(
        owners
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["budget_amount"] == json!(5000.0))
    );

    // Nor in the history or the live stream.
    let (_, activity) = get(&member, &s, "/api/v1/activity").await;
    let text = activity.to_string();
    assert!(
        !text.contains("bill_rate") && !text.contains("budget_amount"),
        "{text}"
    );
    let mut member_stream = member.get(s.url("/api/v1/events")).send().await.unwrap();
    let mut owner_stream = owner.get(s.url("/api/v1/events")).send().await.unwrap();
    let (status, _) = patch(
        &owner,
        &s,
        &format!("/api/v1/people/{ann_id}"),
        json!({"bill_rate": 160}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let seen_by_member = next_change(&mut member_stream, &mut String::new()).await;
    let seen_by_owner = next_change(&mut owner_stream, &mut String::new()).await;
    let record = |e: &Value| e["changes"][0]["record"].clone();
    assert_eq!(record(&seen_by_owner)["bill_rate"], json!(160.0));
    assert_eq!(record(&seen_by_member)["name"], "Ann");
    assert!(
        record(&seen_by_member).get("bill_rate").is_none(),
        "{seen_by_member}"
    );
    assert!(record(&seen_by_member).get("cost_rate").is_none());
}

#[tokio::test]
async fn the_openapi_document_describes_money() {
    let s = TestServer::fresh().await;
    let (status, doc) = get(&client(), &s, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = &doc["paths"];
    let report = &paths["/api/v1/reports/financials"]["get"];
    assert!(report["responses"]["403"].is_object(), "{report}");
    let params: Vec<&str> = report["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "from", "to", "interval", "format", "role", "person", "project", "client"
        ]
    );
    assert!(paths["/api/v1/team/rates"]["put"].is_object());
    assert!(paths["/api/v1/prj/{id}/financials"]["get"].is_object());
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("Financials", "periods"),
        ("ProjectFinancials", "budget_runs_out_on"),
        ("Project", "billing"),
        ("Project", "budget_amount"),
        ("Project", "rate_overrides"),
        ("ProjectInput", "fee"),
        ("TeamBody", "currency"),
        ("RateCard", "roles"),
    ] {
        let s = &schemas[schema];
        // Flattened figures make the schema an `allOf`.
        let parts: Vec<&Value> = match s["allOf"].as_array() {
            Some(all) => all.iter().collect(),
            None => vec![s],
        };
        assert!(
            parts.iter().any(|p| p["properties"][field].is_object()),
            "{schema}.{field}: {s}"
        );
    }
    assert_eq!(schemas["Money"]["type"], "number");
}
