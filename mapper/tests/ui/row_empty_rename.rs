use cassia::prelude::*;

#[derive(SerializeRow)]
struct NewUser {
    id: i32,
    #[cassia(rename = "")]
    name: String,
}

fn main() {}
