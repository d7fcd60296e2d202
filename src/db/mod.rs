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
mod describe;
mod edit;
pub mod idempotency;
mod records;
pub mod state;
pub mod undo;

use crate::domain::activity::Activity;
use crate::domain::user::Invite;
use crate::domain::{AuthUser, Id, Role, Schedule, User};
use crate::events::Events;
use crate::store::StoreError;
use crate::store::writer::{Restore, WriterMsg};
use crate::{AppError, Result};
pub use edit::{Edit, Edited};
use state::{Credentials, Db, NewAccount, StoredProposal, TeamView};
use std::net::IpAddr;
use tokio::sync::{mpsc, oneshot};

/// A request to the actor: the query and where to send the answer.
pub struct Req<Q, R> {
    pub query: Q,
    pub resp: oneshot::Sender<R>,
}

/// Every message the actor understands.
pub enum Dm {
    Authenticate(Req<(Id, String), Result<AuthUser>>),
    /// The auth step and a snapshot of the user's team's schedule in one round trip:
    /// what every read needs.
    AuthenticateSchedule(Req<(Id, String), Result<(AuthUser, Schedule)>>),
    GetUser(Req<Id, Result<User>>),
    EmailTaken(Req<String, bool>),
    Signup(Req<NewAccount, Result<User>>),
    LoginLookup(Req<(String, IpAddr), Result<Option<Credentials>>>),
    /// A directive: record a failed login for throttling. No reply.
    LoginFailed(String, IpAddr),
    Login(Req<(Id, String), Result<User>>),
    Logout(Req<String, Result<()>>),
    /// A snapshot of the team's schedule (O(1)); reads are computed from it outside.
    Schedule(Req<Id, Result<Schedule>>),
    /// Any change to the schedule, including undo; `Option<u64>` is the `If-Match`
    /// version the edit's record must still have.
    Edit(Req<(AuthUser, Edit, Option<u64>), Result<Edited>>),
    Activity(Req<(Id, usize), Vec<std::sync::Arc<Activity>>>),
    Team(Req<Id, Result<TeamView>>),
    PatchTeam(Req<(AuthUser, serde_json::Value), Result<TeamView>>),
    CreateInvite(Req<(AuthUser, NewInvite), Result<Invite>>),
    ChangeRole(Req<(AuthUser, Id, Role), Result<User>>),
    RemoveMember(Req<(AuthUser, Id), Result<()>>),
    SaveProposal(Req<StoredProposal, Id>),
    ApplyProposal(Req<(AuthUser, Id), Result<Edited>>),
    /// Make a new calendar-feed token hash for a person (revoking the old one).
    RotateFeed(Req<(AuthUser, Id, String), Result<()>>),
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

/// The handle to the actor. Cloning it is cheap (one `Arc` inside the sender).
#[derive(Clone)]
pub struct DbTx(Backend);

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
        let handle = tokio::spawn(actor::run(rx, restores, writer, events, self));
        (DbTx(Backend::Actor(tx)), handle)
    }

    /// The benchmark-only variant: no actor task; the state sits behind a lock. A failed
    /// commit is not rolled back in memory here (the restores are dropped).
    pub fn share_locked(self, writer: mpsc::Sender<WriterMsg>, events: Events) -> DbTx {
        let lp = actor::Loop::new(writer, events);
        DbTx(Backend::Locked(std::sync::Arc::new(
            tokio::sync::RwLock::new((self, lp)),
        )))
    }
}

impl DbTx {
    /// The one way to talk to the actor: build the message around a fresh reply
    /// channel, send it, await the answer.
    async fn send<F, Q, R>(&self, dm: F, query: Q) -> Result<R>
    where
        F: FnOnce(Req<Q, R>) -> Dm,
    {
        let (resp, rx) = oneshot::channel();
        let m = dm(Req { query, resp });
        match &self.0 {
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
        rx.await.map_err(|_| AppError::shutting_down())
    }

    pub async fn authenticate(&self, usrid: Id, token_hash: String) -> Result<AuthUser> {
        self.send(Dm::Authenticate, (usrid, token_hash)).await?
    }

    pub async fn authenticate_schedule(
        &self,
        usrid: Id,
        token_hash: String,
    ) -> Result<(AuthUser, Schedule)> {
        self.send(Dm::AuthenticateSchedule, (usrid, token_hash))
            .await?
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

    pub async fn login_failed(&self, email: String, address: IpAddr) {
        match &self.0 {
            Backend::Actor(tx) => {
                let _ = tx.send(Dm::LoginFailed(email, address)).await;
            }
            Backend::Locked(lock) => {
                let mut guard = lock.write().await;
                let (db, lp) = &mut *guard;
                actor::handle(db, lp, Dm::LoginFailed(email, address)).await;
            }
        }
    }

    pub async fn login(&self, user_id: Id, token_hash: String) -> Result<User> {
        self.send(Dm::Login, (user_id, token_hash)).await?
    }

    pub async fn logout(&self, token_hash: String) -> Result<()> {
        self.send(Dm::Logout, token_hash).await?
    }

    pub async fn schedule(&self, team_id: Id) -> Result<Schedule> {
        self.send(Dm::Schedule, team_id).await?
    }

    /// Applies a change to the caller's team's schedule; answers after it is durable.
    pub async fn edit(&self, auth: AuthUser, edit: Edit) -> Result<Edited> {
        self.send(Dm::Edit, (auth, edit, None)).await?
    }

    /// As [`DbTx::edit`], only if the edited record is still at version `if_match`.
    pub async fn edit_if(
        &self,
        auth: AuthUser,
        edit: Edit,
        if_match: Option<u64>,
    ) -> Result<Edited> {
        self.send(Dm::Edit, (auth, edit, if_match)).await?
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
        match &self.0 {
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

    /// Flushes every acknowledged write and closes the store; replies when durable.
    pub async fn shutdown(&self) -> std::result::Result<(), StoreError> {
        match self.send(Dm::Shutdown, ()).await {
            Ok(result) => result,
            Err(_) => Ok(()), // already stopped
        }
    }
}
