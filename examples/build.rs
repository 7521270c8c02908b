//! `cassia::migrate!` embeds the blog's migration files; editing one recompiles the
//! example by itself, but a new file is only seen when the directory is watched.

fn main() {
    println!("cargo:rerun-if-changed=blog/migrations");
}
