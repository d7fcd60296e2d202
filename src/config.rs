//! Command line and environment: every flag is also a `KRONUZ_*` variable.

use crate::db::StateBackend;
use crate::http::client_addr::ProxyNet;
use crate::store::writer::CommitMode;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// kronuz: resource scheduling for consulting businesses.
#[derive(Debug, Parser)]
#[command(
    name = "kronuz",
    version,
    about,
    long_about = None,
    after_help = "The server's settings (each flag is also an environment variable):\n  \
        --listen / KRONUZ_LISTEN          address to listen on (default 127.0.0.1:8080)\n  \
        --data-dir / KRONUZ_DATA_DIR      where the data lives (default ./kronuz-data)\n  \
        --database-url / KRONUZ_DATABASE_URL   PostgreSQL instead (several nodes)\n  \
        --log / KRONUZ_LOG                log filter (default info)\n  \
        --secure-cookies / KRONUZ_SECURE_COOKIES   mark cookies Secure behind HTTPS\n  \
        --trusted-proxy / KRONUZ_TRUSTED_PROXY     proxies whose X-Forwarded-For counts\n\
        `kronuz serve --help` lists them all."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once at start; boxing would only add noise
pub enum Command {
    /// Run the web server (API and web app).
    Serve(Settings),
    /// Copy the database to a new file, consistently, even while a server runs on it.
    Backup(BackupArgs),
    /// Put a backup in a data directory (not one a server is using).
    Restore(RestoreArgs),
    /// Solve one PSPLIB single-mode RCPSP instance and print `{"makespan","starts"}` as JSON.
    Psplib(PsplibArgs),
}

/// How `kronuz serve` runs.
#[derive(Clone, Debug, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "KRONUZ_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory holding the database; created if missing. Only one server may use it.
    #[arg(long, env = "KRONUZ_DATA_DIR", default_value = "./kronuz-data")]
    pub data_dir: PathBuf,

    /// Keep the data in PostgreSQL instead of SQLite in `--data-dir`, e.g.
    /// `postgres://kronuz:secret@db.internal/kronuz`; several nodes may share it.
    #[arg(long, env = "KRONUZ_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// This node's name among the nodes sharing a PostgreSQL database; unique among
    /// the live ones. Defaults to the host name.
    #[arg(long, env = "KRONUZ_NODE_ID")]
    pub node_id: Option<String>,

    /// How other nodes reach this one, e.g. `http://10.0.0.5:8080`.
    #[arg(long, env = "KRONUZ_ADVERTISE_URL")]
    pub advertise_url: Option<String>,

    /// Seconds a node's ownership of a team lasts without renewal: after it stops,
    /// its teams move to another node within this time.
    #[arg(long, env = "KRONUZ_LEASE_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub lease_secs: u64,

    /// Log filter in tracing's syntax, e.g. `info` or `kronuz=debug,tower_http=info`.
    #[arg(long, env = "KRONUZ_LOG", default_value = "info")]
    pub log: String,

    /// Mark cookies `Secure` (set this when kronuz is served over HTTPS).
    #[arg(long, env = "KRONUZ_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Let webhooks call addresses on loopback, private or link-local networks (for
    /// tests and internal installs; refused by default against SSRF).
    #[arg(long, env = "KRONUZ_WEBHOOKS_ALLOW_PRIVATE")]
    pub webhooks_allow_private: bool,

    /// A session ends after this many days without use.
    #[arg(long, env = "KRONUZ_SESSION_IDLE_DAYS", default_value_t = 14)]
    pub session_idle_days: u32,

    /// A session ends this many days after login, however much it is used.
    #[arg(long, env = "KRONUZ_SESSION_MAX_DAYS", default_value_t = 30)]
    pub session_max_days: u32,

    /// Seconds in-flight requests get to finish on SIGINT/SIGTERM.
    #[arg(long, env = "KRONUZ_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,

    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "KRONUZ_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "KRONUZ_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Requests handled at once; beyond it requests are shed with 503.
    #[arg(long, env = "KRONUZ_MAX_CONCURRENCY", default_value_t = 1024)]
    pub max_concurrency: usize,

    /// Seconds a client gets to send a request's head (request line and headers); also
    /// the longest a kept-alive connection may sit idle. Slower ones are disconnected.
    #[arg(long, env = "KRONUZ_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Open connections one client address may hold; more are closed at once. Behind a
    /// reverse proxy every client shares the proxy's address: size it for the proxy.
    #[arg(long, env = "KRONUZ_MAX_CONNECTIONS_PER_IP", default_value_t = 512)]
    pub max_connections_per_ip: usize,

    /// Open connections in all (kept below the open-files limit); past it new
    /// connections wait until one closes.
    #[arg(long, env = "KRONUZ_MAX_CONNECTIONS", default_value_t = 8192)]
    pub max_connections: usize,

    /// How the writer commits: `group` (many writes per fsync) or `per-write`.
    #[arg(long, env = "KRONUZ_COMMIT_MODE", value_enum, default_value_t = CommitMode::Group)]
    pub commit_mode: CommitMode,

    /// Where the state lives: the actor (the product), or `rwlock` to compare against it
    /// in benchmarks.
    #[arg(long, env = "KRONUZ_STATE_BACKEND", value_enum, default_value_t = StateBackend::Actor, hide = true)]
    pub state_backend: StateBackend,

    /// Serve the web app from this directory instead of the copy built into the binary
    /// (for working on the front end).
    #[arg(long, env = "KRONUZ_WEB_DIR")]
    pub web_dir: Option<PathBuf>,

    /// A reverse proxy whose `Forwarded` / `X-Forwarded-For` header names the client:
    /// an IP address or a network such as 10.0.0.0/8. Repeat the flag, or separate
    /// with commas. Without it, the connection's peer is the client (for throttling).
    #[arg(long, env = "KRONUZ_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<ProxyNet>,

    /// Cap on the database size in pages: only for tests that make the disk "full".
    #[arg(skip)]
    pub max_db_pages: Option<u64>,
}

impl Settings {
    /// This node's identity among the nodes on one PostgreSQL database.
    pub fn node(&self) -> crate::store::postgres::NodeSettings {
        let node_id = self.node_id.clone().unwrap_or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "kronuz".into())
        });
        crate::store::postgres::NodeSettings {
            node_id,
            advertise_url: self.advertise_url.clone(),
            lease: std::time::Duration::from_secs(self.lease_secs),
        }
    }

    /// Defaults for a data directory, as `kronuz serve --data-dir DIR` would have them.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Settings {
        let mut s = Cli::parse_from(["kronuz", "serve"]);
        let Command::Serve(ref mut settings) = s.command else {
            unreachable!("parsed serve")
        };
        settings.data_dir = dir.into();
        settings.clone()
    }
}

#[derive(Clone, Debug, Args)]
pub struct BackupArgs {
    /// The data directory to back up.
    #[arg(long, env = "KRONUZ_DATA_DIR", default_value = "./kronuz-data")]
    pub data_dir: PathBuf,
    /// The backup file to write; it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Clone, Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `kronuz backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// The data directory to restore into; created if missing.
    #[arg(long, env = "KRONUZ_DATA_DIR", default_value = "./kronuz-data")]
    pub data_dir: PathBuf,
    /// Replace the data already in the directory (it is kept beside, renamed).
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Debug, Args)]
pub struct PsplibArgs {
    /// A PSPLIB `.sm` file.
    pub file: PathBuf,
    /// Cap on the number of schedules generated (1 = one pass of the best priority rule).
    #[arg(long)]
    pub schedules: Option<u64>,
    /// Stop improving after this many milliseconds.
    #[arg(long)]
    pub time_limit_ms: Option<u64>,
    /// Seed of the random choices; the same seed gives the same schedule.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also re-solve windows of the best schedule as sub-projects near the end
    /// of the budget (off by default: it did not pay on PSPLIB at 5,000 schedules).
    #[arg(long)]
    pub decompose: bool,
    /// Restart around the best with shift moves of the best alone instead of
    /// peak-crossover children of the best and the old population (to
    /// reproduce earlier figures: j120 longer at 5,000 schedules).
    #[arg(long)]
    pub no_peak_restart: bool,
    /// Keep the first individuals of equal makespan (parents first) instead
    /// of the most spread out, and count only exact copies as clones (to
    /// reproduce earlier figures: j120 longer).
    #[arg(long)]
    pub no_spread: bool,
}
