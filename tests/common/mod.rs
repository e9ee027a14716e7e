//! What the workspace tests that run the example binaries share.

use std::path::{Path, PathBuf};

/// The example binary `name`, built by `cargo test` into `target/<profile>/examples/`.
pub fn binary(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("the test's own path");
    let profile = deps
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let path = profile.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} is missing: `cargo test` builds the examples before the tests",
        path.display()
    );
    path
}

/// A fresh scratch directory for this test process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dotae-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
