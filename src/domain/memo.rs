//! Values derived from one version of a schedule, kept with it; and what a change
//! touched, so that a value derived from the version before can be brought up to date
//! by counting again only what the change reaches.

use super::Id;
use std::any::Any;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

/// Derived values of one version of a schedule, shared by all its clones. A change makes
/// a new version with an empty memo (see `Db::edit`), which keeps the values derived
/// with [`Memo::updated`] from the version before, with what the change touched.
#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// `GET /api/v1/prj/list`'s JSON body: read far more often than projects change.
    pub project_list: Arc<OnceLock<bytes::Bytes>>,
    /// The same for members: without the money fields.
    pub project_list_for_members: Arc<OnceLock<bytes::Bytes>>,
    /// Figures the reports derive from this version, by key (see [`Memo::derived`]).
    derived: Arc<Mutex<Derived>>,
    /// Values [`Memo::updated`] derived from earlier versions, each with what changed
    /// since, newest first.
    earlier: Arc<Vec<Earlier>>,
}

/// The most derived values one version keeps; the oldest goes first.
const DERIVED_KEPT: usize = 8;

type Value = Arc<dyn Any + Send + Sync>;

/// One derived value; `updatable` when made by [`Memo::updated`], whose callers can
/// bring it up to date after a change (the only ones worth keeping past their version).
struct Entry {
    key: String,
    value: Value,
    updatable: bool,
}

/// Type-erased derived values: the domain holds them without knowing the reports' types.
#[derive(Default)]
struct Derived(Vec<Entry>);

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|e| &e.key))
            .finish()
    }
}

/// A value derived from an earlier version, and what changed since.
#[derive(Clone)]
struct Earlier {
    key: String,
    value: Value,
    since: Arc<Touched>,
}

impl std::fmt::Debug for Earlier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Earlier")
            .field("key", &self.key)
            .field("since", &self.since)
            .finish()
    }
}

/// Past this many people and projects touched, a value is derived whole rather than
/// brought up to date (and the earlier one is let go).
const TOUCHED_KEPT: usize = 10_000;

/// What one or more changes to a schedule touched, as figures about people's capacity
/// and bookings see it. Changes to clients, tasks and actual hours are not recorded: a
/// value brought up to date with it must not depend on them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Touched {
    /// Something that can reach everyone: the team's record, a team-wide day off, or a
    /// record of a kind this does not follow.
    pub everyone: bool,
    /// People whose own record or days off changed: their capacity may differ.
    pub capacity_of: BTreeSet<Id>,
    /// People whose bookings changed (who had one before or has one after).
    pub booked: BTreeSet<Id>,
    /// Projects whose record or bookings changed.
    pub projects: BTreeSet<Id>,
}

impl Touched {
    /// Everything either touched.
    pub fn union(&self, other: &Touched) -> Touched {
        let mut out = self.clone();
        out.everyone |= other.everyone;
        out.capacity_of.extend(other.capacity_of.iter().cloned());
        out.booked.extend(other.booked.iter().cloned());
        out.projects.extend(other.projects.iter().cloned());
        out
    }

    /// Whether a value is better derived whole than brought up to date.
    fn too_wide(&self) -> bool {
        self.everyone
            || self.capacity_of.len() + self.booked.len() + self.projects.len() > TOUCHED_KEPT
    }

    /// Whether `person`'s own figures may have changed.
    pub fn person(&self, person: &Id) -> bool {
        self.everyone || self.capacity_of.contains(person) || self.booked.contains(person)
    }
}

impl Memo {
    fn find<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let d = self.derived.lock().ok()?;
        d.0.iter()
            .find(|e| e.key == key)
            .and_then(|e| e.value.clone().downcast::<T>().ok())
    }

    fn keep<T: Any + Send + Sync>(&self, key: &str, made: T, updatable: bool) -> Arc<T> {
        let made = Arc::new(made);
        if let Ok(mut d) = self.derived.lock() {
            let found = d.0.iter().find(|e| e.key == key);
            if let Some(v) = found.and_then(|e| e.value.clone().downcast::<T>().ok()) {
                return v;
            }
            if d.0.len() >= DERIVED_KEPT {
                d.0.remove(0);
            }
            d.0.push(Entry {
                key: key.to_string(),
                value: made.clone(),
                updatable,
            });
        }
        made
    }

    /// The value derived under `key` from this version, made by `make` on first use.
    /// `make` runs outside the lock (two first callers may both compute; one result
    /// is kept), so a slow computation never holds up another reader.
    pub fn derived<T: Any + Send + Sync>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(v) = self.find(key) {
            return v;
        }
        self.keep(key, make(), false)
    }

    /// As [`Memo::derived`]; on first use, when an earlier version derived a value under
    /// `key` and what changed since is known, `update` makes this version's from it,
    /// else `make` derives it whole. `update` must give exactly what `make` would.
    pub fn updated<T: Any + Send + Sync>(
        &self,
        key: &str,
        make: impl FnOnce() -> T,
        update: impl FnOnce(&T, &Touched) -> T,
    ) -> Arc<T> {
        if let Some(v) = self.find(key) {
            return v;
        }
        let earlier = self.earlier.iter().find(|e| e.key == key).and_then(|e| {
            let value = e.value.clone().downcast::<T>().ok()?;
            Some((value, e.since.clone()))
        });
        let made = match earlier {
            Some((value, since)) => update(&value, &since),
            None => make(),
        };
        self.keep(key, made, true)
    }

    /// The memo of the version a change that `touched` this much makes from this one:
    /// empty, keeping this version's updatable values (and the earlier ones it never
    /// derived again) with what changed since. Costs the size of what it keeps, never
    /// a value's computation: the actor calls it on every edit.
    pub fn after(&self, touched: &Touched) -> Memo {
        let mut earlier: Vec<Earlier> = Vec::new();
        if !touched.too_wide() {
            let touched = Arc::new(touched.clone());
            if let Ok(d) = self.derived.lock() {
                earlier.extend(d.0.iter().rev().filter(|e| e.updatable).map(|e| Earlier {
                    key: e.key.clone(),
                    value: e.value.clone(),
                    since: touched.clone(),
                }));
            }
            for e in self.earlier.iter() {
                if earlier.len() >= DERIVED_KEPT {
                    break;
                }
                if earlier.iter().any(|x| x.key == e.key) {
                    continue;
                }
                let since = e.since.union(&touched);
                if !since.too_wide() {
                    earlier.push(Earlier {
                        key: e.key.clone(),
                        value: e.value.clone(),
                        since: Arc::new(since),
                    });
                }
            }
            earlier.truncate(DERIVED_KEPT);
        }
        Memo {
            earlier: Arc::new(earlier),
            ..Memo::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touching(person: &str) -> Touched {
        Touched {
            booked: BTreeSet::from([Id::from(person)]),
            ..Touched::default()
        }
    }

    #[test]
    fn a_value_is_brought_up_to_date_with_everything_changed_since() {
        let v0 = Memo::default();
        let first = v0.updated("sum", || 10, |_: &i32, _| unreachable!("nothing earlier"));
        assert_eq!(*first, 10);
        // Two changes without a reader in between: the second version's memo never
        // derives the value, the third still finds it with both changes.
        let v1 = v0.after(&touching("a"));
        let v2 = v1.after(&touching("b"));
        let got = v2.updated(
            "sum",
            || unreachable!("the earlier value is kept"),
            |earlier: &i32, since: &Touched| {
                assert!(since.person(&Id::from("a")) && since.person(&Id::from("b")));
                assert!(!since.person(&Id::from("c")));
                earlier + 1
            },
        );
        assert_eq!(*got, 11);
        // Asked again, the value is this version's own.
        assert_eq!(*v2.updated("sum", || 0, |_: &i32, _| 0), 11);
    }

    #[test]
    fn a_change_reaching_everyone_or_a_plain_value_starts_afresh() {
        let v0 = Memo::default();
        v0.updated("sum", || 1, |_: &i32, _| 0);
        v0.derived("plain", || 1);
        let everyone = Touched {
            everyone: true,
            ..Touched::default()
        };
        let v1 = v0.after(&everyone);
        assert_eq!(*v1.updated("sum", || 2, |_: &i32, _| 0), 2);
        // A value made by `derived` is not kept past its version.
        let v2 = v0.after(&touching("a"));
        assert_eq!(*v2.updated("plain", || 4, |_: &i32, _| 0), 4);
    }
}
