use cassia::prelude::*;

#[derive(Model)]
struct User {
    #[cassia(partition_key)]
    id: i32,
    age: i32,
}

fn main() {
    let _ = User::objects().filter(User::AGE.eq("x"));
}
