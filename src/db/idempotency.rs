//! Idempotency keys: a write retried with the same `Idempotency-Key` (after a timeout or
//! a dropped connection) gets the first answer instead of being applied twice.
//!
//! They live in the actor because it is the one place every write passes in order:
//! "is this key new? then it is mine" is answered without a lock and without a race
//! between two parallel retries. They are kept in memory only, for a day and at most
//! [`KEPT_PER_TEAM`] per team (oldest dropped first): a retry is worth answering within
//! minutes, not forever, and a restart (which ends every connection anyway) forgets them.

use crate::domain::{Id, Timestamp};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use tokio::sync::oneshot;

/// How long a key is remembered.
pub const KEPT_SECS: Timestamp = 24 * 3600;
/// Keys remembered per team; past it the oldest is forgotten.
pub const KEPT_PER_TEAM: usize = 2000;

/// The first answer to a keyed write, as it went out.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The headers that describe the body (type, location, version), not cookies.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: bytes::Bytes,
}

/// What to do with a keyed write.
pub enum Begin {
    /// The key is new: run the write, then report its answer with `finish`.
    Run,
    /// Already answered: send this again.
    Replay(Arc<Answer>),
    /// The same request is running now: its answer arrives here.
    Wait(oneshot::Receiver<Arc<Answer>>),
    /// The key was used for a different request.
    Mismatch,
}

/// Who sent a key, and the key: the same key from two users is two keys.
pub type Scope = (Id, String);

/// A hash of the method, path and body a key was first used with.
pub type Fingerprint = [u8; 32];

struct Entry {
    seq: u64,
    fingerprint: Fingerprint,
    state: State,
}

enum State {
    Running(Vec<oneshot::Sender<Arc<Answer>>>),
    Done(Arc<Answer>),
}

#[derive(Default)]
pub struct IdempotencyKeys {
    entries: HashMap<Scope, Entry>,
    /// Each team's keys, oldest first, with when they were first seen.
    by_team: HashMap<Id, VecDeque<(u64, Timestamp, Scope)>>,
    next_seq: u64,
}

impl IdempotencyKeys {
    pub fn begin(
        &mut self,
        team: &Id,
        scope: Scope,
        fingerprint: Fingerprint,
        now: Timestamp,
    ) -> Begin {
        self.forget_old(team, now);
        if let Some(entry) = self.entries.get_mut(&scope) {
            if entry.fingerprint != fingerprint {
                return Begin::Mismatch;
            }
            return match &mut entry.state {
                State::Done(answer) => Begin::Replay(answer.clone()),
                State::Running(waiting) => {
                    let (tx, rx) = oneshot::channel();
                    waiting.push(tx);
                    Begin::Wait(rx)
                }
            };
        }
        self.next_seq += 1;
        let seq = self.next_seq;
        let order = self.by_team.entry(team.clone()).or_default();
        order.push_back((seq, now, scope.clone()));
        self.entries.insert(
            scope,
            Entry {
                seq,
                fingerprint,
                state: State::Running(Vec::new()),
            },
        );
        Begin::Run
    }

    /// Records the answer to a write that `begin` said to run, and hands it to any
    /// retry waiting for it. An answer not `kept` (the write did not happen, e.g. the
    /// disk refused it) frees the key, so a later retry runs again.
    pub fn finish(&mut self, scope: Scope, answer: Arc<Answer>, kept: bool) {
        let Some(entry) = self.entries.get_mut(&scope) else {
            return;
        };
        if let State::Running(waiting) = &mut entry.state {
            for tx in waiting.drain(..) {
                let _ = tx.send(answer.clone());
            }
        }
        if kept {
            entry.state = State::Done(answer);
        } else {
            self.entries.remove(&scope);
        }
    }

    /// Drops the team's keys older than a day, and the oldest past the cap.
    fn forget_old(&mut self, team: &Id, now: Timestamp) {
        let Some(order) = self.by_team.get_mut(team) else {
            return;
        };
        while let Some((seq, at, _)) = order.front() {
            let (seq, at) = (*seq, *at);
            if now - at < KEPT_SECS && order.len() < KEPT_PER_TEAM {
                break;
            }
            if let Some((_, _, scope)) = order.pop_front()
                && self.entries.get(&scope).is_some_and(|e| e.seq == seq)
            {
                self.entries.remove(&scope);
            }
        }
        if order.is_empty() {
            self.by_team.remove(team);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(user: &str, key: &str) -> Scope {
        (Id::from(user), key.to_string())
    }

    fn answer(status: u16) -> Arc<Answer> {
        Arc::new(Answer {
            status,
            headers: Vec::new(),
            body: bytes::Bytes::from_static(b"{}"),
        })
    }

    #[test]
    fn a_key_runs_once_then_replays_its_answer() {
        let mut keys = IdempotencyKeys::default();
        let team = Id::from("t");
        assert!(matches!(
            keys.begin(&team, scope("u", "k"), [1; 32], 0),
            Begin::Run
        ));
        keys.finish(scope("u", "k"), answer(201), true);
        match keys.begin(&team, scope("u", "k"), [1; 32], 10) {
            Begin::Replay(a) => assert_eq!(a.status, 201),
            _ => panic!("expected a replay"),
        }
        assert!(matches!(
            keys.begin(&team, scope("u", "k"), [2; 32], 10),
            Begin::Mismatch
        ));
        assert!(
            matches!(keys.begin(&team, scope("v", "k"), [2; 32], 10), Begin::Run),
            "another user's key is another key"
        );
    }

    #[test]
    fn a_retry_while_the_first_runs_gets_the_first_answer() {
        let mut keys = IdempotencyKeys::default();
        let team = Id::from("t");
        keys.begin(&team, scope("u", "k"), [1; 32], 0);
        let Begin::Wait(mut rx) = keys.begin(&team, scope("u", "k"), [1; 32], 0) else {
            panic!("expected to wait");
        };
        keys.finish(scope("u", "k"), answer(201), true);
        assert_eq!(rx.try_recv().unwrap().status, 201);
    }

    #[test]
    fn an_answer_not_kept_frees_the_key() {
        let mut keys = IdempotencyKeys::default();
        let team = Id::from("t");
        keys.begin(&team, scope("u", "k"), [1; 32], 0);
        keys.finish(scope("u", "k"), answer(503), false);
        assert!(matches!(
            keys.begin(&team, scope("u", "k"), [1; 32], 1),
            Begin::Run
        ));
    }

    #[test]
    fn keys_are_forgotten_after_a_day_and_past_the_cap() {
        let mut keys = IdempotencyKeys::default();
        let team = Id::from("t");
        keys.begin(&team, scope("u", "old"), [1; 32], 0);
        keys.finish(scope("u", "old"), answer(201), true);
        assert!(matches!(
            keys.begin(&team, scope("u", "old"), [1; 32], KEPT_SECS),
            Begin::Run
        ));
        for i in 0..KEPT_PER_TEAM + 10 {
            keys.begin(&team, scope("u", &i.to_string()), [1; 32], KEPT_SECS);
        }
        assert!(keys.entries.len() <= KEPT_PER_TEAM);
        assert!(matches!(
            keys.begin(&team, scope("u", "0"), [1; 32], KEPT_SECS),
            Begin::Run
        ));
    }
}
