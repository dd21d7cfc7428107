//! Who is asking, as far as the network tells: the client's address, the key every
//! per-address limit counts under.
//!
//! The address is the socket's peer (axum's `ConnectInfo`, which the server must be started
//! with: `into_make_service_with_connect_info::<SocketAddr>()`). Behind a reverse proxy every
//! peer is the proxy, so `X-Forwarded-For` is read, but only when the peer is one of the
//! proxies the operator named (`--trusted-proxy`): anyone else could write any address in it.
//! IPv6 addresses count per /64, the block one subscriber gets, so that a single host cannot
//! step through its 2^64 addresses to escape the limits.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::LimitsConfig;

/// A client address as the limits count it (an IPv6 address cut to its /64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key for `ip`: IPv4 (also when mapped into IPv6) as is, IPv6 by its /64.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    Self(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
        }
    }

    /// The address a request comes from: the peer, or the last address a trusted proxy
    /// added to `X-Forwarded-For`. Without connection information (a server started
    /// without it) every request counts as one unknown client, which keeps the limits on.
    pub fn from_parts(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Self {
        let Some(peer) = peer.map(|p| p.ip()) else {
            return Self(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        };
        if trusted.is_empty() || !trusted.contains(&peer) {
            return Self::of(peer);
        }
        // Each proxy appends the address it received from: read from the right, past our
        // own proxies, to the first address none of them vouches for.
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map_while(|part| part.trim().parse::<IpAddr>().ok())
            .collect();
        let client = forwarded
            .iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .copied()
            .unwrap_or(peer);
        Self::of(client)
    }
}

/// Any state that holds the limits' configuration (the app's) yields the caller's address.
impl<S: AsRef<LimitsConfig> + Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        Ok(Self::from_parts(
            peer,
            &parts.headers,
            &state.as_ref().trusted_proxies,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(
            ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
            4000,
        ))
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert("x-forwarded-for", v);
        }
        h
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let h = forwarded("203.0.113.9");
        let addr = ClientAddr::from_parts(peer("198.51.100.7"), &h, &[]);
        assert_eq!(addr, ClientAddr(IpAddr::from([198, 51, 100, 7])));
        let proxy: IpAddr = IpAddr::from([10, 0, 0, 1]);
        let addr = ClientAddr::from_parts(peer("198.51.100.7"), &h, &[proxy]);
        assert_eq!(addr, ClientAddr(IpAddr::from([198, 51, 100, 7])));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_spoofed_prefix_is_skipped() {
        let proxy: IpAddr = IpAddr::from([10, 0, 0, 1]);
        let h = forwarded("1.2.3.4, 203.0.113.9");
        let addr = ClientAddr::from_parts(peer("10.0.0.1"), &h, &[proxy]);
        assert_eq!(addr, ClientAddr(IpAddr::from([203, 0, 113, 9])));
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a = ClientAddr::of(
            "2001:db8:1:2:aaaa::1"
                .parse()
                .unwrap_or(IpAddr::from([0; 16])),
        );
        let b = ClientAddr::of(
            "2001:db8:1:2:bbbb::9"
                .parse()
                .unwrap_or(IpAddr::from([0; 16])),
        );
        assert_eq!(a, b);
        let mapped = ClientAddr::of("::ffff:192.0.2.1".parse().unwrap_or(IpAddr::from([0; 16])));
        assert_eq!(mapped, ClientAddr(IpAddr::from([192, 0, 2, 1])));
    }
}
