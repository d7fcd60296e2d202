//! The node's side of the leases: claiming the node id at start, the heartbeat thread
//! that renews the node and its team leases, and the view of who owns which team.

use super::{NodeSettings, connect, io, secs};
use crate::domain::Id;
use crate::store::StoreError;
use crate::store::writer::Restore;
use postgres::{Client, Config};
use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Who holds each team's lease, as of this node's last heartbeat (or its own takeover):
/// what the HTTP layer routes by. Only live leases are listed; another node's counts as
/// live until it runs out by this node's clock, so a dead owner's team is claimed as
/// soon as its lease expires rather than at the next heartbeat. This node's own stay
/// listed until the heartbeat says otherwise: whether it still holds one is for the
/// fence of its next commit to say, not for a clock it may have been stopped past.
#[derive(Debug, Default)]
pub struct LeaseView {
    owners: std::sync::RwLock<HashMap<String, (LeaseOwner, Instant)>>,
    node_id: String,
    /// How long a lease lasts: how long one this node learns of by itself is trusted.
    lease: Duration,
    /// Where to say that another node took one of this node's teams, so memory lets go.
    lost: std::sync::Mutex<Option<UnboundedSender<Restore>>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseOwner {
    pub node_id: String,
    pub advertise_url: Option<String>,
}

impl LeaseView {
    pub fn new(node_id: &str, lease: Duration) -> LeaseView {
        LeaseView {
            node_id: node_id.to_string(),
            lease,
            ..LeaseView::default()
        }
    }

    /// The live owner of `team`, if any.
    pub fn owner(&self, team: &str) -> Option<LeaseOwner> {
        let owners = self.owners.read().unwrap_or_else(|e| e.into_inner());
        owners
            .get(team)
            .filter(|(owner, until)| owner.node_id == self.node_id || *until > Instant::now())
            .map(|(owner, _)| owner.clone())
    }

    /// Records that `owner` now holds `team` (after this node claimed it, or learnt it).
    pub fn set(&self, team: &str, owner: LeaseOwner) {
        let mut owners = self.owners.write().unwrap_or_else(|e| e.into_inner());
        owners.insert(team.to_string(), (owner, Instant::now() + self.lease));
    }

    /// From now on, each team the heartbeat finds another node took from this one is
    /// sent to `restores` as [`Restore::Dropped`].
    pub fn on_lost(&self, restores: UnboundedSender<Restore>) {
        *self.lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(restores);
    }

    /// The teams `node_id` holds, as far as this view knows.
    fn held_by(&self, node_id: &str) -> Vec<String> {
        let owners = self.owners.read().unwrap_or_else(|e| e.into_inner());
        owners
            .iter()
            .filter(|(_, (owner, _))| owner.node_id == node_id)
            .map(|(team, _)| team.clone())
            .collect()
    }

    fn replace(&self, fresh: HashMap<String, (LeaseOwner, Instant)>) {
        *self.owners.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    }
}

/// Claims the node id (refused while another live node has it) and fences off every
/// lease an earlier run of this id held.
pub(super) fn register(
    client: &mut Client,
    node: &NodeSettings,
    instance: &str,
) -> Result<(), StoreError> {
    let lease = secs(node.lease);
    let mut tx = client.transaction().map_err(io)?;
    let claimed = tx
        .query_opt(
            "INSERT INTO nodes (node_id, instance, advertise_url, heartbeat_at, started_at) \
             VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp()) \
             ON CONFLICT (node_id) DO UPDATE SET instance = EXCLUDED.instance, \
             advertise_url = EXCLUDED.advertise_url, heartbeat_at = EXCLUDED.heartbeat_at, \
             started_at = EXCLUDED.started_at \
             WHERE nodes.heartbeat_at < clock_timestamp() - make_interval(secs => $4) \
             RETURNING node_id",
            &[&node.node_id, &instance, &node.advertise_url, &lease],
        )
        .map_err(io)?;
    if claimed.is_none() {
        let age: f64 = tx
            .query_opt(
                "SELECT extract(epoch FROM clock_timestamp() - heartbeat_at)::float8 \
                 FROM nodes WHERE node_id = $1",
                &[&node.node_id],
            )
            .map_err(io)?
            .map(|r| r.get(0))
            .unwrap_or(0.0);
        return Err(StoreError::Config(format!(
            "another kronuz node with --node-id {} is running (its heartbeat is {:.1} s old); \
             give this node another --node-id, or wait {} s if that node has stopped",
            node.node_id,
            age.max(0.0),
            node.lease.as_secs().max(1)
        )));
    }
    tx.execute(
        "UPDATE leases SET epoch = epoch + 1 WHERE node_id = $1",
        &[&node.node_id],
    )
    .map_err(io)?;
    tx.commit().map_err(io)
}

/// The background thread that keeps this node's heartbeat and leases alive.
pub(super) struct Renewer {
    stop: std_mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Renewer {
    pub(super) fn spawn(
        config: Config,
        node: NodeSettings,
        instance: String,
        leases: std::sync::Arc<LeaseView>,
    ) -> Result<Renewer, StoreError> {
        let (stop, stopped) = std_mpsc::channel::<()>();
        let every = (node.lease / 3).max(Duration::from_millis(100));
        let thread = std::thread::Builder::new()
            .name("kronuz-leases".into())
            .spawn(move || {
                let mut client: Option<Client> = None;
                while let Err(std_mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    let conn = match client.as_mut() {
                        Some(c) if !c.is_closed() => c,
                        _ => match connect(&config) {
                            Ok(c) => client.insert(c),
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot renew this node's leases");
                                continue;
                            }
                        },
                    };
                    if let Err(e) = renew(conn, &node, &instance, &leases) {
                        tracing::warn!(error = %e, "cannot renew this node's leases");
                    }
                }
            })
            .map_err(|e| StoreError::Io(format!("cannot start the lease thread: {e}")))?;
        Ok(Renewer { stop, thread })
    }

    pub(super) fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// One renewal: the heartbeat, then every lease, only while this run still is the node.
fn renew(
    client: &mut Client,
    node: &NodeSettings,
    instance: &str,
    leases: &LeaseView,
) -> Result<(), postgres::Error> {
    let beat = client.execute(
        "UPDATE nodes SET heartbeat_at = clock_timestamp() WHERE node_id = $1 AND instance = $2",
        &[&node.node_id, &instance],
    )?;
    if beat == 0 {
        tracing::error!(node = %node.node_id, "another run of this node id took over; this one can no longer write");
        return Ok(());
    }
    let renewed = client.execute(
        "UPDATE leases SET expires_at = clock_timestamp() + make_interval(secs => $2) \
         WHERE node_id = $1",
        &[&node.node_id, &secs(node.lease)],
    )?;
    crate::metrics::METRICS.lease_renewals(renewed);
    // This node renews every lease with its id, so one it held before and not now was
    // taken by another node (after this one stalled past its lease): let go of it.
    let held_before = leases.held_by(&node.node_id);
    refresh_view(client, leases)?;
    let lost = leases.lost.lock().unwrap_or_else(|e| e.into_inner());
    for team in held_before {
        let still = leases
            .owner(&team)
            .is_some_and(|owner| owner.node_id == node.node_id);
        if !still {
            tracing::warn!(team = %team, "another node took this team's lease");
            if let Some(restores) = lost.as_ref() {
                let _ = restores.send(Restore::Dropped { team: Id(team) });
            }
        }
    }
    Ok(())
}

/// Reads who holds each live lease into `leases`.
pub(super) fn refresh_view(client: &mut Client, leases: &LeaseView) -> Result<(), postgres::Error> {
    let live = client.query(
        "SELECT l.team_id, l.node_id, n.advertise_url, \
         extract(epoch FROM l.expires_at - clock_timestamp())::float8 FROM leases l \
         LEFT JOIN nodes n ON n.node_id = l.node_id WHERE l.expires_at > clock_timestamp()",
        &[],
    )?;
    let now = Instant::now();
    leases.replace(
        live.into_iter()
            .map(|r| {
                let owner = LeaseOwner {
                    node_id: r.get(1),
                    advertise_url: r.get(2),
                };
                let left = Duration::try_from_secs_f64(r.get(3)).unwrap_or_default();
                (r.get(0), (owner, now + left))
            })
            .collect(),
    );
    Ok(())
}
