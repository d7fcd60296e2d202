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
//! refused: the writer tells the actor at once ([`Restore::Unreadable`]), which then
//! answers every request 503 rather than serve that state, and keeps trying to read
//! it, backing off, until it can; then the actor swaps it in and serves again.
//!
//! With PostgreSQL a commit may leave out the writes of a team this node no longer
//! holds (see [`Committed`]): only those are refused, the rest of the batch commits. If
//! this node took that team's lease over, the writer reloads just that team
//! ([`Restore::Team`]), and refuses that team's queued writes built before the actor
//! swapped it in; if another node holds it, the actor forgets the team
//! ([`Restore::Dropped`]). A team whose lease a commit took (nobody held it) is loaded
//! before its writes are answered ([`Restore::Taken`]).

use super::{Committed, Kind, Mutation, Snapshot, Store, StoreError};
use crate::domain::Id;
use std::collections::HashMap;
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

/// What the actor must put in memory so that memory holds what the store holds. The
/// `epoch`s only grow: the actor stamps each later write with the newest it received.
pub enum Restore {
    /// The last committed state of everything this node serves, after a failed commit.
    All { epoch: u64, snapshot: Snapshot },
    /// The committed state cannot be read (yet): until an `All` follows, nothing in
    /// memory may be served.
    Unreadable { epoch: u64 },
    /// One team as committed, replacing memory's: this node just took its lease over.
    Team {
        epoch: u64,
        team: Id,
        snapshot: Snapshot,
    },
    /// A team whose lease this node just took because nobody had one: loaded unless
    /// memory has it already (a team this node has just created).
    Taken { team: Id, snapshot: Snapshot },
    /// A team another node holds now: memory lets go of it.
    Dropped { team: Id },
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
                epoch: 0,
                min_epoch: 0,
                refused: Refused::Storage,
                stale: HashMap::new(),
            }
            .run(rx)
        })?;
    Ok(tx)
}

struct Writer {
    store: Box<dyn Store>,
    mode: CommitMode,
    restores: mpsc::UnboundedSender<Restore>,
    /// The newest epoch handed to the actor (with a restore).
    epoch: u64,
    /// Jobs from an older epoch were built on state that a failed commit discarded.
    min_epoch: u64,
    /// Why the last failed commit failed: what the jobs it made stale are told.
    refused: Refused,
    /// Per team reloaded after a refusal: jobs of that team from an older epoch were
    /// built on the state the reload replaced, and are told why.
    stale: HashMap<Id, (u64, String)>,
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
                    WriterMsg::Job(job) => match self.stale_reason(&job) {
                        Some(why) => finish(job, Err(why)),
                        None => jobs.push(job),
                    },
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
                    if let Some(why) = self.stale_reason(&job) {
                        finish(job, Err(why));
                    } else if let Some(reply) = self.commit(vec![job], rx) {
                        pending.for_each(|j| finish(j, Err(Refused::Storage)));
                        return Some(reply);
                    }
                }
                None
            }
        }
    }

    /// Reads one team from the store, counting the time it takes.
    fn load_team(&mut self, team: &Id) -> Result<Snapshot, StoreError> {
        let started = std::time::Instant::now();
        let snapshot = self.store.load_team(team)?;
        crate::metrics::METRICS.team_load(started.elapsed(), true);
        tracing::info!(team = %team, records = snapshot.records.len(), read_ms = started.elapsed().as_millis() as u64, "read a team this node takes on");
        Ok(snapshot)
    }

    /// Why `job` must be refused without being written, if it must: it was built on
    /// state that a failed commit, or a team's reload, has since replaced.
    fn stale_reason(&mut self, job: &WriteJob) -> Option<Refused> {
        if job.epoch < self.min_epoch {
            return Some(self.refused.clone());
        }
        if self.stale.is_empty() {
            return None;
        }
        // A job stamped with an epoch has seen every restore up to it.
        self.stale.retain(|_, (epoch, _)| *epoch > job.epoch);
        let stale = |team: &Id| self.stale.get(team).map(|(_, why)| why.clone());
        let why = match teams_of(&job.mutations) {
            Some(teams) => teams.into_iter().find_map(stale),
            // Only deletes: which team is unknown here, so any reload pending counts.
            None => self.stale.values().next().map(|(_, why)| why.clone()),
        };
        why.map(Refused::NotOwner)
    }

    fn commit(&mut self, jobs: Vec<WriteJob>, rx: &mut mpsc::Receiver<WriterMsg>) -> Closing {
        self.epoch = jobs.iter().map(|j| j.epoch).fold(self.epoch, u64::max);
        let batch: Vec<&[Mutation]> = jobs.iter().map(|j| j.mutations.as_slice()).collect();
        let started = std::time::Instant::now();
        let result = self.store.commit(&batch);
        let refused: usize = match &result {
            Ok(c) => c.refused.iter().map(|t| t.writes.len()).sum(),
            Err(_) => jobs.len(),
        };
        crate::metrics::METRICS.commit(
            jobs.len().saturating_sub(refused),
            started.elapsed(),
            result.is_ok(),
        );
        match result {
            Ok(committed) => self.committed(jobs, committed, rx),
            Err(e) => {
                tracing::error!(error = %e, writes = jobs.len(), "commit failed; the writes were refused");
                self.refused = Refused::Storage;
                self.fail(jobs, rx)
            }
        }
    }

    /// After a failed commit: memory goes back to the committed state, then `jobs` (and
    /// every job built before it) are refused.
    fn fail(&mut self, jobs: Vec<WriteJob>, rx: &mut mpsc::Receiver<WriterMsg>) -> Closing {
        self.epoch += 1;
        self.min_epoch = self.epoch;
        // Restore memory first, answer after: a client told "not saved" must not
        // then read the refused write back. The actor takes restores before any
        // other message, so every request sent after this answer sees the restore.
        let (jobs_now, closing) = self.restore(jobs, rx);
        jobs_now
            .into_iter()
            .for_each(|j| finish(j, Err(self.refused.clone())));
        closing
    }

    /// Answers a commit that went through, except for the teams it left out or took:
    /// the other writes at once, then each such team's after memory has caught up.
    fn committed(
        &mut self,
        jobs: Vec<WriteJob>,
        committed: Committed,
        rx: &mut mpsc::Receiver<WriterMsg>,
    ) -> Closing {
        let mut jobs: Vec<Option<WriteJob>> = jobs.into_iter().map(Some).collect();
        let held_back: std::collections::HashSet<usize> = committed
            .refused
            .iter()
            .flat_map(|t| t.writes.iter())
            .chain(committed.taken.iter().flat_map(|(_, w)| w.iter()))
            .copied()
            .collect();
        for (i, job) in jobs.iter_mut().enumerate() {
            if !held_back.contains(&i)
                && let Some(job) = job.take()
            {
                finish(job, Ok(()));
            }
        }
        let take = |jobs: &mut Vec<Option<WriteJob>>, writes: &[usize]| -> Vec<WriteJob> {
            writes.iter().filter_map(|&i| jobs[i].take()).collect()
        };
        for (team, writes) in committed.taken {
            let answered = take(&mut jobs, &writes);
            match self.load_team(&team) {
                Ok(snapshot) => {
                    let _ = self.restores.send(Restore::Taken { team, snapshot });
                    answered.into_iter().for_each(|j| finish(j, Ok(())));
                }
                Err(e) => {
                    // Committed, but memory cannot have the team: reload everything.
                    tracing::error!(error = %e, team = %team, "cannot load a team this node took");
                    // Queued jobs were built on the memory this replaces: refused.
                    self.epoch += 1;
                    self.min_epoch = self.epoch;
                    self.refused = Refused::Storage;
                    let (answered, closing) = self.restore(answered, rx);
                    answered.into_iter().for_each(|j| finish(j, Ok(())));
                    if closing.is_some() {
                        return closing;
                    }
                }
            }
        }
        for refusal in committed.refused {
            let refused = take(&mut jobs, &refusal.writes);
            let why = Refused::NotOwner(refusal.message.clone());
            if !refusal.took_over {
                let _ = self.restores.send(Restore::Dropped { team: refusal.team });
                refused
                    .into_iter()
                    .for_each(|j| finish(j, Err(why.clone())));
                continue;
            }
            match self.load_team(&refusal.team) {
                Ok(snapshot) => {
                    self.epoch += 1;
                    self.stale
                        .insert(refusal.team.clone(), (self.epoch, refusal.message));
                    let _ = self.restores.send(Restore::Team {
                        epoch: self.epoch,
                        team: refusal.team,
                        snapshot,
                    });
                    refused
                        .into_iter()
                        .for_each(|j| finish(j, Err(why.clone())));
                }
                Err(e) => {
                    tracing::error!(error = %e, team = %refusal.team, "cannot load a team this node took over");
                    self.refused = why;
                    if let Some(reply) = self.fail(refused, rx) {
                        return Some(reply);
                    }
                }
            }
        }
        None
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
                    // Every team is as committed now, reloaded or not.
                    self.stale.clear();
                    let _ = self.restores.send(Restore::All {
                        epoch: self.epoch,
                        snapshot,
                    });
                    if attempt > 1 {
                        tracing::warn!(attempt, "the committed state is readable again; serving");
                    }
                    return (refused.unwrap_or_default(), None);
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "cannot reload the committed state; refusing every request until it can");
                    if let Some(jobs) = refused.take() {
                        let _ = self
                            .restores
                            .send(Restore::Unreadable { epoch: self.epoch });
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

/// The teams a write's mutations name; `None` when it names none but deletes records,
/// whose team only the store can tell. Sessions belong to no team.
fn teams_of(mutations: &[Mutation]) -> Option<Vec<&Id>> {
    let mut teams = Vec::new();
    let mut unknown = false;
    for mutation in mutations {
        let team = match mutation {
            Mutation::Put(record) => record.team_id(),
            Mutation::ScenarioRow(row) => row
                .value
                .as_ref()
                .or(row.base.as_ref())
                .and_then(|r| r.team_id()),
            Mutation::Claim(team) => Some(team),
            Mutation::Delete(Kind::Session, _) => None,
            Mutation::Delete(..) | Mutation::ClearScenario(_) => {
                unknown = true;
                None
            }
        };
        if let Some(team) = team
            && !teams.contains(&team)
        {
            teams.push(team);
        }
    }
    if teams.is_empty() && unknown {
        None
    } else {
        Some(teams)
    }
}

fn finish(job: WriteJob, outcome: Result<(), Refused>) {
    if let Some(done) = job.done {
        done(outcome);
    }
}
