//! SASL authentication: the [`Authenticator`] / [`AuthenticatorSession`] traits and the
//! built-in [`PlainTextAuthenticator`] (SASL PLAIN, what Cassandra's `PasswordAuthenticator`
//! expects).
//!
//! Credentials are never logged: the `Debug` output of the built-in authenticator redacts the
//! password, and errors only carry the server's message.

/// Creates one [`AuthenticatorSession`] per connection, when the server answers STARTUP with
/// AUTHENTICATE.
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    /// Starts the exchange; `server_authenticator` is the class the server named
    /// (e.g. `org.apache.cassandra.auth.PasswordAuthenticator`).
    fn new_session(&self, server_authenticator: &str) -> Box<dyn AuthenticatorSession>;
}

/// One SASL exchange on one connection.
pub trait AuthenticatorSession: Send {
    /// The first token, sent in AUTH_RESPONSE right after AUTHENTICATE.
    fn initial_response(&mut self) -> Option<Vec<u8>>;

    /// Answers an AUTH_CHALLENGE. An `Err` aborts the handshake with that message.
    fn evaluate_challenge(&mut self, challenge: Option<&[u8]>) -> Result<Option<Vec<u8>>, String>;

    /// Called with the final token of AUTH_SUCCESS. An `Err` aborts the handshake.
    fn on_success(&mut self, _token: Option<&[u8]>) -> Result<(), String> {
        Ok(())
    }
}

/// Username and password sent with SASL PLAIN (`\0user\0password`).
#[derive(Clone)]
pub struct PlainTextAuthenticator {
    username: String,
    password: String,
}

impl PlainTextAuthenticator {
    /// Credentials for Cassandra's `PasswordAuthenticator`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        PlainTextAuthenticator {
            username: username.into(),
            password: password.into(),
        }
    }

    fn token(&self) -> Vec<u8> {
        let mut t = Vec::with_capacity(self.username.len() + self.password.len() + 2);
        t.push(0);
        t.extend_from_slice(self.username.as_bytes());
        t.push(0);
        t.extend_from_slice(self.password.as_bytes());
        t
    }
}

impl std::fmt::Debug for PlainTextAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainTextAuthenticator")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for PlainTextAuthenticator {
    fn new_session(&self, _server_authenticator: &str) -> Box<dyn AuthenticatorSession> {
        Box::new(PlainSession {
            token: Some(self.token()),
        })
    }
}

struct PlainSession {
    token: Option<Vec<u8>>,
}

impl AuthenticatorSession for PlainSession {
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        self.token.take()
    }

    fn evaluate_challenge(&mut self, _challenge: Option<&[u8]>) -> Result<Option<Vec<u8>>, String> {
        // PLAIN is a single step; a challenge means the server wants something else.
        Err("the server sent a SASL challenge, which PLAIN authentication does not expect".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_token_and_redacted_debug() {
        let auth = PlainTextAuthenticator::new("cassandra", "s3cret");
        let mut session = auth.new_session("org.apache.cassandra.auth.PasswordAuthenticator");
        assert_eq!(
            session.initial_response(),
            Some(b"\0cassandra\0s3cret".to_vec())
        );
        assert!(session.evaluate_challenge(None).is_err());
        let dbg = format!("{auth:?}");
        assert!(dbg.contains("cassandra"));
        assert!(!dbg.contains("s3cret"), "{dbg}");
    }
}
