//! Temporary directories for the tests, unique per test and removed afterwards.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub(crate) struct TestDir {
    path: PathBuf,
}

impl TestDir {
    pub(crate) fn new(tag: &str) -> TestDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "cassia-migrate-source-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // A leftover from an earlier run with the same process id.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create test dir");
        TestDir { path }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn file(self, name: &str, text: &str) -> TestDir {
        self.bytes(name, text.as_bytes())
    }

    pub(crate) fn bytes(self, name: &str, bytes: &[u8]) -> TestDir {
        std::fs::write(self.path.join(name), bytes).expect("write test file");
        self
    }

    pub(crate) fn subdir(self, name: &str) -> TestDir {
        std::fs::create_dir_all(self.path.join(name)).expect("create test subdir");
        self
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
