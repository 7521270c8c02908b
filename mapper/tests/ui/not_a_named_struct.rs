use cassia::prelude::*;

#[derive(Model)]
struct Pair(i32, String);

#[derive(Model)]
struct Wrapper<T> {
    #[cassia(partition_key)]
    id: i32,
    value: T,
}

fn main() {}
