//! Fault rules, in the manner of Simulacron and scylla-proxy: for requests matching a node,
//! an opcode and/or a CQL pattern, delay the response, answer with an error, never answer, or
//! close the connection; a given number of times or with a probability drawn from a seeded
//! (so reproducible) generator.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cassia_emulator::StartError> {
//! use cassia_emulator::{Fault, FaultRule};
//! use cassia_protocol::consistency::Consistency;
//! use cassia_protocol::frame::Opcode;
//!
//! let cluster = cassia_emulator::Emulator::builder().nodes(3).start().await?;
//! let id = cluster.add_rule(
//!     FaultRule::new()
//!         .node(1)
//!         .opcode(Opcode::Query)
//!         .cql_contains("users")
//!         .then(Fault::read_timeout(Consistency::Quorum, 1, 2, false))
//!         .times(3),
//! );
//! // ... requests to node 1 mentioning `users` time out three times ...
//! cluster.remove_rule(id);
//! # Ok(())
//! # }
//! ```
//!
//! A rule without `opcode` matches QUERY, PREPARE, EXECUTE and BATCH only, so the handshake is
//! never disturbed by accident; name STARTUP, OPTIONS or REGISTER explicitly to fault those.
//! The CQL of an EXECUTE is its prepared statement's text; of a BATCH, its statements' texts
//! joined by `; `. Rules are tried in the order they were added; the first that matches and
//! fires decides (a rule whose dice say no lets the next rules try).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::Opcode;
use cassia_protocol::response::{ErrorKind, ServerError, WriteType};

use super::availability::name;

/// What a matching request gets instead of its normal treatment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Executes the request, then sends the response this much later (other requests on the
    /// connection are answered meanwhile).
    Delay(Duration),
    /// Answers with this error instead of executing (encoded for the connection's protocol
    /// version: v5 adds the CAS contentions of a write timeout, for example).
    Error(ServerError),
    /// Never answers and does not execute: the client times out.
    Drop,
    /// Closes the connection without answering (and without executing).
    CloseConnection,
}

impl Fault {
    /// `Unavailable` with Cassandra's message.
    pub fn unavailable(consistency: Consistency, required: i32, alive: i32) -> Fault {
        Fault::Error(ServerError {
            kind: ErrorKind::Unavailable {
                consistency,
                required,
                alive,
            },
            message: format!("Cannot achieve consistency level {}", name(consistency)),
        })
    }

    /// `Read_timeout` with Cassandra's message.
    pub fn read_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        data_present: bool,
    ) -> Fault {
        Fault::Error(ServerError {
            kind: ErrorKind::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            },
            message: format!("Operation timed out - received only {received} responses."),
        })
    }

    /// `Write_timeout` with Cassandra's message (contentions are sent for CAS in v5 only).
    pub fn write_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        write_type: WriteType,
    ) -> Fault {
        let contentions = (write_type == WriteType::Cas).then_some(0);
        Fault::Error(ServerError {
            kind: ErrorKind::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions,
            },
            message: format!("Operation timed out - received only {received} responses."),
        })
    }

    /// `Overloaded`.
    pub fn overloaded() -> Fault {
        Fault::Error(ServerError {
            kind: ErrorKind::Overloaded,
            message: "Server is in overloaded state. Cannot accept more requests at this point"
                .to_owned(),
        })
    }

    /// `Is_bootstrapping`.
    pub fn is_bootstrapping() -> Fault {
        Fault::Error(ServerError {
            kind: ErrorKind::IsBootstrapping,
            message: "Cannot read from a bootstrapping node".to_owned(),
        })
    }

    /// `Server_error` with `message`.
    pub fn server_error(message: impl Into<String>) -> Fault {
        Fault::Error(ServerError {
            kind: ErrorKind::ServerError,
            message: message.into(),
        })
    }
}

/// Which requests a rule applies to, what it does, and how often.
#[derive(Debug, Clone)]
#[must_use]
pub struct FaultRule {
    node: Option<usize>,
    opcode: Option<Opcode>,
    cql: Option<Pattern>,
    fault: Fault,
    times: Option<u64>,
    probability: Option<(f64, u64)>,
}

#[derive(Debug, Clone)]
enum Pattern {
    Contains(String),
    /// `*` matches any run of characters; the whole text must match.
    Wildcard(String),
}

impl Default for FaultRule {
    fn default() -> Self {
        FaultRule::new()
    }
}

impl FaultRule {
    /// A rule matching every data request (QUERY, PREPARE, EXECUTE, BATCH) on every node,
    /// dropping it; narrow it and pick the fault with the methods below.
    pub fn new() -> FaultRule {
        FaultRule {
            node: None,
            opcode: None,
            cql: None,
            fault: Fault::Drop,
            times: None,
            probability: None,
        }
    }

    /// Only requests sent to node `index`.
    pub fn node(mut self, index: usize) -> Self {
        self.node = Some(index);
        self
    }

    /// Only requests with this opcode.
    pub fn opcode(mut self, opcode: Opcode) -> Self {
        self.opcode = Some(opcode);
        self
    }

    /// Only requests whose CQL contains `text` (case-insensitive).
    pub fn cql_contains(mut self, text: impl Into<String>) -> Self {
        self.cql = Some(Pattern::Contains(text.into().to_lowercase()));
        self
    }

    /// Only requests whose whole CQL matches `pattern`, where `*` stands for any text
    /// (case-insensitive): `"SELECT * FROM ks.users WHERE*"`.
    pub fn cql_matches(mut self, pattern: impl Into<String>) -> Self {
        self.cql = Some(Pattern::Wildcard(pattern.into().to_lowercase()));
        self
    }

    /// What matching requests get (default: [`Fault::Drop`]).
    pub fn then(mut self, fault: Fault) -> Self {
        self.fault = fault;
        self
    }

    /// Applies `n` times, then stays inert (it is not removed, so a test can still see it).
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Applies to each match with probability `p` (0 to 1), drawn from a generator seeded
    /// with `seed`: the same requests in the same order fault the same way on every run.
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.probability = Some((p.clamp(0.0, 1.0), seed));
        self
    }

    fn matches(&self, node: usize, opcode: Opcode, cql: Option<&str>) -> bool {
        if self.node.is_some_and(|n| n != node) {
            return false;
        }
        let opcode_ok = match self.opcode {
            Some(o) => o == opcode,
            None => matches!(
                opcode,
                Opcode::Query | Opcode::Prepare | Opcode::Execute | Opcode::Batch
            ),
        };
        if !opcode_ok {
            return false;
        }
        match &self.cql {
            None => true,
            Some(pattern) => {
                let Some(text) = cql else { return false };
                let text = text.to_lowercase();
                match pattern {
                    Pattern::Contains(p) => text.contains(p.as_str()),
                    Pattern::Wildcard(p) => wildcard(p, &text),
                }
            }
        }
    }

    /// Whether the rule needs the request's CQL text.
    pub(crate) fn wants_cql(&self) -> bool {
        self.cql.is_some()
    }
}

/// `*`-wildcard match of the whole `text`.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Identifies an added rule, to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleId(pub u64);

#[derive(Debug)]
struct Active {
    id: RuleId,
    rule: FaultRule,
    remaining: Option<u64>,
    rng: u64,
}

/// The rules in force, shared by every node.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    rules: Mutex<Vec<Active>>,
    /// Lets the connections skip all of this when no rule exists (the common case).
    any: AtomicBool,
    next_id: AtomicU64,
}

impl FaultSet {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Active>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn add(&self, rule: FaultRule) -> RuleId {
        let id = RuleId(self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let mut rules = self.lock();
        rules.push(Active {
            id,
            remaining: rule.times,
            rng: rule.probability.map_or(0, |(_, seed)| seed),
            rule,
        });
        self.any.store(true, Ordering::Release);
        id
    }

    /// Removes a rule; `false` if there was none with this id.
    pub(crate) fn remove(&self, id: RuleId) -> bool {
        let mut rules = self.lock();
        let before = rules.len();
        rules.retain(|a| a.id != id);
        self.any.store(!rules.is_empty(), Ordering::Release);
        rules.len() != before
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
        self.any.store(false, Ordering::Release);
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.any.load(Ordering::Acquire)
    }

    /// Whether some rule would look at the CQL text (computing it costs a lookup).
    pub(crate) fn wants_cql(&self) -> bool {
        self.lock().iter().any(|a| a.rule.wants_cql())
    }

    /// The fault for this request, if a rule fires (consuming one of its uses).
    pub(crate) fn decide(&self, node: usize, opcode: Opcode, cql: Option<&str>) -> Option<Fault> {
        if self.is_empty() {
            return None;
        }
        let mut rules = self.lock();
        for active in rules.iter_mut() {
            if active.remaining == Some(0) || !active.rule.matches(node, opcode, cql) {
                continue;
            }
            if let Some((p, _)) = active.rule.probability {
                if unit(&mut active.rng) >= p {
                    continue;
                }
            }
            if let Some(left) = active.remaining.as_mut() {
                *left -= 1;
            }
            return Some(active.rule.fault.clone());
        }
        None
    }
}

/// A uniform draw in [0, 1) from SplitMix64: tiny, seedable and good enough for dice.
fn unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_whole_text() {
        assert!(wildcard(
            "select * from ks.users*",
            "select a from ks.users where k = 1"
        ));
        assert!(!wildcard(
            "select * from ks.users",
            "select a from ks.users where k = 1"
        ));
        assert!(wildcard("*users*", "insert into users (k) values (1)"));
        assert!(!wildcard("*users*x", "users"));
        assert!(wildcard("abc", "abc"));
    }

    #[test]
    fn times_and_filters() {
        let set = FaultSet::default();
        let id = set.add(
            FaultRule::new()
                .node(1)
                .cql_contains("USERS")
                .then(Fault::overloaded())
                .times(2),
        );
        assert_eq!(
            set.decide(0, Opcode::Query, Some("select * from users")),
            None
        );
        assert_eq!(
            set.decide(1, Opcode::Query, Some("select * from items")),
            None
        );
        assert_eq!(set.decide(1, Opcode::Options, None), None);
        assert!(
            set.decide(1, Opcode::Query, Some("select * from users"))
                .is_some()
        );
        assert!(
            set.decide(1, Opcode::Execute, Some("select * from users"))
                .is_some()
        );
        assert_eq!(
            set.decide(1, Opcode::Query, Some("select * from users")),
            None
        );
        assert!(set.remove(id));
        assert!(!set.remove(id));
        assert!(set.is_empty());
    }

    #[test]
    fn probability_is_reproducible() {
        let draw = || {
            let set = FaultSet::default();
            set.add(FaultRule::new().probability(0.5, 42));
            (0..64)
                .map(|_| set.decide(0, Opcode::Query, None).is_some())
                .collect::<Vec<_>>()
        };
        let first = draw();
        assert_eq!(first, draw());
        let hits = first.iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "about half fire: {hits}");
    }
}
