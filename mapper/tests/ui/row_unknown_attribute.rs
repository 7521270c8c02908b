use cassia::prelude::*;

#[derive(FromRow)]
#[cassia(table = "users")]
struct Projection {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(renamed = "full_name")]
    name: String,
}

fn main() {}
