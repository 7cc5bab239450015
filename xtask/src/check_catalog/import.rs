//! Catalog JSON → spec YAML, each spec read back to prove it.

use super::{Failure, Phase};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use topgen_spec::Error;

/// Imports every file into `specs/<name>.yaml`; returns how many were imported.
pub(super) fn import_all(files: &[PathBuf], specs: &Path) -> Result<(usize, Vec<Failure>), Error> {
    if specs.exists() {
        std::fs::remove_dir_all(specs).map_err(|e| Error::io(specs, e))?;
    }
    std::fs::create_dir_all(specs).map_err(|e| Error::io(specs, e))?;
    let mut failures = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for path in files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match import_one(path, &file, specs, &names) {
            Ok(name) => {
                names.insert(name, file);
            }
            Err(reason) => failures.push(Failure {
                what: file,
                phase: Phase::Import,
                reason,
            }),
        }
    }
    Ok((names.len(), failures))
}

fn import_one(
    path: &Path,
    file: &str,
    specs: &Path,
    names: &BTreeMap<String, String>,
) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not UTF-8 text"))?;
    let imported =
        topgen_import::catalog::import(Path::new(file), &text).map_err(|e| e.to_string())?;
    let spec = &imported.spec;
    if let Some(first) = names.get(&spec.name) {
        return Err(format!(
            "{file}: API {:?} was already imported from {first}; expected one file per API",
            spec.name
        ));
    }
    let yaml_name = format!("{}.yaml", spec.name);
    let yaml = topgen_import::to_yaml_with_header(spec, file, &imported.warnings);
    let back =
        topgen_spec::load::parse_spec(Path::new(&yaml_name), &yaml).map_err(|e| e.to_string())?;
    if back != *spec {
        return Err(format!(
            "{file}: internal error: the written YAML does not read back as the same spec"
        ));
    }
    let out = specs.join(&yaml_name);
    std::fs::write(&out, yaml).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(spec.name.clone())
}
