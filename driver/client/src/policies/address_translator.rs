//! Address translation: the addresses nodes report for each other (`system.peers`, topology
//! and status events) are the ones they bind to, which a client outside their network
//! (behind NAT, outside a Kubernetes cluster) may not reach. A translator maps each to the
//! address to connect to.

use std::net::SocketAddr;

/// Maps an address a node reported to the address the driver connects to.
///
/// ```
/// use std::net::SocketAddr;
/// use cassia_driver::policies::AddressTranslator;
///
/// /// Nodes publish their pod address; the client reaches each through a port of one host.
/// #[derive(Debug)]
/// struct NodePorts;
///
/// impl AddressTranslator for NodePorts {
///     fn translate(&self, reported: SocketAddr) -> SocketAddr {
///         let last = match reported.ip() {
///             std::net::IpAddr::V4(ip) => ip.octets()[3],
///             std::net::IpAddr::V6(_) => return reported,
///         };
///         SocketAddr::from(([203, 0, 113, 7], 30000 + u16::from(last)))
///     }
/// }
/// # let _ = cassia_driver::Session::builder().address_translator(NodePorts);
/// ```
pub trait AddressTranslator: Send + Sync + std::fmt::Debug {
    /// The address to connect to for a node that reported `reported`.
    fn translate(&self, reported: SocketAddr) -> SocketAddr;
}

/// Leaves every address as reported (what the driver does without a translator).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityTranslator;

impl AddressTranslator for IdentityTranslator {
    fn translate(&self, reported: SocketAddr) -> SocketAddr {
        reported
    }
}
