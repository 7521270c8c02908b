use cassia::prelude::*;

#[derive(Model)]
struct Note {
    #[cassia(partition_key)]
    id: i32,
    title: String,
    #[cassia(rename = "title")]
    heading: String,
}

fn main() {}
