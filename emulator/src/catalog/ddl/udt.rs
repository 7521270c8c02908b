//! CREATE / ALTER / DROP TYPE. (In progress: not implemented yet.)

use cassia_protocol::response::ServerError;

use crate::cql::ast::{AlterType, CreateType, QualifiedName};

use super::super::errors::invalid;
use super::super::{Catalog, DdlOutcome};

pub(super) fn create(
    _c: &mut Catalog,
    _s: &CreateType,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "CREATE TYPE is not implemented yet in the emulator catalog",
    ))
}
pub(super) fn alter(
    _c: &mut Catalog,
    _s: &AlterType,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "ALTER TYPE is not implemented yet in the emulator catalog",
    ))
}
pub(super) fn drop(
    _c: &mut Catalog,
    _n: &QualifiedName,
    _ie: bool,
    _cur: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    Err(invalid(
        "DROP TYPE is not implemented yet in the emulator catalog",
    ))
}
