//! A minimal cookie jar: enough to keep the `usrid` and `session` cookies a signup sets.

use std::collections::BTreeMap;

use hyper::header::{HeaderMap, SET_COOKIE};

/// One parsed `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// `Max-Age=0` (or negative) or an empty value: the server asks us to forget it.
    pub removes: bool,
}

/// Parses one `Set-Cookie` header value: `name=value; Attr; Attr=v`.
pub fn parse_set_cookie(header: &str) -> Option<SetCookie> {
    let mut parts = header.split(';');
    let pair = parts.next()?;
    let (name, value) = pair.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let value = value.trim();
    let expired = parts.any(|attr| {
        let attr = attr.trim();
        match attr.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("max-age") => {
                v.trim().parse::<i64>().is_ok_and(|age| age <= 0)
            }
            _ => false,
        }
    });
    Some(SetCookie {
        name: name.to_owned(),
        value: value.to_owned(),
        removes: expired || value.is_empty(),
    })
}

/// Cookies by name, sent back in a `Cookie` header.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CookieJar {
    cookies: BTreeMap<String, String>,
}

impl CookieJar {
    pub fn store(&mut self, set_cookie_header: &str) {
        if let Some(c) = parse_set_cookie(set_cookie_header) {
            if c.removes {
                self.cookies.remove(&c.name);
            } else {
                self.cookies.insert(c.name, c.value);
            }
        }
    }

    pub fn store_from_headers(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            if let Ok(v) = value.to_str() {
                self.store(v);
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// The `Cookie` request header value, or `None` when the jar is empty.
    pub fn header_value(&self) -> Option<String> {
        if self.cookies.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        Some(pairs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    #[test]
    fn set_cookie_with_attributes_yields_name_and_value() {
        let c = parse_set_cookie("session=abc123; HttpOnly; SameSite=Lax; Path=/").unwrap();
        assert_eq!(c.name, "session");
        assert_eq!(c.value, "abc123");
        assert!(!c.removes);
    }

    #[test]
    fn value_may_contain_equals_signs() {
        let c = parse_set_cookie("session=YWJj==; Path=/").unwrap();
        assert_eq!(c.value, "YWJj==");
    }

    #[test]
    fn max_age_zero_or_empty_value_removes() {
        assert!(
            parse_set_cookie("session=; Max-Age=0; Path=/")
                .unwrap()
                .removes
        );
        assert!(parse_set_cookie("session=x; max-age=0").unwrap().removes);
        assert!(parse_set_cookie("session=x; Max-Age=-1").unwrap().removes);
        assert!(!parse_set_cookie("session=x; Max-Age=3600").unwrap().removes);
    }

    #[test]
    fn malformed_headers_are_ignored() {
        assert!(parse_set_cookie("").is_none());
        assert!(parse_set_cookie("novalue").is_none());
        assert!(parse_set_cookie("=x").is_none());
    }

    #[test]
    fn jar_keeps_usrid_and_session_and_builds_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("usrid=42; HttpOnly; SameSite=Lax; Path=/"),
        );
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("session=tok; HttpOnly; SameSite=Lax; Path=/; Secure"),
        );
        let mut jar = CookieJar::default();
        jar.store_from_headers(&headers);
        assert_eq!(jar.get("usrid"), Some("42"));
        assert_eq!(jar.get("session"), Some("tok"));
        assert_eq!(jar.header_value().unwrap(), "session=tok; usrid=42");
    }

    #[test]
    fn later_cookie_replaces_and_removal_forgets() {
        let mut jar = CookieJar::default();
        jar.store("session=old; Path=/");
        jar.store("session=new; Path=/");
        assert_eq!(jar.get("session"), Some("new"));
        jar.store("session=; Max-Age=0; Path=/");
        assert_eq!(jar.get("session"), None);
        assert_eq!(jar.header_value(), None);
    }
}
