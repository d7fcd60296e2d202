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

use super::{Mutation, Snapshot, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Completes a request once its job is committed (`true`) or refused (`false`).
pub type Done = Box<dyn FnOnce(bool) + Send>;

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

/// The last committed state, sent to the actor after a failed commit.
pub struct Restore {
    pub epoch: u64,
    pub snapshot: Snapshot,
}

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
            for msg in inbox.drain(..) {
                match msg {
                    WriterMsg::Job(job) if job.epoch < self.min_epoch => finish(job, false),
                    WriterMsg::Job(job) => jobs.push(job),
                    WriterMsg::Close(reply) => {
                        self.flush(&mut jobs);
                        let _ = reply.send(self.store.close());
                        return;
                    }
                }
            }
            self.flush(&mut jobs);
        }
    }

    fn flush(&mut self, jobs: &mut Vec<WriteJob>) {
        if jobs.is_empty() {
            return;
        }
        match self.mode {
            CommitMode::Group => self.commit(std::mem::take(jobs)),
            CommitMode::PerWrite => {
                for job in jobs.drain(..) {
                    if job.epoch < self.min_epoch {
                        finish(job, false);
                    } else {
                        self.commit(vec![job]);
                    }
                }
            }
        }
    }

    fn commit(&mut self, jobs: Vec<WriteJob>) {
        let batch: Vec<&Mutation> = jobs.iter().flat_map(|j| j.mutations.iter()).collect();
        let started = std::time::Instant::now();
        let result = self.store.commit(&batch);
        crate::metrics::METRICS.commit(jobs.len(), started.elapsed(), result.is_ok());
        match result {
            Ok(()) => jobs.into_iter().for_each(|j| finish(j, true)),
            Err(e) => {
                tracing::error!(error = %e, writes = jobs.len(), "commit failed; the writes were refused");
                let failed_epoch = jobs.iter().map(|j| j.epoch).max().unwrap_or(self.min_epoch);
                self.min_epoch = failed_epoch + 1;
                // Restore memory first, answer after: a client told "not saved" must not
                // then read the refused write back. The actor takes restores before any
                // other message, so every request sent after this answer sees the restore.
                self.restore();
                jobs.into_iter().for_each(|j| finish(j, false));
            }
        }
    }

    /// Hands the actor the last committed state so memory drops the refused writes.
    fn restore(&mut self) {
        for attempt in 1..=5 {
            match self.store.load() {
                Ok(snapshot) => {
                    let _ = self.restores.send(Restore {
                        epoch: self.min_epoch,
                        snapshot,
                    });
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "cannot reload the committed state");
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
            }
        }
    }
}

fn finish(job: WriteJob, committed: bool) {
    if let Some(done) = job.done {
        done(committed);
    }
}
