use cassia::prelude::*;

#[derive(FromRow)]
struct Pair(i32, String);

#[derive(SerializeRow)]
struct Marker;

#[derive(FromRow)]
enum Either {
    Left { id: i32 },
    Right { name: String },
}

#[derive(SerializeRow)]
union Bits {
    int: i32,
    float: f32,
}

fn main() {}
