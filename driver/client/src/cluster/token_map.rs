//! The token ring and keyspace replication, to find the replicas of a partition: what a
//! token-aware load-balancing policy needs.
//!
//! Built from the `tokens` column of `system.local` / `system.peers(_v2)` and the
//! `replication` map of `system_schema.keyspaces`. SimpleStrategy takes the next `rf`
//! distinct nodes clockwise from the token; NetworkTopologyStrategy the next `rf` distinct
//! nodes of each data centre (racks are not considered). Other strategies (LocalStrategy,
//! EverywhereStrategy, ...) have no replica list: requests fall back to the child policy.

use std::collections::HashMap;
use std::sync::Arc;

use super::Node;

/// How a keyspace is replicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replication {
    Simple { factor: usize },
    NetworkTopology { factors: HashMap<String, usize> },
    Unsupported,
}

impl Replication {
    /// Parses `system_schema.keyspaces.replication`.
    pub(crate) fn from_map(map: &[(String, String)]) -> Replication {
        let class = map
            .iter()
            .find(|(k, _)| k == "class")
            .map_or("", |(_, v)| v.as_str());
        let number = |v: &str| v.trim().parse::<usize>().ok();
        if class.ends_with("SimpleStrategy") {
            match map
                .iter()
                .find(|(k, _)| k == "replication_factor")
                .and_then(|(_, v)| number(v))
            {
                Some(factor) => Replication::Simple { factor },
                None => Replication::Unsupported,
            }
        } else if class.ends_with("NetworkTopologyStrategy") {
            let factors = map
                .iter()
                .filter(|(k, _)| k != "class")
                .filter_map(|(dc, v)| number(v).map(|f| (dc.clone(), f)))
                .collect();
            Replication::NetworkTopology { factors }
        } else {
            Replication::Unsupported
        }
    }
}

/// Token ring plus the replicas of every ring position for every keyspace (see
/// [`Session::token_map`](crate::Session::token_map)).
///
/// Replica lists are computed once when the map is built (it is rebuilt whenever the ring,
/// the nodes' placement or a keyspace's replication changes), so finding a partition's
/// replicas per request is a binary search that neither walks the ring nor allocates.
#[derive(Debug, Default)]
pub struct TokenMap {
    /// Sorted by token.
    ring: Vec<(i64, Arc<Node>)>,
    /// Per keyspace: the replicas of the range owned by each ring position, primary first.
    /// Keyspaces whose strategy is not understood are absent.
    replicas: HashMap<String, ReplicaLists>,
}

/// Replicas per ring position, shared by every keyspace with the same replication.
type ReplicaLists = Arc<[Vec<Arc<Node>>]>;

impl TokenMap {
    pub(crate) fn new(
        owners: Vec<(Arc<Node>, Vec<i64>)>,
        keyspaces: HashMap<String, Replication>,
    ) -> TokenMap {
        let mut ring: Vec<(i64, Arc<Node>)> = owners
            .into_iter()
            .flat_map(|(node, tokens)| tokens.into_iter().map(move |t| (t, node.clone())))
            .collect();
        ring.sort_by_key(|(t, _)| *t);
        TokenMap::on_ring(ring, keyspaces)
    }

    /// The same ring with other keyspaces' replication (after a schema refresh: the ring
    /// did not change, so it is not read again).
    pub(crate) fn with_replication(&self, keyspaces: HashMap<String, Replication>) -> TokenMap {
        TokenMap::on_ring(self.ring.clone(), keyspaces)
    }

    fn on_ring(ring: Vec<(i64, Arc<Node>)>, keyspaces: HashMap<String, Replication>) -> TokenMap {
        // Keyspaces usually share a handful of replication settings: each distinct one is
        // walked once and its lists shared, so start-up cost and memory do not grow with the
        // number of keyspaces.
        let mut computed: Vec<(Replication, ReplicaLists)> = Vec::new();
        let mut replicas = HashMap::new();
        if !ring.is_empty() {
            for (keyspace, replication) in keyspaces {
                if replication == Replication::Unsupported {
                    continue;
                }
                let lists = match computed.iter().find(|(r, _)| *r == replication) {
                    Some((_, lists)) => lists.clone(),
                    None => {
                        let lists: ReplicaLists = (0..ring.len())
                            .map(|i| walk(&ring, i, &replication))
                            .collect::<Vec<_>>()
                            .into();
                        computed.push((replication, lists.clone()));
                        lists
                    }
                };
                replicas.insert(keyspace, lists);
            }
        }
        TokenMap { ring, replicas }
    }

    /// The replicas of `token` (Murmur3) in `keyspace`, primary first; empty when the
    /// keyspace is unknown, its strategy is not understood, or no node reported tokens.
    pub fn replicas(&self, keyspace: &str, token: i64) -> &[Arc<Node>] {
        let Some(lists) = self.replicas.get(keyspace) else {
            return &[];
        };
        // The owner of a token is the first ring position at or after it (wrapping).
        let start = self.ring.partition_point(|(t, _)| *t < token);
        let start = if start == self.ring.len() { 0 } else { start };
        lists.get(start).map_or(&[], Vec::as_slice)
    }
}

/// The replicas of the range owned by ring position `start`: SimpleStrategy takes the next
/// `factor` distinct nodes clockwise, NetworkTopologyStrategy the next distinct nodes of each
/// data centre up to its factor.
fn walk(ring: &[(i64, Arc<Node>)], start: usize, replication: &Replication) -> Vec<Arc<Node>> {
    let clockwise = ring
        .iter()
        .cycle()
        .skip(start)
        .take(ring.len())
        .map(|(_, n)| n);
    let mut out: Vec<Arc<Node>> = Vec::new();
    match replication {
        Replication::Simple { factor } => {
            for node in clockwise {
                if out.len() >= *factor {
                    break;
                }
                if !out.iter().any(|n| Arc::ptr_eq(n, node)) {
                    out.push(node.clone());
                }
            }
        }
        Replication::NetworkTopology { factors } => {
            let wanted: usize = factors.values().sum();
            let mut taken: HashMap<String, usize> = HashMap::new();
            for node in clockwise {
                if out.len() >= wanted {
                    break;
                }
                let dc = node.datacenter().unwrap_or_default();
                let want = factors.get(&dc).copied().unwrap_or(0);
                let have = taken.entry(dc).or_insert(0);
                if *have < want && !out.iter().any(|n| Arc::ptr_eq(n, node)) {
                    *have += 1;
                    out.push(node.clone());
                }
            }
        }
        Replication::Unsupported => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(port: u16, dc: &str) -> Arc<Node> {
        let n = Arc::new(Node::new(([127, 0, 0, 1], port).into()));
        n.set_placement(Some(dc.into()), None, None);
        n
    }

    fn ports(nodes: &[Arc<Node>]) -> Vec<u16> {
        nodes.iter().map(|n| n.address().port()).collect()
    }

    #[test]
    fn simple_strategy_walks_the_ring_clockwise() {
        let (a, b, c) = (node(1, "dc1"), node(2, "dc1"), node(3, "dc1"));
        let ks = HashMap::from([
            ("one".to_owned(), Replication::Simple { factor: 1 }),
            ("two".to_owned(), Replication::Simple { factor: 2 }),
        ]);
        let map = TokenMap::new(vec![(a, vec![-100, 200]), (b, vec![0]), (c, vec![100])], ks);
        assert_eq!(ports(map.replicas("one", -150)), vec![1]);
        assert_eq!(
            ports(map.replicas("one", -100)),
            vec![1],
            "a token owns itself"
        );
        assert_eq!(ports(map.replicas("one", 50)), vec![3]);
        assert_eq!(ports(map.replicas("one", 300)), vec![1], "wraps around");
        assert_eq!(ports(map.replicas("two", 1)), vec![3, 1]);
        assert_eq!(ports(map.replicas("two", 150)), vec![1, 2]);
        assert!(map.replicas("unknown", 0).is_empty());
    }

    #[test]
    fn keyspaces_with_the_same_replication_share_one_walk() {
        let (a, b) = (node(1, "dc1"), node(2, "dc1"));
        let ks = HashMap::from([
            ("x".to_owned(), Replication::Simple { factor: 1 }),
            ("y".to_owned(), Replication::Simple { factor: 1 }),
            ("z".to_owned(), Replication::Simple { factor: 2 }),
            ("local".to_owned(), Replication::Unsupported),
        ]);
        let map = TokenMap::new(vec![(a, vec![0]), (b, vec![100])], ks);
        let lists = |k: &str| map.replicas.get(k).expect("known keyspace").clone();
        assert!(Arc::ptr_eq(&lists("x"), &lists("y")));
        assert!(!Arc::ptr_eq(&lists("x"), &lists("z")));
        assert_eq!(ports(map.replicas("y", 50)), vec![2]);
        assert_eq!(ports(map.replicas("z", 50)), vec![2, 1]);
        assert!(
            map.replicas("local", 50).is_empty(),
            "no replica list for other strategies"
        );
    }

    #[test]
    fn network_topology_takes_the_factor_of_each_dc() {
        let nodes = [
            node(1, "dc1"),
            node(2, "dc2"),
            node(3, "dc1"),
            node(4, "dc2"),
        ];
        let owners = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), vec![i as i64 * 10]))
            .collect();
        let repl = Replication::from_map(&[
            (
                "class".into(),
                "org.apache.cassandra.locator.NetworkTopologyStrategy".into(),
            ),
            ("dc1".into(), "1".into()),
            ("dc2".into(), "2".into()),
        ]);
        let map = TokenMap::new(owners, HashMap::from([("ks".to_owned(), repl)]));
        assert_eq!(ports(map.replicas("ks", 5)), vec![2, 3, 4]);
        assert_eq!(
            Replication::from_map(&[
                (
                    "class".into(),
                    "org.apache.cassandra.locator.SimpleStrategy".into()
                ),
                ("replication_factor".into(), "3".into()),
            ]),
            Replication::Simple { factor: 3 }
        );
        assert_eq!(
            Replication::from_map(&[("class".into(), "LocalStrategy".into())]),
            Replication::Unsupported
        );
    }
}
