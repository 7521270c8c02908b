//! Prepared statements, bound values, errors, warnings and schema events.

#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn errors_match_cassandra() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    q(
        &e,
        &mut c,
        "CREATE TABLE t3 (a int, b int, c int, d int, v int, PRIMARY KEY ((a, b), c, d))",
    );
    let cases = [
        (
            "INSERT INTO kv (k, v) VALUES ('e', 'not an int')",
            "Invalid STRING constant (not an int) for \"v\" of type int",
        ),
        (
            "SELECT * FROM ks.no_such_table",
            "table no_such_table does not exist",
        ),
        ("SELECT nope FROM kv", "Undefined column name nope"),
        (
            "SELECT * FROM kv WHERE v = 1",
            super::restrict::FILTERING_MESSAGE,
        ),
        (
            "SELECT * FROM t3 WHERE a = 1 AND b = 1 AND d = 1",
            "PRIMARY KEY column \"d\" cannot be restricted as preceding column \"c\" is not restricted",
        ),
        (
            "UPDATE t3 SET v = 1 WHERE a = 1 AND c = 1 AND d = 1",
            "Some partition key parts are missing: b",
        ),
        (
            "UPDATE t3 SET v = 1 WHERE a = 1 AND b = 1 AND c = 1",
            "Some clustering keys are missing: d",
        ),
        (
            "INSERT INTO kv (k, v) VALUES (5, 1)",
            "Invalid INTEGER constant (5) for \"k\" of type text",
        ),
    ];
    for (cql, msg) in cases {
        let er = err(&e, &mut c, cql);
        assert_eq!(er.kind, ErrorKind::Invalid, "{cql}");
        assert_eq!(er.message, msg, "{cql}");
    }
    let er = err(&e, &mut c, "SELEC * FROM kv");
    assert_eq!(er.kind, ErrorKind::SyntaxError);
    assert_eq!(
        er.message,
        "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"
    );
    // With ALLOW FILTERING the same query runs.
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES ('a', 1)");
    let o = q(&e, &mut c, "SELECT k FROM kv WHERE v = 1 ALLOW FILTERING");
    assert_eq!(cells(rows(&o)), vec![vec![text("a")]]);
}

#[test]
fn prepared_ids_warnings_and_invalidation() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE big (k int PRIMARY KEY, b blob)");
    let o = e
        .prepare(&c, "SELECT k, b FROM big WHERE k = ?", Some("ks"))
        .unwrap();
    let ResultBody::Prepared(p) = &o.body else {
        panic!("not prepared")
    };
    let id = p.id.clone();
    assert_eq!(
        id,
        super::result::statement_id(Some("ks"), "SELECT k, b FROM big WHERE k = ?")
    );
    assert_eq!(p.metadata.pk_indexes, vec![0]);
    assert_eq!(p.metadata.columns[0].name, "k");
    assert_eq!(
        p.result_metadata_id
            .as_deref()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
        Some("197990e83105dab2f0452563e2dbab60".to_owned())
    );
    assert_eq!(o.warnings.len(), 1);
    assert!(
        o.warnings[0].starts_with("`USE <keyspace>` with prepared statements"),
        "{}",
        o.warnings[0]
    );
    assert!(o.warnings[0].ends_with(&format!(
        "Keyspace used: ks, statement keyspace: ks, statement id: {}",
        hex(&id)
    )));

    let ins = e
        .prepare(&c, "INSERT INTO big (k, b) VALUES (?, ?)", None)
        .unwrap();
    let ResultBody::Prepared(ip) = &ins.body else {
        panic!()
    };
    let exec = |id: &Bytes, vals: SerializedValues, md: Option<Bytes>| Execute {
        id: id.clone(),
        result_metadata_id: md,
        params: QueryParameters {
            values: vals,
            consistency: Consistency::One,
            ..QueryParameters::default()
        },
    };
    e.execute(
        &mut c,
        &exec(
            &ip.id,
            values(&[Some(&7i32.to_be_bytes()), Some(b"\x01\x02")]),
            None,
        ),
    )
    .unwrap();
    let out = e
        .execute(
            &mut c,
            &exec(
                &id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap();
    assert_eq!(cells(rows(&out)), vec![vec![int(7), Some(vec![1, 2])]]);
    assert_eq!(rows(&out).metadata.new_metadata_id, None);

    let bad = e
        .execute(
            &mut c,
            &exec(&ip.id, values(&[Some(&[1, 2, 3]), None]), None),
        )
        .unwrap_err();
    assert_eq!(bad.message, "Expected 4 or 0 byte int (3)");

    q(&e, &mut c, "ALTER TABLE big ADD extra text");
    let gone = e
        .execute(
            &mut c,
            &exec(
                &id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap_err();
    assert_eq!(gone.kind, ErrorKind::Unprepared { id: id.clone() });
    assert!(
        gone.message
            .starts_with(&format!("Prepared query with ID {} not found", hex(&id)))
    );
    let re = e
        .prepare(&c, "SELECT * FROM big WHERE k = ?", None)
        .unwrap();
    let ResultBody::Prepared(rp) = &re.body else {
        panic!()
    };
    let out = e
        .execute(
            &mut c,
            &exec(
                &rp.id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap();
    assert_eq!(rows(&out).metadata.new_metadata_id, rp.result_metadata_id);
}

#[test]
fn named_values_and_schema_events() {
    let (e, mut c) = engine();
    let mut events = e.subscribe_schema_changes();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    let ev = events.try_recv().unwrap();
    assert_eq!(
        ev.target,
        cassia_protocol::response::SchemaChangeTarget::Table {
            keyspace: "ks".into(),
            table: "kv".into()
        }
    );
    let mut bytes = Vec::new();
    for (name, val) in [("v", &7i32.to_be_bytes()[..]), ("k", b"x")] {
        bytes.extend_from_slice(&(name.len() as u16).to_be_bytes());
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(&(val.len() as i32).to_be_bytes());
        bytes.extend_from_slice(val);
    }
    let params = QueryParameters {
        values: SerializedValues {
            count: 2,
            named: true,
            bytes,
        },
        ..QueryParameters::default()
    };
    e.query(&mut c, "INSERT INTO kv (k, v) VALUES (:k, :v)", &params)
        .unwrap();
    assert_eq!(
        cells(rows(&q(&e, &mut c, "SELECT k, v FROM kv"))),
        vec![vec![text("x"), int(7)]]
    );
    let er = e
        .query(
            &mut c,
            "INSERT INTO kv (k, v) VALUES (?, ?)",
            &QueryParameters::default(),
        )
        .unwrap_err();
    assert_eq!(
        er.message,
        "There were 2 markers(?) in CQL but 0 bound variables"
    );
}

#[test]
fn skip_metadata_drops_columns_unless_they_changed() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k int PRIMARY KEY, v int)");
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES (1, 2)");
    let p = e.prepare(&c, "SELECT * FROM kv WHERE k = ?", None).unwrap();
    let ResultBody::Prepared(p) = &p.body else {
        panic!()
    };
    let exec = |md: Option<Bytes>| Execute {
        id: p.id.clone(),
        result_metadata_id: md,
        params: QueryParameters {
            values: values(&[Some(&1i32.to_be_bytes())]),
            skip_metadata: true,
            ..QueryParameters::default()
        },
    };
    let o = e
        .execute(&mut c, &exec(p.result_metadata_id.clone()))
        .unwrap();
    let r = rows(&o);
    assert!(r.metadata.columns.is_empty());
    assert_eq!(r.metadata.column_count, 2);
    assert_eq!(cells(r), vec![vec![int(1), int(2)]]);
    let o = e
        .execute(&mut c, &exec(Some(Bytes::from_static(b"stale"))))
        .unwrap();
    assert_eq!(rows(&o).metadata.columns.len(), 2);
}

#[test]
fn traces_are_readable_from_system_traces() {
    let (e, mut c) = engine();
    let id = uuid::Uuid::parse_str("6f9ce220-e5e5-11f1-89ae-89b5118bebf6").unwrap();
    e.record_trace(&TraceRecord {
        session_id: id,
        client: "127.0.0.1".parse().unwrap(),
        command: "QUERY".into(),
        request: "Execute CQL3 query".into(),
        parameters: vec![("query".into(), "SELECT 'x' FROM t".into())],
        started_at_millis: 1_700_000_000_000,
        duration_micros: 1102,
        activities: vec![
            "Parsing SELECT 'x' FROM t".into(),
            "Preparing statement".into(),
        ],
    })
    .unwrap();
    let o = q(
        &e,
        &mut c,
        &format!(
            "SELECT duration, request, parameters FROM system_traces.sessions WHERE session_id = {id}"
        ),
    );
    let r = cells(rows(&o));
    assert_eq!(r[0][0], int(1102));
    assert_eq!(r[0][1], text("Execute CQL3 query"));
    let o = q(
        &e,
        &mut c,
        &format!(
            "SELECT activity, source_elapsed FROM system_traces.events WHERE session_id = {id}"
        ),
    );
    assert_eq!(
        cells(rows(&o)),
        vec![
            vec![text("Parsing SELECT 'x' FROM t"), int(551)],
            vec![text("Preparing statement"), int(1102)]
        ]
    );
}

#[test]
fn bind_marker_specs_use_cassandras_names() {
    let (e, c) = engine();
    let mut c = c;
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int, c int, l list<text>, m map<text, int>, PRIMARY KEY (k, c))",
    );
    let specs = |cql: &str| -> Vec<(String, String)> {
        let o = e.prepare(&c, cql, None).unwrap();
        let ResultBody::Prepared(p) = o.body else {
            panic!()
        };
        p.metadata
            .columns
            .iter()
            .map(|s| (s.name.clone(), s.typ.to_string()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        specs("SELECT * FROM t WHERE k IN ? AND c > ? LIMIT ?"),
        pairs(&[("in(k)", "list<int>"), ("c", "int"), ("[limit]", "int")])
    );
    assert_eq!(
        specs("INSERT INTO t (k, c) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?"),
        pairs(&[
            ("k", "int"),
            ("c", "int"),
            ("[ttl]", "int"),
            ("[timestamp]", "bigint")
        ])
    );
    assert_eq!(
        specs("UPDATE t SET m[?] = ?, l[?] = ? WHERE k = ? AND c = ?"),
        pairs(&[
            ("key(m)", "text"),
            ("value(m)", "int"),
            ("idx(l)", "int"),
            ("value(l)", "text"),
            ("k", "int"),
            ("c", "int"),
        ])
    );
    assert_eq!(
        specs("SELECT * FROM t WHERE token(k) > ? AND k = :kk"),
        pairs(&[("partition key token", "bigint"), ("kk", "int")])
    );
}

#[test]
fn lwt_results_keep_their_metadata_under_skip_metadata() {
    for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let (e, _) = engine();
        let mut c = ClientState::new(version);
        q(&e, &mut c, "USE ks");
        q(&e, &mut c, "CREATE TABLE lwt (k int PRIMARY KEY, v int)");
        let p = e
            .prepare(
                &c,
                "INSERT INTO lwt (k, v) VALUES (?, ?) IF NOT EXISTS",
                None,
            )
            .unwrap();
        let ResultBody::Prepared(p) = &p.body else {
            panic!()
        };
        let exec = Execute {
            id: p.id.clone(),
            result_metadata_id: p.result_metadata_id.clone(),
            params: QueryParameters {
                values: values(&[Some(&1i32.to_be_bytes()), Some(&1i32.to_be_bytes())]),
                skip_metadata: true,
                ..QueryParameters::default()
            },
        };
        let applied = e.execute(&mut c, &exec).unwrap();
        let not_applied = e.execute(&mut c, &exec).unwrap();
        // The statement prepared with no result metadata (ResultMetadata.EMPTY), so no
        // result matches it: both describe their columns under either version.
        assert_eq!(rows(&applied).metadata.columns.len(), 1, "{version:?}");
        assert_eq!(rows(&not_applied).metadata.columns.len(), 3, "{version:?}");
        assert_eq!(rows(&not_applied).metadata.new_metadata_id, None);
    }
}

#[test]
fn use_warning_once_per_connection_and_not_for_cached_statements() {
    let (e, _) = engine();
    let mut c = ClientState::new(ProtocolVersion::V4);
    q(&e, &mut c, "CREATE TABLE ks.a (k int PRIMARY KEY)");
    q(&e, &mut c, "CREATE TABLE ks.b (k int PRIMARY KEY)");
    // A qualified statement does not use up the connection's single warning.
    assert!(
        e.prepare(&c, "SELECT * FROM ks.a", None)
            .unwrap()
            .warnings
            .is_empty()
    );
    q(&e, &mut c, "USE ks");
    assert_eq!(
        e.prepare(&c, "SELECT * FROM a", None)
            .unwrap()
            .warnings
            .len(),
        1
    );
    assert!(
        e.prepare(&c, "SELECT * FROM b", None)
            .unwrap()
            .warnings
            .is_empty()
    );
    // Another connection preparing a cached statement gets no warning; a new one does.
    let mut other = ClientState::new(ProtocolVersion::V4);
    q(&e, &mut other, "USE ks");
    assert!(
        e.prepare(&other, "SELECT * FROM a", None)
            .unwrap()
            .warnings
            .is_empty()
    );
    assert_eq!(
        e.prepare(&other, "SELECT k FROM b", None)
            .unwrap()
            .warnings
            .len(),
        1
    );
}
