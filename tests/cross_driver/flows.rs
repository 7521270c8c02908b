//! The two directions of the suite, each on its own node and keyspace: the Python driver
//! writes and Cassia reads, or Cassia writes and the Python driver reads. Both drivers use
//! the same protocol version and compression.
//!
//! Besides value mismatches, a row the writer says it wrote but the reader never saw (or the
//! reverse) is a mismatch too, so a reader that silently checks nothing cannot pass.

use std::collections::BTreeSet;

use cassia_driver::{Compression, ProtocolVersion};

use crate::target::{SkippedTables, Target, create_schema, keyspace_name};
use crate::{Failure, Mismatch, cassia_side, known_bugs, peer, values};

/// The connection settings both drivers use in one test.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Protocol version, 4 or 5.
    pub version: u8,
    /// `None`, or the compression both sides ask for in STARTUP.
    pub compression: Option<Compression>,
}

impl Setting {
    fn protocol(self) -> Result<ProtocolVersion, Failure> {
        match self.version {
            4 => Ok(ProtocolVersion::V4),
            5 => Ok(ProtocolVersion::V5),
            v => Err(Failure::setup(format!(
                "protocol v{v} is not part of the suite"
            ))),
        }
    }

    /// The Python helper's `--compression` argument.
    fn python_compression(self) -> &'static str {
        match self.compression {
            None => "none",
            Some(Compression::Lz4) => "lz4",
            Some(Compression::Snappy) => "snappy",
        }
    }

    /// A short label for keyspace names and messages: `v5_lz4`.
    fn label(self) -> String {
        format!("v{}_{}", self.version, self.python_compression())
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

/// Drops the test's keyspace (it matters on a real cluster) and closes the session. A failed
/// drop only leaves a uniquely named keyspace behind, so it is reported, not fatal.
async fn drop_keyspace(session: &cassia_driver::Session, keyspace: &str) {
    let cql = format!("DROP KEYSPACE IF EXISTS {keyspace}");
    if let Err(e) = session.query(cql.as_str(), ()).await {
        println!("  could not drop {keyspace}: {e}");
    }
    session.shutdown().await;
}

/// Drops the cases of tables the node could not create, so neither side writes or expects
/// them, and returns those tables' names for the Python helper.
fn leave_out(values: &mut values::Values, skipped: &SkippedTables) -> Vec<String> {
    let names: Vec<String> = skipped.iter().map(|(t, _)| t.clone()).collect();
    values.tables.retain(|t| !names.contains(&t.name));
    values.cases.retain(|c| !names.contains(&c.table));
    names
}

fn report(
    direction: &str,
    rows: usize,
    skipped: &[(String, String, String)],
    tables: &SkippedTables,
) {
    println!("{direction}: {rows} row(s) compared");
    for (table, why) in tables {
        println!("  SKIPPED TABLE {table}: {why}");
    }
    for (row, typ, why) in skipped {
        println!("  skipped {row} ({typ}): {why}");
    }
}

/// The Python driver writes every case (prepared and simple statements); Cassia reads.
pub async fn python_to_cassia(setting: Setting) -> Result<Vec<Mismatch>, Failure> {
    let python_driver = peer::probe().await?;
    let target = Target::start().await?;
    let session = target
        .session(setting.protocol()?, setting.compression)
        .await?;
    let label = setting.label();
    let keyspace = keyspace_name(&format!("py2rs_{label}"));
    let mut values = values::load(&keyspace)?;
    let skipped_tables = create_schema(&session, &target, &keyspace, &values).await?;
    let left_out = leave_out(&mut values, &skipped_tables);

    let (version, compression) = (setting.version, setting.python_compression());
    let written = peer::peer("write", &target, &keyspace, version, compression, &left_out).await?;
    let (checked, mut mismatches) = cassia_side::check_all(&session, &values, "py").await?;
    report(
        &format!("{label}: Python {python_driver} -> Cassia"),
        checked.len(),
        &written.skipped,
        &skipped_tables,
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
    drop_keyspace(&session, &keyspace).await;
    Ok(known_bugs::triage(mismatches, &checked, "py"))
}

/// Cassia writes every case (prepared, bound and literal); the Python driver reads.
pub async fn cassia_to_python(setting: Setting) -> Result<Vec<Mismatch>, Failure> {
    let python_driver = peer::probe().await?;
    let target = Target::start().await?;
    let session = target
        .session(setting.protocol()?, setting.compression)
        .await?;
    let label = setting.label();
    let keyspace = keyspace_name(&format!("rs2py_{label}"));
    let mut values = values::load(&keyspace)?;
    let skipped_tables = create_schema(&session, &target, &keyspace, &values).await?;
    let left_out = leave_out(&mut values, &skipped_tables);

    let written = cassia_side::write_all(&session, &values).await;
    let mut mismatches = written.failures;
    let (version, compression) = (setting.version, setting.python_compression());
    let checked = peer::peer("check", &target, &keyspace, version, compression, &left_out).await?;
    report(
        &format!("{label}: Cassia -> Python {python_driver}"),
        checked.rows.len(),
        &written.skipped,
        &skipped_tables,
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
    drop_keyspace(&session, &keyspace).await;
    Ok(known_bugs::triage(mismatches, &checked.rows, "rs"))
}
