//! Which IP addresses a media fetch may connect to: only public unicast ones. Loopback,
//! private, link-local (cloud metadata at 169.254.169.254), CGNAT, unique-local, multicast,
//! unspecified, broadcast, documentation and other reserved ranges are refused, and so are
//! the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo)
//! when the address they carry is refused, or always where the carrier itself is reserved.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` must not be fetched from, or `None` when it is a public unicast address.
pub(crate) fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

/// IPv4 special-purpose ranges (RFC 6890 and its updates), each with its reason.
const V4_RANGES: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "unspecified"),
    ([10, 0, 0, 0], 8, "private"),
    ([100, 64, 0, 0], 10, "carrier-grade NAT"),
    ([127, 0, 0, 0], 8, "loopback"),
    ([169, 254, 0, 0], 16, "link-local"),
    ([172, 16, 0, 0], 12, "private"),
    ([192, 0, 0, 0], 24, "reserved"),
    ([192, 0, 2, 0], 24, "documentation"),
    ([192, 31, 196, 0], 24, "reserved"),
    ([192, 52, 193, 0], 24, "reserved"),
    ([192, 88, 99, 0], 24, "reserved"),
    ([192, 168, 0, 0], 16, "private"),
    ([192, 175, 48, 0], 24, "reserved"),
    ([198, 18, 0, 0], 15, "benchmarking"),
    ([198, 51, 100, 0], 24, "documentation"),
    ([203, 0, 113, 0], 24, "documentation"),
    ([224, 0, 0, 0], 4, "multicast"),
    ([255, 255, 255, 255], 32, "broadcast"),
    ([240, 0, 0, 0], 4, "reserved"),
];

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(ip);
    V4_RANGES
        .iter()
        .find(|(network, prefix, _)| in_prefix(bits, u32::from_be_bytes(*network), *prefix))
        .map(|(_, _, reason)| *reason)
}

fn in_prefix(bits: u32, network: u32, prefix: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    bits & mask == network & mask
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let segments = ip.segments();
    let in6 = |network: u128, prefix: u32| {
        let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
        bits & mask == network & mask
    };
    // The low 32 bits as IPv4, for the forms that carry one.
    let low_v4 = Ipv4Addr::from(u32::try_from(bits & 0xffff_ffff).unwrap_or(0));
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if in6(0xffff_0000_0000, 96) {
        // ::ffff:a.b.c.d, IPv4-mapped: named after what the IPv4 address is. A public one
        // is refused too: no provider publishes one, and it would be reached over IPv4.
        Some(forbidden_v4(low_v4).unwrap_or("IPv4-mapped"))
    } else if in6(0x0064_ff9b_u128 << 96, 96) {
        // 64:ff9b::a.b.c.d, NAT64: a gateway connects to the IPv4 address.
        forbidden_v4(low_v4)
    } else if (segments[0] == 0x2001 && segments[1] == 0x0db8)
        || (segments[0] == 0x3fff && segments[1] < 0x1000)
    {
        // 2001:db8::/32 and 3fff::/20.
        Some("documentation")
    } else if segments[0] & 0xfe00 == 0xfc00 {
        Some("unique-local")
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if segments[0] & 0xffc0 == 0xfec0 {
        Some("site-local")
    } else if segments[0] & 0xff00 == 0xff00 {
        Some("multicast")
    } else if segments[0] == 0x2002 {
        // 6to4 carries an IPv4 address in bits 16..48: relays are obsolete, refuse it all.
        Some("6to4")
    } else if segments[0] == 0x2001 && segments[1] < 0x0200 {
        // 2001::/23, IETF protocol assignments, Teredo (2001::/32) among them.
        Some("reserved")
    } else if segments[0] & 0xe000 != 0x2000 {
        // Only 2000::/3 is global unicast; the rest (::/8 with IPv4-compatible ::a.b.c.d,
        // 64:ff9b:1::/48, 100::/64 discard...) is reserved.
        Some("reserved")
    } else {
        None
    }
}

#[cfg(test)]
#[path = "address_tests.rs"]
mod tests;
