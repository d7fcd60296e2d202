//! Personal access tokens in the actor's state: made, listed, revoked, and checked on
//! every bearer request.

use super::state::{Applied, Db};
use crate::AppError;
use crate::domain::token::{
    ApiToken, LAST_USED_PERSIST_SECS, MAX_TOKEN_DAYS, Scope, TOKENS_PER_USER,
};
use crate::domain::{AuthUser, Id, Timestamp, required_text};
use crate::store::{Kind, Mutation, Record};

/// What proves who is calling: a browser session or a personal access token.
#[derive(Clone, Debug)]
pub enum Credential {
    /// The `usrid` cookie and the hash of the `session` cookie.
    Session { usrid: Id, token_hash: String },
    /// The hash of an `Authorization: Bearer` token, and whether the request changes data.
    Bearer { token_hash: String, write: bool },
}

/// A token to make: its owner, what the caller asked for, and the hash of its secret.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: String,
    pub scope: Scope,
    pub expires_in_days: Option<u32>,
    pub token_hash: String,
}

impl Db {
    /// The auth step for either kind of credential.
    pub fn authenticate_credential(
        &mut self,
        credential: &Credential,
        now: Timestamp,
    ) -> Applied<AuthUser> {
        match credential {
            Credential::Session { usrid, token_hash } => self.authenticate(usrid, token_hash, now),
            Credential::Bearer { token_hash, write } => {
                self.authenticate_token(token_hash, *write, now)
            }
        }
    }

    /// Who holds this token, with their current role; 401 if unknown, revoked or
    /// expired, 403 for a change made with a read-only token.
    pub fn authenticate_token(
        &mut self,
        token_hash: &str,
        write: bool,
        now: Timestamp,
    ) -> Applied<AuthUser> {
        let unknown = || AppError::Unauthorized("Unknown or revoked API token".into());
        let token = self.tokens.get_mut(token_hash).ok_or_else(unknown)?;
        if token.is_expired(now) {
            return Err(AppError::Unauthorized("API token expired".into()));
        }
        let user = self.users.get(&token.user_id).ok_or_else(unknown)?;
        if write && token.scope == Scope::Read {
            return Err(AppError::Forbidden(
                "This API token is read-only: it cannot change data".into(),
            ));
        }
        let auth = AuthUser {
            user_id: user.id.clone(),
            team_id: user.team_id.clone(),
            role: user.role,
            scenario: None,
        };
        token.last_used_at = Some(now);
        let persisted = self.tokens_persisted.get(token_hash).copied();
        let mut mutations = Vec::new();
        if persisted.is_none_or(|at| now - at >= LAST_USED_PERSIST_SECS) {
            self.tokens_persisted.insert(token_hash.to_string(), now);
            mutations.push(Mutation::Put(Record::ApiToken(token.clone())));
        }
        Ok((auth, mutations))
    }

    /// Makes a token for the caller.
    pub fn create_token(
        &mut self,
        auth: &AuthUser,
        new: NewToken,
        now: Timestamp,
    ) -> Applied<ApiToken> {
        let name = required_text("name", &new.name, 100)?;
        let expires_at = match new.expires_in_days {
            None => None,
            Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Some(now + i64::from(d) * 86_400),
            Some(_) => {
                return Err(AppError::invalid(
                    "expires_in_days",
                    format!("must be between 1 and {MAX_TOKEN_DAYS}"),
                ));
            }
        };
        if self.tokens_of(&auth.user_id).count() >= TOKENS_PER_USER {
            return Err(AppError::Conflict(format!(
                "You already have {TOKENS_PER_USER} tokens: revoke one first"
            )));
        }
        let token = ApiToken {
            id: Id::random(),
            token_hash: new.token_hash,
            user_id: auth.user_id.clone(),
            team_id: auth.team_id.clone(),
            name,
            scope: new.scope,
            created_at: now,
            expires_at,
            last_used_at: None,
        };
        self.tokens.insert(token.token_hash.clone(), token.clone());
        Ok((token.clone(), vec![Mutation::Put(Record::ApiToken(token))]))
    }

    /// The caller's own tokens, newest first.
    pub fn list_tokens(&self, auth: &AuthUser) -> Vec<ApiToken> {
        let mut mine: Vec<ApiToken> = self.tokens_of(&auth.user_id).cloned().collect();
        mine.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        mine
    }

    /// Revokes one of the caller's tokens at once (404 for anyone else's).
    pub fn revoke_token(&mut self, auth: &AuthUser, id: &Id) -> Applied<()> {
        let hash = self
            .tokens_of(&auth.user_id)
            .find(|t| &t.id == id)
            .map(|t| t.token_hash.clone())
            .ok_or_else(|| AppError::NotFound("Token not found".into()))?;
        self.tokens.remove(&hash);
        self.tokens_persisted.remove(&hash);
        Ok(((), vec![Mutation::Delete(Kind::ApiToken, id.clone())]))
    }

    /// Revokes every token of a member who leaves; the store mutations that says so.
    pub(super) fn drop_tokens_of(&mut self, user_id: &Id) -> Vec<Mutation> {
        let gone: Vec<(String, Id)> = self
            .tokens_of(user_id)
            .map(|t| (t.token_hash.clone(), t.id.clone()))
            .collect();
        gone.into_iter()
            .map(|(hash, id)| {
                self.tokens.remove(&hash);
                self.tokens_persisted.remove(&hash);
                Mutation::Delete(Kind::ApiToken, id)
            })
            .collect()
    }

    fn tokens_of<'a>(&'a self, user_id: &'a Id) -> impl Iterator<Item = &'a ApiToken> + 'a {
        self.tokens.values().filter(move |t| &t.user_id == user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::state::{LoginThrottle, NewAccount, Policy};
    use crate::domain::SessionPolicy;
    use crate::store::Snapshot;

    fn db_with_owner() -> (Db, AuthUser) {
        let policy = Policy {
            sessions: SessionPolicy {
                idle_secs: 1000,
                max_secs: 10_000,
            },
            throttle: LoginThrottle::default(),
        };
        let mut db = Db::new(Snapshot::default(), policy);
        let account = NewAccount {
            email: "ann@example.com".into(),
            name: "Ann".into(),
            password_hash: "hash".into(),
            token_hash: "session".into(),
            invite_hash: None,
        };
        let (user, _) = db.signup(account, 0).unwrap();
        let auth = db.authenticate(&user.id, "session", 0).unwrap().0;
        (db, auth)
    }

    fn new_token(hash: &str, scope: Scope, days: Option<u32>) -> NewToken {
        NewToken {
            name: "ci".into(),
            scope,
            expires_in_days: days,
            token_hash: hash.into(),
        }
    }

    #[test]
    fn a_token_stops_working_when_it_expires() {
        let (mut db, auth) = db_with_owner();
        db.create_token(&auth, new_token("h", Scope::Write, Some(1)), 0)
            .unwrap();
        assert!(db.authenticate_token("h", true, 86_399).is_ok());
        let err = db.authenticate_token("h", false, 86_400).unwrap_err();
        assert_eq!(err.to_string(), "API token expired");
    }

    #[test]
    fn a_read_token_reads_and_may_not_write() {
        let (mut db, auth) = db_with_owner();
        db.create_token(&auth, new_token("r", Scope::Read, None), 0)
            .unwrap();
        let (who, _) = db.authenticate_token("r", false, 5).unwrap();
        assert_eq!(who.user_id, auth.user_id);
        assert!(matches!(
            db.authenticate_token("r", true, 5),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn last_use_is_kept_in_memory_and_written_at_most_once_a_minute() {
        let (mut db, auth) = db_with_owner();
        db.create_token(&auth, new_token("h", Scope::Read, None), 0)
            .unwrap();
        assert_eq!(db.authenticate_token("h", false, 10).unwrap().1.len(), 1);
        assert!(db.authenticate_token("h", false, 20).unwrap().1.is_empty());
        assert_eq!(db.list_tokens(&auth)[0].last_used_at, Some(20));
        assert_eq!(db.authenticate_token("h", false, 70).unwrap().1.len(), 1);
    }

    #[test]
    fn bad_lifetimes_are_refused_and_make_nothing() {
        let (mut db, auth) = db_with_owner();
        for days in [0, MAX_TOKEN_DAYS + 1] {
            assert!(
                db.create_token(&auth, new_token("h", Scope::Read, Some(days)), 0)
                    .is_err()
            );
        }
        assert!(db.list_tokens(&auth).is_empty());
    }
}
