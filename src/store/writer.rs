//! The single writer: one OS thread that owns the [`Store`] and group-commits.
//!
//! It drains everything queued (`blocking_recv_many`), writes it in one transaction,
//! commits, and only then completes each job, so a request's reply is sent after its
//! data is on disk. With [`CommitMode::PerWrite`] it commits each job on its own; that
//! mode exists to measure what the group commit buys.
//!
//! When a commit fails, the writer reloads the last committed state and hands it to the
//! actor as a [`Restore`], and only then answers the jobs in it (and every job the actor
//! queued before learning of the failure) "not saved": memory never keeps what the disk
//! lacks, and nobody told "not saved" can read the write back.
//! Jobs carry the actor's `epoch` so the writer can tell which ones were built on state
//! that has since been thrown away.
//!
//! If the committed state cannot be read back either, memory may hold what the disk
//! refused: the writer tells the actor at once (a [`Restore`] without a snapshot), which
//! then answers every request 503 rather than serve that state, and keeps trying to
//! read it, backing off, until it can; then the actor swaps it in and serves again.

use super::{Mutation, Snapshot, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Completes a request once its job is committed (`Ok`) or refused.
pub type Done = Box<dyn FnOnce(Result<(), Refused>) + Send>;

/// Why a job was not committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The store failed (disk full, database gone), or the job was built on state a
    /// failed commit threw away.
    Storage,
    /// Another node owns a team the batch touched (PostgreSQL): a sentence for the
    /// person whose change it was.
    NotOwner(String),
}

/// The mutations of one request, and how to answer it.
pub struct WriteJob {
    pub epoch: u64,
    pub mutations: Vec<Mutation>,
    pub done: Option<Done>,
}

pub enum WriterMsg {
    Job(WriteJob),
    /// Commit what came before, close the store, then reply.
    Close(oneshot::Sender<Result<(), StoreError>>),
}

/// The last committed state, sent to the actor after a failed commit; `None` when it
/// cannot be read (yet): until a snapshot follows, nothing in memory may be served.
pub struct Restore {
    pub epoch: u64,
    pub snapshot: Option<Snapshot>,
}

/// How long the writer waits between attempts to read the committed state back.
const RELOAD_FIRST_WAIT: std::time::Duration = std::time::Duration::from_millis(100);
const RELOAD_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CommitMode {
    /// Everything queued goes into one transaction (the default).
    #[default]
    Group,
    /// One transaction per write; for comparison in benchmarks.
    PerWrite,
}

const MAX_BATCH: usize = 4096;
const QUEUE: usize = 65_536;

/// Starts the writer thread. Failed commits lead to a [`Restore`] on `restores`.
pub fn spawn(
    store: Box<dyn Store>,
    mode: CommitMode,
    restores: mpsc::UnboundedSender<Restore>,
) -> std::io::Result<mpsc::Sender<WriterMsg>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    std::thread::Builder::new()
        .name("kronuz-writer".into())
        .spawn(move || {
            Writer {
                store,
                mode,
                restores,
                min_epoch: 0,
                refused: Refused::Storage,
            }
            .run(rx)
        })?;
    Ok(tx)
}

struct Writer {
    store: Box<dyn Store>,
    mode: CommitMode,
    restores: mpsc::UnboundedSender<Restore>,
    /// Jobs from an older epoch were built on state that a failed commit discarded.
    min_epoch: u64,
    /// Why the last failed commit failed: what the jobs it made stale are told.
    refused: Refused,
}

impl Writer {
    fn run(mut self, mut rx: mpsc::Receiver<WriterMsg>) {
        let mut inbox = Vec::with_capacity(MAX_BATCH);
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        loop {
            if rx.blocking_recv_many(&mut inbox, MAX_BATCH) == 0 {
                // Every sender is gone without a Close: commit nothing more, just close.
                let _ = self.store.close();
                return;
            }
            let mut closing = None;
            for msg in inbox.drain(..) {
                match msg {
                    WriterMsg::Job(job) if job.epoch < self.min_epoch => {
                        finish(job, Err(self.refused.clone()))
                    }
                    WriterMsg::Job(job) => jobs.push(job),
                    WriterMsg::Close(reply) => {
                        closing = Some(reply);
                        break;
                    }
                }
            }
            // A close that arrives while the state cannot be read ends the waiting too.
            if let Some(reply) = self.flush(&mut jobs, &mut rx).or(closing) {
                let _ = reply.send(self.store.close());
                return;
            }
        }
    }

    /// Commits `jobs`; a close request that came while recovering from a failure.
    fn flush(&mut self, jobs: &mut Vec<WriteJob>, rx: &mut mpsc::Receiver<WriterMsg>) -> Closing {
        if jobs.is_empty() {
            return None;
        }
        match self.mode {
            CommitMode::Group => self.commit(std::mem::take(jobs), rx),
            CommitMode::PerWrite => {
                let mut pending = std::mem::take(jobs).into_iter();
                while let Some(job) = pending.next() {
                    if job.epoch < self.min_epoch {
                        finish(job, Err(self.refused.clone()));
                    } else if let Some(reply) = self.commit(vec![job], rx) {
                        pending.for_each(|j| finish(j, Err(Refused::Storage)));
                        return Some(reply);
                    }
                }
                None
            }
        }
    }

    fn commit(&mut self, jobs: Vec<WriteJob>, rx: &mut mpsc::Receiver<WriterMsg>) -> Closing {
        let batch: Vec<&Mutation> = jobs.iter().flat_map(|j| j.mutations.iter()).collect();
        let started = std::time::Instant::now();
        let result = self.store.commit(&batch);
        crate::metrics::METRICS.commit(jobs.len(), started.elapsed(), result.is_ok());
        match result {
            Ok(()) => {
                jobs.into_iter().for_each(|j| finish(j, Ok(())));
                None
            }
            Err(e) => {
                match e {
                    StoreError::NotOwner(_) => {
                        tracing::warn!(error = %e, writes = jobs.len(), "commit refused: a team it touched is not this node's")
                    }
                    _ => {
                        tracing::error!(error = %e, writes = jobs.len(), "commit failed; the writes were refused")
                    }
                }
                self.refused = match e {
                    StoreError::NotOwner(message) => Refused::NotOwner(message),
                    _ => Refused::Storage,
                };
                let failed_epoch = jobs.iter().map(|j| j.epoch).max().unwrap_or(self.min_epoch);
                self.min_epoch = failed_epoch + 1;
                // Restore memory first, answer after: a client told "not saved" must not
                // then read the refused write back. The actor takes restores before any
                // other message, so every request sent after this answer sees the restore.
                let (jobs_now, closing) = self.restore(jobs, rx);
                jobs_now
                    .into_iter()
                    .for_each(|j| finish(j, Err(self.refused.clone())));
                closing
            }
        }
    }

    /// Hands the actor the last committed state so memory drops the refused writes. If
    /// it cannot be read, the actor stops serving first (before `refused` are answered),
    /// and the reading is retried, backing off, until it works or a close arrives.
    fn restore(
        &mut self,
        refused: Vec<WriteJob>,
        rx: &mut mpsc::Receiver<WriterMsg>,
    ) -> (Vec<WriteJob>, Closing) {
        let mut refused = Some(refused);
        let mut wait = RELOAD_FIRST_WAIT;
        let mut attempt = 1u64;
        loop {
            match self.store.load() {
                Ok(snapshot) => {
                    let _ = self.restores.send(Restore {
                        epoch: self.min_epoch,
                        snapshot: Some(snapshot),
                    });
                    if attempt > 1 {
                        tracing::warn!(attempt, "the committed state is readable again; serving");
                    }
                    return (refused.unwrap_or_default(), None);
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "cannot reload the committed state; refusing every request until it can");
                    if let Some(jobs) = refused.take() {
                        let _ = self.restores.send(Restore {
                            epoch: self.min_epoch,
                            snapshot: None,
                        });
                        jobs.into_iter()
                            .for_each(|j| finish(j, Err(Refused::Storage)));
                    }
                }
            }
            // Wait, but stop waiting for a close: the state cannot be served anyway.
            let deadline = std::time::Instant::now() + wait;
            while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                match rx.try_recv() {
                    Ok(WriterMsg::Job(job)) => finish(job, Err(Refused::Storage)),
                    Ok(WriterMsg::Close(reply)) => return (Vec::new(), Some(reply)),
                    Err(mpsc::error::TryRecvError::Disconnected) => return (Vec::new(), None),
                    Err(mpsc::error::TryRecvError::Empty) => {
                        std::thread::sleep(left.min(std::time::Duration::from_millis(20)));
                    }
                }
            }
            wait = (wait * 2).min(RELOAD_MAX_WAIT);
            attempt += 1;
        }
    }
}

/// A close request received while recovering, to answer once the store is closed.
type Closing = Option<oneshot::Sender<Result<(), StoreError>>>;

fn finish(job: WriteJob, outcome: Result<(), Refused>) {
    if let Some(done) = job.done {
        done(outcome);
    }
}
