//! Cursor paging as a web API uses it, against the emulator: each page fetched in a fresh
//! call from nothing but the previous page's cursor string; cursors refused for another
//! statement, other values, and for text that is not a cursor.

mod common;

use cassia_driver::error::ExecuteError;
use cassia_driver::{Cursor, CursorError, ProtocolVersion, Session, Statement};
use cassia_emulator::EmulatorHandle;

async fn setup(version: ProtocolVersion) -> (EmulatorHandle, Session) {
    // No USE: with a keyspace selected the cursor text comes out at another length, and the
    // truncated case in `garbage_cursors_fail_cleanly` is cut for this one.
    let emu = common::emulator::start().await;
    let session = Session::builder()
        .known_node(emu.addr())
        .protocol_version(version)
        .build()
        .await
        .expect("session");
    common::emulator::create_keyspace(&session, "web", 1).await;
    session
        .query(
            "CREATE TABLE web.items (team text, seq int, name text, PRIMARY KEY (team, seq))",
            (),
        )
        .await
        .expect("create table");
    let insert = session
        .prepare("INSERT INTO web.items (team, seq, name) VALUES (?, ?, ?)")
        .await
        .expect("prepare");
    for seq in 0..25 {
        session
            .execute(&insert, ("core", seq, format!("item-{seq}")))
            .await
            .expect("insert");
    }
    session
        .execute(&insert, ("ops", 0, "other team".to_owned()))
        .await
        .expect("insert");
    (emu, session)
}

const BY_TEAM: &str = "SELECT seq, name FROM web.items WHERE team = ?";

/// What a handler does per HTTP request: parse the client's cursor, fetch one page, hand
/// back the rows and the next cursor as a string.
async fn handler(
    session: &Session,
    cursor: Option<&str>,
) -> Result<(Vec<(i32, String)>, Option<String>), ExecuteError> {
    let cursor = cursor.map(Cursor::parse).transpose()?;
    let page = session
        .query_page(BY_TEAM, ("core",), cursor.as_ref(), 10)
        .await?;
    let rows = page.result.rows::<(i32, String)>()?;
    Ok((rows, page.next.map(|c| c.to_string())))
}

async fn pages_through_every_row_by_cursor_strings(version: ProtocolVersion) {
    let (_emu, session) = setup(version).await;
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (rows, next) = handler(&session, cursor.as_deref()).await.expect("page");
        sizes.push(rows.len());
        seen.extend(rows);
        match next {
            Some(next) => {
                assert!(
                    next.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                    "URL-safe: {next}"
                );
                cursor = Some(next);
            }
            None => break,
        }
        assert!(sizes.len() < 10, "paging does not end: {sizes:?}");
    }
    assert_eq!(sizes, [10, 10, 5], "the last page has no next cursor");
    let expected: Vec<(i32, String)> = (0..25).map(|i| (i, format!("item-{i}"))).collect();
    assert_eq!(seen, expected, "every row once, in order");
}

#[tokio::test]
async fn pages_through_every_row_by_cursor_strings_v4() {
    pages_through_every_row_by_cursor_strings(ProtocolVersion::V4).await;
}

#[tokio::test]
async fn pages_through_every_row_by_cursor_strings_v5() {
    pages_through_every_row_by_cursor_strings(ProtocolVersion::V5).await;
}

#[tokio::test]
async fn prepared_statements_page_by_cursor_too() {
    let (_emu, session) = setup(ProtocolVersion::V5).await;
    let prepared = session.prepare(BY_TEAM).await.expect("prepare");
    let first = session
        .execute_page(&prepared, ("core",), None, 20)
        .await
        .expect("first page");
    assert_eq!(first.result.row_count(), 20);
    let text = first.next.expect("more rows").to_string();
    let cursor = Cursor::parse(&text).expect("parses");
    // The same statement sent as text resumes the cursor a prepared one handed out.
    let rest = session
        .query_page(BY_TEAM, ("core",), Some(&cursor), 20)
        .await
        .expect("second page");
    let seqs: Vec<i32> = rest
        .result
        .rows::<(i32, String)>()
        .expect("rows")
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(seqs, [20, 21, 22, 23, 24]);
    assert!(rest.next.is_none());
}

#[tokio::test]
async fn a_cursor_from_another_query_is_refused() {
    let (_emu, session) = setup(ProtocolVersion::V4).await;
    let a = session
        .query_page(BY_TEAM, ("core",), None, 10)
        .await
        .expect("query A");
    let cursor = a.next.expect("query A has more pages");

    let other_text = "SELECT seq FROM web.items WHERE team = ?";
    let err = session
        .query_page(other_text, ("core",), Some(&cursor), 10)
        .await
        .expect_err("query B refuses A's cursor");
    assert!(
        matches!(
            &err,
            ExecuteError::Cursor(CursorError::OtherStatement { statement })
                if &**statement == other_text
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("the cursor belongs to another query, not to \"{other_text}\" with these values")
    );

    // The same text with other values is another query too.
    let err = session
        .query_page(BY_TEAM, ("ops",), Some(&cursor), 10)
        .await
        .expect_err("other values");
    assert!(
        matches!(
            err,
            ExecuteError::Cursor(CursorError::OtherStatement { .. })
        ),
        "{err:?}"
    );

    // And so is a statement without values.
    let err = session
        .query_page(
            "SELECT seq FROM web.items WHERE team = 'core'",
            (),
            Some(&cursor),
            10,
        )
        .await
        .expect_err("unprepared statement");
    assert!(
        matches!(
            err,
            ExecuteError::Cursor(CursorError::OtherStatement { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn garbage_cursors_fail_cleanly() {
    let (_emu, session) = setup(ProtocolVersion::V4).await;
    let good = session
        .query_page(BY_TEAM, ("core",), None, 10)
        .await
        .expect("page")
        .next
        .expect("more")
        .to_string();
    let mut flipped: Vec<char> = good.chars().collect();
    flipped[3] = if flipped[3] == 'A' { 'B' } else { 'A' };
    let flipped: String = flipped.into_iter().collect();
    let cases = [
        ("", "invalid cursor: too short"),
        ("%%%", "invalid cursor: not base64url text"),
        ("' OR 1=1 --", "invalid cursor: not base64url text"),
        (
            &good[..good.len() - 3],
            "invalid cursor: it was altered or truncated",
        ),
        (&flipped, "invalid cursor: it was altered or truncated"),
    ];
    for (text, message) in cases {
        let err = handler(&session, Some(text))
            .await
            .expect_err("not a cursor");
        assert!(matches!(err, ExecuteError::Cursor(_)), "{text:?}: {err:?}");
        assert_eq!(err.to_string(), message, "{text:?}");
    }
    // The session still serves the real cursor afterwards.
    let (rows, _) = handler(&session, Some(&good)).await.expect("resumes");
    assert_eq!(rows.first().map(|r| r.0), Some(10));
}

#[tokio::test]
async fn a_page_needs_a_positive_size() {
    let (_emu, session) = setup(ProtocolVersion::V4).await;
    for size in [0, -1] {
        let err = session
            .query_page(Statement::new(BY_TEAM), ("core",), None, size)
            .await
            .expect_err("no paging is not a page");
        assert!(
            err.to_string()
                .contains("a page must hold at least one row"),
            "{err}"
        );
    }
}
