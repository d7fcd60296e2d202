//! Access ends when it should: calendar feeds go with the member or the person they
//! belong to, and invitations can be listed, revoked, and used only by whom they name.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn fetch_status(server: &TestServer, url: &str) -> StatusCode {
    reqwest::get(server.url(url)).await.unwrap().status()
}

/// Invites `email` as `role`; the invitation as created.
async fn invite(c: &reqwest::Client, server: &TestServer, email: &str, role: &str) -> Value {
    let (status, inv) = post(
        c,
        server,
        "/api/v1/team/invites",
        json!({"email": email, "role": role}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    inv
}

/// Signs up `email` with invitation `token`: the status and body.
async fn accept(
    server: &TestServer,
    email: &str,
    token: &str,
) -> (reqwest::Client, StatusCode, Value) {
    let c = client();
    let (status, body) = post(
        &c,
        server,
        "/api/v1/usr/signup",
        json!({"email": email, "password": "correct horse", "name": "Invited", "invite": token}),
    )
    .await;
    (c, status, body)
}

#[tokio::test]
async fn a_feed_ends_when_its_member_leaves_its_person_is_archived_or_it_is_deleted() {
    let server = TestServer::fresh().await;
    let (owner, _) = signup(&server, "ann@x.io").await;
    let inv = invite(&owner, &server, "bob@x.io", "member").await;
    let (bob, status, bob_user) = accept(&server, "bob@x.io", inv["token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{bob_user}");
    let (_, person) = post(
        &owner,
        &server,
        "/api/v1/people",
        json!({"name": "Bob", "user_id": id(&bob_user)}),
    )
    .await;
    let ical = format!("/api/v1/people/{}/ical", id(&person));

    // Bob makes his own feed; removing him from the team ends it and unlinks him.
    let (status, feed) = post(&bob, &server, &ical, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let url = feed["url"].as_str().unwrap().to_string();
    assert_eq!(fetch_status(&server, &url).await, StatusCode::OK);
    let (status, _) = delete(
        &owner,
        &server,
        &format!("/api/v1/team/members/{}", id(&bob_user)),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(fetch_status(&server, &url).await, StatusCode::NOT_FOUND);
    let (_, p) = get(&owner, &server, &format!("/api/v1/people/{}", id(&person))).await;
    assert_eq!(p["user_id"], Value::Null, "{p}");

    // Archiving the person ends the next one, for good.
    let (_, feed) = post(&owner, &server, &ical, json!({})).await;
    let url = feed["url"].as_str().unwrap().to_string();
    assert_eq!(fetch_status(&server, &url).await, StatusCode::OK);
    let person_path = format!("/api/v1/people/{}", id(&person));
    assert_eq!(
        delete(&owner, &server, &person_path).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(fetch_status(&server, &url).await, StatusCode::NOT_FOUND);
    let (status, err) = post(&owner, &server, &ical, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    patch(&owner, &server, &person_path, json!({"archived": false})).await;
    assert_eq!(fetch_status(&server, &url).await, StatusCode::NOT_FOUND);

    // And a feed can simply be ended.
    let (_, feed) = post(&owner, &server, &ical, json!({})).await;
    let url = feed["url"].as_str().unwrap().to_string();
    assert_eq!(fetch_status(&server, &url).await, StatusCode::OK);
    assert_eq!(
        delete(&owner, &server, &ical).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(fetch_status(&server, &url).await, StatusCode::NOT_FOUND);
    let server = server.restart().await;
    assert_eq!(fetch_status(&server, &url).await, StatusCode::NOT_FOUND);
    server.stop().await;
}
