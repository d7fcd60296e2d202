//! One keep-alive HTTP/1.1 connection on hyper's low-level client.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONNECTION, CONTENT_TYPE, COOKIE, HOST, HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("connect: {0}")]
    Connect(std::io::Error),
    #[error("handshake: {0}")]
    Handshake(hyper::Error),
    #[error("connection closed by the server")]
    Closed,
    #[error("request: {0}")]
    Send(hyper::Error),
    #[error("response body: {0}")]
    Body(hyper::Error),
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("building request: {0}")]
    Build(#[from] hyper::http::Error),
}

impl ClientError {
    /// A short label for counting errors by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientError::Connect(_) => "connect",
            ClientError::Handshake(_) => "handshake",
            ClientError::Closed => "closed",
            ClientError::Send(_) => "send",
            ClientError::Body(_) => "body",
            ClientError::Timeout(_) => "timeout",
            ClientError::Build(_) => "build",
        }
    }
}

/// A fully read response.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    /// Whether the server said it closes the connection after this response.
    pub fn closes_connection(&self) -> bool {
        self.headers
            .get(CONNECTION)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"))
    }
}

/// One TCP connection; requests on it are sent one after another (no pipelining).
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn connect(target: &Target, timeout: Duration) -> Result<Conn, ClientError> {
        let connect = async {
            let stream = TcpStream::connect(target.addr)
                .await
                .map_err(ClientError::Connect)?;
            stream.set_nodelay(true).map_err(ClientError::Connect)?;
            let (sender, connection) = http1::handshake(TokioIo::new(stream))
                .await
                .map_err(ClientError::Handshake)?;
            // The connection task ends when the sender is dropped or the server closes.
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(Conn { sender })
        };
        tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| ClientError::Timeout(timeout))?
    }

    /// Whether the server closed this connection (keep-alive ended); reconnect then.
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }

    /// Sends `req` and reads the whole body, all within `timeout`. After an error the
    /// connection's state is unknown: drop it and connect again.
    pub async fn send(
        &mut self,
        req: Request<Full<Bytes>>,
        timeout: Duration,
    ) -> Result<Response, ClientError> {
        let exchange = async {
            self.sender.ready().await.map_err(|_| ClientError::Closed)?;
            let resp = self
                .sender
                .send_request(req)
                .await
                .map_err(ClientError::Send)?;
            let (parts, body) = resp.into_parts();
            let body = body.collect().await.map_err(ClientError::Body)?.to_bytes();
            Ok(Response {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| ClientError::Timeout(timeout))?
    }
}

/// Builds requests for one target and one identity with pre-built header values, so the
/// measured loop does not re-validate them for every request.
#[derive(Debug, Clone)]
pub struct RequestFactory {
    host: HeaderValue,
    cookie: Option<HeaderValue>,
}

impl RequestFactory {
    pub fn new(target: &Target, cookie: Option<&str>) -> Result<Self, ClientError> {
        let host =
            HeaderValue::from_str(&target.host_header).map_err(|e| ClientError::Build(e.into()))?;
        let cookie = cookie
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|e| ClientError::Build(e.into()))?;
        Ok(RequestFactory { host, cookie })
    }

    pub fn get(&self, path: &str) -> Result<Request<Full<Bytes>>, ClientError> {
        self.build(Method::GET, path, None)
    }

    pub fn post_json(&self, path: &str, json: Bytes) -> Result<Request<Full<Bytes>>, ClientError> {
        self.build(Method::POST, path, Some(json))
    }

    pub fn build(
        &self,
        method: Method,
        path: &str,
        json: Option<Bytes>,
    ) -> Result<Request<Full<Bytes>>, ClientError> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone());
        if let Some(cookie) = &self.cookie {
            builder = builder.header(COOKIE, cookie.clone());
        }
        let body = match json {
            Some(json) => {
                builder =
                    builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Full::new(json)
            }
            None => Full::new(Bytes::new()),
        };
        Ok(builder.body(body)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::parse_target;

    #[test]
    fn requests_carry_host_cookie_and_json_content_type() {
        let t = parse_target("http://127.0.0.1:18090").unwrap();
        let f = RequestFactory::new(&t, Some("session=s; usrid=1")).unwrap();
        let r = f
            .post_json("/api/v1/prj", Bytes::from_static(b"{\"name\":\"x\"}"))
            .unwrap();
        assert_eq!(r.method(), Method::POST);
        assert_eq!(r.uri().path(), "/api/v1/prj");
        assert_eq!(r.headers()[HOST], "127.0.0.1:18090");
        assert_eq!(r.headers()[COOKIE], "session=s; usrid=1");
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");

        let g = RequestFactory::new(&t, None)
            .unwrap()
            .get("/healthz")
            .unwrap();
        assert_eq!(g.method(), Method::GET);
        assert!(g.headers().get(COOKIE).is_none());
        assert!(g.headers().get(CONTENT_TYPE).is_none());
    }

    #[test]
    fn cookie_with_control_characters_is_an_error_not_a_panic() {
        let t = parse_target("http://127.0.0.1:1").unwrap();
        assert!(RequestFactory::new(&t, Some("a=b\n")).is_err());
    }
}

/// CPU time (user + system) this process has used so far, from `/proc/self/stat`
/// (Linux; `None` elsewhere). Used to tell when the load generator itself is the bottleneck.
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_proc_stat_cpu(&stat, 100)
}

/// utime + stime of a `/proc/PID/stat` line, in clock ticks of `ticks_per_second`.
pub fn parse_proc_stat_cpu(stat: &str, ticks_per_second: u64) -> Option<Duration> {
    // The command name (field 2) may contain spaces and parentheses: skip past the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let ticks = utime + stime;
    Some(Duration::from_millis(
        ticks * 1000 / ticks_per_second.max(1),
    ))
}

#[cfg(test)]
mod cpu_tests {
    use super::*;

    #[test]
    fn utime_and_stime_are_read_after_the_command_name() {
        let stat = "4242 (kronuz (load) gen) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 3 0";
        assert_eq!(
            parse_proc_stat_cpu(stat, 100),
            Some(Duration::from_millis(3000))
        );
        assert_eq!(parse_proc_stat_cpu("garbage", 100), None);
    }

    #[test]
    fn this_process_has_a_cpu_time_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(process_cpu_time().is_some());
        }
    }
}
