//! Reading the cluster's other nodes from `system.peers_v2` (Cassandra 4+, with native
//! ports) or, when that table does not exist, `system.peers` (rpc address, default port).

use std::net::{IpAddr, SocketAddr};

use cassia_protocol::row::Row;
use cassia_protocol::value::CqlValue;
use uuid::Uuid;

/// A peer as `system.peers(_v2)` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeerInfo {
    pub(crate) address: SocketAddr,
    pub(crate) datacenter: Option<String>,
    pub(crate) rack: Option<String>,
    pub(crate) host_id: Option<Uuid>,
    /// The node's tokens on the ring (Murmur3).
    pub(crate) tokens: Vec<i64>,
}

pub(crate) const PEERS_V2: &str =
    "SELECT native_address, native_port, data_center, rack, host_id, tokens FROM system.peers_v2";
pub(crate) const PEERS: &str =
    "SELECT rpc_address, data_center, rack, host_id, tokens FROM system.peers";
pub(crate) const LOCAL: &str = "SELECT data_center, rack, host_id, tokens FROM system.local";

fn text(row: &Row, column: &str) -> Option<String> {
    match row.get(column) {
        Ok(Some(CqlValue::Text(s) | CqlValue::Ascii(s))) => Some(s.clone()),
        _ => None,
    }
}

fn ip(row: &Row, column: &str) -> Option<IpAddr> {
    match row.get(column) {
        Ok(Some(CqlValue::Inet(ip))) => Some(*ip),
        _ => None,
    }
}

/// The `tokens` column (a `set<text>` of Murmur3 tokens); missing or unparsable: none.
pub(crate) fn tokens(row: &Row) -> Vec<i64> {
    match row.get("tokens") {
        Ok(Some(CqlValue::Set(items) | CqlValue::List(items))) => items
            .iter()
            .filter_map(|t| match t {
                CqlValue::Text(s) | CqlValue::Ascii(s) => s.parse().ok(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Placement and tokens of the node a `system.local` row describes.
pub(crate) fn local_from_row(row: &Row, address: SocketAddr) -> PeerInfo {
    PeerInfo {
        address,
        datacenter: text(row, "data_center"),
        rack: text(row, "rack"),
        host_id: host_id(row),
        tokens: tokens(row),
    }
}

fn host_id(row: &Row) -> Option<Uuid> {
    match row.get("host_id") {
        Ok(Some(CqlValue::Uuid(u))) => Some(*u),
        _ => None,
    }
}

/// Peers from the rows of [`PEERS_V2`] or [`PEERS`]; rows without a usable address (null,
/// or the unspecified address some nodes report) are skipped.
pub(crate) fn from_rows(rows: &[Row], default_port: u16) -> Vec<PeerInfo> {
    rows.iter()
        .filter_map(|row| {
            let addr = ip(row, "native_address").or_else(|| ip(row, "rpc_address"))?;
            if addr.is_unspecified() {
                return None;
            }
            let port = match row.get("native_port") {
                Ok(Some(CqlValue::Int(p))) => u16::try_from(*p).ok()?,
                _ => default_port,
            };
            Some(PeerInfo {
                address: SocketAddr::new(addr, port),
                datacenter: text(row, "data_center"),
                rack: text(row, "rack"),
                host_id: host_id(row),
                tokens: tokens(row),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn row(names: &[&str], values: Vec<Option<CqlValue>>) -> Row {
        let names: Arc<[String]> = names.iter().map(|n| (*n).to_owned()).collect();
        Row::new(names, values)
    }

    #[test]
    fn v2_rows_carry_ports_and_v1_rows_use_the_default() {
        let ip: IpAddr = "10.0.0.2".parse().expect("literal");
        let v2 = row(
            &[
                "native_address",
                "native_port",
                "data_center",
                "rack",
                "host_id",
            ],
            vec![
                Some(CqlValue::Inet(ip)),
                Some(CqlValue::Int(9142)),
                Some(CqlValue::Text("dc1".into())),
                Some(CqlValue::Text("r1".into())),
                None,
            ],
        );
        let v1 = row(
            &["rpc_address", "data_center", "rack", "host_id"],
            vec![Some(CqlValue::Inet(ip)), None, None, None],
        );
        let unspecified = row(
            &["rpc_address", "data_center", "rack", "host_id"],
            vec![
                Some(CqlValue::Inet("0.0.0.0".parse().expect("literal"))),
                None,
                None,
                None,
            ],
        );
        let peers = from_rows(&[v2, v1, unspecified], 9042);
        assert_eq!(peers.len(), 2);
        assert_eq!(peers[0].address, SocketAddr::new(ip, 9142));
        assert_eq!(peers[0].datacenter.as_deref(), Some("dc1"));
        assert_eq!(peers[1].address, SocketAddr::new(ip, 9042));
    }
}
