//! Every supported field type: its CQL spelling in the schema, and a round trip through the
//! emulator read back both as the model and through the plain driver.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use bigdecimal::BigDecimal;
use cassia::prelude::*;
use cassia::schema::{create_keyspace_simple, sync_table};
use cassia_driver::Session;
use cassia_emulator::Emulator;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use num_bigint::BigInt;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, UserType)]
struct Inner {
    n: i32,
}

#[derive(Debug, Clone, PartialEq, UserType)]
#[cassia(name = "Outer")]
struct Outer {
    inner: Inner,
    list: Vec<Inner>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "all_types")]
struct AllTypes {
    #[cassia(partition_key)]
    id: Timeuuid,
    #[cassia(clustering_key)]
    key_list: Frozen<Vec<i32>>,
    tiny: i8,
    small: i16,
    big: i64,
    float: f32,
    double: f64,
    flag: bool,
    blob: Vec<u8>,
    uuid: Uuid,
    ip: IpAddr,
    varint: BigInt,
    decimal: BigDecimal,
    day: NaiveDate,
    time: NaiveTime,
    at: DateTime<Utc>,
    pair: (i32, String),
    #[cassia(frozen)]
    frozen_set: HashSet<String>,
    nested: BTreeMap<String, Vec<i32>>,
    hash: HashMap<i32, String>,
    outer: Option<Outer>,
    #[cassia(cql_type = "timeuuid")]
    event: Uuid,
}

#[test]
fn cql_spelling_of_every_type() {
    let s = AllTypes::schema();
    let spelled: Vec<String> = s
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.cql_type))
        .collect();
    assert_eq!(
        spelled,
        [
            "id timeuuid",
            "key_list frozen<list<int>>",
            "tiny tinyint",
            "small smallint",
            "big bigint",
            "float float",
            "double double",
            "flag boolean",
            "blob blob",
            "uuid uuid",
            "ip inet",
            "varint varint",
            "decimal decimal",
            "day date",
            "time time",
            "at timestamp",
            "pair tuple<int, text>",
            "frozen_set frozen<set<text>>",
            "nested map<text, frozen<list<int>>>",
            "hash map<int, text>",
            "outer \"Outer\"",
            "event timeuuid",
        ]
    );
    let types: Vec<String> = s
        .user_types()
        .iter()
        .map(|u| u.create_type_cql(Some("ks")))
        .collect();
    assert_eq!(
        types,
        [
            "CREATE TYPE IF NOT EXISTS ks.inner (n int)",
            "CREATE TYPE IF NOT EXISTS ks.\"Outer\" (inner frozen<inner>, list frozen<list<frozen<inner>>>)",
        ]
    );
    assert_eq!(
        <[f32; 3] as CqlTypeOf>::cql_type().to_string(),
        "vector<float, 3>"
    );
}

fn sample() -> AllTypes {
    AllTypes {
        id: Timeuuid(Uuid::from_u128(0x1e0e_5c00_6b2c_11ef_8000_0000_0000_0001)),
        key_list: Frozen(vec![1, 2]),
        tiny: -1,
        small: 300,
        big: 1 << 40,
        float: 1.5,
        double: -2.25,
        flag: true,
        blob: vec![0xca, 0xfe],
        uuid: Uuid::from_u128(7),
        ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        varint: BigInt::from(-123_456_789_012_345_678i64),
        decimal: "12.340".parse().expect("decimal"),
        day: NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"),
        time: NaiveTime::from_hms_milli_opt(13, 14, 15, 16).expect("time"),
        at: DateTime::from_timestamp_millis(1_700_000_000_123).expect("timestamp"),
        pair: (1, "one".into()),
        frozen_set: HashSet::from(["a".to_owned()]),
        nested: BTreeMap::from([("k".to_owned(), vec![3])]),
        hash: HashMap::from([(1, "x".to_owned())]),
        outer: Some(Outer {
            inner: Inner { n: 1 },
            list: vec![Inner { n: 2 }],
        }),
        event: Uuid::from_u128(0x1e0e_5c00_6b2c_11ef_8000_0000_0000_0002),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_through_the_emulator() {
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .start()
        .await
        .expect("emulator starts");
    let s = Session::builder()
        .known_node(emu.addr().to_string())
        .build()
        .await
        .expect("session");
    s.query(create_keyspace_simple("types_it", 1), ())
        .await
        .expect("keyspace");
    s.use_keyspace("types_it").await.expect("use");
    sync_table::<AllTypes>(&s).await.expect("sync");
    assert!(!sync_table::<AllTypes>(&s).await.expect("again").changed());
    let row = sample();
    row.insert().execute_on(&s).await.expect("insert");
    let back = AllTypes::objects()
        .filter(AllTypes::ID.eq(row.id))
        .get_on(&s)
        .await
        .expect("get");
    assert_eq!(back, row);
    let (decimal, day, pair): (BigDecimal, NaiveDate, (i32, String)) = s
        .query("SELECT decimal, day, pair FROM all_types", ())
        .await
        .expect("select")
        .one()
        .expect("one");
    assert_eq!((decimal, day, pair), (row.decimal, row.day, row.pair));
}
