//! Login attempt limits, per client IP and per account, with `governor`'s keyed GCRA limiters.
//! Both are checked before the password is: a throttled attempt costs no argon2 work.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::AuthSettings;
use crate::error::ApiError;

pub struct LoginLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl LoginLimits {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            per_ip: RateLimiter::keyed(per_minute(settings.login_attempts_per_minute_per_ip)),
            per_account: RateLimiter::keyed(per_minute(
                settings.login_attempts_per_minute_per_account,
            )),
        }
    }

    /// Counts one attempt; 429 with Retry-After when either limit is spent.
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        if let Some(ip) = ip
            && let Err(not_until) = self.per_ip.check_key(&ip)
        {
            let wait = not_until.wait_time_from(clock.now());
            return Err(ApiError::rate_limited(wait.as_secs().max(1)));
        }
        if let Err(not_until) = self.per_account.check_key(&email.to_owned()) {
            let wait = not_until.wait_time_from(clock.now());
            return Err(ApiError::rate_limited(wait.as_secs().max(1)));
        }
        Ok(())
    }

    /// Drops state of keys whose limits have refilled, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}
