const DIR: &str = "migrations";

static NO_ARGUMENT: cassia::migrate::EmbeddedMigrations = cassia::migrate!();
static A_CONSTANT: cassia::migrate::EmbeddedMigrations = cassia::migrate!(DIR);
static A_MACRO: cassia::migrate::EmbeddedMigrations = cassia::migrate!(concat!("migr", "ations"));
static EMPTY: cassia::migrate::EmbeddedMigrations = cassia::migrate!("");

fn main() {}
