// trybuild compiles this file in `target/tests/trybuild/cassia`, which is then the
// CARGO_MANIFEST_DIR that `migrate!` resolves relative paths against; the fixture is
// reached from there (dtolnay/trybuild#202).
static MIGRATIONS: cassia::migrate::EmbeddedMigrations =
    cassia::migrate!("../../../../mapper/tests/ui/migrations_unterminated");

fn main() {}
