//! Which teams memory holds. With SQLite every team is loaded at start and stays; with
//! PostgreSQL a node holds only the teams whose leases it has, loaded one at a time as
//! it takes them on and forgotten when another node takes them, so a node's memory is
//! its own teams', not the whole database's.

use super::state::Db;
use crate::domain::Id;
use crate::store::Snapshot;
use std::collections::HashSet;

impl Db {
    /// Whether memory holds `team`'s schedule.
    pub fn has_team(&self, team: &Id) -> bool {
        self.schedules.contains_key(team)
    }

    /// How many teams' schedules memory holds.
    pub fn team_count(&self) -> usize {
        self.schedules.len()
    }

    /// Replaces whatever memory holds of `team` with `snapshot`, the team as committed
    /// (see `Store::load_team`). Other teams are left as they are.
    pub fn load_team(&mut self, team: &Id, snapshot: Snapshot) {
        let started = std::time::Instant::now();
        self.forget_team(team);
        self.load(snapshot);
        crate::metrics::METRICS.team_load(started.elapsed(), false);
    }

    /// Lets go of everything of `team`: its members and their sessions, its schedule,
    /// scenarios, activity, previews, invites, feeds, tokens, webhooks and deliveries.
    /// Login throttling is kept: it is about addresses and emails, not teams.
    pub fn forget_team(&mut self, team: &Id) {
        let members = self.members.remove(team).unwrap_or_default();
        for id in &members {
            if let Some(user) = self.users.remove(id) {
                self.users_by_email.remove(&user.email);
            }
        }
        let sessions: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| members.contains(&s.user_id))
            .map(|(hash, _)| hash.clone())
            .collect();
        for hash in sessions {
            self.sessions.remove(&hash);
            self.sessions_persisted.remove(&hash);
        }
        self.resets.retain(|_, r| !members.contains(&r.user_id));
        let scenarios: HashSet<Id> = self
            .scenarios
            .iter()
            .filter(|(_, s)| &s.meta.team_id == team)
            .map(|(id, _)| id.clone())
            .collect();
        self.scenarios.retain(|id, _| !scenarios.contains(id));
        self.schedules.remove(team);
        self.activity
            .retain(|space, _| space != team && !scenarios.contains(space));
        self.proposals
            .retain(|_, p| &p.team_id != team && !scenarios.contains(&p.team_id));
        self.invites.retain(|_, i| &i.team_id != team);
        self.feeds.retain(|_, f| &f.team_id != team);
        let tokens: Vec<String> = self
            .tokens
            .iter()
            .filter(|(_, t)| &t.team_id == team)
            .map(|(hash, _)| hash.clone())
            .collect();
        for hash in tokens {
            self.tokens.remove(&hash);
            self.tokens_persisted.remove(&hash);
        }
        self.webhooks.retain(|_, w| &w.team_id != team);
        self.deliveries.retain(|_, d| &d.team_id != team);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::state::{NewAccount, Policy};
    use crate::domain::SessionPolicy;

    fn policy() -> Policy {
        Policy {
            sessions: SessionPolicy {
                idle_secs: 86_400,
                max_secs: 86_400 * 30,
            },
            throttle: Default::default(),
        }
    }

    fn account(email: &str) -> NewAccount {
        NewAccount {
            email: email.into(),
            name: email.into(),
            password_hash: "hash".into(),
            token_hash: format!("token-{email}"),
            invite_hash: None,
        }
    }

    #[test]
    fn forgetting_a_team_leaves_the_other_teams_and_loading_it_back_restores_it() {
        let mut db = Db::new(Snapshot::default(), policy());
        let (ann, written) = db.signup(account("ann@example.com"), 1_000).unwrap();
        let (bob, _) = db.signup(account("bob@example.com"), 1_000).unwrap();
        assert_eq!(db.team_count(), 2);

        db.forget_team(&ann.team_id);
        assert!(!db.has_team(&ann.team_id));
        assert!(db.email_taken("bob@example.com"));
        assert!(!db.email_taken("ann@example.com"));
        assert!(
            db.authenticate(&ann.id, "token-ann@example.com", 1_001)
                .is_err()
        );
        assert!(
            db.authenticate(&bob.id, "token-bob@example.com", 1_001)
                .is_ok()
        );

        let records = written
            .into_iter()
            .filter_map(|m| match m {
                crate::store::Mutation::Put(r) => Some(r),
                _ => None,
            })
            .collect();
        let snapshot = Snapshot {
            records,
            scenario_rows: Vec::new(),
        };
        db.load_team(&ann.team_id, snapshot.only_team(&ann.team_id));
        assert!(db.has_team(&ann.team_id));
        assert!(
            db.authenticate(&ann.id, "token-ann@example.com", 1_002)
                .is_ok()
        );
        assert_eq!(db.team_count(), 2);
    }
}
