use cassia::prelude::*;

#[derive(FromRow)]
struct Projection {
    #[cassia(skip, rename = "x")]
    a: i32,
    #[cassia(skip = true)]
    b: i32,
    #[cassia(default, rename = 3)]
    c: i32,
}

fn main() {}
