//! Plain business types and the pure rules over them: no I/O, no async.
//!
//! Everything here is `Serialize + Deserialize` because the store keeps each record as
//! a JSON document (see `store`); API views that hide secrets live in `http`.

pub mod activity;
pub mod booked;
pub mod calendar;
pub mod limits;
pub mod memo;
pub mod money;
pub mod project;
pub mod sample;
pub mod scenario;
pub mod schedule;
pub mod task;
pub mod timeoff;
pub mod token;
pub mod user;

pub use project::{Project, ProjectInput, Status};
pub use schedule::{Allocation, Client, Person, Schedule, TimeOff};
pub use user::{AuthUser, Role, Session, SessionPolicy, Team, User};

use serde::{Deserialize, Serialize};

/// A schedule record that carries a version (bumped by every change to it).
pub trait Versioned {
    fn version(&self) -> u64;
}

macro_rules! versioned {
    ($($t:ty),+) => {$(
        impl Versioned for $t {
            fn version(&self) -> u64 {
                self.version
            }
        }
    )+};
}

versioned!(
    Person,
    Client,
    Project,
    Allocation,
    TimeOff,
    schedule::Actual,
    task::Task
);

/// The one id type: 16 lower-case hex characters (64 random bits), a string in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// A fresh random id from the OS CSPRNG.
    pub fn random() -> Id {
        Id(format!("{:016x}", random_u64()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id(s.to_string())
    }
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    fill_random(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// Fills `buf` from the OS CSPRNG. The OS generator failing is not something a server
/// can carry on from, so it aborts the process rather than hand out weak secrets.
pub fn fill_random(buf: &mut [u8]) {
    if let Err(e) = getrandom::fill(buf) {
        tracing::error!(error = %e, "the OS random number generator failed");
        std::process::abort();
    }
}

/// Seconds since the Unix epoch, the one timestamp type in stored records.
pub type Timestamp = i64;

pub fn now() -> Timestamp {
    chrono::Utc::now().timestamp()
}

/// Trims `value` and checks it has `1..=max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, crate::AppError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 {
        return Err(crate::AppError::invalid(field, "must not be empty"));
    }
    if len > max {
        return Err(crate::AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    check_printable(field, trimmed)?;
    Ok(trimmed.to_string())
}

/// Refuses control characters (NUL, escapes, ...) in text meant for people and files;
/// line breaks and tabs are fine. Also refuses the invisible characters that make text
/// show other than it is: bidirectional overrides and isolates (a name that reads
/// "Invoice.pdf" but is "fdp.eciovnI") and zero-width characters (two names that look
/// the same but differ).
pub fn check_printable(field: &str, value: &str) -> Result<(), crate::AppError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(crate::AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    if value.chars().any(is_invisible_format) {
        return Err(crate::AppError::invalid(
            field,
            "must not contain invisible direction or zero-width characters",
        ));
    }
    Ok(())
}

/// Bidirectional controls (marks, embeddings, overrides, isolates) and zero-width
/// characters.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Turns a list into its distinct items in order, refusing more than `max` items before
/// doing any work on them (a hostile list can be long; the loop must stay cheap).
pub fn distinct<T: Eq + std::hash::Hash + Clone>(
    field: &str,
    items: Vec<T>,
    max: usize,
) -> Result<Vec<T>, crate::AppError> {
    if items.len() > max {
        return Err(crate::AppError::invalid(
            field,
            format!("at most {max} items"),
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    Ok(items
        .into_iter()
        .filter(|x| seen.insert(x.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_direction_overrides_and_zero_width_characters() {
        for bad in [
            "Invoice\u{202E}fdp.exe",
            "Ann\u{200B}Smith",
            "\u{2066}Ann\u{2069}",
            "Ann\u{200F}",
            "\u{FEFF}Ann",
            "Ann\u{2060}",
        ] {
            let err = required_text("name", bad, 200).unwrap_err().to_string();
            assert!(
                err.starts_with("name: must not contain invisible"),
                "{bad:?}: {err}"
            );
        }
        for good in ["Ann Smith", "Zoë O'Brien", "محمد", "李小龙", "Line\nbreak"] {
            assert!(required_text("name", good, 200).is_ok(), "{good:?}");
        }
    }
}
