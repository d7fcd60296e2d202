//! The server under test: `--url` parsed into a socket address, refused unless it is loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Where the requests go. Only loopback addresses are ever accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: SocketAddr,
    /// The `Host` header: the URL's authority as written.
    pub host_header: String,
    /// Path prefix without a trailing slash (`""` when the URL has none).
    pub base_path: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("invalid URL {0:?}: expected http://HOST:PORT")]
    Invalid(String),
    #[error("unsupported scheme in {0:?}: only http:// is supported")]
    Scheme(String),
    #[error(
        "refusing target host {0:?}: kronuz-loadgen only sends traffic to loopback addresses \
         (127.0.0.0/8, [::1], localhost)"
    )]
    NotLoopback(String),
}

impl Target {
    /// The request path for an API path such as `/api/v1/prj/list`.
    pub fn path(&self, api_path: &str) -> String {
        format!("{}{}", self.base_path, api_path)
    }
}

/// Parses `http://HOST[:PORT][/prefix]`. Host names other than `localhost` are refused
/// rather than resolved: a name could point anywhere.
pub fn parse_target(url: &str) -> Result<Target, TargetError> {
    let uri: hyper::Uri = url
        .trim()
        .parse()
        .map_err(|_| TargetError::Invalid(url.to_owned()))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(_) => return Err(TargetError::Scheme(url.to_owned())),
        None => return Err(TargetError::Invalid(url.to_owned())),
    }
    if uri.query().is_some() {
        return Err(TargetError::Invalid(url.to_owned()));
    }
    let authority = uri
        .authority()
        .ok_or_else(|| TargetError::Invalid(url.to_owned()))?;
    let host = authority.host();
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = if bare_host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        let ip: IpAddr = bare_host
            .parse()
            .map_err(|_| TargetError::NotLoopback(host.to_owned()))?;
        if !ip.to_canonical().is_loopback() {
            return Err(TargetError::NotLoopback(host.to_owned()));
        }
        ip
    };
    let port = authority.port_u16().unwrap_or(80);
    Ok(Target {
        addr: SocketAddr::new(ip, port),
        host_header: authority.as_str().to_owned(),
        base_path: uri.path().trim_end_matches('/').to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_ipv4_with_port_is_accepted() {
        let t = parse_target("http://127.0.0.1:18090").unwrap();
        assert_eq!(t.addr, "127.0.0.1:18090".parse().unwrap());
        assert_eq!(t.host_header, "127.0.0.1:18090");
        assert_eq!(t.base_path, "");
        assert_eq!(t.path("/healthz"), "/healthz");
    }

    #[test]
    fn whole_127_range_localhost_and_ipv6_loopback_are_accepted() {
        assert!(parse_target("http://127.1.2.3:80/").is_ok());
        let t = parse_target("http://localhost:8080").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8080".parse().unwrap());
        let t = parse_target("http://[::1]:9000").unwrap();
        assert_eq!(t.addr, "[::1]:9000".parse().unwrap());
    }

    #[test]
    fn default_port_is_80_and_prefix_is_kept() {
        let t = parse_target("http://127.0.0.1/kronuz/").unwrap();
        assert_eq!(t.addr.port(), 80);
        assert_eq!(t.path("/healthz"), "/kronuz/healthz");
    }

    #[test]
    fn non_loopback_hosts_are_refused() {
        for url in [
            "http://10.0.0.1:8080",
            "http://192.168.1.10",
            "http://8.8.8.8",
            "http://0.0.0.0:8080",
            "http://example.com",
            "http://[2001:db8::1]:80",
        ] {
            assert!(
                matches!(parse_target(url), Err(TargetError::NotLoopback(_))),
                "{url} must be refused"
            );
        }
    }

    #[test]
    fn https_and_garbage_are_refused() {
        assert!(matches!(
            parse_target("https://127.0.0.1"),
            Err(TargetError::Scheme(_))
        ));
        assert!(parse_target("127.0.0.1:8080").is_err());
        assert!(parse_target("not a url").is_err());
        assert!(parse_target("http://127.0.0.1:1/?a=b").is_err());
    }
}
