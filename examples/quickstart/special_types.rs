//! The two column types that do not fit the every-type table: counters (a counter table
//! holds nothing else) and vectors (Cassandra 5.0+, so kept apart from the rest).

use cassia_driver::{CqlValue, Session};
use cassia_examples::{ExampleError, check};

use crate::compare::identical;

/// The counter column type: changed only by increments, read back as their sum.
pub async fn counters(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Counters and vectors");
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
