//! `Select::page` as a web API uses it, against the emulator: 25 rows in pages of 10, each
//! fetched from nothing but the previous page's cursor string; a cursor from another query
//! and text that is not a cursor are refused with typed errors.

use cassia::driver::Session;
use cassia::driver::error::ExecuteError;
use cassia::prelude::*;
use cassia::{Cursor, CursorError, ExecError, connection};

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "orders")]
struct Order {
    #[cassia(partition_key)]
    customer: String,
    #[cassia(clustering_key)]
    seq: i32,
    item: String,
}

/// 25 orders of ada's and one of bob's.
async fn seed(session: &Session) {
    for seq in 0..25 {
        order("ada", seq)
            .insert()
            .execute_on(session)
            .await
            .expect("insert");
    }
    order("bob", 0)
        .insert()
        .execute_on(session)
        .await
        .expect("insert");
}

fn order(customer: &str, seq: i32) -> Order {
    Order {
        customer: customer.into(),
        seq,
        item: format!("item-{seq}"),
    }
}

/// A handler's work: the client's cursor string in, rows and the next cursor string out.
async fn handler(
    session: &Session,
    customer: &str,
    cursor: Option<&str>,
) -> Result<(Vec<Order>, Option<String>), ExecError> {
    let cursor = cursor.map(Cursor::parse).transpose()?;
    let page = Order::objects()
        .filter(Order::CUSTOMER.eq(customer))
        .page_on(session, cursor.as_ref(), 10)
        .await?;
    Ok((page.rows, page.next.map(|c| c.to_string())))
}

#[cassia::test(models(Order))]
async fn pages_through_25_rows_by_10_with_cursor_strings(session: Session) {
    seed(&session).await;
    let mut rows = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (page, next) = handler(&session, "ada", cursor.as_deref())
            .await
            .expect("page");
        sizes.push(page.len());
        rows.extend(page);
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(sizes.len() < 10, "paging does not end: {sizes:?}");
    }
    assert_eq!(sizes, [10, 10, 5], "the last page has no next cursor");
    let expected: Vec<Order> = (0..25).map(|s| order("ada", s)).collect();
    assert_eq!(rows, expected, "every row once, in clustering order");
}

#[cassia::test(models(Order))]
async fn page_runs_on_the_default_session(session: Session) {
    seed(&session).await;
    connection::setup(session);
    let first = Order::objects()
        .filter(Order::CUSTOMER.eq("ada"))
        .page(None, 20)
        .await
        .expect("first page");
    assert_eq!(first.rows.len(), 20);
    let rest = Order::objects()
        .filter(Order::CUSTOMER.eq("ada"))
        .page(first.next.as_ref(), 20)
        .await
        .expect("second page");
    let seqs: Vec<i32> = rest.rows.iter().map(|o| o.seq).collect();
    assert_eq!(seqs, [20, 21, 22, 23, 24]);
    assert!(rest.next.is_none());
}

#[cassia::test(models(Order))]
async fn a_cursor_from_another_query_is_refused(session: Session) {
    seed(&session).await;
    let (_, next) = handler(&session, "ada", None).await.expect("page");
    let cursor = next.expect("more pages");

    // Same filter shape, other value: another query.
    let err = handler(&session, "bob", Some(&cursor))
        .await
        .expect_err("bob's query refuses ada's cursor");
    assert!(
        matches!(
            err,
            ExecError::Execute(ExecuteError::Cursor(CursorError::OtherStatement { .. }))
        ),
        "{err:?}"
    );
    // Another shape (a projection and a limit): another query.
    let parsed = Cursor::parse(&cursor).expect("parses");
    let err = Order::objects()
        .filter(Order::CUSTOMER.eq("ada"))
        .limit(15)
        .page_on(&session, Some(&parsed), 10)
        .await
        .expect_err("other text");
    assert!(
        err.to_string().starts_with(
            "the cursor belongs to another query, not to \"SELECT customer, seq, item FROM orders WHERE customer = ? LIMIT 15\""
        ),
        "{err}"
    );
}

#[cassia::test(models(Order))]
async fn garbage_cursors_fail_cleanly(session: Session) {
    seed(&session).await;
    for text in ["", "garbage!", "AAAAAAAAAAAAAAAAAAAAAAAA", "\u{1F600}"] {
        let err = handler(&session, "ada", Some(text))
            .await
            .expect_err("not a cursor");
        assert!(
            matches!(
                err,
                ExecError::Execute(ExecuteError::Cursor(
                    CursorError::Malformed { .. } | CursorError::Damaged
                ))
            ),
            "{text:?}: {err:?}"
        );
        assert!(
            err.to_string().starts_with("invalid cursor"),
            "{text:?}: {err}"
        );
    }
    let err = Order::objects()
        .filter(Order::CUSTOMER.eq("ada"))
        .page_on(&session, None, 0)
        .await
        .expect_err("a page of no rows");
    assert!(
        err.to_string()
            .contains("a page must hold at least one row"),
        "{err}"
    );
}
