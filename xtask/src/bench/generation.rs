//! `bench-gen`: import + generate of catalog APIs, and a regeneration with nothing changed.
//!
//! For each size (a number of catalog files, spread over the catalog: [`super::spread`]) a
//! child process imports the files into `specs/` and generates the group crates from them into
//! `out/` of a scratch folder of its own, both from scratch ("full"); another child then does
//! the same again on the same folders ("no change"), which must write no file: the
//! modification times of every file under `specs/` and `out/` are compared before and
//! after. A child per run gives each run its own peak memory (`VmHWM`). Runs are repeated in
//! turns (size after size, then again), and each figure is reported as min, median and max.

use super::{Stats, changed_files, cpu_time, mtimes, peak_rss_kib, spread, table};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use topgen_spec::Error;

/// The prefix of the line a child prints its result on.
const RESULT: &str = "bench-gen-result";

/// Which run a child does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// From empty folders.
    Full,
    /// Again on the folders a full run left, nothing changed.
    Again,
}

impl Mode {
    /// The mode's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Again => "again",
        }
    }

    /// The mode of a name.
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "full" => Some(Mode::Full),
            "again" => Some(Mode::Again),
            _ => None,
        }
    }
}

/// What one run measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    /// Catalog files imported (APIs).
    pub apis: usize,
    /// Wall time of the import, ms.
    pub import_ms: f64,
    /// Wall time of the generation (load, render, write), ms.
    pub generate_ms: f64,
    /// CPU time of the whole run (all threads), ms.
    pub cpu_ms: f64,
    /// Peak resident memory of the process, KiB.
    pub peak_kib: u64,
    /// Specs and crate files written or removed.
    pub written: usize,
    /// APIs parsed and rendered by the generation (the rest came from its cache).
    pub rendered: usize,
    /// Files under `specs/` and `out/` whose modification time changed, or that appeared or
    /// went away (only measured in [`Mode::Again`]).
    pub changed: usize,
}

impl Run {
    /// Import + generate, ms.
    pub fn total_ms(&self) -> f64 {
        self.import_ms + self.generate_ms
    }

    fn to_line(&self) -> String {
        format!(
            "{RESULT} apis={} import_ms={:.3} generate_ms={:.3} cpu_ms={:.0} peak_kib={} written={} rendered={} changed={}",
            self.apis,
            self.import_ms,
            self.generate_ms,
            self.cpu_ms,
            self.peak_kib,
            self.written,
            self.rendered,
            self.changed
        )
    }

    fn from_line(line: &str) -> Option<Run> {
        let rest = line.strip_prefix(RESULT)?;
        let fields: BTreeMap<&str, &str> = rest
            .split_whitespace()
            .filter_map(|f| f.split_once('='))
            .collect();
        let num = |k: &str| fields.get(k).and_then(|v| v.parse::<f64>().ok());
        Some(Run {
            apis: num("apis")? as usize,
            import_ms: num("import_ms")?,
            generate_ms: num("generate_ms")?,
            cpu_ms: num("cpu_ms")?,
            peak_kib: num("peak_kib")? as u64,
            written: num("written")? as usize,
            rendered: num("rendered")? as usize,
            changed: num("changed")? as usize,
        })
    }
}

/// The catalog's `*.json` files, sorted by name.
pub fn catalog_files(catalog: &Path) -> Result<Vec<PathBuf>, Error> {
    let files = crate::check_catalog::json_files(catalog)?;
    if files.is_empty() {
        return Err(Error::Invalid {
            path: catalog.to_owned(),
            field: String::new(),
            message: "no *.json files in this folder; expected a TOP metadata catalog".into(),
        });
    }
    Ok(files)
}

/// One run, in this process: `size` files of `catalog` imported into `work/specs` and
/// generated into `work/out` (emptied first in [`Mode::Full`]). Fails when an input fails to
/// import or generate.
pub fn run_once(catalog: &Path, size: usize, work: &Path, mode: Mode) -> Result<Run, Error> {
    let files = spread(&catalog_files(catalog)?, size);
    let specs = work.join("specs");
    let out = work.join("out");
    if mode == Mode::Full {
        for dir in [&specs, &out] {
            if dir.exists() {
                std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
        }
    }
    let before = if mode == Mode::Again {
        let mut all = mtimes(&specs)?;
        all.extend(mtimes(&out)?);
        Some(all)
    } else {
        None
    };
    let cpu_start = cpu_time();
    let started = Instant::now();
    let inputs: Vec<Result<PathBuf, (PathBuf, String)>> = files.into_iter().map(Ok).collect();
    let outcomes = topgen_import::import_into(&inputs, &specs);
    let mut written = 0;
    for o in &outcomes {
        match &o.result {
            Ok(w) => written += usize::from(w.change.writes()),
            Err(why) => {
                return Err(Error::Invalid {
                    path: o.input.clone(),
                    field: String::new(),
                    message: format!("import failed: {why}"),
                });
            }
        }
    }
    let import_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let options = codegen::Options {
        crate_name: "bench-client".into(),
        runtime_path: Some(codegen::default_runtime_path()),
        testkit_path: None,
        allow_empty: false,
    };
    // As `cargo run -p codegen` generates `generated/`: crates split by product group.
    let generated = codegen::generate_groups(&specs, &out, &options)?;
    let report = generated.write(&out)?;
    let generate_ms = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = match (cpu_start, cpu_time()) {
        (Some(a), Some(b)) => (b.saturating_sub(a)).as_secs_f64() * 1000.0,
        _ => f64::NAN,
    };
    written += report.written.len() + report.removed.len();
    let changed = match before {
        Some(before) => {
            let mut after = mtimes(&specs)?;
            after.extend(mtimes(&out)?);
            changed_files(&before, &after).len()
        }
        None => 0,
    };
    Ok(Run {
        apis: outcomes.len(),
        import_ms,
        generate_ms,
        cpu_ms,
        peak_kib: peak_rss_kib().unwrap_or(0),
        written,
        rendered: generated.rendered,
        changed,
    })
}

/// The entry point of a child process: [`run_once`], its result printed on one line.
pub fn child(catalog: &Path, size: usize, work: &Path, mode: Mode) -> Result<(), Error> {
    let run = run_once(catalog, size, work, mode)?;
    println!("{}", run.to_line());
    Ok(())
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// The catalog folder.
    pub catalog: PathBuf,
    /// Numbers of APIs (`usize::MAX`: all).
    pub sizes: Vec<usize>,
    /// Runs of each size and mode.
    pub reps: usize,
    /// Scratch folder (one subfolder per size).
    pub work: PathBuf,
    /// The program to run children with (this one).
    pub program: PathBuf,
}

/// What a whole bench found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Runs by (size, mode).
    pub runs: BTreeMap<(usize, Mode), Vec<Run>>,
    /// Catalog files in all.
    pub catalog_files: usize,
}

impl Report {
    /// Whether every no-change run wrote no file and changed no mtime.
    pub fn nothing_written_again(&self) -> bool {
        self.runs
            .iter()
            .filter(|((_, m), _)| *m == Mode::Again)
            .all(|(_, runs)| runs.iter().all(|r| r.written == 0 && r.changed == 0))
    }
}

/// Runs the bench: `reps` rounds of every size (full, then no change), each run a child
/// process of `options.program`. Progress goes to `log`.
pub fn run(options: &Options, log: &mut dyn std::io::Write) -> Result<Report, Error> {
    let all = catalog_files(&options.catalog)?.len();
    let mut sizes: Vec<usize> = options.sizes.iter().map(|&s| s.min(all)).collect();
    sizes.dedup();
    let mut report = Report {
        catalog_files: all,
        ..Report::default()
    };
    for rep in 1..=options.reps {
        for &size in &sizes {
            let work = options.work.join(format!("n-{size}"));
            for mode in [Mode::Full, Mode::Again] {
                let run = spawn(options, size, &work, mode)?;
                let _ = writeln!(
                    log,
                    "  run {rep}/{}: {size} APIs, {}: {:.0} ms (import {:.0}, generate {:.0}), {:.0} MB peak, {} written, {} changed",
                    options.reps,
                    mode.name(),
                    run.total_ms(),
                    run.import_ms,
                    run.generate_ms,
                    run.peak_kib as f64 / 1024.0,
                    run.written,
                    run.changed
                );
                report.runs.entry((size, mode)).or_default().push(run);
            }
        }
    }
    Ok(report)
}

fn spawn(options: &Options, size: usize, work: &Path, mode: Mode) -> Result<Run, Error> {
    std::fs::create_dir_all(work).map_err(|e| Error::io(work, e))?;
    let output = Command::new(&options.program)
        .arg("--child")
        .arg(mode.name())
        .arg("--size")
        .arg(size.to_string())
        .arg("--work")
        .arg(work)
        .arg(&options.catalog)
        .output()
        .map_err(|e| Error::io(&options.program, e))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().find_map(Run::from_line) {
        Some(run) if output.status.success() => Ok(run),
        _ => Err(Error::Internal {
            path: options.catalog.clone(),
            message: format!(
                "the {} run of {size} APIs failed ({}): {}{}",
                mode.name(),
                output.status,
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        }),
    }
}

impl std::fmt::Display for Report {
    /// The tables of the full runs and of the no-change runs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stats = |runs: &[Run], v: &dyn Fn(&Run) -> f64| {
            Stats::of(&runs.iter().map(v).collect::<Vec<_>>())
        };
        let show = |s: Option<Stats>, d: usize| s.map_or_else(|| "?".into(), |s| s.show(d));
        let mut full_rows = Vec::new();
        let mut again_rows = Vec::new();
        for ((size, mode), runs) in &self.runs {
            let apis = runs.first().map_or(*size, |r| r.apis);
            match mode {
                Mode::Full => full_rows.push(vec![
                    apis.to_string(),
                    show(stats(runs, &|r| r.import_ms), 0),
                    show(stats(runs, &|r| r.generate_ms), 0),
                    show(stats(runs, &|r| r.total_ms()), 0),
                    show(stats(runs, &|r| r.apis as f64 / r.total_ms() * 1000.0), 0),
                    show(stats(runs, &|r| r.total_ms() / r.apis as f64), 3),
                    show(stats(runs, &|r| r.cpu_ms), 0),
                    show(stats(runs, &|r| r.peak_kib as f64 / 1024.0), 0),
                ]),
                Mode::Again => {
                    let full = self.runs.get(&(*size, Mode::Full));
                    let share = full.and_then(|f| stats(f, &|r| r.total_ms())).map(|f| {
                        stats(runs, &|r| r.total_ms()).map_or(f64::NAN, |a| a.median / f.median)
                    });
                    again_rows.push(vec![
                        apis.to_string(),
                        show(stats(runs, &|r| r.import_ms), 0),
                        show(stats(runs, &|r| r.generate_ms), 0),
                        show(stats(runs, &|r| r.total_ms()), 0),
                        share.map_or_else(|| "?".into(), |s| format!("{:.1} %", s * 100.0)),
                        show(stats(runs, &|r| r.peak_kib as f64 / 1024.0), 0),
                        runs.iter()
                            .map(|r| r.rendered)
                            .max()
                            .unwrap_or(0)
                            .to_string(),
                        runs.iter()
                            .map(|r| r.written + r.changed)
                            .max()
                            .unwrap_or(0)
                            .to_string(),
                    ]);
                }
            }
        }
        writeln!(
            f,
            "import + generate from scratch (median (min–max) of {} run(s)):",
            self.runs.values().map(Vec::len).max().unwrap_or(0)
        )?;
        f.write_str(&table(
            &[
                "APIs",
                "import ms",
                "generate ms",
                "total ms",
                "APIs/s",
                "ms/API",
                "CPU ms",
                "peak MB",
            ],
            &full_rows,
        ))?;
        writeln!(
            f,
            "\nregenerate with nothing changed (import + generate again):"
        )?;
        f.write_str(&table(
            &[
                "APIs",
                "import ms",
                "generate ms",
                "total ms",
                "of a full run",
                "peak MB",
                "rendered",
                "files written",
            ],
            &again_rows,
        ))?;
        let mut verdict = String::new();
        let _ = write!(
            verdict,
            "no-change runs wrote no file and changed no mtime: {}",
            if self.nothing_written_again() {
                "yes"
            } else {
                "NO"
            }
        );
        writeln!(f, "\n{verdict}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_read_back() {
        let run = Run {
            apis: 10,
            import_ms: 1.5,
            generate_ms: 2.25,
            cpu_ms: 7.0,
            peak_kib: 4096,
            written: 12,
            rendered: 10,
            changed: 0,
        };
        assert_eq!(Run::from_line(&run.to_line()), Some(run));
        assert_eq!(Run::from_line("something else"), None);
        assert_eq!(Run::from_line(&format!("{RESULT} apis=1")), None);
    }
}
