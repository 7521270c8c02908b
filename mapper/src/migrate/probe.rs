//! What a schema statement does, read from its first tokens, and whether that effect is
//! already visible in `system_schema`. Used before a timed-out DDL statement is retried
//! and before the first statement of an interrupted migration is run again, so a statement
//! that did take effect is recorded instead of being applied twice.

use cassia_driver::Session;

use super::MigrateError;

/// The schema object a statement creates, alters or drops, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    KeyspaceExists(String, bool),
    TableExists(Option<String>, String, bool),
    TypeExists(Option<String>, String, bool),
    IndexExists(Option<String>, String, bool),
    ViewExists(Option<String>, String, bool),
    /// Columns of a table present (`true`) or absent (`false`).
    Columns(Option<String>, String, Vec<String>, bool),
    /// Fields of a type present.
    Fields(Option<String>, String, Vec<String>),
}

/// Whether the statement changes the schema (and so is followed by a schema agreement wait).
pub(crate) fn is_schema_change(cql: &str) -> bool {
    let first = tokens(cql).into_iter().next().unwrap_or_default();
    matches!(first.as_str(), "create" | "alter" | "drop" | "truncate")
}

/// Splits the head of a statement into lowercase words (quoted identifiers keep their case
/// and lose their quotes), `.`, `(`, `)` and `,`; stops at the first string literal.
fn tokens(cql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = cql.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut id = String::new();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        id.push('"');
                    } else {
                        break;
                    }
                } else {
                    id.push(c);
                }
            }
            out.push(format!("\"{id}"));
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || c == '_' {
                    w.push(c.to_ascii_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(w);
        } else if matches!(c, '.' | '(' | ')' | ',' | '<' | '>') {
            out.push(c.to_string());
            chars.next();
        } else {
            break;
        }
    }
    out
}

/// An identifier token's name (quoted ones keep case).
fn ident(t: &str) -> String {
    t.strip_prefix('"')
        .map_or_else(|| t.to_owned(), str::to_owned)
}

struct Cursor {
    toks: Vec<String>,
    at: usize,
}

impl Cursor {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.at).map(String::as_str)
    }
    fn next(&mut self) -> Option<String> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }
    fn eat(&mut self, words: &[&str]) -> bool {
        let matches = words
            .iter()
            .enumerate()
            .all(|(i, w)| self.toks.get(self.at + i).map(String::as_str) == Some(*w));
        if matches {
            self.at += words.len();
        }
        matches
    }
    /// `[ks.]name`.
    fn qualified(&mut self) -> Option<(Option<String>, String)> {
        let first = ident(&self.next()?);
        if self.peek() == Some(".") {
            self.at += 1;
            let second = ident(&self.next()?);
            Some((Some(first), second))
        } else {
            Some((None, first))
        }
    }
    /// Column names of `ADD c type`, `ADD (c1 t1, c2 t2)`, `DROP c`, `DROP (c1, c2)`.
    fn column_list(&mut self, with_types: bool) -> Vec<String> {
        let mut out = Vec::new();
        if self.peek() == Some("(") {
            self.at += 1;
            let mut depth = 0usize;
            let mut expect_name = true;
            while let Some(t) = self.next() {
                match t.as_str() {
                    "<" => depth += 1,
                    ">" => depth = depth.saturating_sub(1),
                    ")" if depth == 0 => break,
                    "," if depth == 0 => expect_name = true,
                    _ if expect_name => {
                        out.push(ident(&t));
                        expect_name = false;
                    }
                    _ => {}
                }
            }
        } else if let Some(t) = self.next() {
            out.push(ident(&t));
        }
        let _ = with_types;
        out
    }
}

/// The effect of `cql`, when it is a schema statement cassia knows how to check.
pub(crate) fn effect(cql: &str) -> Option<Effect> {
    let mut c = Cursor {
        toks: tokens(cql),
        at: 0,
    };
    if c.eat(&["create"]) {
        if c.eat(&["keyspace"]) || c.eat(&["schema"]) {
            c.eat(&["if", "not", "exists"]);
            return Some(Effect::KeyspaceExists(ident(&c.next()?), true));
        }
        if c.eat(&["table"]) || c.eat(&["columnfamily"]) {
            c.eat(&["if", "not", "exists"]);
            let (ks, t) = c.qualified()?;
            return Some(Effect::TableExists(ks, t, true));
        }
        if c.eat(&["type"]) {
            c.eat(&["if", "not", "exists"]);
            let (ks, t) = c.qualified()?;
            return Some(Effect::TypeExists(ks, t, true));
        }
        if c.eat(&["materialized", "view"]) {
            c.eat(&["if", "not", "exists"]);
            let (ks, v) = c.qualified()?;
            return Some(Effect::ViewExists(ks, v, true));
        }
        c.eat(&["custom"]);
        if c.eat(&["index"]) {
            c.eat(&["if", "not", "exists"]);
            // An unnamed index gets a generated name; only named ones can be checked.
            if c.peek() == Some("on") {
                return None;
            }
            let name = ident(&c.next()?);
            c.eat(&["on"]).then_some(())?;
            let (ks, _) = c.qualified()?;
            return Some(Effect::IndexExists(ks, name, true));
        }
        return None;
    }
    if c.eat(&["drop"]) {
        let kind = c.next()?;
        if kind == "materialized" {
            c.eat(&["view"]);
        }
        c.eat(&["if", "exists"]);
        let (ks, name) = c.qualified()?;
        return match kind.as_str() {
            "keyspace" | "schema" => Some(Effect::KeyspaceExists(name, false)),
            "table" | "columnfamily" => Some(Effect::TableExists(ks, name, false)),
            "type" => Some(Effect::TypeExists(ks, name, false)),
            "index" => Some(Effect::IndexExists(ks, name, false)),
            "materialized" => Some(Effect::ViewExists(ks, name, false)),
            _ => None,
        };
    }
    if c.eat(&["alter", "table"]) || c.eat(&["alter", "columnfamily"]) {
        let (ks, t) = c.qualified()?;
        if c.eat(&["add"]) {
            c.eat(&["if", "not", "exists"]);
            return Some(Effect::Columns(ks, t, c.column_list(true), true));
        }
        if c.eat(&["drop"]) {
            c.eat(&["if", "exists"]);
            return Some(Effect::Columns(ks, t, c.column_list(false), false));
        }
        if c.eat(&["rename"]) {
            c.eat(&["if", "exists"]);
            let _from = c.next()?;
            c.eat(&["to"]).then_some(())?;
            let to = ident(&c.next()?);
            return Some(Effect::Columns(ks, t, vec![to], true));
        }
        return None;
    }
    if c.eat(&["alter", "type"]) {
        let (ks, t) = c.qualified()?;
        if c.eat(&["add"]) {
            c.eat(&["if", "not", "exists"]);
            return Some(Effect::Fields(ks, t, vec![ident(&c.next()?)]));
        }
        if c.eat(&["rename"]) {
            let _from = c.next()?;
            c.eat(&["to"]).then_some(())?;
            return Some(Effect::Fields(ks, t, vec![ident(&c.next()?)]));
        }
    }
    None
}

async fn names(
    session: &Session,
    cql: &str,
    keyspace: &str,
    table: Option<&str>,
) -> Result<Vec<String>, MigrateError> {
    let result = match table {
        Some(t) => session.query(cql, (keyspace, t)).await,
        None => session.query(cql, (keyspace,)).await,
    }
    .map_err(MigrateError::cluster("reading system_schema"))?;
    let rows: Vec<(String,)> = result
        .rows()
        .map_err(MigrateError::decode("reading system_schema"))?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// Whether `cql`'s effect is already visible in system_schema: `Some(true)` applied,
/// `Some(false)` not applied, `None` when the statement cannot be checked this way.
pub(crate) async fn applied(
    session: &Session,
    cql: &str,
    default_keyspace: &str,
) -> Result<Option<bool>, MigrateError> {
    let Some(effect) = effect(cql) else {
        return Ok(None);
    };
    let ks = |k: &Option<String>| k.clone().unwrap_or_else(|| default_keyspace.to_owned());
    Ok(Some(match effect {
        Effect::KeyspaceExists(k, want) => {
            let found = names(
                session,
                "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
                &k,
                None,
            )
            .await?;
            found.is_empty() != want
        }
        Effect::TableExists(k, t, want) => {
            let found = names(
                session,
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                &ks(&k),
                Some(&t),
            )
            .await?;
            found.is_empty() != want
        }
        Effect::ViewExists(k, v, want) => {
            let found = names(
                session,
                "SELECT view_name FROM system_schema.views WHERE keyspace_name = ? AND view_name = ?",
                &ks(&k),
                Some(&v),
            )
            .await?;
            found.is_empty() != want
        }
        Effect::TypeExists(k, t, want) => {
            let found = names(
                session,
                "SELECT type_name FROM system_schema.types WHERE keyspace_name = ? AND type_name = ?",
                &ks(&k),
                Some(&t),
            )
            .await?;
            found.is_empty() != want
        }
        Effect::IndexExists(k, name, want) => {
            let found = names(
                session,
                "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = ?",
                &ks(&k),
                None,
            )
            .await?;
            found.contains(&name) == want
        }
        Effect::Columns(k, t, cols, want) => {
            let found = names(
                session,
                "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
                &ks(&k),
                Some(&t),
            )
            .await?;
            cols.iter().all(|c| found.contains(c) == want)
        }
        Effect::Fields(k, t, fields) => {
            let rows: Vec<(Vec<String>,)> = session
                .query(
                    "SELECT field_names FROM system_schema.types WHERE keyspace_name = ? AND type_name = ?",
                    (ks(&k).as_str(), t.as_str()),
                )
                .await
                .map_err(MigrateError::cluster("reading system_schema.types"))?
                .rows()
                .map_err(MigrateError::decode("reading system_schema.types"))?;
            rows.first()
                .is_some_and(|(names,)| fields.iter().all(|f| names.contains(f)))
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn reads_the_effect_of_schema_statements() {
        assert_eq!(
            effect("CREATE TABLE IF NOT EXISTS app.\"Users\" (id int PRIMARY KEY)"),
            Some(Effect::TableExists(Some(s("app")), s("Users"), true))
        );
        assert_eq!(
            effect("create type addr (street text)"),
            Some(Effect::TypeExists(None, s("addr"), true))
        );
        assert_eq!(
            effect("CREATE INDEX posts_cat ON posts (category)"),
            Some(Effect::IndexExists(None, s("posts_cat"), true))
        );
        assert_eq!(effect("CREATE INDEX ON posts (category)"), None);
        assert_eq!(
            effect("ALTER TABLE posts ADD (a int, b map<text, int>, c text)"),
            Some(Effect::Columns(
                None,
                s("posts"),
                vec![s("a"), s("b"), s("c")],
                true
            ))
        );
        assert_eq!(
            effect("ALTER TABLE posts ADD body text"),
            Some(Effect::Columns(None, s("posts"), vec![s("body")], true))
        );
        assert_eq!(
            effect("ALTER TABLE ks.posts DROP body"),
            Some(Effect::Columns(
                Some(s("ks")),
                s("posts"),
                vec![s("body")],
                false
            ))
        );
        assert_eq!(
            effect("ALTER TYPE addr ADD zip text"),
            Some(Effect::Fields(None, s("addr"), vec![s("zip")]))
        );
        assert_eq!(
            effect("DROP TABLE IF EXISTS old"),
            Some(Effect::TableExists(None, s("old"), false))
        );
        assert_eq!(
            effect(
                "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy'}"
            ),
            Some(Effect::KeyspaceExists(s("app"), true))
        );
        assert_eq!(effect("ALTER TABLE posts WITH comment = 'x'"), None);
        assert_eq!(effect("INSERT INTO t (a) VALUES (1)"), None);
        assert!(is_schema_change("  alter table t add x int"));
        assert!(!is_schema_change("INSERT INTO t (a) VALUES (1)"));
    }
}
