//! `check-catalog CATALOG`: imports a TOP metadata catalog, generates crates from it and
//! `cargo check`s them; prints the counts, every failure and the time of each phase. Exit
//! status 1 if anything failed (see the README, "Checking a whole catalog").
#![forbid(unsafe_code)]

use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The generator's own allocator: the catalog is imported and generated in this process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "check-catalog",
    about = "Imports a TOP metadata catalog, generates crates from it and `cargo check`s them"
)]
struct CheckCatalogArgs {
    /// Folder of TOP metadata JSON files (`*.json`).
    catalog: PathBuf,
    /// Check only the APIs this file lists (one API or file name a line; `#` comments).
    #[arg(long, conflicts_with = "limit")]
    sample_file: Option<PathBuf>,
    /// Check only the first N files by name.
    #[arg(long)]
    limit: Option<usize>,
    /// APIs per generated crate.
    #[arg(long, default_value_t = xtask::check_catalog::DEFAULT_CHUNK)]
    chunk: usize,
    /// Scratch folder [default: `check-catalog/` in `$CARGO_TARGET_DIR`, else in the
    /// workspace's `target/`]. Cargo's target dir is `$CARGO_TARGET_DIR`, else `target/` in it.
    #[arg(long)]
    scratch: Option<PathBuf>,
    /// Keep the generated specs and crates in the scratch folder.
    #[arg(long)]
    keep: bool,
    /// Also run `cargo doc` with `RUSTDOCFLAGS=-D warnings` on what compiled.
    #[arg(long)]
    doc: bool,
    /// Instead of checking: select a sample of N APIs that covers every feature of the catalog
    /// and write it to `--into` (the JSON files and a README with the rule and coverage).
    #[arg(long, value_name = "N", requires = "into", conflicts_with_all = ["sample_file", "limit", "keep", "doc"])]
    select_sample: Option<usize>,
    /// Folder the sample is written to (with `--select-sample`).
    #[arg(long, requires = "select_sample")]
    into: Option<PathBuf>,
}

fn check_catalog(args: CheckCatalogArgs) -> ExitCode {
    use xtask::check_catalog::{self, Selection, sample};
    let mut stdout = std::io::stdout().lock();
    if let (Some(size), Some(into)) = (args.select_sample, &args.into) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        return match sample::write_sample(&args.catalog, size, into, &sample::utc_date(now)) {
            Ok(report) => {
                let _ = writeln!(
                    stdout,
                    "{}: {} of {} catalog APIs selected, {} removed",
                    into.display(),
                    report.files.len(),
                    report.catalog,
                    report.removed.len()
                );
                if report.short.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    let _ = writeln!(
                        stdout,
                        "features short of their quota (ask for a larger sample): {}",
                        report.short.join(", ")
                    );
                    ExitCode::FAILURE
                }
            }
            Err(e) => xtask::fail(&mut stdout, &e),
        };
    }
    let scratch = args
        .scratch
        .unwrap_or_else(|| xtask::default_scratch("check-catalog"));
    let selection = match (args.sample_file, args.limit) {
        (Some(file), _) => Selection::SampleFile(file),
        (None, Some(n)) => Selection::Limit(n),
        (None, None) => Selection::All,
    };
    let options = check_catalog::Options {
        catalog: args.catalog,
        selection,
        chunk: args.chunk,
        target_dir: xtask::env_target_dir().unwrap_or_else(|| scratch.join("target")),
        scratch,
        keep: args.keep,
        doc: args.doc,
        runtime: codegen::default_runtime_path(),
        lockfile: xtask::workspace_lockfile(),
        cargo: xtask::cargo_program(),
    };
    match check_catalog::run(&options, &mut stdout) {
        Ok(report) => {
            let _ = write!(stdout, "{report}");
            if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => xtask::fail(&mut stdout, &e),
    }
}

fn main() -> ExitCode {
    check_catalog(CheckCatalogArgs::parse())
}
