use cassia::prelude::*;

#[derive(Model)]
struct Note {
    id: i32,
    body: String,
}

fn main() {}
