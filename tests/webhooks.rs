//! Webhooks against a real HTTP receiver on 127.0.0.1: signed deliveries, retries after
//! the receiver was down, and no delivery lost across a restart.

mod common;

use axum::body::Bytes;
use axum::http::HeaderMap;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use kronuz::config::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::mpsc;

/// One request the receiver got.
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

/// An HTTP receiver on `listener`: every POST goes into the channel and gets 200.
fn receiver(listener: tokio::net::TcpListener) -> mpsc::UnboundedReceiver<Received> {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Received { headers, body });
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    rx
}

fn verify(secret: &str, got: &Received) {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&got.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(got.headers["kronuz-signature"].to_str().unwrap(), expected);
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a delivery within 30 s")
        .unwrap()
}

fn allowing_private(dir: &std::path::Path) -> Settings {
    let mut settings = Settings::for_data_dir(dir.join("data"));
    settings.webhooks_allow_private = true;
    settings
}

/// Polls the delivery log until `ok` holds for its newest entry (30 s at most).
async fn log_until(
    c: &reqwest::Client,
    s: &TestServer,
    hook: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, log) = get(c, s, &format!("/api/v1/webhooks/{hook}/deliveries")).await;
        if log.as_array().and_then(|l| l.first()).is_some_and(&ok) {
            return log;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivery log never got there: {log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn each_change_is_posted_signed_to_the_webhooks_that_want_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_with(allowing_private(dir.path())).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let mut rx = receiver(listener);
    let (c, _) = signup(&s, "owner@example.com").await;
    let secret = "a secret of sixteen or more";
    let (status, hook) = post(
        &c,
        &s,
        "/api/v1/webhooks",
        json!({"url": url, "events": ["person.created", "person.deleted"], "secret": secret}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let (_, listed) = get(&c, &s, "/api/v1/webhooks").await;
    assert!(listed[0].get("secret").is_none());

    post(&c, &s, "/api/v1/clients", json!({"name": "Not wanted"})).await;
    let (_, person) = post(&c, &s, "/api/v1/people", json!({"name": "Ann"})).await;
    let got = next(&mut rx).await;
    verify(secret, &got);
    assert_eq!(got.headers["kronuz-event"], "person.created");
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["event"], "person.created");
    assert_eq!(body["data"]["name"], "Ann");
    assert_eq!(
        got.headers["kronuz-delivery"].to_str().unwrap(),
        body["id"].as_str().unwrap()
    );
    assert_eq!(body["data"]["id"], person["id"]);

    let id = hook["id"].as_str().unwrap();
    log_until(&c, &s, id, |d| {
        d["status"] == "delivered" && d["last_status"] == 200
    })
    .await;
    drop(s);
}

#[tokio::test]
async fn urls_on_private_networks_are_refused_by_default() {
    let s = TestServer::fresh().await;
    let (c, _) = signup(&s, "owner@example.com").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
    ] {
        let (status, err) = post(
            &c,
            &s,
            "/api/v1/webhooks",
            json!({"url": url, "events": ["*"]}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {err}");
        assert!(err["error"].as_str().unwrap().starts_with("url:"), "{err}");
    }
    let (status, _) = post(
        &c,
        &s,
        "/api/v1/webhooks",
        json!({"url": "https://example.com/", "events": ["nothing.happened"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(get(&c, &s, "/api/v1/webhooks").await.1, json!([]));
}

#[tokio::test]
async fn a_delivery_to_a_receiver_that_was_down_is_retried_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_with(allowing_private(dir.path())).await;
    // A port with nobody listening yet.
    let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let (c, _) = signup(&s, "owner@example.com").await;
    let (_, hook) = post(
        &c,
        &s,
        "/api/v1/webhooks",
        json!({"url": format!("http://{addr}/hook"), "events": ["*"]}),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    let id = hook["id"].as_str().unwrap().to_string();
    post(&c, &s, "/api/v1/people", json!({"name": "Ann"})).await;
    let log = log_until(&c, &s, &id, |d| d["attempts"].as_u64() >= Some(1)).await;
    assert_eq!(log[0]["status"], "pending", "{log}");
    assert!(log[0]["last_error"].is_string(), "{log}");

    // Down across a restart; then the receiver comes up and gets it.
    let s = s.restart().await;
    let (status, _) = login(&c, &s, "owner@example.com", "correct horse").await;
    assert_eq!(status, StatusCode::OK);
    let mut rx = receiver(tokio::net::TcpListener::bind(addr).await.unwrap());
    let got = next(&mut rx).await;
    verify(&secret, &got);
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["event"], "person.created");
    let log = log_until(&c, &s, &id, |d| d["status"] == "delivered").await;
    assert!(log[0]["attempts"].as_u64().unwrap() >= 2, "{log}");
    drop(s);
}
