//! Writes with an `Idempotency-Key`: a retry gets the first answer, never a second write.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn keyed(
    c: &Client,
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    key: &str,
    payload: Option<Value>,
) -> (StatusCode, String, bool) {
    let mut request = c
        .request(method, server.url(path))
        .header("Idempotency-Key", key);
    if let Some(payload) = payload {
        request = request.json(&payload);
    }
    let resp = request.send().await.unwrap();
    let replayed = resp.headers().contains_key("idempotent-replayed");
    (resp.status(), resp.text().await.unwrap(), replayed)
}

async fn project_count(c: &Client, server: &TestServer) -> usize {
    let (_, list) = get(c, server, "/api/v1/prj/list").await;
    list.as_array().unwrap().len()
}

#[tokio::test]
async fn the_same_post_twice_with_one_key_creates_one_record_and_answers_alike() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let body = Some(json!({"name": "Apollo"}));
    let post = reqwest::Method::POST;
    let first = keyed(
        &c,
        &server,
        post.clone(),
        "/api/v1/prj",
        "k-1",
        body.clone(),
    )
    .await;
    let second = keyed(
        &c,
        &server,
        post.clone(),
        "/api/v1/prj",
        "k-1",
        body.clone(),
    )
    .await;
    assert_eq!(first.0, StatusCode::CREATED, "{}", first.1);
    assert_eq!((first.0, &first.1), (second.0, &second.1));
    assert!(!first.2 && second.2, "only the retry is marked as replayed");
    assert_eq!(project_count(&c, &server).await, 1);

    // Without a key, or with another, the same body is another project.
    post_project(&c, &server, "Apollo").await;
    keyed(&c, &server, post, "/api/v1/prj", "k-2", body).await;
    assert_eq!(project_count(&c, &server).await, 3);
    server.stop().await;
}

async fn post_project(c: &Client, server: &TestServer, name: &str) {
    let (status, body) = post(c, server, "/api/v1/prj", json!({"name": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_requests_with_one_key_create_one_record_and_answer_alike() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (c, url) = (c.clone(), server.url("/api/v1/prj"));
        tasks.push(tokio::spawn(async move {
            let resp = c
                .post(url)
                .header("Idempotency-Key", "same-for-all")
                .json(&json!({"name": "Gemini"}))
                .send()
                .await
                .unwrap();
            (resp.status(), resp.text().await.unwrap())
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert_eq!(answers[0].0, StatusCode::CREATED, "{}", answers[0].1);
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert_eq!(project_count(&c, &server).await, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_key_reused_for_a_different_request_is_422_and_changes_nothing() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let post = reqwest::Method::POST;
    let (status, created, _) = keyed(
        &c,
        &server,
        post.clone(),
        "/api/v1/prj",
        "k",
        Some(json!({"name": "Apollo"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body, _) = keyed(
        &c,
        &server,
        post,
        "/api/v1/prj",
        "k",
        Some(json!({"name": "Gemini"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Idempotency-Key"), "{body}");
    let id = serde_json::from_str::<Value>(&created).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body, _) = keyed(
        &c,
        &server,
        reqwest::Method::DELETE,
        &format!("/api/v1/prj/{id}"),
        "k",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        names(&get(&c, &server, "/api/v1/prj/list").await.1),
        ["Apollo"]
    );
    server.stop().await;
}

#[tokio::test]
async fn keys_belong_to_their_user() {
    let server = TestServer::fresh().await;
    let (ann, _) = signup(&server, "ann@x.io").await;
    let (bob, _) = signup(&server, "bob@x.io").await;
    let body = Some(json!({"name": "Apollo"}));
    let post = reqwest::Method::POST;
    let a = keyed(
        &ann,
        &server,
        post.clone(),
        "/api/v1/prj",
        "k",
        body.clone(),
    )
    .await;
    let b = keyed(&bob, &server, post, "/api/v1/prj", "k", body).await;
    assert_eq!((a.0, b.0), (StatusCode::CREATED, StatusCode::CREATED));
    assert!(!b.2, "bob's request is his own, not a replay of ann's");
    assert_eq!(project_count(&bob, &server).await, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_malformed_key_is_refused() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let long = "k".repeat(300);
    let (status, body, _) = keyed(
        &c,
        &server,
        reqwest::Method::POST,
        "/api/v1/prj",
        &long,
        Some(json!({"name": "Apollo"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(project_count(&c, &server).await, 0);
    server.stop().await;
}

#[tokio::test]
async fn a_retry_after_the_client_hung_up_gets_the_first_answer_not_a_second_write() {
    use tokio::io::AsyncWriteExt;
    let server = TestServer::fresh().await;
    let c = client();
    let resp = c
        .post(server.url("/api/v1/usr/signup"))
        .json(&json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"}))
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let body = r#"{"name":"Apollo"}"#;
    let request = format!(
        "POST /api/v1/prj HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nIdempotency-Key: hung-up\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        cookies.join("; "),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    drop(stream); // gone before the answer

    let retry = c
        .post(server.url("/api/v1/prj"))
        .header("Idempotency-Key", "hung-up")
        .json(&json!({"name": "Apollo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(project_count(&c, &server).await, 1);
    server.stop().await;
}
