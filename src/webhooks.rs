//! Webhooks: each committed change, as a signed JSON POST to the URLs a team's owner
//! registered.
//!
//! - When the actor applies a change (`Db::edit_if`), it makes one [`Delivery`] per
//!   change and matching webhook and writes it in the same transaction as the change:
//!   a committed change always has its deliveries on disk, and a restart loses none.
//! - The [`worker`] runs outside the actor. Every committed change wakes it (the same
//!   path that publishes live events, [`crate::events::Events::committed`]); it asks the
//!   actor for the deliveries that are due, POSTs each with `Kronuz-Signature:
//!   sha256=<hex HMAC-SHA256 of the body>`, and reports the outcome. Failures are
//!   retried with exponential backoff for 24 hours; every attempt is in the delivery log.
//! - URLs resolving to loopback, private or link-local addresses are refused, when the
//!   webhook is made and again at each delivery, unless `--webhooks-allow-private`. At
//!   delivery the check is the HTTP client's own name resolution ([`CheckedResolver`]):
//!   the host is resolved once, and the client connects only to the addresses that
//!   passed, so a name that answers a public address to the check and a private one to
//!   the connection (DNS rebinding) cannot slip through. No proxy is used, for the same
//!   reason.

use crate::db::DbTx;
use crate::domain::{Id, Timestamp, now};
use crate::events::Events;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// A registered webhook. The secret is kept as given: it signs every delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: Id,
    pub team_id: Id,
    pub url: String,
    /// Event names such as "allocation.created"; "*" for all.
    pub events: Vec<String>,
    pub secret: String,
    pub created_by: Id,
    pub created_at: Timestamp,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Given up after 24 hours of failures.
    Failed,
}

/// One event for one webhook, with its attempts so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Id,
    pub webhook_id: Id,
    pub team_id: Id,
    pub event: String,
    /// The exact JSON sent (and signed).
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub created_at: Timestamp,
    pub next_attempt_at: Timestamp,
    pub last_attempt_at: Option<Timestamp>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
}

/// How long a failing delivery is retried.
pub const RETRY_FOR_SECS: i64 = 24 * 3600;

/// Deliveries kept in the log per webhook once finished.
pub const FINISHED_KEPT: usize = 200;

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s, ... at most an hour.
pub fn backoff_secs(attempts: u32) -> i64 {
    1i64 << attempts.saturating_sub(1).min(12)
}

/// The kinds of record whose changes are events.
pub const EVENT_KINDS: &[&str] = &[
    "person",
    "client",
    "project",
    "allocation",
    "timeoff",
    "actual",
    "task",
];

/// Whether `name` is an event a webhook may ask for.
pub fn is_event_name(name: &str) -> bool {
    name == "*"
        || name.split_once('.').is_some_and(|(kind, what)| {
            EVENT_KINDS.contains(&kind) && matches!(what, "created" | "updated" | "deleted")
        })
}

/// Whether a webhook asking for `events` wants `event`.
pub fn wants(events: &[String], event: &str) -> bool {
    events.iter().any(|e| e == "*" || e == event)
}

/// `sha256=<hex HMAC-SHA256 of body with secret>`, the `Kronuz-Signature` header.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Addresses a webhook may not call by default: this machine and private networks.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
        }
    }
}

/// Checks a webhook URL: http(s), a host, and (unless `allow_private`) no address of
/// the host on a private network. The message is for a person.
pub async fn check_url(url: &str, allow_private: bool) -> Result<(), String> {
    let (parsed, host) = http_host(url)?;
    if allow_private {
        return Ok(());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| format!("the host {host} cannot be found"))?
        .map(|a| a.ip())
        .collect();
    if addresses.is_empty() {
        return Err(format!("the host {host} cannot be found"));
    }
    if addresses.iter().any(|ip| is_private(*ip)) {
        return Err(format!(
            "the host {host} is on a private or local network, which webhooks may not call"
        ));
    }
    Ok(())
}

/// The URL and its host (an IPv6 address without its brackets), if it is http(s)
/// with a host and no credentials. The message is for a person.
fn http_host(url: &str) -> Result<(reqwest::Url, String), String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|_| "must be an http or https URL".to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| "must name a host".to_string())?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    Ok((parsed, host))
}

/// Checks a webhook URL without resolving it: http(s), no credentials, and a host
/// given as an address not on a private network (unless `allow_private`). A host name
/// passes here; [`CheckedResolver`] checks what it resolves to.
fn check_literal(url: &str, allow_private: bool) -> Result<(), String> {
    let (_, host) = http_host(url)?;
    let Ok(ip) = host.parse::<IpAddr>() else {
        return Ok(());
    };
    if !allow_private && is_private(ip) {
        return Err(format!(
            "the host {ip} is on a private or local network, which webhooks may not call"
        ));
    }
    Ok(())
}

/// Why the resolver refused a host: on a private network, or not found.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

/// The webhook client's name resolution: resolves a host once and hands the client only
/// addresses that passed the check, so the address connected to is the one checked.
/// Unless `allow_private`, a host with any address on a private or local network is
/// refused whole (a name answering one public and one private address is not trusted).
#[derive(Clone, Copy, Debug)]
pub struct CheckedResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|_| Refused(format!("the host {host} cannot be found")))?
                .collect();
            if addresses.is_empty() {
                return Err(Refused(format!("the host {host} cannot be found")).into());
            }
            if !allow_private && addresses.iter().any(|a| is_private(a.ip())) {
                return Err(Refused(format!(
                    "the host {host} is on a private or local network, which webhooks may not call"
                ))
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// The resolver's refusal inside a client error, if that is why a request failed.
fn refused(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return Some(r.0.clone());
        }
        source = s.source();
    }
    None
}

/// The HTTP client deliveries go through: no redirects, no proxy, 10 s per attempt,
/// and every host name resolved by [`CheckedResolver`].
pub fn client(allow_private: bool) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(CheckedResolver { allow_private }))
        .build()
}

/// A delivery that is due, with where it goes.
#[derive(Clone, Debug)]
pub struct Due {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// What one attempt gave.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub delivery_id: Id,
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sends one delivery.
async fn send(client: &reqwest::Client, due: &Due, allow_private: bool) -> Attempt {
    let d = &due.delivery;
    let mut attempt = Attempt {
        delivery_id: d.id.clone(),
        status: None,
        error: None,
    };
    // The scheme, and a host given as an address; a name is checked as it is resolved.
    if let Err(why) = check_literal(&due.url, allow_private) {
        attempt.error = Some(format!("not sent: {why}"));
        return attempt;
    }
    let sent = client
        .post(&due.url)
        .header("content-type", "application/json")
        .header("user-agent", "kronuz-webhooks")
        .header("kronuz-event", &d.event)
        .header("kronuz-delivery", d.id.as_str())
        .header(
            "kronuz-signature",
            signature(&due.secret, d.body.as_bytes()),
        )
        .body(d.body.clone())
        .send()
        .await;
    match sent {
        Ok(resp) => {
            attempt.status = Some(resp.status().as_u16());
            if !resp.status().is_success() {
                attempt.error = Some(format!("answered {}", resp.status()));
            }
        }
        Err(e) if refused(&e).is_some() => {
            attempt.error = refused(&e).map(|why| format!("not sent: {why}"));
        }
        Err(e) => {
            attempt.error = Some(if e.is_timeout() {
                "timed out".into()
            } else if e.is_connect() {
                "could not connect".into()
            } else {
                "the request failed".into()
            })
        }
    }
    attempt
}

/// Delivers due webhooks until the actor stops. Woken by every committed change, and
/// by the clock when a retry falls due.
pub async fn worker(db: DbTx, events: Events, allow_private: bool) {
    let client = match client(allow_private) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks cannot start: no HTTP client");
            return;
        }
    };
    loop {
        let Ok((due, next)) = db.due_deliveries(now()).await else {
            break; // the actor stopped
        };
        let busy = !due.is_empty();
        for d in due {
            let attempt = send(&client, &d, allow_private).await;
            if !attempt.succeeded() {
                tracing::info!(delivery = %d.delivery.id, error = ?attempt.error, "webhook delivery failed; will retry");
            }
            if db.delivery_attempted(attempt).await.is_err() {
                return;
            }
        }
        if busy {
            continue;
        }
        let wait = next.map_or(60, |at| (at - now()).clamp(0, 60));
        tokio::select! {
            () = events.committed() => {}
            () = tokio::time::sleep(Duration::from_secs(wait as u64)) => {}
        }
    }
    tracing::debug!("webhook worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn private_and_local_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_about_an_hour() {
        assert_eq!((1..=4).map(backoff_secs).collect::<Vec<_>>(), [1, 2, 4, 8]);
        assert_eq!(backoff_secs(40), 4096);
    }

    #[test]
    fn event_names_are_kind_dot_change() {
        assert!(is_event_name("allocation.created"));
        assert!(is_event_name("*"));
        assert!(!is_event_name("allocation.exploded"));
        assert!(!is_event_name("user.created"));
        assert!(wants(&["*".into()], "task.deleted"));
        assert!(!wants(&["task.created".into()], "task.deleted"));
    }

    /// A receiver on 127.0.0.1 that answers 200 to each request it gets, and counts them.
    async fn receiver() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = got.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut buf = vec![0u8; 64 * 1024];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            }
        });
        (port, got)
    }

    fn due(url: String) -> Due {
        Due {
            delivery: Delivery {
                id: Id::from("d1"),
                webhook_id: Id::from("w1"),
                team_id: Id::from("t"),
                event: "client.created".into(),
                body: "{}".into(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                created_at: 0,
                next_attempt_at: 0,
                last_attempt_at: None,
                last_status: None,
                last_error: None,
            },
            url,
            secret: "s".into(),
        }
    }

    #[tokio::test]
    async fn a_delivery_to_a_name_resolving_to_this_machine_never_connects() {
        let (port, got) = receiver().await;
        // `localhost` resolves to loopback: the name is checked as the client resolves
        // it, and the client has no other address to connect to.
        let url = format!("http://localhost:{port}/hook");
        let attempt = send(&client(false).unwrap(), &due(url.clone()), false).await;
        let error = attempt.error.clone().unwrap_or_default();
        assert!(
            error.starts_with("not sent:") && error.contains("private or local network"),
            "{attempt:?}"
        );
        // An address literal is refused before any connection too.
        let literal = format!("http://127.0.0.1:{port}/hook");
        let attempt = send(&client(false).unwrap(), &due(literal), false).await;
        assert!(attempt.error.unwrap_or_default().starts_with("not sent:"));
        // Allowed, the same name is delivered, to the address that was resolved.
        let attempt = send(&client(true).unwrap(), &due(url), true).await;
        assert!(attempt.succeeded(), "{attempt:?}");
        assert_eq!(got.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn urls_on_this_machine_are_refused_unless_allowed() {
        assert!(check_url("http://127.0.0.1:9/hook", false).await.is_err());
        assert!(check_url("http://[::1]:9/hook", false).await.is_err());
        assert!(check_url("http://localhost/hook", false).await.is_err());
        assert!(check_url("http://127.0.0.1:9/hook", true).await.is_ok());
        assert!(check_url("ftp://example.com/", true).await.is_err());
        assert!(
            check_url("http://user:pw@example.com/", true)
                .await
                .is_err()
        );
    }
}
