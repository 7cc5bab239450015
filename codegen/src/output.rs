//! Writing a generated crate: only files whose bytes changed, stale files removed, nothing
//! written at all when any spec is wrong.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use topgen_spec::Error;

/// Files of a generated crate, by path relative to the crate's folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    /// Relative path (with `/`) → content.
    pub files: BTreeMap<String, String>,
}

/// What [`Files::write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they were new or different.
    pub written: Vec<String>,
    /// Files removed because no spec produces them any more.
    pub removed: Vec<String>,
    /// Files left alone because their bytes were already right.
    pub unchanged: usize,
}

/// A difference between the generated crate on disk and what the specs produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file should exist and does not.
    Missing(String),
    /// The file's bytes differ.
    Changed(String),
    /// The file exists but no spec produces it.
    Extra(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "{p}: missing"),
            Stale::Changed(p) => write!(f, "{p}: differs from what the specs produce"),
            Stale::Extra(p) => write!(f, "{p}: no spec produces this file"),
        }
    }
}

/// Generated `.rs` files under `src/` that no longer belong there. Only files carrying the
/// `@generated` header are touched, so a stray hand-written file is reported, not deleted.
fn extra_files(out: &Path, files: &Files) -> Result<Vec<String>, Error> {
    let src = out.join("src");
    let mut extra = Vec::new();
    if !src.is_dir() {
        return Ok(extra);
    }
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(out) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel.ends_with(".rs") && !files.files.contains_key(&rel) {
                extra.push(rel);
            }
        }
    }
    extra.sort();
    Ok(extra)
}

impl Files {
    /// Compares with `out` without writing.
    pub fn check(&self, out: &Path) -> Result<Vec<Stale>, Error> {
        let mut stale = Vec::new();
        for (rel, content) in &self.files {
            let path = out.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) if bytes == content.as_bytes() => {}
                Ok(_) => stale.push(Stale::Changed(rel.clone())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    stale.push(Stale::Missing(rel.clone()))
                }
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        stale.extend(extra_files(out, self)?.into_iter().map(Stale::Extra));
        Ok(stale)
    }

    /// Writes the files into `out`: a file is written (to a temporary name, then renamed over
    /// the old one) only when its bytes changed, so unchanged files keep their mtimes and cargo
    /// rebuilds nothing; generated files that no spec produces any more are removed.
    pub fn write(&self, out: &Path) -> Result<WriteReport, Error> {
        let mut report = WriteReport::default();
        for (rel, content) in &self.files {
            let path = out.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) if bytes == content.as_bytes() => {
                    report.unchanged += 1;
                    continue;
                }
                _ => {}
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let tmp = path.with_extension("topgen-tmp");
            std::fs::write(&tmp, content).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            report.written.push(rel.clone());
        }
        for rel in extra_files(out, self)? {
            let path = out.join(&rel);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.starts_with(crate::HEADER_MARK) {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                report.removed.push(rel);
            }
        }
        Ok(report)
    }
}

/// Writes `content` to `path` unless it already holds exactly these bytes. Returns whether it
/// wrote.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|b| b == content.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, content).map_err(|e| Error::io(path, e))?;
    Ok(true)
}

/// The path from folder `from` to `to`, both absolute, with `/` separators (for Cargo.toml).
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A scratch folder a command may clear: created if missing; an existing one must be empty,
/// hold only entries `ignored` accepts, or carry the `marker` file an earlier run wrote (a
/// folder of someone else's is refused, naming `option`). Writes the marker with `note`;
/// returns the folder made absolute.
pub fn claim_scratch(
    dir: &Path,
    marker: &str,
    note: &str,
    option: &str,
    ignored: impl Fn(&std::ffi::OsStr) -> bool,
) -> Result<PathBuf, Error> {
    let dir = absolute(dir)?;
    let occupied = std::fs::read_dir(&dir)
        .is_ok_and(|d| d.filter_map(Result::ok).any(|e| !ignored(&e.file_name())));
    if occupied && !dir.join(marker).is_file() {
        return Err(Error::Invalid {
            path: dir,
            field: option.into(),
            message: format!(
                "the folder is not empty and has no `{marker}` file; expected a new folder or one this command made ({note})"
            ),
        });
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    write_if_changed(&dir.join(marker), &format!("Scratch folder: {note}.\n"))?;
    Ok(dir)
}

/// Writes the `Cargo.toml` of a scratch workspace in `dir` (a comment saying who wrote it
/// and why, the `members` folders, the dev profile of topgen's workspace so that dependencies
/// build the same) and copies `lockfile` beside it, so that nothing is resolved anew. Only
/// changed files are written.
pub fn write_scratch_workspace(
    dir: &Path,
    written_by: &str,
    members: &[String],
    lockfile: Option<&Path>,
) -> Result<(), Error> {
    let members: String = members.iter().map(|m| format!("    {m:?},\n")).collect();
    let manifest = format!(
        "# Written by {written_by}.\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\n{members}]\n\
         \n\
         # As in topgen's workspace, so that dependencies build the same.\n\
         [profile.dev.package.\"*\"]\n\
         debug = false\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    if let Some(lock) = lockfile
        && let Ok(text) = std::fs::read_to_string(lock)
    {
        write_if_changed(&dir.join("Cargo.lock"), &text)?;
    }
    Ok(())
}

/// `path` made absolute and normalised without requiring it to exist (its existing ancestor is
/// canonicalised).
pub fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let path = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io(path, e))?
            .join(path)
    };
    let mut existing = path.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = parent.to_owned();
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .map_err(|e| Error::io(&existing, e))?;
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_folder_is_claimed_only_when_new_empty_marked_or_ignorable() {
        let root = tempfile::tempdir().unwrap();
        let claim =
            |dir: &Path| claim_scratch(dir, ".mine", "it is mine", "--work", |n| n == "target");
        // New: created and marked.
        let new = root.path().join("new");
        let got = claim(&new).unwrap();
        assert!(got.is_absolute() && new.join(".mine").is_file());
        assert_eq!(
            std::fs::read_to_string(new.join(".mine")).unwrap(),
            "Scratch folder: it is mine.\n"
        );
        // Marked by an earlier run, with content: claimed again.
        std::fs::write(new.join("specs"), "x").unwrap();
        assert!(claim(&new).is_ok());
        // Holding only what may be there: claimed.
        let built = root.path().join("built");
        std::fs::create_dir_all(built.join("target")).unwrap();
        assert!(claim(&built).is_ok());
        // Someone else's: refused, naming the option and the marker.
        let theirs = root.path().join("theirs");
        std::fs::create_dir_all(&theirs).unwrap();
        std::fs::write(theirs.join("notes.txt"), "keep me").unwrap();
        let err = claim(&theirs).unwrap_err().to_string();
        assert!(
            err.contains("--work") && err.contains("`.mine`") && err.contains("not empty"),
            "{err}"
        );
        assert!(!theirs.join(".mine").exists());
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/w/generated"), Path::new("/w/runtime")),
            "../runtime"
        );
        assert_eq!(
            relative_path(Path::new("/tmp/x/y"), Path::new("/w/runtime")),
            "../../../w/runtime"
        );
        assert_eq!(
            relative_path(Path::new("/w"), Path::new("/w/runtime")),
            "runtime"
        );
        assert_eq!(relative_path(Path::new("/w"), Path::new("/w")), ".");
    }
}
