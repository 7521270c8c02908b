//! Unit tests of the CQL parser, one concern each: normalisation of names, literal forms,
//! disambiguations, bind markers, scripts, error messages and robustness on hostile input.

use cassia_emulator::cql::ast::*;
use cassia_emulator::cql::{
    MAX_DEPTH, SyntaxErrorKind, parse_statement, parse_statement_with_markers, parse_statements,
};

fn parse(cql: &str) -> Statement {
    match parse_statement(cql) {
        Ok(s) => s,
        Err(e) => panic!("{cql:?}: {e}"),
    }
}

fn error(cql: &str) -> String {
    match parse_statement(cql) {
        Ok(s) => panic!("{cql:?} parsed as {s:?}"),
        Err(e) => e.to_string(),
    }
}

/// The single value of `INSERT INTO t (x) VALUES (<term>)`.
fn term(src: &str) -> Term {
    match parse(&format!("INSERT INTO t (x) VALUES ({src})")) {
        Statement::Insert(mut i) if i.values.len() == 1 => i.values.remove(0),
        other => panic!("unexpected {other:?}"),
    }
}

fn lit(l: Literal) -> Term {
    Term::Literal(l)
}

fn int(s: &str) -> Term {
    lit(Literal::Integer(s.to_owned()))
}

fn string(s: &str) -> Term {
    lit(Literal::String(s.to_owned()))
}

#[test]
fn keywords_are_case_insensitive_and_names_normalised() {
    let Statement::Select(s) = parse(r#"sElEcT "MixedCase", Plain, "a""b" FrOm Ks."Tbl""#) else {
        panic!("not a select");
    };
    assert_eq!(
        s.table,
        QualifiedName {
            keyspace: Some("ks".into()),
            name: "Tbl".into()
        }
    );
    let Selection::Selectors(sel) = s.selection else {
        panic!("wildcard");
    };
    let names: Vec<_> = sel
        .iter()
        .map(|s| match &s.expr {
            SelectorExpr::Column(c) => c.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["MixedCase", "plain", "a\"b"]);
}

#[test]
fn unreserved_keywords_are_column_names() {
    let Statement::Insert(i) = parse(
        "INSERT INTO t (key, type, ttl, writetime, count, values, map, json, text) VALUES (1, 2, 3, 4, 5, 6, 7, 8, 9)",
    ) else {
        panic!("not an insert");
    };
    assert_eq!(
        i.columns,
        [
            "key",
            "type",
            "ttl",
            "writetime",
            "count",
            "values",
            "map",
            "json",
            "text"
        ]
    );
    assert!(
        error("INSERT INTO t (from) VALUES (1)").contains("no viable alternative at input 'from'")
    );
}

#[test]
fn numeric_literals_keep_their_sign_and_text() {
    assert_eq!(term("-42"), int("-42"));
    assert_eq!(term("- 42"), int("-42"));
    assert_eq!(term("1.5e-3"), lit(Literal::Float("1.5e-3".into())));
    assert_eq!(term("-Infinity"), lit(Literal::Float("-Infinity".into())));
    assert_eq!(term("NaN"), lit(Literal::Float("NaN".into())));
    assert_eq!(term("-1h30m"), lit(Literal::Duration("-1h30m".into())));
    assert_eq!(
        term("123456789012345678901234567890"),
        int("123456789012345678901234567890")
    );
    assert_eq!(
        term("-?"),
        Term::Negate(Box::new(Term::Bind(BindMarker {
            index: 0,
            name: None
        })))
    );
}

#[test]
fn string_and_blob_literals_are_unescaped() {
    assert_eq!(term("'it''s'"), string("it's"));
    assert_eq!(term("$$a 'b' ; c$$"), string("a 'b' ; c"));
    assert_eq!(term("0x"), lit(Literal::Blob(vec![], "0x".into())));
    assert_eq!(
        term("0x00fF10"),
        lit(Literal::Blob(vec![0, 255, 16], "0x00fF10".into()))
    );
}

#[test]
fn braces_are_udt_map_or_set_as_in_cassandra() {
    assert_eq!(
        term("{a: 1, \"B\": 'x'}"),
        Term::Udt(vec![("a".into(), int("1")), ("B".into(), string("x"))])
    );
    assert_eq!(term("{'a': 1}"), Term::Map(vec![(string("a"), int("1"))]));
    assert_eq!(term("{1, 2}"), Term::Set(vec![int("1"), int("2")]));
    assert_eq!(term("{}"), Term::Map(vec![]));
    assert_eq!(
        term("{now(): 1}"),
        Term::Map(vec![(
            Term::Function {
                name: "now".into(),
                args: vec![]
            },
            int("1")
        )])
    );
}

#[test]
fn parentheses_are_cast_or_tuple() {
    assert_eq!(
        term("(int) ?"),
        Term::Cast(
            CqlType::Native(NativeType::Int),
            Box::new(Term::Bind(BindMarker {
                index: 0,
                name: None
            }))
        )
    );
    assert_eq!(
        term("(frozen<list<int>>) [1]"),
        Term::Cast(
            CqlType::Frozen(Box::new(CqlType::List(Box::new(CqlType::Native(
                NativeType::Int
            ))))),
            Box::new(Term::List(vec![int("1")]))
        )
    );
    assert_eq!(
        term("(1, 'a', null)"),
        Term::Tuple(vec![int("1"), string("a"), lit(Literal::Null)])
    );
}

#[test]
fn function_calls_lower_case_names_and_drop_system_keyspace() {
    assert_eq!(
        term("toTimestamp(now())"),
        Term::Function {
            name: "totimestamp".into(),
            args: vec![Term::Function {
                name: "now".into(),
                args: vec![]
            }]
        }
    );
    assert_eq!(
        term("system.uuid()"),
        Term::Function {
            name: "uuid".into(),
            args: vec![]
        }
    );
    assert_eq!(
        term("ks.\"MyFn\"(1)"),
        Term::Function {
            name: "ks.MyFn".into(),
            args: vec![int("1")]
        }
    );
}

#[test]
fn bind_markers_are_numbered_in_order_with_names() {
    let parsed = parse_statement_with_markers(
        "BEGIN BATCH USING TIMESTAMP ? INSERT INTO t (a, b) VALUES (:a, ?); UPDATE t SET c = c + :inc WHERE k IN ? APPLY BATCH",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.bind_marker_count(), 5);
    let names: Vec<_> = parsed
        .bind_markers
        .iter()
        .map(|m| (m.index, m.name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            (0, None),
            (1, Some("a")),
            (2, None),
            (3, Some("inc")),
            (4, None)
        ]
    );
}

#[test]
fn scripts_split_on_semicolons_outside_batches() {
    let parsed = parse_statements(
        "USE ks;; CREATE TYPE p (x int);\nBEGIN BATCH INSERT INTO t (a) VALUES (?); APPLY BATCH; SELECT * FROM t WHERE a = ?",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.len(), 4);
    assert_eq!(parsed[0].statement, Statement::Use("ks".into()));
    assert_eq!(parsed[2].bind_marker_count(), 1);
    assert_eq!(parsed[3].bind_markers[0].index, 0);
    assert_eq!(
        parse_statements("  -- only a comment\n").map(|v| v.len()),
        Ok(0)
    );
}

#[test]
fn update_operations() {
    let Statement::Update(u) =
        parse("UPDATE t SET l = [0] + l, c = c - 3, n += 2, s -= {'x'} WHERE k = 1")
    else {
        panic!("not an update");
    };
    assert_eq!(
        u.assignments,
        vec![
            Assignment::Prepend {
                column: "l".into(),
                value: Term::List(vec![int("0")])
            },
            Assignment::Remove {
                column: "c".into(),
                value: int("3")
            },
            Assignment::Add {
                column: "n".into(),
                value: int("2")
            },
            Assignment::Remove {
                column: "s".into(),
                value: Term::Set(vec![string("x")])
            },
        ]
    );
}

#[test]
fn create_table_primary_keys() {
    let Statement::CreateTable(t) =
        parse("CREATE TABLE t (a int, b int, c int, d int, PRIMARY KEY ((a, b), c, d))")
    else {
        panic!("not a create table");
    };
    assert_eq!(t.partition_key, ["a", "b"]);
    assert_eq!(t.clustering, ["c", "d"]);
    let Statement::CreateTable(t) = parse("CREATE TABLE t (k text PRIMARY KEY, v int)") else {
        panic!("not a create table");
    };
    assert_eq!(t.partition_key, ["k"]);
    assert!(t.columns[0].primary_key);
}

#[test]
fn error_messages_have_cassandras_shape() {
    assert_eq!(
        error("SELEC * FROM kv"),
        "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"
    );
    // Messages recorded from real Cassandra nodes (its own audit-log tests, cqlsh sessions,
    // driver test suites).
    assert_eq!(
        error("SELECT * FORM ks.t"),
        "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM]...)"
    );
    assert_eq!(
        error("select*\n;"),
        "line 2:0 mismatched input ';' expecting K_FROM (select*[;])"
    );
    assert_eq!(
        error("DROP cqlkeyspace.t;"),
        "line 1:5 no viable alternative at input 'cqlkeyspace' ([DROP] cqlkeyspace...)"
    );
    assert_eq!(
        error("DELETE cqlkeyspace.t;"),
        "line 1:20 mismatched input ';' expecting K_FROM (DELETE cqlkeyspace.t[;])"
    );
    assert_eq!(
        error("ISERT INTO ks.t (pk, value) VALUES (1, 2)"),
        "line 1:0 no viable alternative at input 'ISERT' ([ISERT]...)"
    );
    // Cassandra lexes lazily: a parse error before a bad character is reported first.
    assert_eq!(
        error("SELEC # FROM t"),
        "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"
    );
    assert_eq!(
        error("SELECT # FROM t"),
        "line 1:7 no viable alternative at character '#'"
    );
    assert_eq!(
        error("SELECT * FROM t WHERE a = 'x"),
        "line 1:28 mismatched character '<EOF>' expecting '''"
    );
    // Recorded without their snippet (older cqlsh output): the part before it must match.
    for (cql, start) in [
        (
            "UPDATE user SET phone_numbers = ['1-800-111-2222']\n;",
            "line 2:0 mismatched input ';' expecting K_WHERE",
        ),
        (
            "delete from user;",
            "line 1:16 mismatched input ';' expecting K_WHERE",
        ),
        ("BEGIN;", "line 1:5 mismatched input ';' expecting K_BATCH"),
        (
            "COMMIT;",
            "line 1:0 no viable alternative at input 'COMMIT'",
        ),
        (
            "INSERT INTO MyBooks (id,title,pages,price) VALUE (1, 'a', 2, 3.0)",
            "line 1:43 mismatched input 'VALUE' expecting K_VALUES",
        ),
    ] {
        let message = error(cql);
        assert!(message.starts_with(start), "{cql:?}: {message}");
    }
    // Double quotes make a name, not a string; ANTLR measures the name without its quotes.
    assert_eq!(
        error(
            "insert into \"xephonnaive\".metrics (metric_name, metric_timestamp, value) values (\"cpu.load\", now(), 30);"
        ),
        "line 1:91 no viable alternative at input ',' (... metric_timestamp, value) values ([\"cpu.loa]d\",...)"
    );
    assert_eq!(
        error("SELECT * zeppelin.xxx"),
        "line 1:9 mismatched input 'zeppelin' expecting K_FROM (SELECT * [zeppelin]...)"
    );
    assert_eq!(
        error("SELECT a b FROM t"),
        "line 1:9 mismatched input 'b' expecting K_FROM (SELECT a [b]...)"
    );
    assert_eq!(
        error("SELECT * FROM t foo"),
        "line 1:16 mismatched input 'foo' expecting EOF (SELECT * FROM t [foo])"
    );
    assert_eq!(
        error("INSERT INTO t (a) VALUES (1"),
        "line 0:-1 mismatched input '<EOF>' expecting ')'"
    );
    assert_eq!(
        error("SELECT * FROM ?"),
        "Bind variables cannot be used for table names"
    );
    assert_eq!(
        error("SELECT * FROM t WHERE a = 1 AND b = 2 AND c = 3 AND d = )"),
        "line 1:56 no viable alternative at input ')' (...= 3 AND d = [)])"
    );
    let e = parse_statement("SELECT a\n  FROM t\n WHERE ,").err();
    let e = e.unwrap_or_else(|| panic!("must fail"));
    assert_eq!((e.line(), e.column()), (3, 7));
    assert_eq!(
        e.kind(),
        &SyntaxErrorKind::NoViableAlternative { input: ",".into() }
    );
}

#[test]
fn deep_nesting_fails_cleanly() {
    let n = 100_000;
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}"), ("f(", ")"), ("- ", "")] {
        let cql = format!(
            "INSERT INTO t (x) VALUES ({}1{})",
            open.repeat(n),
            close.repeat(n)
        );
        match parse_statement(&cql) {
            Err(e) => assert_eq!(
                e.kind(),
                &SyntaxErrorKind::TooDeep { limit: MAX_DEPTH },
                "{open}"
            ),
            Ok(_) => panic!("{open}: accepted"),
        }
    }
    let cql = format!(
        "CREATE TABLE t (k {}int{} PRIMARY KEY)",
        "frozen<".repeat(n),
        ">".repeat(n)
    );
    assert!(matches!(
        parse_statement(&cql).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    let cql = format!(
        "SELECT * FROM t WHERE {}a = 1{}",
        "(".repeat(n),
        ")".repeat(n)
    );
    assert!(matches!(
        parse_statement(&cql).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    let cql = format!("SELECT {}a{} FROM t", "f(".repeat(n), ")".repeat(n));
    assert!(matches!(
        parse_statement(&cql).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    // Operator chains build trees as deep as they are long, so they count too.
    let cql = format!("SELECT * FROM t WHERE a = 1{}", " + 1".repeat(n));
    assert!(matches!(
        parse_statement(&cql).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    let cql = format!("SELECT a{} FROM t", " * a".repeat(n));
    assert!(matches!(
        parse_statement(&cql).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    let nested_chains = format!(
        "SELECT {}a{} FROM t",
        "(a + a + a + a + a + ".repeat(40),
        ")".repeat(40)
    );
    assert!(matches!(
        parse_statement(&nested_chains).map_err(|e| e.kind().clone()),
        Err(SyntaxErrorKind::TooDeep { .. })
    ));
    assert!(parse_statement(&format!("SELECT a{} FROM t", " + a".repeat(30))).is_ok());
    // Just under the limit still parses.
    let depth = MAX_DEPTH - 2;
    let cql = format!(
        "INSERT INTO t (x) VALUES ({}1{})",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(parse_statement(&cql).is_ok());
}

#[test]
fn token_soup_never_panics() {
    const PIECES: &[&str] = &[
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "BEGIN",
        "BATCH",
        "APPLY",
        "CREATE",
        "TABLE",
        "FROM",
        "WHERE",
        "SET",
        "IF",
        "NOT",
        "EXISTS",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        ",",
        ";",
        ":",
        ".",
        "=",
        "+",
        "-",
        "?",
        ":n",
        "*",
        "'s'",
        "\"Q\"",
        "1",
        "-2.5e3",
        "0x0",
        "1h",
        "P1D",
        "a",
        "key",
        "token",
        "count",
        "frozen",
        "list",
        "map",
        "int",
        "AND",
        "IN",
        "CONTAINS",
        "KEY",
        "USING",
        "TTL",
        "TIMESTAMP",
        "VALUES",
        "INTO",
        "JSON",
        "DISTINCT",
        "AS",
        "CAST",
        "$$x$$",
        "/*",
        "*/",
        "--",
        "'",
        "\"",
        "$$",
        "\n",
        "NaN",
        "-Infinity",
        "PRIMARY",
        "WITH",
        "AND",
        "#",
    ];
    let mut state: u32 = 0x2545_F491;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    for _ in 0..20_000 {
        let len = next() % 24;
        let mut cql = String::new();
        for _ in 0..len {
            let i = usize::try_from(next()).unwrap_or(0) % PIECES.len();
            cql.push_str(PIECES[i]);
            cql.push(' ');
        }
        let _ = parse_statement(&cql);
        let _ = parse_statements(&cql);
    }
}
