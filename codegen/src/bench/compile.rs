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

use super::{Stats, spread, table};
use crate::error::Error;
use crate::output::{absolute, write_if_changed};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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
    /// The generated crate alone, one API.
    One,
    /// The generated crate alone, every API.
    All,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Runtime => "runtime",
            Variant::RuntimeAndOne => "runtime + one",
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

/// What a bench found: times in ms by (size, mode, variant); the runtime's under size 0.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The generated crates, by size.
    pub crates: BTreeMap<usize, Crate>,
    /// Wall times, ms.
    pub times: BTreeMap<(usize, Mode, Variant), Vec<f64>>,
    /// A cargo run that has nothing to do, ms (cargo's own cost in every figure).
    pub noop: BTreeMap<Mode, Vec<f64>>,
}

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
        for o in crate::import::import_into(&inputs, &specs) {
            if let Err(why) = o.result {
                return Err(Error::Invalid {
                    path: o.input,
                    field: String::new(),
                    message: format!("import failed: {why}"),
                });
            }
        }
        let generated = crate::generate(
            &specs,
            &dir,
            &crate::Options {
                crate_name: package.clone(),
                runtime_path: Some(options.runtime.clone()),
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
        members.push(format!("    \"crates/n-{n}\",\n"));
    }
    let manifest = format!(
        "# Written by `bench-compile`: generated crates whose compile time is measured.\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\n{}]\n\
         \n\
         # As in topgen's workspace, so that dependencies build the same.\n\
         [profile.dev.package.\"*\"]\n\
         debug = false\n",
        members.concat()
    );
    write_if_changed(&work.join("Cargo.toml"), &manifest)?;
    if let Some(lock) = &options.lockfile
        && let Ok(text) = std::fs::read_to_string(lock)
    {
        write_if_changed(&work.join("Cargo.lock"), &text)?;
    }
    let cargo = Cargo {
        program: options.cargo.clone(),
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
    for round in 1..=rounds {
        for &mode in &options.modes {
            let m = mode.name();
            cargo.run(&["clean", "-p", RUNTIME])?;
            let t = cargo.time(&[m, "-p", RUNTIME])?;
            let _ = writeln!(log, "  round {round}: {m} runtime: {t:.0} ms");
            report
                .times
                .entry((0, mode, Variant::Runtime))
                .or_default()
                .push(t);
            let t = cargo.time(&[m, "-p", RUNTIME])?;
            report.noop.entry(mode).or_default().push(t);
            for (i, &n) in sizes.iter().enumerate() {
                if round > reps(i) {
                    continue;
                }
                let c = &report.crates[&n];
                let (package, one) = (c.package.clone(), c.one.clone());
                let one_args = [
                    m,
                    "-p",
                    &package,
                    "--no-default-features",
                    "--features",
                    &one,
                ];
                cargo.run(&["clean", "-p", RUNTIME])?;
                cargo.run(&["clean", "-p", &package])?;
                let t = cargo.time(&one_args)?;
                let _ = writeln!(log, "  round {round}: {m} runtime + one of {n}: {t:.0} ms");
                report
                    .times
                    .entry((n, mode, Variant::RuntimeAndOne))
                    .or_default()
                    .push(t);
                cargo.run(&["clean", "-p", &package])?;
                let t = cargo.time(&one_args)?;
                let _ = writeln!(log, "  round {round}: {m} one of {n}: {t:.0} ms");
                report
                    .times
                    .entry((n, mode, Variant::One))
                    .or_default()
                    .push(t);
                cargo.run(&["clean", "-p", &package])?;
                let t = cargo.time(&[m, "-p", &package])?;
                let _ = writeln!(log, "  round {round}: {m} all {n}: {t:.0} ms");
                report
                    .times
                    .entry((n, mode, Variant::All))
                    .or_default()
                    .push(t);
            }
        }
    }
    Ok(report)
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
    Ok(crate::import::import_file(file, &bytes)?.spec.name)
}

/// Creates the scratch folder, or checks that an existing one is this bench's.
fn prepare(work: &Path) -> Result<PathBuf, Error> {
    let work = absolute(work)?;
    let occupied = std::fs::read_dir(&work).is_ok_and(|mut d| d.next().is_some());
    if occupied && !work.join(MARKER).is_file() {
        return Err(Error::Invalid {
            path: work,
            field: "--work".into(),
            message: format!(
                "the folder is not empty and has no `{MARKER}` file; expected a new folder or one this bench made"
            ),
        });
    }
    std::fs::create_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    write_if_changed(
        &work.join(MARKER),
        "Scratch folder of `bench-compile`; it rewrites specs/ and crates/ here.\n",
    )?;
    Ok(work)
}

/// Cargo on the scratch workspace.
struct Cargo {
    program: PathBuf,
    dir: PathBuf,
    target: PathBuf,
}

impl Cargo {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(args);
        // As in `check-catalog`: variables cargo sets for the crate that runs this program
        // would make build scripts that watch them run again.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if crate::check_catalog::is_crate_variable(&key) {
                cmd.env_remove(&*key);
            }
        }
        cmd.current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs cargo; fails with its output when it fails.
    fn run(&self, args: &[&str]) -> Result<(), Error> {
        let output = self
            .command(args)
            .output()
            .map_err(|e| Error::io(&self.program, e))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        Err(Error::Internal {
            path: self.dir.clone(),
            message: format!(
                "`cargo {}` failed ({}):\n{}",
                args.join(" "),
                output.status,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ),
        })
    }

    /// The wall time of a cargo run, ms.
    fn time(&self, args: &[&str]) -> Result<f64, Error> {
        let started = Instant::now();
        self.run(args)?;
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stats = |v: Option<&Vec<f64>>| v.and_then(|v| Stats::of(v));
        let show = |s: Option<Stats>| s.map_or_else(|| "–".into(), |s| s.show(0));
        let modes: Vec<Mode> = {
            let mut m: Vec<Mode> = self.times.keys().map(|(_, m, _)| *m).collect();
            m.dedup();
            m.sort();
            m.dedup();
            m
        };
        writeln!(f, "generated crates:")?;
        let rows: Vec<Vec<String>> = self
            .crates
            .iter()
            .map(|(n, c)| {
                vec![
                    n.to_string(),
                    c.package.clone(),
                    c.lines.to_string(),
                    format!("{:.0}", c.bytes as f64 / 1024.0),
                    c.one.clone(),
                ]
            })
            .collect();
        f.write_str(&table(
            &["APIs", "package", "lines", "KiB", "the API enabled alone"],
            &rows,
        ))?;
        writeln!(
            f,
            "\nwall ms, median (min–max); dependencies prebuilt, only the crates named rebuilt:"
        )?;
        let mut rows = Vec::new();
        for &mode in &modes {
            rows.push(vec![
                mode.name().into(),
                "runtime alone".into(),
                show(stats(self.times.get(&(0, mode, Variant::Runtime)))),
                String::new(),
                String::new(),
            ]);
            rows.push(vec![
                mode.name().into(),
                "cargo with nothing to do".into(),
                show(stats(self.noop.get(&mode))),
                String::new(),
                String::new(),
            ]);
            let runtime = stats(self.times.get(&(0, mode, Variant::Runtime)));
            for &n in self.crates.keys() {
                for variant in [Variant::RuntimeAndOne, Variant::One, Variant::All] {
                    let s = stats(self.times.get(&(n, mode, variant)));
                    let extra = match (variant, s, runtime) {
                        (Variant::RuntimeAndOne, Some(s), Some(r)) => {
                            format!(
                                "{:+.1} % vs runtime alone",
                                (s.median / r.median - 1.0) * 100.0
                            )
                        }
                        (Variant::All, Some(s), _) => {
                            let one = stats(self.times.get(&(n, mode, Variant::One)));
                            let marginal = one
                                .filter(|_| n > 1)
                                .map(|o| (s.median - o.median) / (n - 1) as f64);
                            format!(
                                "{:.1} ms/API{}",
                                s.median / n as f64,
                                marginal.map_or_else(String::new, |m| format!(
                                    " ({m:.1} ms/API over one)"
                                ))
                            )
                        }
                        _ => String::new(),
                    };
                    rows.push(vec![
                        mode.name().into(),
                        format!("{n} APIs: {}", variant.label()),
                        show(s),
                        extra,
                        String::new(),
                    ]);
                }
            }
        }
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut r| {
                r.truncate(4);
                r
            })
            .collect();
        f.write_str(&table(&["cargo", "what is built", "ms", "note"], &rows))
    }
}
