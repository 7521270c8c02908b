//! Migrations embedded in the binary by `cassia::migrate!`: the same data as
//! [`MigrationSet`], as `'static` values the macro can write as literals, so an application
//! carries its migrations without shipping the directory.

use crate::migration::Migration;
use crate::script::Script;
use crate::set::MigrationSet;
use crate::split::Statement;

/// What `cassia::migrate!("dir")` expands to: every migration of the directory, sorted by
/// version, checked and split at compile time. Convert it with
/// [`MigrationSet::from`](MigrationSet#impl-From<EmbeddedMigrations>-for-MigrationSet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmbeddedMigrations(pub &'static [EmbeddedMigration]);

/// One embedded [`Migration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmbeddedMigration {
    /// See [`Migration::version`].
    pub version: u64,
    /// See [`Migration::name`].
    pub name: &'static str,
    /// See [`Migration::up`].
    pub up: EmbeddedScript,
    /// See [`Migration::down`].
    pub down: Option<EmbeddedScript>,
}

/// One embedded [`Script`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmbeddedScript {
    /// See [`Script::file`].
    pub file: &'static str,
    /// See [`Script::text`].
    pub text: &'static str,
    /// See [`Script::checksum`].
    pub checksum: &'static str,
    /// See [`Script::statements`].
    pub statements: &'static [EmbeddedStatement],
}

/// One embedded [`Statement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmbeddedStatement {
    /// See [`Statement::cql`].
    pub cql: &'static str,
    /// See [`Statement::line`].
    pub line: u32,
    /// See [`Statement::checksum`].
    pub checksum: &'static str,
}

impl From<EmbeddedMigrations> for MigrationSet {
    /// Infallible: the macro read the directory with [`MigrationSet::from_dir`], which
    /// checked everything, and wrote the result in version order.
    fn from(embedded: EmbeddedMigrations) -> MigrationSet {
        let mut migrations: Vec<Migration> = embedded.0.iter().map(Migration::from).collect();
        // Already sorted when written by the macro; cheap to make sure for hand-written ones.
        migrations.sort_by_key(|m| m.version);
        MigrationSet::from_sorted(migrations)
    }
}

impl From<&EmbeddedMigration> for Migration {
    fn from(m: &EmbeddedMigration) -> Migration {
        Migration {
            version: m.version,
            name: m.name.to_owned(),
            up: Script::from(&m.up),
            down: m.down.as_ref().map(Script::from),
        }
    }
}

impl From<&EmbeddedScript> for Script {
    fn from(s: &EmbeddedScript) -> Script {
        Script {
            file: s.file.to_owned(),
            text: s.text.to_owned(),
            checksum: s.checksum.to_owned(),
            statements: s
                .statements
                .iter()
                .map(|st| Statement {
                    cql: st.cql.to_owned(),
                    line: st.line,
                    checksum: st.checksum.to_owned(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SELECT: EmbeddedScript = EmbeddedScript {
        file: "1_a.up.cql",
        text: "SELECT 1;",
        checksum: "c",
        statements: &[EmbeddedStatement {
            cql: "SELECT 1",
            line: 1,
            checksum: "s",
        }],
    };

    // Const-constructible, as the macro's expansion needs.
    const EMBEDDED: EmbeddedMigrations = EmbeddedMigrations(&[
        EmbeddedMigration {
            version: 2,
            name: "b",
            up: SELECT,
            down: None,
        },
        EmbeddedMigration {
            version: 1,
            name: "a",
            up: SELECT,
            down: Some(SELECT),
        },
    ]);

    #[test]
    fn converts_field_by_field() {
        let set = MigrationSet::from(EMBEDDED);
        let versions: Vec<u64> = set.iter().map(|m| m.version).collect();
        assert_eq!(versions, [1, 2]);
        let a = set.get(1).expect("present");
        assert_eq!(a.name, "a");
        assert!(a.is_reversible());
        assert_eq!(
            a.up,
            Script {
                file: "1_a.up.cql".into(),
                text: "SELECT 1;".into(),
                checksum: "c".into(),
                statements: vec![Statement {
                    cql: "SELECT 1".into(),
                    line: 1,
                    checksum: "s".into()
                }],
            }
        );
    }

    #[test]
    fn matches_what_from_dir_would_read() {
        let m = Migration::from_texts(1, "a", "SELECT 1;\n-- x\nSELECT 2", None).expect("valid");
        let statements: Vec<EmbeddedStatement> =
            m.up.statements
                .iter()
                .map(|s| EmbeddedStatement {
                    cql: s.cql.clone().leak(),
                    line: s.line,
                    checksum: s.checksum.clone().leak(),
                })
                .collect();
        let embedded = EmbeddedMigration {
            version: 1,
            name: "a",
            up: EmbeddedScript {
                file: "1_a.up.cql",
                text: "SELECT 1;\n-- x\nSELECT 2",
                checksum: m.up.checksum.clone().leak(),
                statements: statements.leak(),
            },
            down: None,
        };
        assert_eq!(Migration::from(&embedded), m);
    }
}
