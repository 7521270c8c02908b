//! The errors of reading migrations. Every message names the file (or directory) at fault,
//! because the same text is shown by the CLI, by the library and as the `migrate!` macro's
//! compile error, where it is all the user gets.

use std::path::PathBuf;

/// Why migrations could not be read, named, split or put together.
///
/// From [`MigrationSet::from_dir`](crate::MigrationSet::from_dir), `file`, `first` and
/// `second` are paths as found in the directory; from the in-memory constructors they are
/// the script file names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The migrations directory does not exist.
    #[error("migrations directory `{}` does not exist", path.display())]
    MissingDirectory {
        /// The directory asked for.
        path: PathBuf,
    },
    /// The migrations path exists but is not a directory.
    #[error("`{}` is not a directory (expected a directory of `.cql` migration files)", path.display())]
    NotADirectory {
        /// The path asked for.
        path: PathBuf,
    },
    /// A directory or file could not be read or written.
    #[error("cannot access `{}`: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// A migration file is not UTF-8 text.
    #[error("`{}` is not UTF-8 text: {source}", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Where the first invalid byte is.
        #[source]
        source: std::str::Utf8Error,
    },
    /// A `.cql` file in the migrations directory is not named like a migration.
    #[error(
        "bad migration file name `{}`: {reason}; expected `<version>_<name>.up.cql` (with an \
         optional `<version>_<name>.down.cql`) or `<version>_<name>.cql`, the version being 1 to \
         18 digits and the name letters, digits, `_` and `-`",
        path.display()
    )]
    BadFileName {
        /// The file.
        path: PathBuf,
        /// What is wrong with the name.
        #[source]
        reason: FileNameError,
    },
    /// A version and name given in code (not read from a file name) cannot name a migration.
    #[error("cannot name a migration `{version}_{name}`: {reason}")]
    BadMigrationName {
        /// The version given.
        version: u64,
        /// The name given.
        name: String,
        /// What is wrong.
        #[source]
        reason: FileNameError,
    },
    /// Two migrations have the same version.
    #[error("migration version {version} is used by both `{first}` and `{second}`")]
    DuplicateVersion {
        /// The version.
        version: u64,
        /// One file with it.
        first: String,
        /// Another file with it.
        second: String,
    },
    /// A script holds no statement (nothing but whitespace and comments).
    #[error("`{file}` contains no CQL statement")]
    EmptyMigration {
        /// The script.
        file: String,
    },
    /// A `.down.cql` file has no `.up.cql` file of the same version (a plain `.cql` file has
    /// no down script).
    #[error(
        "`{file}` has no up migration: a `.down.cql` file needs a `.up.cql` file with the same \
         version and name"
    )]
    DownWithoutUp {
        /// The down script.
        file: String,
    },
    /// The up and down scripts of one version have different names.
    #[error(
        "`{down}` does not match `{up}`: a down migration must have the same version and name as \
         its up migration"
    )]
    DownNameMismatch {
        /// The up script.
        up: String,
        /// The down script.
        down: String,
    },
    /// A script could not be split into statements.
    #[error("`{file}`: {source}")]
    Split {
        /// The script.
        file: String,
        /// The 1-based line where the unterminated construct starts.
        line: u32,
        /// What is unterminated.
        #[source]
        source: SplitError,
    },
    /// `create_migration_files` was asked for a version that a file already has.
    #[error("migration version {version} already exists: `{}`", path.display())]
    VersionExists {
        /// The version.
        version: u64,
        /// The existing file.
        path: PathBuf,
    },
}

/// Why a script could not be split into statements: something opened and never closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A `'` string with no closing `'`.
    #[error(
        "unterminated string literal starting on line {line} (a quote inside a string is \
         written `''`)"
    )]
    UnterminatedString {
        /// 1-based line of the opening quote.
        line: u32,
    },
    /// A `"` quoted identifier with no closing `"`.
    #[error("unterminated quoted identifier starting on line {line}")]
    UnterminatedIdentifier {
        /// 1-based line of the opening quote.
        line: u32,
    },
    /// A `/*` comment with no `*/`.
    #[error("unterminated block comment starting on line {line} (`/*` without `*/`)")]
    UnterminatedComment {
        /// 1-based line of the `/*`.
        line: u32,
    },
    /// A `$$` body (function source, string) with no closing `$$`.
    #[error("unterminated `$$` body starting on line {line}")]
    UnterminatedDollarBody {
        /// 1-based line of the opening `$$`.
        line: u32,
    },
}

impl SplitError {
    /// The 1-based line where the unterminated construct starts.
    pub fn line(&self) -> u32 {
        match *self {
            SplitError::UnterminatedString { line }
            | SplitError::UnterminatedIdentifier { line }
            | SplitError::UnterminatedComment { line }
            | SplitError::UnterminatedDollarBody { line } => line,
        }
    }
}

/// What is wrong with a migration file name (or with a version and name given in code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileNameError {
    /// The name does not start with digits followed by `_`.
    #[error("it does not start with a version (digits) followed by `_`")]
    MissingVersion,
    /// The version has more than 18 digits (it must fit a CQL `bigint`).
    #[error("the version has {digits} digits; at most 18 are allowed")]
    VersionTooLong {
        /// How many digits it has.
        digits: usize,
    },
    /// Nothing between the version's `_` and the extension.
    #[error("the name after the version is empty")]
    EmptyName,
    /// The name holds a character other than an ASCII letter, digit, `_` or `-`.
    #[error("the name contains {ch:?}; only letters, digits, `_` and `-` are allowed")]
    BadCharacter {
        /// The first offending character.
        ch: char,
    },
    /// The extension is `.cql` in another case (`.CQL`); it would be silently skipped otherwise.
    #[error("the extension must be lowercase `.cql`")]
    ExtensionCase,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_error_knows_its_line() {
        let e = SplitError::UnterminatedDollarBody { line: 7 };
        assert_eq!(e.line(), 7);
        assert_eq!(e.to_string(), "unterminated `$$` body starting on line 7");
    }

    #[test]
    fn messages_name_the_file() {
        let e = SourceError::Split {
            file: "1_a.up.cql".into(),
            line: 3,
            source: SplitError::UnterminatedString { line: 3 },
        };
        assert!(
            e.to_string()
                .starts_with("`1_a.up.cql`: unterminated string literal starting on line 3")
        );
        let e = SourceError::BadFileName {
            path: PathBuf::from("m/1_a b.cql"),
            reason: FileNameError::BadCharacter { ch: ' ' },
        };
        let msg = e.to_string();
        assert!(msg.contains("`m/1_a b.cql`"), "{msg}");
        assert!(msg.contains("' '"), "{msg}");
        assert!(msg.contains("<version>_<name>.up.cql"), "{msg}");
    }
}
