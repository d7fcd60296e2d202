//! Webhooks and their deliveries in the actor's state. Deliveries are made inside the
//! edit that causes them (same transaction); the worker outside asks for due ones and
//! reports each attempt.

use super::state::{Applied, Db};
use crate::domain::activity::Activity;
use crate::domain::{AuthUser, Id, Timestamp};
use crate::store::{Kind, Mutation, Record};
use crate::webhooks::{
    Attempt, Delivery, DeliveryStatus, Due, FINISHED_KEPT, RETRY_FOR_SECS, Webhook, backoff_secs,
    wants,
};
use crate::{AppError, Result};

/// A webhook to register, its URL already checked.
#[derive(Clone, Debug)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
}

/// Webhooks one team may have.
const WEBHOOKS_PER_TEAM: usize = 20;

/// Due deliveries handed to the worker at once.
const DUE_BATCH: usize = 100;

impl Db {
    pub fn create_webhook(
        &mut self,
        auth: &AuthUser,
        new: NewWebhook,
        now: Timestamp,
    ) -> Applied<Webhook> {
        auth.require_owner()?;
        if self
            .webhooks
            .values()
            .filter(|w| w.team_id == auth.team_id)
            .count()
            >= WEBHOOKS_PER_TEAM
        {
            return Err(AppError::Conflict(format!(
                "A team may have {WEBHOOKS_PER_TEAM} webhooks: remove one first"
            )));
        }
        let hook = Webhook {
            id: Id::random(),
            team_id: auth.team_id.clone(),
            url: new.url,
            events: new.events,
            secret: new.secret,
            created_by: auth.user_id.clone(),
            created_at: now,
        };
        self.webhooks.insert(hook.id.clone(), hook.clone());
        Ok((hook.clone(), vec![Mutation::Put(Record::Webhook(hook))]))
    }

    pub fn list_webhooks(&self, auth: &AuthUser) -> Result<Vec<Webhook>> {
        auth.require_owner()?;
        let mut hooks: Vec<Webhook> = self
            .webhooks
            .values()
            .filter(|w| w.team_id == auth.team_id)
            .cloned()
            .collect();
        hooks.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(hooks)
    }

    fn own_webhook(&self, auth: &AuthUser, id: &Id) -> Result<&Webhook> {
        auth.require_owner()?;
        self.webhooks
            .get(id)
            .filter(|w| w.team_id == auth.team_id)
            .ok_or_else(|| AppError::NotFound("Webhook not found".into()))
    }

    /// Removes a webhook and its delivery log; nothing more is sent to it.
    pub fn delete_webhook(&mut self, auth: &AuthUser, id: &Id) -> Applied<()> {
        self.own_webhook(auth, id)?;
        self.webhooks.remove(id);
        let mut mutations = vec![Mutation::Delete(Kind::Webhook, id.clone())];
        let gone: Vec<Id> = self
            .deliveries
            .values()
            .filter(|d| &d.webhook_id == id)
            .map(|d| d.id.clone())
            .collect();
        for d in gone {
            self.deliveries.remove(&d);
            mutations.push(Mutation::Delete(Kind::Delivery, d));
        }
        Ok(((), mutations))
    }

    /// A webhook's deliveries, newest first.
    pub fn deliveries(&self, auth: &AuthUser, id: &Id, limit: usize) -> Result<Vec<Delivery>> {
        self.own_webhook(auth, id)?;
        let mut list: Vec<Delivery> = self
            .deliveries
            .values()
            .filter(|d| &d.webhook_id == id)
            .cloned()
            .collect();
        list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        list.truncate(limit);
        Ok(list)
    }

    /// The deliveries an activity entry makes: one per change and webhook that wants it.
    pub(super) fn deliveries_for(&mut self, entry: &Activity, now: Timestamp) -> Vec<Mutation> {
        let hooks: Vec<Webhook> = self
            .webhooks
            .values()
            .filter(|w| w.team_id == entry.team_id)
            .cloned()
            .collect();
        if hooks.is_empty() {
            return Vec::new();
        }
        let mut mutations = Vec::new();
        for change in &entry.changes {
            let (record, what) = match (&change.before, &change.after) {
                (None, Some(after)) => (after, "created"),
                (Some(_), Some(after)) => (after, "updated"),
                (Some(before), None) => (before, "deleted"),
                (None, None) => continue,
            };
            let event = format!("{}.{what}", record.kind_name());
            for hook in hooks.iter().filter(|h| wants(&h.events, &event)) {
                let id = Id::random();
                let body = serde_json::json!({
                    "id": id,
                    "event": event,
                    "team_id": entry.team_id,
                    "activity_id": entry.id,
                    "by": entry.user_id,
                    "at": entry.at,
                    "data": record.to_value(),
                })
                .to_string();
                let delivery = Delivery {
                    id: id.clone(),
                    webhook_id: hook.id.clone(),
                    team_id: entry.team_id.clone(),
                    event: event.clone(),
                    body,
                    status: DeliveryStatus::Pending,
                    attempts: 0,
                    created_at: now,
                    next_attempt_at: now,
                    last_attempt_at: None,
                    last_status: None,
                    last_error: None,
                };
                self.deliveries.insert(id, delivery.clone());
                mutations.push(Mutation::Put(Record::Delivery(delivery)));
            }
        }
        mutations
    }

    /// Deliveries due by `now` (oldest first, at most a batch) and when the next one
    /// not yet due will be.
    pub fn due_deliveries(&self, now: Timestamp) -> (Vec<Due>, Option<Timestamp>) {
        let mut pending: Vec<&Delivery> = self
            .deliveries
            .values()
            .filter(|d| d.status == DeliveryStatus::Pending)
            .collect();
        pending.sort_by(|a, b| {
            a.next_attempt_at
                .cmp(&b.next_attempt_at)
                .then(a.created_at.cmp(&b.created_at))
        });
        let next = pending
            .iter()
            .map(|d| d.next_attempt_at)
            .find(|&at| at > now);
        let due = pending
            .into_iter()
            .filter(|d| d.next_attempt_at <= now)
            .filter_map(|d| {
                let hook = self.webhooks.get(&d.webhook_id)?;
                Some(Due {
                    delivery: d.clone(),
                    url: hook.url.clone(),
                    secret: hook.secret.clone(),
                })
            })
            .take(DUE_BATCH)
            .collect();
        (due, next)
    }

    /// Records an attempt: delivered, retried later, or given up after 24 hours.
    pub fn delivery_attempted(&mut self, attempt: Attempt, now: Timestamp) -> Applied<()> {
        let Some(d) = self.deliveries.get_mut(&attempt.delivery_id) else {
            return Ok(((), Vec::new())); // its webhook was removed meanwhile
        };
        d.attempts += 1;
        d.last_attempt_at = Some(now);
        d.last_status = attempt.status;
        d.last_error = attempt.error.clone();
        if attempt.succeeded() {
            d.status = DeliveryStatus::Delivered;
        } else if now - d.created_at >= RETRY_FOR_SECS {
            d.status = DeliveryStatus::Failed;
        } else {
            d.next_attempt_at = now + backoff_secs(d.attempts);
        }
        let mut mutations = vec![Mutation::Put(Record::Delivery(d.clone()))];
        if d.status != DeliveryStatus::Pending {
            let hook = d.webhook_id.clone();
            mutations.extend(self.prune_deliveries(&hook));
        }
        Ok(((), mutations))
    }

    /// Keeps the newest [`FINISHED_KEPT`] finished deliveries of a webhook.
    fn prune_deliveries(&mut self, hook: &Id) -> Vec<Mutation> {
        let mut finished: Vec<(Timestamp, Id)> = self
            .deliveries
            .values()
            .filter(|d| &d.webhook_id == hook && d.status != DeliveryStatus::Pending)
            .map(|d| (d.created_at, d.id.clone()))
            .collect();
        if finished.len() <= FINISHED_KEPT {
            return Vec::new();
        }
        finished.sort();
        let excess = finished.len() - FINISHED_KEPT;
        finished
            .into_iter()
            .take(excess)
            .map(|(_, id)| {
                self.deliveries.remove(&id);
                Mutation::Delete(Kind::Delivery, id)
            })
            .collect()
    }
}
