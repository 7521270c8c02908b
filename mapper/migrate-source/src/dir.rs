//! Reading a migrations directory: which files are migrations, how up, down and forward
//! files pair up by version, and reading each as UTF-8 text.
//!
//! Every check that can fail on names runs over the whole directory before any file is
//! read, and files are visited in name order, so the error reported for a given directory
//! is always the same one.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::migration::Migration;
use crate::name::{MigrationKind, ParsedName, parse_file_name};
use crate::script::Script;
use crate::set::MigrationSet;

impl MigrationSet {
    /// Reads every migration in the directory `path`.
    ///
    /// Migrations are the files named `<version>_<name>.up.cql` (with an optional
    /// `<version>_<name>.down.cql`) or `<version>_<name>.cql` (forward only); see
    /// [`parse_file_name`]. Other files, hidden files and subdirectories are ignored; a
    /// `.cql` file with another name is an error, as are two migrations with one version,
    /// a down file without its up file, unreadable or non-UTF-8 files and scripts that do
    /// not split or hold no statement. Errors name the file by its path under `path`.
    ///
    /// An empty directory is an empty set.
    pub fn from_dir(path: impl AsRef<Path>) -> Result<MigrationSet, SourceError> {
        let dir = path.as_ref();
        let files = list(dir)?;
        let mut by_version: BTreeMap<u64, Vec<Found>> = BTreeMap::new();
        for found in files {
            by_version
                .entry(found.parsed.version)
                .or_default()
                .push(found);
        }
        let mut pairs = Vec::with_capacity(by_version.len());
        for (version, files) in by_version {
            pairs.push(pair(version, files)?);
        }
        let mut migrations = Vec::with_capacity(pairs.len());
        for (up, down) in pairs {
            let down = down.map(|d| read_script(&d.path)).transpose()?;
            migrations.push(Migration {
                version: up.parsed.version,
                name: up.parsed.name,
                up: read_script(&up.path)?,
                down,
            });
        }
        Ok(MigrationSet::from_sorted(migrations))
    }
}

/// A migration file found in the directory.
struct Found {
    path: PathBuf,
    parsed: ParsedName,
}

/// The migration files of `dir`, sorted by file name.
fn list(dir: &Path) -> Result<Vec<Found>, SourceError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SourceError::MissingDirectory {
                path: dir.to_owned(),
            });
        }
        Err(source) => {
            return Err(SourceError::Io {
                path: dir.to_owned(),
                source,
            });
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(SourceError::NotADirectory {
                path: dir.to_owned(),
            });
        }
        Ok(_) => {}
    }
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| SourceError::Io { path, source }
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        // A name that is not UTF-8 gets U+FFFD, which no migration name may hold: such a
        // `.cql` file is reported rather than skipped.
        let file_name = entry.file_name().to_string_lossy().into_owned();
        entries.push((file_name, entry.path()));
    }
    entries.sort();
    let mut found = Vec::new();
    for (file_name, path) in entries {
        let parsed = parse_file_name(&file_name);
        if matches!(parsed, Ok(None)) {
            continue;
        }
        // Following symbolic links: a link to a migration file is a migration file.
        if fs::metadata(&path).map_err(io_error(&path))?.is_dir() {
            continue;
        }
        match parsed {
            Ok(Some(parsed)) => found.push(Found { path, parsed }),
            Ok(None) => {}
            Err(reason) => return Err(SourceError::BadFileName { path, reason }),
        }
    }
    Ok(found)
}

/// The up (or forward) file of one version and its down file, if any.
fn pair(version: u64, files: Vec<Found>) -> Result<(Found, Option<Found>), SourceError> {
    let (downs, mut primaries): (Vec<Found>, Vec<Found>) = files
        .into_iter()
        .partition(|f| f.parsed.kind == MigrationKind::Down);
    if primaries.len() > 1 {
        return Err(SourceError::DuplicateVersion {
            version,
            first: shown(&primaries[0].path),
            second: shown(&primaries[1].path),
        });
    }
    let Some(up) = primaries.pop() else {
        // Grouped by version, so there is at least one file and it is a down file.
        let file = downs.first().map(|d| shown(&d.path)).unwrap_or_default();
        return Err(SourceError::DownWithoutUp { file });
    };
    let mut down = None;
    for d in downs {
        if up.parsed.kind == MigrationKind::Forward {
            return Err(SourceError::DownWithoutUp {
                file: shown(&d.path),
            });
        }
        if d.parsed.name != up.parsed.name {
            return Err(SourceError::DownNameMismatch {
                up: shown(&up.path),
                down: shown(&d.path),
            });
        }
        down = Some(d);
    }
    Ok((up, down))
}

fn read_script(path: &Path) -> Result<Script, SourceError> {
    let bytes = fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| SourceError::NotUtf8 {
        path: path.to_owned(),
        source: e.utf8_error(),
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Script::parse(file_name, text).map_err(|e| match e {
        // The script knows its file name only; the directory read knows where it is.
        SourceError::Split { line, source, .. } => SourceError::Split {
            file: shown(path),
            line,
            source,
        },
        SourceError::EmptyMigration { .. } => SourceError::EmptyMigration { file: shown(path) },
        other => other,
    })
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{FileNameError, SplitError};
    use crate::testdir::TestDir;

    #[test]
    fn reads_up_down_and_forward_migrations_in_version_order() {
        let dir = TestDir::new("ok")
            .file("20240102000000_add_email.cql", "ALTER TABLE users ADD email text;")
            .file("20240101000000_init.up.cql", "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY);")
            .file("20240101000000_init.down.cql", "DROP TABLE posts;\nDROP TABLE users;")
            .file("3_third.up.cql", "SELECT 3");
        let set = MigrationSet::from_dir(dir.path()).expect("reads");
        let summary: Vec<(u64, &str, bool, usize)> = set
            .iter()
            .map(|m| {
                (
                    m.version,
                    m.name.as_str(),
                    m.is_reversible(),
                    m.up.statements.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (3, "third", false, 1),
                (20240101000000, "init", true, 2),
                (20240102000000, "add_email", false, 1),
            ]
        );
        let init = set.get(20240101000000).expect("present");
        assert_eq!(init.up.file, "20240101000000_init.up.cql");
        assert_eq!(
            init.down.as_ref().map(|d| d.statements[1].cql.as_str()),
            Some("DROP TABLE users")
        );
        assert_eq!(init.down.as_ref().map(|d| d.statements[1].line), Some(2));
        assert_eq!(
            set.get(20240102000000).map(|m| m.up.file.as_str()),
            Some("20240102000000_add_email.cql")
        );
    }

    #[test]
    fn ignores_other_files_hidden_files_and_subdirectories() {
        let dir = TestDir::new("ignored")
            .file("1_a.cql", "SELECT 1")
            .file("README.md", "not a migration")
            .file("2_b.cql~", "editor backup")
            .file(".3_c.cql", "hidden")
            .file(".DS_Store", "")
            .subdir("4_d.cql")
            .subdir("nested")
            .file("nested/5_e.cql", "SELECT 5");
        let set = MigrationSet::from_dir(dir.path()).expect("reads");
        let versions: Vec<u64> = set.iter().map(|m| m.version).collect();
        assert_eq!(versions, [1]);
    }

    #[test]
    fn an_empty_directory_is_an_empty_set() {
        let dir = TestDir::new("empty");
        assert!(
            MigrationSet::from_dir(dir.path())
                .expect("reads")
                .is_empty()
        );
    }

    #[test]
    fn a_missing_path_or_a_file_is_refused() {
        let dir = TestDir::new("missing");
        let missing = dir.path().join("nope");
        let err = MigrationSet::from_dir(&missing).expect_err("missing");
        assert!(
            matches!(&err, SourceError::MissingDirectory { path } if *path == missing),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "migrations directory `{}` does not exist",
                missing.display()
            )
        );

        let dir = dir.file("1_a.cql", "SELECT 1");
        let file = dir.path().join("1_a.cql");
        let err = MigrationSet::from_dir(&file).expect_err("a file");
        assert!(
            matches!(&err, SourceError::NotADirectory { path } if *path == file),
            "{err:?}"
        );
    }

    #[test]
    fn a_misnamed_cql_file_is_an_error() {
        let dir = TestDir::new("badname")
            .file("1_a.cql", "SELECT 1")
            .file("create users.cql", "SELECT 1");
        let err = MigrationSet::from_dir(dir.path()).expect_err("bad name");
        assert!(
            matches!(&err, SourceError::BadFileName { path, reason: FileNameError::MissingVersion }
                if path.ends_with("create users.cql")),
            "{err:?}"
        );
        assert!(err.to_string().contains("create users.cql"), "{err}");
    }

    #[test]
    fn two_migrations_with_one_version_are_refused() {
        let cases = [
            ("1_a.cql", "1_a.up.cql"),
            ("1_a.cql", "1_b.cql"),
            ("1_a.up.cql", "1_b.up.cql"),
            ("01_a.cql", "1_b.cql"),
        ];
        for (first, second) in cases {
            let dir = TestDir::new("dup")
                .file(first, "SELECT 1")
                .file(second, "SELECT 2");
            let err = MigrationSet::from_dir(dir.path()).expect_err("duplicate");
            match &err {
                SourceError::DuplicateVersion {
                    version: 1,
                    first: f,
                    second: s,
                } => {
                    assert_eq!(f, &dir.path().join(first).display().to_string());
                    assert_eq!(s, &dir.path().join(second).display().to_string());
                }
                other => panic!("{first} + {second}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_down_file_needs_its_up_file() {
        for files in [
            &["1_a.down.cql"][..],
            &["1_a.cql", "1_a.down.cql"],
            &["2_b.up.cql", "1_b.down.cql"],
        ] {
            let mut dir = TestDir::new("down");
            for f in files {
                dir = dir.file(f, "SELECT 1");
            }
            let err = MigrationSet::from_dir(dir.path()).expect_err("no up");
            assert!(
                matches!(&err, SourceError::DownWithoutUp { file } if file.ends_with(".down.cql")),
                "{files:?}: {err:?}"
            );
        }
        let dir = TestDir::new("mismatch")
            .file("1_a.up.cql", "SELECT 1")
            .file("1_b.down.cql", "SELECT 2");
        let err = MigrationSet::from_dir(dir.path()).expect_err("mismatch");
        assert!(
            matches!(&err, SourceError::DownNameMismatch { up, down }
                if up.ends_with("1_a.up.cql") && down.ends_with("1_b.down.cql")),
            "{err:?}"
        );
    }

    #[test]
    fn script_errors_name_the_path() {
        let dir = TestDir::new("empty_script").file("1_a.up.cql", "-- to do\n");
        let err = MigrationSet::from_dir(dir.path()).expect_err("empty");
        let want = dir.path().join("1_a.up.cql").display().to_string();
        assert!(
            matches!(&err, SourceError::EmptyMigration { file } if *file == want),
            "{err:?}"
        );

        let dir = TestDir::new("unterminated")
            .file("1_a.up.cql", "SELECT 1")
            .file("1_a.down.cql", "SELECT 1;\n\n/* oops");
        let err = MigrationSet::from_dir(dir.path()).expect_err("unterminated");
        let want = dir.path().join("1_a.down.cql").display().to_string();
        assert!(
            matches!(&err, SourceError::Split { file, line: 3, source: SplitError::UnterminatedComment { line: 3 } }
                if *file == want),
            "{err:?}"
        );
    }

    #[test]
    fn files_must_be_utf8_and_a_bom_is_skipped() {
        let dir = TestDir::new("utf8").bytes("1_a.cql", b"SELECT 'caf\xe9'");
        let err = MigrationSet::from_dir(dir.path()).expect_err("latin-1");
        assert!(
            matches!(&err, SourceError::NotUtf8 { path, source } if path.ends_with("1_a.cql") && source.valid_up_to() == 11),
            "{err:?}"
        );

        let dir = TestDir::new("bom").bytes("1_a.cql", b"\xef\xbb\xbfSELECT 1");
        let set = MigrationSet::from_dir(dir.path()).expect("reads");
        assert_eq!(set.as_slice()[0].up.statements[0].cql, "SELECT 1");
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_is_an_io_error_with_its_path() {
        let dir = TestDir::new("unreadable");
        let link = dir.path().join("1_a.cql");
        std::os::unix::fs::symlink(dir.path().join("gone.cql"), &link).expect("symlink");
        let err = MigrationSet::from_dir(dir.path()).expect_err("dangling");
        assert!(
            matches!(&err, SourceError::Io { path, .. } if *path == link),
            "{err:?}"
        );
        assert!(err.to_string().contains("1_a.cql"), "{err}");
    }
}
