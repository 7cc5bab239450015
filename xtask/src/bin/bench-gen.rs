//! `bench-gen CATALOG`: times import + generate of catalog APIs (100, 1,000 and all by
//! default) and a regeneration with nothing changed; see `BENCHMARKS.md`.
#![forbid(unsafe_code)]

use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::bench::{self, generation};

/// The generator's own allocator, so that the bench measures what `codegen` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "bench-gen",
    about = "Times `import` + `generate` of a TOP metadata catalog, and a regeneration with nothing changed"
)]
struct Cli {
    /// Folder of TOP metadata JSON files (`*.json`), e.g. the catalog or
    /// tests/fixtures/catalog-sample.
    catalog: PathBuf,
    /// Numbers of APIs to time, spread over the catalog; `all` = every file.
    #[arg(long, default_value = "100,1000,all")]
    sizes: String,
    /// Runs of each size (full and no-change).
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Scratch folder [default: `bench-gen/` in `$CARGO_TARGET_DIR`, else in the workspace's
    /// `target/`].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Run one measurement in this process (`full` or `again`) and print it: how the bench
    /// runs each measurement in a process of its own.
    #[arg(long, hide = true, requires = "size")]
    child: Option<String>,
    /// The size of the `--child` run.
    #[arg(long, hide = true)]
    size: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let work = cli
        .work
        .unwrap_or_else(|| bench::default_scratch("bench-gen"));
    if let (Some(mode), Some(size)) = (&cli.child, cli.size) {
        let Some(mode) = generation::Mode::parse(mode) else {
            eprintln!("error: --child {mode:?}: expected `full` or `again`");
            return ExitCode::from(64);
        };
        return match generation::child(&cli.catalog, size, &work, mode) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let sizes = match bench::parse_sizes(&cli.sizes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --sizes: {e}");
            return ExitCode::from(64);
        }
    };
    if cli.reps == 0 {
        eprintln!("error: --reps 0: expected at least 1 run");
        return ExitCode::from(64);
    }
    let program = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot find this program to run its measurements: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "bench-gen: {} ({} build), {} run(s) of each size, scratch {}",
        cli.catalog.display(),
        if cfg!(debug_assertions) {
            "DEBUG: figures are not representative; use --release"
        } else {
            "release"
        },
        cli.reps,
        work.display()
    );
    let _ = writeln!(stdout, "machine: {}", bench::machine());
    let options = generation::Options {
        catalog: cli.catalog,
        sizes,
        reps: cli.reps,
        work,
        program,
    };
    let result = generation::run(&options, &mut stdout);
    bench::finish(
        &mut stdout,
        result,
        generation::Report::nothing_written_again,
    )
}
