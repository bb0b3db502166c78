//! Sign-in and registration throttling, checked before any password work so a throttled attempt
//! costs no argon2 hash.
//!
//! - Clients are known by their network: an IPv4 address, or an IPv6 /64 (one subscriber's
//!   allocation, inside which addresses rotate freely). Behind a reverse proxy the client address
//!   comes from `X-Forwarded-For`, believed only when the connection comes from a configured proxy.
//! - Attempts per minute per network are capped (`governor`'s keyed GCRA), and, for IPv6, four
//!   times that per /48 (a site's allocation, which holds 65,536 /64s).
//! - Failed sign-ins back off exponentially per account *and network*: an attacker elsewhere cannot
//!   lock the owner out (nothing slows an account down for every network, which would let anyone
//!   keep its owner out).
//! - Registrations per hour per network are capped: each costs a password hash.
//!
//! The state is per replica (in memory); with several replicas each applies its own limits.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use parking_lot::Mutex;

use crate::config::{AuthSettings, ServerSettings};
use crate::error::ApiError;
use crate::outbound::IpRange;

/// Longest wait one network's failures can impose on an account.
const MAX_NETWORK_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// Failure records are forgotten after this long without a new failure.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Bound on remembered failure records; beyond it the oldest go.
const MAX_RECORDS: usize = 100_000;
/// Longest email considered as a key; longer ones cannot be accounts.
pub const MAX_EMAIL_KEY_BYTES: usize = 254;

/// A client's network: its IPv4 address, or the /64 of its IPv6 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientNet(IpAddr);

impl ClientNet {
    pub fn of(ip: IpAddr) -> Self {
        Self::with_prefix(ip, 64)
    }

    fn with_prefix(ip: IpAddr, bits: u32) -> Self {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientNet(IpAddr::V4(v4)),
                None => {
                    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                    ClientNet(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask)))
                }
            },
            v4 => ClientNet(v4),
        }
    }

    /// The IPv6 site (/48) this network is part of; IPv4 networks are their own site.
    fn site(self) -> Self {
        Self::with_prefix(self.0, 48)
    }
}

/// Reads one `X-Forwarded-For` entry: an address, `address:port`, `[v6]` or `[v6]:port`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

/// Who sent the request: the peer, or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub struct ClientAddress {
    trusted: Vec<IpRange>,
}

impl ClientAddress {
    pub fn new(settings: &ServerSettings) -> Self {
        Self {
            trusted: settings
                .trusted_proxies
                .iter()
                .filter_map(|entry| IpRange::parse(entry).ok())
                .collect(),
        }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|range| range.contains(ip))
    }

    pub fn of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        let entries: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        // Proxies append; walking from the right, the first address a trusted proxy did not add
        // itself is the client. An entry that cannot be read ends the walk: what lies left of it
        // is the client's own claim, not to be believed.
        let mut client = peer;
        for entry in entries.iter().rev() {
            match forwarded_address(entry) {
                Some(ip) if self.is_trusted(ip) => client = ip,
                Some(ip) => return Some(ip),
                None => break,
            }
        }
        Some(client)
    }
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long after the last failure the next attempt is allowed.
    fn wait(&self, free: u32, max: Duration) -> Duration {
        if self.count < free {
            return Duration::ZERO;
        }
        let exponent = (self.count - free).min(20);
        Duration::from_secs(1u64 << exponent).min(max)
    }

    fn remaining(&self, free: u32, max: Duration) -> Option<Duration> {
        let wait = self.wait(free, max);
        let elapsed = self.last.elapsed();
        (elapsed < wait).then(|| wait - elapsed)
    }
}

pub struct LoginLimits {
    per_network: DefaultKeyedRateLimiter<ClientNet>,
    per_site: DefaultKeyedRateLimiter<ClientNet>,
    registrations: DefaultKeyedRateLimiter<ClientNet>,
    /// Failed sign-ins written to the audit log per IPv6 site (/48) or IPv4 address: 60 an hour.
    audited_failures: DefaultKeyedRateLimiter<ClientNet>,
    free_failures: u32,
    by_account_and_network: Mutex<HashMap<(String, Option<ClientNet>), Failures>>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn throttled(wait: Duration) -> ApiError {
    ApiError::rate_limited(wait.as_secs().max(1))
}

fn limiter_check(
    limiter: &DefaultKeyedRateLimiter<ClientNet>,
    net: Option<ClientNet>,
) -> Result<(), ApiError> {
    if let Some(net) = net
        && let Err(not_until) = limiter.check_key(&net)
    {
        return Err(throttled(
            not_until.wait_time_from(DefaultClock::default().now()),
        ));
    }
    Ok(())
}

impl LoginLimits {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            per_network: RateLimiter::keyed(per_minute(settings.login_attempts_per_minute_per_ip)),
            per_site: RateLimiter::keyed(per_minute(
                settings.login_attempts_per_minute_per_ip.saturating_mul(4),
            )),
            registrations: RateLimiter::keyed(per_hour(settings.registrations_per_hour_per_ip)),
            audited_failures: RateLimiter::keyed(per_hour(60)),
            free_failures: settings.failed_logins_before_backoff,
            by_account_and_network: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one sign-in attempt; 429 with Retry-After when the network spent its attempts or the
    /// account is backing off for this network.
    pub fn before_sign_in(&self, net: Option<ClientNet>, email: &str) -> Result<(), ApiError> {
        limiter_check(&self.per_network, net)?;
        limiter_check(&self.per_site, net.map(ClientNet::site))?;
        if let Some(wait) = self
            .by_account_and_network
            .lock()
            .get(&(email.to_owned(), net))
            .and_then(|f| f.remaining(self.free_failures, MAX_NETWORK_BACKOFF))
        {
            return Err(throttled(wait));
        }
        Ok(())
    }

    pub fn failed_sign_in(&self, net: Option<ClientNet>, email: &str) {
        let now = Instant::now();
        let mut map = self.by_account_and_network.lock();
        if map.len() >= MAX_RECORDS {
            map.retain(|_, f| f.last.elapsed() < FORGET_AFTER);
            // Still full of recent failures: start over rather than grow without bound (each
            // network can only add a few entries a minute, so this takes sustained effort).
            if map.len() >= MAX_RECORDS {
                map.clear();
            }
        }
        let failures = map.entry((email.to_owned(), net)).or_insert(Failures {
            count: 0,
            last: now,
        });
        failures.count = failures.count.saturating_add(1);
        failures.last = now;
    }

    /// A correct password clears the account's failures from that network.
    pub fn signed_in(&self, net: Option<ClientNet>, email: &str) {
        self.by_account_and_network
            .lock()
            .remove(&(email.to_owned(), net));
    }

    /// Counts one registration; 429 when the network registered too many accounts this hour.
    pub fn before_registration(&self, net: Option<ClientNet>) -> Result<(), ApiError> {
        limiter_check(&self.registrations, net)
    }

    /// Drops state of keys whose limits have refilled, so memory stays bounded.
    /// Whether a failed sign-in from this network goes into the audit log: the first 60 an hour of
    /// each site do, so someone with many addresses cannot fill the log.
    pub fn audit_failure(&self, net: Option<ClientNet>) -> bool {
        net.is_none_or(|net| self.audited_failures.check_key(&net.site()).is_ok())
    }

    pub fn forget_idle(&self) {
        self.audited_failures.retain_recent();
        self.per_network.retain_recent();
        self.per_site.retain_recent();
        self.registrations.retain_recent();
        self.by_account_and_network
            .lock()
            .retain(|_, f| f.last.elapsed() < FORGET_AFTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_known_by_their_slash_64() {
        let a = ClientNet::of("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ClientNet::of("2001:db8:1:2:ffff:1:2:3".parse().unwrap());
        let c = ClientNet::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            ClientNet::of("::ffff:10.0.0.1".parse().unwrap()),
            ClientNet::of("10.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn failures_back_off_exponentially_up_to_a_cap() {
        let f = |count| Failures {
            count,
            last: Instant::now(),
        };
        assert_eq!(f(4).wait(5, MAX_NETWORK_BACKOFF), Duration::ZERO);
        assert_eq!(f(5).wait(5, MAX_NETWORK_BACKOFF), Duration::from_secs(1));
        assert_eq!(f(8).wait(5, MAX_NETWORK_BACKOFF), Duration::from_secs(8));
        assert_eq!(f(60).wait(5, MAX_NETWORK_BACKOFF), MAX_NETWORK_BACKOFF);
    }

    #[test]
    fn forwarded_entries_are_read_in_every_common_form() {
        for (entry, ip) in [
            ("203.0.113.9", "203.0.113.9"),
            (" 203.0.113.9:5678", "203.0.113.9"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            assert_eq!(
                forwarded_address(entry),
                Some(ip.parse().unwrap()),
                "{entry}"
            );
        }
        assert_eq!(forwarded_address("unknown"), None);
        assert_eq!(
            ClientNet::of("2001:db8:1:2:3::1".parse().unwrap()).site(),
            ClientNet::of("2001:db8:1:ffff::9".parse().unwrap()).site()
        );
    }
}
