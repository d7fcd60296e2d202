//! kronuz-loadgen: a closed-loop HTTP/1.1 load generator for the kronuz server.
//!
//! How one run flows through the modules:
//! - [`cli`] parses the flags; [`target`] checks that `--url` is a loopback address.
//! - [`setup`] builds and sends the setup requests (signup per team, projects, people,
//!   allocations) through the public API and keeps each team's cookies ([`cookies`]).
//! - [`scenario`] decides, per connection, which requests it sends (fixed op or a read/write
//!   mix) from a seeded PRNG, so a run is reproducible.
//! - [`load`] opens N keep-alive connections ([`client`]), warms up, then measures for a fixed
//!   duration or request count; every loop is bounded in time and count.
//! - [`stats`] records latencies in HDR histograms per operation and merges them across
//!   connections; [`metrics`] reads the server's own counters (`GET /metrics`) around the
//!   measured phase; [`output`] prints the table and writes the JSON for `scripts/bench.sh`.

pub mod cli;
pub mod client;
pub mod cookies;
pub mod dates;
pub mod load;
pub mod metrics;
pub mod output;
pub mod scenario;
pub mod setup;
pub mod stats;
pub mod target;
