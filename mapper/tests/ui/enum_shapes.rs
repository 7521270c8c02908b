use cassia::prelude::*;

#[derive(CqlEnum)]
struct NotAnEnum {
    a: i32,
}

#[derive(CqlEnum)]
#[cassia(repr = "int")]
enum Level {
    #[cassia(rename = "lo", hidden)]
    Low = 1 + 1,
    High,
}

fn main() {}
