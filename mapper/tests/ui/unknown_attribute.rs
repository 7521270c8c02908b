use cassia::prelude::*;

#[derive(Model)]
#[cassia(tabel = "notes")]
struct Note {
    #[cassia(partition_key, primary)]
    id: i32,
    #[cassia(index = "values", order = "sideways")]
    tags: Vec<String>,
}

fn main() {}
