//! The message loop. Short and synchronous per message: match, call `Db`, reply.

use super::idempotency::IdempotencyKeys;
use super::{Dm, Req, state::Db};
use crate::AppError;
use crate::Result;
use crate::domain::now;
use crate::events::{Event, Events};
use crate::store::Mutation;
use crate::store::writer::{Restore, WriteJob, WriterMsg};
use tokio::sync::{mpsc, oneshot};

fn respond<T>(resp: oneshot::Sender<T>, value: T) {
    // The requester may have gone away (client hung up); nothing to do then.
    let _ = resp.send(value);
}

pub(super) struct Loop {
    pub(super) writer: mpsc::Sender<WriterMsg>,
    /// Where committed schedule changes go live.
    pub(super) events: Events,
    /// Bumped each time memory is replaced by the committed state after a failure.
    pub(super) epoch: u64,
    /// Not durable state: kept across a reload of the committed state.
    keys: IdempotencyKeys,
}

impl Loop {
    pub(super) fn new(writer: mpsc::Sender<WriterMsg>, events: Events) -> Loop {
        Loop {
            writer,
            events,
            epoch: 0,
            keys: IdempotencyKeys::default(),
        }
    }

    /// Hands a write's mutations to the writer; the writer answers `resp` after commit.
    async fn commit<T: Send + 'static>(
        &self,
        applied: Result<(T, Vec<Mutation>)>,
        resp: oneshot::Sender<Result<T>>,
    ) {
        self.commit_then(applied, resp, None).await
    }

    /// As `commit`, and once committed (never otherwise) `event` goes to subscribers.
    async fn commit_then<T: Send + 'static>(
        &self,
        applied: Result<(T, Vec<Mutation>)>,
        resp: oneshot::Sender<Result<T>>,
        event: Option<Event>,
    ) {
        match applied {
            Err(e) => respond(resp, Err(e)),
            Ok((value, mutations)) if mutations.is_empty() => respond(resp, Ok(value)),
            Ok((value, mutations)) => {
                let events = self.events.clone();
                let done = Box::new(move |committed: bool| {
                    if committed && let Some(event) = event {
                        events.publish(event);
                    }
                    respond(
                        resp,
                        if committed {
                            Ok(value)
                        } else {
                            Err(AppError::storage())
                        },
                    )
                });
                let job = WriteJob {
                    epoch: self.epoch,
                    mutations,
                    done: Some(done),
                };
                if let Err(mpsc::error::SendError(WriterMsg::Job(job))) =
                    self.writer.send(WriterMsg::Job(job)).await
                    && let Some(done) = job.done
                {
                    done(false);
                }
            }
        }
    }

    /// Persists in the background: the caller does not wait (e.g. `last_seen_at`).
    async fn persist_quietly(&self, mutations: Vec<Mutation>) {
        if !mutations.is_empty() {
            let job = WriteJob {
                epoch: self.epoch,
                mutations,
                done: None,
            };
            let _ = self.writer.send(WriterMsg::Job(job)).await;
        }
    }
}

pub(super) async fn run(
    mut rx: mpsc::Receiver<Dm>,
    mut restores: mpsc::UnboundedReceiver<Restore>,
    writer: mpsc::Sender<WriterMsg>,
    events: Events,
    mut db: Db,
) {
    let mut lp = Loop::new(writer, events);
    // Sessions that expired while the server was down go now, not when next presented.
    lp.persist_quietly(db.purge_expired_sessions(now())).await;
    loop {
        let m = tokio::select! {
            biased;
            Some(restore) = restores.recv() => {
                tracing::warn!(epoch = restore.epoch, "reverting memory to the last committed state");
                db.reload(restore.snapshot);
                lp.epoch = restore.epoch;
                continue;
            }
            m = rx.recv() => match m { Some(m) => m, None => break },
        };
        let started = std::time::Instant::now();
        let go_on = handle(&mut db, &mut lp, m).await;
        crate::metrics::METRICS.actor_message(started.elapsed());
        if !go_on {
            break;
        }
    }
    tracing::debug!("database actor stopped");
}

/// Answers the messages that only read; hands any other back.
pub(super) fn handle_read(db: &Db, m: Dm) -> Option<Dm> {
    use Dm::*;
    match m {
        GetUser(Req { query, resp }) => respond(resp, db.user(&query)),
        EmailTaken(Req { query, resp }) => respond(resp, db.email_taken(&query)),
        Schedule(Req { query, resp }) => respond(resp, db.schedule(&query)),
        Activity(Req {
            query: (team, limit),
            resp,
        }) => respond(resp, db.activity(&team, limit)),
        Team(Req { query, resp }) => respond(resp, db.team(&query)),
        Feed(Req { query, resp }) => respond(resp, db.feed(&query)),
        other => return Some(other),
    }
    None
}

/// Handles one message; `false` once the actor should stop.
pub(super) async fn handle(db: &mut Db, lp: &mut Loop, m: Dm) -> bool {
    use Dm::*;
    let Some(m) = handle_read(db, m) else {
        return true;
    };
    match m {
        AuthenticateSchedule(Req {
            query: (usrid, token_hash),
            resp,
        }) => match db.authenticate(&usrid, &token_hash, now()) {
            Ok((auth, mutations)) => {
                let schedule = db.schedule(&auth.team_id);
                respond(resp, schedule.map(|s| (auth, s)));
                lp.persist_quietly(mutations).await;
            }
            Err(e) => respond(resp, Err(e)),
        },
        Authenticate(Req {
            query: (usrid, token_hash),
            resp,
        }) => match db.authenticate(&usrid, &token_hash, now()) {
            Ok((auth, mutations)) => {
                respond(resp, Ok(auth));
                lp.persist_quietly(mutations).await;
            }
            Err(e) => respond(resp, Err(e)),
        },
        Signup(Req { query, resp }) => lp.commit(db.signup(query, now()), resp).await,
        LoginLookup(Req {
            query: (email, address),
            resp,
        }) => respond(resp, db.login_lookup(&email, address, now())),
        LoginFailed(email, address) => db.login_failed(email, address, now()),
        Login(Req {
            query: (user_id, token_hash),
            resp,
        }) => lp.commit(db.login(&user_id, token_hash, now()), resp).await,
        Logout(Req { query, resp }) => lp.commit(db.logout(&query), resp).await,
        Edit(Req {
            query: (auth, edit, if_match),
            resp,
        }) => {
            let applied = db.edit_if(&auth, edit, if_match, now());
            let event = db.event_of(&applied);
            lp.commit_then(applied, resp, event).await
        }
        PatchTeam(Req {
            query: (auth, patch),
            resp,
        }) => lp.commit(db.patch_team(&auth, patch), resp).await,
        CreateInvite(Req {
            query: (auth, invite),
            resp,
        }) => {
            lp.commit(
                db.create_invite(&auth, invite.email, invite.role, invite.token_hash, now()),
                resp,
            )
            .await
        }
        ChangeRole(Req {
            query: (auth, user, role),
            resp,
        }) => lp.commit(db.change_role(&auth, &user, role), resp).await,
        RemoveMember(Req {
            query: (auth, user),
            resp,
        }) => lp.commit(db.remove_member(&auth, &user), resp).await,
        SaveProposal(Req { query, resp }) => respond(resp, db.save_proposal(query)),
        ApplyProposal(Req {
            query: (auth, id),
            resp,
        }) => {
            let applied = db.apply_proposal(&auth, &id, now());
            let event = db.event_of(&applied);
            lp.commit_then(applied, resp, event).await
        }
        RotateFeed(Req {
            query: (auth, person, hash),
            resp,
        }) => {
            lp.commit(db.rotate_feed(&auth, &person, hash, now()), resp)
                .await
        }
        IdempotencyBegin(Req {
            query: (team, scope, fingerprint),
            resp,
        }) => respond(resp, lp.keys.begin(&team, scope, fingerprint, now())),
        IdempotencyFinish(scope, answer, kept) => lp.keys.finish(scope, answer, kept),
        Shutdown(Req { resp, .. }) => {
            // Everything queued before this message is already with the writer;
            // Close makes it commit that, close the store, and answer.
            let (tx, rx) = oneshot::channel();
            let result = match lp.writer.send(WriterMsg::Close(tx)).await {
                Ok(()) => rx.await.unwrap_or(Ok(())),
                Err(_) => Ok(()),
            };
            respond(resp, result);
            return false;
        }
        // Answered by `handle_read` above.
        GetUser(_) | EmailTaken(_) | Schedule(_) | Activity(_) | Team(_) | Feed(_) => {}
    }
    true
}
