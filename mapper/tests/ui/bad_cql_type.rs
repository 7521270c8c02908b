use cassia::prelude::*;

#[derive(Model)]
struct Event {
    #[cassia(partition_key, cql_type = "timeuid")]
    id: uuid::Uuid,
    #[cassia(cql_type = "list<int")]
    values: Vec<i32>,
}

fn main() {}
