//! Several nodes on one PostgreSQL: which node answers for a team, and how to reach it.
//!
//! The HTTP layer (`http::forward`) asks [`Cluster::route`] for each request that
//! names a team one way or another: the `usrid` cookie, the email of a login, an API
//! token, a calendar feed's token, an invitation or a password-reset link. It finds
//! that team (a credential never changes team, so the answer is cached), then the
//! team's lease in the [`LeaseView`] the heartbeat keeps current. A team leased to
//! another live node is forwarded there; a team nobody holds is claimed first (taking
//! it over and reloading it from PostgreSQL if its owner stopped), then served here.
//!
//! Nodes trust each other through a secret kept in the database (`cluster_secret`,
//! made by the first node): a forwarded request is signed with it ([`Cluster::sign`]),
//! so only a node can say which client a request came from.

use crate::store::StoreError;
use crate::store::postgres::{LeaseOwner, LeaseView};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Where a request for a team goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// This node holds the team's lease.
    Here,
    /// Another live node does: forward to it.
    Forward(LeaseOwner),
    /// Nobody live does: claim it, then serve it here.
    Claim,
}

pub struct Cluster {
    pub node_id: String,
    leases: Arc<LeaseView>,
    config: postgres::Config,
    /// A few connections for looking people up, each opened on first use: many
    /// first logins at once do not queue behind one lookup.
    directory: Vec<Mutex<Option<postgres::Client>>>,
    /// Person id (or a credential's hash) to team id: fixed for the life of an account.
    teams: Mutex<HashMap<String, String>>,
    /// The client that forwards requests (no redirects followed: they pass through).
    pub http: reqwest::Client,
    /// What nodes sign forwarded requests with; only nodes can read it.
    key: NodeKey,
}

/// How long a node's signature holds: a forwarded request reaches its owner within a
/// second or two, so a copy replayed later (by someone who captured traffic between
/// nodes) is refused. Nodes' clocks must agree within this.
pub const SIGNATURE_TTL_SECS: u64 = 60;

/// How long a sign-up's hold on an email lasts if its node never lets go.
pub const EMAIL_CLAIM_SECS: u64 = 30;

/// Connections kept for credential lookups (blocking threads; PostgreSQL's default
/// allows 100 per server, shared by every node).
const DIRECTORY_CONNECTIONS: usize = 4;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What a node vouches for when it forwards a request: which node it is, the client it
/// served, and the request's method and path.
pub struct Forwarded<'a> {
    pub node_id: &'a str,
    pub client: &'a str,
    pub method: &'a str,
    pub path: &'a str,
}

/// The nodes' shared secret, and the signatures made with it: `<unix seconds>.<hex
/// HMAC-SHA256>` over what is vouched for and the time itself.
struct NodeKey(String);

impl NodeKey {
    fn mac(&self, f: &Forwarded, at: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_bytes())
            .expect("HMAC takes a key of any length");
        for part in [f.node_id, f.client, f.method, f.path, at] {
            mac.update(part.as_bytes());
            mac.update(b"\n");
        }
        mac
    }

    fn sign(&self, f: &Forwarded, at: u64) -> String {
        let at = at.to_string();
        let mac = self.mac(f, &at);
        format!("{at}.{}", hex::encode(mac.finalize().into_bytes()))
    }

    fn verify(&self, f: &Forwarded, signature: &str, now: u64) -> bool {
        let Some((at, hex_mac)) = signature.split_once('.') else {
            return false;
        };
        let (Ok(when), Ok(given)) = (at.parse::<u64>(), hex::decode(hex_mac)) else {
            return false;
        };
        if when.abs_diff(now) > SIGNATURE_TTL_SECS {
            return false;
        }
        self.mac(f, at).verify_slice(&given).is_ok()
    }
}

/// A credential that names a team, as found in a request.
#[derive(Debug)]
pub enum TeamKey {
    /// The `usrid` cookie.
    User(String),
    /// The email a login names.
    Email(String),
    /// The hash of an API token (`Authorization: Bearer`).
    ApiToken(String),
    /// The hash of a calendar feed's token (`/ical/<token>.ics`).
    Feed(String),
    /// The hash of an invitation's token (a sign-up that joins a team).
    Invite(String),
    /// A team named outright (a password-reset link carries its team).
    Team(String),
}

impl Cluster {
    /// Connects to the database at `url` and reads the nodes' secret (making it if
    /// this is the first node). Blocks: call it off the runtime.
    pub fn open(
        node_id: String,
        leases: Arc<LeaseView>,
        url: &str,
    ) -> Result<Arc<Cluster>, StoreError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Config(format!("the database URL is not valid: {e}")))?;
        let io = |e: postgres::Error| StoreError::Io(format!("reading the nodes' secret: {e}"));
        let mut client = config.connect(postgres::NoTls).map_err(io)?;
        let mut fresh = [0u8; 32];
        crate::domain::fill_random(&mut fresh);
        client
            .execute(
                "INSERT INTO cluster_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                &[&hex::encode(fresh)],
            )
            .map_err(io)?;
        let secret: String = client
            .query_one("SELECT secret FROM cluster_secret WHERE id = 1", &[])
            .map_err(io)?
            .get(0);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(2))
            .build()
            .map_err(|e| StoreError::Io(format!("cannot make the forwarding client: {e}")))?;
        Ok(Arc::new(Cluster {
            node_id,
            leases,
            config,
            directory: std::iter::once(Some(client))
                .chain(std::iter::repeat_with(|| None))
                .take(DIRECTORY_CONNECTIONS)
                .map(Mutex::new)
                .collect(),
            teams: Mutex::new(HashMap::new()),
            http,
            key: NodeKey(secret),
        }))
    }

    /// The signature a node puts on a request it forwards: only a node, which can
    /// read the secret, can make it.
    pub fn sign(&self, f: &Forwarded) -> String {
        self.key.sign(f, unix_now())
    }

    /// Whether `signature` is a node's for `f`, made within the last
    /// [`SIGNATURE_TTL_SECS`] (compared in constant time).
    pub fn verify(&self, f: &Forwarded, signature: &str) -> bool {
        self.key.verify(f, signature, unix_now())
    }

    /// Where a request for `team` goes.
    pub fn route(&self, team: &str) -> Route {
        match self.leases.owner(team) {
            Some(owner) if owner.node_id == self.node_id => Route::Here,
            Some(owner) => Route::Forward(owner),
            None => Route::Claim,
        }
    }

    /// The team `key` belongs to, if there is one.
    pub async fn team_of(self: &Arc<Self>, key: TeamKey) -> Option<String> {
        let (sql, param, cache): (&'static str, String, Option<String>) = match key {
            TeamKey::Team(team) => return Some(team),
            TeamKey::User(id) => (
                "SELECT team_id FROM users WHERE id = $1",
                id.clone(),
                Some(id),
            ),
            // An email can be given up and taken by another account: never cached.
            TeamKey::Email(email) => (
                "SELECT team_id FROM users WHERE lower(body::jsonb ->> 'email') = lower($1)",
                email.trim().to_string(),
                None,
            ),
            TeamKey::ApiToken(hash) => (
                "SELECT team_id FROM api_tokens WHERE body::jsonb ->> 'token_hash' = $1",
                hash.clone(),
                Some(format!("token:{hash}")),
            ),
            TeamKey::Feed(hash) => (
                "SELECT team_id FROM calendar_feeds WHERE body::jsonb ->> 'token_hash' = $1",
                hash.clone(),
                Some(format!("feed:{hash}")),
            ),
            TeamKey::Invite(hash) => (
                "SELECT team_id FROM invites WHERE body::jsonb ->> 'token_hash' = $1",
                hash.clone(),
                Some(format!("invite:{hash}")),
            ),
        };
        if let Some(team) = cache.as_deref().and_then(|k| self.cached(k)) {
            return Some(team);
        }
        let team = self.lookup(sql, param).await?;
        if let Some(key) = cache {
            self.remember(&key, &team);
        }
        Some(team)
    }

    fn cached(&self, user_id: &str) -> Option<String> {
        let teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        teams.get(user_id).cloned()
    }

    fn remember(&self, user_id: &str, team: &str) {
        let mut teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        if teams.len() > 100_000 {
            teams.clear();
        }
        teams.insert(user_id.to_string(), team.to_string());
    }

    /// One `team_id` by one text parameter, on a blocking thread (the client is sync).
    /// A directory connection nobody is using, or the first one to wait for.
    fn free_directory(&self) -> std::sync::MutexGuard<'_, Option<postgres::Client>> {
        self.directory
            .iter()
            .find_map(|slot| slot.try_lock().ok())
            .unwrap_or_else(|| self.directory[0].lock().unwrap_or_else(|e| e.into_inner()))
    }

    async fn lookup(self: &Arc<Self>, sql: &'static str, param: String) -> Option<String> {
        self.on_directory(move |client| {
            let row = client.query_opt(sql, &[&param])?;
            Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
        })
        .await
        .flatten()
    }

    /// Runs `query` on a directory connection, off the runtime; `None` when the
    /// database cannot be reached (logged).
    async fn on_directory<T: Send + 'static>(
        self: &Arc<Self>,
        query: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Option<T> {
        let cluster = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut directory = cluster.free_directory();
            if directory.as_ref().is_none_or(|c| c.is_closed()) {
                *directory = cluster
                    .config
                    .connect(postgres::NoTls)
                    .map_err(|e| tracing::warn!(error = %e, "cannot reach the directory"))
                    .ok();
            }
            query(directory.as_mut()?)
                .map_err(|e| tracing::warn!(error = %e, "cannot read the directory"))
                .ok()
        })
        .await
        .ok()
        .flatten()
    }

    /// Holds `email` for a sign-up this node is about to serve: false when another
    /// sign-up somewhere holds it (a claim left by a node that stopped lapses after
    /// [`EMAIL_CLAIM_SECS`]); `None` when the database cannot be reached.
    pub async fn claim_email(self: &Arc<Self>, email: &str) -> Option<bool> {
        let (email, node) = (email.trim().to_lowercase(), self.node_id.clone());
        self.on_directory(move |client| {
            let claimed = client.query_opt(
                "INSERT INTO email_claims (email, node_id, claimed_at) VALUES ($1, $2, now())
                 ON CONFLICT (email) DO UPDATE SET node_id = $2, claimed_at = now()
                 WHERE email_claims.claimed_at < now() - make_interval(secs => $3)
                 RETURNING email",
                &[&email, &node, &(EMAIL_CLAIM_SECS as f64)],
            )?;
            Ok(claimed.is_some())
        })
        .await
    }

    /// Lets go of `email` once its sign-up is answered: its account, if made, is in
    /// the database by then (acknowledged means written), where a sign-up looks first.
    pub async fn release_email(self: &Arc<Self>, email: &str) {
        let email = email.trim().to_lowercase();
        self.on_directory(move |client| {
            client.execute("DELETE FROM email_claims WHERE email = $1", &[&email])
        })
        .await;
    }

    /// This node now holds `team` (after a claim that went through).
    pub fn claimed(&self, team: &str, advertise_url: Option<String>) {
        self.leases.set(
            team,
            LeaseOwner {
                node_id: self.node_id.clone(),
                advertise_url,
            },
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The sync client closes by blocking on its own runtime, which must not happen
        // on an async worker: close it on a thread of its own.
        let clients: Vec<_> = self
            .directory
            .iter_mut()
            .filter_map(|slot| slot.get_mut().unwrap_or_else(|e| e.into_inner()).take())
            .collect();
        if !clients.is_empty() {
            let _ = std::thread::Builder::new()
                .name("kronuz-directory-close".into())
                .spawn(move || drop(clients));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Forwarded, NodeKey};

    const NOW: u64 = 1_800_000_000;

    fn login<'a>(client: &'a str, method: &'a str) -> Forwarded<'a> {
        Forwarded {
            node_id: "a",
            client,
            method,
            path: "/api/v1/usr/login",
        }
    }

    #[test]
    fn a_signature_holds_for_its_values_within_its_time() {
        let key = NodeKey("secret".into());
        let sig = key.sign(&login("203.0.113.7", "POST"), NOW);
        let ok = |sig: &str, now| key.verify(&login("203.0.113.7", "POST"), sig, now);
        assert!(ok(&sig, NOW));
        assert!(ok(&sig, NOW + 60));
        assert!(!ok(&sig, NOW + 61), "a copy replayed later is refused");
        assert!(!ok(&sig, NOW - 61), "a time far ahead is refused");
        // another value, another time, another secret, or no time at all
        assert!(!key.verify(&login("203.0.113.8", "POST"), &sig, NOW));
        assert!(!key.verify(&login("203.0.113.7", "GET"), &sig, NOW));
        let (_, mac) = sig.split_once('.').unwrap();
        assert!(!ok(&format!("{}.{mac}", NOW + 1), NOW));
        assert!(!ok(mac, NOW));
        let other = NodeKey("other".into()).sign(&login("203.0.113.7", "POST"), NOW);
        assert!(!ok(&other, NOW));
    }
}
