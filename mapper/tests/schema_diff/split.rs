//! Splits CQL text into statements for the schema tests: `--` and `//` comments are
//! dropped, and `;` ends a statement outside string literals and quoted identifiers.

/// The statements of `cql`, trimmed, without their `;`.
pub fn statements(cql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = cql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A doubled quote inside a literal closes and reopens it: same text either way.
            '\'' | '"' => {
                current.push(c);
                for n in chars.by_ref() {
                    current.push(n);
                    if n == c {
                        break;
                    }
                }
            }
            '-' | '/' if chars.peek() == Some(&c) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                current.push('\n');
            }
            ';' => {
                let s = current.trim();
                if !s.is_empty() {
                    out.push(s.to_owned());
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    let s = current.trim();
    if !s.is_empty() {
        out.push(s.to_owned());
    }
    out
}

#[test]
fn splits_around_comments_and_literals() {
    assert_eq!(
        statements("-- a; b\nCREATE x (c text) WITH comment = 'it''s; ok';\n-- DROP y;\n\"q;\" z"),
        ["CREATE x (c text) WITH comment = 'it''s; ok'", "\"q;\" z"]
    );
}
