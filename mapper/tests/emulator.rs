//! End to end against the in-memory emulator: DDL rendered from the models, writes through
//! the builders, rows checked by reading them back through the plain driver.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cassia::prelude::*;
use cassia::query::{BatchBuilder, QueryError};
use cassia::schema::create_keyspace_simple;
use cassia::{ExecError, connection};
use cassia_driver::Session;
use cassia_emulator::EmulatorHandle;

#[derive(Debug, Clone, PartialEq, UserType)]
struct Address {
    street: String,
    zip: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, CqlEnum)]
enum Role {
    Admin,
    Member,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "people")]
struct Person {
    #[cassia(partition_key)]
    team: String,
    #[cassia(clustering_key)]
    id: i32,
    name: String,
    #[cassia(index)]
    age: Option<i32>,
    tags: BTreeSet<String>,
    scores: Vec<i32>,
    attrs: BTreeMap<String, i32>,
    address: Option<Address>,
    role: Role,
}

#[derive(Debug, Clone, PartialEq, Model)]
struct PageHits {
    #[cassia(partition_key)]
    page: String,
    hits: Counter,
    misses: Option<Counter>,
}

async fn start() -> (EmulatorHandle, Session) {
    let (emu, session) = common::own_emulator(Session::builder()).await;
    session
        .query(create_keyspace_simple("mapper_it", 1), ())
        .await
        .expect("keyspace");
    session.use_keyspace("mapper_it").await.expect("use");
    for ddl in [
        <Address as cassia::UserType>::udt_schema().create_type_cql(None),
        Person::schema().create_table_cql(None),
        PageHits::schema().create_table_cql(None),
    ]
    .into_iter()
    .chain(Person::schema().create_index_cql(None))
    {
        session
            .query(ddl.as_str(), ())
            .await
            .unwrap_or_else(|e| panic!("{ddl}: {e}"));
    }
    (emu, session)
}

/// `(id, name, age, role, address)` as read through the plain driver.
type RawPerson = (i32, String, Option<i32>, String, Option<Address>);

fn person(id: i32, name: &str, age: Option<i32>) -> Person {
    Person {
        team: "core".into(),
        id,
        name: name.into(),
        age,
        tags: BTreeSet::from(["a".to_owned()]),
        scores: vec![id],
        attrs: BTreeMap::from([("k".to_owned(), id)]),
        address: Some(Address {
            street: "Main".into(),
            zip: None,
        }),
        role: Role::Member,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_against_the_emulator() {
    let (_emu, s) = start().await;
    for p in [
        person(1, "ada", Some(36)),
        person(2, "bob", None),
        person(3, "cy", Some(36)),
    ] {
        let r = p.insert().execute_on(&s).await.expect("insert");
        assert!(r.applied());
    }

    // The stored rows, read through the plain driver.
    let raw = s
        .query(
            "SELECT id, name, age, role, address FROM people WHERE team = 'core'",
            (),
        )
        .await
        .expect("select");
    let rows: Vec<RawPerson> = raw.rows().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        (
            2,
            "bob".into(),
            None,
            "Member".into(),
            Some(Address {
                street: "Main".into(),
                zip: None
            })
        )
    );

    // Typed reads.
    let all = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .all_on(&s)
        .await
        .expect("all");
    assert_eq!(
        all,
        [
            person(1, "ada", Some(36)),
            person(2, "bob", None),
            person(3, "cy", Some(36))
        ]
    );
    let by_index = Person::objects()
        .filter(Person::AGE.eq(36))
        .only((Person::ID, Person::NAME))
        .all_on(&s)
        .await
        .expect("index");
    let mut by_index = by_index;
    by_index.sort();
    assert_eq!(by_index, [(1, "ada".to_owned()), (3, "cy".to_owned())]);
    let one = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .filter(Person::ID.eq(2))
        .get_on(&s)
        .await
        .expect("get");
    assert_eq!(one.name, "bob");
    let missing = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .filter(Person::ID.eq(9))
        .get_on(&s)
        .await;
    assert!(
        matches!(missing, Err(ExecError::DoesNotExist { .. })),
        "{missing:?}"
    );
    let many = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .get_on(&s)
        .await;
    assert!(
        matches!(
            many,
            Err(ExecError::MultipleObjectsReturned { count: 2, .. })
        ),
        "{many:?}"
    );
    let n = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .count_on(&s)
        .await
        .expect("count");
    assert_eq!(n, 3);
    assert!(
        Person::objects()
            .filter(Person::TEAM.eq("core"))
            .exists_on(&s)
            .await
            .expect("exists")
    );
    let first = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .order_by(Person::ID.desc())
        .first_on(&s)
        .await
        .expect("first");
    assert_eq!(first.map(|p| p.id), Some(3));

    // Updates with collection operations, checked through the driver.
    Person::update()
        .set(Person::NAME, "bobby")
        .add(Person::TAGS, BTreeSet::from(["b".to_owned()]))
        .append(Person::SCORES, vec![7])
        .put_entry(Person::ATTRS, "z", 26)
        .filter(Person::TEAM.eq("core"))
        .filter(Person::ID.eq(2))
        .execute_on(&s)
        .await
        .expect("update");
    let row: (String, BTreeSet<String>, Vec<i32>, BTreeMap<String, i32>) = s
        .query(
            "SELECT name, tags, scores, attrs FROM people WHERE team = 'core' AND id = 2",
            (),
        )
        .await
        .expect("select")
        .one()
        .expect("one row");
    assert_eq!(
        row,
        (
            "bobby".into(),
            BTreeSet::from(["a".to_owned(), "b".to_owned()]),
            vec![2, 7],
            BTreeMap::from([("k".to_owned(), 2), ("z".to_owned(), 26)])
        )
    );

    // Lightweight transactions report applied and the current values.
    let again = person(1, "imposter", None)
        .insert()
        .if_not_exists()
        .execute_on(&s)
        .await
        .expect("lwt");
    assert!(!again.applied());
    let current: Option<Person> = again.current().expect("current");
    assert_eq!(current.map(|p| p.name), Some("ada".to_owned()));
    let cas = person(1, "ada", None)
        .update_row()
        .set(Person::NAME, "ada2")
        .iff(Person::NAME.eq("ada"))
        .execute_on(&s)
        .await
        .expect("cas");
    assert!(cas.applied());

    // Delete one row, then a batch.
    person(3, "cy", None)
        .delete_row()
        .execute_on(&s)
        .await
        .expect("delete");
    BatchBuilder::logged()
        .push(person(4, "dee", None).insert().build())
        .push(
            Person::delete()
                .filter(Person::TEAM.eq("core"))
                .filter(Person::ID.eq(2))
                .build(),
        )
        .execute_on(&s)
        .await
        .expect("batch");
    let ids: Vec<(i32,)> = s
        .query("SELECT id FROM people WHERE team = 'core'", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    assert_eq!(ids, [(1,), (4,)]);

    // Counters.
    for _ in 0..3 {
        PageHits::update()
            .incr(PageHits::HITS, 2)
            .filter(PageHits::PAGE.eq("/"))
            .execute_on(&s)
            .await
            .expect("incr");
    }
    let hits = PageHits::objects()
        .filter(PageHits::PAGE.eq("/"))
        .get_on(&s)
        .await
        .expect("get");
    assert_eq!((hits.hits, hits.misses), (Counter(6), None));

    // TTL and timestamp are bound values.
    person(5, "eve", None)
        .insert()
        .ttl(3600)
        .timestamp(1_000)
        .execute_on(&s)
        .await
        .expect("ttl insert");
    let (ttl, writetime): (Option<i32>, Option<i64>) = s
        .query(
            "SELECT TTL(name), WRITETIME(name) FROM people WHERE team = 'core' AND id = 5",
            (),
        )
        .await
        .expect("select")
        .one()
        .expect("one");
    assert!(ttl.is_some_and(|t| t > 3500 && t <= 3600), "{ttl:?}");
    assert_eq!(writetime, Some(1_000));
    person(5, "eve", None)
        .delete_row()
        .execute_on(&s)
        .await
        .expect("delete");

    // Paging: many rows, small pages.
    for id in 10..45 {
        person(id, "p", None)
            .insert()
            .execute_on(&s)
            .await
            .expect("insert");
    }
    let paged = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .fetch_size(10)
        .only(Person::ID)
        .all_on(&s)
        .await
        .expect("paged");
    assert_eq!(paged.len(), 37);
    assert_eq!(paged.first(), Some(&(1,)));
    assert_eq!(paged.last(), Some(&(44,)));
    for id in 10..45 {
        person(id, "p", None)
            .delete_row()
            .execute_on(&s)
            .await
            .expect("delete");
    }

    // The default connection.
    connection::setup(s.clone());
    assert_eq!(
        Person::objects()
            .filter(Person::TEAM.eq("core"))
            .count()
            .await
            .expect("count"),
        2
    );
}

/// Statement texts are cached per shape (`query::shape`): repeated runs of one shape must
/// still bind their own values, and shapes that differ only in a limit or in the number of
/// IN values must not share a text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_shapes_bind_their_own_values() {
    let (_emu, s) = start().await;
    for (id, name, age) in [(1, "ada", Some(36)), (2, "bob", None), (3, "cy", Some(40))] {
        person(id, name, age)
            .insert()
            .execute_on(&s)
            .await
            .expect("insert");
    }
    // The same shape three times, one row each: every read sees its own key.
    for (id, name, age) in [(1, "ada", Some(36)), (2, "bob", None), (3, "cy", Some(40))] {
        let got = Person::objects()
            .filter(Person::TEAM.eq("core"))
            .filter(Person::ID.eq(id))
            .get_on(&s)
            .await
            .expect("get");
        assert_eq!((got.name.as_str(), got.age), (name, age), "id {id}");
    }
    // A None written after a value, in the same shape, is stored as unset (no overwrite).
    person(1, "ada", None)
        .insert()
        .execute_on(&s)
        .await
        .expect("insert");
    let ada = Person::objects()
        .filter(Person::TEAM.eq("core"))
        .filter(Person::ID.eq(1))
        .get_on(&s)
        .await
        .expect("get");
    assert_eq!(ada.age, Some(36));
    // IN lists of different lengths are different shapes.
    for ids in [vec![1, 2], vec![1, 2, 3], vec![3]] {
        let rows = Person::objects()
            .filter(Person::TEAM.eq("core"))
            .filter(Person::ID.in_(ids.clone()))
            .all_on(&s)
            .await
            .expect("in");
        assert_eq!(rows.iter().map(|p| p.id).collect::<Vec<_>>(), ids);
    }
    // Limits are literals in the text: each limit its own shape.
    for n in [1, 2, 3, 1] {
        let rows = Person::objects()
            .filter(Person::TEAM.eq("core"))
            .limit(n)
            .all_on(&s)
            .await
            .expect("limit");
        assert_eq!(rows.len(), usize::try_from(n).expect("small"), "LIMIT {n}");
    }
    // A refused shape is never cached: it is refused every time.
    for _ in 0..2 {
        let bad = Person::objects()
            .filter(Person::TEAM.eq("core"))
            .limit(0)
            .all_on(&s)
            .await;
        assert!(
            matches!(
                bad,
                Err(ExecError::Query(QueryError::InvalidLimit { value: 0, .. }))
            ),
            "{bad:?}"
        );
    }
}
