//! Placeholder until the blog example is written.
fn main() {}
