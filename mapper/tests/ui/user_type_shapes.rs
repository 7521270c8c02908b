use cassia::prelude::*;

#[derive(UserType)]
enum NotAStruct {
    A,
}

#[derive(UserType)]
struct Tuple(i32);

#[derive(UserType)]
struct Generic<T> {
    value: T,
}

fn main() {}
