//! The actor's state and its message handling, as plain synchronous code.
//!
//! Every method validates, applies the change to memory and returns the [`Mutation`]s
//! the store must make durable; the loop in `actor` hands those to the writer. Unit
//! tests drive these methods directly, without a runtime.

pub use super::edit::Edit;
use crate::domain::activity::Activity;
use crate::domain::user::Invite;
use crate::domain::{AuthUser, Id, Role, Schedule, Session, SessionPolicy, Team, Timestamp, User};
use crate::store::{Kind, Mutation, Record, Snapshot};
use crate::{AppError, Result};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

/// A change and what it must write.
pub type Applied<T> = Result<(T, Vec<Mutation>)>;

pub use super::throttle::LoginThrottle;

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
    /// Hash of an invitation token: join that team instead of creating one.
    pub invite_hash: Option<String>,
}

/// What a login checks a password against.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user_id: Id,
    pub password_hash: String,
}

/// How long an expired session is remembered, to say why it no longer works.
pub const EXPIRED_SESSIONS_KEPT_SECS: i64 = 30 * 86_400;

/// How the session's `last_seen_at` on disk may lag memory before it is written again.
const LAST_SEEN_PERSIST_SECS: i64 = 3600;

/// Everything the server knows, owned by the actor.
pub struct Db {
    pub(super) policy: Policy,
    pub(super) users: HashMap<Id, User>,
    /// Each team's members' ids.
    pub(super) members: HashMap<Id, std::collections::BTreeSet<Id>>,
    pub(super) users_by_email: HashMap<String, Id>,
    pub(super) sessions: HashMap<String, Session>,
    /// When each session's `last_seen_at` was last written to disk.
    pub(super) sessions_persisted: HashMap<String, Timestamp>,
    /// Login and sign-up attempts, for throttling (kept across reloads).
    pub(super) attempts: super::throttle::Attempts,
    /// Password resets started by an owner, by the hash of their token. Kept in memory
    /// only: a restart voids them (the owner makes a new link), and so does a reload.
    pub(super) resets: HashMap<String, super::passwords::PasswordReset>,
    pub(super) invites: HashMap<String, Invite>,
    /// Each team's schedule, keyed by team id; the team itself lives inside.
    pub(super) schedules: HashMap<Id, Schedule>,
    /// Each team's most recent activity, oldest first (older entries stay on disk).
    /// Shared entries: listing the log clones pointers, not the records inside.
    pub(super) activity: HashMap<Id, VecDeque<std::sync::Arc<Activity>>>,
    pub(super) next_seq: u64,
    /// Plans previewed and not yet applied, by proposal id.
    pub(super) proposals: HashMap<Id, StoredProposal>,
    /// Calendar feeds by the hash of their token.
    pub(super) feeds: HashMap<String, crate::domain::schedule::CalendarFeed>,
    /// Every team's scenarios by id; open ones hold their fork (see `db::scenarios`).
    pub(super) scenarios: HashMap<Id, super::scenarios::ScenarioState>,
    /// Personal access tokens by the hash of their secret.
    pub(super) tokens: HashMap<String, crate::domain::token::ApiToken>,
    /// When each token's `last_used_at` was last written to disk.
    pub(super) tokens_persisted: HashMap<String, Timestamp>,
    /// Webhooks by id, and their deliveries (pending and the recent log) by id.
    pub(super) webhooks: HashMap<Id, crate::webhooks::Webhook>,
    pub(super) deliveries: HashMap<Id, crate::webhooks::Delivery>,
}

/// A previewed plan: the changes it makes, valid only at the schedule version it saw.
#[derive(Clone, Debug)]
pub struct StoredProposal {
    /// The schedule it was previewed on: a team's live one, or a scenario.
    pub team_id: Id,
    pub version: u64,
    pub summary: String,
    pub changes: Vec<crate::domain::activity::Change>,
    pub created_at: Timestamp,
}

impl Db {
    /// Builds the state from everything the store holds.
    pub fn new(snapshot: Snapshot, policy: Policy) -> Db {
        let mut db = Db {
            policy,
            users: HashMap::new(),
            members: HashMap::new(),
            users_by_email: HashMap::new(),
            sessions: HashMap::new(),
            sessions_persisted: HashMap::new(),
            attempts: Default::default(),
            resets: HashMap::new(),
            invites: HashMap::new(),
            schedules: HashMap::new(),
            activity: HashMap::new(),
            next_seq: 1,
            proposals: HashMap::new(),
            feeds: HashMap::new(),
            scenarios: HashMap::new(),
            tokens: HashMap::new(),
            tokens_persisted: HashMap::new(),
            webhooks: HashMap::new(),
            deliveries: HashMap::new(),
        };
        db.load(snapshot);
        db
    }

    /// Replaces the durable part of the state with `snapshot` (after a failed commit);
    /// login throttling is kept.
    pub fn reload(&mut self, snapshot: Snapshot) {
        let attempts = std::mem::take(&mut self.attempts);
        *self = Db::new(snapshot, self.policy);
        self.attempts = attempts;
    }

    /// Adds what `snapshot` holds to memory (all of it at start, or one team).
    pub(super) fn load(&mut self, snapshot: Snapshot) {
        let mut activities = Vec::new();
        let mut scenarios = Vec::new();
        for record in snapshot.records {
            match record {
                Record::User(u) => {
                    self.users_by_email.insert(u.email.clone(), u.id.clone());
                    self.members
                        .entry(u.team_id.clone())
                        .or_default()
                        .insert(u.id.clone());
                    self.users.insert(u.id.clone(), u);
                }
                Record::Team(t) => {
                    self.schedules.insert(t.id.clone(), Schedule::new(t));
                }
                Record::Session(s) => {
                    self.sessions_persisted
                        .insert(s.token_hash.clone(), s.last_seen_at);
                    self.sessions.insert(s.token_hash.clone(), s);
                }
                Record::Invite(i) => {
                    self.invites.insert(i.token_hash.clone(), i);
                }
                Record::Activity(a) => activities.push(a),
                Record::CalendarFeed(f) => {
                    self.feeds.insert(f.token_hash.clone(), f);
                }
                Record::Scenario(s) => scenarios.push(s),
                Record::ApiToken(t) => {
                    self.tokens.insert(t.token_hash.clone(), t);
                }
                Record::Webhook(w) => {
                    self.webhooks.insert(w.id.clone(), w);
                }
                Record::Delivery(d) => {
                    self.deliveries.insert(d.id.clone(), d);
                }
                other => {
                    let team = team_of(&other);
                    match self.schedules.get_mut(&team) {
                        Some(schedule) => super::records::put_record(schedule, other),
                        None => {
                            tracing::warn!(kind = ?other.kind(), id = other.id(), "record of a missing team skipped")
                        }
                    }
                }
            }
        }
        // Scenarios after every live record: each is rebuilt as live plus its rows.
        self.load_scenarios(scenarios, snapshot.scenario_rows);
        activities.sort_by_key(|a| a.seq);
        for a in activities {
            self.next_seq = self.next_seq.max(a.seq + 1);
            // A closed scenario's log is history only: it stays on disk.
            if a.scenario.as_ref().is_none_or(|s| self.is_open_scenario(s)) {
                self.remember_activity(a);
            }
        }
    }

    /// The newest activity id at start-up: live events begin after it.
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    pub(super) fn fresh_id(&self, taken: impl Fn(&Id) -> bool) -> Id {
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

    /// Creates a user and their first session. Without an invite the user also gets a
    /// new team they own; with one they join the inviting team in the invited role.
    pub fn signup(&mut self, account: NewAccount, now: Timestamp) -> Applied<User> {
        if self.email_taken(&account.email) {
            return Err(AppError::Conflict(
                "An account with this email already exists".into(),
            ));
        }
        let mut mutations = Vec::new();
        let (team_id, role) = match &account.invite_hash {
            Some(hash) => {
                let invite = self
                    .invites
                    .get(hash)
                    .filter(|i| {
                        !i.used && i.expires_at > now && self.schedules.contains_key(&i.team_id)
                    })
                    .ok_or_else(|| {
                        AppError::invalid("invite", "this invitation is unknown, used or expired")
                    })?;
                let members = self.members.get(&invite.team_id).map_or(0, |m| m.len());
                if members >= crate::domain::limits::MEMBERS_PER_TEAM {
                    return Err(crate::domain::limits::reached(
                        "a team",
                        crate::domain::limits::MEMBERS_PER_TEAM,
                        "members",
                    ));
                }
                if !invite.email.is_empty() && invite.email != account.email {
                    return Err(AppError::Forbidden(
                        "This invitation is for another email address: sign up with the address it was sent to".into(),
                    ));
                }
                let used = Invite {
                    used: true,
                    ..invite.clone()
                };
                let joined = (used.team_id.clone(), used.role);
                self.invites.insert(hash.clone(), used.clone());
                mutations.push(Mutation::Put(Record::Invite(used)));
                joined
            }
            None => {
                let team = Team {
                    id: self.fresh_id(|id| self.schedules.contains_key(id)),
                    name: format!("{}'s team", account.name),
                    week_start: "monday".into(),
                    timezone: "UTC".into(),
                    currency: crate::domain::money::default_currency(),
                    rates: Default::default(),
                    created_at: now,
                };
                self.schedules
                    .insert(team.id.clone(), Schedule::new(team.clone()));
                let id = team.id.clone();
                mutations.push(Mutation::Put(Record::Team(team)));
                (id, Role::Owner)
            }
        };
        let user = User {
            id: self.fresh_id(|id| self.users.contains_key(id)),
            email: account.email,
            name: account.name,
            password_hash: account.password_hash,
            team_id,
            role,
            created_at: now,
        };
        let session = self.new_session(&user.id, account.token_hash, now);
        self.users_by_email
            .insert(user.email.clone(), user.id.clone());
        self.members
            .entry(user.team_id.clone())
            .or_default()
            .insert(user.id.clone());
        self.users.insert(user.id.clone(), user.clone());
        mutations.push(Mutation::Put(Record::User(user.clone())));
        mutations.push(Mutation::Put(Record::Session(session)));
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

    /// Counts a login attempt (refusing it while the account or address backs off),
    /// then returns the user id and password hash for `email` (None when unknown: the
    /// caller still hashes, so timing does not tell). Counting here, before the
    /// password is checked, is what makes parallel guesses count too.
    pub fn login_lookup(
        &mut self,
        email: &str,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<Option<Credentials>> {
        self.attempts
            .begin_login(&self.policy.throttle, email, address, now)?;
        Ok(self
            .users_by_email
            .get(email)
            .and_then(|id| self.users.get(id))
            .map(|u| Credentials {
                user_id: u.id.clone(),
                password_hash: u.password_hash.clone(),
            }))
    }

    /// Before paying for a password hash: refuses a sign-up while `address` backs off,
    /// and one for a taken email (409), which counts towards that backoff.
    pub fn signup_check(&mut self, email: &str, address: IpAddr, now: Timestamp) -> Result<()> {
        let policy = self.policy.throttle;
        self.attempts.check_signup(&policy, address, now)?;
        if self.email_taken(email) {
            self.attempts.signup_taken(&policy, address, now);
            return Err(AppError::Conflict(
                "An account with this email already exists".into(),
            ));
        }
        Ok(())
    }

    /// Starts a session for a user whose password was just verified.
    pub fn login(
        &mut self,
        user_id: &Id,
        token_hash: String,
        address: IpAddr,
        now: Timestamp,
    ) -> Applied<User> {
        let user = self
            .users
            .get(user_id)
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Wrong email or password".into()))?;
        self.attempts
            .login_succeeded(&self.policy.throttle, &user.email, address);
        let session = self.new_session(user_id, token_hash, now);
        Ok((user, vec![Mutation::Put(Record::Session(session))]))
    }

    /// The auth step: who holds this session? Also marks the session as seen; the
    /// returned mutations (often none) keep `last_seen_at` roughly current on disk.
    pub fn authenticate(
        &mut self,
        usrid: &Id,
        token_hash: &str,
        now: Timestamp,
    ) -> Applied<AuthUser> {
        let not_logged_in = || AppError::Unauthorized("Not logged in".into());
        let session = self
            .sessions
            .get_mut(token_hash)
            .ok_or_else(not_logged_in)?;
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
        // Looked up before inserting: this runs on every request, and `entry` would
        // allocate the key each time.
        let persisted = match self.sessions_persisted.get_mut(token_hash) {
            Some(at) => at,
            None => self
                .sessions_persisted
                .entry(token_hash.to_string())
                .or_insert(now),
        };
        if now - *persisted >= LAST_SEEN_PERSIST_SECS {
            *persisted = now;
            mutations.push(Mutation::Put(Record::Session(session.clone())));
        }
        let user = self.users.get(usrid).ok_or_else(not_logged_in)?;
        let auth = AuthUser {
            user_id: user.id.clone(),
            team_id: user.team_id.clone(),
            role: user.role,
            scenario: None,
        };
        Ok((auth, mutations))
    }

    pub fn user(&self, id: &Id) -> Result<User> {
        self.users
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Not logged in".into()))
    }

    /// Forgets sessions that expired more than [`EXPIRED_SESSIONS_KEPT_SECS`] ago (until
    /// then a returning browser is told "Session token expired" rather than "Not logged
    /// in"); returns the deletions for the store.
    pub fn purge_expired_sessions(&mut self, now: Timestamp) -> Vec<Mutation> {
        let policy = self.policy.sessions;
        let long_ago = now - EXPIRED_SESSIONS_KEPT_SECS;
        let expired: Vec<String> = self
            .sessions
            .values()
            .filter(|s| s.is_expired(long_ago, policy))
            .map(|s| s.token_hash.clone())
            .collect();
        expired
            .into_iter()
            .map(|hash| {
                self.sessions.remove(&hash);
                self.sessions_persisted.remove(&hash);
                Mutation::Delete(Kind::Session, Id(hash))
            })
            .collect()
    }

    /// Ends every session of `user_id` except `keep` (a token hash); the deletions.
    pub(super) fn end_sessions(&mut self, user_id: &Id, keep: Option<&str>) -> Vec<Mutation> {
        let ended: Vec<String> = self
            .sessions
            .iter()
            .filter(|(h, s)| &s.user_id == user_id && Some(h.as_str()) != keep)
            .map(|(h, _)| h.clone())
            .collect();
        ended
            .into_iter()
            .map(|hash| {
                self.sessions.remove(&hash);
                self.sessions_persisted.remove(&hash);
                Mutation::Delete(Kind::Session, Id(hash))
            })
            .collect()
    }

    /// Ends one session; its token never works again.
    pub fn logout(&mut self, token_hash: &str) -> Applied<()> {
        self.sessions.remove(token_hash);
        self.sessions_persisted.remove(token_hash);
        Ok((
            (),
            vec![Mutation::Delete(Kind::Session, Id(token_hash.to_string()))],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn policy() -> Policy {
        Policy {
            sessions: SessionPolicy {
                idle_secs: 100,
                max_secs: 1000,
            },
            throttle: LoginThrottle::default(),
        }
    }

    fn account(email: &str, token: &str) -> NewAccount {
        NewAccount {
            email: email.into(),
            name: "Ann".into(),
            password_hash: "hash".into(),
            token_hash: token.into(),
            invite_hash: None,
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
        assert_eq!(db.schedules.len(), 1);
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
        assert_eq!(
            db.authenticate(&user.id, "t1", 292)
                .unwrap_err()
                .to_string(),
            "Not logged in"
        );
    }

    #[test]
    fn a_token_of_another_user_is_refused() {
        let mut db = Db::new(Snapshot::default(), policy());
        signed_up(&mut db, "a@x.io", "t1");
        let (b, _) = db.signup(account("b@x.io", "t2"), 0).unwrap();
        assert!(db.authenticate(&b.id, "t1", 0).is_err());
    }

    #[test]
    fn expired_sessions_are_purged_and_live_ones_kept() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (user, _) = db.signup(account("a@x.io", "old"), 0).unwrap();
        db.login(&user.id, "new".into(), IP, 150).unwrap();
        // "old" expired at 101 (idle 100): still remembered, to say so.
        assert!(db.purge_expired_sessions(200).is_empty());
        assert_eq!(
            db.authenticate(&user.id, "old", 200)
                .unwrap_err()
                .to_string(),
            "Session token expired"
        );
        let later = EXPIRED_SESSIONS_KEPT_SECS + 200;
        let (user, _) = db.signup(account("b@x.io", "gone"), 0).unwrap();
        db.login(&user.id, "fresh".into(), IP, later - 50).unwrap();
        assert_eq!(db.purge_expired_sessions(later).len(), 1);
        assert!(db.authenticate(&user.id, "fresh", later).is_ok());
        assert_eq!(
            db.authenticate(&user.id, "gone", later)
                .unwrap_err()
                .to_string(),
            "Not logged in"
        );
    }

    #[test]
    fn logout_ends_only_that_session() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (user, _) = db.signup(account("a@x.io", "t1"), 0).unwrap();
        db.login(&user.id, "t2".into(), IP, 1).unwrap();
        db.logout("t1").unwrap();
        assert!(db.authenticate(&user.id, "t1", 2).is_err());
        assert!(db.authenticate(&user.id, "t2", 2).is_ok());
    }
}

/// The team a schedule record belongs to.
fn team_of(record: &Record) -> Id {
    match record {
        Record::Project(x) => x.team_id.clone(),
        Record::Person(x) => x.team_id.clone(),
        Record::Client(x) => x.team_id.clone(),
        Record::Allocation(x) => x.team_id.clone(),
        Record::TimeOff(x) => x.team_id.clone(),
        Record::Actual(x) => x.team_id.clone(),
        Record::User(x) => x.team_id.clone(),
        Record::Team(x) => x.id.clone(),
        Record::Invite(x) => x.team_id.clone(),
        Record::Activity(x) => x.team_id.clone(),
        Record::Task(x) => x.team_id.clone(),
        Record::Session(_) => Id(String::new()),
        Record::CalendarFeed(x) => x.team_id.clone(),
        Record::Scenario(x) => x.team_id.clone(),
        Record::ApiToken(x) => x.team_id.clone(),
        Record::Webhook(x) => x.team_id.clone(),
        Record::Delivery(x) => x.team_id.clone(),
    }
}

/// A team and who is in it.
#[derive(Clone, Debug)]
pub struct TeamView {
    pub team: Team,
    pub members: Vec<User>,
}

/// The fields of a team its owner may change.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    pub name: String,
    /// Lower-case English day name, e.g. "monday".
    pub week_start: String,
    /// IANA time zone, e.g. "Europe/London".
    pub timezone: String,
    /// ISO 4217 code, e.g. "EUR" (owners and managers).
    pub currency: String,
    /// The rate card (owners and managers; also `PUT /api/v1/team/rates`).
    pub rates: crate::domain::money::RateCard,
}

/// What a manager may change of the team: its money settings.
const MANAGER_TEAM_FIELDS: [&str; 2] = ["currency", "rates"];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Db {
    pub fn team(&self, team_id: &Id) -> Result<TeamView> {
        let team = (*self.schedule(team_id)?.team).clone();
        let mut members: Vec<User> = self.team_members(team_id).cloned().collect();
        members.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        });
        Ok(TeamView { team, members })
    }

    pub fn patch_team(&mut self, auth: &AuthUser, patch: serde_json::Value) -> Applied<TeamView> {
        let money_only = patch
            .as_object()
            .is_some_and(|o| o.keys().all(|k| MANAGER_TEAM_FIELDS.contains(&k.as_str())));
        if money_only {
            auth.require_schedule_editor()?;
        } else {
            auth.require_owner()?;
        }
        let team = (*self.schedule(&auth.team_id)?.team).clone();
        let current = TeamInput {
            name: team.name.clone(),
            week_start: team.week_start.clone(),
            timezone: team.timezone.clone(),
            currency: team.currency.clone(),
            rates: team.rates.clone(),
        };
        let input = crate::domain::schedule::merge_patch(&current, patch)?;
        let week_start = input.week_start.trim().to_lowercase();
        if !WEEKDAYS.contains(&week_start.as_str()) {
            return Err(AppError::invalid(
                "week_start",
                "must be a day of the week such as monday",
            ));
        }
        let next = Team {
            name: crate::domain::required_text("name", &input.name, 200)?,
            week_start,
            timezone: crate::domain::schedule::check_timezone("timezone", input.timezone.trim())?,
            currency: crate::domain::money::check_currency("currency", &input.currency)?,
            rates: input.rates.checked()?,
            ..team
        };
        if let Some(s) = self.schedules.get_mut(&auth.team_id) {
            s.team = std::sync::Arc::new(next.clone());
        }
        Ok((
            self.team(&auth.team_id)?,
            vec![Mutation::Put(Record::Team(next))],
        ))
    }

    pub(super) fn member(&self, auth: &AuthUser, user_id: &Id) -> Result<User> {
        self.users
            .get(user_id)
            .filter(|u| u.team_id == auth.team_id)
            .cloned()
            .ok_or_else(|| AppError::NotFound("Member not found".into()))
    }

    fn owners(&self, team_id: &Id) -> usize {
        self.team_members(team_id)
            .filter(|u| u.role == Role::Owner)
            .count()
    }

    fn team_members(&self, team_id: &Id) -> impl Iterator<Item = &User> {
        self.members
            .get(team_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.users.get(id))
    }

    pub fn change_role(&mut self, auth: &AuthUser, user_id: &Id, role: Role) -> Applied<User> {
        auth.require_owner()?;
        let mut user = self.member(auth, user_id)?;
        if user.role == Role::Owner && role != Role::Owner && self.owners(&auth.team_id) == 1 {
            return Err(AppError::Conflict(
                "A team needs an owner: make someone else owner first".into(),
            ));
        }
        user.role = role;
        self.users.insert(user.id.clone(), user.clone());
        Ok((user.clone(), vec![Mutation::Put(Record::User(user))]))
    }

    /// Removes a member from the team: their account and every session end.
    pub fn remove_member(&mut self, auth: &AuthUser, user_id: &Id) -> Applied<()> {
        auth.require_owner()?;
        let user = self.member(auth, user_id)?;
        if user.id == auth.user_id {
            return Err(AppError::Conflict(
                "You cannot remove yourself from your own team".into(),
            ));
        }
        let mut mutations = vec![Mutation::Delete(Kind::User, user.id.clone())];
        mutations.extend(self.end_sessions(&user.id, None));
        self.resets.retain(|_, r| r.user_id != user.id);
        let ended: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.user_id == user.id)
            .map(|(h, _)| h.clone())
            .collect();
        for hash in ended {
            self.sessions.remove(&hash);
            self.sessions_persisted.remove(&hash);
            mutations.push(Mutation::Delete(Kind::Session, Id(hash)));
        }
        mutations.extend(self.drop_tokens_of(&user.id));
        self.users_by_email.remove(&user.email);
        self.users.remove(&user.id);
        if let Some(ids) = self.members.get_mut(&user.team_id) {
            ids.remove(&user.id);
        }
        // What the login reached through its people goes with it.
        mutations.extend(self.unlink_people(&user.team_id, &user.id));
        Ok(((), mutations))
    }
}

/// Previewed plans a team may hold at once.
const PROPOSALS_PER_TEAM: usize = 20;

/// How long a previewed plan can be applied.
const PROPOSAL_TTL_SECS: i64 = 3600;

impl Db {
    /// Keeps a previewed plan for `apply`; old ones are dropped.
    pub fn save_proposal(&mut self, proposal: StoredProposal) -> Id {
        let now = proposal.created_at;
        self.proposals
            .retain(|_, p| now - p.created_at < PROPOSAL_TTL_SECS);
        // Each holds a whole plan: keep only a team's most recent few.
        let mut mine: Vec<(Timestamp, Id)> = self
            .proposals
            .iter()
            .filter(|(_, p)| p.team_id == proposal.team_id)
            .map(|(id, p)| (p.created_at, id.clone()))
            .collect();
        mine.sort();
        let excess = (mine.len() + 1).saturating_sub(PROPOSALS_PER_TEAM);
        for (_, id) in mine.into_iter().take(excess) {
            self.proposals.remove(&id);
        }
        let id = Id::random();
        self.proposals.insert(id.clone(), proposal);
        id
    }

    /// Applies a previewed plan as one change (one activity entry, undone in one step).
    pub fn apply_proposal(
        &mut self,
        auth: &AuthUser,
        id: &Id,
        now: Timestamp,
    ) -> Applied<super::Edited> {
        auth.require_schedule_editor()?;
        let proposal = self
            .proposals
            .get(id)
            .filter(|p| &p.team_id == auth.space() && now - p.created_at < PROPOSAL_TTL_SECS)
            .cloned()
            .ok_or_else(|| {
                AppError::NotFound("Proposal not found or expired; preview again".into())
            })?;
        if self.schedule(auth.space())?.version != proposal.version {
            return Err(AppError::Conflict(
                "The schedule changed since the preview; preview again".into(),
            ));
        }
        let applied = self.edit(auth, Edit::Batch(proposal.summary, proposal.changes), now)?;
        self.proposals.remove(id);
        Ok(applied)
    }
}
