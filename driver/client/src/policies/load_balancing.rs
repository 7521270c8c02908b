//! Load balancing: the order in which nodes are tried for a request (the query plan).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cluster::Node;

/// What the driver knows about a request when planning it. Token-aware policies will use
/// the keyspace and routing key; today the round-robin default ignores them.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct RoutingInfo<'a> {
    /// Keyspace the statement runs in, if known.
    pub keyspace: Option<&'a str>,
    /// Serialized partition key, if known (prepared statements).
    pub routing_key: Option<&'a [u8]>,
    /// Whether the statement may be retried on another node.
    pub idempotent: bool,
}

/// Orders the nodes to try for one request.
pub trait LoadBalancingPolicy: Send + Sync + std::fmt::Debug {
    /// The query plan: nodes in the order they should be tried. Nodes that are down may be
    /// left out; the driver skips them anyway.
    fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> Vec<Arc<Node>>;
}

/// Spreads requests evenly: each plan starts one node further than the previous one.
#[derive(Debug, Default)]
pub struct RoundRobinPolicy {
    next: AtomicUsize,
}

impl RoundRobinPolicy {
    /// A new policy.
    pub fn new() -> Self {
        Self::default()
    }
}

impl LoadBalancingPolicy for RoundRobinPolicy {
    fn plan(&self, _: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> Vec<Arc<Node>> {
        if nodes.is_empty() {
            return Vec::new();
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % nodes.len();
        let (tail, head) = nodes.split_at(start);
        head.iter()
            .chain(tail)
            .filter(|n| n.is_up())
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(port: u16) -> Arc<Node> {
        Arc::new(Node::new(([127, 0, 0, 1], port).into()))
    }

    #[test]
    fn round_robin_rotates_and_skips_down_nodes() {
        let nodes = vec![node(1), node(2), node(3)];
        let p = RoundRobinPolicy::new();
        let ports = |plan: Vec<Arc<Node>>| -> Vec<u16> {
            plan.iter().map(|n| n.address().port()).collect()
        };
        assert_eq!(
            ports(p.plan(&RoutingInfo::default(), &nodes)),
            vec![1, 2, 3]
        );
        assert_eq!(
            ports(p.plan(&RoutingInfo::default(), &nodes)),
            vec![2, 3, 1]
        );
        if let Some(n) = nodes.get(2) {
            n.set_up(false);
        }
        assert_eq!(ports(p.plan(&RoutingInfo::default(), &nodes)), vec![1, 2]);
    }
}
