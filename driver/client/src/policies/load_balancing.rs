//! Load balancing: the order in which nodes are tried for a request (the query plan).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use smallvec::SmallVec;

use crate::cluster::Node;

/// What the driver knows about a request when planning it: token-aware policies put the
/// replicas of its partition first.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct RoutingInfo<'a> {
    /// Keyspace the statement runs in, if known.
    pub keyspace: Option<&'a str>,
    /// Serialized partition key, if known (prepared statements whose key is bound).
    pub routing_key: Option<&'a [u8]>,
    /// The Murmur3 token of `routing_key`.
    pub token: Option<i64>,
    /// The replicas of `token` in `keyspace`, primary first (empty when unknown).
    pub replicas: &'a [Arc<Node>],
    /// Whether the statement may be retried on another node.
    pub idempotent: bool,
}

/// The nodes to try for one request, in order. Up to eight are kept inline, so planning a
/// request on a small or mid-sized cluster does not allocate. Build one with `collect()`,
/// [`QueryPlan::push`] or `From<Vec<_>>`; read it as a slice.
#[derive(Debug, Clone, Default)]
pub struct QueryPlan(SmallVec<[Arc<Node>; 8]>);

impl QueryPlan {
    /// An empty plan.
    pub fn new() -> Self {
        QueryPlan::default()
    }

    /// Appends a node.
    pub fn push(&mut self, node: Arc<Node>) {
        self.0.push(node);
    }

    /// Moves the nodes `first` selects to the front, keeping the relative order of both
    /// groups (what token awareness does with the child policy's plan).
    pub fn prioritize(&mut self, first: impl Fn(&Arc<Node>) -> bool) {
        // A stable sort on a bool key; insertion sort (no allocation) for short plans.
        self.0.sort_by_key(|n| !first(n));
    }
}

impl std::ops::Deref for QueryPlan {
    type Target = [Arc<Node>];
    fn deref(&self) -> &[Arc<Node>] {
        &self.0
    }
}

impl FromIterator<Arc<Node>> for QueryPlan {
    fn from_iter<I: IntoIterator<Item = Arc<Node>>>(iter: I) -> Self {
        QueryPlan(iter.into_iter().collect())
    }
}

impl From<Vec<Arc<Node>>> for QueryPlan {
    fn from(v: Vec<Arc<Node>>) -> Self {
        QueryPlan(SmallVec::from_vec(v))
    }
}

impl IntoIterator for QueryPlan {
    type Item = Arc<Node>;
    type IntoIter = smallvec::IntoIter<[Arc<Node>; 8]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a QueryPlan {
    type Item = &'a Arc<Node>;
    type IntoIter = std::slice::Iter<'a, Arc<Node>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Orders the nodes to try for one request.
pub trait LoadBalancingPolicy: Send + Sync + std::fmt::Debug {
    /// The query plan: nodes in the order they should be tried. Nodes that are down may be
    /// left out; the driver skips them anyway.
    fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan;
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
    fn plan(&self, _: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        if nodes.is_empty() {
            return QueryPlan::new();
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

/// Round robin over the nodes of the local data centre first, then (optionally) a few nodes
/// of each remote one, as the DataStax drivers' `DCAwareRoundRobinPolicy`. Nodes whose data
/// centre is not known yet count as local.
///
/// With [`with_local_rack`](Self::with_local_rack), the local data centre's nodes in that
/// rack come first (the Python driver's `RackAwareRoundRobinPolicy`), which keeps traffic
/// within an availability zone where racks map to zones.
#[derive(Debug)]
pub struct DcAwareRoundRobinPolicy {
    /// The configured local data centre, or `None` to learn it ([`Self::inferred`]).
    local_dc: Option<String>,
    /// Nodes of the local data centre in this rack go first.
    local_rack: Option<String>,
    /// The data centre learned from the first contact point, once known.
    learned: OnceLock<String>,
    remote_per_dc: usize,
    next: AtomicUsize,
}

impl DcAwareRoundRobinPolicy {
    /// Prefers nodes of `local_dc`; remote nodes are never used.
    pub fn new(local_dc: impl Into<String>) -> Self {
        DcAwareRoundRobinPolicy {
            local_dc: Some(local_dc.into()),
            local_rack: None,
            learned: OnceLock::new(),
            remote_per_dc: 0,
            next: AtomicUsize::new(0),
        }
    }

    /// The local data centre is the one of the first contact point (the first node whose
    /// data centre the session knows), as the Python driver infers it when none is given;
    /// until it is known every node counts as local. The session's default policy is
    /// `TokenAwarePolicy` over this.
    pub fn inferred() -> Self {
        DcAwareRoundRobinPolicy {
            local_dc: None,
            local_rack: None,
            learned: OnceLock::new(),
            remote_per_dc: 0,
            next: AtomicUsize::new(0),
        }
    }

    /// The local data centre: configured, learned, or learned now from `nodes`.
    fn local(&self, nodes: &[Arc<Node>]) -> Option<String> {
        if let Some(dc) = &self.local_dc {
            return Some(dc.clone());
        }
        if let Some(dc) = self.learned.get() {
            return Some(dc.clone());
        }
        let first = nodes.iter().find_map(|n| n.datacenter())?;
        Some(self.learned.get_or_init(|| first).clone())
    }

    /// Puts the local data centre's nodes in `rack` first (in round robin among themselves),
    /// then its other nodes. Wrapped in [`TokenAwarePolicy`], replicas in the local rack
    /// come before the other replicas, since token awareness keeps this policy's order.
    pub fn with_local_rack(mut self, rack: impl Into<String>) -> Self {
        self.local_rack = Some(rack.into());
        self
    }

    /// After the local nodes, tries up to `hosts` nodes of each remote data centre.
    pub fn with_remote_hosts_per_dc(mut self, hosts: usize) -> Self {
        self.remote_per_dc = hosts;
        self
    }
}

impl LoadBalancingPolicy for DcAwareRoundRobinPolicy {
    fn plan(&self, _: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        let local_dc = self.local(nodes);
        let is_local = |n: &Arc<Node>| {
            n.datacenter()
                .zip(local_dc.as_deref())
                .is_none_or(|(dc, local)| dc == local)
        };
        let in_rack = |n: &Arc<Node>| {
            self.local_rack
                .as_deref()
                .is_some_and(|rack| n.rack().as_deref() == Some(rack))
        };
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        // Each group rotates on its own, so every node of a group leads equally often.
        let mut plan = QueryPlan::new();
        for first in [true, false] {
            let group: QueryPlan = nodes
                .iter()
                .filter(|n| is_local(n) && in_rack(n) == first)
                .cloned()
                .collect();
            if group.is_empty() {
                continue;
            }
            let (tail, head) = group.split_at(start % group.len());
            for n in head.iter().chain(tail).filter(|n| n.is_up()) {
                plan.push(n.clone());
            }
        }
        if self.remote_per_dc > 0 {
            let mut per_dc: HashMap<String, usize> = HashMap::new();
            for n in nodes.iter().filter(|n| !is_local(n) && n.is_up()) {
                let used = per_dc
                    .entry(n.datacenter().unwrap_or_default())
                    .or_insert(0);
                if *used < self.remote_per_dc {
                    *used += 1;
                    plan.push(n.clone());
                }
            }
        }
        plan
    }
}

/// Sends each request to a replica of its partition first (when the driver knows it: a
/// prepared statement with its partition key bound, in a keyspace whose replication it
/// knows), in the order the child policy ranks them, then to the rest of the child's plan.
#[derive(Debug)]
pub struct TokenAwarePolicy {
    child: Arc<dyn LoadBalancingPolicy>,
}

impl TokenAwarePolicy {
    /// Wraps `child` (e.g. [`RoundRobinPolicy`] or [`DcAwareRoundRobinPolicy`]).
    pub fn new(child: Arc<dyn LoadBalancingPolicy>) -> Self {
        TokenAwarePolicy { child }
    }
}

impl LoadBalancingPolicy for TokenAwarePolicy {
    fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        let mut plan = self.child.plan(request, nodes);
        if !request.replicas.is_empty() {
            plan.prioritize(|n| request.replicas.iter().any(|r| Arc::ptr_eq(r, n)));
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(port: u16) -> Arc<Node> {
        Arc::new(Node::new(([127, 0, 0, 1], port).into()))
    }

    fn placed(port: u16, dc: &str) -> Arc<Node> {
        let n = node(port);
        n.set_placement(Some(dc.to_owned()), None, None);
        n
    }

    #[test]
    fn dc_aware_prefers_local_nodes_and_limits_remote_ones() {
        let nodes = vec![
            placed(1, "dc1"),
            placed(2, "dc2"),
            placed(3, "dc1"),
            placed(4, "dc2"),
            node(5),
        ];
        let ports =
            |plan: QueryPlan| -> Vec<u16> { plan.iter().map(|n| n.address().port()).collect() };
        let local_only = DcAwareRoundRobinPolicy::new("dc1");
        assert_eq!(
            ports(local_only.plan(&RoutingInfo::default(), &nodes)),
            vec![1, 3, 5]
        );
        assert_eq!(
            ports(local_only.plan(&RoutingInfo::default(), &nodes)),
            vec![3, 5, 1]
        );
        let with_remote = DcAwareRoundRobinPolicy::new("dc1").with_remote_hosts_per_dc(1);
        assert_eq!(
            ports(with_remote.plan(&RoutingInfo::default(), &nodes)),
            vec![1, 3, 5, 2]
        );
    }

    #[test]
    fn an_inferred_local_dc_is_the_first_known_one_and_stays() {
        let nodes = vec![
            node(9),
            placed(1, "dc2"),
            placed(2, "dc1"),
            placed(3, "dc2"),
        ];
        let ports =
            |plan: QueryPlan| -> Vec<u16> { plan.iter().map(|n| n.address().port()).collect() };
        let policy = DcAwareRoundRobinPolicy::inferred();
        assert_eq!(
            ports(policy.plan(&RoutingInfo::default(), &nodes)),
            vec![9, 1, 3]
        );
        // A later node list in another order does not move the local data centre.
        let reordered = vec![nodes[2].clone(), nodes[1].clone(), nodes[3].clone()];
        assert_eq!(
            ports(policy.plan(&RoutingInfo::default(), &reordered)),
            vec![3, 1]
        );
        // Nothing known yet: every node is local.
        let unknown = DcAwareRoundRobinPolicy::inferred();
        assert_eq!(
            ports(unknown.plan(&RoutingInfo::default(), &[node(7), node(8)])).len(),
            2
        );
    }

    fn racked(port: u16, dc: &str, rack: &str) -> Arc<Node> {
        let n = node(port);
        n.set_placement(Some(dc.to_owned()), Some(rack.to_owned()), None);
        n
    }

    #[test]
    fn local_rack_nodes_lead_then_the_rest_of_the_local_dc() {
        let nodes = vec![
            racked(1, "dc1", "r1"),
            racked(2, "dc1", "r2"),
            racked(3, "dc1", "r1"),
            racked(4, "dc2", "r1"),
            racked(5, "dc1", "r2"),
        ];
        let ports =
            |plan: QueryPlan| -> Vec<u16> { plan.iter().map(|n| n.address().port()).collect() };
        let policy = DcAwareRoundRobinPolicy::new("dc1")
            .with_local_rack("r1")
            .with_remote_hosts_per_dc(1);
        assert_eq!(
            ports(policy.plan(&RoutingInfo::default(), &nodes)),
            vec![1, 3, 2, 5, 4]
        );
        assert_eq!(
            ports(policy.plan(&RoutingInfo::default(), &nodes)),
            vec![3, 1, 5, 2, 4]
        );
        // Token awareness keeps that order among replicas: the local-rack replica first.
        let token_aware = TokenAwarePolicy::new(Arc::new(
            DcAwareRoundRobinPolicy::new("dc1").with_local_rack("r1"),
        ));
        let replicas = vec![nodes[1].clone(), nodes[2].clone(), nodes[3].clone()];
        let info = RoutingInfo {
            replicas: &replicas,
            ..RoutingInfo::default()
        };
        for _ in 0..3 {
            let plan = ports(token_aware.plan(&info, &nodes));
            assert_eq!(&plan[..2], &[3, 2], "{plan:?}");
            assert_eq!(plan.len(), 4, "remote node left out: {plan:?}");
        }
    }

    #[test]
    fn token_aware_puts_replicas_first_in_child_order() {
        let nodes = vec![node(1), node(2), node(3), node(4)];
        let replicas = vec![nodes[3].clone(), nodes[1].clone()];
        let policy = TokenAwarePolicy::new(Arc::new(RoundRobinPolicy::new()));
        let info = RoutingInfo {
            replicas: &replicas,
            ..RoutingInfo::default()
        };
        let ports =
            |plan: QueryPlan| -> Vec<u16> { plan.iter().map(|n| n.address().port()).collect() };
        assert_eq!(ports(policy.plan(&info, &nodes)), vec![2, 4, 1, 3]);
        assert_eq!(ports(policy.plan(&info, &nodes)), vec![2, 4, 3, 1]);
        assert_eq!(ports(policy.plan(&info, &nodes)), vec![4, 2, 3, 1]);
        assert_eq!(
            ports(policy.plan(&RoutingInfo::default(), &nodes)),
            vec![4, 1, 2, 3],
            "no replicas known: the child's plan"
        );
    }

    #[test]
    fn round_robin_rotates_and_skips_down_nodes() {
        let nodes = vec![node(1), node(2), node(3)];
        let p = RoundRobinPolicy::new();
        let ports =
            |plan: QueryPlan| -> Vec<u16> { plan.iter().map(|n| n.address().port()).collect() };
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
