//! The message loop. Short and synchronous per message: match, call `Db`, reply.

use super::idempotency::IdempotencyKeys;
use super::{Dm, Req, state::Db};
use crate::AppError;
use crate::Result;
use crate::domain::now;
use crate::events::{Event, Events};
use crate::store::Mutation;
use crate::store::writer::{Refused, Restore, WriteJob, WriterMsg};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
                let done = Box::new(move |outcome: std::result::Result<(), Refused>| {
                    if outcome.is_ok()
                        && let Some(event) = event
                    {
                        events.publish(event);
                    }
                    respond(
                        resp,
                        match outcome {
                            Ok(()) => Ok(value),
                            Err(Refused::Storage) => Err(AppError::storage()),
                            Err(Refused::NotOwner(message)) => Err(AppError::Unavailable(message)),
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
                    done(Err(Refused::Storage));
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
    storage_lost: Arc<AtomicBool>,
) {
    let mut lp = Loop::new(writer, events);
    // Sessions that expired while the server was down go now, not when next presented.
    lp.persist_quietly(db.purge_expired_sessions(now())).await;
    loop {
        let m = tokio::select! {
            biased;
            Some(restore) = restores.recv() => {
                lp.epoch = restore.epoch;
                match restore.snapshot {
                    Some(snapshot) => {
                        tracing::warn!(epoch = restore.epoch, "reverting memory to the last committed state");
                        db.reload(snapshot);
                        // A team taken over resumes its streams from the log just read.
                        lp.events.seed(db.live_events());
                        storage_lost.store(false, Ordering::SeqCst);
                    }
                    None => {
                        tracing::error!("memory may hold writes the disk refused; refusing every request until the committed state is read back");
                        storage_lost.store(true, Ordering::SeqCst);
                    }
                }
                continue;
            }
            m = rx.recv() => match m { Some(m) => m, None => break },
        };
        // Nothing in memory may be served or changed until the disk's state is back;
        // dropping the request's reply makes `DbTx` answer it 503.
        if storage_lost.load(Ordering::SeqCst) && !matches!(m, Dm::Shutdown(_)) {
            drop(m);
            continue;
        }
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
        Scenarios(Req { query, resp }) => respond(resp, db.scenarios(&query)),
        ForkView(Req {
            query: (auth, id),
            resp,
        }) => respond(resp, db.fork_view(&auth, &id)),
        ListTokens(Req { query, resp }) => respond(resp, db.list_tokens(&query)),
        ListWebhooks(Req { query, resp }) => respond(resp, db.list_webhooks(&query)),
        Deliveries(Req {
            query: (auth, id, limit),
            resp,
        }) => respond(resp, db.deliveries(&auth, &id, limit)),
        DueDeliveries(Req { query, resp }) => respond(resp, db.due_deliveries(query)),
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
            query: (credential, scenario),
            resp,
        }) => match db.authenticate_in(&credential, scenario, now()) {
            Ok((auth, mutations)) => {
                let schedule = db.schedule(auth.space());
                respond(resp, schedule.map(|s| (auth, s)));
                lp.persist_quietly(mutations).await;
            }
            Err(e) => respond(resp, Err(e)),
        },
        Authenticate(Req {
            query: (credential, scenario),
            resp,
        }) => match db.authenticate_in(&credential, scenario, now()) {
            Ok((auth, mutations)) => {
                respond(resp, Ok(auth));
                lp.persist_quietly(mutations).await;
            }
            Err(e) => respond(resp, Err(e)),
        },
        CreateScenario(Req {
            query: (auth, name),
            resp,
        }) => {
            lp.commit(db.create_scenario(&auth, &name, now()), resp)
                .await
        }
        RenameScenario(Req {
            query: (auth, id, name),
            resp,
        }) => lp.commit(db.rename_scenario(&auth, &id, &name), resp).await,
        ArchiveScenario(Req {
            query: (auth, id),
            resp,
        }) => {
            lp.commit(db.archive_scenario(&auth, &id, now()), resp)
                .await
        }
        MergeScenario(Req {
            query: (auth, id, on_conflict),
            resp,
        }) => {
            let applied = db.merge_scenario(&auth, &id, on_conflict, now());
            let event = db.event_of(&applied);
            lp.commit_then(applied, resp, event).await
        }
        Signup(Req { query, resp }) => lp.commit(db.signup(query, now()), resp).await,
        LoginLookup(Req {
            query: (email, address),
            resp,
        }) => respond(resp, db.login_lookup(&email, address, now())),
        SignupCheck(Req {
            query: (email, address),
            resp,
        }) => respond(resp, db.signup_check(&email, address, now())),
        Login(Req {
            query: (user_id, token_hash, address),
            resp,
        }) => {
            lp.commit(db.login(&user_id, token_hash, address, now()), resp)
                .await
        }
        Logout(Req { query, resp }) => lp.commit(db.logout(&query), resp).await,
        Claim(Req { query, resp }) => {
            lp.commit(Ok(((), vec![Mutation::Claim(query)])), resp)
                .await
        }
        Edit(Req { query, resp }) => {
            let (auth, edit, if_match) = *query;
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
        ListInvites(Req { query, resp }) => respond(resp, db.list_invites(&query, now())),
        RevokeInvite(Req {
            query: (auth, id),
            resp,
        }) => lp.commit(db.revoke_invite(&auth, &id, now()), resp).await,
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
        PasswordLookup(Req {
            query: (user, address),
            resp,
        }) => respond(resp, db.password_lookup(&user, address, now())),
        ChangePassword(Req {
            query: (user, hash, keep, address),
            resp,
        }) => {
            lp.commit(db.change_password(&user, hash, &keep, address), resp)
                .await
        }
        LogoutAll(Req { query, resp }) => lp.commit(db.logout_all(&query), resp).await,
        StartReset(Req {
            query: (auth, member, hash),
            resp,
        }) => respond(resp, db.start_reset(&auth, &member, hash, now())),
        ResetUsable(Req { query, resp }) => respond(resp, db.reset_usable(&query, now())),
        FinishReset(Req {
            query: (token, hash),
            resp,
        }) => lp.commit(db.finish_reset(&token, hash, now()), resp).await,
        DeleteFeed(Req {
            query: (auth, person),
            resp,
        }) => lp.commit(db.delete_feed(&auth, &person), resp).await,
        CreateToken(Req {
            query: (auth, token),
            resp,
        }) => lp.commit(db.create_token(&auth, token, now()), resp).await,
        RevokeToken(Req {
            query: (auth, id),
            resp,
        }) => lp.commit(db.revoke_token(&auth, &id), resp).await,
        CreateWebhook(Req {
            query: (auth, hook),
            resp,
        }) => lp.commit(db.create_webhook(&auth, hook, now()), resp).await,
        DeleteWebhook(Req {
            query: (auth, id),
            resp,
        }) => lp.commit(db.delete_webhook(&auth, &id), resp).await,
        DeliveryAttempted(Req { query, resp }) => {
            lp.commit(db.delivery_attempted(query, now()), resp).await
        }
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
        GetUser(_) | EmailTaken(_) | Schedule(_) | Activity(_) | Team(_) | Feed(_)
        | Scenarios(_) | ForkView(_) | ListTokens(_) | ListWebhooks(_) | Deliveries(_)
        | DueDeliveries(_) => {}
    }
    true
}
