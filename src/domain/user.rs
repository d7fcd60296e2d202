//! Users, their teams and their sessions, with the rules for signing up.

use super::{Id, Timestamp};
use crate::AppError;
use serde::{Deserialize, Serialize};

/// What a member of a team may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing the members.
    Owner,
    /// Edits the schedule.
    Manager,
    /// Reads the schedule, records their own actual hours.
    Member,
}

impl Role {
    pub fn can_edit_schedule(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }
}

/// A person who can log in. Belongs to exactly one team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Id,
    pub email: String,
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub team_id: Id,
    pub role: Role,
    pub created_at: Timestamp,
}

/// A consulting business: the unit that owns people, projects and the schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Id,
    pub name: String,
    /// The first day of the week in the team's views, lower-case English ("monday").
    #[serde(default = "monday")]
    pub week_start: String,
    /// IANA name, the default for the team's people.
    #[serde(default = "utc")]
    pub timezone: String,
    /// ISO 4217 code of every amount of the team.
    #[serde(default = "super::money::default_currency")]
    pub currency: String,
    /// Rates per role, for people without their own and for placeholders.
    #[serde(default)]
    pub rates: super::money::RateCard,
    pub created_at: Timestamp,
}

fn monday() -> String {
    "monday".into()
}

fn utc() -> String {
    "UTC".into()
}

/// A logged-in browser or device. Only the SHA-256 of the token is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Hex SHA-256 of the session token; also the record's id.
    pub token_hash: String,
    pub user_id: Id,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle_secs: i64,
    pub max_secs: i64,
}

impl Session {
    pub fn is_expired(&self, now: Timestamp, policy: SessionPolicy) -> bool {
        now - self.last_seen_at > policy.idle_secs || now - self.created_at > policy.max_secs
    }
}

/// Trims and lower-cases an email and checks that it looks like one.
pub fn normalise_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let bad = || AppError::invalid("email", "must look like an email address");
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(email)
}

pub fn check_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(8..=1024).contains(&n) {
        return Err(AppError::invalid(
            "password",
            "must be between 8 and 1024 characters",
        ));
    }
    Ok(())
}

pub fn check_name(name: &str) -> Result<String, AppError> {
    super::required_text("name", name, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_email("  Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
    }

    #[test]
    fn things_that_are_not_emails_are_refused() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b..com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn password_length_is_bounded_in_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"é".repeat(1024)).is_ok());
        assert!(check_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn session_expires_when_idle_or_old() {
        let policy = SessionPolicy {
            idle_secs: 10,
            max_secs: 100,
        };
        let s = Session {
            token_hash: String::new(),
            user_id: Id::from("u"),
            created_at: 0,
            last_seen_at: 0,
        };
        assert!(!s.is_expired(10, policy));
        assert!(s.is_expired(11, policy));
        let s = Session {
            last_seen_at: 95,
            ..s
        };
        assert!(!s.is_expired(100, policy));
        assert!(s.is_expired(101, policy));
    }
}

/// Who is making a request, as established by the auth step.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user_id: Id,
    pub team_id: Id,
    pub role: Role,
    /// The open scenario the request works in (its `Kronuz-Scenario` header, checked
    /// by the auth step); `None` is the live schedule.
    pub scenario: Option<Id>,
}

impl AuthUser {
    /// The key of the schedule and activity log this request reads and changes: the
    /// scenario's id inside a scenario, the team's id on live.
    pub fn space(&self) -> &Id {
        self.scenario.as_ref().unwrap_or(&self.team_id)
    }

    /// Refuses with 403 unless the user may edit the schedule.
    pub fn require_schedule_editor(&self) -> Result<(), AppError> {
        if self.role.can_edit_schedule() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only owners and managers can change the schedule".into(),
            ))
        }
    }

    /// Whether the user sees money: rates, revenue, cost, margin and budgets in money.
    pub fn sees_money(&self) -> bool {
        self.role.can_edit_schedule()
    }

    /// Refuses with 403 unless the user sees money (owners and managers).
    pub fn require_money(&self) -> Result<(), AppError> {
        if self.sees_money() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only owners and managers can see rates and money".into(),
            ))
        }
    }

    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only the team's owner can do this".into(),
            ))
        }
    }
}

/// An invitation to join a team. Only the token's hash is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    /// The public id, by which the owner lists and revokes it (never the token's hash;
    /// invitations stored before it existed get a fresh one at each start).
    #[serde(default = "Id::random")]
    pub id: Id,
    pub token_hash: String,
    pub team_id: Id,
    pub email: String,
    pub role: Role,
    pub created_by: Id,
    pub expires_at: Timestamp,
    pub used: bool,
}
