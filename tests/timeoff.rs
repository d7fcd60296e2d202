//! Time off with leave types, part days and members' requests, over real TCP: what a
//! member may ask for, what a manager answers, what counts against capacity, and
//! linking a login to the person it schedules.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn put(c: &Client, s: &TestServer, path: &str, payload: Value) -> (StatusCode, Value) {
    body(c.put(s.url(path)).json(&payload).send().await.unwrap()).await
}

/// A team: its owner, a manager and a member (each logged in), the member's person
/// (linked to their login) and a colleague.
struct Team {
    owner: Client,
    manager: Client,
    member: Client,
    member_user: String,
    mine: String,
    colleague: String,
}

async fn join(s: &TestServer, owner: &Client, email: &str, role: &str) -> (Client, Value) {
    let (status, inv) = post(
        owner,
        s,
        "/api/v1/team/invites",
        json!({"email": email, "role": role}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    let c = client();
    let (status, user) = post(
        &c,
        s,
        "/api/v1/usr/signup",
        json!({"email": email, "password": "correct horse", "name": "Mo", "invite": inv["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    (c, user)
}

async fn person(c: &Client, s: &TestServer, name: &str) -> String {
    let (status, p) = post(c, s, "/api/v1/people", json!({"name": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    id(&p)
}

async fn team(s: &TestServer, owner_email: &str) -> Team {
    let (owner, _) = signup(s, owner_email).await;
    let domain = owner_email.split('@').nth(1).unwrap();
    let (manager, _) = join(s, &owner, &format!("manager@{domain}"), "manager").await;
    let (member, user) = join(s, &owner, &format!("member@{domain}"), "member").await;
    let mine = person(&owner, s, "Mo Member").await;
    let colleague = person(&owner, s, "Cy Colleague").await;
    let member_user = id(&user);
    let (status, link) = put(
        &manager,
        s,
        &format!("/api/v1/team/members/{member_user}/person"),
        json!({"person_id": mine}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    Team {
        owner,
        manager,
        member,
        member_user,
        mine,
        colleague,
    }
}

/// The person's capacity over one week (Monday 2026-03-02 to Sunday 2026-03-08).
async fn capacity(c: &Client, s: &TestServer, person: &str) -> f64 {
    let (status, u) = get(
        c,
        s,
        "/api/v1/reports/utilisation?from=2026-03-02&to=2026-03-08",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{u}");
    u["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["person_id"] == json!(person))
        .unwrap()["capacity_hours"]
        .as_f64()
        .unwrap()
}

async fn timeoff(c: &Client, s: &TestServer) -> Value {
    let (status, list) = get(c, s, "/api/v1/timeoff").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list
}

#[tokio::test]
async fn time_off_has_a_type_defaulting_to_what_it_meant_before() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@types.io").await;
    let (_, holiday) = post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"start": "2026-03-06", "end": "2026-03-06"}),
    )
    .await;
    assert_eq!(holiday["type"], "holiday");
    assert_eq!(holiday["status"], "approved");
    let (_, leave) = post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    assert_eq!(leave["type"], "time_off");
    assert_eq!(leave["hours"], Value::Null);
    let (status, sick) = patch(
        &t.owner,
        &s,
        &format!("/api/v1/timeoff/{}", id(&leave)),
        json!({"type": "sick"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{sick}");
    assert_eq!(sick["type"], "sick");
    let (status, err) = post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.colleague, "start": "2026-03-03", "end": "2026-03-03", "type": "vacation"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["error"].as_str().unwrap().contains("type"), "{err}");
}

#[tokio::test]
async fn part_of_a_day_off_takes_only_those_hours_from_capacity() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@hours.io").await;
    assert_eq!(capacity(&t.owner, &s, &t.colleague).await, 40.0);
    let (status, half) = post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-03", "hours": 3}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{half}");
    assert_eq!(half["hours"], 3.0);
    // two days of 8h, 3h off each
    assert_eq!(capacity(&t.owner, &s, &t.colleague).await, 34.0);
    // a whole day off on top of a part day leaves nothing that day
    post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"start": "2026-03-03", "end": "2026-03-03"}),
    )
    .await;
    assert_eq!(capacity(&t.owner, &s, &t.colleague).await, 29.0);
    // a booking on a part day books its hours: 8h against 5h is 3h over
    let (_, prj) = post(&t.owner, &s, "/api/v1/prj", json!({"name": "Apollo"})).await;
    let (_, a) = post(
        &t.owner,
        &s,
        "/api/v1/allocations",
        json!({"project_id": id(&prj), "person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "hours_per_day": 8}),
    )
    .await;
    assert_eq!(a["hours_per_day"], 8.0);
    let (_, over) = get(
        &t.owner,
        &s,
        "/api/v1/reports/overbooked?from=2026-03-02&to=2026-03-08",
    )
    .await;
    let day = over
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["person_id"] == json!(t.colleague))
        .unwrap_or_else(|| panic!("{over}"));
    assert_eq!(
        (day["capacity_hours"].as_f64(), day["over_hours"].as_f64()),
        (Some(5.0), Some(3.0))
    );
}

#[tokio::test]
async fn bad_time_off_is_refused_and_changes_nothing() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@bad.io").await;
    let before = timeoff(&t.owner, &s).await;
    for (body, field) in [
        (
            json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "hours": 0}),
            "hours",
        ),
        (
            json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "hours": 25}),
            "hours",
        ),
        (
            json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "hours": "four"}),
            "hours",
        ),
        (
            json!({"person_id": t.colleague, "start": "2026-03-05", "end": "2026-03-02"}),
            "end",
        ),
        (
            json!({"start": "2026-03-02", "end": "2026-03-02", "status": "pending"}),
            "status",
        ),
        (
            json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "status": "maybe"}),
            "status",
        ),
    ] {
        let (status, err) = post(&t.owner, &s, "/api/v1/timeoff", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{body} -> {err}"
        );
    }
    assert_eq!(timeoff(&t.owner, &s).await, before);
}

#[tokio::test]
async fn a_member_requests_time_off_for_themselves_and_a_manager_approves_it() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@ask.io").await;
    // a member may not simply record time off, even for themselves
    let (status, req) = post(
        &t.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.mine, "start": "2026-03-02", "end": "2026-03-03", "type": "holiday", "status": "approved"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{req}");
    let (status, req) = post(
        &t.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.mine, "start": "2026-03-02", "end": "2026-03-03", "type": "holiday", "reason": "Wedding"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{req}");
    assert_eq!(req["status"], "pending");
    assert_eq!(req["requested_by"], json!(t.member_user));
    // pending: nothing taken from capacity yet
    assert_eq!(capacity(&t.owner, &s, &t.mine).await, 40.0);
    let path = format!("/api/v1/timeoff/{}", id(&req));
    // the member cannot approve their own request
    let (status, err) = patch(&t.member, &s, &path, json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    // but may change it while it waits
    let (status, moved) = patch(&t.member, &s, &path, json!({"end": "2026-03-04"})).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["status"], "pending");
    let (status, ok) = patch(&t.manager, &s, &path, json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(ok["status"], "approved");
    assert_eq!(capacity(&t.owner, &s, &t.mine).await, 16.0);
    // approved: only a manager changes or removes it now
    let (status, _) = patch(&t.member, &s, &path, json!({"end": "2026-03-02"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = delete(&t.member, &s, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(capacity(&t.owner, &s, &t.mine).await, 16.0);
}

#[tokio::test]
async fn a_declined_request_takes_nothing_away_and_its_member_may_withdraw_it() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@no.io").await;
    let (_, req) = post(
        &t.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.mine, "start": "2026-03-02", "end": "2026-03-02", "hours": 4, "type": "sick"}),
    )
    .await;
    let path = format!("/api/v1/timeoff/{}", id(&req));
    let (status, no) = patch(&t.owner, &s, &path, json!({"status": "declined"})).await;
    assert_eq!(status, StatusCode::OK, "{no}");
    assert_eq!(no["status"], "declined");
    assert_eq!(capacity(&t.owner, &s, &t.mine).await, 40.0);
    // changing a declined request asks again
    let (_, again) = patch(&t.member, &s, &path, json!({"hours": 2})).await;
    assert_eq!(again["status"], "pending");
    let (status, _) = delete(&t.member, &s, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(timeoff(&t.owner, &s).await, json!([]));
}

#[tokio::test]
async fn a_member_cannot_touch_anyone_elses_time_off() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@others.io").await;
    let before_count = |v: &Value| v.as_array().unwrap().len();
    // for a colleague, or for everyone
    for body in [
        json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02"}),
        json!({"start": "2026-03-02", "end": "2026-03-02"}),
    ] {
        let (status, err) = post(&t.member, &s, "/api/v1/timeoff", body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert!(err["error"].as_str().unwrap().contains("linked"), "{err}");
    }
    // a colleague's request, and their approved time off
    let (_, theirs) = post(
        &t.owner,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.colleague, "start": "2026-03-02", "end": "2026-03-02", "status": "pending"}),
    )
    .await;
    let path = format!("/api/v1/timeoff/{}", id(&theirs));
    let list = timeoff(&t.owner, &s).await;
    assert_eq!(before_count(&list), 1);
    let (status, _) = patch(&t.member, &s, &path, json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = patch(&t.member, &s, &path, json!({"reason": "mine now"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = delete(&t.member, &s, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // nor move their own request onto a colleague
    let (_, mine) = post(
        &t.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.mine, "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    let (status, _) = patch(
        &t.member,
        &s,
        &format!("/api/v1/timeoff/{}", id(&mine)),
        json!({"person_id": t.colleague}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let after = timeoff(&t.owner, &s).await;
    let find = |v: &Value, id: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == json!(id))
            .cloned()
            .unwrap()
    };
    assert_eq!(find(&after, &id(&theirs)), list[0]);
    assert_eq!(find(&after, &id(&mine))["person_id"], json!(t.mine));
}

#[tokio::test]
async fn a_member_without_a_linked_person_cannot_request_time_off() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@unlinked.io").await;
    let (status, _) = put(
        &t.owner,
        &s,
        &format!("/api/v1/team/members/{}/person", t.member_user),
        json!({"person_id": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = post(
        &t.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": t.mine, "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
}

#[tokio::test]
async fn another_teams_time_off_people_and_logins_are_not_found() {
    let s = TestServer::fresh().await;
    let a = team(&s, "owner@a.io").await;
    let b = team(&s, "owner@b.io").await;
    let (_, theirs) = post(
        &b.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": b.mine, "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    let path = format!("/api/v1/timeoff/{}", id(&theirs));
    for c in [&a.owner, &a.manager, &a.member] {
        assert_eq!(
            patch(c, &s, &path, json!({"status": "approved"})).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(delete(c, &s, &path).await.0, StatusCode::NOT_FOUND);
    }
    // linking team b's login, or to team b's person
    let (status, _) = put(
        &a.manager,
        &s,
        &format!("/api/v1/team/members/{}/person", b.member_user),
        json!({"person_id": a.colleague}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = put(
        &a.manager,
        &s,
        &format!("/api/v1/team/members/{}/person", a.member_user),
        json!({"person_id": b.colleague}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    // a member of team a asking for team b's person
    let (status, _) = post(
        &a.member,
        &s,
        "/api/v1/timeoff",
        json!({"person_id": b.mine, "start": "2026-03-02", "end": "2026-03-02"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, still) = get(&b.owner, &s, "/api/v1/timeoff").await;
    assert_eq!(still[0]["status"], "pending");
}

#[tokio::test]
async fn a_login_schedules_one_person_and_moving_the_link_is_one_change() {
    let s = TestServer::fresh().await;
    let t = team(&s, "owner@link.io").await;
    let link = format!("/api/v1/team/members/{}/person", t.member_user);
    // members do not link logins
    let (status, _) = put(&t.member, &s, &link, json!({"person_id": t.colleague})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // moving the link unlinks the person it was on
    let (status, moved) = put(&t.manager, &s, &link, json!({"person_id": t.colleague})).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["person_id"], json!(t.colleague));
    let (_, people) = get(&t.owner, &s, "/api/v1/people").await;
    let linked: Vec<&Value> = people
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["user_id"] == json!(t.member_user))
        .collect();
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0]["id"], json!(t.colleague));
    // one undo puts it back
    let (status, _) = post(&t.manager, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, people) = get(&t.owner, &s, "/api/v1/people").await;
    let linked: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["user_id"] == json!(t.member_user))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(linked, [t.mine.as_str()]);
    // a second person cannot take the same login through PATCH either
    let (status, err) = patch(
        &t.owner,
        &s,
        &format!("/api/v1/people/{}", t.colleague),
        json!({"user_id": t.member_user}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("Mo Member"),
        "{err}"
    );
    // bad bodies change nothing
    for body in [
        json!({"person_id": 7}),
        json!({"person": t.colleague}),
        json!({"person_id": "nobody"}),
    ] {
        let (status, err) = put(&t.manager, &s, &link, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
    }
    let (_, after) = get(&t.owner, &s, "/api/v1/people").await;
    assert_eq!(after, people);
}
