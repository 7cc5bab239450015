//! topgen's importers: TOP documentation → spec YAML, with a warning for everything guessed.
//!
//! [`import_file`] takes any supported input and picks the importer from its content:
//! [`catalog`] reads TOP metadata JSON; [`page`] reads doc pages saved as text
//! ([`page::text::read`]) and interprets them ([`page::interpret()`]). [`to_yaml`] writes a
//! [`Spec`] as readable, stable YAML in the shape and key order of the hand-written specs,
//! which [`topgen_spec::load::parse_spec`] reads back to the same `Spec`;
//! [`check_examples`] reports reply examples that contradict their own spec; [`merge()`]
//! makes one spec of a catalog entry and a doc page of the same API. [`import_into_with`]
//! writes a folder of specs from many inputs (or, [`ImportOptions::check`], says what it would
//! change) and [`prune()`] removes the importer's specs that no input produced. [`tmc`] does
//! the same for TMC topic definitions (JSON) and topic specs (`specs/tmc/`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod example_check;
pub mod merge;
pub mod page;
pub mod tmc;
mod yaml;

pub use example_check::{MAX_WARNINGS_PER_EXAMPLE, check_examples};
pub use merge::merge;
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
    import_file_as(path, bytes).map(|(_, imported)| imported)
}

/// Which importer an input went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Catalog,
    Page,
}

/// [`import_file`], saying which importer read the input.
fn import_file_as(path: &Path, bytes: &[u8]) -> Result<(Source, Imported), Error> {
    let (source, imported) = import_any(path, bytes)?;
    // Whatever the importer: a name TOP could have, of a length YAML reads back.
    catalog::check_api_name(&imported.spec.name).map_err(|message| Error::Invalid {
        path: path.to_owned(),
        field: "name".into(),
        message,
    })?;
    Ok((source, imported))
}

fn import_any(path: &Path, bytes: &[u8]) -> Result<(Source, Imported), Error> {
    let page = |imported: Imported| (Source::Page, imported);
    let catalog = |imported: Imported| (Source::Catalog, imported);
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
        return catalog::import(path, text).map(catalog);
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
        return page::interpret(path, &doc).map(page);
    }
    match page::text::read(path, text) {
        Ok(doc) => page::interpret(path, &doc).map(page),
        // A `.json` name with other content: say what a catalog file must look like.
        Err(_) if is_json_name => catalog::import(path, text).map(catalog),
        Err(e) => Err(e),
    }
}

/// The files that `inputs` name: a file itself, or a folder's `*.json`, `*.txt` and `*.html`
/// (`*.htm`) files sorted by name (a folder's README and other files are not inputs). A folder
/// that cannot be read or holds no such file is an error naming it.
pub fn input_files(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    input_files_of(inputs, &["json", "txt", "html", "htm"])
}

/// [`input_files`] with another set of extensions (compared ASCII case-insensitively): a
/// folder's files with one of them, sorted by name.
pub(crate) fn input_files_of(
    inputs: &[PathBuf],
    extensions: &[&str],
) -> Vec<Result<PathBuf, (PathBuf, String)>> {
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
                                extensions.iter().any(|x| e.eq_ignore_ascii_case(x))
                            })
                    })
                    .collect();
                files.sort();
                if files.is_empty() {
                    let kinds: Vec<String> = extensions
                        .iter()
                        .filter(|x| **x != "htm")
                        .map(|x| format!("*.{x}"))
                        .collect();
                    let kinds = match kinds.as_slice() {
                        [one] => one.clone(),
                        [init @ .., last] => format!("{} or {last}", init.join(", ")),
                        [] => String::new(),
                    };
                    out.push(Err((
                        input.clone(),
                        format!("no {kinds} files in this folder"),
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
    /// What was done to the file (with [`ImportOptions::check`]: what would be).
    pub change: Change,
    /// The importer's repairs and guesses (of a merged spec: at the earlier input only).
    pub warnings: Vec<Warning>,
    /// Whether the spec was merged from this input and another of the same API.
    pub merged: Merged,
}

/// What [`import_into_with`] did to a spec file (with [`ImportOptions::check`]: what it would
/// do; nothing is written then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file already held these bytes: not written.
    Unchanged,
    /// The file did not exist: written.
    Created,
    /// The file held other bytes (as the importer wrote them, or any with
    /// [`ImportOptions::force`]): overwritten.
    Replaced,
    /// The file was edited by hand since the importer wrote it, or never written by it, and
    /// [`ImportOptions::keep_edited`] kept it: not written. Says which (`edited by hand`,
    /// `written by hand`).
    Kept(&'static str),
}

impl Change {
    /// Whether the file is (or, with [`ImportOptions::check`], would be) written.
    pub fn writes(&self) -> bool {
        matches!(self, Change::Created | Change::Replaced)
    }
}

/// Whether an input of [`import_into`] was merged with another (a catalog entry with a doc
/// page of the same API, by [`merge()`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// The spec is this input's alone.
    No,
    /// The earlier of the two inputs: merged with this later one; its [`Written::warnings`]
    /// are the merged spec's.
    With(PathBuf),
    /// The later of the two inputs: merged into the spec of this earlier one, whose outcome
    /// has the warnings (this one's are empty).
    Into(PathBuf),
}

/// One spec as YAML text, not yet written, and what writing it does.
pub(crate) struct Pending {
    file: PathBuf,
    yaml: String,
    warnings: Vec<Warning>,
    change: Change,
}

/// Imports every input (as [`input_files`] lists them) into `out/<api.name>.yaml`, in
/// parallel, and writes each spec only when its bytes changed, so an import of unchanged
/// inputs writes nothing. The outcomes come back in the order of `inputs`. What is written
/// reads back as the same spec and passes the model's checks. Nothing is written for an input
/// that failed.
///
/// A catalog entry and a doc page of the same API (the same name, case-sensitive; in either
/// order) are merged into one spec by [`merge()`], whose header names both inputs. Any other
/// two inputs of one API (two catalog entries, two pages, or a third input) are an error for
/// the later one.
///
/// A spec in `out` that differs from what the importer last wrote there (corrected by hand:
/// its body no longer matches the hash in its header, or it has no such header) is not
/// overwritten: that input is an error naming the file and `--force`. Use
/// [`import_into_with`] and [`ImportOptions::force`] to overwrite it,
/// [`ImportOptions::keep_edited`] to keep it without an error.
pub fn import_into(inputs: &[Result<PathBuf, (PathBuf, String)>], out: &Path) -> Vec<Outcome> {
    import_into_with(inputs, out, &ImportOptions::default())
}

/// How [`import_into_with`] writes specs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Overwrite a spec even when it was edited since the importer wrote it (or was never
    /// written by the importer).
    pub force: bool,
    /// Without `force`, keep such a spec as [`Change::Kept`] instead of failing its input (the
    /// rule of `codegen import --prune`: a spec corrected by hand stands for its input).
    pub keep_edited: bool,
    /// Write nothing: each [`Written::change`] says what would be done.
    pub check: bool,
}

/// One input read and imported, or why not.
type Loaded = Result<(Source, Imported), String>;

/// What became of one input in [`import_into_with`].
enum Slot {
    Failed(String),
    /// The first input of the API with this index.
    Lead(usize),
    /// The second input (merged) of the API with this index.
    Joined(usize),
}

/// [`import_into`] with options.
pub fn import_into_with(
    inputs: &[Result<PathBuf, (PathBuf, String)>],
    out: &Path,
    options: &ImportOptions,
) -> Vec<Outcome> {
    use rayon::prelude::*;
    let loaded: Vec<(PathBuf, Loaded)> = inputs
        .par_iter()
        .map(|input| match input {
            Ok(path) => (path.clone(), load(path)),
            Err((path, why)) => (path.clone(), Err(why.clone())),
        })
        .collect();
    // Group the inputs by API, in input order whatever the scheduling: a catalog entry and a
    // page of one API are merged; any other second input of an API fails.
    let mut apis: Vec<Vec<(PathBuf, Source, Imported)>> = Vec::new();
    let mut by_name: std::collections::HashMap<String, usize> = Default::default();
    let mut slots: Vec<(PathBuf, Slot)> = Vec::new();
    for (input, result) in loaded {
        let slot = match result {
            Err(why) => Slot::Failed(why),
            Ok((source, imported)) => match by_name.get(&imported.spec.name) {
                None => {
                    by_name.insert(imported.spec.name.clone(), apis.len());
                    apis.push(vec![(input.clone(), source, imported)]);
                    Slot::Lead(apis.len() - 1)
                }
                Some(&i) if apis[i].len() == 1 && apis[i][0].1 != source => {
                    apis[i].push((input.clone(), source, imported));
                    Slot::Joined(i)
                }
                Some(&i) => {
                    let earlier: Vec<String> =
                        apis[i].iter().map(|m| m.0.display().to_string()).collect();
                    Slot::Failed(format!(
                        "{} was already imported from {}; expected one input per API, or one \
                         catalog entry and one doc page of it (merged)",
                        out.join(format!("{}.yaml", imported.spec.name)).display(),
                        earlier.join(" and ")
                    ))
                }
            },
        };
        slots.push((input, slot));
    }
    let pending: Vec<Result<Pending, String>> = apis
        .into_par_iter()
        .map(|members| {
            let mut members = members.into_iter();
            let (first, first_source, first_imported) = members.next().expect("one input");
            let (imported, label) = match members.next() {
                None => (first_imported, file_name(&first)),
                Some((second, _, second_imported)) => {
                    let ((catalog, c), (page, p)) = if first_source == Source::Catalog {
                        ((first_imported, &first), (second_imported, &second))
                    } else {
                        ((second_imported, &second), (first_imported, &first))
                    };
                    (
                        merge(catalog, page),
                        format!(
                            "{} (catalog entry) merged with {} (doc page)",
                            file_name(c),
                            file_name(p)
                        ),
                    )
                }
            };
            prepare(&first, &label, imported, out, options)
        })
        .collect();
    let mut written = match write_pending(pending, out, options) {
        Ok(written) => written,
        Err(why) => {
            return slots
                .into_iter()
                .map(|(input, _)| Outcome {
                    input,
                    result: Err(why.clone()),
                })
                .collect();
        }
    };
    // The inputs of each merged API.
    let mut pair: Vec<Vec<PathBuf>> = vec![Vec::new(); written.len()];
    for (input, slot) in &slots {
        if let Slot::Lead(i) | Slot::Joined(i) = slot {
            pair[*i].push(input.clone());
        }
    }
    let mut outcomes = Vec::with_capacity(slots.len());
    for (input, slot) in slots {
        let result = match slot {
            Slot::Failed(why) => Err(why),
            Slot::Lead(i) => match &mut written[i] {
                Ok(w) => {
                    if let Some(later) = pair[i].get(1) {
                        w.merged = Merged::With(later.clone());
                    }
                    Ok(Written {
                        spec_file: w.spec_file.clone(),
                        change: w.change.clone(),
                        warnings: std::mem::take(&mut w.warnings),
                        merged: w.merged.clone(),
                    })
                }
                Err(why) => Err(why.clone()),
            },
            Slot::Joined(i) => match &written[i] {
                Ok(w) => Ok(Written {
                    spec_file: w.spec_file.clone(),
                    change: w.change.clone(),
                    warnings: Vec::new(),
                    merged: Merged::Into(pair[i][0].clone()),
                }),
                Err(why) => Err(why.clone()),
            },
        };
        outcomes.push(Outcome { input, result });
    }
    outcomes
}

/// Writes each pending spec that changed (in parallel; none with [`ImportOptions::check`]),
/// creating `out` first when one is written: the one way both importers (API specs, topic
/// specs) write. The results keep the order of `pending`; `Err` (naming `out`) when `out`
/// cannot be created.
pub(crate) fn write_pending(
    pending: Vec<Result<Pending, String>>,
    out: &Path,
    options: &ImportOptions,
) -> Result<Vec<Result<Written, String>>, String> {
    use rayon::prelude::*;
    if !options.check
        && pending
            .iter()
            .any(|p| p.as_ref().is_ok_and(|p| p.change.writes()))
    {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(pending
        .into_par_iter()
        .map(|result| {
            result.and_then(|p| {
                if p.change.writes() && !options.check {
                    std::fs::write(&p.file, &p.yaml)
                        .map_err(|e| format!("{}: {e}", p.file.display()))?;
                }
                Ok(Written {
                    spec_file: p.file,
                    change: p.change,
                    warnings: p.warnings,
                    merged: Merged::No,
                })
            })
        })
        .collect())
}

/// The specs in `out` that none of `outcomes` produced and that `codegen import` wrote and
/// nobody edited since ([`body_hash_check`] is `Some(true)`): `out`'s `*.yaml` files, sorted
/// by name, removed unless [`ImportOptions::check`]. A spec written or edited by hand is never
/// removed, nor any other file. This is `codegen import --prune`, after [`import_into_with`].
///
/// While any outcome failed nothing is removed (which spec a failed input produces is
/// unknown): the one error names `out`. An error listing `out` names it; one reading or
/// removing a spec names that spec, and the others are still removed.
pub fn prune(
    out: &Path,
    outcomes: &[Outcome],
    options: &ImportOptions,
) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    if failed > 0 {
        return vec![Err((
            out.to_owned(),
            format!(
                "no spec is pruned while an input fails ({failed} failed): which spec a failed \
                 input produces is unknown"
            ),
        ))];
    }
    let produced: std::collections::HashSet<&std::ffi::OsStr> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok()?.spec_file.file_name())
        .collect();
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            return vec![Err((
                out.to_owned(),
                format!("cannot be listed to prune it: {e}"),
            ))];
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p.file_name().is_some_and(|n| produced.contains(n))
                && p.is_file()
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let text = match std::fs::read(&file) {
                Ok(text) => text,
                Err(e) => return Some(Err((file, format!("cannot be read to prune it: {e}")))),
            };
            if edited(&String::from_utf8_lossy(&text)).is_some() {
                return None;
            }
            if !options.check
                && let Err(e) = std::fs::remove_file(&file)
            {
                return Some(Err((file, format!("cannot be removed: {e}"))));
            }
            Some(Ok(file))
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An error's text without the file's name at its start (the caller's report gives it).
fn without_path(path: &Path, e: Error) -> String {
    let text = e.to_string();
    let prefix = format!("{}: ", path.display());
    text.strip_prefix(&prefix)
        .map(str::to_owned)
        .unwrap_or(text)
}

/// Reads and imports one file; the error without the file's name.
fn load(path: &Path) -> Loaded {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    import_file_as(path, &bytes).map_err(|e| without_path(path, e))
}

/// One API's spec (imported from `path`, or merged from it and another input) as checked YAML
/// with a header naming `source`; the error without the file's name.
fn prepare(
    path: &Path,
    source: &str,
    imported: Imported,
    out: &Path,
    options: &ImportOptions,
) -> Result<Pending, String> {
    let spec = &imported.spec;
    let file = out.join(format!("{}.yaml", spec.name));
    let yaml = to_yaml_with_header(spec, source, &imported.warnings);
    // Errors name the input (the spec file is not written when they occur).
    topgen_spec::model::resolve(path, spec)
        .map_err(|e| format!("the imported spec is invalid: {}", without_path(path, e)))?;
    let read_back = |yaml: &str| {
        let back = topgen_spec::load::parse_spec(path, yaml).map_err(|e| {
            format!(
                "internal error: the YAML made from this input (not written) does not read back: {}",
                without_path(path, e)
            )
        })?;
        if back != *spec {
            return Err(
                "internal error: the YAML made from this input (not written) does not read back as the same spec".into(),
            );
        }
        Ok(())
    };
    pending(
        file,
        yaml,
        imported.warnings,
        options,
        "codegen import",
        read_back,
    )
}

/// What writing `yaml` to `file` would do (the [`Change`]), by the rule for specs edited by
/// hand: a file that already holds these bytes is unchanged; one the importer wrote and nobody
/// edited since is replaced, as is any with [`ImportOptions::force`]; one edited or written by
/// hand is kept with [`ImportOptions::keep_edited`], else the input fails naming it and
/// `--force`. `read_back` checks that the YAML reads back as what it was made from (skipped
/// when the file already holds it: that was checked when it was written); `command` names the
/// importer in the errors. Shared by both importers.
pub(crate) fn pending(
    file: PathBuf,
    yaml: String,
    warnings: Vec<Warning>,
    options: &ImportOptions,
    command: &str,
    read_back: impl FnOnce(&str) -> Result<(), String>,
) -> Result<Pending, String> {
    let on_disk = std::fs::read(&file).ok();
    let current = on_disk.as_deref() == Some(yaml.as_bytes());
    if !current {
        read_back(&yaml)?;
    }
    let change = match on_disk {
        _ if current => Change::Unchanged,
        None => Change::Created,
        Some(_) if options.force => Change::Replaced,
        Some(old) => match edited(&String::from_utf8_lossy(&old)) {
            None => Change::Replaced,
            Some(edit) if options.keep_edited => Change::Kept(edit.short()),
            Some(edit) => {
                return Err(format!(
                    "{} {}; not overwritten, so a hand correction is not lost: compare it \
                     with the import, or pass --force to replace it",
                    file.display(),
                    edit.why(command)
                ));
            }
        },
    };
    Ok(Pending {
        file,
        yaml,
        warnings,
        change,
    })
}

/// Whether a spec file's text was edited by hand ([`body_hash_check`]): `None` when it is as
/// the importer wrote it, else the short and the long way of saying what it is.
fn edited(text: &str) -> Option<Edited> {
    match body_hash_check(text) {
        Some(true) => None,
        Some(false) => Some(Edited::Edited),
        None => Some(Edited::Written),
    }
}

/// How a spec file is not the importer's ([`edited`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edited {
    /// Edited since the importer wrote it.
    Edited,
    /// Never written by the importer.
    Written,
}

impl Edited {
    /// The short way of saying it (`edited by hand`).
    fn short(self) -> &'static str {
        match self {
            Edited::Edited => "edited by hand",
            Edited::Written => "written by hand",
        }
    }

    /// The long way, naming the importer's `command`.
    fn why(self, command: &str) -> String {
        match self {
            Edited::Edited => format!(
                "was edited since `{command}` wrote it (its body no longer matches the hash in its header)"
            ),
            Edited::Written => {
                format!("was not written by `{command}` (its header has no body hash)")
            }
        }
    }
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
    /// A field (by wire name) of a TMC topic spec ([`tmc`]).
    TopicField(String),
}
