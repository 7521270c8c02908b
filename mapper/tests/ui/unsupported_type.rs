use cassia::prelude::*;

struct Opaque;

#[derive(Model)]
struct Note {
    #[cassia(partition_key)]
    id: i32,
    body: Opaque,
}

fn main() {}
