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
        .map_err(|e| ExampleError::Mismatch {
            what: format!("decimal literal {s}"),
            expected: "a decimal".into(),
            actual: e.to_string(),
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

fn show(v: &Option<CqlValue>) -> String {
    match v {
        Some(v) => format!("{v}"),
        None => "null".into(),
    }
}

fn identical_opt(a: &Option<CqlValue>, b: &Option<CqlValue>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => identical(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Equality that is stricter than `==` where it matters for a round trip: a float must
/// keep its bits (NaN equals itself, -0.0 differs from 0.0), and a decimal its scale
/// (`BigDecimal` says 1.0 == 1.00).
fn identical(a: &CqlValue, b: &CqlValue) -> bool {
    use CqlValue as V;
    let all = |x: &[CqlValue], y: &[CqlValue]| {
        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| identical(x, y))
    };
    match (a, b) {
        (V::Float(x), V::Float(y)) => x.to_bits() == y.to_bits(),
        (V::Double(x), V::Double(y)) => x.to_bits() == y.to_bits(),
        (V::Decimal(x), V::Decimal(y)) => x.as_bigint_and_exponent() == y.as_bigint_and_exponent(),
        (V::List(x), V::List(y)) | (V::Set(x), V::Set(y)) | (V::Vector(x), V::Vector(y)) => {
            all(x, y)
        }
        (V::Map(x), V::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((xk, xv), (yk, yv))| identical(xk, yk) && identical(xv, yv))
        }
        (V::Tuple(x), V::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| identical_opt(x, y))
        }
        (
            V::Udt {
                keyspace: xk,
                name: xn,
                fields: xf,
            },
            V::Udt {
                keyspace: yk,
                name: yn,
                fields: yf,
            },
        ) => {
            xk == yk
                && xn == yn
                && xf.len() == yf.len()
                && xf
                    .iter()
                    .zip(yf)
                    .all(|((xn, xv), (yn, yv))| xn == yn && identical_opt(xv, yv))
        }
        _ => a == b,
    }
}

/// The counter column type: changed only by increments, read back as their sum.
pub async fn counters(session: &Session) -> Result<(), ExampleError> {
    session
        .query(
            "CREATE TABLE IF NOT EXISTS page_hits (page text PRIMARY KEY, hits counter)",
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    for delta in [5i64, -2, i64::from(i32::MAX)] {
        session
            .query(
                "UPDATE page_hits SET hits = hits + ? WHERE page = ?",
                (delta, "/"),
            )
            .await?;
    }
    let (hits,): (cassia::Counter,) = session
        .query("SELECT hits FROM page_hits WHERE page = ?", ("/",))
        .await?
        .one()?;
    let expected = 3 + i64::from(i32::MAX);
    check::same("counter after +5, -2, +2^31-1", &expected, &hits.0)?;
    println!("  ok  counter                                  {}", hits.0);
    Ok(())
}

/// `vector<float, 3>` (Cassandra 5.0+). A real cluster that predates vectors refuses the
/// table; that is reported and skipped, while the emulator must accept it.
pub async fn vectors(session: &Session, required: bool) -> Result<(), ExampleError> {
    let created = session
        .query(
            "CREATE TABLE IF NOT EXISTS embeddings (id int PRIMARY KEY, v vector<float, 3>)",
            (),
        )
        .await;
    if let Err(e) = created {
        if required {
            return Err(e.into());
        }
        println!("  --  vector                                   skipped: {e}");
        return Ok(());
    }
    session.await_schema_agreement().await?;
    let written = CqlValue::Vector(vec![
        CqlValue::Float(1.0),
        CqlValue::Float(-2.5),
        CqlValue::Float(f32::EPSILON),
    ]);
    session
        .query(
            "INSERT INTO embeddings (id, v) VALUES (?, ?)",
            (1, &written),
        )
        .await?;
    let (back,): (CqlValue,) = session
        .query("SELECT v FROM embeddings WHERE id = ?", (1,))
        .await?
        .one()?;
    check::holds(
        "vector<float, 3>",
        identical(&written, &back),
        written.to_string(),
        back.to_string(),
    )?;
    // The typed form: a fixed-size Rust array.
    let (typed,): ([f32; 3],) = session
        .query("SELECT v FROM embeddings WHERE id = ?", (1,))
        .await?
        .one()?;
    check::same(
        "vector<float, 3> as [f32; 3]",
        &[1.0, -2.5, f32::EPSILON],
        &typed,
    )?;
    println!("  ok  vector<float, 3>                         {back}");
    Ok(())
}
