use cassia::prelude::*;

#[derive(Model)]
#[cassia(table = "things", discriminator = "kind", value = "a")]
struct A {
    #[cassia(partition_key)]
    id: i32,
}

#[derive(Model)]
#[cassia(discriminator = "kind", table = "things")]
enum Thing<T> {
    #[cassia(value = "a")]
    A(A),
    Two(A, T),
}

#[derive(Model)]
#[cassia(discriminator = "kind")]
enum Empty {}

fn main() {}
