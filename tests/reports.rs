//! The reports and calendar feeds over real TCP, with hand-computed numbers.
//!
//! The example week: Monday 2026-03-02 .. Sunday 2026-03-08, Tuesday a team holiday.
//! - Pat (Developer) works Mon-Wed 8h. Confirmed 6h/day 03-02..03-06 on P, tentative
//!   4h on Wed. Capacity 8 + 8 = 16, scheduled 12, tentative 4, unscheduled 4,
//!   utilisation 0.75; Wednesday is overbooked counting tentative (10 > 8): 2h.
//! - Sam (Designer), 8h Mon-Fri, employed from 03-03 to 03-31, off Thursday. Confirmed
//!   10h/day all week on P: capacity Wed + Fri = 16, scheduled 20, overbooked 4,
//!   utilisation 1.25.
//! - A "Designer" placeholder 8h/day Mon-Fri on the lead L (10%): 4 working days = 32h.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Example {
    c: Client,
    pat: String,
    sam: String,
    p: String,
    a1: String,
    a2: String,
}

async fn id_of(c: &Client, server: &TestServer, path: &str, body: Value) -> String {
    let (status, v) = post(c, server, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v["id"].as_str().unwrap().to_string()
}

async fn example(server: &TestServer, email: &str) -> Example {
    let (c, _) = signup(server, email).await;
    let pat = id_of(
        &c,
        server,
        "/api/v1/people",
        json!({"name": "Pat", "role": "Developer", "weekly_hours": [8,8,8,0,0,0,0]}),
    )
    .await;
    let sam = id_of(&c, server, "/api/v1/people",
        json!({"name": "Sam", "role": "Designer", "start_date": "2026-03-03", "end_date": "2026-03-31"})).await;
    let p = id_of(
        &c,
        server,
        "/api/v1/prj",
        json!({"name": "Apollo", "budget_hours": 100}),
    )
    .await;
    let l = id_of(
        &c,
        server,
        "/api/v1/prj",
        json!({"name": "Lead, maybe", "status": "lead"}),
    )
    .await;
    id_of(
        &c,
        server,
        "/api/v1/timeoff",
        json!({"start": "2026-03-03", "end": "2026-03-03", "reason": "Carnival"}),
    )
    .await;
    id_of(
        &c,
        server,
        "/api/v1/timeoff",
        json!({"person_id": sam, "start": "2026-03-05", "end": "2026-03-05"}),
    )
    .await;
    let a1 = id_of(&c, server, "/api/v1/allocations", json!({"project_id": p, "person_id": pat,
        "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 6, "note": "Design, build; test"})).await;
    let a2 = id_of(
        &c,
        server,
        "/api/v1/allocations",
        json!({"project_id": p, "person_id": pat,
        "start": "2026-03-04", "end": "2026-03-04", "hours_per_day": 4, "tentative": true}),
    )
    .await;
    id_of(
        &c,
        server,
        "/api/v1/allocations",
        json!({"project_id": p, "person_id": sam,
        "start": "2026-03-02", "end": "2026-03-08", "hours_per_day": 10}),
    )
    .await;
    id_of(
        &c,
        server,
        "/api/v1/allocations",
        json!({"project_id": l, "placeholder_role": "Designer",
        "start": "2026-03-02", "end": "2026-03-06", "hours_per_day": 8}),
    )
    .await;
    Example {
        c,
        pat,
        sam,
        p,
        a1,
        a2,
    }
}

fn figures(v: &Value) -> [Value; 6] {
    [
        v["capacity_hours"].clone(),
        v["scheduled_hours"].clone(),
        v["tentative_hours"].clone(),
        v["unscheduled_hours"].clone(),
        v["overbooked_hours"].clone(),
        v["utilisation"].clone(),
    ]
}

fn f(c: f64, s: f64, t: f64, u: f64, o: f64, util: Option<f64>) -> [Value; 6] {
    [
        json!(c),
        json!(s),
        json!(t),
        json!(u),
        json!(o),
        json!(util),
    ]
}

#[tokio::test]
async fn utilisation_overbooked_pipeline_and_summary_by_hand() {
    let server = TestServer::fresh().await;
    let e = example(&server, "owner@example.com").await;
    let c = &e.c;

    let (status, r) = get(
        c,
        &server,
        "/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2026-03-02"), Some("2026-03-08"))
    );
    assert_eq!(names(&r["people"]), ["Pat", "Sam"]);
    assert_eq!(r["people"][0]["person_id"], json!(e.pat));
    assert_eq!(
        figures(&r["people"][0]),
        f(16.0, 12.0, 4.0, 4.0, 2.0, Some(0.75))
    );
    assert_eq!(
        figures(&r["people"][1]),
        f(16.0, 20.0, 0.0, 0.0, 4.0, Some(1.25))
    );
    assert_eq!(
        figures(&r["totals"]),
        f(32.0, 32.0, 4.0, 4.0, 6.0, Some(1.0))
    );
    assert!(r["people"][0].get("periods").is_none());

    // Weekly, over a range starting and ending mid-week.
    let (_, r) = get(
        c,
        &server,
        "/api/v1/reports/utilisation?from=2026-02-25&to=2026-03-10&interval=week",
    )
    .await;
    let periods = r["people"][0]["periods"].as_array().unwrap();
    let bounds: Vec<(&str, &str)> = periods
        .iter()
        .map(|p| (p["start"].as_str().unwrap(), p["end"].as_str().unwrap()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("2026-02-25", "2026-03-01"),
            ("2026-03-02", "2026-03-08"),
            ("2026-03-09", "2026-03-10")
        ]
    );
    assert_eq!(figures(&periods[0]), f(8.0, 0.0, 0.0, 8.0, 0.0, Some(0.0)));
    assert_eq!(
        figures(&periods[1]),
        f(16.0, 12.0, 4.0, 4.0, 2.0, Some(0.75))
    );
    assert_eq!(
        figures(&periods[2]),
        f(16.0, 0.0, 0.0, 16.0, 0.0, Some(0.0))
    );
    assert_eq!(
        figures(&r["people"][0]),
        f(40.0, 12.0, 4.0, 28.0, 2.0, Some(0.3))
    );
    // Sam: not yet employed in the first week.
    assert_eq!(
        figures(&r["people"][1]["periods"][0]),
        f(0.0, 0.0, 0.0, 0.0, 0.0, None)
    );

    // Monthly: Sam's employment ends 03-31, so April has no capacity.
    let (_, r) = get(
        c,
        &server,
        "/api/v1/reports/utilisation?from=2026-03-01&to=2026-04-30&interval=month",
    )
    .await;
    let sam = &r["people"][1]["periods"];
    assert_eq!(sam.as_array().unwrap().len(), 2);
    assert_eq!(
        (sam[1]["start"].as_str(), sam[1]["end"].as_str()),
        (Some("2026-04-01"), Some("2026-04-30"))
    );
    // March: 22 weekdays less the holiday, Monday 03-02 (not employed) and Thursday off.
    assert_eq!(
        figures(&sam[0]),
        f(152.0, 20.0, 0.0, 136.0, 4.0, Some(0.1316))
    );
    assert_eq!(figures(&sam[1]), f(0.0, 0.0, 0.0, 0.0, 0.0, None));

    // Overbooked person-days, with the allocations involved.
    let (status, r) = get(
        c,
        &server,
        "/api/v1/reports/overbooked?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let days = r.as_array().unwrap();
    assert_eq!(days.len(), 3, "{r}");
    assert_eq!(days[0]["name"], "Pat");
    assert_eq!(days[0]["date"], "2026-03-04");
    assert_eq!(
        (
            days[0]["capacity_hours"].as_f64(),
            days[0]["booked_hours"].as_f64(),
            days[0]["over_hours"].as_f64()
        ),
        (Some(8.0), Some(10.0), Some(2.0))
    );
    let mut ids = vec![e.a1.clone(), e.a2.clone()];
    ids.sort();
    assert_eq!(days[0]["allocations"], json!(ids));
    assert_eq!(
        (days[1]["name"].as_str(), days[1]["date"].as_str()),
        (Some("Sam"), Some("2026-03-04"))
    );
    assert_eq!(
        (days[2]["person_id"].as_str(), days[2]["date"].as_str()),
        (Some(e.sam.as_str()), Some("2026-03-06"))
    );

    // Pipeline: confirmed 12 + 20, tentative 4, weighted 36 + 32 × 10%.
    let (status, r) = get(
        c,
        &server,
        "/api/v1/reports/pipeline?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let w = &r["weeks"][0];
    assert_eq!(r["weeks"].as_array().unwrap().len(), 1);
    assert_eq!(w["capacity_hours"], json!(32.0));
    assert_eq!(w["confirmed_hours"], json!(32.0));
    assert_eq!(w["tentative_hours"], json!(4.0));
    assert_eq!(w["weighted_hours"], json!(39.2));
    assert_eq!(w["placeholder_hours_by_role"], json!({"Designer": 32.0}));
    assert_eq!(
        w["gap_by_role"],
        json!({"Designer": -36.0, "Developer": 0.0})
    );

    // Project summary: confirmed 12 + 20 of a 100h budget; tentative 4; 5h worked.
    id_of(
        c,
        &server,
        "/api/v1/actuals",
        json!({"person_id": e.pat, "project_id": e.p, "date": "2026-03-02", "hours": 5}),
    )
    .await;
    let (status, r) = get(c, &server, &format!("/api/v1/prj/{}/summary", e.p)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        r,
        json!({"project_id": e.p, "budget_hours": 100.0, "scheduled_hours": 32.0,
        "remaining_hours": 68.0, "actual_hours": 5.0, "tentative_hours": 4.0})
    );

    // Planned vs actual.
    let (status, r) = get(
        c,
        &server,
        "/api/v1/reports/actuals?from=2026-03-01&to=2026-03-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["projects"][0]["name"], "Apollo");
    assert_eq!(r["projects"][0]["planned_hours"], json!(32.0));
    assert_eq!(r["projects"][0]["actual_hours"], json!(5.0));
    assert_eq!(r["projects"][0]["variance_hours"], json!(-27.0));
    assert_eq!(names(&r["people"]), ["Pat", "Sam"]);
    assert_eq!(r["people"][0]["planned_hours"], json!(12.0));
    assert_eq!(r["people"][0]["tentative_hours"], json!(4.0));
    assert_eq!(r["people"][0]["actual_hours"], json!(5.0));
    assert_eq!(r["totals"]["planned_hours"], json!(32.0));

    // Archived people leave the report unless asked for.
    delete(c, &server, &format!("/api/v1/people/{}", e.sam)).await;
    let (_, r) = get(
        c,
        &server,
        "/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(names(&r["people"]), ["Pat"]);
    let (_, r) = get(
        c,
        &server,
        "/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08&include_archived=true",
    )
    .await;
    assert_eq!(names(&r["people"]), ["Pat", "Sam"]);
}

#[tokio::test]
async fn utilisation_as_csv() {
    let server = TestServer::fresh().await;
    let e = example(&server, "csv@example.com").await;
    let odd = id_of(
        &e.c,
        &server,
        "/api/v1/people",
        json!({"name": "=cmd|' /C calc'!A0, \"Bob\"", "weekly_hours": [0,0,0,0,0,0,0]}),
    )
    .await;
    let resp =
        e.c.get(server.url("/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08&format=csv"))
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
    let text = resp.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "person_id,name,capacity_hours,scheduled_hours,tentative_hours,unscheduled_hours,overbooked_hours,utilisation,free_hours,tentative_utilisation"
    );
    assert_eq!(
        lines[1],
        format!("{odd},\"'=cmd|' /C calc'!A0, \"\"Bob\"\"\",0,0,0,0,0,,0,")
    );
    assert_eq!(lines[2], format!("{},Pat,16,12,4,4,2,0.75,2,0.25", e.pat));
    assert_eq!(lines[3], format!("{},Sam,16,20,0,0,4,1.25,0,0", e.sam));
    assert_eq!(lines[4], "");

    let text =
        e.c.get(server.url(
            "/api/v1/reports/utilisation?from=2026-03-07&to=2026-03-09&interval=week&format=csv",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "person_id,name,period_start,period_end,capacity_hours,scheduled_hours,tentative_hours,unscheduled_hours,overbooked_hours,utilisation,free_hours,tentative_utilisation"
    );
    assert_eq!(lines.len(), 1 + 3 * 2 + 1);
    assert_eq!(
        lines[3],
        format!("{},Pat,2026-03-07,2026-03-08,0,0,0,0,0,,0,", e.pat)
    );
    assert_eq!(
        lines[4],
        format!("{},Pat,2026-03-09,2026-03-09,8,0,0,8,0,0,8,0", e.pat)
    );
}

#[tokio::test]
async fn bad_report_input_is_a_4xx_with_a_json_error() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "bad@example.com").await;
    for (query, field) in [
        ("from=2026-03-09&to=2026-03-02", "to"),
        ("to=2026-03-02", "from"),
        ("from=2026-03-02", "to"),
        ("from=2026-01-01&to=2029-12-31", "to"),
        ("from=yesterday&to=2026-03-02", "from"),
        ("from=2026-02-30&to=2026-03-02", "from"),
        ("from=2026-3-1&to=2026-03-02", "from"),
        ("from=2026-03-01&to=2026-03-02T00:00", "to"),
        ("from=1066-10-14&to=1066-10-15", "from"),
        (
            "from=2026-03-01&to=2026-03-02&interval=fortnight",
            "interval",
        ),
        ("from=2026-03-01&to=2026-03-02&format=xlsx", "format"),
    ] {
        let (status, body) =
            get(&c, &server, &format!("/api/v1/reports/utilisation?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        let msg = body["error"].as_str().unwrap_or_default();
        assert!(msg.starts_with(&format!("{field}:")), "{query}: {msg}");
    }
    for path in ["overbooked", "pipeline", "actuals"] {
        for query in [
            "from=2026-03-09&to=2026-03-02",
            "",
            "from=2026-01-01&to=2030-01-01",
            "from=x&to=y",
        ] {
            let (status, body) = get(&c, &server, &format!("/api/v1/reports/{path}?{query}")).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{query}: {body}"
            );
            assert!(body["error"].is_string());
        }
    }
    let (status, body) = get(
        &c,
        &server,
        "/api/v1/reports/pipeline?from=2026-03-01&to=2026-03-02&colour=red",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = get(
        &client(),
        &server,
        "/api/v1/reports/utilisation?from=2026-03-01&to=2026-03-02",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error"].is_string());
    // A range of exactly 1,100 days is fine.
    let (status, _) = get(
        &c,
        &server,
        "/api/v1/reports/utilisation?from=2026-01-01&to=2029-01-04&interval=month",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn another_teams_project_summary_is_404() {
    let server = TestServer::fresh().await;
    let e = example(&server, "one@example.com").await;
    let (other, _) = signup(&server, "two@example.com").await;
    let (status, body) = get(&other, &server, &format!("/api/v1/prj/{}/summary", e.p)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body["error"].is_string());
    let (status, _) = get(&e.c, &server, "/api/v1/prj/0123456789abcdef/summary").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor does another team's schedule leak into its reports.
    let (_, r) = get(
        &other,
        &server,
        "/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(r["people"], json!([]));
    let (status, _) = post(
        &other,
        &server,
        &format!("/api/v1/people/{}/ical", e.pat),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn fetch_ical(server: &TestServer, url: &str) -> (StatusCode, String, String) {
    let resp = reqwest::get(server.url(url)).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ctype, resp.text().await.unwrap())
}

#[tokio::test]
async fn ical_feed_content_rotation_and_roles() {
    let server = TestServer::fresh().await;
    let e = example(&server, "cal@example.com").await;
    let (status, feed) = post(
        &e.c,
        &server,
        &format!("/api/v1/people/{}/ical", e.pat),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let url = feed["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("/ical/") && url.ends_with(".ics"), "{url}");

    // No cookies: a plain client.
    let (status, ctype, cal) = fetch_ical(&server, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/calendar"), "{ctype}");
    assert!(
        cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
        "{cal}"
    );
    assert!(cal.ends_with("END:VCALENDAR\r\n"));
    assert!(cal.split("\r\n").all(|l| l.len() <= 75));
    assert!(!cal.replace("\r\n", "").contains('\n'));
    let cal = cal.replace("\r\n ", "");
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 3, "{cal}"); // two allocations, the holiday
    assert!(cal.contains(&format!("UID:{}@kronuz\r\n", e.a1)));
    assert!(cal.contains("DTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260307\r\nSUMMARY:Apollo — 6h/day\r\n"), "{cal}");
    assert!(cal.contains("DESCRIPTION:Design\\, build\\; test\r\n"));
    assert!(cal.contains("SUMMARY:Apollo — 4h/day (tentative)\r\nSTATUS:TENTATIVE"));
    assert!(cal.contains(
        "DTSTART;VALUE=DATE:20260303\r\nDTEND;VALUE=DATE:20260304\r\nSUMMARY:Holiday: Carnival\r\n"
    ));
    assert!(cal.contains("DTSTAMP:"));

    // Rotating revokes the old URL.
    let (_, again) = post(
        &e.c,
        &server,
        &format!("/api/v1/people/{}/ical", e.pat),
        json!({}),
    )
    .await;
    let new_url = again["url"].as_str().unwrap().to_string();
    assert_ne!(new_url, url);
    assert_eq!(fetch_ical(&server, &url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fetch_ical(&server, &new_url).await.0, StatusCode::OK);
    for bad in ["/ical/nothing.ics", "/ical/abc", "/ical/.ics"] {
        assert_eq!(
            fetch_ical(&server, bad).await.0,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    let (status, _) = post(
        &e.c,
        &server,
        "/api/v1/people/0123456789abcdef/ical",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A member may make the feed of the person linked to their login, nobody else's.
    let (_, invite) = post(
        &e.c,
        &server,
        "/api/v1/team/invites",
        json!({"email": "m@example.com", "role": "member"}),
    )
    .await;
    let member = client();
    let (status, user) = post(&member, &server, "/api/v1/usr/signup",
        json!({"email": "m@example.com", "password": "correct horse", "name": "Sam", "invite": invite["token"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let (status, _) = post(
        &member,
        &server,
        &format!("/api/v1/people/{}/ical", e.sam),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, p) = patch(
        &e.c,
        &server,
        &format!("/api/v1/people/{}", e.sam),
        json!({"user_id": user["id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let (status, mine) = post(
        &member,
        &server,
        &format!("/api/v1/people/{}/ical", e.sam),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let (status, _) = post(
        &member,
        &server,
        &format!("/api/v1/people/{}/ical", e.pat),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, _, sams) = fetch_ical(&server, mine["url"].as_str().unwrap()).await;
    assert!(sams.contains("SUMMARY:Time off\r\n"), "{sams}");

    // The person's record never shows the feed's secret, and feeds survive a restart.
    let (_, person) = get(&e.c, &server, &format!("/api/v1/people/{}", e.pat)).await;
    assert!(
        !person.to_string().contains(
            new_url
                .trim_start_matches("/ical/")
                .trim_end_matches(".ics")
        )
    );
    let server = server.restart().await;
    assert_eq!(fetch_ical(&server, &new_url).await.0, StatusCode::OK);
    assert_eq!(fetch_ical(&server, &url).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_document_covers_the_reports() {
    let server = TestServer::fresh().await;
    let (status, doc) = get(&client(), &server, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/reports/utilisation",
        "/api/v1/reports/overbooked",
        "/api/v1/reports/pipeline",
        "/api/v1/reports/actuals",
        "/api/v1/prj/{id}/summary",
        "/api/v1/people/{id}/ical",
        "/ical/{file}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}

#[tokio::test]
async fn report_filters_narrow_people_and_work_by_role_person_project_and_client() {
    let server = TestServer::fresh().await;
    let e = example(&server, "filters@example.com").await;
    let c = &e.c;
    let week = "from=2026-03-02&to=2026-03-08";
    let util = |q: String| {
        let server = &server;
        async move {
            let (status, r) = get(
                c,
                server,
                &format!("/api/v1/reports/utilisation?{week}&{q}"),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{q}: {r}");
            r
        }
    };
    assert_eq!(
        names(&util("role=Designer".into()).await["people"]),
        ["Sam"]
    );
    assert_eq!(
        names(&util(format!("person={}", e.pat)).await["people"]),
        ["Pat"]
    );
    assert_eq!(
        names(&util(format!("person={},{}", e.pat, e.sam)).await["people"]),
        ["Pat", "Sam"]
    );
    // A project: the people booked on it, counting only its work.
    let r = util(format!("project={}", e.p)).await;
    assert_eq!(names(&r["people"]), ["Pat", "Sam"]);
    assert_eq!(
        figures(&r["people"][0]),
        f(16.0, 12.0, 4.0, 4.0, 2.0, Some(0.75))
    );
    let (_, projects) = get(c, &server, "/api/v1/prj/list").await;
    let lead = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Lead, maybe")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        util(format!("project={lead}")).await["people"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A client: its projects' work; nobody when it has no bookings.
    let (_, client) = post(c, &server, "/api/v1/clients", json!({"name": "Acme"})).await;
    let acme = client["id"].as_str().unwrap().to_string();
    assert!(
        util(format!("client={acme}")).await["people"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _) = patch(
        c,
        &server,
        &format!("/api/v1/prj/{}", e.p),
        json!({"client_id": acme}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&util(format!("client={acme}")).await["people"]),
        ["Pat", "Sam"]
    );

    // The pipeline: capacity of the people kept, placeholder demand of the role kept.
    let pipeline = |q: String| {
        let server = &server;
        async move {
            let (status, r) = get(c, server, &format!("/api/v1/reports/pipeline?{week}&{q}")).await;
            assert_eq!(status, StatusCode::OK, "{q}: {r}");
            r
        }
    };
    let all = pipeline(String::new()).await;
    let dev = pipeline("role=Developer".into()).await;
    assert_eq!(dev["weeks"][0]["capacity_hours"], json!(16.0));
    assert_eq!(dev["weeks"][0]["tentative_hours"], json!(4.0));
    assert!(
        dev["weeks"][0]["placeholder_hours_by_role"]
            .as_object()
            .unwrap()
            .is_empty()
    );
    let designers = pipeline("role=Designer".into()).await;
    assert_eq!(
        designers["weeks"][0]["placeholder_hours_by_role"]["Designer"],
        json!(32.0)
    );
    assert_eq!(
        all["weeks"][0]["capacity_hours"],
        json!(
            dev["weeks"][0]["capacity_hours"].as_f64().unwrap()
                + designers["weeks"][0]["capacity_hours"].as_f64().unwrap()
        )
    );
    let on_lead = pipeline(format!("project={lead}")).await;
    assert_eq!(on_lead["weeks"][0]["confirmed_hours"], json!(0.0));
    assert_eq!(
        on_lead["weeks"][0]["placeholder_hours_by_role"]["Designer"],
        json!(32.0)
    );

    // Too many values is refused, naming the parameter.
    let many = vec!["x"; 201].join(",");
    let (status, r) = get(
        c,
        &server,
        &format!("/api/v1/reports/utilisation?{week}&role={many}"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r["error"].as_str().unwrap().contains("role"), "{r}");
}
