//! The CQL and bound values the builders produce for typed queries, and the statements they
//! refuse.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cassia::prelude::*;
use cassia::query::{BatchBuilder, QueryError, token};
use common::*;
use uuid::Uuid;

/// The bound values as `[value]` byte strings (None for null, `-2` shown as Some(b"UNSET")).
fn values(q: &cassia::query::BuiltQuery) -> Vec<Option<Vec<u8>>> {
    q.values
        .iter()
        .map(|v| match v.expect("well-formed values").1 {
            cassia_protocol::request::RawValue::Null => None,
            cassia_protocol::request::RawValue::Unset => Some(b"UNSET".to_vec()),
            cassia_protocol::request::RawValue::Value(b) => Some(b.to_vec()),
        })
        .collect()
}

fn user() -> User {
    User {
        id: 7,
        name: "ada".into(),
        age: None,
        tags: BTreeSet::from(["x".to_owned()]),
        address: Some(Address {
            street: "Main".into(),
            zip: None,
        }),
        status: Status::Deleted,
        level: Some(Level::High),
        scores: vec![1],
        attrs: BTreeMap::new(),
    }
}

#[test]
fn select_with_index_and_limit() {
    let q = User::objects()
        .filter(User::AGE.eq(30))
        .limit(10)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT id, name, age, tags, addr, status, level, scores, attrs FROM app.users WHERE age = ? LIMIT 10"
    );
    assert_eq!(values(&q), vec![Some(30i32.to_be_bytes().to_vec())]);
}

#[test]
fn select_contains_on_indexed_set_and_projection() {
    let q = User::objects()
        .filter(User::TAGS.contains("rust"))
        .only((User::ID, User::NAME))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT id, name FROM app.users WHERE tags CONTAINS ?"
    );
    assert_eq!(values(&q), vec![Some(b"rust".to_vec())]);
}

#[test]
fn select_clustering_range_order_and_in() {
    let sensor = Uuid::from_u128(1);
    let q = SensorReading::objects()
        .filter(SensorReading::SENSOR.eq(sensor))
        .filter(SensorReading::DAY.in_([1, 2]))
        .filter(SensorReading::AT.gt(100i64))
        .order_by(SensorReading::AT.asc())
        .per_partition_limit(3)
        .consistency(Consistency::LocalQuorum)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT day, sensor, at, seq, location, value, event FROM app.sensor_reading \
         WHERE sensor = ? AND day IN (?, ?) AND at > ? ORDER BY at ASC PER PARTITION LIMIT 3"
    );
    assert_eq!(q.values.count, 4);
    assert_eq!(q.options.consistency, Some(Consistency::LocalQuorum));
}

#[test]
fn in_on_a_clustering_column_before_another_is_allowed_as_in_cassandra_4() {
    // Cassandra 4.0 only stops further clustering restrictions after a slice, not after IN.
    let q = SensorReading::objects()
        .filter(SensorReading::SENSOR.eq(Uuid::nil()))
        .filter(SensorReading::DAY.eq(1))
        .filter(SensorReading::AT.in_([1i64, 2]))
        .filter(SensorReading::SEQ.ge(3))
        .build()
        .expect("builds");
    assert!(
        q.cql
            .ends_with("WHERE sensor = ? AND day = ? AND at IN (?, ?) AND seq >= ?")
    );
    let e = User::objects().limit(0).build().expect_err("refused");
    assert_eq!(
        e.to_string(),
        "LIMIT must be strictly positive, got 0 (users)"
    );
    let e = User::objects()
        .filter(User::NAME.in_(Vec::<String>::new()))
        .build();
    assert!(matches!(e, Err(QueryError::EmptyIn { .. })));
}

#[test]
fn token_ranges_and_count() {
    let q = SensorReading::objects()
        .filter(token::<SensorReading>().gt(-5))
        .filter(token::<SensorReading>().le(5))
        .build_count()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT COUNT(*) FROM app.sensor_reading WHERE token(sensor, day) > ? AND token(sensor, day) <= ?"
    );
    assert_eq!(values(&q)[0], Some((-5i64).to_be_bytes().to_vec()));
}

#[test]
fn rejects_what_cassandra_rejects() {
    let e = User::objects()
        .filter(User::NAME.eq("x"))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::NeedsFiltering { ref column, .. } if column == "name"));
    assert!(e.to_string().contains("allow_filtering()"));
    assert!(
        User::objects()
            .filter(User::NAME.eq("x"))
            .allow_filtering()
            .build()
            .is_ok()
    );

    let e = User::objects()
        .filter(User::ID.gt(3))
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Only EQ and IN relation are supported on the partition key (unless you use the token() function or allow filtering): id of users"
    );
    // Cassandra 4.0 accepts it with ALLOW FILTERING; writes never accept it.
    assert!(
        User::objects()
            .filter(User::ID.gt(3))
            .allow_filtering()
            .build()
            .is_ok()
    );
    let e = User::delete()
        .filter(User::ID.gt(3))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::PartitionKeyRange { .. }));
    let e = User::objects()
        .filter(token::<User>().gt(1))
        .filter(User::ID.eq(3))
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Columns \"id\" cannot be restricted by both a normal relation and a token relation (users)"
    );

    let e = SensorReading::objects()
        .filter(SensorReading::SENSOR.eq(Uuid::nil()))
        .build()
        .expect_err("refused");
    assert_eq!(
        e,
        QueryError::IncompletePartitionKey {
            table: "sensor_reading".into(),
            missing: "day".into()
        }
    );

    let pk = |q: cassia::query::Select<SensorReading>| {
        q.filter(SensorReading::SENSOR.eq(Uuid::nil()))
            .filter(SensorReading::DAY.eq(1))
    };
    let e = pk(SensorReading::objects())
        .filter(SensorReading::SEQ.eq(1))
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "PRIMARY KEY column \"seq\" cannot be restricted as preceding column \"at\" is not restricted (sensor_reading)"
    );
    let e = pk(SensorReading::objects())
        .filter(SensorReading::AT.gt(1i64))
        .filter(SensorReading::SEQ.eq(1))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::ClusteringAfterRange { .. }));
    let e = User::objects()
        .filter(User::NAME.in_(["a"]))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::InOnNonKey { .. }));
    let e = SensorReading::objects()
        .order_by(SensorReading::AT.desc())
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::OrderByWithoutPartitionKey { .. }));
    let e = pk(SensorReading::objects())
        .order_by(SensorReading::AT.desc())
        .order_by(SensorReading::SEQ.desc())
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::OrderByOrder { .. }));
    // Reversing every column is fine.
    assert!(
        pk(SensorReading::objects())
            .order_by(SensorReading::AT.asc())
            .order_by(SensorReading::SEQ.desc())
            .build()
            .is_ok()
    );
    let e = pk(SensorReading::objects())
        .order_by(SensorReading::VALUE.asc())
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::OrderByNonClustering { .. }));
}

#[test]
fn insert_binds_unset_for_none_and_udts_enums() {
    let q = user()
        .insert()
        .if_not_exists()
        .ttl(60)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "INSERT INTO app.users (id, name, age, tags, addr, status, level, scores, attrs) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?"
    );
    assert!(q.conditional);
    let v = values(&q);
    assert_eq!(v[0], Some(7i32.to_be_bytes().to_vec()));
    assert_eq!(v[2], Some(b"UNSET".to_vec()), "None is unset, not null");
    // UDT: street 'Main', zip null.
    let mut addr = vec![0, 0, 0, 4];
    addr.extend_from_slice(b"Main");
    addr.extend_from_slice(&(-1i32).to_be_bytes());
    assert_eq!(v[4], Some(addr));
    assert_eq!(v[5], Some(b"gone".to_vec()));
    assert_eq!(v[6], Some(5i32.to_be_bytes().to_vec()));
    assert_eq!(v[9], Some(60i32.to_be_bytes().to_vec()));
    let e = user()
        .insert()
        .if_not_exists()
        .timestamp(1)
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::TimestampOnConditional { .. }));
}

#[test]
fn updates_and_collection_operations() {
    let q = User::update()
        .set(User::NAME, "bob")
        .add(User::TAGS, BTreeSet::from(["a".to_owned()]))
        .remove(User::TAGS, BTreeSet::from(["b".to_owned()]))
        .append(User::SCORES, vec![1])
        .prepend(User::SCORES, vec![0])
        .set_at(User::SCORES, 2, 9)
        .put_entry(User::ATTRS, "k", "v")
        .remove_keys(User::ATTRS, ["old".to_owned()])
        .filter(User::ID.eq(7))
        .iff(User::AGE.eq(30))
        .ttl(5)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "UPDATE app.users USING TTL ? SET name = ?, tags = tags + ?, tags = tags - ?, \
         scores = scores + ?, scores = ? + scores, scores[?] = ?, attrs[?] = ?, attrs = attrs - ? \
         WHERE id = ? IF age = ?"
    );
    assert_eq!(q.values.count, 13);
    let v = values(&q);
    assert_eq!(v[0], Some(5i32.to_be_bytes().to_vec()));
    assert_eq!(v[6], Some(2i32.to_be_bytes().to_vec()));

    let e = User::update()
        .set(User::NAME, "x")
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Some partition key parts are missing: id (users)"
    );
    let e = User::update()
        .filter(User::ID.eq(1))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::NothingToSet { .. }));
    let e = User::update()
        .set(User::NAME, "x")
        .filter(User::ID.eq(1))
        .filter(User::AGE.eq(1))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::NonKeyInWhere { .. }));
    let e = SensorReading::update()
        .set(SensorReading::VALUE, 1.0)
        .filter(SensorReading::SENSOR.eq(Uuid::nil()))
        .filter(SensorReading::DAY.eq(1))
        .filter(SensorReading::AT.eq(1i64))
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Some clustering keys are missing: seq (sensor_reading)"
    );
    // Static columns only need the partition key.
    let q = SensorReading::update()
        .set(SensorReading::LOCATION, "lab")
        .filter(SensorReading::SENSOR.eq(Uuid::nil()))
        .filter(SensorReading::DAY.eq(1))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "UPDATE app.sensor_reading SET location = ? WHERE sensor = ? AND day = ?"
    );
}

#[test]
fn update_refusals_and_options() {
    let e = User::update()
        .set(User::TAGS, BTreeSet::new())
        .add(User::TAGS, BTreeSet::from(["a".to_owned()]))
        .filter(User::ID.eq(1))
        .build()
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Multiple incompatible setting of column tags (users)"
    );
    let e = User::update()
        .set(User::NAME, "x")
        .filter(User::ID.in_([1, 2]))
        .if_exists()
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::ConditionalIn { .. }));
    let q = User::update()
        .set(User::NAME, "x")
        .filter(User::ID.in_([1, 2]))
        .consistency(Consistency::Quorum)
        .serial_consistency(Consistency::LocalSerial)
        .timestamp(42)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "UPDATE app.users USING TIMESTAMP ? SET name = ? WHERE id IN (?, ?)"
    );
    assert_eq!(values(&q)[0], Some(42i64.to_be_bytes().to_vec()));
    assert_eq!(q.options.serial_consistency, Some(Consistency::LocalSerial));
    assert!(!q.conditional);
}

#[test]
fn distinct_and_paging_options() {
    let q = SensorReading::objects()
        .distinct()
        .only((SensorReading::SENSOR, SensorReading::DAY))
        .fetch_size(50)
        .timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("builds");
    assert_eq!(q.cql, "SELECT DISTINCT sensor, day FROM app.sensor_reading");
    assert_eq!(q.options.fetch_size, Some(50));
    assert_eq!(q.options.timeout, Some(std::time::Duration::from_secs(2)));
    let q = SensorReading::objects().distinct().build().expect("builds");
    assert_eq!(q.cql, "SELECT DISTINCT sensor, day FROM app.sensor_reading");
}

#[test]
fn update_of_row_uses_its_primary_key() {
    let q = user()
        .update_row()
        .set(User::AGE, 3)
        .if_exists()
        .build()
        .expect("builds");
    assert_eq!(q.cql, "UPDATE app.users SET age = ? WHERE id = ? IF EXISTS");
    assert_eq!(values(&q)[1], Some(7i32.to_be_bytes().to_vec()));
}

#[test]
fn counters() {
    let q = PageView::update()
        .incr(PageView::VIEWS, 1)
        .decr(PageView::LIKES, 2)
        .filter(PageView::PAGE.eq("/"))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "UPDATE app.page_views SET views = views + ?, likes = likes - ? WHERE page = ?"
    );
    assert!(q.counter);
    let e = PageView {
        page: "/".into(),
        views: Counter(1),
        likes: Counter(0),
    }
    .insert()
    .build()
    .expect_err("refused");
    assert!(matches!(e, QueryError::Counter { .. }));
    let e = PageView::update()
        .set(PageView::VIEWS, Counter(3))
        .filter(PageView::PAGE.eq("/"))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::Counter { .. }));
}

#[test]
fn deletes() {
    let base = || {
        SensorReading::delete()
            .filter(SensorReading::SENSOR.eq(Uuid::nil()))
            .filter(SensorReading::DAY.eq(1))
    };
    let q = base()
        .filter(SensorReading::AT.lt(10i64))
        .timestamp(99)
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "DELETE FROM app.sensor_reading USING TIMESTAMP ? WHERE sensor = ? AND day = ? AND at < ?"
    );
    let q = base()
        .column(SensorReading::VALUE)
        .filter(SensorReading::AT.eq(1i64))
        .filter(SensorReading::SEQ.eq(2))
        .iff(SensorReading::VALUE.gt(1.5))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "DELETE value FROM app.sensor_reading WHERE sensor = ? AND day = ? AND at = ? AND seq = ? IF value > ?"
    );
    let e = base()
        .column(SensorReading::VALUE)
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::MissingPrimaryKey { .. }));
    let e = base()
        .filter(SensorReading::AT.lt(10i64))
        .if_exists()
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::ConditionalRangeDelete { .. }));
    let e = base()
        .filter(SensorReading::SEQ.eq(1))
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::ClusteringGap { .. }));
}

#[test]
fn batches() {
    let b = BatchBuilder::logged()
        .push(user().insert().build())
        .push(User::delete().filter(User::ID.eq(1)).build())
        .build()
        .expect("builds");
    assert_eq!(b.statements.len(), 2);
    let e = BatchBuilder::logged()
        .push(
            PageView::update()
                .incr(PageView::VIEWS, 1)
                .filter(PageView::PAGE.eq("/"))
                .build(),
        )
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::Batch(_)));
    let e = BatchBuilder::counter()
        .push(user().insert().build())
        .build()
        .expect_err("refused");
    assert!(matches!(e, QueryError::Batch(_)));
}
