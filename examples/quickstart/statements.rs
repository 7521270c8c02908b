//! The statement kinds beyond a one-off query: a prepared statement, a query read page by
//! page, a batch, and lightweight transactions (compare-and-set).

use cassia_driver::{Batch, BatchType, CqlValue, Row, SerializeRow, Session, Statement};
use cassia_examples::{ExampleError, check};

const READINGS: i32 = 25;
const PAGE_SIZE: i32 = 10;

/// Prepares an insert once and runs it many times with typed Rust values.
pub async fn prepared(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Prepared statement");
    session
        .query(
            "CREATE TABLE IF NOT EXISTS readings (sensor text, seq int, value double, \
             PRIMARY KEY (sensor, seq))",
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    // Preparing parses the statement once on the server; executions send only the id
    // and the values, already typed against the bind markers.
    let insert = session
        .prepare("INSERT INTO readings (sensor, seq, value) VALUES (?, ?, ?)")
        .await?
        .with_idempotent(true);
    let markers: Vec<String> = insert
        .bind_columns()
        .iter()
        .map(|c| format!("{} {}", c.name, c.typ))
        .collect();
    println!(
        "  prepared {:?} (binds: {})",
        insert.cql(),
        markers.join(", ")
    );
    for seq in 0..READINGS {
        session
            .execute(&insert, ("s1", seq, f64::from(seq) * 0.5))
            .await?;
    }
    println!("  executed it {READINGS} times");
    Ok(())
}

/// Reads the readings `PAGE_SIZE` rows at a time, carrying the paging state by hand to
/// show where each page ends (`query_iter` does the same thing behind a stream).
pub async fn paged(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Paged query ({PAGE_SIZE} rows per page)");
    let select = Statement::new("SELECT seq, value FROM readings WHERE sensor = ?")
        .with_page_size(PAGE_SIZE);
    let mut next = select.clone();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = session.query(next, ("s1",)).await?;
        pages += 1;
        let rows: Vec<(i32, f64)> = page.rows()?;
        check::holds(
            format!("page {pages} size"),
            rows.len() <= PAGE_SIZE as usize,
            format!("at most {PAGE_SIZE} rows"),
            format!("{} rows", rows.len()),
        )?;
        let span = match (rows.first(), rows.last()) {
            (Some(first), Some(last)) => format!("seq {} ..= {}", first.0, last.0),
            _ => "empty".to_owned(),
        };
        println!(
            "  page {pages}: {} rows, {span}{}",
            rows.len(),
            if page.has_more_pages() {
                ""
            } else {
                " (last page)"
            }
        );
        for (seq, value) in rows {
            check::same(
                format!("value of seq {seq}"),
                &(f64::from(seq) * 0.5),
                &value,
            )?;
            seen.push(seq);
        }
        match page.paging_state() {
            Some(state) => next = select.clone().with_paging_state(state.clone()),
            None => break,
        }
    }
    let expected: Vec<i32> = (0..READINGS).collect();
    check::same("every seq once, in clustering order", &expected, &seen)?;
    let expected_pages = (READINGS + PAGE_SIZE - 1) / PAGE_SIZE;
    check::holds(
        "page count",
        pages >= expected_pages,
        format!("at least {expected_pages} pages"),
        format!("{pages} pages"),
    )?;
    Ok(())
}

/// A logged batch: its statements apply together (all or none) even across partitions.
pub async fn batch(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Batch");
    let insert = session
        .prepare("INSERT INTO readings (sensor, seq, value) VALUES (?, ?, ?)")
        .await?;
    let batch = Batch::new(BatchType::Logged)
        .with_prepared(&insert)
        .with_prepared(&insert)
        .with_statement("DELETE FROM readings WHERE sensor = 's1' AND seq = 0");
    // Each statement has its own values; `&dyn SerializeRow` lets them differ in type.
    let values: [&dyn SerializeRow; 3] = [&("s2", 1, 10.0), &("s2", 2, 20.0), &()];
    session.batch(&batch, &values).await?;
    let s2: Vec<(i32, f64)> = session
        .query("SELECT seq, value FROM readings WHERE sensor = ?", ("s2",))
        .await?
        .rows()?;
    check::same("rows the batch inserted", &vec![(1, 10.0), (2, 20.0)], &s2)?;
    let gone: Option<(i32,)> = session
        .query(
            "SELECT seq FROM readings WHERE sensor = ? AND seq = ?",
            ("s1", 0),
        )
        .await?
        .maybe_first()?;
    check::same("row the batch deleted", &None, &gone)?;
    println!("  inserted s2/1 and s2/2 and deleted s1/0 in one logged batch");
    Ok(())
}

/// Lightweight transactions: a write that only happens if a condition holds. When it does
/// not, the result carries the row's current values instead.
pub async fn lwt(session: &Session) -> Result<(), ExampleError> {
    println!("\n== Lightweight transactions");
    session
        .query(
            "CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, owner text, balance int)",
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    let claim = "INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?) IF NOT EXISTS";
    let first = session.query(claim, (1, "ada", 100)).await?;
    check::same(
        "first INSERT ... IF NOT EXISTS applied",
        &true,
        &first.was_applied()?,
    )?;
    println!("  INSERT id=1 owner=ada IF NOT EXISTS: applied");

    let second = session.query(claim, (1, "bob", 0)).await?;
    check::same(
        "second INSERT ... IF NOT EXISTS applied",
        &false,
        &second.was_applied()?,
    )?;
    let current: Row = second.first_row()?;
    println!(
        "  INSERT id=1 owner=bob IF NOT EXISTS: not applied, current {}",
        show(&current)
    );
    let owner = current.get("owner").ok().flatten().cloned();
    check::same(
        "owner after the refused insert",
        &Some(CqlValue::Text("ada".into())),
        &owner,
    )?;

    let debit = "UPDATE accounts SET balance = ? WHERE id = ? IF balance = ?";
    let applied = session.query(debit, (80, 1, 100)).await?.was_applied()?;
    check::same("UPDATE ... IF balance = 100 applied", &true, &applied)?;
    println!("  UPDATE balance = 80 IF balance = 100: applied");

    let stale = session.query(debit, (60, 1, 100)).await?;
    check::same("stale UPDATE applied", &false, &stale.was_applied()?)?;
    let current: Row = stale.first_row()?;
    println!(
        "  UPDATE balance = 60 IF balance = 100: not applied, current {}",
        show(&current)
    );
    let balance = current.get("balance").ok().flatten().cloned();
    check::same(
        "balance after the refused update",
        &Some(CqlValue::Int(80)),
        &balance,
    )?;
    Ok(())
}

/// `name=value` pairs of a dynamic row, for the transcript.
fn show(row: &Row) -> String {
    let pairs: Vec<String> = row
        .names()
        .iter()
        .zip(row.values())
        .map(|(n, v)| match v {
            Some(v) => format!("{n}={v}"),
            None => format!("{n}=null"),
        })
        .collect();
    pairs.join(" ")
}
