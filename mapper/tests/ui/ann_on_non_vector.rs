use cassia::prelude::*;

#[derive(Model)]
struct Doc {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(index = "sai")]
    title: String,
}

fn main() {
    let _ = Doc::objects().order_by_ann(Doc::TITLE, &"x".to_owned()).limit(1);
}
