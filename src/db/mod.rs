//! The seed's database actor: one task owns all state and answers messages.
//!
//! - [`DbTx`] is the handle handlers hold (cheap to clone). Each of its methods sends a
//!   [`Dm`] carrying a [`Req`]`{ query, resp }` over a bounded channel and awaits the
//!   reply, through the one generic [`DbTx::send`].
//! - `actor::run` is the loop: it takes one message at a time and calls the synchronous
//!   [`state::Db`] method for it. Reads reply at once. Writes are applied to memory and
//!   their mutations handed, with the reply, to the store's writer thread, which sends
//!   the reply after the commit; the loop never waits for the disk.
//! - Nothing slow runs in the loop: password hashing, reports over large ranges and
//!   disk I/O happen in the handlers (`spawn_blocking`) or in the writer.

mod actor;
mod bulk;
mod describe;
mod edit;
mod feeds;
pub mod idempotency;
mod invites;
mod passwords;
mod records;
mod scenarios;
pub mod state;
mod throttle;
mod timeoff;
mod tokens;
pub mod undo;
mod webhooks;

/// For the reports' tests, which make live edits by hand.
#[cfg(test)]
pub(crate) use records::touched;

use crate::domain::activity::Activity;
use crate::domain::scenario::{OnConflict, Scenario};
use crate::domain::token::ApiToken;
use crate::domain::user::Invite;
use crate::domain::{AuthUser, Id, Role, Schedule, User};
use crate::events::Events;
use crate::store::StoreError;
use crate::store::writer::{Restore, WriterMsg};
use crate::webhooks::{Attempt, Delivery, Due, Webhook};
use crate::{AppError, Result};
pub use edit::{Edit, Edited};
pub use scenarios::{Difference, ForkView};
use state::{Credentials, Db, NewAccount, StoredProposal, TeamView};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
pub use tokens::{Credential, NewToken};
use tokio::sync::{mpsc, oneshot};
pub use webhooks::NewWebhook;

/// A request to the actor: the query and where to send the answer.
pub struct Req<Q, R> {
    pub query: Q,
    pub resp: oneshot::Sender<R>,
}

/// What a request presents to the auth step: a session or a bearer token, and the
/// scenario its header names (if any).
pub type Presented = (Credential, Option<Id>);

/// An edit, who asks for it (and in which space), and the `If-Match` version.
pub type EditRequest = (AuthUser, Edit, Option<u64>);

/// Every message the actor understands.
pub enum Dm {
    /// The auth step: a session cookie or a bearer token, and the scenario the request
    /// names, if any.
    Authenticate(Req<Presented, Result<AuthUser>>),
    /// The auth step and a snapshot of the schedule the request works on (the team's
    /// live one, or the scenario it names) in one round trip: what every read needs.
    AuthenticateSchedule(Req<Presented, Result<(AuthUser, Schedule)>>),
    GetUser(Req<Id, Result<User>>),
    EmailTaken(Req<String, bool>),
    Signup(Req<NewAccount, Result<User>>),
    /// Counts a login attempt and looks the account up, in one message.
    LoginLookup(Req<(String, IpAddr), Result<Option<Credentials>>>),
    /// Throttles sign-ups per address and refuses a taken email (email, address).
    SignupCheck(Req<(String, IpAddr), Result<()>>),
    Login(Req<(Id, String, IpAddr), Result<User>>),
    Logout(Req<String, Result<()>>),
    /// Makes this node the team's owner if nobody live is (several nodes on PostgreSQL):
    /// answered once the lease is held, or refused, and memory reloaded if it moved.
    Claim(Req<Id, Result<()>>),
    /// A snapshot of the team's schedule (O(1)); reads are computed from it outside.
    Schedule(Req<Id, Result<Schedule>>),
    /// Any change to the schedule, including undo; `Option<u64>` is the `If-Match`
    /// version the edit's record must still have.
    Edit(Req<Box<EditRequest>, Result<Edited>>),
    Activity(Req<(Id, usize), Vec<std::sync::Arc<Activity>>>),
    Team(Req<Id, Result<TeamView>>),
    PatchTeam(Req<(AuthUser, serde_json::Value), Result<TeamView>>),
    CreateInvite(Req<(AuthUser, NewInvite), Result<Invite>>),
    /// The team's pending invitations (owner).
    ListInvites(Req<AuthUser, Result<Vec<Invite>>>),
    /// Revoke a pending invitation by its public id (owner).
    RevokeInvite(Req<(AuthUser, Id), Result<()>>),
    ChangeRole(Req<(AuthUser, Id, Role), Result<User>>),
    RemoveMember(Req<(AuthUser, Id), Result<()>>),
    SaveProposal(Req<StoredProposal, Id>),
    ApplyProposal(Req<(AuthUser, Id), Result<Edited>>),
    /// Make a new calendar-feed token hash for a person (revoking the old one).
    RotateFeed(Req<(AuthUser, Id, String), Result<()>>),
    /// End a person's calendar feed.
    DeleteFeed(Req<(AuthUser, Id), Result<()>>),
    /// Which team and person a calendar-feed token hash belongs to.
    Feed(Req<String, Option<(Id, Id)>>),
    /// Claim an `Idempotency-Key` for a write: (team, (user, key), request fingerprint).
    IdempotencyBegin(Req<(Id, idempotency::Scope, idempotency::Fingerprint), idempotency::Begin>),
    /// A directive: the answer to a claimed key, and whether to keep it. No reply.
    IdempotencyFinish(
        idempotency::Scope,
        std::sync::Arc<idempotency::Answer>,
        bool,
    ),
    /// Counts an attempt to confirm a user's password; what to check it against.
    PasswordLookup(Req<(Id, IpAddr), Result<Credentials>>),
    /// Sets a user's password hash, ending every session but the one given.
    ChangePassword(Req<(Id, String, String, IpAddr), Result<()>>),
    LogoutAll(Req<Id, Result<()>>),
    /// An owner starts a reset for a member: the token hash; answers when it expires.
    StartReset(Req<(AuthUser, Id, String), Result<i64>>),
    ResetUsable(Req<String, Result<()>>),
    /// Uses a reset link: token hash and new password hash.
    FinishReset(Req<(String, String), Result<()>>),
    Scenarios(Req<Id, Vec<Scenario>>),
    CreateScenario(Req<(AuthUser, String), Result<Scenario>>),
    RenameScenario(Req<(AuthUser, Id, String), Result<Scenario>>),
    ArchiveScenario(Req<(AuthUser, Id), Result<()>>),
    /// Both schedules and the records a scenario changed, for a comparison.
    ForkView(Req<(AuthUser, Id), Result<ForkView>>),
    MergeScenario(Req<(AuthUser, Id, Option<OnConflict>), Result<Edited>>),
    CreateToken(Req<(AuthUser, NewToken), Result<ApiToken>>),
    ListTokens(Req<AuthUser, Vec<ApiToken>>),
    RevokeToken(Req<(AuthUser, Id), Result<()>>),
    CreateWebhook(Req<(AuthUser, NewWebhook), Result<Webhook>>),
    ListWebhooks(Req<AuthUser, Result<Vec<Webhook>>>),
    DeleteWebhook(Req<(AuthUser, Id), Result<()>>),
    Deliveries(Req<(AuthUser, Id, usize), Result<Vec<Delivery>>>),
    /// For the webhook worker: what is due now, and when the next retry is.
    DueDeliveries(Req<i64, (Vec<Due>, Option<i64>)>),
    DeliveryAttempted(Req<Attempt, Result<()>>),
    /// Stop taking messages, commit everything, close the store, then reply.
    Shutdown(Req<(), std::result::Result<(), StoreError>>),
}

/// An invitation to create: who, in which role, and the hash of its secret token.
#[derive(Clone, Debug)]
pub struct NewInvite {
    pub email: String,
    pub role: Role,
    pub token_hash: String,
}

/// The handle to the actor. Cloning it is cheap (an `Arc` inside the sender, and one
/// for the flag).
#[derive(Clone)]
pub struct DbTx {
    backend: Backend,
    /// Set by the actor while the committed state cannot be read back after a failed
    /// commit: then every request is answered 503 without reaching it.
    storage_lost: Arc<AtomicBool>,
}

#[derive(Clone)]
enum Backend {
    /// The product: messages to the actor task.
    Actor(mpsc::Sender<Dm>),
    /// For benchmarks only: the same state and message handling behind a
    /// `tokio::sync::RwLock`, each request handled in its own task under the lock.
    Locked(std::sync::Arc<tokio::sync::RwLock<(Db, actor::Loop)>>),
}

/// Where the domain state lives; `rwlock` exists to measure the actor against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum StateBackend {
    #[default]
    Actor,
    Rwlock,
}

/// How many messages may wait for the actor before senders wait in turn.
const ACTOR_QUEUE: usize = 8192;

impl Db {
    /// Starts the actor on the current runtime. `writer` is the store's writer queue;
    /// `restores` delivers the committed state after a failed commit.
    pub fn spawn(
        self,
        writer: mpsc::Sender<WriterMsg>,
        restores: mpsc::UnboundedReceiver<Restore>,
        events: Events,
    ) -> (DbTx, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(ACTOR_QUEUE);
        let storage_lost = Arc::new(AtomicBool::new(false));
        let handle = tokio::spawn(actor::run(
            rx,
            restores,
            writer,
            events,
            self,
            storage_lost.clone(),
        ));
        let db = DbTx {
            backend: Backend::Actor(tx),
            storage_lost,
        };
        (db, handle)
    }

    /// The benchmark-only variant: no actor task; the state sits behind a lock. A failed
    /// commit is not rolled back in memory here (the restores are dropped).
    pub fn share_locked(self, writer: mpsc::Sender<WriterMsg>, events: Events) -> DbTx {
        let lp = actor::Loop::new(writer, events);
        DbTx {
            backend: Backend::Locked(Arc::new(tokio::sync::RwLock::new((self, lp)))),
            storage_lost: Arc::default(),
        }
    }
}

impl DbTx {
    /// The one way to talk to the actor: build the message around a fresh reply
    /// channel, send it, await the answer.
    async fn send<F, Q, R>(&self, dm: F, query: Q) -> Result<R>
    where
        F: FnOnce(Req<Q, R>) -> Dm,
    {
        if self.storage_lost.load(Ordering::SeqCst) {
            return Err(AppError::storage_lost());
        }
        let (resp, rx) = oneshot::channel();
        let m = dm(Req { query, resp });
        match &self.backend {
            Backend::Actor(tx) => tx.send(m).await.map_err(|_| AppError::shutting_down())?,
            Backend::Locked(lock) => {
                let rest = actor::handle_read(&lock.read().await.0, m);
                if let Some(m) = rest {
                    let mut guard = lock.write().await;
                    let (db, lp) = &mut *guard;
                    actor::handle(db, lp, m).await;
                }
            }
        }
        rx.await.map_err(|_| {
            if self.storage_lost.load(Ordering::SeqCst) {
                AppError::storage_lost()
            } else {
                AppError::shutting_down()
            }
        })
    }

    /// Who holds this session, working on live (`scenario` `None`) or in that scenario
    /// (404 unless it is an open scenario of their team).
    pub async fn authenticate(
        &self,
        usrid: Id,
        token_hash: String,
        scenario: Option<Id>,
    ) -> Result<AuthUser> {
        self.authenticate_in(Credential::Session { usrid, token_hash }, scenario)
            .await
    }

    /// The auth step for a session or a bearer token, on live.
    pub async fn authenticate_with(&self, credential: Credential) -> Result<AuthUser> {
        self.authenticate_in(credential, None).await
    }

    /// The auth step for a session or a bearer token, in the scenario named (if any).
    pub async fn authenticate_in(
        &self,
        credential: Credential,
        scenario: Option<Id>,
    ) -> Result<AuthUser> {
        self.send(Dm::Authenticate, (credential, scenario)).await?
    }

    pub async fn authenticate_schedule(
        &self,
        usrid: Id,
        token_hash: String,
        scenario: Option<Id>,
    ) -> Result<(AuthUser, Schedule)> {
        self.authenticate_schedule_with(Credential::Session { usrid, token_hash }, scenario)
            .await
    }

    pub async fn authenticate_schedule_with(
        &self,
        credential: Credential,
        scenario: Option<Id>,
    ) -> Result<(AuthUser, Schedule)> {
        self.send(Dm::AuthenticateSchedule, (credential, scenario))
            .await?
    }

    pub async fn scenarios(&self, team_id: Id) -> Result<Vec<Scenario>> {
        self.send(Dm::Scenarios, team_id).await
    }

    pub async fn create_scenario(&self, auth: AuthUser, name: String) -> Result<Scenario> {
        self.send(Dm::CreateScenario, (auth, name)).await?
    }

    pub async fn rename_scenario(&self, auth: AuthUser, id: Id, name: String) -> Result<Scenario> {
        self.send(Dm::RenameScenario, (auth, id, name)).await?
    }

    pub async fn archive_scenario(&self, auth: AuthUser, id: Id) -> Result<()> {
        self.send(Dm::ArchiveScenario, (auth, id)).await?
    }

    pub async fn fork_view(&self, auth: AuthUser, id: Id) -> Result<ForkView> {
        self.send(Dm::ForkView, (auth, id)).await?
    }

    pub async fn merge_scenario(
        &self,
        auth: AuthUser,
        id: Id,
        on_conflict: Option<OnConflict>,
    ) -> Result<Edited> {
        self.send(Dm::MergeScenario, (auth, id, on_conflict))
            .await?
    }

    /// Makes a personal access token for the caller (only its hash is kept).
    pub async fn create_token(&self, auth: AuthUser, token: NewToken) -> Result<ApiToken> {
        self.send(Dm::CreateToken, (auth, token)).await?
    }

    pub async fn list_tokens(&self, auth: AuthUser) -> Result<Vec<ApiToken>> {
        self.send(Dm::ListTokens, auth).await
    }

    pub async fn revoke_token(&self, auth: AuthUser, id: Id) -> Result<()> {
        self.send(Dm::RevokeToken, (auth, id)).await?
    }

    pub async fn get_usr(&self, id: Id) -> Result<User> {
        self.send(Dm::GetUser, id).await?
    }

    pub async fn email_taken(&self, email: String) -> Result<bool> {
        self.send(Dm::EmailTaken, email).await
    }

    pub async fn signup(&self, account: NewAccount) -> Result<User> {
        self.send(Dm::Signup, account).await?
    }

    pub async fn login_lookup(
        &self,
        email: String,
        address: IpAddr,
    ) -> Result<Option<Credentials>> {
        self.send(Dm::LoginLookup, (email, address)).await?
    }

    pub async fn signup_check(&self, email: String, address: IpAddr) -> Result<()> {
        self.send(Dm::SignupCheck, (email, address)).await?
    }

    pub async fn login(&self, user_id: Id, token_hash: String, address: IpAddr) -> Result<User> {
        self.send(Dm::Login, (user_id, token_hash, address)).await?
    }

    pub async fn logout(&self, token_hash: String) -> Result<()> {
        self.send(Dm::Logout, token_hash).await?
    }

    /// Takes the team's lease when nobody live holds it (see `Dm::Claim`).
    pub async fn claim(&self, team_id: Id) -> Result<()> {
        self.send(Dm::Claim, team_id).await?
    }

    pub async fn schedule(&self, team_id: Id) -> Result<Schedule> {
        self.send(Dm::Schedule, team_id).await?
    }

    /// Applies a change to the caller's team's schedule; answers after it is durable.
    pub async fn edit(&self, auth: AuthUser, edit: Edit) -> Result<Edited> {
        self.send(Dm::Edit, Box::new((auth, edit, None))).await?
    }

    /// As [`DbTx::edit`], only if the edited record is still at version `if_match`.
    pub async fn edit_if(
        &self,
        auth: AuthUser,
        edit: Edit,
        if_match: Option<u64>,
    ) -> Result<Edited> {
        self.send(Dm::Edit, Box::new((auth, edit, if_match)))
            .await?
    }

    pub async fn activity(
        &self,
        team_id: Id,
        limit: usize,
    ) -> Result<Vec<std::sync::Arc<Activity>>> {
        self.send(Dm::Activity, (team_id, limit)).await
    }

    pub async fn team(&self, team_id: Id) -> Result<TeamView> {
        self.send(Dm::Team, team_id).await?
    }

    pub async fn patch_team(&self, auth: AuthUser, patch: serde_json::Value) -> Result<TeamView> {
        self.send(Dm::PatchTeam, (auth, patch)).await?
    }

    pub async fn create_invite(&self, auth: AuthUser, invite: NewInvite) -> Result<Invite> {
        self.send(Dm::CreateInvite, (auth, invite)).await?
    }

    pub async fn list_invites(&self, auth: AuthUser) -> Result<Vec<Invite>> {
        self.send(Dm::ListInvites, auth).await?
    }

    pub async fn revoke_invite(&self, auth: AuthUser, id: Id) -> Result<()> {
        self.send(Dm::RevokeInvite, (auth, id)).await?
    }

    pub async fn change_role(&self, auth: AuthUser, user_id: Id, role: Role) -> Result<User> {
        self.send(Dm::ChangeRole, (auth, user_id, role)).await?
    }

    pub async fn remove_member(&self, auth: AuthUser, user_id: Id) -> Result<()> {
        self.send(Dm::RemoveMember, (auth, user_id)).await?
    }

    pub async fn save_proposal(&self, proposal: StoredProposal) -> Result<Id> {
        self.send(Dm::SaveProposal, proposal).await
    }

    pub async fn apply_proposal(&self, auth: AuthUser, id: Id) -> Result<Edited> {
        self.send(Dm::ApplyProposal, (auth, id)).await?
    }

    pub async fn rotate_feed(
        &self,
        auth: AuthUser,
        person_id: Id,
        token_hash: String,
    ) -> Result<()> {
        self.send(Dm::RotateFeed, (auth, person_id, token_hash))
            .await?
    }

    pub async fn delete_feed(&self, auth: AuthUser, person_id: Id) -> Result<()> {
        self.send(Dm::DeleteFeed, (auth, person_id)).await?
    }

    pub async fn feed(&self, token_hash: String) -> Result<Option<(Id, Id)>> {
        self.send(Dm::Feed, token_hash).await
    }

    /// Claims `key` for a write by `auth`'s user, unless it was used before.
    pub async fn idempotency_begin(
        &self,
        auth: &AuthUser,
        key: String,
        fingerprint: idempotency::Fingerprint,
    ) -> Result<idempotency::Begin> {
        let query = (
            auth.team_id.clone(),
            (auth.user_id.clone(), key),
            fingerprint,
        );
        self.send(Dm::IdempotencyBegin, query).await
    }

    /// Records the answer to a claimed key (`kept` false frees the key instead).
    pub async fn idempotency_finish(
        &self,
        scope: idempotency::Scope,
        answer: std::sync::Arc<idempotency::Answer>,
        kept: bool,
    ) {
        let m = Dm::IdempotencyFinish(scope, answer, kept);
        match &self.backend {
            Backend::Actor(tx) => {
                let _ = tx.send(m).await;
            }
            Backend::Locked(lock) => {
                let mut guard = lock.write().await;
                let (db, lp) = &mut *guard;
                actor::handle(db, lp, m).await;
            }
        }
    }

    pub async fn password_lookup(&self, user_id: Id, address: IpAddr) -> Result<Credentials> {
        self.send(Dm::PasswordLookup, (user_id, address)).await?
    }

    pub async fn change_password(
        &self,
        user_id: Id,
        password_hash: String,
        keep_session: String,
        address: IpAddr,
    ) -> Result<()> {
        self.send(
            Dm::ChangePassword,
            (user_id, password_hash, keep_session, address),
        )
        .await?
    }

    pub async fn logout_all(&self, user_id: Id) -> Result<()> {
        self.send(Dm::LogoutAll, user_id).await?
    }

    pub async fn start_reset(&self, auth: AuthUser, member: Id, token_hash: String) -> Result<i64> {
        self.send(Dm::StartReset, (auth, member, token_hash))
            .await?
    }

    pub async fn reset_usable(&self, token_hash: String) -> Result<()> {
        self.send(Dm::ResetUsable, token_hash).await?
    }

    pub async fn finish_reset(&self, token_hash: String, password_hash: String) -> Result<()> {
        self.send(Dm::FinishReset, (token_hash, password_hash))
            .await?
    }

    /// Registers a webhook (owner); its URL is checked by the caller.
    pub async fn create_webhook(&self, auth: AuthUser, hook: NewWebhook) -> Result<Webhook> {
        self.send(Dm::CreateWebhook, (auth, hook)).await?
    }

    pub async fn list_webhooks(&self, auth: AuthUser) -> Result<Vec<Webhook>> {
        self.send(Dm::ListWebhooks, auth).await?
    }

    pub async fn delete_webhook(&self, auth: AuthUser, id: Id) -> Result<()> {
        self.send(Dm::DeleteWebhook, (auth, id)).await?
    }

    pub async fn deliveries(&self, auth: AuthUser, id: Id, limit: usize) -> Result<Vec<Delivery>> {
        self.send(Dm::Deliveries, (auth, id, limit)).await?
    }

    pub async fn due_deliveries(&self, now: i64) -> Result<(Vec<Due>, Option<i64>)> {
        self.send(Dm::DueDeliveries, now).await
    }

    /// Records a delivery attempt; answers once it is durable.
    pub async fn delivery_attempted(&self, attempt: Attempt) -> Result<()> {
        self.send(Dm::DeliveryAttempted, attempt).await?
    }

    /// Flushes every acknowledged write and closes the store; replies when durable.
    pub async fn shutdown(&self) -> std::result::Result<(), StoreError> {
        match self.send(Dm::Shutdown, ()).await {
            Ok(result) => result,
            Err(_) => Ok(()), // already stopped
        }
    }
}
