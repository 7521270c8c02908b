//! [`MigrationSet`]: every migration of an application, sorted by version, one per version.

use crate::error::SourceError;
use crate::migration::Migration;

/// The migrations of an application, sorted by version, with unique versions.
///
/// Read from a directory at run time ([`MigrationSet::from_dir`]), embedded at compile time
/// (`cassia::migrate!`, converted with `From`), or built in code ([`MigrationSet::new`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MigrationSet {
    migrations: Vec<Migration>,
}

impl MigrationSet {
    /// Sorts `migrations` by version; fails with [`SourceError::DuplicateVersion`] when two
    /// share a version.
    pub fn new(mut migrations: Vec<Migration>) -> Result<MigrationSet, SourceError> {
        migrations.sort_by_key(|m| m.version);
        if let Some(pair) = migrations.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(SourceError::DuplicateVersion {
                version: pair[0].version,
                first: pair[0].up.file.clone(),
                second: pair[1].up.file.clone(),
            });
        }
        Ok(MigrationSet { migrations })
    }

    /// Already sorted and checked (embedded migrations, a directory read).
    pub(crate) fn from_sorted(migrations: Vec<Migration>) -> MigrationSet {
        debug_assert!(migrations.windows(2).all(|w| w[0].version < w[1].version));
        MigrationSet { migrations }
    }

    /// The migrations, by increasing version.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.migrations.iter()
    }

    /// The migrations, by increasing version.
    pub fn as_slice(&self) -> &[Migration] {
        &self.migrations
    }

    /// The migration with this version.
    pub fn get(&self, version: u64) -> Option<&Migration> {
        self.migrations
            .binary_search_by_key(&version, |m| m.version)
            .ok()
            .map(|i| &self.migrations[i])
    }

    /// How many migrations there are.
    pub fn len(&self) -> usize {
        self.migrations.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }

    /// The migrations, by increasing version.
    pub fn into_vec(self) -> Vec<Migration> {
        self.migrations
    }
}

impl<'a> IntoIterator for &'a MigrationSet {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl IntoIterator for MigrationSet {
    type Item = Migration;
    type IntoIter = std::vec::IntoIter<Migration>;

    fn into_iter(self) -> Self::IntoIter {
        self.migrations.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration(version: u64, name: &str) -> Migration {
        Migration::from_texts(version, name, "SELECT 1", None).expect("valid")
    }

    #[test]
    fn sorts_and_finds_by_version() {
        let set = MigrationSet::new(vec![
            migration(30, "c"),
            migration(10, "a"),
            migration(20, "b"),
        ])
        .expect("unique");
        let versions: Vec<u64> = set.iter().map(|m| m.version).collect();
        assert_eq!(versions, [10, 20, 30]);
        assert_eq!(set.len(), 3);
        assert!(!set.is_empty());
        assert_eq!(set.get(20).map(|m| m.name.as_str()), Some("b"));
        assert_eq!(set.get(25), None);
        assert_eq!(set.as_slice()[0].name, "a");
        assert_eq!((&set).into_iter().count(), 3);
        assert!(MigrationSet::default().is_empty());
    }

    #[test]
    fn refuses_duplicate_versions() {
        let err = MigrationSet::new(vec![
            migration(2, "b"),
            migration(1, "a"),
            migration(2, "c"),
        ])
        .expect_err("duplicate");
        assert!(
            matches!(&err, SourceError::DuplicateVersion { version: 2, first, second }
                if first == "2_b.up.cql" && second == "2_c.up.cql"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "migration version 2 is used by both `2_b.up.cql` and `2_c.up.cql`"
        );
    }
}
