//! Personal access tokens over real TCP: a program calls the API with
//! `Authorization: Bearer`, within the token's scope and its owner's team.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn make_token(c: &reqwest::Client, s: &TestServer, scope: &str) -> (String, String) {
    let (status, made) = post(
        c,
        s,
        "/api/v1/tokens",
        json!({"name": format!("{scope} token"), "scope": scope, "expires_in_days": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["token"].as_str().unwrap().starts_with("kz_"));
    (
        made["token"].as_str().unwrap().to_string(),
        made["id"].as_str().unwrap().to_string(),
    )
}

async fn bearer_get(s: &TestServer, token: &str, path: &str) -> (StatusCode, Value) {
    body(
        reqwest::Client::new()
            .get(s.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn bearer_post(
    s: &TestServer,
    token: &str,
    path: &str,
    payload: Value,
) -> (StatusCode, Value) {
    body(
        reqwest::Client::new()
            .post(s.url(path))
            .bearer_auth(token)
            // What a browser on another site would send: bearer requests are not
            // subject to the cross-site rule (a browser never adds the header itself).
            .header("origin", "https://elsewhere.example")
            .header("sec-fetch-site", "cross-site")
            .json(&payload)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_write_token_acts_as_its_owner_and_a_read_token_only_reads() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@example.com").await;
    let (write, _) = make_token(&c, &s, "write").await;
    let (read, _) = make_token(&c, &s, "read").await;

    let (status, person) =
        bearer_post(&s, &write, "/api/v1/people", json!({"name": "Bo Lind"})).await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let (status, people) = bearer_get(&s, &read, "/api/v1/people").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&people), ["Bo Lind"]);

    let (status, err) = bearer_post(&s, &read, "/api/v1/people", json!({"name": "Cy"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert!(err["error"].as_str().unwrap().contains("read-only"));
    assert_eq!(names(&get(&c, &s, "/api/v1/people").await.1), ["Bo Lind"]);

    // The list shows both, without secrets, with the last use.
    let (_, list) = get(&c, &s, "/api/v1/tokens").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|t| t.get("token").is_none()));
    assert!(list.iter().all(|t| t["last_used_at"].is_i64()), "{list:?}");
}

#[tokio::test]
async fn cookies_still_obey_the_cross_site_rule() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@example.com").await;
    let resp = c
        .post(s.url("/api/v1/people"))
        .header("origin", "https://elsewhere.example")
        .json(&json!({"name": "Bo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_revoked_token_stops_at_once_and_unknown_ones_are_401() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@example.com").await;
    let (token, id) = make_token(&c, &s, "read").await;
    assert_eq!(
        bearer_get(&s, &token, "/api/v1/people").await.0,
        StatusCode::OK
    );
    let (status, _) = delete(&c, &s, &format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, err) = bearer_get(&s, &token, "/api/v1/people").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    assert_eq!(
        bearer_get(&s, "kz_nonsense", "/api/v1/people").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = delete(&c, &s, &format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_token_sees_only_its_owners_team_and_survives_a_restart() {
    let s = TestServer::fresh().await;
    let (ann, _) = signup(&s, "ann@example.com").await;
    let (bo, _) = signup(&s, "bo@example.com").await;
    let (_, person) = post(&bo, &s, "/api/v1/people", json!({"name": "Bo's person"})).await;
    let theirs = person["id"].as_str().unwrap().to_string();
    let (token, _) = make_token(&ann, &s, "write").await;
    let (bo_token, bo_token_id) = make_token(&bo, &s, "read").await;

    let s = s.restart().await;
    let (status, _) = bearer_get(&s, &token, &format!("/api/v1/people/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let resp = reqwest::Client::new()
        .patch(s.url(&format!("/api/v1/people/{theirs}")))
        .bearer_auth(&token)
        .json(&json!({"name": "Taken"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Nor can Ann revoke Bo's token.
    let resp = reqwest::Client::new()
        .delete(s.url(&format!("/api/v1/tokens/{bo_token_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        bearer_get(&s, &bo_token, "/api/v1/people").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_token_requests_are_422_naming_the_field() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "ann@example.com").await;
    for body in [
        json!({"name": "x", "scope": "admin"}),
        json!({"name": "", "scope": "read"}),
        json!({"name": "x", "scope": "read", "expires_in_days": 0}),
    ] {
        let (status, err) = post(&c, &s, "/api/v1/tokens", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} {err}");
    }
    assert_eq!(get(&c, &s, "/api/v1/tokens").await.1, json!([]));
}
