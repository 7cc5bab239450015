//! `codegen`: regenerate the typed TOP client from specs.
//!
//! `cargo run -p codegen` is short for
//! `cargo run -p codegen -- generate --specs specs --out generated` (paths relative to the
//! workspace root); `--check` writes nothing and fails when the output is stale.
#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "codegen",
    about = "Generates typed Rust clients for Taobao Open Platform APIs from YAML specs",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    default: GenerateArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate from a folder of specs.
    Generate(GenerateArgs),
}

#[derive(Args)]
struct GenerateArgs {
    /// Folder of `*.yaml` specs [default: `specs/` of the workspace].
    #[arg(long)]
    specs: Option<PathBuf>,
    /// Output crate folder [default: `generated/` of the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Package name of the generated crate.
    #[arg(long, default_value = "topgen-client")]
    crate_name: String,
    /// Path of the runtime crate the generated crate depends on [default: `runtime/` of the
    /// workspace]; written into Cargo.toml relative to the output folder.
    #[arg(long)]
    runtime_path: Option<PathBuf>,
    /// Write nothing; exit with status 1 and name the stale files if the output differs.
    #[arg(long)]
    check: bool,
}

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

fn run(args: GenerateArgs) -> Result<ExitCode, codegen::Error> {
    let specs = args.specs.unwrap_or_else(|| workspace_root().join("specs"));
    let out = args
        .out
        .unwrap_or_else(|| workspace_root().join("generated"));
    let options = codegen::Options {
        crate_name: args.crate_name,
        runtime_path: args.runtime_path,
    };
    let files = codegen::generate_crate(&specs, &out, &options)?;
    if args.check {
        let stale = files.check(&out)?;
        if stale.is_empty() {
            println!(
                "{}: up to date ({} files)",
                out.display(),
                files.files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} is stale; run `cargo run -p codegen` to regenerate:",
            out.display()
        );
        for s in &stale {
            eprintln!("  {s}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let report = files.write(&out)?;
    println!(
        "{}: {} written, {} removed, {} unchanged",
        out.display(),
        report.written.len(),
        report.removed.len(),
        report.unchanged
    );
    for f in report.written.iter() {
        println!("  wrote {f}");
    }
    for f in report.removed.iter() {
        println!("  removed {f}");
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Generate(args)) => args,
        None => cli.default,
    };
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
