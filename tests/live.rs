//! Several planners at once: live events, versions and If-Match, each person's own undo
//! and redo. Real server, real sockets, real SQLite on a temp dir.

mod common;

use common::events::Events;
use common::*;
use kronuz::config::Settings;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// A PATCH naming the version it was made against.
async fn patch_if(
    c: &Client,
    s: &TestServer,
    path: &str,
    tag: impl AsRef<str>,
    body: &Value,
) -> reqwest::Response {
    c.patch(s.url(path))
        .header("If-Match", tag.as_ref())
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A DELETE naming the version it was made against.
async fn delete_if(c: &Client, s: &TestServer, path: &str, tag: &str) -> reqwest::Response {
    c.delete(s.url(path))
        .header("If-Match", tag)
        .send()
        .await
        .unwrap()
}

async fn create(c: &Client, s: &TestServer, path: &str, body: Value) -> Value {
    let (status, v) = post(c, s, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// A team with an owner (Ann Smith) and a manager (Max) who accepted an invite.
async fn team_of_two(s: &TestServer) -> (Client, Client) {
    let (owner, _) = signup(s, "ann@x.io").await;
    let (status, invite) = post(
        &owner,
        s,
        "/api/v1/team/invites",
        json!({"email": "max@x.io", "role": "manager"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let manager = client();
    let (status, body) = post(
        &manager,
        s,
        "/api/v1/usr/signup",
        json!({"email": "max@x.io", "password": "password1", "name": "Max", "invite": invite["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (owner, manager)
}

#[tokio::test]
async fn events_come_in_commit_order_for_the_own_team_only_and_resume_from_last_event_id() {
    let s = TestServer::fresh().await;
    let (ann, max) = team_of_two(&s).await;
    let (other, _) = signup(&s, "zoe@y.io").await;
    let mut ann_events = Events::open(&ann, s.url("/api/v1/events"), None).await;
    let mut other_events = Events::open(&other, s.url("/api/v1/events"), None).await;
    let start = ann_events.hello().await;
    other_events.hello().await;

    let client = create(&ann, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    create(&other, &s, "/api/v1/clients", json!({"name": "Secret Co"})).await;
    let person = create(&max, &s, "/api/v1/people", json!({"name": "Ben Okafor"})).await;
    let project = create(&ann, &s, "/api/v1/prj", json!({"name": "Store ops"})).await;

    let first = ann_events.change().await;
    assert_eq!(first.data["summary"], "Added client Acme");
    assert_eq!(first.data["user_name"], "Ann Smith");
    assert_eq!(first.data["changes"][0]["kind"], "client");
    assert_eq!(first.data["changes"][0]["record"]["id"], client["id"]);
    assert_eq!(first.data["changes"][0]["record"]["version"], 1);
    let second = ann_events.change().await;
    assert_eq!(second.data["summary"], "Added Ben Okafor");
    assert_eq!(second.data["user_name"], "Max");
    assert_eq!(second.data["changes"][0]["record"]["id"], person["id"]);
    let third = ann_events.change().await;
    assert_eq!(third.data["changes"][0]["record"]["id"], project["id"]);
    let ids = [first.id.unwrap(), second.id.unwrap(), third.id.unwrap()];
    assert!(
        start < ids[0] && ids[0] < ids[1] && ids[1] < ids[2],
        "{ids:?}"
    );
    // The other team hears only its own change.
    let theirs = other_events.change().await;
    assert_eq!(theirs.data["summary"], "Added client Secret Co");

    // A deletion carries the record as null.
    let (status, _) = delete(&ann, &s, &format!("/api/v1/clients/{}", id(&client))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let deleted = ann_events.change().await;
    assert_eq!(deleted.data["changes"][0]["record"], Value::Null);
    assert_eq!(deleted.data["changes"][0]["id"], client["id"]);

    // Reconnecting after the first event replays exactly what came after it.
    drop(ann_events);
    let mut resumed = Events::open(&ann, s.url("/api/v1/events"), Some(ids[0])).await;
    resumed.hello().await;
    assert_eq!(resumed.change().await.id, Some(ids[1]));
    assert_eq!(resumed.change().await.id, Some(ids[2]));
    assert_eq!(resumed.change().await.id, deleted.id);
    create(&ann, &s, "/api/v1/clients", json!({"name": "Live again"})).await;
    assert_eq!(
        resumed.change().await.data["summary"],
        "Added client Live again"
    );

    // After a restart the stream resumes from the activity log read back from disk.
    drop(resumed);
    let s = s.restart().await;
    let mut after_restart = Events::open(&ann, s.url("/api/v1/events"), Some(ids[2])).await;
    after_restart.hello().await;
    assert_eq!(after_restart.change().await.id, deleted.id);
    assert_eq!(
        after_restart.change().await.data["summary"],
        "Added client Live again"
    );
    // An id the server never sent is not resumed from either.
    let mut made_up = Events::open(&ann, s.url("/api/v1/events"), Some(u64::MAX)).await;
    made_up.hello().await;
    assert_eq!(made_up.next().await.event, "reload");
    s.stop().await;
}

#[tokio::test]
async fn nothing_is_sent_for_a_refused_write() {
    let s = TestServer::fresh().await;
    let (ann, _) = signup(&s, "ann@x.io").await;
    let mut events = Events::open(&ann, s.url("/api/v1/events"), None).await;
    events.hello().await;
    // Invalid, forbidden by a stale If-Match, unknown: none of these changes anything.
    let (status, _) = post(&ann, &s, "/api/v1/clients", json!({"name": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let c = create(&ann, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    assert_eq!(events.change().await.data["summary"], "Added client Acme");
    let stale = patch_if(
        &ann,
        &s,
        &format!("/api/v1/clients/{}", id(&c)),
        "\"7\"",
        &json!({"name": "Acme Ltd"}),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let (status, _) = delete(&ann, &s, "/api/v1/clients/0000000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    create(&ann, &s, "/api/v1/clients", json!({"name": "Next"})).await;
    assert_eq!(events.change().await.data["summary"], "Added client Next");
    s.stop().await;
}

#[tokio::test]
async fn a_write_the_disk_refuses_is_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_on_sqlite(dir.path()).await;
    let (c, _) = signup(&s, "ann@x.io").await;
    let mut settings: Settings = s.stop().await;
    settings.max_db_pages = Some(1); // SQLite clamps it to the current page count
    let s = TestServer::start_exactly(settings).await;
    let mut events = Events::open(&c, s.url("/api/v1/events"), None).await;
    events.hello().await;
    let acked = fill_until_refused(&c, &s).await.0.len();
    assert!(acked > 0);
    // A stream opened now learns the newest event id the server holds: the last
    // acknowledged write's, not the refused one's.
    let newest = Events::open(&c, s.url("/api/v1/events"), None)
        .await
        .hello()
        .await;
    let mut seen = 0;
    loop {
        let e = events.change().await;
        seen += 1;
        if e.id == Some(newest) {
            break;
        }
    }
    assert_eq!(seen, acked);
    s.stop().await;
}

#[tokio::test]
async fn if_match_turns_a_stale_write_into_412_with_the_current_record() {
    let s = TestServer::fresh().await;
    let (ann, max) = team_of_two(&s).await;
    let p = create(&ann, &s, "/api/v1/prj", json!({"name": "Store ops"})).await;
    let ben = create(&ann, &s, "/api/v1/people", json!({"name": "Ben Okafor"})).await;
    let a = create(&ann, &s, "/api/v1/allocations", json!({"project_id": id(&p), "person_id": id(&ben), "start": "2026-12-07", "end": "2026-12-11", "hours_per_day": 6})).await;
    assert_eq!(a["version"], 1);
    let path = format!("/api/v1/allocations/{}", id(&a));
    let got = ann.get(s.url(&path)).send().await.unwrap();
    assert_eq!(got.headers()["etag"], "\"1\"");

    // Max moves it, naming the version he saw: accepted, version 2.
    let moved = patch_if(
        &max,
        &s,
        &path,
        "\"1\"",
        &json!({"start": "2026-12-14", "end": "2026-12-18"}),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    assert_eq!(moved.headers()["etag"], "\"2\"");
    // Ann, still looking at version 1, changes the hours: 412 and Max's record.
    let stale = patch_if(&ann, &s, &path, "\"1\"", &json!({"hours_per_day": 4})).await;
    let (status, body) = body(stale).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        body["error"],
        "Max changed this booking since you loaded it"
    );
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(body["current"]["start"], "2026-12-14");
    assert_eq!(body["current"]["hours_per_day"], 6.0);
    // Nothing changed.
    let (_, now) = get(&ann, &s, &path).await;
    assert_eq!(
        (now["version"].clone(), now["hours_per_day"].clone()),
        (json!(2), json!(6.0))
    );
    // A stale delete is refused too; the weak form and `*` are understood.
    let del = delete_if(&ann, &s, &path, "\"1\"").await;
    assert_eq!(del.status(), StatusCode::PRECONDITION_FAILED);
    let weak = patch_if(&ann, &s, &path, "W/\"2\"", &json!({"hours_per_day": 4})).await;
    assert_eq!(weak.status(), StatusCode::OK);
    let garbage = patch_if(
        &ann,
        &s,
        &path,
        "\"not-a-version\"",
        &json!({"hours_per_day": 5}),
    )
    .await;
    assert_eq!(garbage.status(), StatusCode::PRECONDITION_FAILED);
    let any = delete_if(&ann, &s, &path, "*").await;
    assert_eq!(any.status(), StatusCode::NO_CONTENT);
    // Every kind carries its version and honours If-Match.
    for (path, patch_body) in [
        (
            format!("/api/v1/people/{}", id(&ben)),
            json!({"role": "Dev"}),
        ),
        (format!("/api/v1/prj/{}", id(&p)), json!({"status": "won"})),
    ] {
        let (_, before) = get(&ann, &s, &path).await;
        let v = before["version"].as_u64().unwrap();
        let ok = patch_if(&ann, &s, &path, format!("\"{v}\""), &patch_body).await;
        assert_eq!(ok.status(), StatusCode::OK, "{path}");
        let again = patch_if(&ann, &s, &path, format!("\"{v}\""), &patch_body).await;
        assert_eq!(again.status(), StatusCode::PRECONDITION_FAILED, "{path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn each_planner_undoes_and_redoes_their_own_changes() {
    let s = TestServer::fresh().await;
    let (ann, max) = team_of_two(&s).await;
    let (status, nothing) = post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(
        (status, nothing["error"].clone()),
        (StatusCode::CONFLICT, json!("Nothing to undo"))
    );

    let p = create(&ann, &s, "/api/v1/prj", json!({"name": "Store ops"})).await;
    let ben = create(&ann, &s, "/api/v1/people", json!({"name": "Ben Okafor"})).await;
    let a = create(&ann, &s, "/api/v1/allocations", json!({"project_id": id(&p), "person_id": id(&ben), "start": "2026-11-30", "end": "2026-12-04", "hours_per_day": 6})).await;
    let path = format!("/api/v1/allocations/{}", id(&a));
    patch(
        &ann,
        &s,
        &path,
        json!({"start": "2026-12-07", "end": "2026-12-11"}),
    )
    .await;
    // Max, in the same team, adds a client after Ann's move.
    let acme = create(&max, &s, "/api/v1/clients", json!({"name": "Acme"})).await;

    // Ann's Ctrl+Z undoes Ann's move, not Max's client, and says so in words.
    let (status, undone) = post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(
        undone["summary"],
        "Undid: moved Ben Okafor's Store ops booking to 7–11 Dec"
    );
    assert_eq!(undone["user_name"], "Ann Smith");
    assert_eq!(get(&ann, &s, &path).await.1["start"], "2026-11-30");
    assert_eq!(
        get(&ann, &s, &format!("/api/v1/clients/{}", id(&acme)))
            .await
            .0,
        StatusCode::OK
    );
    // Redo puts it back.
    let (status, redone) = post(&ann, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{redone}");
    assert_eq!(
        redone["summary"],
        "Redid: moved Ben Okafor's Store ops booking to 7–11 Dec"
    );
    assert_eq!(get(&ann, &s, &path).await.1["start"], "2026-12-07");
    // Undo again, then again: the second undo goes further back (the booking).
    post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    let (_, second) = post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(
        second["summary"],
        "Undid: booked Ben Okafor on Store ops, 30 Nov – 4 Dec"
    );
    assert_eq!(get(&ann, &s, &path).await.0, StatusCode::NOT_FOUND);
    // Redo twice re-applies both, in order.
    let (_, r1) = post(&ann, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(
        r1["summary"],
        "Redid: booked Ben Okafor on Store ops, 30 Nov – 4 Dec"
    );
    let (_, r2) = post(&ann, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(
        r2["summary"],
        "Redid: moved Ben Okafor's Store ops booking to 7–11 Dec"
    );
    let (status, none) = post(&ann, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(
        (status, none["error"].clone()),
        (StatusCode::CONFLICT, json!("Nothing to redo"))
    );

    // Max's Ctrl+Z undoes Max's client.
    let (_, maxs) = post(&max, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(maxs["summary"], "Undid: added client Acme");

    // A new change of Ann's ends what she can redo.
    post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    create(&ann, &s, "/api/v1/clients", json!({"name": "Globex"})).await;
    let (status, _) = post(&ann, &s, "/api/v1/activity/redo", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // When Max changed Ann's booking since, her undo of it says why, and her Ctrl+Z
    // skips to her newest change that can still be undone.
    let (_, log) = get(&ann, &s, "/api/v1/activity?limit=50").await;
    let log = log.as_array().unwrap();
    assert!(log.iter().any(|e| e["user_name"] == "Max"));
    // Creating the project cannot be undone while a booking of it stands, and the
    // history says so before anyone tries.
    let created = log
        .iter()
        .find(|e| e["summary"] == "Created project Store ops")
        .unwrap();
    assert_eq!(created["undoable"], false);
    assert_eq!(
        created["why_not"],
        "The project still has 1 dependent record(s)"
    );
    s.stop().await;
}

#[tokio::test]
async fn undoing_a_change_someone_else_changed_since_says_who() {
    let s = TestServer::fresh().await;
    let (ann, max) = team_of_two(&s).await;
    let acme = create(&ann, &s, "/api/v1/clients", json!({"name": "Acme"})).await;
    let path = format!("/api/v1/clients/{}", id(&acme));
    patch(&ann, &s, &path, json!({"name": "Acme Ltd"})).await;
    patch(&max, &s, &path, json!({"name": "Acme Limited"})).await;
    // Ann's newest change is blocked by Max's edit; her older one (the creation) too.
    let (status, err) = post(&ann, &s, "/api/v1/activity/undo", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        err["error"],
        "Cannot undo: Max changed the client again since"
    );
    let (_, log) = get(&ann, &s, "/api/v1/activity?limit=10").await;
    assert_eq!(log[0]["user_name"], "Max");
    assert_eq!(log[0]["undoable"], true);
    assert_eq!(log[1]["summary"], "Renamed client Acme to Acme Ltd");
    assert_eq!(log[1]["why_not"], "Max changed the client again since");
    // Explicitly, from the history, Ann may undo Max's change.
    let (status, undone) = post(
        &ann,
        &s,
        &format!("/api/v1/activity/{}/undo", log[0]["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(
        undone["summary"],
        "Undid: renamed client Acme Ltd to Acme Limited"
    );
    assert_eq!(get(&ann, &s, &path).await.1["name"], "Acme Ltd");
    s.stop().await;
}
