//! Migration file names: `<version>_<name>.up.cql`, `<version>_<name>.down.cql` and
//! `<version>_<name>.cql`. The version orders migrations; the name is for humans and must
//! match between an up file and its down file.

use crate::error::FileNameError;

/// The most digits a version may have: 18 digits always fit a CQL `bigint` (`i64`), where
/// the applied versions are recorded.
pub(crate) const MAX_VERSION_DIGITS: usize = 18;

/// Which script of a migration a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationKind {
    /// `<version>_<name>.up.cql`: applies a reversible migration.
    Up,
    /// `<version>_<name>.down.cql`: reverts the migration of the same version and name.
    Down,
    /// `<version>_<name>.cql`: applies a migration that cannot be reverted.
    Forward,
}

impl MigrationKind {
    /// The file name suffix: `.up.cql`, `.down.cql` or `.cql`.
    pub fn suffix(self) -> &'static str {
        match self {
            MigrationKind::Up => ".up.cql",
            MigrationKind::Down => ".down.cql",
            MigrationKind::Forward => ".cql",
        }
    }
}

/// A migration file name taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParsedName {
    /// The leading digits.
    pub version: u64,
    /// Between the `_` after the version and the extension.
    pub name: String,
    /// From the extension.
    pub kind: MigrationKind,
}

impl ParsedName {
    /// The file name this describes, `<version>_<name><suffix>`. The version is written
    /// without leading zeros, so this may differ from a parsed `0001_x.cql`.
    pub fn file_name(&self) -> String {
        file_name(self.version, &self.name, self.kind)
    }
}

pub(crate) fn file_name(version: u64, name: &str, kind: MigrationKind) -> String {
    format!("{version}_{name}{}", kind.suffix())
}

/// Takes a migration file name apart.
///
/// `Ok(None)` for files that are not migrations and are skipped: hidden files (a leading
/// `.`, as editors and version control leave) and files whose extension is not `.cql`.
/// A `.cql` file that is not named `<version>_<name>[.up|.down].cql` is an error rather than
/// skipped, so a misnamed migration is never silently left out.
///
/// ```
/// use cassia_migrate_source::{parse_file_name, MigrationKind};
///
/// let p = parse_file_name("20240101120000_add_users.up.cql").unwrap().unwrap();
/// assert_eq!((p.version, p.name.as_str(), p.kind), (20240101120000, "add_users", MigrationKind::Up));
/// assert_eq!(parse_file_name("README.md").unwrap(), None);
/// assert!(parse_file_name("add_users.cql").is_err());
/// ```
pub fn parse_file_name(file_name: &str) -> Result<Option<ParsedName>, FileNameError> {
    if file_name.starts_with('.') {
        return Ok(None);
    }
    let Some(dot) = file_name.rfind('.') else {
        return Ok(None);
    };
    let extension = &file_name[dot + 1..];
    if extension != "cql" {
        if extension.eq_ignore_ascii_case("cql") {
            return Err(FileNameError::ExtensionCase);
        }
        return Ok(None);
    }
    let stem = &file_name[..dot];
    let (stem, kind) = if let Some(s) = stem.strip_suffix(".up") {
        (s, MigrationKind::Up)
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, MigrationKind::Down)
    } else {
        (stem, MigrationKind::Forward)
    };
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let Some(name) = stem[digits..].strip_prefix('_').filter(|_| digits > 0) else {
        return Err(FileNameError::MissingVersion);
    };
    if digits > MAX_VERSION_DIGITS {
        return Err(FileNameError::VersionTooLong { digits });
    }
    validate_name(name)?;
    // At most 18 ASCII digits: always parses.
    let version = stem[..digits]
        .parse()
        .map_err(|_| FileNameError::MissingVersion)?;
    Ok(Some(ParsedName {
        version,
        name: name.to_owned(),
        kind,
    }))
}

/// Checks a name given in code (not parsed from a file name).
pub(crate) fn validate(version: u64, name: &str) -> Result<(), FileNameError> {
    let digits = version.to_string().len();
    if digits > MAX_VERSION_DIGITS {
        return Err(FileNameError::VersionTooLong { digits });
    }
    validate_name(name)
}

fn validate_name(name: &str) -> Result<(), FileNameError> {
    if name.is_empty() {
        return Err(FileNameError::EmptyName);
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        Some(ch) => Err(FileNameError::BadCharacter { ch }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(file: &str) -> ParsedName {
        match parse_file_name(file) {
            Ok(Some(p)) => p,
            other => panic!("{file}: {other:?}"),
        }
    }

    #[test]
    fn accepts_the_three_forms() {
        assert_eq!(
            parsed("20240101120000_init.up.cql"),
            ParsedName {
                version: 20240101120000,
                name: "init".into(),
                kind: MigrationKind::Up
            }
        );
        assert_eq!(
            parsed("20240101120000_init.down.cql").kind,
            MigrationKind::Down
        );
        let p = parsed("7_add-users_v2.cql");
        assert_eq!(
            (p.version, p.name.as_str(), p.kind),
            (7, "add-users_v2", MigrationKind::Forward)
        );
    }

    #[test]
    fn any_digit_run_is_a_version() {
        assert_eq!(parsed("0001_a.cql").version, 1);
        assert_eq!(
            parsed("999999999999999999_a.cql").version,
            999_999_999_999_999_999
        );
        // A name may itself start with digits or underscores: only the first `_` separates.
        let p = parsed("1_2_b.cql");
        assert_eq!((p.version, p.name.as_str()), (1, "2_b"));
    }

    #[test]
    fn skips_files_that_are_not_migrations() {
        for file in [
            "README.md",
            "1_init.sql",
            "1_init.cql~",
            ".1_init.cql",
            ".hidden",
            "noext",
            "",
        ] {
            assert_eq!(parse_file_name(file), Ok(None), "{file}");
        }
    }

    #[test]
    fn refuses_misnamed_cql_files() {
        use FileNameError::*;
        let cases = [
            ("init.cql", MissingVersion),
            ("_init.cql", MissingVersion),
            ("1init.cql", MissingVersion),
            ("1.cql", MissingVersion),
            ("v1_init.cql", MissingVersion),
            ("1_.cql", EmptyName),
            ("1_.up.cql", EmptyName),
            ("1_a b.cql", BadCharacter { ch: ' ' }),
            ("1_a.b.cql", BadCharacter { ch: '.' }),
            ("1_init.UP.cql", BadCharacter { ch: '.' }),
            ("1_café.cql", BadCharacter { ch: 'é' }),
            ("1234567890123456789_a.cql", VersionTooLong { digits: 19 }),
            ("1_init.CQL", ExtensionCase),
        ];
        for (file, want) in cases {
            assert_eq!(parse_file_name(file), Err(want), "{file}");
        }
    }

    #[test]
    fn file_name_round_trips() {
        for file in ["1_a.up.cql", "1_a.down.cql", "20240101120000_b-c.cql"] {
            assert_eq!(parsed(file).file_name(), file);
        }
    }

    #[test]
    fn validates_names_given_in_code() {
        assert_eq!(validate(1, "ok_name-2"), Ok(()));
        assert_eq!(validate(1, ""), Err(FileNameError::EmptyName));
        assert_eq!(
            validate(1, "a/b"),
            Err(FileNameError::BadCharacter { ch: '/' })
        );
        assert_eq!(
            validate(u64::MAX, "a"),
            Err(FileNameError::VersionTooLong { digits: 20 })
        );
    }
}
