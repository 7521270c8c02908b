use cassia::prelude::*;

#[derive(Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "like")]
struct Like {
    #[cassia(partition_key)]
    id: i32,
}

#[derive(Model)]
enum Notification {
    Like(Like),
    Other { id: i32 },
}

fn main() {}
