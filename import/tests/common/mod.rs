//! What the test files share: the repository's root and its fixtures (`tests/fixtures/`).

#![allow(dead_code)] // Each test file uses a different part.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The fixture folder `tests/fixtures/<dir>`.
pub fn fixtures(dir: &str) -> PathBuf {
    root().join("tests/fixtures").join(dir)
}

/// The files of the fixture folder `dir` whose names end in `.<ext>`, sorted by name.
pub fn fixture_files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The HTML fixture page of `api` (`tests/fixtures/pages-html/<api>.html`): its path and text.
pub fn html_fixture(api: &str) -> (PathBuf, String) {
    let path = fixtures("pages-html").join(format!("{api}.html"));
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}
