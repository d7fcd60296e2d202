//! The node's side of the leases: claiming the node id at start, the heartbeat thread
//! that renews the node and its team leases, and the view of who owns which team.

use super::{NodeSettings, connect, io, secs};
use crate::store::StoreError;
use postgres::{Client, Config};
use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

/// Who holds each team's lease, as of this node's last heartbeat (or its own takeover):
/// what the HTTP layer routes by. Only live leases are listed.
#[derive(Debug, Default)]
pub struct LeaseView {
    owners: std::sync::RwLock<HashMap<String, LeaseOwner>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseOwner {
    pub node_id: String,
    pub advertise_url: Option<String>,
}

impl LeaseView {
    /// The live owner of `team`, if any.
    pub fn owner(&self, team: &str) -> Option<LeaseOwner> {
        let owners = self.owners.read().unwrap_or_else(|e| e.into_inner());
        owners.get(team).cloned()
    }

    /// Records that `owner` now holds `team` (after this node claimed it).
    pub fn set(&self, team: &str, owner: LeaseOwner) {
        let mut owners = self.owners.write().unwrap_or_else(|e| e.into_inner());
        owners.insert(team.to_string(), owner);
    }

    fn replace(&self, fresh: HashMap<String, LeaseOwner>) {
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
    refresh_view(client, leases)
}

/// Reads who holds each live lease into `leases`.
pub(super) fn refresh_view(client: &mut Client, leases: &LeaseView) -> Result<(), postgres::Error> {
    let live = client.query(
        "SELECT l.team_id, l.node_id, n.advertise_url FROM leases l \
         LEFT JOIN nodes n ON n.node_id = l.node_id WHERE l.expires_at > clock_timestamp()",
        &[],
    )?;
    leases.replace(
        live.into_iter()
            .map(|r| {
                let owner = LeaseOwner {
                    node_id: r.get(1),
                    advertise_url: r.get(2),
                };
                (r.get(0), owner)
            })
            .collect(),
    );
    Ok(())
}
