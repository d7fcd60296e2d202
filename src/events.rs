//! Live changes: each team's committed changes, as events its open screens apply.
//!
//! - The actor turns each schedule change into an [`Event`] (its id is the activity
//!   entry's `seq`, which only grows) and hands it to the store's writer with the write;
//!   the writer publishes it only after the transaction holding it has committed, so
//!   nothing is ever sent for a write the disk refused.
//! - [`Events`] is the handle to a small task of its own (the hub) that keeps each team's
//!   recent events in a ring and a broadcast channel per team. A subscriber gets, in one
//!   step, what it missed since `Last-Event-ID` (or [`Backlog::Reload`] when the ring no
//!   longer reaches back that far) and a receiver for what comes next, so nothing falls
//!   between the two.
//! - `GET /api/v1/events` (in `http::events`) streams them as server-sent events.
//! - At start and after every reload (a failed commit, or a team taken over from
//!   another node) the hub is seeded from the activity log just read from the store
//!   ([`Events::seed`]): a stream that reconnects with `Last-Event-ID`, to this node or
//!   after its team moved here, gets exactly what it missed. Ids are activity `seq`s,
//!   which only grow within a team, also across nodes (a node that takes a team over
//!   continues after the largest `seq` it loaded).
//!
//! Memory is bounded: [`RING`] events per team, and a subscriber that falls more than
//! [`LAG`] events behind is told to reload instead of being buffered for.

use crate::domain::Id;
use crate::domain::activity::Activity;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Events kept per team for clients that reconnect.
pub const RING: usize = 1024;
/// Events a slow subscriber may fall behind before it is told to reload.
pub const LAG: usize = 256;

/// One committed change of a team's schedule, as subscribers receive it.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub id: u64,
    #[serde(skip)]
    pub team_id: Id,
    pub activity_id: String,
    pub user_id: String,
    pub user_name: String,
    pub at: i64,
    pub summary: String,
    pub undo_of: Option<String>,
    pub changes: Vec<RecordChange>,
}

/// A record as it is after the change; `record: None` when it was deleted.
#[derive(Clone, Debug, Serialize)]
pub struct RecordChange {
    pub kind: &'static str,
    pub id: String,
    pub record: Option<serde_json::Value>,
}

impl Event {
    pub fn from_entry(entry: &Activity, user_name: String) -> Event {
        Event {
            id: entry.seq,
            team_id: entry.team_id.clone(),
            activity_id: entry.id.0.clone(),
            user_id: entry.user_id.0.clone(),
            user_name,
            at: entry.at,
            summary: entry.summary.clone(),
            undo_of: entry.undo_of.as_ref().map(|i| i.0.clone()),
            changes: entry
                .changes
                .iter()
                .filter_map(|c| {
                    let r = c.after.as_ref().or(c.before.as_ref())?;
                    Some(RecordChange {
                        kind: r.kind_name(),
                        id: r.id().to_string(),
                        record: c.after.as_ref().map(|a| a.to_value()),
                    })
                })
                .collect(),
        }
    }
}

/// An event as it travels to subscribers: encoded once, however many streams send it.
#[derive(Debug)]
pub struct Frame {
    pub id: u64,
    pub team_id: Id,
    /// The event's JSON.
    pub json: String,
    /// The same without rates and amounts, for members (who never see money).
    pub member_json: String,
}

impl Frame {
    fn of(event: &Event) -> Frame {
        Frame {
            id: event.id,
            team_id: event.team_id.clone(),
            json: serde_json::to_string(event).unwrap_or_default(),
            member_json: serde_json::to_string(&without_money(event)).unwrap_or_default(),
        }
    }
}

/// `event` with the money fields of its records taken out.
fn without_money(event: &Event) -> Event {
    let mut hidden = event.clone();
    for c in &mut hidden.changes {
        if let Some(r) = &mut c.record {
            crate::domain::money::hide_money(c.kind, r);
        }
    }
    hidden
}

/// What a subscriber missed since the id it last saw.
#[derive(Debug)]
pub enum Backlog {
    /// Every event after that id, oldest first (often none).
    Replay(Vec<Arc<Frame>>),
    /// The ring no longer reaches back that far: reload everything.
    Reload,
}

/// A new subscriber's start: the newest event id, what it missed, and what comes next.
pub struct Subscription {
    pub last_id: u64,
    pub backlog: Backlog,
    pub live: broadcast::Receiver<Arc<Frame>>,
}

/// One team's recent events read back from the store, for [`Events::seed`].
pub struct TeamEvents {
    pub team_id: Id,
    /// The live activity entries, oldest first, each with its author's name.
    pub entries: Vec<(Arc<Activity>, String)>,
    /// These are all of the team's events (nothing older was left out).
    pub complete: bool,
}

enum HubMsg {
    Publish(Arc<Frame>),
    Seed(Vec<TeamEvents>),
    Subscribe {
        team_id: Id,
        since: Option<u64>,
        resp: oneshot::Sender<Subscription>,
    },
}

/// The handle to the hub. Publishing never blocks (the writer thread calls it).
#[derive(Clone)]
pub struct Events(
    mpsc::UnboundedSender<HubMsg>,
    /// Woken by every committed change: what the webhook worker waits on.
    Arc<tokio::sync::Notify>,
);

impl Events {
    /// Starts the hub; it knows every event after `floor` (the newest id at start-up).
    pub fn spawn(floor: u64) -> Events {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(Hub::new(floor).run(rx));
        Events(tx, Arc::new(tokio::sync::Notify::new()))
    }

    /// Sends a committed event to its team's subscribers.
    pub fn publish(&self, event: Event) {
        crate::metrics::METRICS.event_published();
        let _ = self.0.send(HubMsg::Publish(Arc::new(Frame::of(&event))));
        self.1.notify_one();
    }

    /// Puts each team's committed events, as the store holds them, in its ring.
    pub fn seed(&self, teams: Vec<TeamEvents>) {
        let _ = self.0.send(HubMsg::Seed(teams));
    }

    /// Resolves after the next committed change (or at once if one came since the
    /// last call): the webhook worker's wake-up.
    pub async fn committed(&self) {
        self.1.notified().await
    }

    /// Subscribes to `team_id`'s events after `since` (none: only what comes next).
    pub async fn subscribe(&self, team_id: Id, since: Option<u64>) -> Option<Subscription> {
        let (resp, rx) = oneshot::channel();
        self.0
            .send(HubMsg::Subscribe {
                team_id,
                since,
                resp,
            })
            .ok()?;
        rx.await.ok()
    }
}

struct TeamLog {
    ring: VecDeque<Arc<Frame>>,
    /// Events with an id at or below this may be missing from the ring.
    floor: u64,
    live: broadcast::Sender<Arc<Frame>>,
}

struct Hub {
    floor: u64,
    teams: HashMap<Id, TeamLog>,
}

impl Hub {
    fn new(floor: u64) -> Hub {
        Hub {
            floor,
            teams: HashMap::new(),
        }
    }

    fn team(&mut self, team_id: &Id) -> &mut TeamLog {
        let floor = self.floor;
        self.teams
            .entry(team_id.clone())
            .or_insert_with(|| TeamLog {
                ring: VecDeque::new(),
                floor,
                live: broadcast::channel(LAG).0,
            })
    }

    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<HubMsg>) {
        while let Some(msg) = rx.recv().await {
            match msg {
                HubMsg::Publish(event) => self.publish(event),
                HubMsg::Seed(teams) => {
                    for team in teams {
                        self.seed(team);
                    }
                }
                HubMsg::Subscribe {
                    team_id,
                    since,
                    resp,
                } => {
                    let _ = resp.send(self.subscribe(&team_id, since));
                }
            }
        }
    }

    fn publish(&mut self, event: Arc<Frame>) {
        let log = self.team(&event.team_id);
        if log.ring.len() == RING
            && let Some(old) = log.ring.pop_front()
        {
            log.floor = old.id;
        }
        log.ring.push_back(event.clone());
        // No subscriber is not an error: the event stays in the ring for reconnects.
        let _ = log.live.send(event);
    }

    /// Replaces a team's ring with its events as stored, keeping any newer ones
    /// published meanwhile; ids below the oldest kept may be missing unless `complete`.
    fn seed(&mut self, team: TeamEvents) {
        let log = self.team(&team.team_id);
        let mut ring: VecDeque<Arc<Frame>> = team
            .entries
            .into_iter()
            .map(|(entry, name)| Arc::new(Frame::of(&Event::from_entry(&entry, name))))
            .collect();
        let newest = ring.back().map(|f| f.id);
        ring.extend(
            log.ring
                .iter()
                .filter(|f| newest.is_none_or(|n| f.id > n))
                .cloned(),
        );
        let mut complete = team.complete;
        while ring.len() > RING {
            ring.pop_front();
            complete = false;
        }
        log.floor = match ring.front() {
            _ if complete => 0,
            Some(oldest) => oldest.id.saturating_sub(1),
            None => log.floor,
        };
        log.ring = ring;
    }

    fn subscribe(&mut self, team_id: &Id, since: Option<u64>) -> Subscription {
        let log = self.team(team_id);
        let last_id = log.ring.back().map_or(log.floor, |e| e.id);
        let backlog = match since {
            None => Backlog::Replay(vec![]),
            Some(seen) if seen < log.floor => Backlog::Reload,
            // An id from the future (another server's, or made up): start over.
            Some(seen) if seen > last_id => Backlog::Reload,
            Some(seen) => {
                Backlog::Replay(log.ring.iter().filter(|e| e.id > seen).cloned().collect())
            }
        };
        Subscription {
            last_id,
            backlog,
            live: log.live.subscribe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(team: &str, id: u64) -> Arc<Frame> {
        Arc::new(Frame::of(&Event {
            id,
            team_id: team.into(),
            activity_id: format!("a{id}"),
            user_id: "u".into(),
            user_name: "Ann".into(),
            at: 0,
            summary: String::new(),
            undo_of: None,
            changes: vec![],
        }))
    }

    fn replayed(b: Backlog) -> Vec<u64> {
        match b {
            Backlog::Replay(v) => v.iter().map(|e| e.id).collect(),
            Backlog::Reload => panic!("expected a replay"),
        }
    }

    #[test]
    fn a_reconnect_gets_what_it_missed_of_its_own_team_only() {
        let mut hub = Hub::new(10);
        for (team, id) in [("A", 11), ("B", 12), ("A", 13), ("A", 14)] {
            hub.publish(event(team, id));
        }
        assert_eq!(
            replayed(hub.subscribe(&"A".into(), Some(11)).backlog),
            [13, 14]
        );
        assert_eq!(
            replayed(hub.subscribe(&"A".into(), Some(10)).backlog),
            [11, 13, 14]
        );
        assert_eq!(replayed(hub.subscribe(&"B".into(), Some(10)).backlog), [12]);
        assert_eq!(hub.subscribe(&"A".into(), None).last_id, 14);
    }

    #[test]
    fn too_far_behind_or_from_the_future_is_told_to_reload() {
        let mut hub = Hub::new(10);
        assert!(matches!(
            hub.subscribe(&"A".into(), Some(9)).backlog,
            Backlog::Reload
        ));
        for id in 11..11 + RING as u64 + 5 {
            hub.publish(event("A", id));
        }
        // The five oldest fell out of the ring: a client that saw only up to 12 missed some.
        assert!(matches!(
            hub.subscribe(&"A".into(), Some(12)).backlog,
            Backlog::Reload
        ));
        let from = 15;
        assert_eq!(
            replayed(hub.subscribe(&"A".into(), Some(from)).backlog).len(),
            RING
        );
        assert!(matches!(
            hub.subscribe(&"A".into(), Some(1_000_000)).backlog,
            Backlog::Reload
        ));
    }

    fn stored(team: &str, ids: &[u64], complete: bool) -> TeamEvents {
        let entries = ids
            .iter()
            .map(|&seq| {
                let entry = Activity {
                    id: Id(format!("a{seq}")),
                    team_id: team.into(),
                    seq,
                    user_id: "u".into(),
                    at: 0,
                    summary: String::new(),
                    changes: vec![],
                    undo_of: None,
                    undone_by: None,
                    action: Default::default(),
                    scenario: None,
                };
                (Arc::new(entry), "Ann".to_string())
            })
            .collect();
        TeamEvents {
            team_id: team.into(),
            entries,
            complete,
        }
    }

    #[test]
    fn a_team_taken_over_resumes_from_the_log_read_back_and_keeps_newer_events() {
        // This node started at 100 and saw nothing of A, which another node wrote.
        let mut hub = Hub::new(100);
        assert!(matches!(
            hub.subscribe(&"A".into(), Some(40)).backlog,
            Backlog::Reload
        ));
        hub.publish(event("A", 130));
        hub.seed(stored("A", &[20, 40, 120], true));
        assert_eq!(
            replayed(hub.subscribe(&"A".into(), Some(40)).backlog),
            [120, 130]
        );
        assert_eq!(
            replayed(hub.subscribe(&"A".into(), Some(0)).backlog),
            [20, 40, 120, 130]
        );
        // A log read back in part: what lies before its oldest event may be missing.
        hub.seed(stored("B", &[50, 60], false));
        assert_eq!(
            replayed(hub.subscribe(&"B".into(), Some(49)).backlog),
            [50, 60]
        );
        assert!(matches!(
            hub.subscribe(&"B".into(), Some(30)).backlog,
            Backlog::Reload
        ));
    }

    #[test]
    fn live_subscribers_receive_what_is_published_after_they_joined() {
        let mut hub = Hub::new(0);
        hub.publish(event("A", 1));
        let mut sub = hub.subscribe(&"A".into(), None);
        hub.publish(event("B", 2));
        hub.publish(event("A", 3));
        assert_eq!(sub.live.try_recv().unwrap().id, 3);
        assert!(sub.live.try_recv().is_err());
    }
}
