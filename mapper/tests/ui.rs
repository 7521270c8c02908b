//! Compile-fail cases: every diagnostic of the derives and of the typed query API, with the
//! exact message and span (`ui/*.stderr`; regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
