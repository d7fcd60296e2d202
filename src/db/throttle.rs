//! Throttling password guesses and sign-up probes. An attempt counts from the moment
//! it starts (in the same actor message that looks the account up), so guesses sent in
//! parallel are counted like guesses sent one after another. Past a few free attempts,
//! each account and each client address earns an exponential backoff with a short cap:
//! a guesser gets one try per cap at best, and the real owner waits at most the cap.

use crate::domain::Timestamp;
use crate::{AppError, Result};
use std::collections::HashMap;
use std::net::IpAddr;

/// How attempts are throttled.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    /// Login attempts on one account before any wait.
    pub free_per_account: u32,
    /// Login attempts from one address before any wait (an office shares one).
    pub free_per_address: u32,
    /// The longest wait a login backoff reaches, in seconds.
    pub max_backoff_secs: i64,
    /// Sign-ups from one address told "email taken" before any wait.
    pub free_signups_per_address: u32,
    /// The longest wait a sign-up backoff reaches, in seconds.
    pub max_signup_backoff_secs: i64,
    /// An account or address left alone this long starts afresh.
    pub forget_after_secs: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            free_per_account: 5,
            free_per_address: 50,
            max_backoff_secs: 60,
            free_signups_per_address: 5,
            max_signup_backoff_secs: 15 * 60,
            forget_after_secs: 15 * 60,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
    Signup(IpAddr),
}

#[derive(Clone, Copy, Debug)]
struct Backoff {
    attempts: u32,
    last: Timestamp,
    /// No attempt is taken before this.
    until: Timestamp,
}

/// Entries kept before stale ones are swept: bounds what a flood of bogus attempts
/// from many addresses can take.
const SWEEP_ABOVE: usize = 100_000;

/// Attempts per account and per address.
#[derive(Debug, Default)]
pub struct Attempts {
    by_key: HashMap<Key, Backoff>,
}

/// The wait after `attempts` attempts, of which `free` need none: 1, 2, 4... seconds,
/// at most `max`.
fn delay(attempts: u32, free: u32, max: i64) -> i64 {
    match attempts.checked_sub(free + 1) {
        None => 0,
        Some(doublings) => 1i64.checked_shl(doublings.min(32)).unwrap_or(max).min(max),
    }
}

impl Attempts {
    /// Counts a login attempt on `email` from `address`, or refuses it (429 with the
    /// wait) while either is backing off. A refused attempt does not lengthen the wait,
    /// so hammering cannot keep the owner out past the cap.
    pub fn begin_login(
        &mut self,
        policy: &LoginThrottle,
        email: &str,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<()> {
        let max = policy.max_backoff_secs;
        self.begin(
            &[
                (
                    Key::Account(email.to_string()),
                    policy.free_per_account,
                    max,
                ),
                (Key::Address(address), policy.free_per_address, max),
            ],
            policy.forget_after_secs,
            now,
        )
    }

    /// The password was right: the account starts afresh, and this attempt no longer
    /// counts against the address.
    pub fn login_succeeded(&mut self, policy: &LoginThrottle, email: &str, address: IpAddr) {
        self.by_key.remove(&Key::Account(email.to_string()));
        if let Some(b) = self.by_key.get_mut(&Key::Address(address)) {
            b.attempts = b.attempts.saturating_sub(1);
            let wait = delay(b.attempts, policy.free_per_address, policy.max_backoff_secs);
            b.until = b.until.min(b.last + wait);
        }
    }

    /// Refuses any sign-up from `address` while it backs off; `signup_taken` counts.
    pub fn check_signup(
        &self,
        policy: &LoginThrottle,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<()> {
        self.check(
            &[signup_key(policy, address)],
            policy.forget_after_secs,
            now,
        )
    }

    /// Counts a sign-up from `address` that was told its email has an account: only
    /// those tell a prober anything, and only they earn a backoff (which then holds up
    /// every sign-up from the address, so that a 429 does not tell either).
    pub fn signup_taken(&mut self, policy: &LoginThrottle, address: IpAddr, now: Timestamp) {
        self.count(
            &[signup_key(policy, address)],
            policy.forget_after_secs,
            now,
        );
    }

    fn begin(&mut self, keys: &[(Key, u32, i64)], forget: i64, now: Timestamp) -> Result<()> {
        self.check(keys, forget, now)?;
        self.count(keys, forget, now);
        Ok(())
    }

    fn check(&self, keys: &[(Key, u32, i64)], forget: i64, now: Timestamp) -> Result<()> {
        for (key, _, _) in keys {
            if let Some(b) = self.by_key.get(key)
                && now - b.last < forget
                && now < b.until
            {
                return Err(AppError::TooManyRequests {
                    retry_after: (b.until - now) as u64,
                });
            }
        }
        Ok(())
    }

    fn count(&mut self, keys: &[(Key, u32, i64)], forget: i64, now: Timestamp) {
        if self.by_key.len() > SWEEP_ABOVE {
            self.by_key
                .retain(|_, b| now - b.last < forget || now < b.until);
        }
        for (key, free, max) in keys {
            let b = self.by_key.entry(key.clone()).or_insert(Backoff {
                attempts: 0,
                last: now,
                until: now,
            });
            if now - b.last >= forget {
                b.attempts = 0;
            }
            b.attempts = b.attempts.saturating_add(1);
            b.last = now;
            b.until = now + delay(b.attempts, *free, *max);
        }
    }
}

fn signup_key(policy: &LoginThrottle, address: IpAddr) -> (Key, u32, i64) {
    (
        Key::Signup(address),
        policy.free_signups_per_address,
        policy.max_signup_backoff_secs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn policy() -> LoginThrottle {
        LoginThrottle {
            free_per_account: 3,
            free_per_address: 5,
            max_backoff_secs: 60,
            ..LoginThrottle::default()
        }
    }

    #[test]
    fn the_wait_doubles_after_the_free_attempts_up_to_the_cap() {
        let waits: Vec<i64> = (1..=12).map(|n| delay(n, 3, 60)).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(delay(u32::MAX, 3, 60), 60);
    }

    #[test]
    fn attempts_count_when_they_start_and_refusals_do_not_lengthen_the_wait() {
        let (p, mut a) = (policy(), Attempts::default());
        // Four attempts at the same instant, none finished: the fourth sets a wait.
        for _ in 0..4 {
            assert!(a.begin_login(&p, "a@x.io", IP, 100).is_ok());
        }
        match a.begin_login(&p, "a@x.io", IP, 100) {
            Err(AppError::TooManyRequests { retry_after }) => assert_eq!(retry_after, 1),
            other => panic!("expected 429, got {other:?}"),
        }
        for _ in 0..100 {
            assert!(a.begin_login(&p, "a@x.io", IP, 100).is_err());
        }
        assert!(
            a.begin_login(&p, "a@x.io", IP, 101).is_ok(),
            "the wait is still one second"
        );
        let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert!(
            a.begin_login(&p, "b@x.io", other, 101).is_ok(),
            "other accounts are not held up"
        );
    }

    #[test]
    fn only_sign_ups_that_hit_a_taken_email_earn_a_backoff_for_the_address() {
        let (p, mut a) = (policy(), Attempts::default());
        for _ in 0..p.free_signups_per_address {
            assert!(a.check_signup(&p, IP, 0).is_ok());
            a.signup_taken(&p, IP, 0);
        }
        assert!(a.check_signup(&p, IP, 0).is_ok());
        a.signup_taken(&p, IP, 0);
        assert!(a.check_signup(&p, IP, 0).is_err());
        let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert!(a.check_signup(&p, other, 0).is_ok());
    }

    #[test]
    fn the_right_password_resets_the_account_and_quiet_ones_are_forgotten() {
        let (p, mut a) = (policy(), Attempts::default());
        for t in 0..6 {
            let _ = a.begin_login(&p, "a@x.io", IP, t * 100);
        }
        a.login_succeeded(&p, "a@x.io", IP);
        assert!(a.begin_login(&p, "a@x.io", IP, 600).is_ok());
        let mut b = Attempts::default();
        for _ in 0..10 {
            let _ = b.begin_login(&p, "c@x.io", IP, 0);
        }
        assert!(b.begin_login(&p, "c@x.io", IP, p.forget_after_secs).is_ok());
    }
}
