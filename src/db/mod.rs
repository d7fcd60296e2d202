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
pub mod state;

use crate::domain::project::NewProject;
use crate::domain::{AuthUser, Id, Project, ProjectPatch, User};
use crate::store::writer::{Restore, WriterMsg};
use crate::store::StoreError;
use crate::{AppError, Result};
use state::{Db, NewAccount};
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
    GetUser(Req<Id, Result<User>>),
    EmailTaken(Req<String, bool>),
    Signup(Req<NewAccount, Result<User>>),
    LoginLookup(Req<(String, IpAddr), Result<Option<(Id, String)>>>),
    /// A directive: record a failed login for throttling. No reply.
    LoginFailed(String, IpAddr),
    Login(Req<(Id, String), Result<User>>),
    Logout(Req<String, Result<()>>),
    ListProjects(Req<Id, Vec<Project>>),
    GetProject(Req<(Id, Id), Result<Project>>),
    CreateProject(Req<(AuthUser, NewProject), Result<Project>>),
    PatchProject(Req<(AuthUser, Id, ProjectPatch), Result<Project>>),
    DeleteProject(Req<(AuthUser, Id), Result<()>>),
    /// Stop taking messages, commit everything, close the store, then reply.
    Shutdown(Req<(), std::result::Result<(), StoreError>>),
}

/// The handle to the actor. Cloning it is cheap (one `Arc` inside the sender).
#[derive(Clone)]
pub struct DbTx(mpsc::Sender<Dm>);

/// How many messages may wait for the actor before senders wait in turn.
const ACTOR_QUEUE: usize = 8192;

impl Db {
    /// Starts the actor on the current runtime. `writer` is the store's writer queue;
    /// `restores` delivers the committed state after a failed commit.
    pub fn spawn(
        self,
        writer: mpsc::Sender<WriterMsg>,
        restores: mpsc::UnboundedReceiver<Restore>,
    ) -> (DbTx, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(ACTOR_QUEUE);
        let handle = tokio::spawn(actor::run(rx, restores, writer, self));
        (DbTx(tx), handle)
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
        self.0
            .send(dm(Req { query, resp }))
            .await
            .map_err(|_| AppError::shutting_down())?;
        rx.await.map_err(|_| AppError::shutting_down())
    }

    pub async fn authenticate(&self, usrid: Id, token_hash: String) -> Result<AuthUser> {
        self.send(Dm::Authenticate, (usrid, token_hash)).await?
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

    pub async fn login_lookup(&self, email: String, address: IpAddr) -> Result<Option<(Id, String)>> {
        self.send(Dm::LoginLookup, (email, address)).await?
    }

    pub async fn login_failed(&self, email: String, address: IpAddr) {
        let _ = self.0.send(Dm::LoginFailed(email, address)).await;
    }

    pub async fn login(&self, user_id: Id, token_hash: String) -> Result<User> {
        self.send(Dm::Login, (user_id, token_hash)).await?
    }

    pub async fn logout(&self, token_hash: String) -> Result<()> {
        self.send(Dm::Logout, token_hash).await?
    }

    pub async fn list_projects(&self, team_id: Id) -> Result<Vec<Project>> {
        self.send(Dm::ListProjects, team_id).await
    }

    pub async fn get_project(&self, team_id: Id, id: Id) -> Result<Project> {
        self.send(Dm::GetProject, (team_id, id)).await?
    }

    pub async fn create_project(&self, auth: AuthUser, input: NewProject) -> Result<Project> {
        self.send(Dm::CreateProject, (auth, input)).await?
    }

    pub async fn patch_project(&self, auth: AuthUser, id: Id, patch: ProjectPatch) -> Result<Project> {
        self.send(Dm::PatchProject, (auth, id, patch)).await?
    }

    pub async fn delete_project(&self, auth: AuthUser, id: Id) -> Result<()> {
        self.send(Dm::DeleteProject, (auth, id)).await?
    }

    /// Flushes every acknowledged write and closes the store; replies when durable.
    pub async fn shutdown(&self) -> std::result::Result<(), StoreError> {
        match self.send(Dm::Shutdown, ()).await {
            Ok(result) => result,
            Err(_) => Ok(()), // already stopped
        }
    }
}
