//! Calendar feeds (`/ical/<token>.ics`): made, revoked and ended with the access they
//! stand for. A feed serves only while its person is in the schedule and not archived;
//! archiving the person or removing the member linked to them ends it.

use super::state::{Applied, Db};
use crate::domain::schedule::CalendarFeed;
use crate::domain::{AuthUser, Id, Person, Timestamp};
use crate::store::{Kind, Mutation, Record};
use crate::{AppError, Result};

impl Db {
    /// The person whose feed `auth` may manage: owners and managers for anyone, a
    /// member for the person linked to their login.
    fn feed_person(&self, auth: &AuthUser, person_id: &Id) -> Result<Person> {
        let person = self
            .schedule(&auth.team_id)?
            .people
            .get(person_id)
            .cloned()
            .ok_or_else(|| AppError::NotFound("Person not found".into()))?;
        if !auth.role.can_edit_schedule() && person.user_id.as_ref() != Some(&auth.user_id) {
            return Err(AppError::Forbidden(
                "Only owners, managers and the person themselves can manage a calendar feed".into(),
            ));
        }
        Ok(person)
    }

    /// Gives `person_id` a calendar feed with this token hash, revoking any earlier one.
    pub fn rotate_feed(
        &mut self,
        auth: &AuthUser,
        person_id: &Id,
        token_hash: String,
        now: Timestamp,
    ) -> Applied<()> {
        let person = self.feed_person(auth, person_id)?;
        if person.archived {
            return Err(AppError::Conflict(
                "This person is archived; bring them back to give them a calendar feed".into(),
            ));
        }
        self.feeds.retain(|_, f| &f.person_id != person_id);
        let feed = CalendarFeed {
            person_id: person_id.clone(),
            team_id: auth.team_id.clone(),
            token_hash: token_hash.clone(),
            created_at: now,
        };
        self.feeds.insert(token_hash, feed.clone());
        Ok(((), vec![Mutation::Put(Record::CalendarFeed(feed))]))
    }

    /// Ends `person_id`'s calendar feed, if any: its URL never works again.
    pub fn delete_feed(&mut self, auth: &AuthUser, person_id: &Id) -> Applied<()> {
        self.feed_person(auth, person_id)?;
        Ok(((), self.end_feed(person_id)))
    }

    /// The team and person of the feed with this token hash, while the person is in the
    /// schedule and not archived.
    pub fn feed(&self, token_hash: &str) -> Option<(Id, Id)> {
        let feed = self.feeds.get(token_hash)?;
        let person = self
            .schedules
            .get(&feed.team_id)?
            .people
            .get(&feed.person_id)?;
        (!person.archived).then(|| (feed.team_id.clone(), feed.person_id.clone()))
    }

    /// Forgets `person_id`'s feed; the deletion for the store (the record's id is the
    /// person's, so deleting one that is absent is harmless).
    pub(super) fn end_feed(&mut self, person_id: &Id) -> Vec<Mutation> {
        self.feeds.retain(|_, f| &f.person_id != person_id);
        vec![Mutation::Delete(Kind::CalendarFeed, person_id.clone())]
    }

    /// Ends the feeds of the people that `changes` archive.
    pub(super) fn end_feeds_of_archived(
        &mut self,
        changes: &[crate::domain::activity::Change],
    ) -> Vec<Mutation> {
        let archived: Vec<Id> = changes
            .iter()
            .filter_map(|c| match (&c.before, &c.after) {
                (Some(Record::Person(b)), Some(Record::Person(a))) if a.archived && !b.archived => {
                    Some(a.id.clone())
                }
                _ => None,
            })
            .collect();
        archived.iter().flat_map(|id| self.end_feed(id)).collect()
    }

    /// Unlinks the people of `team_id` linked to login `user_id` and ends their feeds
    /// (the member is leaving); the writes for the store.
    pub(super) fn unlink_people(&mut self, team_id: &Id, user_id: &Id) -> Vec<Mutation> {
        let Some(schedule) = self.schedules.get_mut(team_id) else {
            return Vec::new();
        };
        let linked: Vec<Person> = schedule
            .people
            .values()
            .filter(|p| p.user_id.as_ref() == Some(user_id))
            .cloned()
            .collect();
        if linked.is_empty() {
            return Vec::new();
        }
        let mut mutations = Vec::new();
        for mut person in linked {
            person.user_id = None;
            schedule.people.insert(person.id.clone(), person.clone());
            mutations.push(Mutation::Put(Record::Person(person)));
        }
        schedule.version += 1;
        schedule.memo = Default::default();
        let ids: Vec<Id> = mutations
            .iter()
            .filter_map(|m| match m {
                Mutation::Put(Record::Person(p)) => Some(p.id.clone()),
                _ => None,
            })
            .collect();
        for id in ids {
            mutations.extend(self.end_feed(&id));
        }
        mutations
    }
}
