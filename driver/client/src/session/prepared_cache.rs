//! The session's prepared-statement cache: by query text, then by the keyspace the text was
//! prepared in, bounded to a number of statements by evicting the least recently used texts.
//!
//! Keyed by the text alone so that a hit is looked up with the caller's `&str`, without
//! building an owned key (this lookup runs on every mapper operation). Bounded because an
//! application that builds many distinct texts (literal values in the CQL, one text per
//! tenant keyspace) would otherwise grow it without limit. An evicted statement stays valid
//! on the server and in the hands of whoever holds it; `prepare` simply prepares its text
//! again the next time it is asked for.

use std::num::NonZeroUsize;
use std::sync::Arc;

use lru::LruCache;

use crate::statement::PreparedStatement;
use crate::statement::prepared::PreparedShared;

/// Statements kept when the builder sets no capacity: far more than the distinct texts of a
/// typical application, a few hundred kilobytes of metadata at most.
pub(crate) const DEFAULT_CAPACITY: NonZeroUsize = match NonZeroUsize::new(1000) {
    Some(n) => n,
    None => NonZeroUsize::MIN,
};

/// Prepared statements by text and keyspace, at most `capacity` of them.
#[derive(Debug)]
pub(crate) struct PreparedCache {
    /// Texts in recency order; each holds one statement per keyspace it was prepared in.
    entries: LruCache<String, Vec<(Option<String>, PreparedStatement)>>,
    /// Statements held (the sum of the vectors' lengths).
    len: usize,
    capacity: NonZeroUsize,
}

impl PreparedCache {
    pub(crate) fn new(capacity: NonZeroUsize) -> Self {
        PreparedCache {
            // Bounded here by statements, not by the crate's count of texts.
            entries: LruCache::unbounded(),
            len: 0,
            capacity,
        }
    }

    /// The statement prepared from `cql` in `keyspace`, marking its text as recently used.
    pub(crate) fn get(&mut self, cql: &str, keyspace: Option<&str>) -> Option<Arc<PreparedShared>> {
        self.entries
            .get(cql)?
            .iter()
            .find(|(ks, _)| ks.as_deref() == keyspace)
            .map(|(_, p)| p.shared.clone())
    }

    /// Stores (or replaces) the statement for `cql` in `keyspace`, then evicts the least
    /// recently used texts until at most `capacity` statements remain.
    pub(crate) fn insert(
        &mut self,
        cql: &str,
        keyspace: Option<String>,
        prepared: PreparedStatement,
    ) {
        match self.entries.get_mut(cql) {
            Some(variants) => match variants.iter_mut().find(|(ks, _)| *ks == keyspace) {
                Some(entry) => entry.1 = prepared,
                None => {
                    variants.push((keyspace, prepared));
                    self.len += 1;
                }
            },
            None => {
                self.entries
                    .push(cql.to_owned(), vec![(keyspace, prepared)]);
                self.len += 1;
            }
        }
        while self.len > self.capacity.get() {
            // The text just used is the most recent: evict others first.
            if self.entries.len() > 1 {
                if let Some((_, evicted)) = self.entries.pop_lru() {
                    self.len -= evicted.len();
                }
            } else if let Some(variants) = self.entries.get_mut(cql) {
                // One text prepared in more keyspaces than the capacity: drop its oldest.
                variants.remove(0);
                self.len -= 1;
            } else {
                break;
            }
        }
        crate::metrics::prepared_cache_size(self.len);
    }

    /// Statements held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use cassia_protocol::response::{Prepared, PreparedMetadata, ResultMetadata};

    use super::*;

    fn statement(cql: &str) -> PreparedStatement {
        PreparedStatement::from_prepared(
            Arc::from(cql),
            None,
            Prepared {
                id: Bytes::copy_from_slice(cql.as_bytes()),
                result_metadata_id: None,
                metadata: PreparedMetadata::default(),
                result_metadata: ResultMetadata::default(),
            },
        )
    }

    fn cache(capacity: usize) -> PreparedCache {
        PreparedCache::new(NonZeroUsize::new(capacity).expect("positive"))
    }

    #[test]
    fn least_recently_used_texts_are_evicted() {
        let mut c = cache(3);
        for t in ["a", "b", "c"] {
            c.insert(t, None, statement(t));
        }
        assert!(c.get("a", None).is_some(), "a is now the most recent");
        c.insert("d", None, statement("d"));
        assert_eq!(c.len(), 3);
        assert!(c.get("b", None).is_none(), "b was the least recently used");
        for t in ["a", "c", "d"] {
            assert!(c.get(t, None).is_some(), "{t} kept");
        }
    }

    #[test]
    fn keyspaces_count_as_statements() {
        let mut c = cache(2);
        c.insert("a", Some("k1".into()), statement("a"));
        c.insert("a", Some("k2".into()), statement("a"));
        c.insert("a", Some("k2".into()), statement("a"));
        assert_eq!(c.len(), 2, "replacing a statement does not grow the cache");
        c.insert("a", Some("k3".into()), statement("a"));
        assert_eq!(c.len(), 2);
        assert!(c.get("a", Some("k1")).is_none(), "the oldest keyspace went");
        assert!(c.get("a", Some("k3")).is_some());
        c.insert("b", None, statement("b"));
        assert_eq!(c.len(), 1, "the whole least recently used text is evicted");
        assert!(c.get("b", None).is_some());
    }

    #[test]
    fn many_texts_stay_within_capacity() {
        let mut c = cache(10);
        for i in 0..100 {
            let t = format!("SELECT {i}");
            c.insert(&t, None, statement(&t));
            assert!(c.len() <= 10);
        }
        assert_eq!(c.len(), 10);
        assert!(c.get("SELECT 99", None).is_some());
        assert!(c.get("SELECT 89", None).is_none());
    }
}
