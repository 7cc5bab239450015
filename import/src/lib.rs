//! topgen's importers: TOP documentation → spec YAML, with a warning for everything guessed.
//!
//! [`import_file`] takes any supported input and picks the importer from its content:
//! [`catalog`] reads TOP metadata JSON; [`page`] reads doc pages saved as text
//! ([`page::text::read`]) and interprets them ([`page::interpret()`]). [`to_yaml`] writes a
//! [`Spec`] as readable, stable YAML in the shape and key order of the hand-written specs,
//! which [`topgen_spec::load::parse_spec`] reads back to the same `Spec`;
//! [`check_examples`] reports reply examples that contradict their own spec.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod example_check;
pub mod page;
mod yaml;

pub use example_check::{MAX_WARNINGS_PER_EXAMPLE, check_examples};
pub use yaml::{body_hash_check, to_yaml, to_yaml_with_header};

use std::path::{Path, PathBuf};
use topgen_spec::Error;
use topgen_spec::spec::Spec;

/// Imports one file, whatever it holds: a TOP metadata JSON entry (content starting with
/// `{`) goes to [`catalog::import`], a doc page saved as HTML (content starting with a
/// tag such as `<!DOCTYPE html>`, or a `.html` / `.htm` name) to [`page::html::read`], a doc
/// page as text to [`page::text::read`]; both pages then to [`page::interpret()`]. The
/// extension is otherwise only a hint, for the error when the content is neither (`.json`
/// files are reported as broken JSON). `path` is used in errors.
///
/// Fails when the input is unusable: empty, binary (not UTF-8, or with control
/// characters), or neither a catalog entry nor a doc page.
pub fn import_file(path: &Path, bytes: &[u8]) -> Result<Imported, Error> {
    let imported = import_any(path, bytes)?;
    // Whatever the importer: a name TOP could have, of a length YAML reads back.
    catalog::check_api_name(&imported.spec.name).map_err(|message| Error::Invalid {
        path: path.to_owned(),
        field: "name".into(),
        message,
    })?;
    Ok(imported)
}

fn import_any(path: &Path, bytes: &[u8]) -> Result<Imported, Error> {
    let invalid = |message: String| Error::Invalid {
        path: path.to_owned(),
        field: String::new(),
        message,
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // A page stored up to a byte length may end inside a character: drop that part.
        Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(e) => {
            return Err(invalid(format!(
                "binary data, not text (invalid UTF-8 at byte {}); expected a TOP metadata \
                 JSON file or a TOP doc page as text",
                e.valid_up_to()
            )));
        }
    };
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(invalid(
            "the file is empty; expected a TOP metadata JSON file or a TOP doc page as text".into(),
        ));
    }
    let is_json_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if trimmed.starts_with('{') {
        return catalog::import(path, text);
    }
    let lower: String = trimmed.chars().take(64).collect::<String>().to_lowercase();
    let is_html_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let looks_html = ["<!doctype html", "<html", "<head", "<body", "<meta", "<!--"]
        .iter()
        .any(|tag| lower.starts_with(tag));
    if looks_html || is_html_name {
        let doc = page::html::read(path, text)?;
        return page::interpret(path, &doc);
    }
    match page::text::read(path, text) {
        Ok(doc) => page::interpret(path, &doc),
        // A `.json` name with other content: say what a catalog file must look like.
        Err(_) if is_json_name => catalog::import(path, text),
        Err(e) => Err(e),
    }
}

/// The files that `inputs` name: a file itself, or a folder's `*.json`, `*.txt` and `*.html`
/// (`*.htm`) files sorted by name (a folder's README and other files are not inputs). A folder
/// that cannot be read or holds no such file is an error naming it.
pub fn input_files(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            out.push(Ok(input.clone()));
            continue;
        }
        match std::fs::read_dir(input) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension().is_some_and(|e| {
                                ["json", "txt", "html", "htm"]
                                    .iter()
                                    .any(|x| e.eq_ignore_ascii_case(x))
                            })
                    })
                    .collect();
                files.sort();
                if files.is_empty() {
                    out.push(Err((
                        input.clone(),
                        "no *.json, *.txt or *.html files in this folder".into(),
                    )));
                }
                out.extend(files.into_iter().map(Ok));
            }
            Err(e) => out.push(Err((input.clone(), e.to_string()))),
        }
    }
    out
}

/// What [`import_into`] did with one input.
#[derive(Debug)]
pub struct Outcome {
    /// The input file (or folder, for an error about the folder).
    pub input: PathBuf,
    /// The spec file and the importer's warnings, or why the input failed (without the
    /// input's name, which [`Outcome::input`] gives).
    pub result: Result<Written, String>,
}

/// A spec that [`import_into`] wrote or found already up to date.
#[derive(Debug)]
pub struct Written {
    /// `<out>/<api.name>.yaml`.
    pub spec_file: PathBuf,
    /// Whether the file was written (it was new or its bytes changed).
    pub written: bool,
    /// The importer's repairs and guesses.
    pub warnings: Vec<Warning>,
}

/// One input imported into its YAML text, not yet written.
struct Pending {
    file: PathBuf,
    yaml: String,
    warnings: Vec<Warning>,
    /// The file already holds exactly `yaml`.
    current: bool,
}

/// Imports every input (as [`input_files`] lists them) into `out/<api.name>.yaml`, in
/// parallel, and writes each spec only when its bytes changed, so an import of unchanged
/// inputs writes nothing. The outcomes come back in the order of `inputs`. What is written
/// reads back as the same spec and passes the model's checks; two inputs of one API are an
/// error for the later one. Nothing is written for an input that failed.
///
/// A spec in `out` that differs from what the importer last wrote there (corrected by hand:
/// its body no longer matches the hash in its header, or it has no such header) is not
/// overwritten: that input is an error naming the file and `--force`. Use
/// [`import_into_with`] and [`ImportOptions::force`] to overwrite it.
pub fn import_into(inputs: &[Result<PathBuf, (PathBuf, String)>], out: &Path) -> Vec<Outcome> {
    import_into_with(inputs, out, &ImportOptions::default())
}

/// How [`import_into_with`] writes specs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Overwrite a spec even when it was edited since the importer wrote it (or was never
    /// written by the importer).
    pub force: bool,
}

/// [`import_into`] with options.
pub fn import_into_with(
    inputs: &[Result<PathBuf, (PathBuf, String)>],
    out: &Path,
    options: &ImportOptions,
) -> Vec<Outcome> {
    use rayon::prelude::*;
    let pending: Vec<(PathBuf, Result<Pending, String>)> = inputs
        .par_iter()
        .map(|input| match input {
            Ok(path) => (path.clone(), import_one(path, out, options)),
            Err((path, why)) => (path.clone(), Err(why.clone())),
        })
        .collect();
    // Two inputs of one API: the first one wins, in input order, whatever the scheduling.
    let mut first: std::collections::HashMap<PathBuf, PathBuf> = Default::default();
    let pending: Vec<(PathBuf, Result<Pending, String>)> = pending
        .into_iter()
        .map(|(input, result)| {
            let result = result.and_then(|p| match first.get(&p.file) {
                Some(earlier) => Err(format!(
                    "{} was already imported from {}; expected one input per API",
                    p.file.display(),
                    earlier.display()
                )),
                None => {
                    first.insert(p.file.clone(), input.clone());
                    Ok(p)
                }
            });
            (input, result)
        })
        .collect();
    if pending
        .iter()
        .any(|(_, p)| p.as_ref().is_ok_and(|p| !p.current))
        && let Err(e) = std::fs::create_dir_all(out)
    {
        let why = format!("{}: {e}", out.display());
        return pending
            .into_iter()
            .map(|(input, _)| Outcome {
                input,
                result: Err(why.clone()),
            })
            .collect();
    }
    pending
        .into_par_iter()
        .map(|(input, result)| {
            let result = result.and_then(|p| {
                if !p.current {
                    std::fs::write(&p.file, &p.yaml)
                        .map_err(|e| format!("{}: {e}", p.file.display()))?;
                }
                Ok(Written {
                    spec_file: p.file,
                    written: !p.current,
                    warnings: p.warnings,
                })
            });
            Outcome { input, result }
        })
        .collect()
}

/// Imports one file into its spec's YAML; the error without the file's name.
fn import_one(path: &Path, out: &Path, options: &ImportOptions) -> Result<Pending, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // The error names the file; the caller's report does already.
    let without_path = |e: Error| {
        let text = e.to_string();
        let prefix = format!("{}: ", path.display());
        text.strip_prefix(&prefix)
            .map(str::to_owned)
            .unwrap_or(text)
    };
    let imported = import_file(path, &bytes).map_err(without_path)?;
    let spec = &imported.spec;
    let file = out.join(format!("{}.yaml", spec.name));
    let yaml = to_yaml_with_header(
        spec,
        &path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        &imported.warnings,
    );
    // Errors name the input (the spec file is not written when they occur).
    topgen_spec::model::resolve(path, spec)
        .map_err(|e| format!("the imported spec is invalid: {}", without_path(e)))?;
    let on_disk = std::fs::read(&file).ok();
    let current = on_disk.as_deref() == Some(yaml.as_bytes());
    // What is written must read back as the same spec. A file that already holds these bytes
    // was checked when it was written.
    if !current {
        let back = topgen_spec::load::parse_spec(path, &yaml).map_err(|e| {
            format!(
                "internal error: the YAML made from this input (not written) does not read back: {}",
                without_path(e)
            )
        })?;
        if back != *spec {
            return Err(
                "internal error: the YAML made from this input (not written) does not read back as the same spec".into(),
            );
        }
    }
    if let Some(old) = on_disk.filter(|_| !current && !options.force) {
        let old = String::from_utf8_lossy(&old);
        let why = match body_hash_check(&old) {
            Some(true) => None,
            Some(false) => Some(
                "was edited since `codegen import` wrote it (its body no longer matches the hash in its header)",
            ),
            None => Some("was not written by `codegen import` (its header has no body hash)"),
        };
        if let Some(why) = why {
            return Err(format!(
                "{} {why}; not overwritten, so a hand correction is not lost: compare it with \
                 the import, or pass --force to replace it",
                file.display()
            ));
        }
    }
    Ok(Pending {
        file,
        yaml,
        warnings: imported.warnings,
        current,
    })
}

/// A spec imported from a source, with what the importer had to repair or guess.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The spec.
    pub spec: Spec,
    /// One per repair or guess.
    pub warnings: Vec<Warning>,
}

/// A repair or guess the importer made, and where in the spec it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The part of the spec the warning is about; the YAML writer puts the warning there as a
    /// comment.
    pub place: Place,
    /// What was repaired or guessed, naming the place in the source (`responseParams[0]`,
    /// `line 42`).
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A part of a [`Spec`] a [`Warning`] is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The spec as a whole (its name, title, description, or a section that is missing).
    Spec,
    /// The request param with this wire name.
    Request(String),
    /// The top-level response field with this wire name.
    Response(String),
    /// The named type as a whole.
    Type(String),
    /// A field (by wire name) of a named type.
    TypeField(String, String),
    /// An example, by its key in `examples:` (`response_xml`, `response_json`, …).
    Example(String),
}
