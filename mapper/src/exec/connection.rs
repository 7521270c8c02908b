//! Sessions the mapper runs on: one default session set once with [`setup`], plus named
//! ones ([`register_connection`]) for models that live on other clusters. Every operation
//! also has an `_on(&session)` form that takes a session explicitly.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use cassia_driver::Session;

use super::error::ExecError;

/// The name of the default connection.
pub const DEFAULT: &str = "default";

static SESSIONS: RwLock<Option<HashMap<String, Session>>> = RwLock::new(None);

/// Sets the default session (replacing any previous one).
pub fn setup(session: Session) {
    register_connection(DEFAULT, session);
}

/// Registers a session under `name` (replacing any previous one of that name).
pub fn register_connection(name: &str, session: Session) {
    let mut all = SESSIONS.write().unwrap_or_else(PoisonError::into_inner);
    all.get_or_insert_with(HashMap::new)
        .insert(name.to_owned(), session);
}

/// Removes the session registered under `name`, returning it.
pub fn unregister_connection(name: &str) -> Option<Session> {
    let mut all = SESSIONS.write().unwrap_or_else(PoisonError::into_inner);
    all.as_mut().and_then(|m| m.remove(name))
}

/// The session registered under `name`.
pub fn get_connection(name: &str) -> Result<Session, ExecError> {
    let all = SESSIONS.read().unwrap_or_else(PoisonError::into_inner);
    all.as_ref()
        .and_then(|m| m.get(name))
        .cloned()
        .ok_or_else(|| ExecError::NoConnection {
            name: name.to_owned(),
        })
}

/// The default session.
pub fn default_session() -> Result<Session, ExecError> {
    get_connection(DEFAULT)
}

/// The session model `M` runs on: its named connection, else the default one.
pub(crate) fn session_for<M: crate::model::Model>() -> Result<Session, ExecError> {
    get_connection(M::connection().unwrap_or(DEFAULT))
}
