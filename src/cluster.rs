//! Several nodes on one PostgreSQL: which node answers for a team, and how to reach it.
//!
//! The HTTP layer (`http::forward`) asks [`Cluster::route`] for each API request that
//! names a person (the `usrid` cookie, or the email of a login): it finds that person's
//! team (a person never changes team, so the answer is cached), then the team's lease
//! in the [`LeaseView`] the heartbeat keeps current. A team leased to another live node
//! is forwarded there; a team nobody holds is claimed first (taking it over and
//! reloading it from PostgreSQL if its owner stopped), then served here.

use crate::store::postgres::{LeaseOwner, LeaseView};
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
    /// A connection for looking people up, opened on first use.
    directory: Mutex<Option<postgres::Client>>,
    /// Person id to team id: fixed for the life of an account.
    teams: Mutex<HashMap<String, String>>,
    /// The client that forwards requests (no redirects followed: they pass through).
    pub http: reqwest::Client,
}

impl Cluster {
    pub fn new(node_id: String, leases: Arc<LeaseView>, url: &str) -> Option<Arc<Cluster>> {
        let config = url.parse().ok()?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok()?;
        Some(Arc::new(Cluster {
            node_id,
            leases,
            config,
            directory: Mutex::new(None),
            teams: Mutex::new(HashMap::new()),
            http,
        }))
    }

    /// Where a request for `team` goes.
    pub fn route(&self, team: &str) -> Route {
        match self.leases.owner(team) {
            Some(owner) if owner.node_id == self.node_id => Route::Here,
            Some(owner) => Route::Forward(owner),
            None => Route::Claim,
        }
    }

    /// The team of the person with this id, if there is one.
    pub async fn team_of_user(self: &Arc<Self>, user_id: &str) -> Option<String> {
        if let Some(team) = self.cached(user_id) {
            return Some(team);
        }
        let team = self
            .lookup(
                "SELECT team_id FROM users WHERE id = $1",
                user_id.to_string(),
            )
            .await?;
        self.remember(user_id, &team);
        Some(team)
    }

    /// The team of the person who logs in with this email, if there is one.
    pub async fn team_of_email(self: &Arc<Self>, email: &str) -> Option<String> {
        self.lookup(
            "SELECT team_id FROM users WHERE lower(body::jsonb ->> 'email') = lower($1)",
            email.trim().to_string(),
        )
        .await
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
    async fn lookup(self: &Arc<Self>, sql: &'static str, param: String) -> Option<String> {
        let cluster = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut directory = cluster.directory.lock().unwrap_or_else(|e| e.into_inner());
            if directory.as_ref().is_none_or(|c| c.is_closed()) {
                *directory = cluster
                    .config
                    .connect(postgres::NoTls)
                    .map_err(|e| tracing::warn!(error = %e, "cannot look up a team"))
                    .ok();
            }
            let client = directory.as_mut()?;
            match client.query_opt(sql, &[&param]) {
                Ok(row) => row.and_then(|r| r.get::<_, Option<String>>(0)),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot look up a team");
                    None
                }
            }
        })
        .await
        .ok()
        .flatten()
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
        let directory = self.directory.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = directory.take() {
            let _ = std::thread::Builder::new()
                .name("kronuz-directory-close".into())
                .spawn(move || drop(client));
        }
    }
}
