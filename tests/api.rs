//! The HTTP contract of accounts, sessions, projects and the error rules, over real TCP.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn signup_sets_cookies_and_me_returns_the_user() {
    let server = TestServer::fresh().await;
    let c = client();
    let resp = c
        .post(server.url("/api/v1/usr/signup"))
        .json(&json!({"email": "  Ann@Example.COM ", "password": "correct horse", "name": " Ann "}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("usrid=")),
        "{cookies:?}"
    );
    let session = cookies.iter().find(|c| c.starts_with("session=")).unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/")
    );
    assert!(!session.contains("Secure"));
    let token = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("session=");
    assert!(token.len() >= 32, "token has at least 128 bits");
    let user: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["name"], "Ann");
    assert_eq!(user["role"], "owner");
    let (status, me) = get(&c, &server, "/api/v1/usr/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], user["id"]);
    server.stop().await;
}

#[tokio::test]
async fn signup_with_a_taken_email_is_409_and_invalid_fields_are_422_naming_the_field() {
    let server = TestServer::fresh().await;
    signup(&server, "ann@x.io").await;
    let c = client();
    let (status, err) = post(
        &c,
        &server,
        "/api/v1/usr/signup",
        json!({"email": "ANN@x.io", "password": "another one", "name": "B"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let cases = [
        (
            json!({"email": "not-an-email", "password": "password1", "name": "A"}),
            "email",
        ),
        (
            json!({"email": "b@x.io", "password": "short", "name": "A"}),
            "password",
        ),
        (
            json!({"email": "b@x.io", "password": "x".repeat(1025), "name": "A"}),
            "password",
        ),
        (
            json!({"email": "b@x.io", "password": "password1", "name": "   "}),
            "name",
        ),
        (
            json!({"email": "b@x.io", "password": "password1", "name": "n".repeat(201)}),
            "name",
        ),
        (json!({"email": "b@x.io", "password": "password1"}), "name"),
        (
            json!({"email": 5, "password": "password1", "name": "A"}),
            "email",
        ),
    ];
    for (payload, field) in cases {
        let (status, err) = post(&c, &server, "/api/v1/usr/signup", payload.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{payload}");
        assert!(
            err["error"].as_str().unwrap().contains(field),
            "{payload} -> {err}"
        );
    }
    // None of those created an account.
    let (status, _) = login(&c, &server, "b@x.io", "password1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn login_with_a_wrong_password_or_unknown_email_is_the_same_401() {
    let server = TestServer::fresh().await;
    signup(&server, "ann@x.io").await;
    let c = client();
    let (s1, wrong) = login(&c, &server, "ann@x.io", "wrong password").await;
    let (s2, unknown) = login(&c, &server, "nobody@x.io", "wrong password").await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong, unknown);
    let (status, user) = login(&c, &server, " ANN@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(get(&c, &server, "/api/v1/usr/me").await.0, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn every_login_gets_a_new_token_and_sessions_live_side_by_side_until_logout() {
    let server = TestServer::fresh().await;
    let (laptop, _) = signup(&server, "ann@x.io").await;
    let phone = client();
    let login = json!({"email": "ann@x.io", "password": "correct horse"});
    let tokens: Vec<String> = {
        let mut t = Vec::new();
        for _ in 0..2 {
            let resp = phone
                .post(server.url("/api/v1/usr/login"))
                .json(&login)
                .send()
                .await
                .unwrap();
            let session = session_cookie(&resp).unwrap();
            t.push(session);
        }
        t
    };
    assert_ne!(tokens[0], tokens[1]);
    assert_eq!(
        get(&laptop, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK
    );

    // Keep the laptop's cookie to replay it after logging out.
    let resp = laptop
        .post(server.url("/api/v1/usr/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("Max-Age=0"))
    );
    assert_eq!(
        get(&laptop, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK,
        "other sessions stay"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_logged_out_token_never_works_again() {
    let server = TestServer::fresh().await;
    let (_, user) = signup(&server, "ann@x.io").await;
    let raw = reqwest::Client::new();
    let resp = raw
        .post(server.url("/api/v1/usr/login"))
        .json(&json!({"email": "ann@x.io", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    let token = session_cookie(&resp).unwrap();
    let cookie = format!("usrid={}; {token}", user["id"].as_str().unwrap());
    let me = |cookie: String| {
        raw.get(server.url("/api/v1/usr/me"))
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(me(cookie.clone()).await.unwrap().status(), StatusCode::OK);
    let resp = raw
        .post(server.url("/api/v1/usr/logout"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = me(cookie.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let err: serde_json::Value = resp.json().await.unwrap();
    assert!(err["error"].is_string());
    server.stop().await;
}

#[tokio::test]
async fn missing_or_forged_cookies_are_401_with_a_json_error() {
    let server = TestServer::fresh().await;
    let (_, user) = signup(&server, "ann@x.io").await;
    let raw = reqwest::Client::new();
    let id = user["id"].as_str().unwrap();
    for cookie in [
        None,
        Some(format!("usrid={id}")),
        Some(format!("usrid={id}; session=deadbeef")),
        Some("session=x; usrid=".into()),
        Some(format!("usrid={}; session=abc", "x".repeat(5000))),
    ] {
        let mut req = raw.get(server.url("/api/v1/prj/list"));
        if let Some(c) = &cookie {
            req = req.header("cookie", c);
        }
        let (status, err) = body(req.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{cookie:?}");
        assert!(err["error"].is_string(), "{cookie:?}: {err}");
    }
    server.stop().await;
}

#[tokio::test]
async fn repeated_failed_logins_back_off_with_retry_after_and_the_right_password_soon_works() {
    let server = TestServer::fresh().await;
    signup(&server, "ann@x.io").await;
    let c = client();
    let wrong = json!({"email": "ann@x.io", "password": "wrong password"});
    let mut statuses = Vec::new();
    let mut retry_after = 0;
    for _ in 0..8 {
        let resp = c
            .post(server.url("/api/v1/usr/login"))
            .json(&wrong)
            .send()
            .await
            .unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = resp.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry_after > 0 && retry_after <= 60, "{retry_after}");
        }
        statuses.push(resp.status());
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "five free attempts: {statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Even the right password waits out the backoff, which is short: the server says
    // how long, and then it works.
    let started = std::time::Instant::now();
    let right = json!({"email": "ann@x.io", "password": "correct horse"});
    let mut waited = false;
    loop {
        let resp = c
            .post(server.url("/api/v1/usr/login"))
            .json(&right)
            .send()
            .await
            .unwrap();
        if resp.status() != StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(resp.status(), StatusCode::OK);
            break;
        }
        assert!(started.elapsed().as_secs() < 10, "locked out for long");
        let wait: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        waited = true;
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
    // On a slow machine the backoff may be over before the right password is tried.
    let _ = (waited, retry_after);
    server.stop().await;
}

#[tokio::test]
async fn projects_can_be_created_listed_by_name_patched_and_deleted() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let (_, empty) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(empty, json!([]));
    let mut ids = Vec::new();
    for name in ["Website", " apollo ", "Brand refresh"] {
        let (status, p) = post(&c, &server, "/api/v1/prj", json!({"name": name})).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        assert!(p["id"].is_string());
        ids.push(p["id"].as_str().unwrap().to_string());
    }
    let (status, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list), ["apollo", "Brand refresh", "Website"]);

    let (status, p) = patch(
        &c,
        &server,
        &format!("/api/v1/prj/{}", ids[0]),
        json!({"name": "Zebra site"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["name"], "Zebra site");
    let (_, p) = patch(&c, &server, &format!("/api/v1/prj/{}", ids[0]), json!({})).await;
    assert_eq!(p["name"], "Zebra site", "an empty patch changes nothing");
    let (_, got) = get(&c, &server, &format!("/api/v1/prj/{}", ids[0])).await;
    assert_eq!(got["name"], "Zebra site");

    let (status, _) = delete(&c, &server, &format!("/api/v1/prj/{}", ids[1])).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&c, &server, &format!("/api/v1/prj/{}", ids[1])).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(&c, &server, &format!("/api/v1/prj/{}", ids[1]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(names(&list), ["Brand refresh", "Zebra site"]);
    server.stop().await;
}

#[tokio::test]
async fn bad_project_input_is_refused_and_changes_nothing() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let (_, p) = post(&c, &server, "/api/v1/prj", json!({"name": "Keep"})).await;
    let id = p["id"].as_str().unwrap();
    for payload in [
        json!({"name": ""}),
        json!({"name": "  "}),
        json!({"name": "x".repeat(201)}),
        json!({"name": null}),
        json!({}),
        json!({"name": "ok", "nmae": "typo"}),
        json!([1]),
    ] {
        let (status, err) = post(&c, &server, "/api/v1/prj", payload.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{payload} -> {err}"
        );
        let (status, _) = patch(&c, &server, &format!("/api/v1/prj/{id}"), payload.clone()).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || payload == json!({}),
            "{payload}"
        );
    }
    let (_, list) = get(&c, &server, "/api/v1/prj/list").await;
    assert_eq!(names(&list), ["Keep"]);
    server.stop().await;
}

#[tokio::test]
async fn another_teams_project_is_indistinguishable_from_a_missing_one() {
    let server = TestServer::fresh().await;
    let (ann, _) = signup(&server, "ann@x.io").await;
    let (bob, _) = signup(&server, "bob@x.io").await;
    let (_, p) = post(&ann, &server, "/api/v1/prj", json!({"name": "Secret"})).await;
    let path = format!("/api/v1/prj/{}", p["id"].as_str().unwrap());
    let missing = get(&bob, &server, "/api/v1/prj/0000000000000000").await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&bob, &server, &path).await, missing);
    assert_eq!(
        patch(&bob, &server, &path, json!({"name": "Mine"})).await,
        missing
    );
    assert_eq!(delete(&bob, &server, &path).await, missing);
    assert_eq!(get(&bob, &server, "/api/v1/prj/list").await.1, json!([]));
    let (_, still) = get(&ann, &server, &path).await;
    assert_eq!(still["name"], "Secret");
    server.stop().await;
}

#[tokio::test]
async fn protocol_errors_all_have_a_json_body_and_the_right_status() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let prj = server.url("/api/v1/prj");
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let cases = [
        (
            c.get(server.url("/api/v1/nothing-here")),
            StatusCode::NOT_FOUND,
        ),
        (
            c.delete(server.url("/api/v1/prj/list")),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            c.post(&prj)
                .header("content-type", "application/json")
                .body("{\"name\":"),
            StatusCode::BAD_REQUEST,
        ),
        (
            c.post(&prj).body("{\"name\":\"x\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            c.post(&prj)
                .header("content-type", "text/plain")
                .body("{\"name\":\"x\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            c.post(&prj)
                .header("content-type", "application/json")
                .body(huge),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (request, expected) in cases {
        let (status, body) = body(request.send().await.unwrap()).await;
        assert_eq!(status, expected, "{body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{expected}: {body}"
        );
    }
    assert_eq!(
        get(&c, &server, "/api/v1/prj/list").await.1,
        json!([]),
        "nothing was created"
    );
    server.stop().await;
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_same_site_ones_pass() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let create = || {
        c.post(server.url("/api/v1/prj"))
            .json(&json!({"name": "p"}))
    };
    let (status, _) = body(
        create()
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = body(
        create()
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = body(create().header("origin", "null").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(get(&c, &server, "/api/v1/prj/list").await.1, json!([]));
    let origin = format!("http://{}", server.addr);
    let (status, _) = body(
        create()
            .header("origin", origin)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // Reads are never refused for being cross-site.
    let resp = c
        .get(server.url("/api/v1/prj/list"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::fresh().await;
    let c = client();
    for path in ["/healthz", "/api/v1/usr/me", "/", "/schedule/deep/link"] {
        let resp = c.get(server.url(path)).send().await.unwrap();
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
    let resp = c
        .get(server.url("/schedule/deep/link"))
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let etag = resp.headers()["etag"].clone();
    let resp = c
        .get(server.url("/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    server.stop().await;
}

#[tokio::test]
async fn healthz_and_the_openapi_document_describe_the_server() {
    let server = TestServer::fresh().await;
    let c = client();
    assert_eq!(
        get(&c, &server, "/healthz").await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    let (status, doc) = get(&c, &server, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/usr/signup",
        "/api/v1/usr/login",
        "/api/v1/usr/logout",
        "/api/v1/usr/me",
        "/api/v1/prj/list",
        "/api/v1/prj",
        "/api/v1/prj/{id}",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    for method in ["get", "patch", "delete"] {
        assert!(
            doc["paths"]["/api/v1/prj/{id}"][method].is_object(),
            "{method}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn many_concurrent_keep_alive_clients_are_served_without_shedding() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    let mut tasks = Vec::new();
    for _ in 0..256 {
        let c = c.clone();
        let url = server.url("/api/v1/prj/list");
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..4 {
                statuses.push(c.get(&url).send().await.unwrap().status());
            }
            statuses
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap().iter().all(|s| *s == StatusCode::OK));
    }
    server.stop().await;
}

#[tokio::test]
async fn secure_cookies_are_marked_secure_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = kronuz::config::Settings::for_data_dir(dir.path().join("data"));
    settings.secure_cookies = true;
    let server = TestServer::start_with(settings).await;
    let resp = client()
        .post(server.url("/api/v1/usr/signup"))
        .json(&json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"}))
        .send()
        .await
        .unwrap();
    let cookies: Vec<&str> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies.len(), 2);
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{cookies:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_openapi_document_puts_query_parameters_in_the_query_and_documents_errors() {
    let doc = serde_json::to_value(kronuz::http::document()).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
            if op.get("requestBody").is_some() {
                for code in ["400", "415", "422"] {
                    assert!(
                        op["responses"].get(code).is_some(),
                        "{method} {path} lacks {code}"
                    );
                }
            }
        }
    }
    assert!(operations >= 50, "{operations} operations");
    let utilisation = &doc["paths"]["/api/v1/reports/utilisation"]["get"]["parameters"];
    assert!(
        utilisation
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["in"] == "query")
    );
}

#[tokio::test]
async fn metrics_count_the_actor_and_the_commits() {
    let server = TestServer::fresh().await;
    let (c, _) = signup(&server, "ann@x.io").await;
    assert_eq!(
        post(&c, &server, "/api/v1/prj", json!({"name": "p"}))
            .await
            .0,
        StatusCode::CREATED
    );
    let resp = c.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = resp.text().await.unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
    };
    assert!(value("kronuz_actor_messages_total") >= 3.0);
    assert!(
        value("kronuz_store_commits_total") >= 2.0,
        "signup and the project were committed"
    );
    assert!(value("kronuz_store_committed_writes_total") >= 2.0);
    server.stop().await;
}
