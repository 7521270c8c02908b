//! The open client connections, for `system_views.clients` (Cassandra 4.0's `ClientsTable`,
//! fed by `ClientMetrics.allConnectedClients()`): each connection registers when it reads its
//! first frame, updates its entry as the handshake goes, counts its requests, and leaves the
//! registry when it closes (its [`ClientHandle`] is dropped).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cassia_protocol::value::CqlValue;

/// Every open connection of every node of the server.
#[derive(Debug, Default)]
pub(crate) struct ClientRegistry {
    next_id: AtomicU64,
    entries: Arc<Mutex<BTreeMap<u64, Arc<ClientEntry>>>>,
}

/// One connection as `ConnectedClient` describes it.
#[derive(Debug)]
pub(crate) struct ClientEntry {
    /// The node of a simulated cluster the connection is on.
    node: usize,
    remote: SocketAddr,
    /// The TLS session, on a TLS connection.
    tls: Option<TlsInfo>,
    /// Requests received (`Connection.requests`, which counts every message).
    requests: AtomicI64,
    state: Mutex<ClientInfo>,
}

/// A connection's TLS session as `ClientsTable` names it (the JSSE names: `SSLSession`'s
/// `getProtocol()` and `getCipherSuite()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TlsInfo {
    /// `TLSv1.2`, `TLSv1.3`.
    pub protocol: Option<String>,
    /// `TLS_AES_256_GCM_SHA384`, `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, ...
    pub cipher_suite: Option<String>,
}

impl TlsInfo {
    /// The session of an accepted TLS connection.
    pub(crate) fn of(conn: &rustls::ServerConnection) -> TlsInfo {
        let protocol = conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
            other => format!("{other:?}"),
        });
        let cipher_suite = conn
            .negotiated_cipher_suite()
            .map(|s| jsse_suite_name(&format!("{:?}", s.suite())));
        TlsInfo {
            protocol,
            cipher_suite,
        }
    }
}

/// rustls names TLS 1.3 suites `TLS13_...`; Java (and so Cassandra) `TLS_...`. The TLS 1.2
/// names are the IANA ones in both.
fn jsse_suite_name(rustls_name: &str) -> String {
    match rustls_name.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => rustls_name.to_owned(),
    }
}

/// What the handshake tells about a connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientInfo {
    /// `ConnectionStage`, lower-cased: `established`, `authenticating`, `ready`.
    pub stage: &'static str,
    /// The authenticated user: `anonymous` without authentication.
    pub username: Option<String>,
    /// `DRIVER_NAME` of STARTUP.
    pub driver_name: Option<String>,
    /// `DRIVER_VERSION` of STARTUP.
    pub driver_version: Option<String>,
    /// The connection's protocol version.
    pub protocol_version: i32,
}

/// A connection's registration; dropping it removes the connection from the registry.
#[derive(Debug)]
pub(crate) struct ClientHandle {
    id: u64,
    entry: Arc<ClientEntry>,
    entries: Arc<Mutex<BTreeMap<u64, Arc<ClientEntry>>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ClientRegistry {
    /// Registers a connection from `remote` to node `node`, still in the `established` stage.
    pub(crate) fn register(
        &self,
        node: usize,
        remote: SocketAddr,
        tls: Option<TlsInfo>,
        protocol_version: i32,
    ) -> ClientHandle {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(ClientEntry {
            node,
            remote,
            tls,
            requests: AtomicI64::new(0),
            state: Mutex::new(ClientInfo {
                stage: "established",
                protocol_version,
                ..ClientInfo::default()
            }),
        });
        lock(&self.entries).insert(id, Arc::clone(&entry));
        ClientHandle {
            id,
            entry,
            entries: Arc::clone(&self.entries),
        }
    }

    /// The rows of `system_views.clients` on node `node`, in the table's column order
    /// (`address`, `port`, then the regular columns by name).
    pub(crate) fn rows(&self, node: usize) -> Vec<Vec<Option<CqlValue>>> {
        let entries: Vec<Arc<ClientEntry>> = lock(&self.entries)
            .values()
            .filter(|e| e.node == node)
            .cloned()
            .collect();
        entries.iter().map(|e| e.row()).collect()
    }
}

impl ClientEntry {
    fn row(&self) -> Vec<Option<CqlValue>> {
        let info = lock(&self.state).clone();
        let text = |s: Option<String>| s.map(CqlValue::Text);
        vec![
            Some(CqlValue::Inet(self.remote.ip())),
            Some(CqlValue::Int(i32::from(self.remote.port()))),
            Some(CqlValue::Text(info.stage.to_owned())),
            text(info.driver_name),
            text(info.driver_version),
            Some(CqlValue::Text(host_name(self.remote.ip()))),
            Some(CqlValue::Int(info.protocol_version)),
            Some(CqlValue::BigInt(self.requests.load(Ordering::Relaxed))),
            text(self.tls.as_ref().and_then(|t| t.cipher_suite.clone())),
            Some(CqlValue::Boolean(self.tls.is_some())),
            text(self.tls.as_ref().and_then(|t| t.protocol.clone())),
            text(info.username),
        ]
    }
}

/// `InetSocketAddress.getHostName()`: the name a reverse lookup gives, the address itself
/// when there is none. The emulator does no DNS: loopback clients are `localhost` (what
/// every hosts file maps them to), the others show their address.
fn host_name(ip: std::net::IpAddr) -> String {
    if ip.is_loopback() {
        "localhost".to_owned()
    } else {
        ip.to_string()
    }
}

impl ClientHandle {
    /// Counts one request received on the connection.
    pub(crate) fn count_request(&self) {
        self.entry.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Updates what the handshake told.
    pub(crate) fn update(&self, change: impl FnOnce(&mut ClientInfo)) {
        change(&mut lock(&self.entry.state));
    }
}

impl Drop for ClientHandle {
    fn drop(&mut self) {
        lock(&self.entries).remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_leave_the_registry_when_closed() {
        let registry = ClientRegistry::default();
        let addr = SocketAddr::from(([127, 0, 0, 1], 40000));
        let a = registry.register(0, addr, None, 5);
        let b = registry.register(1, addr, None, 4);
        a.update(|i| {
            i.stage = "ready";
            i.driver_name = Some("d".to_owned());
        });
        a.count_request();
        let rows = registry.rows(0);
        assert_eq!(rows.len(), 1);
        let row = rows.first().expect("one row");
        assert_eq!(row.len(), 12);
        assert_eq!(row.get(2), Some(&Some(CqlValue::Text("ready".to_owned()))));
        assert_eq!(row.get(7), Some(&Some(CqlValue::BigInt(1))));
        drop(a);
        assert!(registry.rows(0).is_empty());
        assert_eq!(registry.rows(1).len(), 1);
        drop(b);
    }

    #[test]
    fn tls_sessions_use_java_names() {
        assert_eq!(
            jsse_suite_name("TLS13_AES_256_GCM_SHA384"),
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            jsse_suite_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        let registry = ClientRegistry::default();
        let tls = TlsInfo {
            protocol: Some("TLSv1.3".to_owned()),
            cipher_suite: Some("TLS_AES_128_GCM_SHA256".to_owned()),
        };
        let _h = registry.register(0, SocketAddr::from(([127, 0, 0, 1], 1)), Some(tls), 5);
        let rows = registry.rows(0);
        let row = rows.first().expect("one row");
        assert_eq!(row.get(9), Some(&Some(CqlValue::Boolean(true))));
        assert_eq!(
            row.get(10),
            Some(&Some(CqlValue::Text("TLSv1.3".to_owned())))
        );
    }
}
