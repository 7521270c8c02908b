//! `Display` renders canonical CQL that parses back to the same tree: every golden input and
//! every statement of the wire captures goes parse → display → parse.

use std::path::PathBuf;

use cassia_emulator::cql::ast::Statement;
use cassia_emulator::cql::parse_statement;

fn round_trip(cql: &str) -> Result<(), String> {
    let Ok(first) = parse_statement(cql) else {
        return Ok(()); // error cases are covered by the golden tests
    };
    if matches!(first, Statement::Unsupported(_)) {
        return Ok(()); // only the kind is kept, so there is nothing to round-trip
    }
    let shown = first.to_string();
    let second = parse_statement(&shown)
        .map_err(|e| format!("{cql:?}\n  rendered {shown:?}\n  fails: {e}"))?;
    if first != second {
        return Err(format!(
            "{cql:?}\n  rendered {shown:?}\n  parses differently:\n{first:#?}\n{second:#?}"
        ));
    }
    // Canonical: rendering is a fixed point.
    if second.to_string() != shown {
        return Err(format!("{shown:?} is not a fixed point"));
    }
    Ok(())
}

#[test]
fn golden_inputs_round_trip() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cql");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "cql") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for case in text
            .split("\n----\n")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            count += 1;
            if let Err(e) = round_trip(case) {
                failures.push(e);
            }
        }
    }
    assert!(count > 50, "only {count} golden cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rendering_is_canonical() {
    let cases = [
        (
            "select a AS \"B\", count(*) from KS.\"T\" where (x, y) > (1, 2) and k in ? limit 3 allow filtering",
            "SELECT a AS \"B\", COUNT(*) FROM ks.\"T\" WHERE (x, y) > (1, 2) AND k IN ? LIMIT 3 ALLOW FILTERING",
        ),
        (
            "insert into t (k, \"select\", m) values (:k, 'it''s', {'a': [1, -2]}) using timestamp 5 and ttl 3",
            "INSERT INTO t (k, \"select\", m) VALUES (:k, 'it''s', {'a': [1, -2]}) USING TTL 3 AND TIMESTAMP 5",
        ),
        (
            "update t set l = [1] + l, n = n - 1, u.f = {a: 0x0A} where k = 1 if exists",
            "UPDATE t SET l = [1] + l, n = n - 1, u.f = {a: 0x0A} WHERE k = 1 IF EXISTS",
        ),
        (
            "create table t (k int, c text, v frozen<map<text, tuple<int, 'x.Y'>>> static, primary key ((k), c)) with clustering order by (c desc) and comment = 'x'",
            "CREATE TABLE t (k int, c text, v frozen<map<text, tuple<int, 'x.Y'>>> STATIC, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'x'",
        ),
        (
            "begin unlogged batch insert into t (a) values (1) delete from t where a = 2 apply batch",
            "BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (1); DELETE FROM t WHERE a = 2; APPLY BATCH",
        ),
    ];
    // Names that would otherwise read back as keywords or special calls.
    for input in [
        "SELECT json - a, distinct FROM t",
        "SELECT \"distinct\" + 1 FROM t",
        "SELECT \"ttl\"(a), \"writetime\"(b), ttl(c) FROM t",
        "SELECT json FROM t",
    ] {
        let first = parse_statement(input);
        let again = first.as_ref().map(|s| parse_statement(&s.to_string()));
        assert_eq!(
            again.ok(),
            first.as_ref().ok().map(|s| Ok(s.clone())),
            "{input}"
        );
    }
    for (input, expected) in cases {
        let shown = parse_statement(input).map(|s| s.to_string());
        assert_eq!(shown.as_deref(), Ok(expected), "{input}");
    }
}

/// Random edits of the golden inputs: whatever still parses must round-trip too.
#[test]
fn mutated_inputs_round_trip() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cql");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "cql") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            cases.extend(text.split("\n----\n").map(|c| c.trim().to_owned()));
        }
    }
    let mut state: u32 = 0x9E37_79B9;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        usize::try_from(state).unwrap_or(0) % bound.max(1)
    };
    let mut failures = Vec::new();
    let mut parsed = 0;
    for case in &cases {
        let chars: Vec<char> = case.chars().collect();
        for _ in 0..60 {
            let mut edited = chars.clone();
            let a = next(edited.len());
            let b = (a + 1 + next(8)).min(edited.len());
            match next(3) {
                0 => {
                    edited.drain(a..b);
                }
                1 => {
                    let piece: Vec<char> = edited[a..b].to_vec();
                    let at = next(edited.len());
                    edited.splice(at..at, piece);
                }
                _ => {
                    let c = next(edited.len());
                    edited.swap(a, c);
                }
            }
            let text: String = edited.into_iter().collect();
            if parse_statement(&text).is_ok() {
                parsed += 1;
            }
            if let Err(e) = round_trip(&text) {
                failures.push(e);
            }
        }
    }
    assert!(parsed > 100, "only {parsed} mutated inputs parsed");
    failures.truncate(5);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
