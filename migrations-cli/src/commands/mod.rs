//! One module per command group.

pub(crate) mod keyspace;
pub(crate) mod migrate;
pub(crate) mod schema;
