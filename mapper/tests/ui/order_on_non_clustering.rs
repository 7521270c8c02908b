use cassia::prelude::*;

#[derive(Model)]
struct Note {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(order = "desc")]
    at: i64,
}

fn main() {}
