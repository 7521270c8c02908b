//! Per-call keyspace overrides (`.keyspace("tenant_a")`) for multi-tenant services: the CQL
//! they render, and, against the emulator on protocol v4 and v5, writes and reads that land
//! in the named keyspace — checked with plain driver queries on each keyspace's table.

mod common;

use cassia::driver::{ProtocolVersion, Session};
use cassia::prelude::*;
use cassia::query::BatchBuilder;
use cassia::schema::create_keyspace_simple;
use cassia_emulator::EmulatorHandle;

/// A model with no keyspace of its own: it runs in the session's unless overridden.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "notes")]
struct Note {
    #[cassia(partition_key)]
    owner: String,
    #[cassia(clustering_key)]
    id: i32,
    body: String,
    likes: Option<i32>,
}

/// The same table, declared in a fixed keyspace: an override still wins.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(keyspace = "home", table = "notes")]
struct HomeNote {
    #[cassia(partition_key)]
    owner: String,
    #[cassia(clustering_key)]
    id: i32,
    body: String,
    likes: Option<i32>,
}

const TENANTS: [&str; 3] = ["tenant_a", "tenant_b", "home"];

async fn setup(version: ProtocolVersion) -> (EmulatorHandle, Session) {
    // Fixed keyspace names and a chosen protocol version: an emulator of its own.
    let (emu, session) = common::own_emulator(Session::builder().protocol_version(version)).await;
    assert_eq!(session.protocol_version(), version);
    for ks in TENANTS {
        session
            .query(create_keyspace_simple(ks, 1), ())
            .await
            .expect("keyspace");
        session
            .query(Note::schema().create_table_cql(Some(ks)), ())
            .await
            .expect("table");
    }
    (emu, session)
}

fn note(owner: &str, id: i32, body: &str) -> Note {
    Note {
        owner: owner.into(),
        id,
        body: body.into(),
        likes: None,
    }
}

/// Every row of `ks.notes`, read with the plain driver, sorted.
async fn rows_in(session: &Session, ks: &str) -> Vec<(String, i32, String, Option<i32>)> {
    let mut rows: Vec<(String, i32, String, Option<i32>)> = session
        .query(format!("SELECT owner, id, body, likes FROM {ks}.notes"), ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    rows.sort();
    rows
}

#[test]
fn the_table_is_qualified_with_the_override() {
    let q = Note::objects()
        .keyspace("tenant_a")
        .filter(Note::OWNER.eq("ann"))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT owner, id, body, likes FROM tenant_a.notes WHERE owner = ?"
    );
    let q = HomeNote::objects()
        .keyspace("tenant_b")
        .build()
        .expect("builds");
    assert_eq!(
        q.cql, "SELECT owner, id, body, likes FROM tenant_b.notes",
        "the override replaces the model's keyspace"
    );
    // The name is quoted as an identifier: case is kept and nothing can escape it.
    let q = Note::delete()
        .keyspace("Tenant\"; DROP KEYSPACE x; --")
        .filter(Note::OWNER.eq("ann"))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "DELETE FROM \"Tenant\"\"; DROP KEYSPACE x; --\".notes WHERE owner = ?"
    );
    let n = note("ann", 1, "x");
    let q = n.insert().keyspace("t1").build().expect("builds");
    assert!(q.cql.starts_with("INSERT INTO t1.notes ("), "{}", q.cql);
    let q = Note::update()
        .keyspace("t1")
        .set(Note::BODY, "y")
        .filter(Note::OWNER.eq("ann"))
        .filter(Note::ID.eq(1))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "UPDATE t1.notes SET body = ? WHERE owner = ? AND id = ?"
    );
}

async fn writes_and_reads_land_in_the_named_keyspace(version: ProtocolVersion) {
    let (_emu, session) = setup(version).await;

    // The same shapes for both tenants, one after the other: the cached texts must not be
    // shared between keyspaces.
    for (ks, owner) in [("tenant_a", "ann"), ("tenant_b", "bob")] {
        for id in 0..3 {
            note(owner, id, &format!("{ks} {id}"))
                .insert()
                .keyspace(ks)
                .execute_on(&session)
                .await
                .expect("insert");
        }
        Note::update()
            .keyspace(ks)
            .set(Note::LIKES, Some(7))
            .filter(Note::OWNER.eq(owner))
            .filter(Note::ID.eq(1))
            .execute_on(&session)
            .await
            .expect("update");
        Note::delete()
            .keyspace(ks)
            .filter(Note::OWNER.eq(owner))
            .filter(Note::ID.eq(2))
            .execute_on(&session)
            .await
            .expect("delete");
    }
    // An override of a model that names a keyspace.
    let home = HomeNote {
        owner: "cat".into(),
        id: 9,
        body: "moved".into(),
        likes: None,
    };
    home.insert()
        .keyspace("tenant_b")
        .execute_on(&session)
        .await
        .expect("insert");
    // A batch whose writes name their keyspaces.
    BatchBuilder::logged()
        .push(
            note("dan", 5, "batched a")
                .insert()
                .keyspace("tenant_a")
                .build(),
        )
        .push(
            note("dan", 5, "batched b")
                .insert()
                .keyspace("tenant_b")
                .build(),
        )
        .execute_on(&session)
        .await
        .expect("batch");

    let s = |v: &str| v.to_owned();
    assert_eq!(
        rows_in(&session, "tenant_a").await,
        [
            (s("ann"), 0, s("tenant_a 0"), None),
            (s("ann"), 1, s("tenant_a 1"), Some(7)),
            (s("dan"), 5, s("batched a"), None),
        ]
    );
    assert_eq!(
        rows_in(&session, "tenant_b").await,
        [
            (s("bob"), 0, s("tenant_b 0"), None),
            (s("bob"), 1, s("tenant_b 1"), Some(7)),
            (s("cat"), 9, s("moved"), None),
            (s("dan"), 5, s("batched b"), None),
        ]
    );
    assert!(
        rows_in(&session, "home").await.is_empty(),
        "nothing went to the model's own keyspace"
    );

    // Reads through the override see only their tenant's rows.
    let a: Vec<Note> = Note::objects()
        .keyspace("tenant_a")
        .filter(Note::OWNER.eq("dan"))
        .all_on(&session)
        .await
        .expect("all");
    assert_eq!(a, [note("dan", 5, "batched a")]);
    let b = Note::objects()
        .keyspace("tenant_b")
        .filter(Note::OWNER.eq("dan"))
        .get_on(&session)
        .await
        .expect("get");
    assert_eq!(b, note("dan", 5, "batched b"));
    for (ks, count) in [("tenant_a", 3), ("tenant_b", 4), ("home", 0)] {
        let n = Note::objects()
            .keyspace(ks)
            .count_on(&session)
            .await
            .expect("count");
        assert_eq!(n, count, "{ks}");
    }
    let moved = HomeNote::objects()
        .keyspace("tenant_b")
        .filter(HomeNote::OWNER.eq("cat"))
        .first_on(&session)
        .await
        .expect("first");
    assert_eq!(moved.map(|n| n.body), Some(s("moved")));
    let page = Note::objects()
        .keyspace("tenant_b")
        .filter(Note::OWNER.eq("bob"))
        .page_on(&session, None, 1)
        .await
        .expect("page");
    assert_eq!(page.rows, [note("bob", 0, "tenant_b 0")]);
    let next = page.next.expect("another row");
    let err = Note::objects()
        .keyspace("tenant_a")
        .filter(Note::OWNER.eq("bob"))
        .page_on(&session, Some(&next), 1)
        .await
        .expect_err("a cursor from tenant_b does not resume tenant_a");
    assert!(
        err.to_string()
            .contains("the cursor belongs to another query"),
        "{err}"
    );
}

#[tokio::test]
async fn writes_and_reads_land_in_the_named_keyspace_v4() {
    writes_and_reads_land_in_the_named_keyspace(ProtocolVersion::V4).await;
}

#[tokio::test]
async fn writes_and_reads_land_in_the_named_keyspace_v5() {
    writes_and_reads_land_in_the_named_keyspace(ProtocolVersion::V5).await;
}
