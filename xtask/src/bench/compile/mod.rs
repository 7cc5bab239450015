//! `bench-compile`: `cargo check` and `cargo build` times of generated crates.
//!
//! For each size N (catalog files spread over the catalog, [`super::spread`]; each smaller
//! selection is part of the larger ones) the catalog files are imported and generated into a
//! crate `bench-nN`, a member of a scratch workspace whose target dir is its own, with the
//! workspace's `Cargo.lock` and dev profile. A warm-up builds the runtime's dependencies;
//! after that every measurement rebuilds only what it measures (`cargo clean -p` of the
//! runtime and/or the generated crate first), so the figures are those of the runtime and of
//! the generated code alone:
//!
//! - `runtime`: the runtime alone (`cargo check/build -p topgen-runtime`);
//! - `runtime + one`: the runtime and a generated crate with one API enabled
//!   (`--no-default-features --features <method>`), the build a user who calls one API pays
//!   for, to compare with the runtime alone;
//! - `one`, `all`: the generated crate alone (runtime already built) with one API or with all
//!   of them (the default feature `full`).
//!
//! The variants are measured in turns in every round, so that a noisy machine slows all of
//! them alike, and each is reported as min, median and max of the rounds.

mod report;
mod timing;

pub use timing::{RUSTC_TIMES_VAR, wrap_rustc};

use super::spread;
use codegen::output::absolute;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use timing::Cargo;
use topgen_spec::Error;

/// The runtime's package name.
const RUNTIME: &str = "topgen-runtime";

/// Marks a folder as this bench's scratch folder, which it may clear.
const MARKER: &str = ".bench-compile";

/// A cargo command measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// `cargo check`.
    Check,
    /// `cargo build` (dev profile).
    Build,
}

impl Mode {
    /// The cargo subcommand.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Build => "build",
        }
    }

    /// The mode of a name.
    pub fn parse(name: &str) -> Option<Mode> {
        match name.trim() {
            "check" => Some(Mode::Check),
            "build" => Some(Mode::Build),
            _ => None,
        }
    }
}

/// What is built in a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    /// The runtime alone.
    Runtime,
    /// The runtime and the generated crate with one API.
    RuntimeAndOne,
    /// The generated crate alone, no API (`--no-default-features`): the cost of being a
    /// crate that depends on the runtime, the floor under `One`.
    None,
    /// The generated crate alone, one API.
    One,
    /// The generated crate alone, every API.
    All,
}

impl Variant {
    pub(super) fn label(self) -> &'static str {
        match self {
            Variant::Runtime => "runtime",
            Variant::RuntimeAndOne => "runtime + one",
            Variant::None => "no API",
            Variant::One => "one",
            Variant::All => "all",
        }
    }
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// The catalog folder.
    pub catalog: PathBuf,
    /// Numbers of APIs in the generated crates.
    pub sizes: Vec<usize>,
    /// Rounds for each size (as many as `sizes`, or one number for all).
    pub reps: Vec<usize>,
    /// Which cargo commands.
    pub modes: Vec<Mode>,
    /// Scratch folder: specs, crates, the workspace and its target dir.
    pub work: PathBuf,
    /// Cargo's target dir (default: `target/` in `work`).
    pub target_dir: Option<PathBuf>,
    /// The API to enable alone (its method); default: the smallest crate's API whose catalog
    /// file has the median size.
    pub one: Option<String>,
    /// The runtime crate (the workspace's `runtime/`).
    pub runtime: PathBuf,
    /// The workspace's `Cargo.lock`, so that nothing is resolved anew.
    pub lockfile: Option<PathBuf>,
    /// The cargo program.
    pub cargo: PathBuf,
    /// Rounds of cold builds: from an empty target dir, dependencies included, the runtime
    /// alone and the runtime with one API of the smallest crate (what a user's first build
    /// costs); 0: none.
    pub cold: usize,
    /// A program that acts as `RUSTC_WRAPPER` when [`RUSTC_TIMES_VAR`] is set
    /// ([`wrap_rustc`]), to time each rustc apart from cargo; `None`: wall times only.
    pub wrapper: Option<PathBuf>,
}

/// A generated crate of the bench.
#[derive(Debug, Clone)]
pub struct Crate {
    /// `bench-n100`.
    pub package: String,
    /// APIs in it.
    pub apis: usize,
    /// The API enabled alone: its feature (the method).
    pub one: String,
    /// Lines of generated Rust in it.
    pub lines: usize,
    /// Bytes of generated Rust in it.
    pub bytes: usize,
}

/// One timed cargo run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    /// Wall time of the cargo command, ms (cargo's own work included).
    pub wall: f64,
    /// Wall time of the `rustc` that compiled the runtime in it, ms (0 if it did not).
    pub runtime: f64,
    /// Wall time of the `rustc` that compiled the generated crate in it, ms (0 if it did
    /// not).
    pub generated: f64,
}

/// What a bench found: samples by (size, mode, variant); the runtime's under size 0.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The generated crates, by size.
    pub crates: BTreeMap<usize, Crate>,
    /// The measurements.
    pub times: BTreeMap<(usize, Mode, Variant), Vec<Sample>>,
    /// A cargo run that has nothing to do, ms (cargo's own cost in every figure).
    pub noop: BTreeMap<Mode, Vec<f64>>,
    /// Cold builds (empty target dir, dependencies included), wall ms, by mode and variant
    /// (`Runtime` or `RuntimeAndOne`, of the smallest crate).
    pub cold: BTreeMap<(Mode, Variant), Vec<f64>>,
}

/// The environment variable that makes `bench-compile` a `RUSTC_WRAPPER`: it names the file
/// Runs the bench, printing progress to `log`.
pub fn run(options: &Options, log: &mut dyn std::io::Write) -> Result<Report, Error> {
    let reps = |i: usize| -> usize {
        match options.reps.len() {
            0 => 1,
            1 => options.reps[0],
            _ => options.reps.get(i).copied().unwrap_or(1),
        }
    };
    let work = prepare(&options.work)?;
    let files = super::generation::catalog_files(&options.catalog)?;
    let mut sizes: Vec<usize> = options.sizes.iter().map(|&n| n.min(files.len())).collect();
    sizes.dedup();
    let mut report = Report::default();
    // Generate the crates.
    let mut members = Vec::new();
    let mut one: Option<String> = None;
    for &n in &sizes {
        let package = format!("bench-n{n}");
        let specs = work.join("specs").join(format!("n-{n}"));
        let dir = work.join("crates").join(format!("n-{n}"));
        let inputs: Vec<Result<PathBuf, (PathBuf, String)>> =
            spread(&files, n).into_iter().map(Ok).collect();
        for o in topgen_import::import_into(&inputs, &specs) {
            if let Err(why) = o.result {
                return Err(Error::Invalid {
                    path: o.input,
                    field: String::new(),
                    message: format!("import failed: {why}"),
                });
            }
        }
        let generated = codegen::generate(
            &specs,
            &dir,
            &codegen::Options {
                crate_name: package.clone(),
                runtime_path: Some(options.runtime.clone()),
                testkit_path: None,
                allow_empty: false,
            },
        )?;
        generated.write(&dir)?;
        let modules: Vec<(&String, &String)> = generated
            .files
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("src/") && *p != "src/lib.rs")
            .collect();
        let one_method = match (&options.one, &one) {
            (Some(m), _) | (None, Some(m)) => m.clone(),
            (None, None) => {
                let method = median_api(&spread(&files, n))?;
                one = Some(method.clone());
                method
            }
        };
        if !modules
            .iter()
            .any(|(_, text)| method_of_text(text).as_deref() == Some(one_method.as_str()))
        {
            return Err(Error::Invalid {
                path: options.catalog.clone(),
                field: "--one".into(),
                message: format!(
                    "{one_method:?} is not one of the {n} APIs of crate {package}; expected one of them"
                ),
            });
        }
        let text: usize = generated
            .files
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".rs"))
            .map(|(_, t)| t.len())
            .sum();
        let lines: usize = generated
            .files
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".rs"))
            .map(|(_, t)| t.lines().count())
            .sum();
        report.crates.insert(
            n,
            Crate {
                package: package.clone(),
                apis: modules.len(),
                one: one_method,
                lines,
                bytes: text,
            },
        );
        members.push(format!("crates/n-{n}"));
    }
    codegen::output::write_scratch_workspace(
        &work,
        "`bench-compile`: generated crates whose compile time is measured",
        &members,
        options.lockfile.as_deref(),
    )?;
    let cargo = Cargo {
        program: options.cargo.clone(),
        wrapper: options
            .wrapper
            .clone()
            .map(|program| (program, work.join("rustc-times.txt"))),
        dir: work.clone(),
        target: match &options.target_dir {
            Some(dir) => absolute(dir)?,
            None => work.join("target"),
        },
    };
    // Warm-up: the runtime's dependencies, for each mode.
    for &mode in &options.modes {
        let _ = writeln!(log, "warm-up: cargo {} -p {RUNTIME}…", mode.name());
        cargo.run(&[mode.name(), "-p", RUNTIME])?;
    }
    let rounds = (0..sizes.len()).map(reps).max().unwrap_or(1);
    let runtime_target = RUNTIME.replace('-', "_");
    for round in 1..=rounds {
        for &mode in &options.modes {
            let m = mode.name();
            cargo.run(&["clean", "-p", RUNTIME])?;
            let t = cargo.time(&[m, "-p", RUNTIME], &runtime_target, "")?;
            let _ = writeln!(
                log,
                "  round {round}: {m} runtime: {:.0} ms (rustc {:.0})",
                t.wall, t.runtime
            );
            report
                .times
                .entry((0, mode, Variant::Runtime))
                .or_default()
                .push(t);
            let t = cargo.time(&[m, "-p", RUNTIME], &runtime_target, "")?;
            report.noop.entry(mode).or_default().push(t.wall);
            for (i, &n) in sizes.iter().enumerate() {
                if round > reps(i) {
                    continue;
                }
                let c = &report.crates[&n];
                let (package, one) = (c.package.clone(), c.one.clone());
                let target = package.replace('-', "_");
                let one_args = [
                    m,
                    "-p",
                    &package,
                    "--no-default-features",
                    "--features",
                    &one,
                ];
                let mut measure = |variant: Variant, args: &[&str], clean_runtime: bool| {
                    if clean_runtime {
                        cargo.run(&["clean", "-p", RUNTIME])?;
                    }
                    cargo.run(&["clean", "-p", &package])?;
                    let t = cargo.time(args, &runtime_target, &target)?;
                    let _ = writeln!(
                        log,
                        "  round {round}: {m} {n} APIs, {}: {:.0} ms (rustc: runtime {:.0}, generated {:.0})",
                        variant.label(),
                        t.wall,
                        t.runtime,
                        t.generated
                    );
                    report.times.entry((n, mode, variant)).or_default().push(t);
                    Ok::<(), Error>(())
                };
                measure(Variant::RuntimeAndOne, &one_args, true)?;
                measure(
                    Variant::None,
                    &[m, "-p", &package, "--no-default-features"],
                    false,
                )?;
                measure(Variant::One, &one_args, false)?;
                measure(Variant::All, &[m, "-p", &package], false)?;
            }
        }
    }
    if let Some(c) = report.crates.values().next().cloned() {
        cold_builds(options, &cargo, &c, &mut report, log)?;
    }
    Ok(report)
}

/// Cold builds, dependencies included, each from an empty target dir of its own
/// (`cold-target/` in the scratch folder, removed afterwards): the runtime alone, then the
/// runtime and crate `c` with its one API, in turns.
fn cold_builds(
    options: &Options,
    cargo: &Cargo,
    c: &Crate,
    report: &mut Report,
    log: &mut dyn std::io::Write,
) -> Result<(), Error> {
    let cold = Cargo {
        program: cargo.program.clone(),
        dir: cargo.dir.clone(),
        target: cargo.dir.join("cold-target"),
        wrapper: None,
    };
    let clear = || match std::fs::remove_dir_all(&cold.target) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&cold.target, e)),
        _ => Ok(()),
    };
    for round in 1..=options.cold {
        for &mode in &options.modes {
            let m = mode.name();
            let runs: [(Variant, Vec<&str>); 2] = [
                (Variant::Runtime, vec![m, "-p", RUNTIME]),
                (
                    Variant::RuntimeAndOne,
                    vec![
                        m,
                        "-p",
                        &c.package,
                        "--no-default-features",
                        "--features",
                        &c.one,
                    ],
                ),
            ];
            for (variant, args) in runs {
                clear()?;
                let t = cold.time(&args, "", "")?;
                let _ = writeln!(
                    log,
                    "  cold {round}: {m} {}: {:.0} ms",
                    match variant {
                        Variant::Runtime => "runtime alone".to_owned(),
                        _ => format!("runtime + {}", c.one),
                    },
                    t.wall
                );
                report.cold.entry((mode, variant)).or_default().push(t.wall);
            }
        }
    }
    clear()
}

/// The method of a generated module, from its first doc line (`//! TOP API `method`…`).
fn method_of_text(text: &str) -> Option<String> {
    let line = text.lines().find(|l| l.starts_with("//! TOP API `"))?;
    let rest = line.strip_prefix("//! TOP API `")?;
    Some(rest[..rest.find('`')?].to_owned())
}

/// The API enabled alone by default: of the smallest crate's catalog files, the one of
/// median size (what the generator makes of it does not change the choice).
fn median_api(files: &[PathBuf]) -> Result<String, Error> {
    let mut by_size = Vec::new();
    for f in files {
        let len = std::fs::metadata(f).map_err(|e| Error::io(f, e))?.len();
        by_size.push((len, f));
    }
    by_size.sort();
    let Some((_, file)) = by_size.get(by_size.len() / 2) else {
        return Err(Error::Invalid {
            path: PathBuf::new(),
            field: "--sizes".into(),
            message: "no API to enable alone; expected sizes above 0".into(),
        });
    };
    let bytes = std::fs::read(file).map_err(|e| Error::io(*file, e))?;
    Ok(topgen_import::import_file(file, &bytes)?.spec.name)
}

/// Creates the scratch folder, or checks that an existing one is this bench's.
fn prepare(work: &Path) -> Result<PathBuf, Error> {
    codegen::output::claim_scratch(
        work,
        MARKER,
        "`bench-compile` rewrites specs/ and crates/ in it",
        "--work",
        |_| false,
    )
}
