//! Reading a [`LiveKeyspace`]: the driver reads the keyspace from `system_schema` (and
//! updates the session's schema metadata while it is at it); this converts it.

use cassia_driver::Session;
use cassia_driver::error::MetadataError;

use super::LiveKeyspace;
use crate::exec::ExecError;

/// Reads everything `system_schema` says about `keyspace`; `None` when it does not exist.
///
/// Tables, columns, indexes and types come back sorted by name, as `system_schema` stores
/// them. Reads the keyspace's partition of each schema table; call it again after DDL to
/// see the changes.
pub async fn read_keyspace(
    session: &Session,
    keyspace: &str,
) -> Result<Option<LiveKeyspace>, ExecError> {
    match session.refresh_keyspace(keyspace).await {
        Ok(ks) => Ok(ks.as_deref().map(LiveKeyspace::from)),
        // A failed query is the driver's error, as for any statement the mapper runs.
        Err(MetadataError::Query { source, .. }) => Err(ExecError::Execute(*source)),
        Err(e) => Err(ExecError::Metadata(e)),
    }
}
