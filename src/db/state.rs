//! The actor's state and its message handling, as plain synchronous code.
//!
//! Every method validates, applies the change to memory and returns the [`Mutation`]s
//! the store must make durable; the loop in `actor` hands those to the writer. Unit
//! tests drive these methods directly, without a runtime.

use crate::domain::project::{NewProject, check_project_name};
use crate::domain::{AuthUser, Id, Project, ProjectPatch, Role, Session, SessionPolicy, Team, Timestamp, User};
use crate::store::{Kind, Mutation, Record, Snapshot};
use crate::{AppError, Result};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::IpAddr;

/// A change and what it must write.
pub type Applied<T> = Result<(T, Vec<Mutation>)>;

/// Limits on failed logins inside a sliding window.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    pub window_secs: i64,
    pub per_account: usize,
    pub per_address: usize,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle { window_secs: 15 * 60, per_account: 10, per_address: 100 }
    }
}

/// Settings the state needs from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub sessions: SessionPolicy,
    pub throttle: LoginThrottle,
}

/// A new account, validated and with its password already hashed (outside the loop).
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub token_hash: String,
}

/// How the session's `last_seen_at` on disk may lag memory before it is written again.
const LAST_SEEN_PERSIST_SECS: i64 = 3600;

/// Everything the server knows, owned by the actor.
pub struct Db {
    policy: Policy,
    users: HashMap<Id, User>,
    users_by_email: HashMap<String, Id>,
    teams: HashMap<Id, Team>,
    sessions: HashMap<String, Session>,
    /// When each session's `last_seen_at` was last written to disk.
    sessions_persisted: HashMap<String, Timestamp>,
    projects: HashMap<Id, Project>,
    team_projects: HashMap<Id, BTreeSet<(String, Id)>>,
    failed_logins: HashMap<FailureKey, VecDeque<Timestamp>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FailureKey {
    Account(String),
    Address(IpAddr),
}

impl Db {
    /// Builds the state from everything the store holds.
    pub fn new(snapshot: Snapshot, policy: Policy) -> Db {
        let mut db = Db {
            policy,
            users: HashMap::new(),
            users_by_email: HashMap::new(),
            teams: HashMap::new(),
            sessions: HashMap::new(),
            sessions_persisted: HashMap::new(),
            projects: HashMap::new(),
            team_projects: HashMap::new(),
            failed_logins: HashMap::new(),
        };
        db.load(snapshot);
        db
    }

    /// Replaces the durable part of the state with `snapshot` (after a failed commit);
    /// login throttling is kept.
    pub fn reload(&mut self, snapshot: Snapshot) {
        let failed_logins = std::mem::take(&mut self.failed_logins);
        *self = Db::new(snapshot, self.policy);
        self.failed_logins = failed_logins;
    }

    fn load(&mut self, snapshot: Snapshot) {
        for record in snapshot.records {
            match record {
                Record::User(u) => {
                    self.users_by_email.insert(u.email.clone(), u.id.clone());
                    self.users.insert(u.id.clone(), u);
                }
                Record::Team(t) => {
                    self.teams.insert(t.id.clone(), t);
                }
                Record::Session(s) => {
                    self.sessions_persisted.insert(s.token_hash.clone(), s.last_seen_at);
                    self.sessions.insert(s.token_hash.clone(), s);
                }
                Record::Project(p) => self.index_project(p),
            }
        }
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    fn fresh_id(&self, taken: impl Fn(&Id) -> bool) -> Id {
        loop {
            let id = Id::random();
            if !taken(&id) {
                return id;
            }
        }
    }

    // ---- accounts and sessions ----

    pub fn email_taken(&self, email: &str) -> bool {
        self.users_by_email.contains_key(email)
    }

    /// Creates a user, the team they own, and their first session.
    pub fn signup(&mut self, account: NewAccount, now: Timestamp) -> Applied<User> {
        if self.email_taken(&account.email) {
            return Err(AppError::Conflict("An account with this email already exists".into()));
        }
        let team = Team {
            id: self.fresh_id(|id| self.teams.contains_key(id)),
            name: format!("{}'s team", account.name),
            created_at: now,
        };
        let user = User {
            id: self.fresh_id(|id| self.users.contains_key(id)),
            email: account.email,
            name: account.name,
            password_hash: account.password_hash,
            team_id: team.id.clone(),
            role: Role::Owner,
            created_at: now,
        };
        let session = self.new_session(&user.id, account.token_hash, now);
        self.teams.insert(team.id.clone(), team.clone());
        self.users_by_email.insert(user.email.clone(), user.id.clone());
        self.users.insert(user.id.clone(), user.clone());
        let mutations = vec![
            Mutation::Put(Record::Team(team)),
            Mutation::Put(Record::User(user.clone())),
            Mutation::Put(Record::Session(session)),
        ];
        Ok((user, mutations))
    }

    fn new_session(&mut self, user_id: &Id, token_hash: String, now: Timestamp) -> Session {
        let session = Session {
            token_hash: token_hash.clone(),
            user_id: user_id.clone(),
            created_at: now,
            last_seen_at: now,
        };
        self.sessions.insert(token_hash.clone(), session.clone());
        self.sessions_persisted.insert(token_hash, now);
        session
    }

    /// Checks the throttle, then returns the user id and password hash for `email`
    /// (None when unknown: the caller still hashes, so timing does not tell).
    pub fn login_lookup(
        &mut self,
        email: &str,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<Option<(Id, String)>> {
        let t = self.policy.throttle;
        for (key, limit) in [
            (FailureKey::Account(email.to_string()), t.per_account),
            (FailureKey::Address(address), t.per_address),
        ] {
            if let Some(failures) = self.failed_logins.get_mut(&key) {
                while failures.front().is_some_and(|&at| now - at >= t.window_secs) {
                    failures.pop_front();
                }
                if failures.len() >= limit {
                    let oldest = failures.front().copied().unwrap_or(now);
                    let retry_after = (oldest + t.window_secs - now).max(1) as u64;
                    return Err(AppError::TooManyRequests { retry_after });
                }
            }
        }
        Ok(self
            .users_by_email
            .get(email)
            .and_then(|id| self.users.get(id))
            .map(|u| (u.id.clone(), u.password_hash.clone())))
    }

    pub fn login_failed(&mut self, email: String, address: IpAddr, now: Timestamp) {
        let window = self.policy.throttle.window_secs;
        if self.failed_logins.len() > 100_000 {
            // Bound the memory a flood of bogus logins can take: drop stale entries.
            self.failed_logins
                .retain(|_, v| v.back().is_some_and(|&at| now - at < window));
        }
        for key in [FailureKey::Account(email), FailureKey::Address(address)] {
            self.failed_logins.entry(key).or_default().push_back(now);
        }
    }

    /// Starts a session for a user whose password was just verified.
    pub fn login(&mut self, user_id: &Id, token_hash: String, now: Timestamp) -> Applied<User> {
        let user = self
            .users
            .get(user_id)
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Wrong email or password".into()))?;
        self.failed_logins.remove(&FailureKey::Account(user.email.clone()));
        let session = self.new_session(user_id, token_hash, now);
        Ok((user, vec![Mutation::Put(Record::Session(session))]))
    }

    /// The auth step: who holds this session? Also marks the session as seen; the
    /// returned mutations (often none) keep `last_seen_at` roughly current on disk.
    pub fn authenticate(&mut self, usrid: &Id, token_hash: &str, now: Timestamp) -> Applied<AuthUser> {
        let not_logged_in = || AppError::Unauthorized("Not logged in".into());
        let session = self.sessions.get_mut(token_hash).ok_or_else(not_logged_in)?;
        if &session.user_id != usrid {
            return Err(not_logged_in());
        }
        if session.is_expired(now, self.policy.sessions) {
            self.sessions.remove(token_hash);
            self.sessions_persisted.remove(token_hash);
            return Err(AppError::Unauthorized("Session token expired".into()));
        }
        session.last_seen_at = now;
        let mut mutations = Vec::new();
        let persisted = self.sessions_persisted.entry(token_hash.to_string()).or_insert(now);
        if now - *persisted >= LAST_SEEN_PERSIST_SECS {
            *persisted = now;
            mutations.push(Mutation::Put(Record::Session(session.clone())));
        }
        let user = self.users.get(usrid).ok_or_else(not_logged_in)?;
        let auth = AuthUser {
            user_id: user.id.clone(),
            team_id: user.team_id.clone(),
            role: user.role,
            token_hash: token_hash.to_string(),
        };
        Ok((auth, mutations))
    }

    pub fn user(&self, id: &Id) -> Result<User> {
        self.users
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Not logged in".into()))
    }

    /// Ends one session; its token never works again.
    pub fn logout(&mut self, token_hash: &str) -> Applied<()> {
        self.sessions.remove(token_hash);
        self.sessions_persisted.remove(token_hash);
        Ok(((), vec![Mutation::Delete(Kind::Session, Id(token_hash.to_string()))]))
    }

    // ---- projects ----

    fn index_project(&mut self, project: Project) {
        self.team_projects
            .entry(project.team_id.clone())
            .or_default()
            .insert(project.sort_key());
        self.projects.insert(project.id.clone(), project);
    }

    fn unindex_project(&mut self, id: &Id) -> Option<Project> {
        let project = self.projects.remove(id)?;
        if let Some(set) = self.team_projects.get_mut(&project.team_id) {
            set.remove(&project.sort_key());
        }
        Some(project)
    }

    /// The team's projects, sorted by name.
    pub fn projects(&self, team_id: &Id) -> Vec<Project> {
        self.team_projects
            .get(team_id)
            .map(|set| set.iter().filter_map(|(_, id)| self.projects.get(id).cloned()).collect())
            .unwrap_or_default()
    }

    /// A project of the caller's team; another team's is indistinguishable from none.
    pub fn project(&self, team_id: &Id, id: &Id) -> Result<&Project> {
        self.projects
            .get(id)
            .filter(|p| &p.team_id == team_id)
            .ok_or_else(|| AppError::NotFound("Project not found".into()))
    }

    pub fn create_project(&mut self, auth: &AuthUser, input: NewProject, now: Timestamp) -> Applied<Project> {
        auth.require_schedule_editor()?;
        let project = Project {
            id: self.fresh_id(|id| self.projects.contains_key(id)),
            team_id: auth.team_id.clone(),
            name: check_project_name(&input.name)?,
            created_at: now,
            updated_at: now,
        };
        self.index_project(project.clone());
        Ok((project.clone(), vec![Mutation::Put(Record::Project(project))]))
    }

    pub fn patch_project(&mut self, auth: &AuthUser, id: &Id, patch: ProjectPatch, now: Timestamp) -> Applied<Project> {
        let next = self.project(&auth.team_id, id)?.patched(&patch, now)?;
        auth.require_schedule_editor()?;
        self.unindex_project(id);
        self.index_project(next.clone());
        Ok((next.clone(), vec![Mutation::Put(Record::Project(next))]))
    }

    pub fn delete_project(&mut self, auth: &AuthUser, id: &Id) -> Applied<()> {
        self.project(&auth.team_id, id)?;
        auth.require_schedule_editor()?;
        self.unindex_project(id);
        Ok(((), vec![Mutation::Delete(Kind::Project, id.clone())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn policy() -> Policy {
        Policy {
            sessions: SessionPolicy { idle_secs: 100, max_secs: 1000 },
            throttle: LoginThrottle { window_secs: 60, per_account: 3, per_address: 5 },
        }
    }

    fn account(email: &str, token: &str) -> NewAccount {
        NewAccount {
            email: email.into(),
            name: "Ann".into(),
            password_hash: "hash".into(),
            token_hash: token.into(),
        }
    }

    fn signed_up(db: &mut Db, email: &str, token: &str) -> AuthUser {
        let (user, _) = db.signup(account(email, token), 0).unwrap();
        db.authenticate(&user.id, token, 0).unwrap().0
    }

    #[test]
    fn signup_creates_an_owned_team_and_a_session() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (user, mutations) = db.signup(account("a@x.io", "t1"), 0).unwrap();
        assert_eq!(user.role, Role::Owner);
        assert_eq!(mutations.len(), 3);
        let (auth, _) = db.authenticate(&user.id, "t1", 5).unwrap();
        assert_eq!(auth.team_id, user.team_id);
    }

    #[test]
    fn a_taken_email_is_a_conflict_and_changes_nothing() {
        let mut db = Db::new(Snapshot::default(), policy());
        db.signup(account("a@x.io", "t1"), 0).unwrap();
        let err = db.signup(account("a@x.io", "t2"), 0).unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)));
        assert_eq!(db.user_count(), 1);
        assert_eq!(db.teams.len(), 1);
    }

    #[test]
    fn sessions_expire_when_idle_and_say_so() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (user, _) = db.signup(account("a@x.io", "t1"), 0).unwrap();
        assert!(db.authenticate(&user.id, "t1", 90).is_ok());
        // Seen at 90, so idle expiry is at 190.
        assert!(db.authenticate(&user.id, "t1", 190).is_ok());
        let err = db.authenticate(&user.id, "t1", 291).unwrap_err();
        assert_eq!(err.to_string(), "Session token expired");
        assert_eq!(db.authenticate(&user.id, "t1", 292).unwrap_err().to_string(), "Not logged in");
    }

    #[test]
    fn a_token_of_another_user_is_refused() {
        let mut db = Db::new(Snapshot::default(), policy());
        signed_up(&mut db, "a@x.io", "t1");
        let (b, _) = db.signup(account("b@x.io", "t2"), 0).unwrap();
        assert!(db.authenticate(&b.id, "t1", 0).is_err());
    }

    #[test]
    fn logout_ends_only_that_session() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (user, _) = db.signup(account("a@x.io", "t1"), 0).unwrap();
        db.login(&user.id, "t2".into(), 1).unwrap();
        db.logout("t1").unwrap();
        assert!(db.authenticate(&user.id, "t1", 2).is_err());
        assert!(db.authenticate(&user.id, "t2", 2).is_ok());
    }

    #[test]
    fn failed_logins_are_throttled_per_account_then_released() {
        let mut db = Db::new(Snapshot::default(), policy());
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            assert!(db.login_lookup("a@x.io", ip, 0).is_ok());
            db.login_failed("a@x.io".into(), ip, 0);
        }
        match db.login_lookup("a@x.io", ip, 10) {
            Err(AppError::TooManyRequests { retry_after }) => assert_eq!(retry_after, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(db.login_lookup("b@x.io", ip, 10).is_ok(), "other accounts are not locked");
        assert!(db.login_lookup("a@x.io", ip, 60).is_ok(), "the window slides");
    }

    #[test]
    fn projects_are_listed_by_name_and_hidden_from_other_teams() {
        let mut db = Db::new(Snapshot::default(), policy());
        let a = signed_up(&mut db, "a@x.io", "t1");
        let b = signed_up(&mut db, "b@x.io", "t2");
        for name in ["beta", "Alpha", "gamma"] {
            db.create_project(&a, NewProject { name: name.into() }, 0).unwrap();
        }
        let names: Vec<_> = db.projects(&a.team_id).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["Alpha", "beta", "gamma"]);
        assert!(db.projects(&b.team_id).is_empty());
        let id = db.projects(&a.team_id)[0].id.clone();
        assert!(matches!(db.project(&b.team_id, &id), Err(AppError::NotFound(_))));
        assert!(matches!(db.delete_project(&b, &id), Err(AppError::NotFound(_))));
    }

    #[test]
    fn renaming_keeps_the_list_sorted() {
        let mut db = Db::new(Snapshot::default(), policy());
        let a = signed_up(&mut db, "a@x.io", "t1");
        let (p, _) = db.create_project(&a, NewProject { name: "a".into() }, 0).unwrap();
        db.create_project(&a, NewProject { name: "b".into() }, 0).unwrap();
        db.patch_project(&a, &p.id, ProjectPatch { name: Some("c".into()) }, 1).unwrap();
        let names: Vec<_> = db.projects(&a.team_id).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["b", "c"]);
    }

    #[test]
    fn a_reload_drops_what_was_not_committed() {
        let mut db = Db::new(Snapshot::default(), policy());
        let a = signed_up(&mut db, "a@x.io", "t1");
        db.create_project(&a, NewProject { name: "lost".into() }, 0).unwrap();
        db.reload(Snapshot::default());
        assert!(db.projects(&a.team_id).is_empty());
        assert_eq!(db.user_count(), 0);
    }
}
