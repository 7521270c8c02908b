use cassia::prelude::*;

#[derive(Model)]
struct Note {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(static_column)]
    owner: String,
}

fn main() {}
