use cassia::prelude::*;

#[derive(CqlEnum)]
#[cassia(repr = "float")]
enum Shape {
    Circle(f64),
    Square,
}

fn main() {}
