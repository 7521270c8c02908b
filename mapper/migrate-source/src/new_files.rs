//! Creating the files of a new migration (`cassia migrate add`).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::name::{self, MigrationKind, parse_file_name};

/// Creates the files of a new migration in `dir` (created if missing) and returns their
/// paths: `<version>_<name>.up.cql` and `<version>_<name>.down.cql` when `reversible`, else
/// `<version>_<name>.cql`. Each holds a short comment saying what goes in it.
///
/// Until CQL is written into them the files hold no statement, so reading the directory
/// fails with [`SourceError::EmptyMigration`]: a forgotten migration is not applied as a
/// no-op.
///
/// Fails with [`SourceError::BadMigrationName`] for a name that is empty or holds
/// characters other than ASCII letters, digits, `_` and `-` (or a version of more than 18
/// digits), with [`SourceError::VersionExists`] when a migration file of `dir` already has
/// this version, and with [`SourceError::Io`] when a file cannot be written. Existing files
/// are never overwritten.
pub fn create_migration_files(
    dir: &Path,
    version: u64,
    name: &str,
    reversible: bool,
) -> Result<Vec<PathBuf>, SourceError> {
    name::validate(version, name).map_err(|reason| SourceError::BadMigrationName {
        version,
        name: name.to_owned(),
        reason,
    })?;
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| SourceError::Io { path, source }
    };
    match fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(SourceError::NotADirectory {
                path: dir.to_owned(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        Err(source) => {
            return Err(SourceError::Io {
                path: dir.to_owned(),
                source,
            });
        }
    }
    let mut taken: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        // Misnamed files are `from_dir`'s to report; here only an existing version matters.
        if let Ok(Some(parsed)) = parse_file_name(&entry.file_name().to_string_lossy()) {
            if parsed.version == version {
                taken.push(entry.path());
            }
        }
    }
    taken.sort();
    if let Some(path) = taken.into_iter().next() {
        return Err(SourceError::VersionExists { version, path });
    }
    let kinds: &[MigrationKind] = if reversible {
        &[MigrationKind::Up, MigrationKind::Down]
    } else {
        &[MigrationKind::Forward]
    };
    let mut created = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let path = dir.join(name::file_name(version, name, kind));
        // `create_new`: a file that appeared since the check above is not overwritten.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error(&path))?;
        file.write_all(template(version, name, kind).as_bytes())
            .map_err(io_error(&path))?;
        created.push(path);
    }
    Ok(created)
}

fn template(version: u64, name: &str, kind: MigrationKind) -> String {
    let what = match kind {
        MigrationKind::Up => "applies the migration",
        MigrationKind::Down => "reverts what the .up.cql file applies, in reverse order",
        MigrationKind::Forward => "applies the migration (forward only: it has no down script)",
    };
    format!(
        "-- Migration {version} `{name}`: this file {what}.\n\
         -- Write CQL statements separated by `;`. Once applied, do not edit it: add a new migration.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileNameError;
    use crate::set::MigrationSet;
    use crate::testdir::TestDir;

    #[test]
    fn creates_up_and_down_files_in_a_new_directory() {
        let root = TestDir::new("add");
        let dir = root.path().join("migrations");
        let created =
            create_migration_files(&dir, 20240101120000, "add_users", true).expect("creates");
        assert_eq!(
            created,
            [
                dir.join("20240101120000_add_users.up.cql"),
                dir.join("20240101120000_add_users.down.cql"),
            ]
        );
        let up = fs::read_to_string(&created[0]).expect("written");
        assert!(
            up.starts_with("-- Migration 20240101120000 `add_users`: this file applies"),
            "{up}"
        );
        // Comments only: reading the directory refuses it until CQL is written.
        let err = MigrationSet::from_dir(&dir).expect_err("empty");
        assert!(matches!(err, SourceError::EmptyMigration { .. }), "{err:?}");

        fs::write(
            &created[0],
            format!("{up}CREATE TABLE users (id int PRIMARY KEY);\n"),
        )
        .expect("write");
        fs::write(&created[1], "DROP TABLE users;").expect("write");
        let set = MigrationSet::from_dir(&dir).expect("reads");
        assert!(set.get(20240101120000).expect("present").is_reversible());
    }

    #[test]
    fn creates_one_file_for_a_forward_migration() {
        let root = TestDir::new("add_forward");
        let created = create_migration_files(root.path(), 7, "seed", false).expect("creates");
        assert_eq!(created, [root.path().join("7_seed.cql")]);
        let text = fs::read_to_string(&created[0]).expect("written");
        assert!(text.contains("forward only"), "{text}");
    }

    #[test]
    fn refuses_a_taken_version() {
        let root = TestDir::new("add_taken").file("0007_old.up.cql", "SELECT 1");
        let err = create_migration_files(root.path(), 7, "new", false).expect_err("taken");
        assert!(
            matches!(&err, SourceError::VersionExists { version: 7, path } if *path == root.path().join("0007_old.up.cql")),
            "{err:?}"
        );
        assert!(!root.path().join("7_new.cql").exists());
        // Another version is fine, whatever else is in the directory.
        let root = root.file("notes.txt", "").file("bad name.cql", "");
        assert!(create_migration_files(root.path(), 8, "new", false).is_ok());
    }

    #[test]
    fn refuses_a_bad_name_or_version() {
        let root = TestDir::new("add_bad");
        let err = create_migration_files(root.path(), 1, "add users", true).expect_err("bad name");
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
        let err = create_migration_files(root.path(), 1, "", true).expect_err("empty name");
        assert!(
            matches!(
                err,
                SourceError::BadMigrationName {
                    reason: FileNameError::EmptyName,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = create_migration_files(root.path(), u64::MAX, "a", true).expect_err("too long");
        assert!(
            matches!(
                err,
                SourceError::BadMigrationName {
                    reason: FileNameError::VersionTooLong { digits: 20 },
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(fs::read_dir(root.path()).expect("readable").count(), 0);
    }

    #[test]
    fn refuses_a_file_as_the_directory() {
        let root = TestDir::new("add_file").file("f", "");
        let err = create_migration_files(&root.path().join("f"), 1, "a", true).expect_err("a file");
        assert!(matches!(err, SourceError::NotADirectory { .. }), "{err:?}");
    }
}
