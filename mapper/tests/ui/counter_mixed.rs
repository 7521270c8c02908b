use cassia::prelude::*;

#[derive(Model)]
struct Views {
    #[cassia(partition_key)]
    page: String,
    hits: Counter,
    title: String,
}

fn main() {}
