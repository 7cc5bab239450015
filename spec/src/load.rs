//! Reading spec files: YAML syntax and shape errors with line:column and field path.

use crate::error::Error;
use crate::spec::Spec;
use std::path::{Path, PathBuf};

/// Reads and parses one spec file (shape only; see [`crate::model`] for consistency checks).
pub fn load_spec(path: &Path) -> Result<Spec, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_spec(path, &text)
}

/// Parses spec text; `path` is only used in errors.
pub fn parse_spec(path: &Path, text: &str) -> Result<Spec, Error> {
    let de = yaml_serde::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let message = strip_path(&field, &strip_location(&inner.to_string()));
        Error::Syntax {
            path: path.to_owned(),
            location,
            field,
            message,
        }
    })
}

/// yaml_serde appends " at line L column C" to its messages; we print the location up front.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// yaml_serde starts some messages with its own (shorter) path; we print the full one.
fn strip_path(field: &str, message: &str) -> String {
    match message.split_once(": ") {
        Some((head, rest)) if !head.is_empty() && field.starts_with(head) => rest.to_owned(),
        _ => message.to_owned(),
    }
}

/// The `*.yaml` / `*.yml` files of a folder, sorted by name so that output is deterministic.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let is_spec = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_spec && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
