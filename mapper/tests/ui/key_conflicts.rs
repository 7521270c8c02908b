use cassia::prelude::*;

#[derive(Model)]
struct Event {
    #[cassia(partition_key = 0)]
    a: i32,
    #[cassia(partition_key = 0)]
    b: i32,
    #[cassia(partition_key, clustering_key)]
    c: i32,
    #[cassia(clustering_key)]
    hits: Counter,
}

fn main() {}
