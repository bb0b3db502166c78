//! The one egress policy: every HTTP request Ulak makes on a workspace's behalf (plugin `http-fetch`,
//! channel transports, webhooks, configurable API base URLs) goes through a client built here. Its
//! resolver drops addresses on loopback, private, link-local, CGNAT, multicast, reserved and
//! unspecified networks (IPv4 and IPv6, mapped and embedded forms included), so the address actually
//! connected to is the one checked and DNS cannot point a public name inward; URLs naming an address
//! directly are checked before sending. Proxies from the environment are not used and redirects are
//! not followed. `[outbound] allow_private_networks` and `allowed_hosts` open it for self-hosters
//! who need internal targets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::config::OutboundSettings;

/// An address range: `10.0.0.0/8`, `fd00::/8`, or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (
                address,
                Some(
                    prefix
                        .parse::<u8>()
                        .map_err(|_| "the prefix length is not a number".to_owned())?,
                ),
            ),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| "not an IP address or CIDR range".to_owned())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(format!("the prefix length is at most {max}"));
        }
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Why an IPv4 address is not on the public internet, if it is not.
fn ipv4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified (\"this network\") address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => "a private address",
        (100, 64..=127, _) => "a carrier-grade NAT (CGNAT) address",
        (169, 254, _) => "a link-local address",
        (192, 0, 0) => "an IETF protocol address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        // Cloud providers' instance services (Azure's wire server; the others are link-local).
        (168, 63, 129) if ip.octets()[3] == 16 => "a cloud provider's instance service address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    })
}

/// Why an IPv6 address is not on the public internet, if it is not. Forms that embed an IPv4
/// address (mapped, compatible, NAT64, 6to4) are judged by that address.
fn ipv6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8)
    };
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_kind(v4);
    }
    // ::a.b.c.d (deprecated IPv4-compatible), ::ffff:0:a.b.c.d (SIIT) and 64:ff9b::a.b.c.d (NAT64).
    if segments[..6] == [0; 6]
        || segments[..6] == [0, 0, 0, 0, 0xffff, 0]
        || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
    {
        return ipv4_kind(embedded_v4(segments[6], segments[7]))
            .or(Some("an address embedding an IPv4 address"));
    }
    // 64:ff9b:1::/48: local-use NAT64, which translates to whatever the operator's network holds.
    if segments[..3] == [0x64, 0xff9b, 1] {
        return Some("a local-use NAT64 address");
    }
    // 2001::/32: Teredo, which tunnels to an obfuscated IPv4 address; 2001:db8::/32: documentation.
    if segments[0] == 0x2001 && matches!(segments[1], 0 | 0x0db8) {
        return Some("a Teredo or documentation address");
    }
    // 2002:a.b.c.d::/48 (6to4).
    if segments[0] == 0x2002 {
        return ipv4_kind(embedded_v4(segments[1], segments[2]));
    }
    Some(match segments[0] {
        s if s & 0xfe00 == 0xfc00 => "a private (unique local) address",
        s if s & 0xffc0 == 0xfe80 => "a link-local address",
        s if s & 0xffc0 == 0xfec0 => "a site-local address",
        s if s & 0xff00 == 0xff00 => "a multicast address",
        0x0100 if segments[1..4] == [0, 0, 0] => "a discard-only address",
        _ => return None,
    })
}

/// Why an address is not on the public internet, if it is not.
pub fn non_public_kind(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => ipv4_kind(v4),
        IpAddr::V6(v6) => ipv6_kind(v6),
    }
}

/// A request the policy refused, with the reason in words an admin can act on.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The instance's outbound policy.
#[derive(Debug, Clone, Default)]
pub struct OutboundPolicy {
    allow_private_networks: bool,
    allowed_names: Vec<String>,
    allowed_ranges: Vec<IpRange>,
}

impl OutboundPolicy {
    pub fn from_settings(settings: &OutboundSettings) -> Self {
        let mut policy = OutboundPolicy {
            allow_private_networks: settings.allow_private_networks,
            ..Default::default()
        };
        for entry in &settings.allowed_hosts {
            match IpRange::parse(entry) {
                Ok(range) => policy.allowed_ranges.push(range),
                Err(_) => policy
                    .allowed_names
                    .push(entry.trim().trim_end_matches('.').to_ascii_lowercase()),
            }
        }
        policy
    }

    /// Whether a host name is on the allow-list (its addresses are not checked).
    pub fn allows_name(&self, host: &str) -> bool {
        self.name_allowed(host)
    }

    fn name_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allowed_names.contains(&host)
    }

    /// Whether a connection to this address is allowed.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allow_private_networks || self.allowed_ranges.iter().any(|r| r.contains(ip)) {
            return Ok(());
        }
        match non_public_kind(ip) {
            None => Ok(()),
            Some(kind) => Err(Refused(format!(
                "not allowed: {} is {kind}; this server does not send requests to private networks \
                 (see [outbound] in its configuration)",
                canonical(ip)
            ))),
        }
    }

    /// Checks what can be checked before resolving: the scheme, and the address when the URL names
    /// one directly (such URLs are connected to without asking the resolver).
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), Refused> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refused(format!(
                "not allowed: the scheme `{}` (only http and https)",
                url.scheme()
            )));
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err(Refused("not allowed: the URL has no host".into())),
        }
    }

    /// A client that obeys the policy: its resolver drops refused addresses, it ignores proxy
    /// settings from the environment and follows no redirects. Callers must still pass every URL
    /// through [`OutboundPolicy::check_url`] (see [`Outbound::request`]).
    pub fn client(self: &Arc<Self>, timeout: Duration, user_agent: &str) -> reqwest::Client {
        let built = reqwest::Client::builder()
            .dns_resolver(Arc::new(PolicyResolver {
                policy: self.clone(),
            }))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // Many servers close a kept-alive connection after 5 idle seconds; one reused at that
            // moment fails ("connection closed before message completed"). Ours go first.
            .pool_idle_timeout(Duration::from_secs(4))
            .user_agent(user_agent)
            .build();
        match built {
            Ok(client) => client,
            Err(e) => {
                // Only a TLS backend that fails to initialise gets here; without the resolver a
                // client would bypass the policy, so it is better to have one that cannot connect.
                tracing::error!(error = %e, "cannot build the outbound HTTP client");
                reqwest::Client::builder()
                    .dns_resolver(Arc::new(PolicyResolver {
                        policy: Arc::new(OutboundPolicy::default()),
                    }))
                    .no_proxy()
                    .build()
                    .unwrap_or_default()
            }
        }
    }
}

struct PolicyResolver {
    policy: Arc<OutboundPolicy>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if policy.name_allowed(&host) {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let mut refusal = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| match policy.check_ip(addr.ip()) {
                    Ok(()) => true,
                    Err(e) => {
                        refusal.get_or_insert(e);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let reason = refusal.map_or_else(
                    || format!("`{host}` has no address"),
                    |e| {
                        format!(
                            "`{host}` resolves to an address that is {}",
                            e.0.trim_start_matches("not allowed: ")
                        )
                    },
                );
                return Err(Box::new(Refused(format!("not allowed: {reason}")))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The policy and a client that obeys it, shared by everything that calls out.
#[derive(Clone)]
pub struct Outbound {
    pub policy: Arc<OutboundPolicy>,
    client: reqwest::Client,
}

impl Outbound {
    pub fn new(settings: &OutboundSettings, timeout: Duration, user_agent: &str) -> Self {
        let policy = Arc::new(OutboundPolicy::from_settings(settings));
        let client = policy.client(timeout, user_agent);
        Self { policy, client }
    }

    /// A client with its own time limit and user agent on an existing policy.
    pub fn from_policy(policy: Arc<OutboundPolicy>, timeout: Duration, user_agent: &str) -> Self {
        let client = policy.client(timeout, user_agent);
        Self { policy, client }
    }

    /// A request builder for a URL the policy allows.
    pub fn request(
        &self,
        method: reqwest::Method,
        url: reqwest::Url,
    ) -> Result<reqwest::RequestBuilder, Refused> {
        self.policy.check_url(&url)?;
        Ok(self.client.request(method, url))
    }
}

/// A reqwest error in words, without the URL (which may carry a token) and with its causes, so a
/// refusal by the policy reads as such.
pub fn describe(error: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    if let Some(refusal) = causes.iter().find(|c| c.starts_with("not allowed:")) {
        return refusal.clone();
    }
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.to_string()
    };
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    if let Some(last) = causes.last()
        && !error.is_timeout()
    {
        text = format!("{text}: {last}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(ip: &str) -> bool {
        OutboundPolicy::default()
            .check_ip(ip.parse().unwrap())
            .is_err()
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for ip in [
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:0:7f00:1",
            "64:ff9b:1::a00:1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "168.63.129.16",
        ] {
            assert!(refused(ip), "{ip} should be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::",
        ] {
            assert!(!refused(ip), "{ip} should pass");
        }
    }

    #[test]
    fn the_allow_list_opens_named_ranges_only() {
        let policy = OutboundPolicy::from_settings(&OutboundSettings {
            allow_private_networks: false,
            allowed_hosts: vec!["10.20.0.0/16".into(), "crm.internal".into(), "::1".into()],
        });
        assert!(policy.check_ip("10.20.3.4".parse().unwrap()).is_ok());
        assert!(policy.check_ip("10.21.3.4".parse().unwrap()).is_err());
        assert!(policy.check_ip("::1".parse().unwrap()).is_ok());
        assert!(policy.check_ip("127.0.0.1".parse().unwrap()).is_err());
        assert!(policy.name_allowed("CRM.internal."));
        assert!(!policy.name_allowed("other.internal"));
    }

    #[test]
    fn urls_naming_addresses_are_checked_before_any_connection() {
        let policy = OutboundPolicy::default();
        for url in [
            "http://127.0.0.1:8080/x",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "ftp://example.com/",
            "file:///etc/passwd",
        ] {
            let url = reqwest::Url::parse(url).unwrap();
            assert!(policy.check_url(&url).is_err(), "{url}");
        }
        let url = reqwest::Url::parse("https://example.com/hook").unwrap();
        assert!(policy.check_url(&url).is_ok());
    }

    #[test]
    fn ranges_parse_and_match() {
        let range = IpRange::parse("192.168.0.0/16").unwrap();
        assert!(range.contains("192.168.44.1".parse().unwrap()));
        assert!(range.contains("::ffff:192.168.44.1".parse().unwrap()));
        assert!(!range.contains("192.169.0.1".parse().unwrap()));
        assert!(IpRange::parse("10.0.0.0/33").is_err());
        assert!(IpRange::parse("nope").is_err());
        assert!(
            IpRange::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
    }
}
