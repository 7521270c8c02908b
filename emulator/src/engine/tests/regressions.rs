//! Regressions for bugs the cross-driver suite found (tests/cross_driver/known_bugs.rs):
//! nested sets of bound values, quoted raw dates, all-or-nothing writes, duration overflow
//! and vector literals of variable-size elements, each asserted on the stored bytes.

use super::*;

/// `[int n]` then each item as `[bytes]`.
fn collection(items: &[&[u8]]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for i in items {
        out.extend_from_slice(&(i.len() as i32).to_be_bytes());
        out.extend_from_slice(i);
    }
    out
}

fn with_values(vals: &[Option<&[u8]>]) -> QueryParameters {
    QueryParameters {
        values: values(vals),
        ..QueryParameters::default()
    }
}

#[test]
fn bound_sets_are_sorted_in_collections_but_kept_in_tuples() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE n (id int PRIMARY KEY, m frozen<map<int, frozen<list<frozen<set<text>>>>>>, \
         t tuple<int, frozen<set<int>>>)",
    );
    let set = collection(&[b"b", b"a", b"b"]);
    let list = collection(&[&set]);
    let mut map = collection(&[&2i32.to_be_bytes(), &list, &1i32.to_be_bytes(), &list]);
    map.splice(0..4, 2i32.to_be_bytes());
    let inner = collection(&[&3i32.to_be_bytes(), &1i32.to_be_bytes()]);
    let mut tuple = (-1i32).to_be_bytes().to_vec();
    tuple.extend_from_slice(&(inner.len() as i32).to_be_bytes());
    tuple.extend_from_slice(&inner);
    e.query(
        &mut c,
        "INSERT INTO n (id, m, t) VALUES (1, ?, ?)",
        &with_values(&[Some(&map), Some(&tuple)]),
    )
    .unwrap();
    let o = q(&e, &mut c, "SELECT m, t FROM n WHERE id = 1");
    let sorted_list = collection(&[&collection(&[b"a", b"b"])]);
    let mut sorted_map = collection(&[
        &1i32.to_be_bytes(),
        &sorted_list,
        &2i32.to_be_bytes(),
        &sorted_list,
    ]);
    sorted_map.splice(0..4, 2i32.to_be_bytes());
    // A bound tuple is only validated (`Constants.Marker`), so its set stays as sent.
    assert_eq!(cells(rows(&o)), vec![vec![Some(sorted_map), Some(tuple)]]);
}

#[test]
fn quoted_raw_dates_are_day_numbers() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE d (id int PRIMARY KEY, d date)");
    for (id, literal, raw) in [
        (1, "'0'", 0u32),
        (2, "'4294967295'", u32::MAX),
        (3, "'2147483648'", 1 << 31),
        (4, "'-0'", 0),
        (5, "2147483649", (1 << 31) + 1),
    ] {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO d (id, d) VALUES ({id}, {literal})"),
        );
        let o = q(&e, &mut c, &format!("SELECT d FROM d WHERE id = {id}"));
        assert_eq!(
            cells(rows(&o)),
            vec![vec![Some(raw.to_be_bytes().to_vec())]]
        );
    }
    for literal in ["'4294967296'", "'-1'", "'99999999999999999999'"] {
        let error = err(
            &e,
            &mut c,
            &format!("INSERT INTO d (id, d) VALUES (9, {literal})"),
        );
        assert_eq!(error.kind, ErrorKind::Invalid);
        assert_eq!(
            error.message,
            format!(
                "Unable to make unsigned int (for date) from: '{}'",
                literal.trim_matches('\'')
            )
        );
    }
}

#[test]
fn a_refused_write_changes_nothing() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE a (id int, ck int, s int static, tup frozen<tuple<int, text>>, d duration, \
         PRIMARY KEY (id, ck))",
    );
    q(
        &e,
        &mut c,
        "INSERT INTO a (id, ck, s, d) VALUES (1, 1, 7, 1d)",
    );
    for cql in [
        "INSERT INTO a (id, ck, tup) VALUES (2, 1, [1, 'a'])",
        "INSERT INTO a (id, ck, d) VALUES (3, 1, -2147483648mo2147483648d9223372036854775808ns)",
        "INSERT INTO a (id, ck, s, tup) VALUES (1, 2, 8, [1, 'a'])",
        "UPDATE a SET s = 9, d = 3d, tup = [1] WHERE id = 1 AND ck = 1",
        "UPDATE a SET d = 2d, tup = [1] WHERE id = 1 AND ck IN (1, 5)",
    ] {
        assert_eq!(err(&e, &mut c, cql).kind, ErrorKind::Invalid, "{cql}");
    }
    let o = q(&e, &mut c, "SELECT id, ck, s, d FROM a");
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(1), int(1), int(7), Some(vec![0, 2, 0])]]
    );
}

#[test]
fn duration_overflow_is_an_invalid_request() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE du (id int PRIMARY KEY, d duration)",
    );
    let error = err(
        &e,
        &mut c,
        "INSERT INTO du (id, d) VALUES (1, -178956970y8mo2147483648d2562047h47m16s854ms775us808ns)",
    );
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert_eq!(
        error.message,
        "Invalid duration. The total number of months must be less or equal to 2147483647"
    );
    q(
        &e,
        &mut c,
        "INSERT INTO du (id, d) VALUES (2, -178956970y7mo2147483647d2562047h47m16s854ms775us807ns)",
    );
    let o = q(&e, &mut c, "SELECT d FROM du WHERE id = 2");
    // Zig-zag vints of -2^31+1 months, -2^31+1 days and -2^63+1 nanoseconds.
    let mut expected = vec![0xf0, 0xff, 0xff, 0xff, 0xfd];
    expected.extend_from_slice(&[0xf0, 0xff, 0xff, 0xff, 0xfd]);
    expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd]);
    assert_eq!(cells(rows(&o)), vec![vec![Some(expected)]]);
}

#[test]
fn vector_literals_prefix_variable_size_elements() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE v (id int PRIMARY KEY, s vector<smallint, 3>, t vector<text, 2>, \
         i vector<int, 2>, l vector<frozen<list<int>>, 1>)",
    );
    q(
        &e,
        &mut c,
        "INSERT INTO v (id, s, t, i, l) VALUES (1, [-32768, 0, 32767], ['', 'xy'], [1, 2], [[5]])",
    );
    let o = q(&e, &mut c, "SELECT s, t, i, l FROM v WHERE id = 1");
    let list = collection(&[&5i32.to_be_bytes()]);
    let mut l = vec![list.len() as u8];
    l.extend_from_slice(&list);
    assert_eq!(
        cells(rows(&o)),
        vec![vec![
            Some(vec![2, 0x80, 0x00, 2, 0, 0, 2, 0x7f, 0xff]),
            Some(vec![0, 2, b'x', b'y']),
            Some(vec![0, 0, 0, 1, 0, 0, 0, 2]),
            Some(l),
        ]]
    );
    let error = err(&e, &mut c, "INSERT INTO v (id, i) VALUES (2, [1])");
    assert_eq!(
        error.message,
        "Invalid vector literal for i of type vector<int, 2>; expected 2 elements, but given 1"
    );
}

#[test]
fn a_batch_with_a_refused_child_changes_nothing() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE b (id int, ck int, s int static, v int, tup frozen<tuple<int, text>>, \
         PRIMARY KEY (id, ck))",
    );
    q(&e, &mut c, "CREATE TABLE other (k int PRIMARY KEY, v int)");
    q(
        &e,
        &mut c,
        "INSERT INTO b (id, ck, s, v) VALUES (1, 1, 7, 10)",
    );
    q(&e, &mut c, "INSERT INTO b (id, ck, v) VALUES (1, 2, 20)");
    q(&e, &mut c, "INSERT INTO other (k, v) VALUES (1, 1)");
    let before = |e: &Engine, c: &mut ClientState| {
        (
            cells(rows(&q(e, c, "SELECT id, ck, s, v FROM b"))),
            cells(rows(&q(e, c, "SELECT k, v FROM other"))),
        )
    };
    let expected = before(&e, &mut c);
    for cql in [
        "BEGIN BATCH INSERT INTO b (id, ck, v) VALUES (2, 1, 1); UPDATE b SET v = 11 WHERE id = 1 \
         AND ck = 1; UPDATE other SET v = 5 WHERE k = 1; INSERT INTO other (k, v) VALUES (2, 2); \
         DELETE FROM b WHERE id = 1 AND ck = 2; DELETE FROM b WHERE id = 1 AND ck > 5; \
         UPDATE b SET s = 8 WHERE id = 1; INSERT INTO b (id, ck, tup) VALUES (3, 1, [1, 'a']) \
         APPLY BATCH",
        "BEGIN BATCH DELETE FROM b WHERE id = 1; INSERT INTO b (id, ck, tup) VALUES (1, 3, [1]) \
         APPLY BATCH",
        "BEGIN BATCH UPDATE b SET v = 12 WHERE id = 1 AND ck = 1 IF v = 10; INSERT INTO b (id, \
         ck, tup) VALUES (1, 4, [1]) APPLY BATCH",
    ] {
        assert_eq!(err(&e, &mut c, cql).kind, ErrorKind::Invalid, "{cql}");
        assert_eq!(before(&e, &mut c), expected, "{cql}");
    }
    // A batch that is accepted still applies every child.
    q(
        &e,
        &mut c,
        "BEGIN BATCH UPDATE b SET v = 11 WHERE id = 1 AND ck = 1; DELETE FROM b WHERE id = 1 AND \
         ck = 2; UPDATE other SET v = 5 WHERE k = 1 APPLY BATCH",
    );
    assert_eq!(
        before(&e, &mut c),
        (
            vec![vec![int(1), int(1), int(7), int(11)]],
            vec![vec![int(1), int(5)]]
        )
    );
}

#[test]
fn digit_strings_are_raw_nanoseconds_for_time() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE tm (id int PRIMARY KEY, t time)");
    for (id, literal, raw) in [
        (1, "'0'", 0i64),
        (2, "'86399999999999'", 86_399_999_999_999),
        (3, "42", 42),
        (4, "'00:00:01.5'", 1_500_000_000),
    ] {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO tm (id, t) VALUES ({id}, {literal})"),
        );
        let o = q(&e, &mut c, &format!("SELECT t FROM tm WHERE id = {id}"));
        assert_eq!(
            cells(rows(&o)),
            vec![vec![Some(raw.to_be_bytes().to_vec())]]
        );
    }
    for (literal, message) in [
        (
            "'86400000000000'",
            "Unable to make long (for time) from: '86400000000000'",
        ),
        ("-1", "Unable to make long (for time) from: '-1'"),
        (
            "'25:00:00'",
            "(TimeType) Unable to coerce '25:00:00' to a formatted time (long)",
        ),
    ] {
        let error = err(
            &e,
            &mut c,
            &format!("INSERT INTO tm (id, t) VALUES (9, {literal})"),
        );
        assert_eq!(error.message, message, "{literal}");
    }
}

#[test]
fn digit_strings_are_raw_milliseconds_for_timestamp() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE ts (id int PRIMARY KEY, t timestamp)",
    );
    for (id, literal, raw) in [
        (1, "'1700000000123'", 1_700_000_000_123i64),
        (2, "'-5'", -5),
        (3, "42", 42),
        (4, "'2024-01-02 03:04:05+0000'", 1_704_164_645_000),
    ] {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO ts (id, t) VALUES ({id}, {literal})"),
        );
        let o = q(&e, &mut c, &format!("SELECT t FROM ts WHERE id = {id}"));
        assert_eq!(
            cells(rows(&o)),
            vec![vec![Some(raw.to_be_bytes().to_vec())]]
        );
    }
    q(&e, &mut c, "INSERT INTO ts (id, t) VALUES (5, 'NOW')");
    let o = q(&e, &mut c, "SELECT t FROM ts WHERE id = 5");
    let now = cells(rows(&o))
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .map(|b| i64::from_be_bytes(b.try_into().unwrap()));
    assert!(now.is_some_and(|ms| ms > 1_700_000_000_000), "{now:?}");
    let error = err(
        &e,
        &mut c,
        "INSERT INTO ts (id, t) VALUES (9, '99999999999999999999')",
    );
    assert_eq!(
        error.message,
        "Unable to make long (for date) from: '99999999999999999999'"
    );
}

#[test]
fn malformed_nested_bound_values_are_refused() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE mb (id int PRIMARY KEY, l frozen<list<int>>, v vector<int, 2>)",
    );
    let short_int = collection(&[&[1, 2, 3]]);
    let three = [0u8, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
    for (cql, value, message) in [
        (
            "INSERT INTO mb (id, l) VALUES (1, ?)",
            &short_int[..],
            "Expected 4 or 0 byte int (3)",
        ),
        (
            "INSERT INTO mb (id, l) VALUES (1, ?)",
            &[0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1][..],
            "Not enough bytes to read a list",
        ),
        (
            "INSERT INTO mb (id, v) VALUES (1, ?)",
            &three[..],
            "Unexpected 4 extraneous bytes after vector<int, 2> value",
        ),
    ] {
        let error = e
            .query(&mut c, cql, &with_values(&[Some(value)]))
            .unwrap_err();
        assert_eq!(
            (error.kind, error.message.as_str()),
            (ErrorKind::Invalid, message)
        );
    }
    assert_eq!(rows(&q(&e, &mut c, "SELECT id FROM mb")).row_count, 0);
}

#[test]
fn subtracting_the_smallest_long_from_a_counter_is_refused() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE cn (id int PRIMARY KEY, n counter)",
    );
    q(&e, &mut c, "UPDATE cn SET n = n + 5 WHERE id = 1");
    let error = err(
        &e,
        &mut c,
        "UPDATE cn SET n = n - -9223372036854775808 WHERE id = 1",
    );
    assert_eq!(
        error.message,
        "The negation of -9223372036854775808 overflows supported counter precision (signed 8 bytes integer)"
    );
    q(
        &e,
        &mut c,
        "UPDATE cn SET n = n - 9223372036854775807 WHERE id = 1",
    );
    let o = q(&e, &mut c, "SELECT n FROM cn WHERE id = 1");
    let expected = 5i64.wrapping_sub(i64::MAX);
    assert_eq!(
        cells(rows(&o)),
        vec![vec![Some(expected.to_be_bytes().to_vec())]]
    );
}
