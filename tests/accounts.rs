//! Accounts under attack and in everyday care: throttled guessing, sign-up probing,
//! client addresses behind a proxy, password change and reset, logging out everywhere.

mod common;

use common::*;
use kronuz::config::Settings;
use reqwest::StatusCode;
use serde_json::json;

/// Logs in with the right password, waiting out any backoff the server announces; how
/// long that took in seconds.
async fn login_after_backoff(server: &TestServer, email: &str, password: &str) -> u64 {
    let c = client();
    let started = std::time::Instant::now();
    loop {
        let resp = c
            .post(server.url("/api/v1/usr/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        if resp.status() != StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(resp.status(), StatusCode::OK);
            return started.elapsed().as_secs();
        }
        let wait: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait <= 60, "a backoff of {wait} s");
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_parallel_wrong_logins_are_mostly_refused_and_the_owner_gets_in_soon_after() {
    let server = TestServer::fresh().await;
    signup(&server, "ann@x.io").await;
    let guesses = (0..80).map(|i| {
        let c = client();
        let url = server.url("/api/v1/usr/login");
        async move {
            c.post(url)
                .json(&json!({"email": "ann@x.io", "password": format!("guess number {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let mut set = tokio::task::JoinSet::new();
    for g in guesses {
        set.spawn(g);
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        statuses.push(s.unwrap());
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused + checked, 80, "{statuses:?}");
    assert!(
        refused >= 60 && checked <= 20,
        "{checked} guesses were checked, {refused} refused"
    );
    let waited = login_after_backoff(&server, "ann@x.io", "correct horse").await;
    assert!(waited <= 60, "the owner waited {waited} s");
    server.stop().await;
}

/// Signs up `email` from `forwarded_for` (sent as `X-Forwarded-For`); the status.
async fn signup_from(server: &TestServer, email: &str, forwarded_for: &str) -> StatusCode {
    signup_probe(server, email, forwarded_for).await.0
}

/// As `signup_from`, with the seconds a 429's `Retry-After` asks for.
async fn signup_probe(
    server: &TestServer,
    email: &str,
    forwarded_for: &str,
) -> (StatusCode, Option<u64>) {
    let response = client()
        .post(server.url("/api/v1/usr/signup"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": "correct horse", "name": "Probe"}))
        .send()
        .await
        .unwrap();
    let wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (response.status(), wait)
}

/// Probes for the taken "ann@x.io" (the `i`th from `address(i)`) until the address has
/// been told "taken" 8 times and the next probe is refused: it then backs off for 4 s
/// or more, long enough for the checks that follow however slow the machine. A refusal
/// before that is waited out for as long as its `Retry-After` says. The statuses seen.
async fn held_back(server: &TestServer, address: impl Fn(usize) -> String) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    let mut taken = 0;
    for i in 0..40 {
        let (status, wait) = signup_probe(server, "ann@x.io", &address(i)).await;
        statuses.push(status);
        match status {
            StatusCode::CONFLICT => taken += 1,
            StatusCode::TOO_MANY_REQUESTS if taken >= 8 => return statuses,
            StatusCode::TOO_MANY_REQUESTS => {
                tokio::time::sleep(std::time::Duration::from_secs(wait.unwrap_or(1))).await
            }
            other => panic!("a probe answered {other}: {statuses:?}"),
        }
    }
    panic!("the address was never held back: {statuses:?}");
}

#[tokio::test]
async fn probing_for_taken_emails_backs_off_per_address_and_only_a_trusted_proxy_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path().join("data"));
    settings.trusted_proxy = vec!["127.0.0.0/8".parse().unwrap()];
    let server = TestServer::start_with(settings).await;
    signup(&server, "ann@x.io").await;
    let statuses = held_back(&server, |_| "203.0.113.7".into()).await;
    assert_eq!(statuses[..5], [StatusCode::CONFLICT; 5], "{statuses:?}");
    // The backoff holds every sign-up from that address, so a 429 says nothing either.
    assert_eq!(
        signup_from(&server, "new@x.io", "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Behind the same proxy, another client is not held up.
    assert_eq!(
        signup_from(&server, "ann@x.io", "198.51.100.9").await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        signup_from(&server, "bob@x.io", "198.51.100.9").await,
        StatusCode::CREATED
    );
    server.stop().await;

    // Without --trusted-proxy the header is the client's own claim and is ignored.
    let server = TestServer::fresh().await;
    signup(&server, "ann@x.io").await;
    // Each probe claims another address; they all count against the real one.
    held_back(&server, |i| format!("203.0.113.{i}")).await;
    assert_eq!(
        signup_from(&server, "ann@x.io", "198.51.100.9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    server.stop().await;
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_log_out_everywhere_ends_all() {
    let server = TestServer::fresh().await;
    let (laptop, _) = signup(&server, "ann@x.io").await;
    let phone = client();
    assert_eq!(
        login(&phone, &server, "ann@x.io", "correct horse").await.0,
        StatusCode::OK
    );

    let (status, err) = post(
        &laptop,
        &server,
        "/api/v1/usr/password",
        json!({"current_password": "wrong horse", "new_password": "battery staple"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .starts_with("current_password"),
        "{err}"
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK
    );

    let (status, body) = post(
        &laptop,
        &server,
        "/api/v1/usr/password",
        json!({"current_password": "correct horse", "new_password": "battery staple"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        get(&laptop, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&client(), &server, "ann@x.io", "correct horse")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&phone, &server, "ann@x.io", "battery staple").await.0,
        StatusCode::OK
    );

    let (status, _) = post(&laptop, &server, "/api/v1/usr/logout-all", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&laptop, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    // It survives a restart: the ended sessions are gone from disk too.
    assert_eq!(
        login(&phone, &server, "ann@x.io", "battery staple").await.0,
        StatusCode::OK
    );
    let server = server.restart().await;
    assert_eq!(
        get(&laptop, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&phone, &server, "/api/v1/usr/me").await.0,
        StatusCode::OK
    );
    server.stop().await;
}

#[tokio::test]
async fn an_owner_resets_a_members_password_with_a_one_time_link() {
    let server = TestServer::fresh().await;
    let (owner, _) = signup(&server, "ann@x.io").await;
    let (_, inv) = post(
        &owner,
        &server,
        "/api/v1/team/invites",
        json!({"email": "bob@x.io", "role": "member"}),
    )
    .await;
    let bob = client();
    let (status, bob_user) = post(
        &bob,
        &server,
        "/api/v1/usr/signup",
        json!({"email": "bob@x.io", "password": "forgotten one", "name": "Bob", "invite": inv["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{bob_user}");
    let reset_path = format!(
        "/api/v1/team/members/{}/reset",
        bob_user["id"].as_str().unwrap()
    );

    // Only the owner starts one; a member cannot, even for themselves.
    assert_eq!(
        post(&bob, &server, &reset_path, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, link) = post(&owner, &server, &reset_path, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let url = link["url"].as_str().unwrap();
    let token = url.strip_prefix("/reset?token=").unwrap();
    assert!(link["expires_at"].as_i64().unwrap() > 0);

    let (status, err) = post(
        &client(),
        &server,
        "/api/v1/usr/reset",
        json!({"token": "not-a-token", "password": "brand new one"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (status, body) = post(
        &client(),
        &server,
        "/api/v1/usr/reset",
        json!({"token": token, "password": "brand new one"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // Bob's old session ended; the new password works, the old one does not.
    assert_eq!(
        get(&bob, &server, "/api/v1/usr/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&bob, &server, "bob@x.io", "forgotten one").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&bob, &server, "bob@x.io", "brand new one").await.0,
        StatusCode::OK
    );
    // The link works once.
    let (status, err) = post(
        &client(),
        &server,
        "/api/v1/usr/reset",
        json!({"token": token, "password": "a third one"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("used or expired"),
        "{err}"
    );
    // The reset page is the web app's.
    let page = reqwest::get(server.url(url)).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    server.stop().await;
}
