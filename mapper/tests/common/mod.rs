//! Models and set-up shared by the mapper's integration tests.
//!
//! Most tests take a fresh keyspace from `#[cassia::test]`; [`own_emulator`] is for the few
//! that need a server of their own (a protocol version, fixed keyspace names).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use cassia::driver::{Session, SessionBuilder};
use cassia::prelude::*;
use cassia_emulator::{Emulator, EmulatorHandle};
use uuid::Uuid;

/// An emulator of the test's own and a session on it built from `builder` (which may set a
/// protocol version or other settings). Keep the handle alive: the server stops with it.
pub async fn own_emulator(builder: SessionBuilder) -> (EmulatorHandle, Session) {
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .start()
        .await
        .expect("emulator starts");
    let session = builder
        .known_node(emu.addr().to_string())
        .build()
        .await
        .expect("session");
    (emu, session)
}

#[derive(Debug, Clone, PartialEq, UserType)]
#[cassia(name = "address")]
pub struct Address {
    pub street: String,
    pub zip: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, CqlEnum)]
pub enum Status {
    Active,
    #[cassia(rename = "gone")]
    Deleted,
}

#[derive(Debug, Clone, Copy, PartialEq, CqlEnum)]
#[cassia(repr = "int")]
pub enum Level {
    Low = 1,
    High = 5,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(keyspace = "app", table = "users", comment = "people")]
pub struct User {
    #[cassia(partition_key)]
    pub id: i32,
    pub name: String,
    #[cassia(index)]
    pub age: Option<i32>,
    #[cassia(index)]
    pub tags: BTreeSet<String>,
    #[cassia(rename = "addr")]
    pub address: Option<Address>,
    pub status: Status,
    pub level: Option<Level>,
    pub scores: Vec<i32>,
    pub attrs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(keyspace = "app", default_ttl = 86400)]
pub struct SensorReading {
    #[cassia(partition_key = 1)]
    pub day: i32,
    #[cassia(partition_key = 0)]
    pub sensor: Uuid,
    #[cassia(clustering_key, order = "desc")]
    pub at: i64,
    #[cassia(clustering_key)]
    pub seq: i32,
    #[cassia(static_column)]
    pub location: Option<String>,
    pub value: f64,
    #[cassia(cql_type = "timeuuid")]
    pub event: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(keyspace = "app", table = "page_views")]
pub struct PageView {
    #[cassia(partition_key)]
    pub page: String,
    pub views: Counter,
    pub likes: Counter,
}
