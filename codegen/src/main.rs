//! `codegen`: regenerate the typed TOP client from specs.
//!
//! `cargo run -p codegen` is short for
//! `cargo run -p codegen -- generate --specs specs --out generated` (paths relative to the
//! workspace root); `--check` writes nothing and fails when the output is stale.
#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Generation allocates millions of small token trees; mimalloc is much faster at that than
/// the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "codegen",
    about = "Generates typed Rust clients for Taobao Open Platform APIs from YAML specs",
    args_conflicts_with_subcommands = true,
    // One usage line: clap would print one for the default command's options and another for
    // the subcommands, the same program twice.
    override_usage = "codegen [generate] [OPTIONS] | codegen import [OPTIONS] <INPUTS>..."
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
    /// Import TOP metadata JSON files and doc pages saved as text (or folders of them) into
    /// specs, one `<name>.yaml` per API, each with the importer's warnings in its header.
    Import(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// TOP metadata JSON files (`*.json`), doc pages as text (`*.txt`) or saved as HTML
    /// (`*.html`, `*.htm`), or folders whose files of these kinds are imported.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Folder the specs are written to [default: `specs/` of the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite specs that were edited since the importer wrote them (or never written by
    /// it); without it such a spec is kept and its input reported as failed.
    #[arg(long)]
    force: bool,
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
    /// Path of the test support crate (`topgen-testkit`, a dev-dependency) [default:
    /// `testkit/` of the workspace]; written like the runtime's.
    #[arg(long)]
    testkit_path: Option<PathBuf>,
    /// Write nothing; exit with status 1 and name the stale files if the output differs.
    #[arg(long)]
    check: bool,
    /// Accept a specs folder without any spec: the crate gets no API, and every module the
    /// output folder had is removed. Without it an empty folder is an error.
    #[arg(long)]
    allow_empty: bool,
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
        testkit_path: args.testkit_path,
        allow_empty: args.allow_empty,
    };
    let generated = codegen::generate(&specs, &out, &options)?;
    // Generation does not fail on them: their round-trip tests are generated `#[ignore]`d.
    for (path, misfit) in &generated.misfits {
        eprintln!(
            "warning: {}: {misfit} (its generated test is ignored)",
            path.display()
        );
    }
    for (path, warning) in &generated.warnings {
        eprintln!("warning: {}: {warning}", path.display());
    }
    for path in &generated.untested {
        eprintln!(
            "warning: {}: no reply example (`response_xml`, `response_json`, `error_xml`, `error_json`), so the API gets no decode test",
            path.display()
        );
    }
    if args.check {
        let stale = generated.check(&out)?;
        if stale.is_empty() {
            println!(
                "{}: up to date ({} files)",
                out.display(),
                generated.files.files.len()
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
    let report = generated.write(&out)?;
    // `writeln!`, not `println!`: a closed pipe (`| head`) must not panic.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{}: {} written, {} removed, {} unchanged; {} of {} APIs rendered, the others unchanged since the last run",
        out.display(),
        report.written.len(),
        report.removed.len(),
        report.unchanged,
        generated.rendered,
        generated.rendered + generated.reused
    );
    for f in report.written.iter() {
        let _ = writeln!(stdout, "  wrote {f}");
    }
    for f in report.removed.iter() {
        let _ = writeln!(stdout, "  removed {f}");
    }
    Ok(ExitCode::SUCCESS)
}

fn import(args: ImportArgs) -> ExitCode {
    let out = args.out.unwrap_or_else(|| workspace_root().join("specs"));
    let mut failed = 0usize;
    // `writeln!`, not `println!`: a closed pipe (`| head`) must not panic; the exit code still
    // tells.
    let mut stdout = std::io::stdout().lock();
    let inputs = topgen_import::input_files(&args.inputs);
    let options = topgen_import::ImportOptions {
        force: args.force,
        ..Default::default()
    };
    for outcome in topgen_import::import_into_with(&inputs, &out, &options) {
        match (outcome.input, outcome.result) {
            (
                path,
                Ok(topgen_import::Written {
                    merged: topgen_import::Merged::Into(earlier),
                    spec_file,
                    ..
                }),
            ) => {
                let _ = writeln!(
                    stdout,
                    "{}: merged with {} into {}",
                    path.display(),
                    earlier.display(),
                    spec_file.display()
                );
            }
            (path, Ok(w)) => {
                let merged = match &w.merged {
                    topgen_import::Merged::With(later) => {
                        format!(" (merged with {})", later.display())
                    }
                    _ => String::new(),
                };
                let warnings = w.warnings;
                if warnings.is_empty() {
                    let _ = writeln!(stdout, "{}: imported{merged}", path.display());
                } else {
                    let _ = writeln!(
                        stdout,
                        "{}: imported{merged} with {} warning{}",
                        path.display(),
                        warnings.len(),
                        if warnings.len() == 1 { "" } else { "s" }
                    );
                    for w in &warnings {
                        let _ = writeln!(stdout, "  warning: {w}");
                    }
                }
            }
            (path, Err(why)) => {
                failed += 1;
                let _ = writeln!(stdout, "{}: failed: {why}", path.display());
            }
        }
    }
    if failed > 0 {
        let _ = writeln!(std::io::stderr(), "{failed} input(s) failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Generate(args)) => args,
        Some(Command::Import(args)) => return import(args),
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
