//! The scratch folder and the workspace of generated crates in it: specs rendered into chunks
//! of `chunk` APIs, each a crate.

use super::{Failure, Options, Phase};
use codegen::{Options as CrateOptions, crate_files, load_apis_lenient};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use topgen_spec::Error;
use topgen_spec::model::Api;

/// Marks a folder as this command's scratch folder, which it may clear.
const MARKER: &str = ".check-catalog";

/// A generated crate of the scratch workspace.
#[derive(Debug, Clone)]
pub(super) struct Chunk {
    /// `catalog-chunk-003`.
    pub(super) package: String,
    /// `catalog_chunk_003`: the target name cargo reports.
    pub(super) target: String,
    pub(super) dir: PathBuf,
    /// The APIs still in it.
    pub(super) apis: Vec<Api>,
}

impl Chunk {
    /// Module, request and response names → module.
    pub(super) fn names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for a in &self.apis {
            for n in [&a.module, &a.request_name, &a.response_name] {
                names.insert(n.clone(), a.module.clone());
            }
        }
        names
    }
}

/// Creates the scratch folder, or checks that an existing one is this command's. `target/`
/// is where the command builds by default (and where its test shares the build): a folder
/// holding only that is not someone else's.
pub(super) fn prepare_scratch(scratch: &Path) -> Result<PathBuf, Error> {
    codegen::output::claim_scratch(
        scratch,
        MARKER,
        "`check-catalog` may clear specs/ and crates/ in it",
        "--scratch",
        |name| name == "target",
    )
}

/// The API a spec file is about: its file stem.
fn api_of_spec(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads, resolves and renders every spec into crates of `chunk` APIs and writes the scratch
/// workspace around them.
pub(super) fn generate_all(
    options: &Options,
    scratch: &Path,
    specs: &Path,
    crates: &Path,
) -> Result<(Vec<Chunk>, Vec<Failure>), Error> {
    let (apis, errors) = load_apis_lenient(specs)?;
    let mut failures: Vec<Failure> = errors
        .into_iter()
        .map(|e| Failure {
            what: e.path().map(api_of_spec).unwrap_or_default(),
            phase: Phase::Generate,
            reason: e.to_string().replace(&format!("{}/", specs.display()), ""),
        })
        .collect();
    let mut chunks = Vec::new();
    for (i, group) in apis.chunks(options.chunk).enumerate() {
        let package = format!("catalog-chunk-{i:03}");
        let mut chunk = Chunk {
            target: package.replace('-', "_"),
            dir: crates.join(format!("chunk-{i:03}")),
            package,
            apis: group.to_vec(),
        };
        failures.extend(render_chunk(options, &mut chunk)?);
        chunks.push(chunk);
    }
    chunks.retain(|c| !c.apis.is_empty());
    // Crates of an earlier, larger run.
    if let Ok(entries) = std::fs::read_dir(crates) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !chunks.iter().any(|c| c.dir == path) {
                std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    let members: Vec<String> = chunks
        .iter()
        .map(|c| {
            format!(
                "crates/{}",
                c.dir.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    codegen::output::write_scratch_workspace(
        scratch,
        "`check-catalog`: crates generated from a TOP metadata catalog",
        &members,
        options.lockfile.as_deref(),
    )?;
    Ok((chunks, failures))
}

/// Writes a chunk's crate for its current APIs; APIs whose module cannot be rendered fail and
/// are taken out.
pub(super) fn render_chunk(options: &Options, chunk: &mut Chunk) -> Result<Vec<Failure>, Error> {
    let crate_options = CrateOptions {
        crate_name: chunk.package.clone(),
        runtime_path: Some(options.runtime.clone()),
        testkit_path: None,
        allow_empty: false,
    };
    let (files, failed) = crate_files(&chunk.apis, &chunk.dir, &crate_options)?;
    let failed_set: BTreeSet<usize> = failed.iter().map(|(i, _)| *i).collect();
    let failures = failed
        .into_iter()
        .map(|(i, e)| Failure {
            what: chunk.apis[i].method.clone(),
            phase: Phase::Generate,
            reason: e.to_string(),
        })
        .collect();
    let mut i = 0;
    chunk.apis.retain(|_| {
        i += 1;
        !failed_set.contains(&(i - 1))
    });
    files.write(&chunk.dir)?;
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_folder_rules() {
        let dir = tempfile::tempdir().unwrap();
        // New, or holding only the default build dir (a test may have built there first).
        let fresh = dir.path().join("fresh");
        assert!(prepare_scratch(&fresh).is_ok());
        let built = dir.path().join("built");
        std::fs::create_dir_all(built.join("target/debug")).unwrap();
        assert!(prepare_scratch(&built).is_ok());
        assert!(built.join(MARKER).is_file());
        // Someone else's folder is never cleared.
        let other = dir.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("notes.txt"), "mine").unwrap();
        let err = prepare_scratch(&other).unwrap_err().to_string();
        assert!(err.contains("is not empty"), "{err}");
        assert!(other.join("notes.txt").is_file());
    }
}
