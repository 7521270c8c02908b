//! `#[derive(FromRow)]` and `#[derive(SerializeRow)]` on plain structs, against the
//! emulator: projections read by column name, binding by marker name (named and `?`
//! markers), and the errors for missing and mistyped columns and unmatched markers.

use cassia::prelude::*;
use cassia::testing::TestDb;
use cassia_driver::Session;
use cassia_driver::error::{ExecuteError, FromRowError, RowDecodeError};

/// A projection of `users`, in another order than the table's.
#[derive(Debug, PartialEq, FromRow)]
struct NameAndAge {
    name: String,
    #[cassia(rename = "age")]
    years: Option<i32>,
    #[cassia(skip)]
    note: String,
}

#[derive(Debug, PartialEq, FromRow)]
struct IdOnly {
    id: i32,
    // Not selected: filled with the default instead of failing.
    #[cassia(default)]
    email: Option<String>,
}

#[derive(Debug, FromRow)]
#[allow(dead_code)] // only read to fail
struct WithEmail {
    id: i32,
    email: Option<String>,
}

#[derive(Debug, FromRow)]
#[allow(dead_code)] // only read to fail
struct AgeAsText {
    age: String,
}

#[derive(Debug, Clone, PartialEq, FromRow, SerializeRow)]
struct NewUser {
    id: i32,
    name: String,
    age: Option<i32>,
}

/// Borrows its values: binding needs no owned copies.
#[derive(Debug, SerializeRow)]
struct NewUserRef<'a> {
    id: i32,
    #[cassia(rename = "name")]
    display_name: &'a str,
    age: Option<i32>,
}

/// A generic row: the bound goes on the field's type.
#[derive(Debug, PartialEq, FromRow, SerializeRow)]
struct Keyed<T> {
    id: T,
}

/// The `users` table the rows below are read from and bound to.
async fn users_table(session: &Session) {
    session
        .query(
            "CREATE TABLE users (id int PRIMARY KEY, name text, age int, email text)",
            (),
        )
        .await
        .expect("table");
}

async fn stored(session: &Session) -> Vec<NewUser> {
    let mut rows: Vec<NewUser> = session
        .query("SELECT * FROM users", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    rows.sort_by_key(|u| u.id);
    rows
}

#[cassia::test]
async fn projection_reads_by_name_with_rename_skip_and_null(s: Session) {
    users_table(&s).await;
    s.query(
        "INSERT INTO users (id, name, age) VALUES (?, ?, ?)",
        (1, "ada", 36),
    )
    .await
    .expect("insert ada");
    s.query("INSERT INTO users (id, name) VALUES (?, ?)", (2, "bob"))
        .await
        .expect("insert bob");

    // Columns in another order than the fields, plus an extra one (`id`) that is ignored.
    let ada: NameAndAge = s
        .query("SELECT age, id, name FROM users WHERE id = 1", ())
        .await
        .expect("select")
        .one()
        .expect("one row");
    assert_eq!(
        ada,
        NameAndAge {
            name: "ada".into(),
            years: Some(36),
            note: String::new(),
        }
    );
    // A null into an `Option` field.
    let bob: NameAndAge = s
        .query("SELECT name, age FROM users WHERE id = 2", ())
        .await
        .expect("select")
        .one()
        .expect("one row");
    assert_eq!(bob.years, None);
    // A missing column is fine for a `default` field.
    let id: IdOnly = s
        .query("SELECT id FROM users WHERE id = 2", ())
        .await
        .expect("select")
        .one()
        .expect("one row");
    assert_eq!(id, IdOnly { id: 2, email: None });
    // Generic structs read too.
    let keyed: Vec<Keyed<i32>> = s
        .query("SELECT id FROM users", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    assert_eq!(keyed.len(), 2);
}

#[cassia::test]
async fn missing_and_mistyped_columns_are_named(db: TestDb) {
    let s = db.session.clone();
    users_table(&s).await;
    s.query(
        "INSERT INTO users (id, name, age) VALUES (1, 'ada', 36)",
        (),
    )
    .await
    .expect("insert");
    let result = s
        .query("SELECT id, name FROM users", ())
        .await
        .expect("select");

    // Missing even though the field is an `Option`: only `default` allows that.
    let err = result.rows::<WithEmail>().expect_err("no email column");
    let RowDecodeError::Row(row_err) = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(
        row_err,
        &FromRowError::NoSuchColumn {
            column: "email".into()
        }
    );
    assert_eq!(row_err.to_string(), "no column email in the row");

    let result = s.query("SELECT age FROM users", ()).await.expect("select");
    let err = result.rows::<AgeAsText>().expect_err("age is an int");
    let RowDecodeError::Row(FromRowError::Column { column, .. }) = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(column.name, "age");
    // The column, the Rust type and the actual CQL type.
    assert_eq!(
        err.to_string(),
        format!(
            "column {}.users.age (#0): cannot deserialize CQL int into String \
             (expects CQL text or ascii)",
            db.keyspace
        )
    );
}

#[cassia::test]
async fn binds_by_marker_name_for_named_and_positional_markers(s: Session) {
    users_table(&s).await;
    let ada = NewUser {
        id: 1,
        name: "ada".into(),
        age: Some(36),
    };
    let named = s
        .prepare("INSERT INTO users (id, name, age) VALUES (:id, :name, :age)")
        .await
        .expect("prepare named");
    s.execute(&named, &ada).await.expect("named markers");

    // `?` markers are named after their column; the struct's field order does not matter.
    let positional = s
        .prepare("INSERT INTO users (age, name, id) VALUES (?, ?, ?)")
        .await
        .expect("prepare positional");
    let name = String::from("bob");
    s.execute(
        &positional,
        NewUserRef {
            id: 2,
            display_name: &name,
            age: None,
        },
    )
    .await
    .expect("positional markers");

    // Unprepared: `query` prepares a statement that has values, then binds by name.
    let cy = NewUser {
        id: 3,
        name: "cy".into(),
        age: Some(7),
    };
    s.query("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", &cy)
        .await
        .expect("query with a struct");

    assert_eq!(
        stored(&s).await,
        [
            ada,
            NewUser {
                id: 2,
                name: "bob".into(),
                age: None,
            },
            cy,
        ]
    );

    // A generic struct binds too.
    let by_key: Vec<Keyed<i32>> = s
        .query("SELECT id FROM users WHERE id = :id", Keyed { id: 2 })
        .await
        .expect("select by key")
        .rows()
        .expect("rows");
    assert_eq!(by_key, [Keyed { id: 2 }]);
}

#[cassia::test]
async fn unmatched_markers_and_fields_are_errors(db: TestDb) {
    let s = db.session.clone();
    users_table(&s).await;
    let user = NewUser {
        id: 1,
        name: "ada".into(),
        age: None,
    };
    // A marker no field fills.
    let more = s
        .prepare("INSERT INTO users (id, name, age, email) VALUES (?, ?, ?, ?)")
        .await
        .expect("prepare");
    let err = s.execute(&more, &user).await.expect_err("email unbound");
    let ExecuteError::Bind { source, .. } = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(
        source.to_string(),
        format!(
            "no value given for bind marker {}.users.email (#3)",
            db.keyspace
        )
    );
    // A field no marker takes.
    let fewer = s
        .prepare("INSERT INTO users (id, name) VALUES (?, ?)")
        .await
        .expect("prepare");
    let err = s
        .execute(&fewer, &user)
        .await
        .expect_err("age has no marker");
    let ExecuteError::Bind { source, .. } = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(source.to_string(), "no bind marker is named `age`");
    assert!(stored(&s).await.is_empty(), "nothing was written");
}

#[cassia::test]
async fn derived_rows_cross_spawned_tasks(s: Session) {
    users_table(&s).await;
    let task = tokio::spawn({
        let s = s.clone();
        async move {
            let row = NewUser {
                id: 9,
                name: "zed".into(),
                age: Some(1),
            };
            s.query(
                "INSERT INTO users (id, name, age) VALUES (:id, :name, :age)",
                &row,
            )
            .await
            .expect("insert");
            let back: NewUser = s
                .query("SELECT id, name, age FROM users WHERE id = 9", ())
                .await
                .expect("select")
                .one()
                .expect("one row");
            back
        }
    });
    let back = task.await.expect("task");
    assert_eq!(back.name, "zed");
    assert_eq!(stored(&s).await, [back]);
}
