//! The address classifier over the special-purpose ranges and a few public addresses.

use std::net::IpAddr;

use super::forbidden;

fn reason(ip: &str) -> Option<&'static str> {
    forbidden(
        ip.parse::<IpAddr>()
            .unwrap_or_else(|_| panic!("{ip} is an address")),
    )
}

#[test]
fn public_unicast_addresses_are_allowed() {
    for ip in [
        "1.1.1.1",
        "8.8.8.8",
        "31.13.70.36",     // a Meta CDN
        "104.244.42.1",    // X
        "54.172.60.0",     // Twilio
        "100.63.255.255",  // just below CGNAT
        "100.128.0.0",     // just above CGNAT
        "172.15.255.255",  // just below 172.16/12
        "172.32.0.0",      // just above
        "169.253.255.255", // just below link-local
        "192.167.255.255",
        "198.20.0.0", // just above benchmarking
        "223.255.255.255",
        "2001:4860:4860::8888",
        "2a03:2880:f12f:83:face:b00c::25de",
        "2606:4700::1111",
        "2001:200::1",      // just above 2001::/23
        "64:ff9b::808:808", // NAT64 of 8.8.8.8
    ] {
        assert_eq!(reason(ip), None, "{ip}");
    }
}

#[test]
fn special_ipv4_ranges_are_refused_with_their_reason() {
    for (ip, why) in [
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("10.0.0.1", "private"),
        ("10.255.255.255", "private"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("169.254.169.254", "link-local"),
        ("169.254.0.1", "link-local"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("192.0.0.8", "reserved"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.99", "documentation"),
        ("192.88.99.1", "reserved"),
        ("198.18.0.1", "benchmarking"),
        ("198.19.255.255", "benchmarking"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.254", "reserved"),
        ("255.255.255.255", "broadcast"),
    ] {
        assert_eq!(reason(ip), Some(why), "{ip}");
    }
}

#[test]
fn special_ipv6_ranges_are_refused_with_their_reason() {
    for (ip, why) in [
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fc00::1", "unique-local"),
        ("fd12:3456:789a::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("febf:ffff::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("ff05::2", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("2002:7f00:1::1", "6to4"),
        ("2002:808:808::1", "6to4"),
        ("2001::1", "reserved"), // Teredo
        ("2001:10::1", "reserved"),
        ("100::1", "reserved"), // discard-only
        ("64:ff9b:1::1", "reserved"),
        ("::7f00:1", "reserved"), // IPv4-compatible 127.0.0.1
        ("::808:808", "reserved"),
        ("4000::1", "reserved"),
        ("e000::1", "reserved"),
    ] {
        assert_eq!(reason(ip), Some(why), "{ip}");
    }
}

#[test]
fn ipv4_mapped_and_nat64_forms_are_judged_by_their_ipv4_address() {
    for (ip, why) in [
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:7f00:1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:100.64.1.1", "carrier-grade NAT"),
        ("::ffff:192.168.0.1", "private"),
        ("::ffff:0.0.0.0", "unspecified"),
        ("::ffff:255.255.255.255", "broadcast"),
        // A mapped public address is not published by any provider: refused too.
        ("::ffff:8.8.8.8", "IPv4-mapped"),
        ("64:ff9b::127.0.0.1", "loopback"),
        ("64:ff9b::169.254.169.254", "link-local"),
        ("64:ff9b::10.0.0.1", "private"),
    ] {
        assert_eq!(reason(ip), Some(why), "{ip}");
    }
}
