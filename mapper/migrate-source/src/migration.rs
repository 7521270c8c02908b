//! A migration: a version, a name, the script that applies it and, when reversible, the
//! script that reverts it.

use crate::error::SourceError;
use crate::name::{self, MigrationKind};
use crate::script::Script;

/// One versioned migration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Migration {
    /// Orders migrations; recorded when applied.
    pub version: u64,
    /// The human part of the file name (`init` in `20240101120000_init.up.cql`).
    pub name: String,
    /// Applies the migration (the `.up.cql` or plain `.cql` file).
    pub up: Script,
    /// Reverts it (the `.down.cql` file); `None` for a forward-only migration.
    pub down: Option<Script>,
}

impl Migration {
    /// Whether the migration has a down script.
    pub fn is_reversible(&self) -> bool {
        self.down.is_some()
    }

    /// The checksum recorded when the migration is applied: its up script's.
    pub fn checksum(&self) -> &str {
        &self.up.checksum
    }

    /// A migration from texts in memory, for tests and programmatic use. Its scripts are
    /// named `<version>_<name>.up.cql` and `<version>_<name>.down.cql`, as if read from a
    /// directory.
    ///
    /// Fails as [`Script::parse`] does, and with [`SourceError::BadMigrationName`] when the
    /// name is empty or holds characters other than ASCII letters, digits, `_` and `-`, or
    /// the version has more than 18 digits.
    ///
    /// ```
    /// use cassia_migrate_source::Migration;
    ///
    /// let m = Migration::from_texts(1, "users", "CREATE TABLE users (id int PRIMARY KEY);", Some("DROP TABLE users;"))?;
    /// assert_eq!(m.up.file, "1_users.up.cql");
    /// assert!(m.is_reversible());
    /// # Ok::<(), cassia_migrate_source::SourceError>(())
    /// ```
    pub fn from_texts(
        version: u64,
        name: &str,
        up: &str,
        down: Option<&str>,
    ) -> Result<Migration, SourceError> {
        name::validate(version, name).map_err(|reason| SourceError::BadMigrationName {
            version,
            name: name.to_owned(),
            reason,
        })?;
        let up = Script::parse(name::file_name(version, name, MigrationKind::Up), up)?;
        let down = down
            .map(|text| Script::parse(name::file_name(version, name, MigrationKind::Down), text))
            .transpose()?;
        Ok(Migration {
            version,
            name: name.to_owned(),
            up,
            down,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileNameError;

    #[test]
    fn from_texts_names_the_scripts() {
        let m = Migration::from_texts(20240101120000, "init", "SELECT 1", Some("SELECT 2"))
            .expect("valid");
        assert_eq!(m.up.file, "20240101120000_init.up.cql");
        assert_eq!(
            m.down.as_ref().map(|d| d.file.as_str()),
            Some("20240101120000_init.down.cql")
        );
        assert!(m.is_reversible());
        assert_eq!(m.checksum(), m.up.checksum);

        let forward = Migration::from_texts(2, "x", "SELECT 1", None).expect("valid");
        assert!(!forward.is_reversible());
        assert_eq!(forward.up.file, "2_x.up.cql");
    }

    #[test]
    fn from_texts_refuses_bad_names_and_scripts() {
        let err = Migration::from_texts(1, "a b", "SELECT 1", None).expect_err("bad name");
        assert!(
            matches!(
                err,
                SourceError::BadMigrationName {
                    reason: FileNameError::BadCharacter { ch: ' ' },
                    ..
                }
            ),
            "{err:?}"
        );
        let err =
            Migration::from_texts(1, "a", "SELECT 1", Some("-- nothing")).expect_err("empty down");
        assert!(
            matches!(err, SourceError::EmptyMigration { ref file } if file == "1_a.down.cql"),
            "{err:?}"
        );
    }
}
