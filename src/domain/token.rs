//! Personal access tokens: how programs call the API on a member's behalf without a
//! browser session. Only the SHA-256 of a token is kept; it acts with its owner's
//! current role, narrowed by its scope.

use super::{Id, Timestamp};
use serde::{Deserialize, Serialize};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Reads only: any request that changes data is refused with 403.
    Read,
    /// Reads and changes, as far as the owner's role allows.
    Write,
}

/// A personal access token, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Id,
    /// Hex SHA-256 of the secret.
    pub token_hash: String,
    pub user_id: Id,
    pub team_id: Id,
    pub name: String,
    pub scope: Scope,
    pub created_at: Timestamp,
    /// None: never expires.
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

/// The longest a token may be asked to live, in days.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// Tokens one member may hold at once.
pub const TOKENS_PER_USER: usize = 50;

/// How often a token's `last_used_at` is written to disk at most.
pub const LAST_USED_PERSIST_SECS: i64 = 60;

impl ApiToken {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_expires_at_its_time_and_never_without_one() {
        let t = ApiToken {
            id: Id::from("t"),
            token_hash: String::new(),
            user_id: Id::from("u"),
            team_id: Id::from("team"),
            name: "ci".into(),
            scope: Scope::Read,
            created_at: 0,
            expires_at: Some(100),
            last_used_at: None,
        };
        assert!(!t.is_expired(99));
        assert!(t.is_expired(100));
        let forever = ApiToken {
            expires_at: None,
            ..t
        };
        assert!(!forever.is_expired(i64::MAX));
    }
}
