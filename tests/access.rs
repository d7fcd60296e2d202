//! Access ends when it should: calendar feeds go with the member or the person they
//! belong to, and invitations can be listed, revoked, and used only by whom they name.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

#[tokio::test]
async fn invites_are_listed_without_tokens_revoked_and_accepted_only_by_the_invited_email() {
    let server = TestServer::fresh().await;
    let (owner, _) = signup(&server, "ann@x.io").await;
    let cat = invite(&owner, &server, "cat@x.io", "manager").await;
    let dan = invite(&owner, &server, "dan@x.io", "member").await;
    assert_ne!(cat["id"], Value::Null);
    assert_ne!(
        cat["id"].as_str(),
        Some(kronuz::http::token_hash(cat["token"].as_str().unwrap()).as_str())
    );

    let (status, list) = get(&owner, &server, "/api/v1/team/invites").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let emails: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&"cat@x.io") && emails.contains(&"dan@x.io"));
    let text = list.to_string();
    for secret in [&cat, &dan] {
        let token = secret["token"].as_str().unwrap();
        assert!(
            !text.contains(token) && !text.contains(&kronuz::http::token_hash(token)),
            "{text}"
        );
    }

    // Anyone else holding Cat's link cannot use it; Cat can.
    let token = cat["token"].as_str().unwrap();
    let (_, status, err) = accept(&server, "eve@x.io", token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("another email"),
        "{err}"
    );
    let (_, status, user) = accept(&server, "cat@x.io", token).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["role"], "manager");

    // A revoked invitation signs nobody up and leaves the list; only the owner revokes.
    let cat_client = client();
    login(&cat_client, &server, "cat@x.io", "correct horse").await;
    let dan_path = format!("/api/v1/team/invites/{}", id(&dan));
    assert_eq!(
        delete(&cat_client, &server, &dan_path).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&cat_client, &server, "/api/v1/team/invites").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&owner, &server, &dan_path).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(&owner, &server, &dan_path).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, status, _) = accept(&server, "dan@x.io", dan["token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = get(&owner, &server, "/api/v1/team/invites").await;
    assert_eq!(list, json!([]));

    // Another team's owner cannot see or revoke them.
    let fin = invite(&owner, &server, "fin@x.io", "member").await;
    let (other, _) = signup(&server, "zed@x.io").await;
    assert_eq!(
        get(&other, &server, "/api/v1/team/invites").await.1,
        json!([])
    );
    let fin_path = format!("/api/v1/team/invites/{}", id(&fin));
    assert_eq!(
        delete(&other, &server, &fin_path).await.0,
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}
