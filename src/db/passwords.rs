//! Passwords after sign-up: changing one's own (which ends every other session),
//! logging out everywhere, and a reset an owner starts for a member: a one-time link
//! that expires, handed over by the owner (there is no mail server).

use super::state::{Applied, Credentials, Db};
use crate::domain::{AuthUser, Id, Timestamp};
use crate::store::{Mutation, Record};
use crate::{AppError, Result};
use std::net::IpAddr;

/// How long a reset link works.
pub const RESET_TTL_SECS: i64 = 24 * 3600;

/// A reset waiting for its link to be used.
#[derive(Clone, Debug)]
pub struct PasswordReset {
    pub user_id: Id,
    pub expires_at: Timestamp,
}

fn link_unusable() -> AppError {
    AppError::invalid(
        "token",
        "this reset link is unknown, used or expired; ask your team's owner for a new one",
    )
}

impl Db {
    /// Counts an attempt to confirm `user_id`'s current password like a login attempt
    /// (a stolen session must not guess it faster), then returns what to check it against.
    pub fn password_lookup(
        &mut self,
        user_id: &Id,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<Credentials> {
        let user = self.user(user_id)?;
        let policy = self.policy.throttle;
        self.attempts
            .begin_login(&policy, &user.email, address, now)?;
        Ok(Credentials {
            user_id: user.id,
            password_hash: user.password_hash,
        })
    }

    /// Sets `user_id`'s password (already hashed) and ends every session but `keep`.
    pub fn change_password(
        &mut self,
        user_id: &Id,
        password_hash: String,
        keep: &str,
        address: IpAddr,
    ) -> Applied<()> {
        let mut user = self.user(user_id)?;
        let policy = self.policy.throttle;
        self.attempts.login_succeeded(&policy, &user.email, address);
        user.password_hash = password_hash;
        self.users.insert(user.id.clone(), user.clone());
        self.resets.retain(|_, r| &r.user_id != user_id);
        let mut mutations = vec![Mutation::Put(Record::User(user))];
        mutations.extend(self.end_sessions(user_id, Some(keep)));
        Ok(((), mutations))
    }

    /// Ends every session of `user_id`, this one included.
    pub fn logout_all(&mut self, user_id: &Id) -> Applied<()> {
        Ok(((), self.end_sessions(user_id, None)))
    }

    /// Starts a password reset for a member (owner): the link with this token hash
    /// works once, for [`RESET_TTL_SECS`], and replaces any earlier one. Returns when
    /// it expires.
    pub fn start_reset(
        &mut self,
        auth: &AuthUser,
        member_id: &Id,
        token_hash: String,
        now: Timestamp,
    ) -> Result<Timestamp> {
        auth.require_owner()?;
        let member = self.member(auth, member_id)?;
        if member.id == auth.user_id {
            return Err(AppError::Conflict(
                "Change your own password in your settings instead".into(),
            ));
        }
        self.resets
            .retain(|_, r| r.user_id != member.id && r.expires_at > now);
        let expires_at = now + RESET_TTL_SECS;
        self.resets.insert(
            token_hash,
            PasswordReset {
                user_id: member.id,
                expires_at,
            },
        );
        Ok(expires_at)
    }

    /// Whether a reset link can still be used (checked before paying for a hash).
    pub fn reset_usable(&self, token_hash: &str, now: Timestamp) -> Result<()> {
        match self.resets.get(token_hash) {
            Some(r) if r.expires_at > now && self.users.contains_key(&r.user_id) => Ok(()),
            _ => Err(link_unusable()),
        }
    }

    /// Uses a reset link: sets the password (already hashed), ends every session of
    /// the member and voids the link.
    pub fn finish_reset(
        &mut self,
        token_hash: &str,
        password_hash: String,
        now: Timestamp,
    ) -> Applied<()> {
        self.reset_usable(token_hash, now)?;
        let reset = self.resets.remove(token_hash).ok_or_else(link_unusable)?;
        let mut user = self.user(&reset.user_id)?;
        user.password_hash = password_hash;
        self.users.insert(user.id.clone(), user.clone());
        let mut mutations = vec![Mutation::Put(Record::User(user))];
        mutations.extend(self.end_sessions(&reset.user_id, None));
        Ok(((), mutations))
    }
}
