//! The same columns through plain Rust types, which is how an application usually binds
//! and reads values: each Rust type is checked against the column's CQL type.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv6Addr};

use bigdecimal::BigDecimal;
use cassia_driver::{CqlDuration, Session, Uuid};
use cassia_examples::{ExampleError, check};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use num_bigint::BigInt;

/// Columns of `every_type` written and read as one typed row.
const COLUMNS: &str = "c_varint, c_decimal, c_date, c_time, c_timestamp, c_inet, c_uuid, \
                       c_blob, c_set, c_map, c_tuple, c_duration";

type TypedRow = (
    BigInt,
    BigDecimal,
    NaiveDate,
    NaiveTime,
    DateTime<Utc>,
    IpAddr,
    Uuid,
    Vec<u8>,
    BTreeSet<String>,
    BTreeMap<String, i32>,
    (i32, Option<String>, bool),
    CqlDuration,
);

/// Literals are still parsed fallibly: no panics, even on a typo.
fn invalid(what: &'static str, literal: impl ToString, detail: impl ToString) -> ExampleError {
    ExampleError::Literal {
        what,
        literal: literal.to_string(),
        detail: detail.to_string(),
    }
}

fn sample() -> Result<TypedRow, ExampleError> {
    // One below i128::MIN: wider than any fixed-size integer.
    let varint_text = "-170141183460469231731687303715884105729";
    let varint: BigInt = varint_text
        .parse()
        .map_err(|e| invalid("varint", varint_text, e))?;
    let decimal_text = "3.14159265358979323846264338327950288";
    let decimal: BigDecimal = decimal_text
        .parse()
        .map_err(|e| invalid("decimal", decimal_text, e))?;
    let day = NaiveDate::from_ymd_opt(2024, 2, 29)
        .ok_or_else(|| invalid("date", "2024-02-29", "no such day"))?;
    let time = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999)
        .ok_or_else(|| invalid("time", "23:59:59.999999999", "no such time"))?;
    let at = DateTime::from_timestamp_millis(1_700_000_000_123)
        .ok_or_else(|| invalid("timestamp", 1_700_000_000_123i64, "out of range"))?;
    Ok((
        varint,
        decimal,
        day,
        time,
        at,
        IpAddr::V6(Ipv6Addr::LOCALHOST),
        Uuid::from_u128(0x0f0e_0d0c_0b0a_4908_8706_0504_0302_0100),
        b"\x00bytes\xff".to_vec(),
        BTreeSet::from(["b".to_owned(), "a".to_owned()]),
        BTreeMap::from([("x".to_owned(), -1), ("y".to_owned(), i32::MAX)]),
        (42, None, false),
        CqlDuration {
            months: 0,
            days: 1,
            nanoseconds: 1,
        },
    ))
}

/// Writes one row from Rust values and reads it back into the same Rust types.
pub async fn run(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Typed Rust values");
    let written = sample()?;
    let insert = format!(
        "INSERT INTO every_type (case_name, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11) = &written;
    session
        .query(
            insert.as_str(),
            ("typed", v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11),
        )
        .await?;
    let select = format!("SELECT {COLUMNS} FROM every_type WHERE case_name = ?");
    let back: TypedRow = session.query(select.as_str(), ("typed",)).await?.one()?;
    check::same("typed row", &written, &back)?;
    // BigDecimal's `==` ignores the scale (1.0 == 1.00); the digits written must survive.
    check::same(
        "decimal digits and scale",
        &written.1.as_bigint_and_exponent(),
        &back.1.as_bigint_and_exponent(),
    )?;
    println!("  ok  varint {} (BigInt)", back.0);
    println!("  ok  decimal {} (BigDecimal)", back.1);
    println!(
        "  ok  date {}, time {}, timestamp {} (chrono)",
        back.2, back.3, back.4
    );
    println!(
        "  ok  inet {}, uuid {}, blob of {} bytes",
        back.5,
        back.6,
        back.7.len()
    );
    println!(
        "  ok  set {:?}, map {:?}, tuple {:?}",
        back.8, back.9, back.10
    );
    println!("  ok  duration {:?}", back.11);
    Ok(())
}
