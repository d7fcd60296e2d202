//! Reshaping one booking over real TCP: split at a day and repeated weekly, each as one
//! change (one activity entry, one undo), refused whole on bad input.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(c: &reqwest::Client, s: &TestServer, path: &str, body: Value) -> Value {
    let (status, v) = post(c, s, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body} -> {v}");
    v
}

/// A team with one person booked Monday 2 to Friday 6 March 2026, 6 h a day.
async fn booked(s: &TestServer, email: &str) -> (reqwest::Client, Value) {
    let (c, _) = signup(s, email).await;
    let person = create(&c, s, "/api/v1/people", json!({"name": "Bea Quinn"})).await;
    let project = create(&c, s, "/api/v1/prj", json!({"name": "Store ops"})).await;
    let booking = create(
        &c,
        s,
        "/api/v1/allocations",
        json!({"person_id": id(&person), "project_id": id(&project), "start": "2026-03-02",
               "end": "2026-03-06", "hours_per_day": 6, "note": "Kick-off", "tentative": true}),
    )
    .await;
    (c, booking)
}

async fn bookings(c: &reqwest::Client, s: &TestServer) -> Vec<(String, String)> {
    let (status, list) = get(c, s, "/api/v1/allocations").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["start"].as_str().unwrap().to_string(),
                a["end"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn spans(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn split_is_one_change_that_one_undo_reverts() {
    let s = TestServer::fresh().await;
    let (c, booking) = booked(&s, "ann@x.io").await;
    let path = format!("/api/v1/allocations/{}/split", id(&booking));
    let (status, parts) = post(&c, &s, &path, json!({"at": "2026-03-04"})).await;
    assert_eq!(status, StatusCode::CREATED, "{parts}");
    let parts = parts.as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0]["id"], booking["id"],
        "the booking keeps the first part"
    );
    assert_eq!(parts[0]["end"], "2026-03-03");
    assert_eq!(parts[0]["version"], 2);
    assert_eq!(parts[1]["start"], "2026-03-04");
    assert_eq!(parts[1]["end"], "2026-03-06");
    for field in [
        "project_id",
        "person_id",
        "hours_per_day",
        "note",
        "tentative",
    ] {
        assert_eq!(parts[1][field], booking[field], "{field} is kept");
    }
    assert_eq!(
        bookings(&c, &s).await,
        spans(&[("2026-03-02", "2026-03-03"), ("2026-03-04", "2026-03-06")])
    );

    let (_, log) = get(&c, &s, "/api/v1/activity?limit=1").await;
    assert_eq!(
        log[0]["summary"],
        "Split Bea Quinn's Store ops booking: the second part starts 4 Mar"
    );
    let (status, undone) = post(&c, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(
        bookings(&c, &s).await,
        spans(&[("2026-03-02", "2026-03-06")]),
        "one undo puts the whole booking back"
    );
    let (status, _) = post(&c, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        bookings(&c, &s).await.len(),
        2,
        "and one redo splits it again"
    );
}

#[tokio::test]
async fn repeat_weekly_is_one_change_that_one_undo_reverts() {
    let s = TestServer::fresh().await;
    let (c, booking) = booked(&s, "ann@x.io").await;
    let path = format!("/api/v1/allocations/{}/repeat", id(&booking));
    // a whole number written as JSON's 3.0 is 3
    let (status, copies) = post(&c, &s, &path, json!({"weeks": 3.0})).await;
    assert_eq!(status, StatusCode::CREATED, "{copies}");
    assert_eq!(copies.as_array().unwrap().len(), 3);
    assert_eq!(copies[0]["hours_per_day"], 6.0);
    assert_eq!(
        bookings(&c, &s).await,
        spans(&[
            ("2026-03-02", "2026-03-06"),
            ("2026-03-09", "2026-03-13"),
            ("2026-03-16", "2026-03-20"),
            ("2026-03-23", "2026-03-27"),
        ])
    );
    let (_, log) = get(&c, &s, "/api/v1/activity?limit=5").await;
    assert_eq!(
        log[0]["summary"],
        "Repeated Bea Quinn's Store ops booking (2–6 Mar) weekly for 3 weeks"
    );
    let (status, _) = post(&c, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        bookings(&c, &s).await,
        spans(&[("2026-03-02", "2026-03-06")]),
        "one undo removes every copy"
    );
}

#[tokio::test]
async fn bad_splits_and_repeats_are_refused_and_change_nothing() {
    let s = TestServer::fresh().await;
    let (c, booking) = booked(&s, "ann@x.io").await;
    let split = format!("/api/v1/allocations/{}/split", id(&booking));
    let repeat = format!("/api/v1/allocations/{}/repeat", id(&booking));
    let bad = [
        (&split, json!({"at": "2026-03-02"}), "at"),
        (&split, json!({"at": "2026-03-07"}), "at"),
        (&split, json!({"at": "2026-02-01"}), "at"),
        (&split, json!({"at": "4 March"}), "at"),
        (&split, json!({}), "at"),
        (&split, json!({"at": "2026-03-04", "weeks": 2}), "weeks"),
        (&repeat, json!({"weeks": 0}), "weeks"),
        (&repeat, json!({"weeks": 53}), "weeks"),
        (&repeat, json!({"weeks": 4000000000u64}), "weeks"),
        (&repeat, json!({"weeks": -1}), "weeks"),
        (&repeat, json!({"weeks": 1.5}), "weeks"),
        (&repeat, json!({"weeks": "2"}), "weeks"),
    ];
    for (path, body, field) in bad {
        let (status, err) = post(&c, &s, path, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{body} -> {err}"
        );
    }
    let (status, _) = post(
        &c,
        &s,
        "/api/v1/allocations/0000000000000000/split",
        json!({"at": "2026-03-04"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // a stale If-Match is refused with the booking as it is
    let resp = c
        .post(s.url(&split))
        .header("if-match", "\"7\"")
        .json(&json!({"at": "2026-03-04"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        bookings(&c, &s).await,
        spans(&[("2026-03-02", "2026-03-06")])
    );
    let (_, log) = get(&c, &s, "/api/v1/activity?limit=5").await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| !e["summary"].as_str().unwrap().starts_with("Split")),
        "{log}"
    );
}

#[tokio::test]
async fn members_and_other_teams_cannot_split_or_repeat() {
    let s = TestServer::fresh().await;
    let (owner, booking) = booked(&s, "ann@x.io").await;
    let split = format!("/api/v1/allocations/{}/split", id(&booking));
    let repeat = format!("/api/v1/allocations/{}/repeat", id(&booking));

    // another team's planner does not see the booking at all
    let (other, _) = signup(&s, "zed@y.io").await;
    let (status, _) = post(&other, &s, &split, json!({"at": "2026-03-04"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(&other, &s, &repeat, json!({"weeks": 2})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // a member of the team reads the schedule but does not change it
    let (status, invite) = post(
        &owner,
        &s,
        "/api/v1/team/invites",
        json!({"email": "max@x.io", "role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let member = client();
    let (status, _) = post(
        &member,
        &s,
        "/api/v1/usr/signup",
        json!({"email": "max@x.io", "password": "password1", "name": "Max",
               "invite": invite["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = post(&member, &s, &split, json!({"at": "2026-03-04"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&member, &s, &repeat, json!({"weeks": 2})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        bookings(&owner, &s).await,
        spans(&[("2026-03-02", "2026-03-06")])
    );
}
