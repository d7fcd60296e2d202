//! Connections: the accept loop in front of the router. It bounds what clients can hold
//! open (connections per address and in all, time to send a request's head, time idle
//! between requests) so that slow or idle sockets cannot use up the file descriptors
//! and lock everyone else out.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Largest request head (request line and every header) read before answering 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Descriptors kept free for the store, logs and the runtime when sizing the overall cap.
const RESERVED_DESCRIPTORS: u64 = 64;

/// What one server lets its clients hold.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Time a client gets to send a request's head; also the longest a kept-alive
    /// connection may sit idle between requests.
    pub header_read_timeout: Duration,
    /// Open connections one client address may hold; more are closed at once.
    pub per_address: usize,
    /// Open connections in all; past it the server stops accepting until one closes.
    pub total: usize,
}

/// Raises the soft limit on open files to the hard limit, so the overall cap, not the
/// operating system's default of about a thousand, decides how many clients fit.
/// Returns the soft limit in force afterwards, if there is one.
pub fn raise_open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let raised = Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => return limit.maximum,
                Err(e) => tracing::warn!(error = %e, "cannot raise the open-files limit"),
            }
        }
        limit.current
    }
    #[cfg(not(unix))]
    None
}

/// The overall cap actually used: the configured one, but never so close to the
/// open-files limit that accepting a connection could leave the store without one.
pub fn total_cap(configured: usize, open_files: Option<u64>) -> usize {
    let fits = open_files
        .map(|n| n.saturating_sub(RESERVED_DESCRIPTORS).max(1))
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(usize::MAX);
    configured.clamp(1, fits)
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets
/// the open connections finish the request they are on, and returns once all closed.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let per_address = Arc::new(PerAddress::new(limits.per_address));
    let open = Arc::new(Semaphore::new(limits.total.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed
            },
        };
        let (stream, remote) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let Some(slot) = per_address.take(remote.ip()) else {
            // Closed at once: one address may not hold every descriptor.
            tracing::debug!(address = %remote.ip(), "too many connections from one address");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts, resets and malformed heads: the client's problem, not ours.
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop((slot, permit));
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Accept errors about one connection (it was reset before we took it) are skipped;
/// anything else (out of descriptors) is waited out briefly rather than spun on.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    ) {
        return;
    }
    tracing::warn!(error = %e, "cannot accept a connection; retrying shortly");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Open connections by client address. Touched once when a connection opens and once
/// when it closes, never while a request is handled.
struct PerAddress {
    cap: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection counted against its address; uncounted when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    address: IpAddr,
}

impl PerAddress {
    fn new(cap: usize) -> PerAddress {
        PerAddress {
            cap: cap.max(1),
            open: Mutex::new(HashMap::new()),
        }
    }

    fn take(self: &Arc<Self>, address: IpAddr) -> Option<AddressSlot> {
        let address = address.to_canonical();
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(address).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: self.clone(),
            address,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .table
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_share_and_no_more_until_one_closes() {
        let table = Arc::new(PerAddress::new(2));
        let ann: IpAddr = "10.0.0.1".parse().unwrap();
        let bob: IpAddr = "10.0.0.2".parse().unwrap();
        let first = table.take(ann).unwrap();
        let _second = table.take(ann).unwrap();
        assert!(table.take(ann).is_none());
        assert!(table.take(bob).is_some(), "another address is not affected");
        drop(first);
        assert!(table.take(ann).is_some());
    }

    #[test]
    fn an_ipv4_mapped_address_counts_as_the_ipv4_one() {
        let table = Arc::new(PerAddress::new(1));
        let _v4 = table.take("10.0.0.1".parse().unwrap()).unwrap();
        assert!(table.take("::ffff:10.0.0.1".parse().unwrap()).is_none());
    }

    #[tokio::test]
    async fn handlers_see_the_address_the_client_connected_from() {
        use axum::routing::get;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let app =
            Router::new().route(
                "/",
                get(
                    |ConnectInfo(from): ConnectInfo<std::net::SocketAddr>| async move {
                        from.to_string()
                    },
                ),
            );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let limits = Limits {
            header_read_timeout: Duration::from_secs(10),
            per_address: 8,
            total: 8,
        };
        let server = tokio::spawn(run(listener, app, limits, async {
            let _ = stopped.await;
        }));
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let me = stream.local_addr().unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: kronuz\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.ends_with(&me.to_string()), "{answer}");
        let _ = stop.send(());
        server.await.unwrap();
    }

    #[test]
    fn the_overall_cap_leaves_descriptors_for_the_store() {
        assert_eq!(total_cap(8192, Some(1024)), 960);
        assert_eq!(total_cap(100, Some(1024)), 100);
        assert_eq!(total_cap(100, None), 100);
    }
}
