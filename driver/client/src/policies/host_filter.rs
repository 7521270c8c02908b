//! [`HostFilterPolicy`]: keeps some nodes out of every query plan (a data centre being
//! decommissioned, analytics nodes, a node under maintenance), whatever the wrapped policy
//! would choose.

use std::sync::Arc;

use super::load_balancing::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use crate::cluster::Node;

/// A node predicate shared by the policy's clones.
type Predicate = Arc<dyn Fn(&Node) -> bool + Send + Sync>;

/// Wraps a policy and drops the nodes `predicate` rejects from its plans: those nodes never
/// coordinate a request. The wrapped policy only sees the accepted nodes, so its round robin
/// spreads requests over them evenly.
///
/// The session still keeps its pool of connections to a filtered node (its metadata and
/// events stay current); to keep a node out entirely, leave it out of the contact points and
/// filter it here.
///
/// ```
/// use std::sync::Arc;
/// use cassia_driver::ExecutionProfile;
/// use cassia_driver::policies::{DcAwareRoundRobinPolicy, HostFilterPolicy, TokenAwarePolicy};
///
/// let child = Arc::new(TokenAwarePolicy::new(Arc::new(DcAwareRoundRobinPolicy::new("dc1"))));
/// let policy = HostFilterPolicy::new(child, |node| node.rack().as_deref() != Some("rack9"));
/// let profile = ExecutionProfile::new().with_load_balancing_policy(Arc::new(policy));
/// # let _ = profile;
/// ```
#[derive(Clone)]
pub struct HostFilterPolicy {
    child: Arc<dyn LoadBalancingPolicy>,
    predicate: Predicate,
}

impl std::fmt::Debug for HostFilterPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostFilterPolicy")
            .field("child", &self.child)
            .finish_non_exhaustive()
    }
}

impl HostFilterPolicy {
    /// Plans with `child` over the nodes for which `predicate` returns `true`.
    pub fn new(
        child: Arc<dyn LoadBalancingPolicy>,
        predicate: impl Fn(&Node) -> bool + Send + Sync + 'static,
    ) -> Self {
        HostFilterPolicy {
            child,
            predicate: Arc::new(predicate),
        }
    }

    /// Whether `node` may coordinate requests.
    pub fn accepts(&self, node: &Node) -> bool {
        (self.predicate)(node)
    }
}

impl LoadBalancingPolicy for HostFilterPolicy {
    fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        let accepted: Vec<Arc<Node>> = nodes.iter().filter(|n| self.accepts(n)).cloned().collect();
        // Filtered again: a child may add nodes of its own (replicas from `request`).
        self.child
            .plan(request, &accepted)
            .into_iter()
            .filter(|n| self.accepts(n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policies::{RoundRobinPolicy, TokenAwarePolicy};

    fn node(port: u16) -> Arc<Node> {
        Arc::new(Node::new(([127, 0, 0, 1], port).into()))
    }

    #[test]
    fn rejected_nodes_never_appear_and_the_rest_rotate() {
        let nodes = vec![node(1), node(2), node(3)];
        let policy = HostFilterPolicy::new(
            Arc::new(TokenAwarePolicy::new(Arc::new(RoundRobinPolicy::new()))),
            |n| n.address().port() != 2,
        );
        let replicas = vec![nodes[1].clone(), nodes[2].clone()];
        let info = RoutingInfo {
            replicas: &replicas,
            ..RoutingInfo::default()
        };
        let mut leaders = Vec::new();
        for _ in 0..4 {
            let plan: Vec<u16> = policy
                .plan(&RoutingInfo::default(), &nodes)
                .iter()
                .map(|n| n.address().port())
                .collect();
            assert_eq!(plan.len(), 2, "{plan:?}");
            assert!(!plan.contains(&2), "{plan:?}");
            leaders.push(plan[0]);
        }
        assert_eq!(leaders, vec![1, 3, 1, 3]);
        // A rejected replica is not put first: the accepted replica is.
        let plan: Vec<u16> = policy
            .plan(&info, &nodes)
            .iter()
            .map(|n| n.address().port())
            .collect();
        assert_eq!(plan.first(), Some(&3), "{plan:?}");
        assert!(!plan.contains(&2));
    }
}
