//! `cassia-integration` has no library code: its tests live in the `cross_driver` test binary
//! (`cross_driver/main.rs` and its topic modules). This empty crate root exists because Cargo
//! needs a target for the package.
