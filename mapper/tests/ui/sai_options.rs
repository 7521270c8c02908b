use cassia::prelude::*;

#[derive(Model)]
struct Doc {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(similarity = "cosine")]
    embedding: [f32; 3],
    #[cassia(index = "sai", similarity = "manhattan")]
    other: [f32; 3],
    #[cassia(index = "sai", case_sensitive = "no")]
    title: String,
}

fn main() {}
