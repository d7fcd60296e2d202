//! Invitations to join a team: made, listed and revoked by the owner, used once by the
//! email they name (see `Db::signup`).

use super::state::{Applied, Db};
use crate::domain::limits::{PENDING_INVITES_PER_TEAM, reached};
use crate::domain::user::Invite;
use crate::domain::{AuthUser, Id, Role, Timestamp};
use crate::store::{Kind, Mutation, Record};
use crate::{AppError, Result};

/// How long an invitation stays valid.
pub const INVITE_TTL_SECS: i64 = 7 * 86_400;

impl Db {
    pub fn create_invite(
        &mut self,
        auth: &AuthUser,
        email: String,
        role: Role,
        token_hash: String,
        now: Timestamp,
    ) -> Applied<Invite> {
        auth.require_owner()?;
        if self.pending_invites(&auth.team_id, now).count() >= PENDING_INVITES_PER_TEAM {
            return Err(reached(
                "a team",
                PENDING_INVITES_PER_TEAM,
                "pending invitations (revoke some first)",
            ));
        }
        let invite = Invite {
            id: self.fresh_invite_id(),
            token_hash: token_hash.clone(),
            team_id: auth.team_id.clone(),
            email,
            role,
            created_by: auth.user_id.clone(),
            expires_at: now + INVITE_TTL_SECS,
            used: false,
        };
        self.invites.insert(token_hash, invite.clone());
        Ok((invite.clone(), vec![Mutation::Put(Record::Invite(invite))]))
    }

    /// The team's invitations not yet used or expired, the soonest to expire first
    /// (owner).
    pub fn list_invites(&self, auth: &AuthUser, now: Timestamp) -> Result<Vec<Invite>> {
        auth.require_owner()?;
        let mut list: Vec<Invite> = self.pending_invites(&auth.team_id, now).cloned().collect();
        list.sort_by(|a, b| a.expires_at.cmp(&b.expires_at).then(a.id.cmp(&b.id)));
        Ok(list)
    }

    /// Revokes a pending invitation (owner): its link no longer signs anyone up.
    pub fn revoke_invite(&mut self, auth: &AuthUser, id: &Id, now: Timestamp) -> Applied<()> {
        auth.require_owner()?;
        let hash = self
            .pending_invites(&auth.team_id, now)
            .find(|i| &i.id == id)
            .map(|i| i.token_hash.clone())
            .ok_or_else(|| AppError::NotFound("Invitation not found".into()))?;
        self.invites.remove(&hash);
        Ok(((), vec![Mutation::Delete(Kind::Invite, Id(hash))]))
    }

    fn pending_invites(&self, team_id: &Id, now: Timestamp) -> impl Iterator<Item = &Invite> {
        self.invites
            .values()
            .filter(move |i| &i.team_id == team_id && !i.used && i.expires_at > now)
    }

    fn fresh_invite_id(&self) -> Id {
        loop {
            let id = Id::random();
            if !self.invites.values().any(|i| i.id == id) {
                return id;
            }
        }
    }
}
