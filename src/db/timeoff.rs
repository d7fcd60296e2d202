//! Who may change which time off, and linking a login to the person it schedules.
//!
//! Managers and owners record, approve and decline anyone's time off. A member may
//! request time off only for the person linked to their login: the request is pending
//! (it takes no capacity away) until a manager approves it; while it waits, or once
//! declined, the member may change or withdraw it. Anything else is 403.

use super::records::{get_record, not_found};
use super::state::Db;
use crate::domain::activity::Change;
use crate::domain::schedule::{TimeOffInput, merge_patch};
use crate::domain::timeoff::LeaveStatus;
use crate::domain::{AuthUser, Id, Person, Schedule, TimeOff};
use crate::store::{Kind, Record};
use crate::{AppError, Result};
use serde_json::Value;

fn forbidden(message: &str) -> AppError {
    AppError::Forbidden(message.into())
}

/// Whether `person_id` is the person linked to `auth`'s login.
fn is_mine(s: &Schedule, auth: &AuthUser, person_id: Option<&Id>) -> bool {
    person_id
        .and_then(|p| s.people.get(p))
        .is_some_and(|p| p.user_id.as_ref() == Some(&auth.user_id))
}

/// A member's request must be for their own person, on the live schedule, and pending.
fn check_request(s: &Schedule, auth: &AuthUser, t: &TimeOff) -> Result<()> {
    if auth.scenario.is_some() {
        return Err(forbidden("Members request time off on the live schedule"));
    }
    if !is_mine(s, auth, t.person_id.as_ref()) {
        return Err(forbidden(
            "Members can only request time off for the person linked to their login",
        ));
    }
    if t.status != LeaveStatus::Pending {
        return Err(forbidden(
            "Only a manager or owner can approve or decline time off",
        ));
    }
    Ok(())
}

impl Db {
    /// New time off: recorded (approved) by a manager, requested (pending) by a member.
    pub(super) fn plan_create_timeoff(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        id: Id,
        mut input: TimeOffInput,
    ) -> Result<Vec<Change>> {
        let member = !auth.role.can_edit_schedule();
        if member {
            // whose time off it is comes first: a member asking for anyone else's is 403
            if !is_mine(s, auth, input.person_id.as_ref()) {
                return Err(forbidden(
                    "Members can only request time off for the person linked to their login",
                ));
            }
            input.status = Some(input.status.unwrap_or(LeaveStatus::Pending));
        }
        let mut t = TimeOff::from_input(id, auth.team_id.clone(), input)?;
        if member {
            check_request(s, auth, &t)?;
            t.requested_by = Some(auth.user_id.clone());
        }
        Ok(vec![Change {
            before: None,
            after: Some(Record::TimeOff(t)),
        }])
    }

    /// A change to time off: anything by a manager (approving is `status: approved`),
    /// only their own unapproved request by a member, which stays a pending request.
    pub(super) fn plan_patch_timeoff(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        id: Id,
        patch: Value,
    ) -> Result<Vec<Change>> {
        let Some(Record::TimeOff(before)) = get_record(s, Kind::TimeOff, &id) else {
            return Err(not_found(Kind::TimeOff));
        };
        let member = !auth.role.can_edit_schedule();
        if member {
            Self::check_own_request(s, auth, &before)?;
        }
        let mut input = merge_patch(&before.input(), patch)?;
        if member && input.status == Some(LeaveStatus::Declined) {
            // a declined request changed by its member is asked for again
            input.status = Some(LeaveStatus::Pending);
        }
        let mut after = TimeOff::from_input(id, auth.team_id.clone(), input)?;
        after.requested_by = before.requested_by.clone();
        if member {
            check_request(s, auth, &after)?;
        }
        Ok(vec![Change {
            before: Some(Record::TimeOff(before)),
            after: Some(Record::TimeOff(after)),
        }])
    }

    /// Removing time off: anyone's by a manager, their own unapproved request by a member.
    pub(super) fn plan_delete_timeoff(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        id: &Id,
    ) -> Result<Vec<Change>> {
        let Some(Record::TimeOff(before)) = get_record(s, Kind::TimeOff, id) else {
            return Err(not_found(Kind::TimeOff));
        };
        if !auth.role.can_edit_schedule() {
            Self::check_own_request(s, auth, &before)?;
        }
        Ok(vec![Change {
            before: Some(Record::TimeOff(before)),
            after: None,
        }])
    }

    fn check_own_request(s: &Schedule, auth: &AuthUser, t: &TimeOff) -> Result<()> {
        if auth.scenario.is_some() {
            return Err(forbidden("Members request time off on the live schedule"));
        }
        if !is_mine(s, auth, t.person_id.as_ref()) {
            return Err(forbidden(
                "Members can only change their own time-off requests",
            ));
        }
        if t.status == LeaveStatus::Approved {
            return Err(forbidden(
                "This time off is approved: ask a manager to change it",
            ));
        }
        Ok(())
    }

    /// Links the login `user_id` to `person_id` (or unlinks it with `None`) as one
    /// change: one person per login, so a person it was linked to before is unlinked,
    /// and one login per person, so whoever the person was linked to is unlinked.
    pub(super) fn plan_link_login(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        user_id: &Id,
        person_id: Option<&Id>,
    ) -> Result<Vec<Change>> {
        if self
            .users
            .get(user_id)
            .is_none_or(|u| u.team_id != auth.team_id)
        {
            return Err(AppError::NotFound("Member not found".into()));
        }
        let target = match person_id {
            Some(p) => Some(s.people.get(p).ok_or_else(|| {
                AppError::invalid("person_id", format!("no person {p} in this team"))
            })?),
            None => None,
        };
        if target.is_some_and(|p| p.archived) {
            return Err(AppError::invalid("person_id", "this person is archived"));
        }
        let relink = |p: &Person, user: Option<Id>| Change {
            before: Some(Record::Person(p.clone())),
            after: Some(Record::Person(Person {
                user_id: user,
                ..p.clone()
            })),
        };
        let mut changes: Vec<Change> = s
            .people
            .values()
            .filter(|p| p.user_id.as_ref() == Some(user_id) && Some(&p.id) != person_id)
            .map(|p| relink(p, None))
            .collect();
        if let Some(p) = target
            && p.user_id.as_ref() != Some(user_id)
        {
            changes.push(relink(p, Some(user_id.clone())));
        }
        if changes.is_empty() {
            return Err(AppError::invalid(
                "person_id",
                if person_id.is_some() {
                    "the login is already linked to this person"
                } else {
                    "the login is not linked to anyone"
                },
            ));
        }
        Ok(changes)
    }

    /// One person per login: `person` may carry a login no other person of the team has.
    pub(super) fn check_login_free(s: &Schedule, person: &Person) -> Result<()> {
        let Some(uid) = &person.user_id else {
            return Ok(());
        };
        match s
            .people
            .values()
            .find(|p| p.id != person.id && p.user_id.as_ref() == Some(uid))
        {
            Some(other) => Err(AppError::Conflict(format!(
                "This login is already linked to {}",
                other.name
            ))),
            None => Ok(()),
        }
    }
}
