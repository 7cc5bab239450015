//! `bench-compile CATALOG`: `cargo check` and `cargo build` times of crates generated from 10,
//! 100 and 1,000 catalog APIs, all enabled and one enabled, against the runtime alone; see
//! `BENCHMARKS.md`.
#![forbid(unsafe_code)]

use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::bench::{self, compile};

#[derive(Parser)]
#[command(
    name = "bench-compile",
    about = "Times `cargo check` and `cargo build` of crates generated from a TOP metadata catalog"
)]
struct Cli {
    /// Folder of TOP metadata JSON files (`*.json`).
    catalog: PathBuf,
    /// Numbers of APIs of the generated crates, spread over the catalog.
    #[arg(long, default_value = "10,100,1000")]
    sizes: String,
    /// Rounds: one number for every size, or one per size (`3,3,1`).
    #[arg(long, default_value = "3")]
    reps: String,
    /// Cargo commands to time: `check`, `build` or both.
    #[arg(long, default_value = "check,build")]
    modes: String,
    /// Scratch folder with its own target dir [default: `bench-compile/` in
    /// `$CARGO_TARGET_DIR`, else in the workspace's `target/`].
    #[arg(long)]
    work: Option<PathBuf>,
    /// The runtime crate the generated crates depend on [default: this workspace's
    /// `runtime/`]; the `Cargo.lock` beside its workspace is used.
    #[arg(long)]
    runtime: Option<PathBuf>,
    /// Cargo's target dir [default: `target/` in the scratch folder]. One whose dependencies
    /// are already built (checked) saves the warm-up, e.g. `check-catalog`'s in CI.
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// The API to enable alone (its method) [default: of the smallest crate's APIs, the one
    /// whose catalog file has the median size].
    #[arg(long)]
    one: Option<String>,
    /// Rounds of cold builds (empty target dir, every dependency built): the runtime alone
    /// vs the runtime with the one API, what a user's first build costs. Slow: about a
    /// minute each.
    #[arg(long, default_value_t = 0)]
    cold: usize,
}

fn main() -> ExitCode {
    // Run by cargo as `RUSTC_WRAPPER` during a measurement: time one rustc.
    if let Some(times) = std::env::var_os(compile::RUSTC_TIMES_VAR) {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        let code = compile::wrap_rustc(&args, std::path::Path::new(&times));
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = Cli::parse();
    let sizes = match bench::parse_sizes(&cli.sizes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --sizes: {e}");
            return ExitCode::from(64);
        }
    };
    let reps: Option<Vec<usize>> = cli
        .reps
        .split(',')
        .map(|r| r.trim().parse::<usize>().ok().filter(|r| *r > 0))
        .collect();
    let Some(reps) = reps.filter(|r| r.len() == 1 || r.len() == sizes.len()) else {
        eprintln!(
            "error: --reps {:?}: expected a number above 0, or one per size",
            cli.reps
        );
        return ExitCode::from(64);
    };
    let modes: Option<Vec<compile::Mode>> =
        cli.modes.split(',').map(compile::Mode::parse).collect();
    let Some(modes) = modes.filter(|m| !m.is_empty()) else {
        eprintln!(
            "error: --modes {:?}: expected `check`, `build` or `check,build`",
            cli.modes
        );
        return ExitCode::from(64);
    };
    let work = cli
        .work
        .unwrap_or_else(|| bench::default_scratch("bench-compile"));
    let runtime = cli.runtime.unwrap_or_else(codegen::default_runtime_path);
    let lockfile = runtime.join("..").join("Cargo.lock");
    let options = compile::Options {
        catalog: cli.catalog,
        sizes,
        reps,
        modes,
        work,
        runtime,
        target_dir: cli.target_dir,
        one: cli.one,
        cold: cli.cold,
        lockfile: lockfile.is_file().then_some(lockfile),
        wrapper: std::env::current_exe().ok(),
        cargo: xtask::cargo_program(),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "bench-compile: {}, sizes {}, rounds {}, scratch {}",
        options.catalog.display(),
        cli.sizes,
        cli.reps,
        options.work.display()
    );
    let _ = writeln!(stdout, "machine: {}", bench::machine());
    let result = compile::run(&options, &mut stdout);
    bench::finish(&mut stdout, result, |_| true)
}
