//! [`IntoContactPoint`]: what [`SessionBuilder::known_node`](crate::SessionBuilder::known_node)
//! accepts — a `host[:port]` string, a `SocketAddr`, or an address and a port — so an
//! emulator's `addr()` or a parsed configuration goes in without formatting by hand.

use std::net::{IpAddr, SocketAddr};

/// A contact point: `"host:port"`, `"host"` (port 9042), `"[::1]:9042"`, a
/// [`SocketAddr`], `(IpAddr, u16)` or `(&str, u16)`.
pub trait IntoContactPoint {
    /// The `host[:port]` text the session resolves.
    fn into_contact_point(self) -> String;
}

impl IntoContactPoint for &str {
    fn into_contact_point(self) -> String {
        self.to_owned()
    }
}

impl IntoContactPoint for String {
    fn into_contact_point(self) -> String {
        self
    }
}

impl IntoContactPoint for &String {
    fn into_contact_point(self) -> String {
        self.clone()
    }
}

impl IntoContactPoint for SocketAddr {
    fn into_contact_point(self) -> String {
        // `Display` brackets IPv6 addresses (`[::1]:9042`), as host:port parsing expects.
        self.to_string()
    }
}

impl IntoContactPoint for &SocketAddr {
    fn into_contact_point(self) -> String {
        self.to_string()
    }
}

impl IntoContactPoint for (IpAddr, u16) {
    fn into_contact_point(self) -> String {
        SocketAddr::from(self).to_string()
    }
}

impl IntoContactPoint for (&str, u16) {
    fn into_contact_point(self) -> String {
        match self.0.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, self.1).to_string(),
            Err(_) => format!("{}:{}", self.0, self.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_becomes_host_and_port_text() {
        let v6: SocketAddr = "[::1]:9043".parse().expect("literal");
        assert_eq!(v6.into_contact_point(), "[::1]:9043");
        assert_eq!("db.local".into_contact_point(), "db.local");
        assert_eq!(("db.local", 9042).into_contact_point(), "db.local:9042");
        assert_eq!(("::1", 9042).into_contact_point(), "[::1]:9042");
        assert_eq!(
            (IpAddr::from([10, 0, 0, 1]), 19042).into_contact_point(),
            "10.0.0.1:19042"
        );
    }
}
