//! The comparison rules shared by the diff engine and schema sync: type spellings are
//! normalized (Cassandra writes `frozen<tuple<...>>` and may quote names), and option maps
//! are compared on the keys the model sets (the live side also lists defaults).

use std::collections::BTreeMap;

use crate::schema::TableSchema;
pub(crate) use crate::schema::index::index_target;
use crate::schema::live::LiveTable;
use crate::types::CqlType;

/// A type as Cassandra spells it in `system_schema` (tuples frozen), normalized.
pub(crate) fn model_type(t: &CqlType) -> String {
    normalize(&spell(t))
}

fn spell(t: &CqlType) -> String {
    match t {
        CqlType::List(e) => format!("list<{}>", spell(e)),
        CqlType::Set(e) => format!("set<{}>", spell(e)),
        CqlType::Map(k, v) => format!("map<{}, {}>", spell(k), spell(v)),
        CqlType::Tuple(items) => format!(
            "frozen<tuple<{}>>",
            items.iter().map(spell).collect::<Vec<_>>().join(", ")
        ),
        CqlType::Vector(e, n) => format!("vector<{}, {n}>", spell(e)),
        CqlType::Frozen(inner) => match inner.as_ref() {
            CqlType::Tuple(_) => spell(inner),
            _ => format!("frozen<{}>", spell(inner)),
        },
        other => other.to_string(),
    }
}

/// Spacing, case of keywords and quotes do not matter; `varchar` is `text`;
/// `frozen<frozen<tuple>>` collapses.
pub(crate) fn normalize(s: &str) -> String {
    let flat: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect::<String>()
        .to_lowercase()
        .replace("varchar", "text");
    flat.replace("frozen<frozen<tuple<", "frozen<tuple<")
}

/// Parses a CQL map literal of strings and numbers (`{'class': 'X', 'rows_per_partition':
/// 'NONE', 'x': 1}`) into text pairs; `None` if it is not one.
pub(crate) fn parse_map_literal(s: &str) -> Option<BTreeMap<String, String>> {
    let inner = s.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut out = BTreeMap::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (key, tail) = literal(rest)?;
        rest = tail.trim_start().strip_prefix(':')?.trim_start();
        let (value, tail) = literal(rest)?;
        out.insert(key, value);
        rest = tail.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(out)
}

fn literal(s: &str) -> Option<(String, &str)> {
    if let Some(body) = s.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((out, body.get(i + 1..)?));
                }
            } else {
                out.push(c);
            }
        }
        None
    } else {
        let end = s.find([',', '}', ':']).unwrap_or(s.len());
        let (v, tail) = s.split_at(end);
        Some((v.trim().to_owned(), tail))
    }
}

/// Whether the live option map already has every entry the model sets (a `class` matches
/// by its last dotted component).
pub(crate) fn map_satisfied(
    model: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
) -> bool {
    model.iter().all(|(k, v)| match live.get(k) {
        Some(l) if k == "class" => l == v || l.rsplit('.').next() == Some(v.as_str()),
        Some(l) => l.eq_ignore_ascii_case(v),
        None => false,
    })
}

/// The table's options as `ALTER TABLE ... WITH` clauses where the live table differs (only
/// options the model sets: the others keep whatever the live table has).
pub(crate) fn option_changes(schema: &TableSchema, live: &LiveTable) -> Vec<String> {
    let o = &schema.options;
    let l = &live.options;
    let mut out = Vec::new();
    if let Some(t) = o.default_ttl
        && l.default_time_to_live != i32::try_from(t).ok()
    {
        out.push(format!("default_time_to_live = {t}"));
    }
    if let Some(g) = o.gc_grace_seconds
        && l.gc_grace_seconds != i32::try_from(g).ok()
    {
        out.push(format!("gc_grace_seconds = {g}"));
    }
    if let Some(c) = &o.comment
        && l.comment.as_deref() != Some(c.as_str())
    {
        out.push(format!(
            "comment = {}",
            crate::schema::ident::quote_string(c)
        ));
    }
    let empty = BTreeMap::new();
    for (name, literal, live_map) in [
        ("compaction", &o.compaction, &l.compaction),
        ("caching", &o.caching, &l.caching),
    ] {
        let live_map = live_map.as_ref().unwrap_or(&empty);
        if let Some(lit) = literal {
            let satisfied = parse_map_literal(lit).is_some_and(|m| map_satisfied(&m, live_map));
            if !satisfied {
                out.push(format!("{name} = {lit}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_type_spellings() {
        let t = CqlType::Map(
            Box::new(CqlType::Text),
            Box::new(CqlType::Tuple(vec![CqlType::Int, CqlType::Text])),
        );
        assert_eq!(model_type(&t), "map<text,frozen<tuple<int,text>>>");
        assert_eq!(
            normalize("map<varchar, frozen<tuple<int, text>>>"),
            model_type(&t)
        );
        assert_eq!(normalize("frozen<\"Addr\">"), "frozen<addr>");
    }

    #[test]
    fn map_literals_match_live_options() {
        let m =
            parse_map_literal("{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 160}")
                .expect("parses");
        assert_eq!(m.get("sstable_size_in_mb").map(String::as_str), Some("160"));
        let live = BTreeMap::from([
            (
                "class".to_owned(),
                "org.apache.cassandra.db.compaction.LeveledCompactionStrategy".to_owned(),
            ),
            ("sstable_size_in_mb".to_owned(), "160".to_owned()),
            ("max_threshold".to_owned(), "32".to_owned()),
        ]);
        assert!(map_satisfied(&m, &live));
        assert!(!map_satisfied(
            &BTreeMap::from([(
                "class".to_owned(),
                "SizeTieredCompactionStrategy".to_owned()
            )]),
            &live
        ));
        assert_eq!(
            parse_map_literal("{'a': 'it''s'}")
                .and_then(|m| m.get("a").cloned())
                .as_deref(),
            Some("it's")
        );
    }
}
