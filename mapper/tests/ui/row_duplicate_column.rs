use cassia::prelude::*;

#[derive(FromRow)]
struct Projection {
    name: String,
    #[cassia(rename = "name")]
    display_name: String,
    // Skipped fields map to no column, so they never clash.
    #[cassia(skip)]
    id: i32,
    #[cassia(skip)]
    other: i32,
}

fn main() {}
