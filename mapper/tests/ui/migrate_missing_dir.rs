static MIGRATIONS: cassia::migrate::EmbeddedMigrations = cassia::migrate!("migrations_that_do_not_exist");

fn main() {}
