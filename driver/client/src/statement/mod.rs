//! What users run: simple [`Statement`]s, [`PreparedStatement`]s and [`Batch`]es, each
//! carrying its per-request options.

pub(crate) mod batch;
pub(crate) mod options;
pub(crate) mod prepared;
mod simple;

pub use batch::{Batch, BatchType};
pub use options::PagingState;
pub use prepared::PreparedStatement;
pub use simple::Statement;
