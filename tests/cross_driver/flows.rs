//! The two directions of the suite, each on its own node and keyspace: the Python driver
//! writes and Cassia reads, or Cassia writes and the Python driver reads. Both drivers use
//! the same protocol version.
//!
//! Besides value mismatches, a row the writer says it wrote but the reader never saw (or the
//! reverse) is a mismatch too, so a reader that silently checks nothing cannot pass.

use std::collections::BTreeSet;

use cassia_driver::ProtocolVersion;

use crate::target::{Target, create_schema, keyspace_name};
use crate::{Failure, Mismatch, cassia_side, known_bugs, peer, values};

fn protocol(version: u8) -> Result<ProtocolVersion, Failure> {
    match version {
        4 => Ok(ProtocolVersion::V4),
        5 => Ok(ProtocolVersion::V5),
        v => Err(Failure::setup(format!(
            "protocol v{v} is not part of the suite"
        ))),
    }
}

/// Rows the writer wrote that the reader did not check, and the reverse.
fn unseen(written: &[String], checked: &[String], types: &values::Values) -> Vec<Mismatch> {
    let w: BTreeSet<&String> = written.iter().collect();
    let c: BTreeSet<&String> = checked.iter().collect();
    let typ = |row: &str| {
        let column = row.split(':').nth(2).unwrap_or_default();
        types
            .cases
            .iter()
            .find(|case| case.column == column)
            .map(|case| case.type_text.clone())
            .unwrap_or_default()
    };
    let missing = w.difference(&c).map(|row| Mismatch {
        row: row.to_string(),
        typ: typ(row),
        expected: "the row the writer reported".into(),
        got: "no such row for the reader".into(),
    });
    let extra = c.difference(&w).map(|row| Mismatch {
        row: row.to_string(),
        typ: typ(row),
        expected: "no row (the writer did not report it)".into(),
        got: "a row".into(),
    });
    missing.chain(extra).collect()
}

fn report(direction: &str, rows: usize, skipped: &[(String, String, String)]) {
    println!("{direction}: {rows} row(s) compared");
    for (row, typ, why) in skipped {
        println!("  skipped {row} ({typ}): {why}");
    }
}

/// The Python driver writes every case (prepared and simple statements); Cassia reads.
pub async fn python_to_cassia(version: u8) -> Result<Vec<Mismatch>, Failure> {
    let python_driver = peer::probe().await?;
    let target = Target::start().await?;
    let session = target.session(protocol(version)?).await?;
    let keyspace = keyspace_name(&format!("py2rs_v{version}"));
    let values = values::load(&keyspace)?;
    create_schema(&session, &keyspace, &values).await?;

    let written = peer::peer("write", &target, &keyspace, version).await?;
    let (checked, mut mismatches) = cassia_side::check_all(&session, &values, "py").await?;
    report(
        &format!("v{version} Python {python_driver} -> Cassia"),
        checked.len(),
        &written.skipped,
    );
    mismatches.extend(
        written
            .failures
            .into_iter()
            .map(|(row, typ, expected, got)| Mismatch {
                row,
                typ,
                expected,
                got,
            }),
    );
    mismatches.extend(unseen(&written.rows, &checked, &values));
    session.shutdown().await;
    Ok(known_bugs::triage(mismatches, &checked, "py"))
}

/// Cassia writes every case (prepared, bound and literal); the Python driver reads.
pub async fn cassia_to_python(version: u8) -> Result<Vec<Mismatch>, Failure> {
    let python_driver = peer::probe().await?;
    let target = Target::start().await?;
    let session = target.session(protocol(version)?).await?;
    let keyspace = keyspace_name(&format!("rs2py_v{version}"));
    let values = values::load(&keyspace)?;
    create_schema(&session, &keyspace, &values).await?;

    let written = cassia_side::write_all(&session, &values).await;
    let mut mismatches = written.failures;
    let checked = peer::peer("check", &target, &keyspace, version).await?;
    report(
        &format!("v{version} Cassia -> Python {python_driver}"),
        checked.rows.len(),
        &written.skipped,
    );
    mismatches.extend(
        checked
            .failures
            .into_iter()
            .map(|(row, typ, expected, got)| Mismatch {
                row,
                typ,
                expected,
                got,
            }),
    );
    mismatches.extend(unseen(&written.rows, &checked.rows, &values));
    session.shutdown().await;
    Ok(known_bugs::triage(mismatches, &checked.rows, "rs"))
}
