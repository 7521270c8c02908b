use cassia::prelude::*;

struct Opaque;

#[derive(FromRow)]
struct Read {
    id: i32,
    body: Opaque,
}

#[derive(SerializeRow)]
struct Bind {
    id: i32,
    body: Opaque,
}

#[derive(FromRow)]
struct Skipped {
    id: i32,
    // A skipped field is built with `Default`, which `Opaque` lacks.
    #[cassia(skip)]
    body: Opaque,
}

fn main() {}
