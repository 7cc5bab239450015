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

use codegen::output::absolute;
use codegen::{Options as CrateOptions, crate_files, load_apis_lenient};
use diagnostics::{CargoOutput, Diagnostic, Level, Names, parse_cargo_json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use topgen_spec::Error;
use topgen_spec::model::Api;

/// The default number of APIs per generated crate. Measured on the 400-API sample: `cargo
/// check` costs about the same CPU for crates of 25 to 200 APIs (0.3 s an API), but a `rustc`
/// needs some 10 MB an API (2.3 GB at 200) and a whole catalog in one crate does not finish;
/// 50 keeps each `rustc` near 1 GB and gives the full catalog 85 crates to spread over the
/// cores.
pub const DEFAULT_CHUNK: usize = 50;

/// How many times a crate is checked again after its failing APIs were taken out.
const MAX_ROUNDS: usize = 4;

/// Marks a folder as this command's scratch folder, which it may clear.
const MARKER: &str = ".check-catalog";

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

/// A stage of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Catalog JSON → spec YAML.
    Import,
    /// Spec → resolved model → Rust files.
    Generate,
    /// `cargo check`.
    Check,
    /// `cargo doc` with `-D warnings`.
    Doc,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Import => "import",
            Phase::Generate => "generate",
            Phase::Check => "check",
            Phase::Doc => "doc",
        })
    }
}

/// Something that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The API (its method name), or the input file when it has no usable name, or the
    /// generated crate when nothing narrower is known.
    pub what: String,
    /// Where it failed.
    pub phase: Phase,
    /// Why: an importer or spec error, or the compiler's rendered diagnostic.
    pub reason: String,
}

/// What a run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Catalog files read.
    pub inputs: usize,
    /// APIs imported into specs.
    pub imported: usize,
    /// APIs generated into crates.
    pub generated: usize,
    /// Generated crates.
    pub crates: usize,
    /// APIs in crates that `cargo check` passed without a diagnostic about them.
    pub compiled: usize,
    /// `cargo check` runs (a failing API is taken out and its crate checked again).
    pub check_rounds: usize,
    /// APIs documented without a warning, when `--doc` was asked.
    pub documented: Option<usize>,
    /// Everything that failed, by phase then name.
    pub failures: Vec<Failure>,
    /// Time per phase.
    pub times: Vec<(Phase, Duration)>,
}

impl Report {
    /// Whether everything passed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    fn time(&self, phase: Phase) -> String {
        self.times
            .iter()
            .find(|(p, _)| *p == phase)
            .map_or_else(String::new, |(_, d)| format!(" ({:.1} s)", d.as_secs_f64()))
    }
}

impl fmt::Display for Report {
    /// The counts, the time of each phase and every failure; compiler diagnostics are cut to
    /// their first lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported:  {} of {} catalog files{}",
            self.imported,
            self.inputs,
            self.time(Phase::Import)
        )?;
        writeln!(
            f,
            "generated: {} of {} APIs, in {} crate{}{}",
            self.generated,
            self.imported,
            self.crates,
            if self.crates == 1 { "" } else { "s" },
            self.time(Phase::Generate)
        )?;
        writeln!(
            f,
            "compiled:  {} of {} APIs (cargo check, {} round{}){}",
            self.compiled,
            self.generated,
            self.check_rounds,
            if self.check_rounds == 1 { "" } else { "s" },
            self.time(Phase::Check)
        )?;
        if let Some(documented) = self.documented {
            writeln!(
                f,
                "documented: {documented} of {} APIs (cargo doc, RUSTDOCFLAGS=-D warnings){}",
                self.compiled,
                self.time(Phase::Doc)
            )?;
        }
        let total: Duration = self.times.iter().map(|(_, d)| *d).sum();
        writeln!(f, "total time: {:.1} s", total.as_secs_f64())?;
        if self.failures.is_empty() {
            writeln!(f, "no failures")?;
        } else {
            writeln!(f, "{} failure(s):", self.failures.len())?;
        }
        for failure in &self.failures {
            let mut lines = failure.reason.lines();
            writeln!(
                f,
                "  {}: {}: {}",
                failure.what,
                failure.phase,
                lines.next().unwrap_or_default()
            )?;
            let rest: Vec<&str> = lines.collect();
            for line in rest.iter().take(8) {
                writeln!(f, "      {line}")?;
            }
            if rest.len() > 8 {
                writeln!(f, "      … ({} more lines)", rest.len() - 8)?;
            }
        }
        // The closing line CI reads: APIs that passed every phase, and catalog files that did
        // not.
        let passed = self.documented.unwrap_or(self.compiled);
        writeln!(
            f,
            "check-catalog: {passed} passed, {} failed",
            self.inputs.saturating_sub(passed)
        )
    }
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

/// A generated crate of the scratch workspace.
#[derive(Debug, Clone)]
struct Chunk {
    /// `catalog-chunk-003`.
    package: String,
    /// `catalog_chunk_003`: the target name cargo reports.
    target: String,
    dir: PathBuf,
    /// The APIs still in it.
    apis: Vec<Api>,
}

impl Chunk {
    /// Module, request and response names → module.
    fn names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for a in &self.apis {
            for n in [&a.module, &a.request_name, &a.response_name] {
                names.insert(n.clone(), a.module.clone());
            }
        }
        names
    }
}

/// What one cargo run says about one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It was built and nothing names one of its APIs; `warnings` are about the crate as a
    /// whole.
    Passed {
        /// Crate-level warnings (none expected).
        warnings: Vec<Diagnostic>,
    },
    /// These modules have diagnostics: they fail, and the crate is tried again without them.
    Drop(BTreeMap<String, Vec<Diagnostic>>),
    /// It failed and nothing names an API: the reason.
    Broken(String),
}

/// Judges the crate whose target is `target` from a cargo run's output (`stderr` is used only
/// when no diagnostic explains a failure).
pub fn verdict(target: &str, output: &CargoOutput, stderr: &str) -> Verdict {
    let mine = output.diagnostics.iter().filter(|d| d.target == target);
    let mut by_module: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    let mut crate_level = Vec::new();
    for d in mine {
        match &d.module {
            Some(m) => by_module.entry(m.clone()).or_default().push(d.clone()),
            None => crate_level.push(d.clone()),
        }
    }
    if !by_module.is_empty() {
        return Verdict::Drop(by_module);
    }
    let errors: Vec<&Diagnostic> = crate_level
        .iter()
        .filter(|d| d.level == Level::Error)
        .collect();
    if output.built.contains(target) && errors.is_empty() {
        return Verdict::Passed {
            warnings: crate_level,
        };
    }
    if let Some(first) = errors.first() {
        return Verdict::Broken(first.text.clone());
    }
    let elsewhere: Vec<&Diagnostic> = output
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error && !d.target.starts_with("catalog_chunk_"))
        .collect();
    if let Some(first) = elsewhere.first() {
        return Verdict::Broken(format!(
            "a dependency (`{}`) failed to compile: {}",
            first.target, first.text
        ));
    }
    let cargo_errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("error"))
        .collect();
    if cargo_errors.is_empty() {
        Verdict::Broken("cargo did not build it and printed no error about it".into())
    } else {
        Verdict::Broken(format!("cargo: {}", cargo_errors.join("\n")))
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

/// Creates the scratch folder, or checks that an existing one is this command's. `target/`
/// is where the command builds by default (and where its test shares the build): a folder
/// holding only that is not someone else's.
fn prepare_scratch(scratch: &Path) -> Result<PathBuf, Error> {
    codegen::output::claim_scratch(
        scratch,
        MARKER,
        "`check-catalog` may clear specs/ and crates/ in it",
        "--scratch",
        |name| name == "target",
    )
}

/// Imports every file into `specs/<name>.yaml`; returns how many were imported.
fn import_all(files: &[PathBuf], specs: &Path) -> Result<(usize, Vec<Failure>), Error> {
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

/// The API a spec file is about: its file stem.
fn api_of_spec(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads, resolves and renders every spec into crates of `chunk` APIs and writes the scratch
/// workspace around them.
fn generate_all(
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
fn render_chunk(options: &Options, chunk: &mut Chunk) -> Result<Vec<Failure>, Error> {
    let crate_options = CrateOptions {
        crate_name: chunk.package.clone(),
        runtime_path: Some(options.runtime.clone()),
        testkit_path: None,
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

/// Runs `cargo check` (or `cargo doc`) on the chunks until each passed, is broken, or ran out
/// of rounds; failing APIs are taken out of their chunk. Returns the rounds run.
fn cargo_phase(
    options: &Options,
    scratch: &Path,
    phase: Phase,
    chunks: &mut [Chunk],
    log: &mut dyn Write,
) -> Result<(usize, Vec<Failure>), Error> {
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut pending: BTreeSet<usize> = (0..chunks.len())
        .filter(|&i| !chunks[i].apis.is_empty())
        .collect();
    let mut rounds = 0;
    let mut broken = BTreeSet::new();
    while !pending.is_empty() && rounds < MAX_ROUNDS {
        rounds += 1;
        let packages: Vec<&str> = pending
            .iter()
            .map(|&i| chunks[i].package.as_str())
            .collect();
        let modules: Names = pending
            .iter()
            .map(|&i| (chunks[i].target.clone(), chunks[i].names()))
            .collect();
        let (output, stderr) = run_cargo(options, scratch, phase, &packages, &modules, log)?;
        let mut next = BTreeSet::new();
        for &i in &pending {
            let chunk = &mut chunks[i];
            match verdict(&chunk.target, &output, &stderr) {
                Verdict::Passed { warnings } => {
                    for w in warnings {
                        failures.push(Failure {
                            what: format!("crate {}", chunk.package),
                            phase,
                            reason: w.text,
                        });
                    }
                }
                Verdict::Drop(by_module) => {
                    for (module, diags) in &by_module {
                        let method = chunk
                            .apis
                            .iter()
                            .find(|a| a.module == *module)
                            .map_or_else(|| module.clone(), |a| a.method.clone());
                        let mut sorted = diags.clone();
                        sorted.sort_by_key(|d| d.level);
                        failures.push(Failure {
                            what: method,
                            phase,
                            reason: sorted
                                .iter()
                                .map(|d| d.text.as_str())
                                .collect::<Vec<_>>()
                                .join("\n"),
                        });
                    }
                    chunk.apis.retain(|a| !by_module.contains_key(&a.module));
                    if chunk.apis.is_empty() {
                        continue;
                    }
                    failures.extend(render_chunk(options, chunk)?);
                    next.insert(i);
                }
                Verdict::Broken(reason) => {
                    for api in &chunk.apis {
                        failures.push(Failure {
                            what: api.method.clone(),
                            phase,
                            reason: format!("its crate {} failed: {reason}", chunk.package),
                        });
                    }
                    chunk.apis.clear();
                    broken.insert(i);
                }
            }
        }
        pending = next;
    }
    for i in pending {
        let chunk = &mut chunks[i];
        for api in &chunk.apis {
            failures.push(Failure {
                what: api.method.clone(),
                phase,
                reason: format!(
                    "not proven: its crate {} still had failing APIs after {MAX_ROUNDS} rounds",
                    chunk.package
                ),
            });
        }
        chunk.apis.clear();
    }
    let remaining: usize = chunks.iter().map(|c| c.apis.len()).sum();
    let _ = writeln!(
        log,
        "{phase}: {remaining} API(s) passed in {rounds} round(s){} ({:.1} s)",
        if broken.is_empty() {
            String::new()
        } else {
            format!(", {} crate(s) broken", broken.len())
        },
        started.elapsed().as_secs_f64()
    );
    Ok((rounds, failures))
}

/// Runs cargo once on the given packages of the scratch workspace, streaming its JSON
/// messages; returns them parsed, with cargo's standard error.
fn run_cargo(
    options: &Options,
    scratch: &Path,
    phase: Phase,
    packages: &[&str],
    modules: &Names,
    log: &mut dyn Write,
) -> Result<(CargoOutput, String), Error> {
    let target_dir = absolute(&options.target_dir)?;
    let mut cmd = Command::new(&options.cargo);
    match phase {
        Phase::Doc => {
            cmd.args(["doc", "--no-deps"]);
            cmd.env("RUSTDOCFLAGS", "-D warnings");
        }
        _ => {
            cmd.arg("check");
        }
    }
    cmd.args(["--keep-going", "--message-format=json", "--color=never"]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    // `cargo run` and `cargo test` give this program the variables cargo sets for a crate
    // (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`…); build scripts that watch them (ring's does)
    // would run again, and everything after them be rebuilt, whenever they differ.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if is_crate_variable(&key) {
            cmd.env_remove(&*key);
        }
    }
    cmd.current_dir(scratch)
        .env("CARGO_TARGET_DIR", &target_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let _ = writeln!(
        log,
        "{phase}: cargo {} on {} crate(s)…",
        if phase == Phase::Doc { "doc" } else { "check" },
        packages.len()
    );
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| Error::io(&options.cargo, e))?;
    let mut err_pipe = child.stderr.take();
    let stderr_thread = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = err_pipe.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let mut stdout = String::new();
    let wanted: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    let mut done = 0usize;
    if let Some(pipe) = child.stdout.take() {
        for line in BufReader::new(pipe).lines() {
            let line = line.map_err(|e| Error::io(scratch, e))?;
            if line.contains("\"compiler-artifact\"")
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                && let Some(name) = v["target"]["name"].as_str()
                && wanted.contains(name)
            {
                done += 1;
                let _ = writeln!(
                    log,
                    "  {name} done ({done}/{}, {:.0} s)",
                    wanted.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            stdout.push_str(&line);
            stdout.push('\n');
        }
    }
    let status = child.wait().map_err(|e| Error::io(&options.cargo, e))?;
    let stderr = stderr_thread.join().unwrap_or_default();
    let mut output = parse_cargo_json(&stdout, modules);
    if output.success.is_none() {
        output.success = Some(status.success());
    }
    Ok((output, stderr))
}

/// Variables cargo sets for the crate it builds or runs, as opposed to the user's settings.
pub(crate) fn is_crate_variable(key: &str) -> bool {
    key.starts_with("CARGO_PKG_")
        || key.starts_with("CARGO_BIN_")
        || matches!(
            key,
            "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_CRATE_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_TARGET_TMPDIR"
                | "CARGO_RUSTC_CURRENT_DIR"
                | "OUT_DIR"
        )
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

    fn diag(target: &str, module: Option<&str>, level: Level, text: &str) -> Diagnostic {
        Diagnostic {
            target: target.into(),
            module: module.map(Into::into),
            level,
            text: text.into(),
        }
    }

    #[test]
    fn verdicts() {
        let mut out = CargoOutput::default();
        out.built.insert("catalog_chunk_000".into());
        assert_eq!(
            verdict("catalog_chunk_000", &out, ""),
            Verdict::Passed { warnings: vec![] }
        );
        // Not built, nothing said: broken, with cargo's own error when there is one.
        match verdict(
            "catalog_chunk_001",
            &out,
            "error: failed to load manifest\n",
        ) {
            Verdict::Broken(r) => assert!(r.contains("failed to load manifest"), "{r}"),
            v => panic!("{v:?}"),
        }
        // A diagnostic in a module drops that module, even when another is crate-level.
        out.diagnostics = vec![
            diag(
                "catalog_chunk_001",
                Some("m1"),
                Level::Warning,
                "warning: w",
            ),
            diag("catalog_chunk_001", None, Level::Error, "error: e"),
        ];
        match verdict("catalog_chunk_001", &out, "") {
            Verdict::Drop(m) => assert_eq!(m.keys().collect::<Vec<_>>(), ["m1"]),
            v => panic!("{v:?}"),
        }
        // Only crate-level errors: broken with the first.
        out.diagnostics.remove(0);
        assert_eq!(
            verdict("catalog_chunk_001", &out, ""),
            Verdict::Broken("error: e".into())
        );
        // An error in the runtime breaks every chunk.
        out.diagnostics = vec![diag("topgen_runtime", None, Level::Error, "error: r")];
        match verdict("catalog_chunk_002", &out, "") {
            Verdict::Broken(r) => assert!(r.contains("`topgen_runtime`") && r.contains("error: r")),
            v => panic!("{v:?}"),
        }
    }
}
