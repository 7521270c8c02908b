use cassia::prelude::*;

#[derive(Model)]
struct User {
    #[cassia(partition_key)]
    id: i32,
    name: String,
}

fn main() {
    let _ = User::objects().filter(User::NAME.contains("x"));
}
