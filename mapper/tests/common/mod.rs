//! Models shared by the mapper's integration tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use cassia::prelude::*;
use uuid::Uuid;

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
