//! Password authentication as Cassandra's `PasswordAuthenticator` does it: one SASL PLAIN
//! exchange (`[authzid]\0user\0password`) checked against the single user configured on
//! the emulator.
//!
//! The messages are Cassandra's own, because drivers and tests match on them.

/// The authenticator class name sent in AUTHENTICATE, as Cassandra names it.
pub(crate) const PASSWORD_AUTHENTICATOR: &str = "org.apache.cassandra.auth.PasswordAuthenticator";

/// The one user the emulator accepts when authentication is on.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    user: String,
    password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password, even in debug logs.
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// Why a SASL PLAIN token was rejected; `Display` is Cassandra's exact message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AuthError {
    /// More than two NUL separators.
    #[error(
        "Credential format error: username or password is empty or contains NUL(\\0) character"
    )]
    Format,
    /// No password part, or an empty one.
    #[error("Password must not be null")]
    MissingPassword,
    /// No user part, or an empty one.
    #[error("Authentication ID must not be null")]
    MissingUser,
    /// Well-formed, but not the configured user and password.
    #[error("Provided username {user} and/or password are incorrect")]
    Incorrect {
        /// The user name the client sent.
        user: String,
    },
}

impl Credentials {
    pub(crate) fn new(user: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            user: user.into(),
            password: password.into(),
        }
    }

    /// Checks a SASL PLAIN token; on success returns the authenticated user name.
    pub(crate) fn verify(&self, token: &[u8]) -> Result<String, AuthError> {
        let (user, password) = decode_plain(token)?;
        let user = String::from_utf8_lossy(user).into_owned();
        // Compare every byte, whatever differs first, so timing does not tell how close a
        // guess was (cheap here, and the habit costs nothing).
        let user_ok = constant_time_eq(user.as_bytes(), self.user.as_bytes());
        let password_ok = constant_time_eq(password, self.password.as_bytes());
        if user_ok & password_ok {
            Ok(user)
        } else {
            Err(AuthError::Incorrect { user })
        }
    }
}

/// Splits `[authzid]\0authnid\0password` from the end, as Cassandra does: the last NUL
/// starts the password, the one before it the user; a third NUL is a format error.
fn decode_plain(token: &[u8]) -> Result<(&[u8], &[u8]), AuthError> {
    let mut parts = token.rsplitn(3, |b| *b == 0);
    let password = parts.next();
    let user = parts.next();
    let authz = parts.next();
    let (Some(password), Some(user)) = (password, user) else {
        // No NUL at all: there is no password part.
        return Err(AuthError::MissingPassword);
    };
    if authz.is_some_and(|a| a.contains(&0)) {
        return Err(AuthError::Format);
    }
    if password.is_empty() {
        return Err(AuthError::MissingPassword);
    }
    if user.is_empty() {
        return Err(AuthError::MissingUser);
    }
    Ok((user, password))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("cassandra", "s3cret")
    }

    #[test]
    fn accepts_plain_token_with_and_without_authzid() {
        assert_eq!(
            creds().verify(b"\0cassandra\0s3cret"),
            Ok("cassandra".into())
        );
        assert_eq!(
            creds().verify(b"x\0cassandra\0s3cret"),
            Ok("cassandra".into())
        );
    }

    #[test]
    fn rejects_wrong_password_with_cassandras_message() {
        let err = creds()
            .verify(b"\0cassandra\0nope")
            .expect_err("must be rejected");
        assert_eq!(
            err.to_string(),
            "Provided username cassandra and/or password are incorrect"
        );
        let err = creds()
            .verify(b"\0bob\0s3cret")
            .expect_err("must be rejected");
        assert_eq!(err, AuthError::Incorrect { user: "bob".into() });
    }

    #[test]
    fn rejects_malformed_tokens() {
        assert_eq!(creds().verify(b""), Err(AuthError::MissingPassword));
        assert_eq!(
            creds().verify(b"cassandra"),
            Err(AuthError::MissingPassword)
        );
        assert_eq!(
            creds().verify(b"\0cassandra\0"),
            Err(AuthError::MissingPassword)
        );
        assert_eq!(creds().verify(b"\0\0s3cret"), Err(AuthError::MissingUser));
        assert_eq!(creds().verify(b"a\0b\0c\0d"), Err(AuthError::Format));
        assert_eq!(
            AuthError::Format.to_string(),
            "Credential format error: username or password is empty or contains NUL(\\0) character"
        );
    }

    #[test]
    fn debug_hides_password() {
        assert!(!format!("{:?}", creds()).contains("s3cret"));
    }
}
