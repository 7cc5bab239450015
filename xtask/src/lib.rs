//! Tools that drive cargo over topgen's own output: proving the importers and the generator on
//! a whole TOP catalog ([`check_catalog`], binary `check-catalog`) and measuring them
//! ([`bench`](mod@bench), binaries `bench-gen` and `bench-compile`). Nothing here is needed to
//! generate or to use a client.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod check_catalog;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace this generator belongs to (its `Cargo.lock` and `runtime/`).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// `$CARGO_TARGET_DIR`, when it is set and not empty.
pub fn env_target_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The default scratch folder `name` in `$CARGO_TARGET_DIR`, else in the workspace's
/// `target/`.
pub fn default_scratch(name: &str) -> PathBuf {
    env_target_dir()
        .unwrap_or_else(|| workspace_root().join("target"))
        .join(name)
}

/// The workspace's `Cargo.lock`, when there is one.
pub fn workspace_lockfile() -> Option<PathBuf> {
    let lockfile = workspace_root().join("Cargo.lock");
    lockfile.is_file().then_some(lockfile)
}

/// The cargo program: `$CARGO` (set when cargo runs this program), else `cargo`.
pub fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "cargo".into())
}

/// How a binary ends on an error: what it printed to `out` flushed, the error on standard
/// error, exit status 2.
pub fn fail(out: &mut dyn Write, error: &dyn std::fmt::Display) -> ExitCode {
    let _ = out.flush();
    eprintln!("error: {error}");
    ExitCode::from(2)
}
