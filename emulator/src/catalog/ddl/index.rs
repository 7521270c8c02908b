//! CREATE / DROP INDEX. (In progress: not implemented yet.)

use cassia_protocol::response::ServerError;

use crate::cql::ast::{CreateIndex, QualifiedName};

use super::super::errors::invalid;
use super::super::{Catalog, DdlOutcome};

pub(super) fn create(
    _c: &mut Catalog,
    _s: &CreateIndex,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "CREATE INDEX is not implemented yet in the emulator catalog",
    ))
}
pub(super) fn drop(
    _c: &mut Catalog,
    _n: &QualifiedName,
    _ie: bool,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "DROP INDEX is not implemented yet in the emulator catalog",
    ))
}
