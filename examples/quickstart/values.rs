//! Every kind of CQL value written and read back, one table-driven case at a time.
//!
//! Values are written as [`CqlValue`]s (the driver's dynamic value) so a single list of cases
//! covers every type, collections and nesting included; the typed Rust forms appear in
//! the other sections. Some cases deliberately expect something other than what was
//! written, because that is what Cassandra does (sets come back sorted, an empty
//! collection is stored as no value at all).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bigdecimal::BigDecimal;
use cassia_driver::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, Session, Uuid};
use cassia_examples::{ExampleError, check};
use num_bigint::BigInt;

use crate::KEYSPACE;
use crate::compare::{identical_opt, show};

/// One column per CQL type; each case writes one column of its own row.
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS every_type (
    case_name text PRIMARY KEY,
    c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean, c_date date,
    c_decimal decimal, c_double double, c_duration duration, c_float float, c_inet inet,
    c_int int, c_smallint smallint, c_text text, c_time time, c_timestamp timestamp,
    c_timeuuid timeuuid, c_tinyint tinyint, c_uuid uuid, c_varint varint,
    c_list list<int>, c_set set<text>, c_map map<text, int>,
    c_tuple tuple<int, text, boolean>, c_udt address,
    c_frozen_nested frozen<map<text, frozen<list<frozen<address>>>>>,
    c_list_of_sets list<frozen<set<int>>>)";

/// A value written to `column`, and what reading it back must give.
struct Case {
    column: &'static str,
    label: &'static str,
    written: Option<CqlValue>,
    expected: Option<CqlValue>,
}

fn case(column: &'static str, label: &'static str, value: CqlValue) -> Case {
    Case {
        column,
        label,
        written: Some(value.clone()),
        expected: Some(value),
    }
}

fn text(s: &str) -> CqlValue {
    CqlValue::Text(s.to_owned())
}

fn decimal(s: &str) -> Result<CqlValue, ExampleError> {
    s.parse::<BigDecimal>()
        .map(CqlValue::Decimal)
        .map_err(|e| ExampleError::Literal {
            what: "decimal",
            literal: s.into(),
            detail: e.to_string(),
        })
}

fn address(street: &str, zip: Option<i32>) -> CqlValue {
    CqlValue::Udt {
        keyspace: KEYSPACE.into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), Some(text(street))),
            ("zip".into(), zip.map(CqlValue::Int)),
        ],
    }
}

fn cases() -> Result<Vec<Case>, ExampleError> {
    let big = BigInt::from(1u8) << 100u32;
    let mut cases = vec![
        case("c_ascii", "empty", CqlValue::Ascii(String::new())),
        case(
            "c_ascii",
            "printable",
            CqlValue::Ascii("plain ~ascii~".into()),
        ),
        case("c_bigint", "min", CqlValue::BigInt(i64::MIN)),
        case("c_bigint", "max", CqlValue::BigInt(i64::MAX)),
        case("c_blob", "empty", CqlValue::Blob(Vec::new())),
        case(
            "c_blob",
            "bytes",
            CqlValue::Blob(vec![0x00, 0xff, 0xca, 0xfe]),
        ),
        case("c_boolean", "false", CqlValue::Boolean(false)),
        // Dates are days with 2^31 as the unix epoch.
        case("c_date", "epoch", CqlValue::Date(CqlDate(1 << 31))),
        case("c_date", "earliest", CqlValue::Date(CqlDate(0))),
        case("c_date", "latest", CqlValue::Date(CqlDate(u32::MAX))),
        case("c_double", "max", CqlValue::Double(f64::MAX)),
        case("c_double", "negative zero", CqlValue::Double(-0.0)),
        case("c_double", "infinity", CqlValue::Double(f64::INFINITY)),
        case("c_double", "NaN", CqlValue::Double(f64::NAN)),
        case(
            "c_float",
            "smallest normal",
            CqlValue::Float(f32::MIN_POSITIVE),
        ),
        case("c_float", "NaN", CqlValue::Float(f32::NAN)),
        case(
            "c_duration",
            "1y2mo3d 1h2m3.000000123s",
            CqlValue::Duration(CqlDuration {
                months: 14,
                days: 3,
                nanoseconds: 3_723_000_000_123,
            }),
        ),
        case(
            "c_duration",
            "negative",
            CqlValue::Duration(CqlDuration {
                months: -1,
                days: -2,
                nanoseconds: -3,
            }),
        ),
        case(
            "c_inet",
            "ipv4",
            CqlValue::Inet(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ),
        case(
            "c_inet",
            "ipv6",
            CqlValue::Inet(IpAddr::V6(Ipv6Addr::new(
                0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xff,
            ))),
        ),
        case("c_int", "min", CqlValue::Int(i32::MIN)),
        case("c_smallint", "min", CqlValue::SmallInt(i16::MIN)),
        case("c_tinyint", "min", CqlValue::TinyInt(i8::MIN)),
        case("c_text", "empty", text("")),
        case("c_text", "unicode", text("héllo wörld ✓ 日本語")),
        case("c_time", "midnight", CqlValue::Time(CqlTime(0))),
        case(
            "c_time",
            "last nanosecond",
            CqlValue::Time(CqlTime(86_399_999_999_999)),
        ),
        case(
            "c_timestamp",
            "before 1970",
            CqlValue::Timestamp(CqlTimestamp(-1)),
        ),
        case(
            "c_timestamp",
            "2023-11-14",
            CqlValue::Timestamp(CqlTimestamp(1_700_000_000_123)),
        ),
        case(
            "c_timeuuid",
            "version 1",
            CqlValue::Timeuuid(Uuid::from_u128(0x1e0e_5c00_6b2c_11ef_8000_0000_0000_0001)),
        ),
        case(
            "c_uuid",
            "version 4",
            CqlValue::Uuid(Uuid::from_u128(0x123e_4567_e89b_42d3_a456_4266_1417_4000)),
        ),
        case(
            "c_list",
            "order kept",
            CqlValue::List(vec![CqlValue::Int(3), CqlValue::Int(1), CqlValue::Int(2)]),
        ),
        case(
            "c_map",
            "two entries",
            CqlValue::Map(vec![
                (text("one"), CqlValue::Int(1)),
                (text("two"), CqlValue::Int(2)),
            ]),
        ),
        case(
            "c_tuple",
            "with a null component",
            CqlValue::Tuple(vec![
                Some(CqlValue::Int(7)),
                None,
                Some(CqlValue::Boolean(true)),
            ]),
        ),
        case("c_udt", "null field", address("1 Main St", None)),
        case(
            "c_frozen_nested",
            "map of lists of UDTs",
            CqlValue::Map(vec![
                (
                    text("home"),
                    CqlValue::List(vec![address("1 Main St", Some(12345))]),
                ),
                (
                    text("work"),
                    CqlValue::List(vec![
                        address("2 Side St", None),
                        address("3 Far Rd", Some(1)),
                    ]),
                ),
            ]),
        ),
        case(
            "c_list_of_sets",
            "frozen sets in a list",
            CqlValue::List(vec![
                CqlValue::Set(vec![CqlValue::Int(1), CqlValue::Int(2)]),
                CqlValue::Set(Vec::new()),
            ]),
        ),
    ];
    // varint and decimal: the edges of their variable-length two's-complement encoding.
    for (label, n) in [
        ("zero", BigInt::from(0)),
        ("-1", BigInt::from(-1)),
        ("127", BigInt::from(127)),
        ("128", BigInt::from(128)),
        ("-128", BigInt::from(-128)),
        ("-129", BigInt::from(-129)),
        ("i64 min", BigInt::from(i64::MIN)),
        ("2^100", big.clone()),
        ("-2^100", -big),
    ] {
        cases.push(case("c_varint", label, CqlValue::Varint(n)));
    }
    for (label, literal) in [
        ("zero", "0"),
        ("scale kept", "1.00"),
        ("small negative", "-0.001"),
        ("negative scale", "1E+10"),
        ("long", "-123456789012345678901234567890.123456789"),
    ] {
        cases.push(case("c_decimal", label, decimal(literal)?));
    }
    // What Cassandra changes on the way: sets and maps come back sorted, and an empty
    // (non-frozen) collection is the same as no value.
    cases.push(Case {
        column: "c_set",
        label: "sorted on read",
        written: Some(CqlValue::Set(vec![
            text("pear"),
            text("apple"),
            text("fig"),
        ])),
        expected: Some(CqlValue::Set(vec![
            text("apple"),
            text("fig"),
            text("pear"),
        ])),
    });
    cases.push(Case {
        column: "c_list",
        label: "empty is null",
        written: Some(CqlValue::List(Vec::new())),
        expected: None,
    });
    cases.push(Case {
        column: "c_int",
        label: "null",
        written: None,
        expected: None,
    });
    Ok(cases)
}

/// Creates the `address` type and the table, then writes and checks every case.
pub async fn run(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Every kind of value");
    session
        .query(
            "CREATE TYPE IF NOT EXISTS address (street text, zip int)",
            (),
        )
        .await?;
    session.query(CREATE_TABLE, ()).await?;
    // On a multi-node cluster, every node must know the table before it is used.
    session.await_schema_agreement().await?;
    let cases = cases()?;
    for (n, c) in cases.iter().enumerate() {
        let key = format!("{}#{n}", c.column);
        // Each column gets its own prepared INSERT/SELECT; the session caches them.
        let insert = format!(
            "INSERT INTO every_type (case_name, {}) VALUES (?, ?)",
            c.column
        );
        session.query(insert.as_str(), (&key, &c.written)).await?;
        let select = format!("SELECT {} FROM every_type WHERE case_name = ?", c.column);
        let (back,): (Option<CqlValue>,) = session.query(select.as_str(), (&key,)).await?.one()?;
        let what = format!("{} ({})", c.column, c.label);
        check::holds(
            &what,
            identical_opt(&c.expected, &back),
            show(&c.expected),
            show(&back),
        )?;
        println!("  ok  {what:<40} {}", show(&back));
    }
    println!("  {} values read back as written", cases.len());
    Ok(())
}
