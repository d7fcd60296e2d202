//! The `kronuz` binary as an operator meets it: flags, signals, the lock, a bad database.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn kronuz() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kronuz"));
    cmd.env_remove("KRONUZ_LISTEN")
        .env_remove("KRONUZ_DATA_DIR")
        .env_remove("KRONUZ_DATABASE_URL")
        .env("KRONUZ_LOG", "info");
    cmd
}

/// Starts `kronuz serve` on a free port and waits for its "ready" log line.
fn start(data: &Path) -> (Child, String) {
    let mut child = kronuz()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before it was ready")
            .unwrap();
        if line.contains("kronuz is ready") {
            let at = line.find("address=").unwrap() + "address=".len();
            break line[at..].split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

fn http(addr: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn help_explains_every_flag() {
    let top = String::from_utf8(kronuz().arg("--help").output().unwrap().stdout).unwrap();
    for flag in [
        "serve",
        "psplib",
        "KRONUZ_LISTEN",
        "KRONUZ_DATA_DIR",
        "KRONUZ_LOG",
    ] {
        assert!(top.contains(flag), "{flag} missing from:\n{top}");
    }
    let out = kronuz().args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "KRONUZ_LISTEN",
        "--data-dir",
        "KRONUZ_DATA_DIR",
        "--log",
        "KRONUZ_LOG",
        "--secure-cookies",
    ] {
        assert!(text.contains(flag), "{flag} missing from:\n{text}");
    }
}

#[test]
fn sigterm_stops_cleanly_with_exit_0_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr) = start(dir.path());
    let body = r#"{"email":"ann@x.io","password":"correct horse","name":"Ann"}"#;
    let resp = http(
        &addr,
        &format!(
            "POST /api/v1/usr/signup HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 201"), "{resp}");
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());

    let (mut child, addr) = start(dir.path());
    let login = r#"{"email":"ann@x.io","password":"correct horse"}"#;
    let resp = http(
        &addr,
        &format!(
            "POST /api/v1/usr/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
            login.len()
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    signal(&child, "-INT");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_second_server_on_the_same_data_dir_exits_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, _) = start(dir.path());
    let out = kronuz()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another kronuz server"), "{err}");
    signal(&first, "-TERM");
    assert!(first.wait().unwrap().success());
}

#[test]
fn a_corrupt_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kronuz.sqlite3");
    let garbage = b"this is not a database, but it is someone's file".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let out = kronuz()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unreadable or corrupt"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the file was modified"
    );
}

#[test]
fn a_listen_address_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = kronuz()
        .args(["serve", "--listen", &addr, "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
}
