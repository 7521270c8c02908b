//! Statement texts cached per *shape*: what a builder's CQL depends on (model, which
//! columns, which operators, how many markers, literal limits), encoded as a few integers.
//!
//! Rendering CQL on every call (quoting identifiers, joining names, formatting limits) and
//! then hashing the fresh text to find its prepared statement was most of the mapper's
//! per-operation cost. A shape key is built on the stack, looked up under a read lock, and
//! maps to one shared `Arc<str>`: the same text object for every run of that shape, so the
//! driver's prepared cache is hit without any new string. Only texts of builders that built
//! successfully are stored, so a hit never skips a check that could have failed.
//!
//! A per-call keyspace override (`.keyspace("tenant_42")`) changes the text (the table is
//! qualified with it), so texts are kept per keyspace too, compared by the exact name. The
//! shapes of a program are finite, but the keyspaces of a multi-tenant service may not be:
//! texts are kept for at most [`MAX_KEYSPACES`] overriding keyspaces per model, and those of
//! further keyspaces are rendered on every call instead of growing the cache.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, PoisonError, RwLock};

/// Most integers a key holds; longer shapes are simply not cached.
const CAPACITY: usize = 48;

/// Overriding keyspaces whose texts are kept, per model.
const MAX_KEYSPACES: usize = 1024;

/// A shape key under construction (on the stack, no allocation).
pub(crate) struct ShapeKey<'k> {
    model: TypeId,
    /// The per-call keyspace the text names instead of the model's, if any.
    keyspace: Option<&'k str>,
    parts: [u64; CAPACITY],
    len: usize,
    overflow: bool,
}

impl<'k> ShapeKey<'k> {
    /// A key for model `M`'s statement kind `tag`, in the model's own keyspace.
    pub(crate) fn new<M: 'static>(tag: u64) -> Self {
        let mut key = ShapeKey {
            model: TypeId::of::<M>(),
            keyspace: None,
            parts: [0; CAPACITY],
            len: 0,
            overflow: false,
        };
        key.push(tag);
        key
    }

    /// The statement runs in `keyspace` (a per-call override) when it is `Some`.
    pub(crate) fn in_keyspace(&mut self, keyspace: Option<&'k str>) {
        self.keyspace = keyspace;
    }

    /// Appends one part.
    pub(crate) fn push(&mut self, part: u64) {
        match self.parts.get_mut(self.len) {
            Some(slot) => {
                *slot = part;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }

    /// Appends a `usize` (indexes, counts).
    pub(crate) fn push_usize(&mut self, part: usize) {
        self.push(u64::try_from(part).unwrap_or(u64::MAX));
    }

    /// Appends an optional `i32` (limits), distinguishing `None` from every value.
    pub(crate) fn push_opt_i32(&mut self, v: Option<i32>) {
        match v {
            // i32 values fit in the low 32 bits; `None` sets bit 32, which no value has.
            Some(n) => self.push(u64::from(n as u32)),
            None => self.push(1 << 32),
        }
    }

    /// Appends a static name by address and length: equal parts mean the same text (the
    /// converse need not hold; equal names at different addresses only cost a second entry).
    pub(crate) fn push_name(&mut self, name: &'static str) {
        self.push(name.as_ptr() as u64);
        self.push_usize(name.len());
    }

    fn parts(&self) -> Option<&[u64]> {
        if self.overflow {
            return None;
        }
        self.parts.get(..self.len)
    }
}

/// A multiply-rotate hasher (the Fx scheme) for keys made of a few integers: SipHash's
/// protection against chosen keys is not needed for keys the program itself derives from
/// types, and was a visible part of a lookup's cost.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fast = BuildHasherDefault<WordHasher>;

type Texts = HashMap<Box<[u64]>, Arc<str>, Fast>;

/// One model's texts.
#[derive(Default)]
struct ModelTexts {
    /// In the model's own keyspace (or the session's).
    own: Texts,
    /// By overriding keyspace. Hashed with std's SipHash, not the word hasher: these names
    /// may come from outside the program (tenant ids).
    overridden: HashMap<Box<str>, Texts>,
}

type Cache = HashMap<TypeId, ModelTexts, Fast>;

static CACHE: RwLock<Option<Cache>> = RwLock::new(None);

/// The text cached for `key`, if any.
pub(crate) fn get(key: &ShapeKey<'_>) -> Option<Arc<str>> {
    let parts = key.parts()?;
    let cache = CACHE.read().unwrap_or_else(PoisonError::into_inner);
    let model = cache.as_ref()?.get(&key.model)?;
    let texts = match key.keyspace {
        None => &model.own,
        Some(ks) => model.overridden.get(ks)?,
    };
    texts.get(parts).cloned()
}

/// Stores `cql` for `key` (when the key is cacheable) and returns the shared text.
pub(crate) fn insert(key: &ShapeKey<'_>, cql: String) -> Arc<str> {
    let cql: Arc<str> = Arc::from(cql);
    if let Some(parts) = key.parts() {
        let mut cache = CACHE.write().unwrap_or_else(PoisonError::into_inner);
        let model = cache
            .get_or_insert_with(HashMap::default)
            .entry(key.model)
            .or_default();
        let texts = match key.keyspace {
            None => Some(&mut model.own),
            Some(ks) if model.overridden.contains_key(ks) => model.overridden.get_mut(ks),
            Some(_) if model.overridden.len() >= MAX_KEYSPACES => None,
            Some(ks) => Some(model.overridden.entry(ks.into()).or_default()),
        };
        if let Some(texts) = texts {
            texts.insert(parts.into(), cql.clone());
        }
    }
    cql
}

#[cfg(test)]
mod tests {
    use super::*;

    struct A;
    struct B;

    #[test]
    fn keys_are_per_model_and_exact() {
        let mut a = ShapeKey::new::<A>(90);
        a.push(1);
        let mut b = ShapeKey::new::<B>(90);
        b.push(1);
        assert!(get(&a).is_none());
        insert(&a, "SELECT a".to_owned());
        assert_eq!(get(&a).as_deref(), Some("SELECT a"));
        assert!(get(&b).is_none(), "another model never shares a text");
        let mut longer = ShapeKey::new::<A>(90);
        longer.push(1);
        longer.push(0);
        assert!(get(&longer).is_none(), "a prefix is a different shape");
    }

    #[test]
    fn limits_none_differs_from_every_value() {
        let mut none = ShapeKey::new::<A>(91);
        none.push_opt_i32(None);
        insert(&none, "none".to_owned());
        for v in [0, -1, i32::MAX, i32::MIN] {
            let mut some = ShapeKey::new::<A>(91);
            some.push_opt_i32(Some(v));
            assert!(get(&some).is_none(), "{v}");
        }
    }

    #[test]
    fn keyspaces_are_part_of_the_key() {
        let mut own = ShapeKey::new::<A>(93);
        own.push(1);
        insert(&own, "SELECT FROM t".to_owned());
        let tenant = String::from("tenant_1");
        let mut t1 = ShapeKey::new::<A>(93);
        t1.in_keyspace(Some(&tenant));
        t1.push(1);
        assert!(get(&t1).is_none(), "the model's text is not a tenant's");
        insert(&t1, "SELECT FROM tenant_1.t".to_owned());
        let mut t2 = ShapeKey::new::<A>(93);
        t2.in_keyspace(Some("tenant_2"));
        t2.push(1);
        assert!(get(&t2).is_none(), "nor is another tenant's");
        assert_eq!(get(&t1).as_deref(), Some("SELECT FROM tenant_1.t"));
        assert_eq!(get(&own).as_deref(), Some("SELECT FROM t"));
    }

    #[test]
    fn overriding_keyspaces_are_bounded_per_model() {
        struct C;
        for i in 0..MAX_KEYSPACES + 10 {
            let ks = format!("ks_{i}");
            let mut k = ShapeKey::new::<C>(94);
            k.in_keyspace(Some(&ks));
            let text = insert(&k, format!("text {i}"));
            assert_eq!(
                &*text,
                format!("text {i}"),
                "the text is returned either way"
            );
            assert_eq!(get(&k).is_some(), i < MAX_KEYSPACES, "{i}");
        }
        let mut first = ShapeKey::new::<C>(94);
        first.in_keyspace(Some("ks_0"));
        first.push(7);
        insert(&first, "another shape".to_owned());
        assert!(get(&first).is_some(), "a kept keyspace takes new shapes");
    }

    #[test]
    fn overflowing_keys_are_not_cached() {
        let mut k = ShapeKey::new::<A>(92);
        for i in 0..CAPACITY as u64 {
            k.push(i);
        }
        let text = insert(&k, "long".to_owned());
        assert_eq!(&*text, "long");
        assert!(get(&k).is_none());
    }
}
