use cassia::prelude::*;

#[derive(Model)]
#[cassia(table = 5, default_ttl = "long", discriminator = "kind")]
struct Note {
    #[cassia(partition_key = "first")]
    id: i32,
    #[cassia(frozen = true, rename = "")]
    tags: Vec<String>,
    #[cassia(index = "everything")]
    attrs: std::collections::HashMap<String, String>,
    #[cassia(rename)]
    body: String,
}

fn main() {}
