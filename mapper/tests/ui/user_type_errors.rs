use cassia::prelude::*;

#[derive(UserType)]
#[cassia(nmae = "point")]
struct Point {
    x: i32,
    #[cassia(rename = "x")]
    y: i32,
    #[cassia(frozen)]
    z: i32,
}

#[derive(UserType)]
struct Empty {}

fn main() {}
