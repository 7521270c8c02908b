use cassia::prelude::*;

#[derive(Model)]
struct Note {
    #[cassia(partition_key)]
    id: Option<i32>,
    #[cassia(clustering_key)]
    at: Option<i64>,
}

fn main() {}
