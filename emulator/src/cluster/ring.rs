//! The token ring of the simulated cluster and where keyspaces put their replicas.
//!
//! Tokens are deterministic so tests are reproducible: the nodes a cluster starts with get
//! evenly interleaved tokens (token `j` of node `i` among `n` nodes with `t` tokens each is
//! `i64::MIN + step * (j * n + i + 1)`, `step = 2^64 / (n * t)`), and a node added later takes
//! the midpoints of the widest ranges. Replica placement follows Cassandra 4.0's
//! `SimpleStrategy` (the next RF distinct nodes clockwise) and `NetworkTopologyStrategy`
//! (per data centre, the next RF nodes of that DC clockwise, distinct racks first, rack
//! repeats allowed only once every rack is used), so availability matches a real cluster.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Cassandra's replication strategies, as far as placement is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// Node-local keyspaces (`system`, `system_schema`, ...): always served locally.
    Local,
    Simple(usize),
    /// Replication factor per data centre (DCs not listed hold no replica).
    Network(BTreeMap<String, usize>),
}

impl Strategy {
    /// Reads `system_schema.keyspaces.replication`; anything not understood is local.
    pub(crate) fn from_replication(map: &BTreeMap<String, String>) -> Strategy {
        let class = map.get("class").map_or("", String::as_str);
        // `3` or Cassandra 4's transient form `3/1`: the full count is what we simulate.
        let rf = |v: &str| v.split('/').next().and_then(|n| n.trim().parse().ok());
        if class.ends_with("SimpleStrategy") {
            Strategy::Simple(
                map.get("replication_factor")
                    .and_then(|v| rf(v))
                    .unwrap_or(1),
            )
        } else if class.ends_with("NetworkTopologyStrategy") {
            Strategy::Network(
                map.iter()
                    .filter(|(k, _)| *k != "class")
                    .filter_map(|(dc, v)| rf(v).map(|n| (dc.clone(), n)))
                    .collect(),
            )
        } else {
            Strategy::Local
        }
    }

    /// The total replication factor (Cassandra's `getReplicationFactor().allReplicas`).
    pub(crate) fn total(&self) -> usize {
        match self {
            Strategy::Local => 1,
            Strategy::Simple(rf) => *rf,
            Strategy::Network(dcs) => dcs.values().sum(),
        }
    }
}

/// Placement facts of one ring member.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub node: usize,
    pub datacenter: String,
    pub rack: String,
    pub tokens: Vec<i64>,
}

/// The ring: every token with its owner, sorted by token.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ring {
    tokens: Vec<(i64, usize)>,
    /// Data centre and rack by node index.
    placement: HashMap<usize, (String, String)>,
}

impl Ring {
    pub(crate) fn new(members: &[Member]) -> Ring {
        let mut tokens: Vec<(i64, usize)> = members
            .iter()
            .flat_map(|m| m.tokens.iter().map(move |t| (*t, m.node)))
            .collect();
        tokens.sort_unstable();
        let placement = members
            .iter()
            .map(|m| (m.node, (m.datacenter.clone(), m.rack.clone())))
            .collect();
        Ring { tokens, placement }
    }

    /// Every token on the ring, ascending (one per vnode range: the range ends there).
    pub(crate) fn tokens(&self) -> impl Iterator<Item = i64> + '_ {
        self.tokens.iter().map(|(t, _)| *t)
    }

    /// The replicas of the partition with `token`, primary first. Local keyspaces have no
    /// ring replicas (an empty list: the coordinator serves them itself).
    pub(crate) fn replicas(&self, strategy: &Strategy, token: i64) -> Vec<usize> {
        if self.tokens.is_empty() {
            return Vec::new();
        }
        // The range (previous, t] belongs to the first token >= the partition's token.
        let start = self.tokens.partition_point(|(t, _)| *t < token) % self.tokens.len();
        let walk = (0..self.tokens.len()).map(|i| self.tokens[(start + i) % self.tokens.len()].1);
        match strategy {
            Strategy::Local => Vec::new(),
            Strategy::Simple(rf) => {
                let mut out = Vec::with_capacity(*rf);
                for node in walk {
                    if out.len() >= *rf {
                        break;
                    }
                    if !out.contains(&node) {
                        out.push(node);
                    }
                }
                out
            }
            Strategy::Network(factors) => self.network_replicas(factors, walk),
        }
    }

    /// `NetworkTopologyStrategy.calculateNaturalReplicas` of Cassandra 4.0.
    fn network_replicas(
        &self,
        factors: &BTreeMap<String, usize>,
        walk: impl Iterator<Item = usize>,
    ) -> Vec<usize> {
        struct Dc {
            rf_left: usize,
            /// May go negative: more racks than replicas.
            acceptable_rack_repeats: i64,
            racks: HashSet<String>,
        }
        let mut dcs: HashMap<&str, Dc> = HashMap::new();
        for (dc, rf) in factors.iter().filter(|(_, rf)| **rf > 0) {
            let nodes: Vec<&(String, String)> =
                self.placement.values().filter(|(d, _)| d == dc).collect();
            let racks: HashSet<&str> = nodes.iter().map(|(_, r)| r.as_str()).collect();
            if nodes.is_empty() {
                continue;
            }
            dcs.insert(
                dc.as_str(),
                Dc {
                    rf_left: (*rf).min(nodes.len()),
                    acceptable_rack_repeats: *rf as i64 - racks.len() as i64,
                    racks: HashSet::new(),
                },
            );
        }
        let mut out: Vec<usize> = Vec::new();
        let mut to_fill = dcs.values().filter(|d| d.rf_left > 0).count();
        for node in walk {
            if to_fill == 0 {
                break;
            }
            let Some((dc_name, rack)) = self.placement.get(&node) else {
                continue;
            };
            let Some(dc) = dcs.get_mut(dc_name.as_str()) else {
                continue;
            };
            if dc.rf_left == 0 || out.contains(&node) {
                continue;
            }
            if dc.racks.insert(rack.clone()) {
                dc.rf_left -= 1;
            } else if dc.acceptable_rack_repeats > 0 {
                dc.acceptable_rack_repeats -= 1;
                dc.rf_left -= 1;
            } else {
                continue;
            }
            out.push(node);
            if dc.rf_left == 0 {
                to_fill -= 1;
            }
        }
        out
    }
}

/// Tokens of the nodes a cluster starts with: `count` nodes, `per_node` tokens each, evenly
/// interleaved around the ring (see the module docs for the formula).
pub(crate) fn initial_tokens(count: usize, per_node: usize) -> Vec<Vec<i64>> {
    let total = (count * per_node).max(1) as i128;
    let step = (1i128 << 64) / total;
    (0..count)
        .map(|i| {
            (0..per_node)
                .map(|j| {
                    let pos = (j * count + i + 1) as i128;
                    // At most MIN + 2^64 - 1 = MAX: always in range.
                    i64::try_from(i64::MIN as i128 + step * pos).unwrap_or(i64::MAX)
                })
                .collect()
        })
        .collect()
}

/// Tokens for a node joining `existing`: the midpoints of the widest ranges, one at a time,
/// so the ring stays balanced and the choice is deterministic.
pub(crate) fn joining_tokens(existing: &[i64], count: usize) -> Vec<i64> {
    let mut ring: Vec<i64> = existing.to_vec();
    ring.sort_unstable();
    ring.dedup();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let token = if ring.is_empty() {
            0
        } else {
            // Range i ends at ring[i] and starts after its predecessor (wrapping).
            let n = ring.len();
            let (mut best_start, mut best_width) = (0i128, -1i128);
            for i in 0..n {
                let end = ring[i] as i128;
                let start = if i == 0 {
                    ring[n - 1] as i128 - (1i128 << 64)
                } else {
                    ring[i - 1] as i128
                };
                if end - start > best_width {
                    (best_start, best_width) = (start, end - start);
                }
            }
            let mid = best_start + best_width / 2;
            let wrapped = if mid < i64::MIN as i128 {
                mid + (1i128 << 64)
            } else {
                mid
            };
            // i64::MIN is the partitioner's reserved minimum, never a node's token.
            i64::try_from(wrapped).unwrap_or(i64::MAX).max(i64::MIN + 1)
        };
        if let Err(pos) = ring.binary_search(&token) {
            ring.insert(pos, token);
            out.push(token);
        } else {
            // Only possible on a ring with ranges of width 1: nothing left to split.
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(node: usize, dc: &str, rack: &str, tokens: &[i64]) -> Member {
        Member {
            node,
            datacenter: dc.to_owned(),
            rack: rack.to_owned(),
            tokens: tokens.to_vec(),
        }
    }

    #[test]
    fn initial_tokens_interleave_evenly() {
        let t = initial_tokens(3, 2);
        let step = (1i128 << 64) / 6;
        let at = |k: i128| (i64::MIN as i128 + k * step) as i64;
        assert_eq!(t[0], vec![at(1), at(4)]);
        assert_eq!(t[1], vec![at(2), at(5)]);
        assert_eq!(t[2], vec![at(3), at(6)]);
        // Hand-checked: the third node's last token is just below the top of the ring.
        assert_eq!(t[2][1], 9_223_372_036_854_775_804);
        assert_eq!(initial_tokens(1, 1), vec![vec![i64::MAX]]);
    }

    #[test]
    fn joining_tokens_split_widest_ranges() {
        // The wide range wraps around: its midpoint is the bottom of the ring.
        assert_eq!(joining_tokens(&[-100, 100], 1), vec![i64::MIN + 1]);
        assert_eq!(
            joining_tokens(&[-100, 100, i64::MIN + 1], 1),
            vec![(1i64 << 62) + 50]
        );
        let got = joining_tokens(&[0], 2);
        assert_eq!(got.len(), 2);
        assert!(!got.contains(&0));
    }

    #[test]
    fn simple_strategy_walks_clockwise() {
        let ring = Ring::new(&[
            member(0, "dc1", "r1", &[10]),
            member(1, "dc1", "r1", &[20]),
            member(2, "dc1", "r1", &[30]),
        ]);
        assert_eq!(ring.replicas(&Strategy::Simple(2), 15), vec![1, 2]);
        assert_eq!(ring.replicas(&Strategy::Simple(2), 20), vec![1, 2]);
        assert_eq!(ring.replicas(&Strategy::Simple(2), 31), vec![0, 1]);
        assert_eq!(ring.replicas(&Strategy::Simple(5), 0), vec![0, 1, 2]);
    }

    #[test]
    fn network_strategy_prefers_distinct_racks() {
        // dc1: nodes 0 (r1), 1 (r1), 2 (r2); dc2: node 3.
        let ring = Ring::new(&[
            member(0, "dc1", "r1", &[10]),
            member(1, "dc1", "r1", &[20]),
            member(2, "dc1", "r2", &[30]),
            member(3, "dc2", "r1", &[40]),
        ]);
        let nts = Strategy::Network(BTreeMap::from([("dc1".into(), 2), ("dc2".into(), 1)]));
        // From 5: node 0 (r1), node 1 skipped (r1 again, no repeats allowed), node 2 (r2).
        assert_eq!(ring.replicas(&nts, 5), vec![0, 2, 3]);
        let rf3 = Strategy::Network(BTreeMap::from([("dc1".into(), 3)]));
        // Three replicas over two racks: one repeat allowed, taken by the first candidate.
        assert_eq!(ring.replicas(&rf3, 5), vec![0, 1, 2]);
    }
}
