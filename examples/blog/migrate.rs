//! The blog's own `cassia` command line, with its models compiled in, as an application
//! ships it (in the manner of sea-orm's migration crate): the schema commands compare these
//! models with the migration files in `blog/migrations/` or with a live keyspace.
//!
//! ```sh
//! # write a migration for whatever changed in models.rs since the last one
//! cargo run --example blog_migrate -- schema generate add_something \
//!     --keyspace cassia_blog --migrations examples/blog/migrations
//! # CI: fail when a model changed without a migration
//! cargo run --example blog_migrate -- schema diff --check \
//!     --keyspace cassia_blog --migrations examples/blog/migrations
//! ```

mod models;

use std::process::ExitCode;

use cassia::Model;

fn main() -> ExitCode {
    cassia_cli::run(&[
        models::User::schema(),
        models::Post::schema(),
        models::PostLikes::schema(),
        models::Notification::schema(),
    ])
}
