//! CREATE / ALTER / DROP TABLE. (In progress: not implemented yet.)

use cassia_protocol::response::ServerError;

use crate::cql::ast::{AlterTable, CreateTable, QualifiedName};

use super::super::errors::invalid;
use super::super::{Catalog, DdlOutcome};

pub(super) fn create(
    _c: &mut Catalog,
    _s: &CreateTable,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "CREATE TABLE is not implemented yet in the emulator catalog",
    ))
}
pub(super) fn alter(
    _c: &mut Catalog,
    _s: &AlterTable,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "ALTER TABLE is not implemented yet in the emulator catalog",
    ))
}
pub(super) fn drop(
    _c: &mut Catalog,
    _n: &QualifiedName,
    _ie: bool,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "DROP TABLE is not implemented yet in the emulator catalog",
    ))
}
