//! What a client can hold open: slow heads and idle connections are cut, one address
//! cannot take every connection, oversized headers are refused.

mod common;

use common::*;
use kronuz::config::Settings;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Waits at most this long for anything the server should do within its timeouts.
const PATIENCE: Duration = Duration::from_secs(15);

/// Reads until the server closes the connection; the bytes it sent, or `None` if it
/// was still open after `PATIENCE`.
async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| received)
}

async fn server_with(configure: impl FnOnce(&mut Settings)) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path().join("data"));
    configure(&mut settings);
    (TestServer::start_with(settings).await, dir)
}

#[tokio::test]
async fn a_request_head_sent_too_slowly_is_cut_after_the_header_read_timeout() {
    let (server, _dir) = server_with(|s| s.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let received = read_until_closed(&mut stream).await;
    assert!(
        received.is_some(),
        "a partial head kept its connection open for {PATIENCE:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    server.stop().await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_timeout() {
    let (server, _dir) = server_with(|s| s.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\n\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut stream)
        .await
        .expect("an idle connection stayed open");
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    server.stop().await;
}

async fn answer_to_header_of(server: &TestServer, bytes: usize) -> String {
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: kronuz\r\nX-Large: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(bytes)
    );
    // Written while reading: the server may answer before it has read it all.
    let (mut reader, mut writer) = stream.split();
    let write = async {
        let _ = writer.write_all(request.as_bytes()).await;
    };
    let read = async {
        let mut received = Vec::new();
        let _ = tokio::time::timeout(PATIENCE, reader.read_to_end(&mut received)).await;
        received
    };
    let ((), received) = tokio::join!(write, read);
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn a_header_over_16_kb_is_refused_with_431() {
    let server = TestServer::fresh().await;
    for bytes in [17 * 1024, 200 * 1024] {
        let answer = answer_to_header_of(&server, bytes).await;
        assert!(
            answer.starts_with("HTTP/1.1 431"),
            "a {bytes}-byte header got: {}",
            answer.lines().next().unwrap_or_default()
        );
    }
    let answer = answer_to_header_of(&server, 15 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn past_the_overall_cap_a_connection_waits_for_one_to_close_and_is_then_served() {
    let (server, _dir) = server_with(|s| {
        s.max_connections = 2;
        s.header_read_timeout_secs = 600;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\nX-Slow: ")
            .await
            .unwrap();
        held.push(stream);
    }
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), third.peek(&mut byte)).await;
    assert!(early.is_err(), "served past the cap");
    held.pop();
    let received = read_until_closed(&mut third).await.expect("never served");
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
    drop(held);
    server.stop().await;
}

/// Starts `kronuz serve` with a hard limit of 1,024 open files (the usual default), so
/// that a server which accepted every connection would run out of them.
fn start_with_few_descriptors(data: &std::path::Path, flags: &[&str]) -> (Child, SocketAddr) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_kronuz"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .args(flags)
        .env_remove("KRONUZ_LISTEN")
        .env_remove("KRONUZ_DATA_DIR")
        .env("KRONUZ_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(at) = line.find("address=") {
            let rest = &line[at + "address=".len()..];
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Connects from a given loopback address, as a different client would.
async fn connect_from(source: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(to).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eleven_hundred_slow_sockets_from_one_address_do_not_lock_out_another_client() {
    kronuz::server::raise_open_files_limit();
    let dir = tempfile::tempdir().unwrap();
    // A long header timeout: only the per-address cap may save the other client.
    let (mut child, addr) =
        start_with_few_descriptors(dir.path(), &["--header-read-timeout-secs", "600"]);
    let attacker: IpAddr = "127.0.0.1".parse().unwrap();
    let mut slow = Vec::new();
    for _ in 0..1100 {
        slow.push(tokio::spawn(async move {
            let connect =
                tokio::time::timeout(Duration::from_secs(3), connect_from(attacker, addr));
            let mut stream = connect.await.ok()?.ok()?;
            let _ = stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\nX-Slow: ")
                .await;
            Some(stream)
        }));
    }
    let mut held = Vec::new();
    for task in slow {
        held.push(task.await.unwrap());
    }

    let other: IpAddr = "127.0.0.2".parse().unwrap();
    let served = tokio::time::timeout(PATIENCE, async {
        let mut stream = connect_from(other, addr).await.ok()?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: kronuz\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut received = Vec::new();
        stream.read_to_end(&mut received).await.ok()?;
        Some(String::from_utf8_lossy(&received).into_owned())
    })
    .await;
    drop(held);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let answer = served.ok().flatten().unwrap_or_default();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "another client was not served: {answer:?}"
    );
}
