//! Three kronuz nodes on one PostgreSQL, as real processes: every way a request can
//! name its team reaches the team's owner from any node (API tokens, calendar feeds,
//! invitations, reset links, a browser's cookies with its `Origin`); the owner throttles
//! the client a node forwarded for, never a stranger's claim; and a live-events
//! subscriber on one node sees every acknowledged write once, in order, across the
//! owner's kill -9. Needs `KRONUZ_TEST_DATABASE_URL` (scripts/test starts a cluster).

mod common;

use common::events::Events;
use common::nodes::{Node, schema, sign_up_ann, sql};
use common::{body, client, names};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn post_json(c: &Client, url: String, value: Value) -> (StatusCode, Value) {
    body(c.post(url).json(&value).send().await.unwrap()).await
}

async fn signup_ann(node: &Node) -> Client {
    let c = client();
    sign_up_ann(&c, node).await;
    c
}

#[tokio::test]
async fn tokens_feeds_invitations_reset_links_and_browsers_reach_the_owner_from_any_node() {
    let Some(url) = schema().await else { return };
    // B and C start before the team exists: they know nothing of it but what they ask.
    let a = Node::start(&url, "a", 10);
    let b = Node::start(&url, "b", 10);
    let c = Node::start(&url, "c", 10);
    let ann = signup_ann(&a).await;

    // An API token made on A works on B and C, for reads and writes.
    let (status, made) = post_json(
        &ann,
        a.url("/api/v1/tokens"),
        json!({"name": "ci", "scope": "write", "expires_in_days": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    let plain = reqwest::Client::new();
    let (status, created) = body(
        plain
            .post(c.url("/api/v1/prj"))
            .bearer_auth(&token)
            .json(&json!({"name": "by token via c"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, list) = body(
        plain
            .get(b.url("/api/v1/prj/list"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names(&list), ["by token via c"]);
    let (status, _) = body(
        plain
            .get(b.url("/api/v1/prj/list"))
            .bearer_auth("kz_not-a-token")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A browser's write through B carries B's origin: the owner takes it as B did.
    let (status, created) = body(
        ann.post(b.url("/api/v1/prj"))
            .header("origin", format!("http://{}", b.addr))
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"name": "from a browser on b"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    // A calendar feed made through C is read, without cookies, through B.
    let (status, person) =
        post_json(&ann, c.url("/api/v1/people"), json!({"name": "Bo Lind"})).await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let ical = format!("/api/v1/people/{}/ical", person["id"].as_str().unwrap());
    let (status, feed) = post_json(&ann, c.url(&ical), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let resp = plain
        .get(b.url(feed["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));

    // An invitation made through B is taken up through C: Bob joins Ann's team.
    let (status, invite) = post_json(
        &ann,
        b.url("/api/v1/team/invites"),
        json!({"email": "bob@x.io", "role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let bob = client();
    let (status, bob_user) = post_json(
        &bob,
        c.url("/api/v1/usr/signup"),
        json!({"email": "bob@x.io", "password": "forgotten one", "name": "Bob",
               "invite": invite["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{bob_user}");
    let (_, list) = body(bob.get(b.url("/api/v1/prj/list")).send().await.unwrap()).await;
    assert_eq!(names(&list).len(), 2, "{list}");

    // A reset link made through C is used through B; the new password works on A.
    let reset = format!(
        "/api/v1/team/members/{}/reset",
        bob_user["id"].as_str().unwrap()
    );
    let (status, link) = post_json(&ann, c.url(&reset), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let token = link["url"].as_str().unwrap().strip_prefix("/reset?token=");
    let (status, answer) = post_json(
        &client(),
        b.url("/api/v1/usr/reset"),
        json!({"token": token.unwrap(), "password": "brand new one"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    let (status, _) = post_json(
        &client(),
        a.url("/api/v1/usr/login"),
        json!({"email": "bob@x.io", "password": "brand new one"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Only A ever held the team.
    let leases = sql(&url, "SELECT node_id FROM leases").await;
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].get::<_, String>(0), "a");
}

/// A client behind the load balancer at 127.0.0.2 (which every node trusts), saying
/// which address it serves.
fn behind_the_balancer() -> Client {
    reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// A sign-up probe for the taken "ann@x.io" from `address`, with `extra` headers: the
/// status and the seconds a 429's `Retry-After` asks for.
async fn signup_as_taken(
    node: &Node,
    invite: &str,
    address: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Option<u64>) {
    let mut request = behind_the_balancer()
        .post(node.url("/api/v1/usr/signup"))
        .header("x-forwarded-for", address);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let resp = request
        .json(
            &json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann",
                      "invite": invite}),
        )
        .send()
        .await
        .unwrap();
    let wait = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (resp.status(), wait)
}

#[tokio::test]
async fn the_owner_throttles_the_client_a_node_forwarded_for_and_no_strangers_claim() {
    let Some(url) = schema().await else { return };
    let balancer = ["--trusted-proxy", "127.0.0.2"];
    let a = Node::start_with(&url, "a", 10, &balancer);
    let b = Node::start_with(&url, "b", 10, &balancer);
    let ann = signup_ann(&a).await;
    let (status, invite) = post_json(
        &ann,
        a.url("/api/v1/team/invites"),
        json!({"email": "carl@x.io", "role": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    let invite = invite["token"].as_str().unwrap().to_string();

    // Probing a taken email through B from one address: the owner, A, backs that
    // address off, counting it and not B's. Probed until told "taken" 8 times and
    // refused next (then held back for seconds), shorter refusals waited out.
    let (mut statuses, mut taken) = (Vec::new(), 0);
    loop {
        assert!(statuses.len() < 40, "never held back: {statuses:?}");
        let (status, wait) = signup_as_taken(&b, &invite, "203.0.113.7", &[]).await;
        statuses.push(status);
        match status {
            StatusCode::CONFLICT => taken += 1,
            StatusCode::TOO_MANY_REQUESTS if taken >= 8 => break,
            StatusCode::TOO_MANY_REQUESTS => {
                tokio::time::sleep(Duration::from_secs(wait.unwrap_or(1))).await
            }
            other => panic!("a probe answered {other}: {statuses:?}"),
        }
    }
    assert_eq!(statuses[0], StatusCode::CONFLICT, "{statuses:?}");

    // The held-back client cannot pass for another by saying it is a node.
    let forged = [
        ("kronuz-forwarded-from", "b"),
        ("kronuz-client-addr", "192.0.2.55"),
        ("kronuz-node-signature", &"00".repeat(32)),
    ];
    let (status, _) = signup_as_taken(&a, &invite, "203.0.113.7", &forged).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same node is not held back for it.
    let (status, _) = signup_as_taken(&b, &invite, "198.51.100.9", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// Creates projects named `names` through `node`, each until acknowledged (a write
/// refused while the team moves is not acknowledged, so it is simply sent again).
async fn write_all(c: &Client, node: &Node, names: &[String], deadline: Instant) {
    for name in names {
        loop {
            assert!(Instant::now() < deadline, "{name} was never acknowledged");
            let sent = c
                .post(node.url("/api/v1/prj"))
                .json(&json!({ "name": name }))
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == StatusCode::CREATED => break,
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_another_node_sees_every_write_once_in_order_across_the_owners_kill() {
    let Some(url) = schema().await else { return };
    let lease = 2;
    let a = Node::start(&url, "a", lease);
    let b = Node::start(&url, "b", lease);
    let c = Node::start(&url, "c", lease);
    let ann = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let signup = json!({"email": "ann@x.io", "password": "correct horse", "name": "Ann"});
    let (status, _) = post_json(&ann, a.url("/api/v1/usr/signup"), signup).await;
    assert_eq!(status, StatusCode::CREATED);
    // Max watches on B, with a session of his own made through B.
    let max = client();
    let login = json!({"email": "ann@x.io", "password": "correct horse"});
    let (status, _) = post_json(&max, b.url("/api/v1/usr/login"), login).await;
    assert_eq!(status, StatusCode::OK);
    let mut events = Events::open(&max, b.url("/api/v1/events"), None).await;
    let hello = events.next().await;
    assert_eq!(hello.event, "hello", "{hello:?}");
    // Ann's own screen watches on A, the owner, and loses its connection with A.
    let mut on_owner = Events::open(&ann, a.url("/api/v1/events"), None).await;
    assert_eq!(on_owner.next().await.event, "hello");

    let deadline = Instant::now() + Duration::from_secs(60);
    let before: Vec<String> = (1..=5).map(|i| format!("before {i}")).collect();
    write_all(&ann, &a, &before, deadline).await;
    let mut last_on_owner = 0;
    for name in &before {
        let e = on_owner.next().await;
        assert_eq!(
            e.data["changes"][0]["record"]["name"],
            name.as_str(),
            "{e:?}"
        );
        last_on_owner = e.id.unwrap();
    }
    // A dies without a word; C takes the team over once A's lease runs out.
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let killed = Instant::now();
    let after: Vec<String> = (1..=5).map(|i| format!("after {i}")).collect();
    write_all(&ann, &c, &after[..1], deadline).await;
    let first_write = killed.elapsed();
    write_all(&ann, &c, &after[1..], deadline).await;
    let written = Instant::now();

    // One stream on B: every acknowledged write once, in commit order.
    let expected: Vec<String> = before.iter().chain(&after).cloned().collect();
    let mut seen = Vec::new();
    let mut ids = Vec::new();
    while seen.len() < expected.len() {
        let e = events.next().await;
        assert_eq!(e.event, "change", "{e:?} after {seen:?}");
        ids.push(e.id.unwrap());
        seen.push(
            e.data["changes"][0]["record"]["name"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(seen, expected);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    eprintln!(
        "lease {lease} s: first write acknowledged {:.2} s after the kill; the stream on B \
         had every write {:.2} s after the last was acknowledged",
        first_write.as_secs_f64(),
        written.elapsed().as_secs_f64()
    );
    // Ann's screen reconnects as EventSource does, with Last-Event-ID, to another
    // node, and gets exactly what it missed.
    drop(on_owner);
    let mut resumed = Events::open(&ann, c.url("/api/v1/events"), Some(last_on_owner)).await;
    assert_eq!(resumed.next().await.event, "hello");
    for name in &after {
        let e = resumed.next().await;
        assert_eq!(e.event, "change", "{e:?}");
        assert_eq!(
            e.data["changes"][0]["record"]["name"],
            name.as_str(),
            "{e:?}"
        );
    }

    // And nothing more: the next write is the next event.
    write_all(&ann, &b, &["last".to_string()], deadline).await;
    let e = events.next().await;
    assert_eq!(e.data["changes"][0]["record"]["name"], "last", "{e:?}");
    let e = resumed.next().await;
    assert_eq!(e.data["changes"][0]["record"]["name"], "last", "{e:?}");
    let owner: String = sql(&url, "SELECT node_id FROM leases").await[0].get(0);
    assert_ne!(owner, "a");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_behind_on_the_killed_owner_resumes_on_the_node_that_loaded_the_team() {
    let Some(url) = schema().await else { return };
    let a = Node::start(&url, "a", 2);
    let b = Node::start(&url, "b", 2);
    let ann = signup_ann(&a).await;
    let mut on_owner = Events::open(&ann, a.url("/api/v1/events"), None).await;
    assert_eq!(on_owner.next().await.event, "hello");
    let deadline = Instant::now() + Duration::from_secs(60);
    let before: Vec<String> = (1..=3).map(|i| format!("before {i}")).collect();
    write_all(&ann, &a, &before, deadline).await;
    // The screen saw only the first change before A died.
    let first = on_owner.next().await;
    assert_eq!(first.data["changes"][0]["record"]["name"], "before 1");
    let seen = first.id.unwrap();
    drop(on_owner);
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    // B holds none of the team until it takes the lease and loads it from PostgreSQL.
    write_all(&ann, &b, &["after".to_string()], deadline).await;

    let mut resumed = Events::open(&ann, b.url("/api/v1/events"), Some(seen)).await;
    assert_eq!(resumed.next().await.event, "hello");
    let mut ids = vec![seen];
    for name in ["before 2", "before 3", "after"] {
        let e = resumed.next().await;
        assert_eq!(e.event, "change", "{e:?}");
        assert_eq!(e.data["changes"][0]["record"]["name"], name, "{e:?}");
        ids.push(e.id.unwrap());
    }
    // B's ids go on after the largest one A stored.
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

/// A sign-up of `email` on `node` from the loopback address `from`, answered.
async fn sign_up_from(
    node: &Node,
    from: [u8; 4],
    email: &str,
    password: &str,
) -> (StatusCode, Value) {
    let from = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(from))
        .build()
        .unwrap();
    let signup = json!({"email": email, "password": password, "name": "Dee"});
    post_json(&from, node.url("/api/v1/usr/signup"), signup).await
}

async fn sign_up(node: &Node, email: &str, password: &str) -> (StatusCode, Value) {
    sign_up_from(node, [127, 0, 0, 1], email, password).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_email_makes_one_account_across_nodes_even_signing_up_on_two_at_once() {
    let Some(url) = schema().await else { return };
    let a = Node::start(&url, "a", 10);
    let b = Node::start(&url, "b", 10);
    // A sign-up being served on some node holds its email: another is told to wait.
    sql(
        &url,
        "INSERT INTO email_claims VALUES ('dee@x.io', 'c', now())",
    )
    .await;
    let (status, answer) = sign_up(&b, "Dee@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("being made"),
        "{answer}"
    );
    // A node that stopped before letting go holds it only for a while.
    sql(
        &url,
        "UPDATE email_claims SET claimed_at = now() - interval '1 minute'",
    )
    .await;
    let (status, answer) = sign_up(&b, "dee@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    // An email no address could have is refused as such, whatever its size (letters
    // that do not compress, as a database would keep them).
    let mut x = 88_172_645_463_325_252u64;
    let letters: String = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect();
    let huge = format!("{letters}@x.io");
    let (status, answer) = sign_up(&a, &huge, "correct horse").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    // A refused sign-up lets go at once: fixed and sent again, it goes through.
    let (status, _) = sign_up(&a, "eve@x.io", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, answer) = sign_up(&b, "eve@x.io", "correct horse").await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    // The same new emails on both nodes at the same moment: one account each (each
    // pair from an address of its own, which the sign-up throttle counts apart).
    let emails: Vec<(u8, String)> = (1..=12).map(|i| (i, format!("twin{i}@x.io"))).collect();
    let races = emails.iter().map(|(i, email)| async {
        let (on_a, on_b) = tokio::join!(
            sign_up_from(&a, [127, 0, 1, *i], email, "correct horse"),
            sign_up_from(&b, [127, 0, 1, *i], email, "correct horse")
        );
        [on_a.0, on_b.0]
    });
    for answers in futures_util::future::join_all(races).await {
        let made = answers
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(made, 1, "{answers:?}");
        assert!(
            answers
                .iter()
                .all(|s| s.is_success() || *s == StatusCode::CONFLICT),
            "{answers:?}"
        );
    }
    let accounts = sql(
        &url,
        "SELECT lower(body::jsonb ->> 'email') AS e, count(*) FROM users GROUP BY e HAVING count(*) > 1",
    )
    .await;
    assert!(
        accounts.is_empty(),
        "{} emails have two accounts",
        accounts.len()
    );
    let left = sql(&url, "SELECT email FROM email_claims").await;
    assert!(left.is_empty(), "{} claims left", left.len());
}
