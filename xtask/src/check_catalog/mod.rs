//! `check-catalog`: the catalog importer and the generator proved on a whole catalog.
//!
//! Every catalog file (or a listed sample) is imported into a spec in a scratch folder; the
//! specs are generated into crates of `chunk` APIs each, members of one scratch workspace that
//! shares one target dir (so the runtime is compiled once), and `cargo check` (and, when asked,
//! `cargo doc` with `RUSTDOCFLAGS=-D warnings`) runs on them. Each compiler diagnostic is
//! mapped back to the API whose module it is in ([`diagnostics`]); those APIs fail, their
//! crate is generated again without them and checked again, so that every API counted as
//! compiled really was, in a crate that compiled. Warnings in generated code count as
//! failures too: the generated crate is meant to be warning-free.
//!
//! [`sample`] picks the fixed sample CI checks.

pub mod diagnostics;
pub mod sample;

mod cargo;
mod import;
mod report;
mod workspace;

pub(crate) use cargo::remove_crate_variables;
pub use cargo::{Verdict, verdict};
pub use report::{Failure, Phase, Report};

use cargo::cargo_phase;
use import::import_all;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use topgen_spec::Error;
use workspace::{generate_all, prepare_scratch};

/// The default number of APIs per generated crate. Measured on the 400-API sample: `cargo
/// check` costs about the same CPU for crates of 25 to 200 APIs (0.3 s an API), but a `rustc`
/// needs some 10 MB an API (2.3 GB at 200) and a whole catalog in one crate does not finish;
/// 50 keeps each `rustc` near 1 GB and gives the full catalog 85 crates to spread over the
/// cores.
pub const DEFAULT_CHUNK: usize = 50;

/// Which catalog files to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every `*.json` file of the catalog folder.
    All,
    /// The files a list names: one API or file name a line; blank lines and `#` comments
    /// are ignored.
    SampleFile(PathBuf),
    /// The first N files by name.
    Limit(usize),
}

/// What to check and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The catalog folder.
    pub catalog: PathBuf,
    /// Which of its files.
    pub selection: Selection,
    /// APIs per generated crate.
    pub chunk: usize,
    /// The scratch folder: `specs/`, `crates/` and the workspace's `Cargo.toml` go there.
    pub scratch: PathBuf,
    /// Keep `specs/` and `crates/` after the run.
    pub keep: bool,
    /// Also run `cargo doc` with `RUSTDOCFLAGS=-D warnings` on what compiled.
    pub doc: bool,
    /// The runtime crate the generated crates depend on by path.
    pub runtime: PathBuf,
    /// A `Cargo.lock` to start from (the workspace's), so that no dependency is resolved anew.
    pub lockfile: Option<PathBuf>,
    /// Cargo's target dir for the scratch workspace.
    pub target_dir: PathBuf,
    /// The cargo program.
    pub cargo: PathBuf,
}

/// The `*.json` files of a folder, sorted by name.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The catalog files a selection names. A sample list naming a file the catalog lacks is an
/// error naming the list's line.
pub fn inputs(catalog: &Path, selection: &Selection) -> Result<Vec<PathBuf>, Error> {
    let all = json_files(catalog)?;
    if all.is_empty() {
        return Err(Error::Invalid {
            path: catalog.to_owned(),
            field: String::new(),
            message: "no *.json files in this folder; expected a TOP metadata catalog".into(),
        });
    }
    match selection {
        Selection::All => Ok(all),
        Selection::Limit(n) => Ok(all.into_iter().take(*n).collect()),
        Selection::SampleFile(list) => {
            let text = std::fs::read_to_string(list).map_err(|e| Error::io(list, e))?;
            let mut out = Vec::new();
            let mut seen = BTreeSet::new();
            for (i, line) in text.lines().enumerate() {
                let name = line.split('#').next().unwrap_or_default().trim();
                if name.is_empty() {
                    continue;
                }
                let file = if name.ends_with(".json") {
                    name.to_owned()
                } else {
                    format!("{name}.json")
                };
                let path = catalog.join(&file);
                if !path.is_file() {
                    return Err(Error::Syntax {
                        path: list.to_owned(),
                        location: Some((i + 1, 1)),
                        field: String::new(),
                        message: format!(
                            "{name:?} is not in {}; expected an API or file name of the catalog",
                            catalog.display()
                        ),
                    });
                }
                if seen.insert(file) {
                    out.push(path);
                }
            }
            Ok(out)
        }
    }
}

/// Runs the whole check, printing progress to `log`.
pub fn run(options: &Options, log: &mut dyn Write) -> Result<Report, Error> {
    if options.chunk == 0 {
        return Err(Error::Invalid {
            path: options.scratch.clone(),
            field: "--chunk".into(),
            message: "0 APIs per crate; expected at least 1".into(),
        });
    }
    let files = inputs(&options.catalog, &options.selection)?;
    let scratch = prepare_scratch(&options.scratch)?;
    let specs = scratch.join("specs");
    let crates = scratch.join("crates");
    let mut report = Report {
        inputs: files.len(),
        ..Report::default()
    };
    let _ = writeln!(
        log,
        "check-catalog: {} file(s) of {}, {} APIs per crate, scratch {}, target dir {}",
        files.len(),
        options.catalog.display(),
        options.chunk,
        scratch.display(),
        options.target_dir.display()
    );

    let started = Instant::now();
    let (imported, failures) = import_all(&files, &specs)?;
    report.imported = imported;
    report.failures.extend(failures);
    report.times.push((Phase::Import, started.elapsed()));
    let _ = writeln!(
        log,
        "import: {} of {} ({:.1} s)",
        report.imported,
        report.inputs,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (mut chunks, failures) = generate_all(options, &scratch, &specs, &crates)?;
    report.generated = chunks.iter().map(|c| c.apis.len()).sum();
    report.crates = chunks.len();
    report.failures.extend(failures);
    report.times.push((Phase::Generate, started.elapsed()));
    let _ = writeln!(
        log,
        "generate: {} of {} into {} crate(s) ({:.1} s)",
        report.generated,
        report.imported,
        report.crates,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (rounds, failures) = cargo_phase(options, &scratch, Phase::Check, &mut chunks, log)?;
    report.compiled = chunks.iter().map(|c| c.apis.len()).sum();
    report.check_rounds = rounds;
    report.failures.extend(failures);
    report.times.push((Phase::Check, started.elapsed()));

    if options.doc {
        let started = Instant::now();
        let (_, failures) = cargo_phase(options, &scratch, Phase::Doc, &mut chunks, log)?;
        report.documented = Some(chunks.iter().map(|c| c.apis.len()).sum());
        report.failures.extend(failures);
        report.times.push((Phase::Doc, started.elapsed()));
    }

    report
        .failures
        .sort_by(|a, b| (a.phase, &a.what).cmp(&(b.phase, &b.what)));
    if !options.keep {
        for dir in [&specs, &crates] {
            if dir.exists() {
                std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
        }
    }
    Ok(report)
}
