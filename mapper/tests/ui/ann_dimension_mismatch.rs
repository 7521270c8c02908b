use cassia::prelude::*;

#[derive(Model)]
struct Doc {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(index = "sai", similarity = "dot_product")]
    embedding: [f32; 5],
}

fn main() {
    let _ = Doc::objects()
        .order_by_ann(Doc::EMBEDDING, &[0.1, 0.2, 0.3])
        .limit(1);
}
