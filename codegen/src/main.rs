//! `codegen`: regenerate the typed TOP client from specs.
//!
//! `cargo run -p codegen` is short for
//! `cargo run -p codegen -- generate --specs specs --out generated` (paths relative to the
//! workspace root), which also makes the TMC topic crates of `specs/tmc/`; `--check` writes
//! nothing and fails when the output is stale.
#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand};
use std::io::Write;
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
    override_usage = "codegen [generate] [OPTIONS] | codegen import [OPTIONS] <INPUTS>... | codegen import-topics [OPTIONS] <INPUTS>... | codegen pagers [OPTIONS]"
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
    /// specs, one `<name>.yaml` per API, each with the importer's warnings in its header;
    /// with --prune remove the specs no input produces, with --check only compare.
    Import(ImportArgs),
    /// Import TMC topic definitions (JSON, one file per topic, as in `../shared/tmc/topics`) or
    /// folders of them into topic specs, one `<topic>.yaml` per topic, each guess (money as
    /// `Price`) a comment above its field; --force, --prune and --check as for `import`.
    ImportTopics(ImportTopicsArgs),
    /// Write `PAGERS.md`: how many APIs get a pager and every API the paging rule
    /// (`codegen/src/paging.rs`) rejects, with why; with --check only compare.
    Pagers(PagersArgs),
}

#[derive(Args)]
struct PagersArgs {
    /// Folder of `*.yaml` specs [default: `specs/` of the workspace].
    #[arg(long)]
    specs: Option<PathBuf>,
    /// The file to write [default: `generated/PAGERS.md` of the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write nothing; exit with status 1 if the file differs.
    #[arg(long)]
    check: bool,
}

/// `codegen pagers`.
fn pagers(args: PagersArgs) -> ExitCode {
    let specs = args.specs.unwrap_or_else(|| workspace_root().join("specs"));
    let out = args
        .out
        .unwrap_or_else(|| workspace_root().join("generated").join("PAGERS.md"));
    let apis = match codegen::load_apis(&specs) {
        Ok(apis) => apis,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let text = codegen::paging::pagers_md(&apis);
    let old = std::fs::read_to_string(&out).ok();
    if old.as_deref() == Some(text.as_str()) {
        println!("{}: up to date", out.display());
        return ExitCode::SUCCESS;
    }
    if args.check {
        eprintln!(
            "{} is stale; run `cargo run -p codegen -- pagers` to rewrite it",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    match std::fs::write(&out, text) {
        Ok(()) => {
            println!("{}: written", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}

#[derive(Args)]
struct ImportTopicsArgs {
    /// TMC topic definitions (`*.json`), or folders whose `*.json` files are imported.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Folder the topic specs are written to [default: `specs/tmc/` of the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite topic specs that were edited since the importer wrote them (or never written
    /// by it); without it such a spec is kept and its input reported as failed (with --prune:
    /// reported as kept).
    #[arg(long)]
    force: bool,
    /// Make the out folder what the inputs produce: then remove every topic spec in it that the
    /// importer wrote, unedited, and no input produced (never one written or edited by hand,
    /// nor any while an input fails).
    #[arg(long)]
    prune: bool,
    /// Write and remove nothing; exit with status 1 listing every topic spec that would be
    /// created (`missing`), written with other bytes (`changed`) or, with --prune, removed
    /// (`extra`), and every input that fails.
    #[arg(long)]
    check: bool,
}

/// What `import` and `import-topics` do, whichever: their options, resolved.
struct ImportRun {
    /// API specs (`import`) or topic specs (`import-topics`).
    topics: bool,
    inputs: Vec<PathBuf>,
    out: PathBuf,
    force: bool,
    prune: bool,
    check: bool,
}

impl From<ImportArgs> for ImportRun {
    fn from(args: ImportArgs) -> ImportRun {
        ImportRun {
            topics: false,
            inputs: args.inputs,
            out: args.out.unwrap_or_else(|| workspace_root().join("specs")),
            force: args.force,
            prune: args.prune,
            check: args.check,
        }
    }
}

impl From<ImportTopicsArgs> for ImportRun {
    fn from(args: ImportTopicsArgs) -> ImportRun {
        ImportRun {
            topics: true,
            inputs: args.inputs,
            out: args
                .out
                .unwrap_or_else(|| workspace_root().join("specs").join("tmc")),
            force: args.force,
            prune: args.prune,
            check: args.check,
        }
    }
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
    /// it); without it such a spec is kept and its input reported as failed (with --prune:
    /// reported as kept).
    #[arg(long)]
    force: bool,
    /// Make the out folder what the inputs produce: then remove every spec in it that the
    /// importer wrote, unedited, and no input produced (never one written or edited by hand,
    /// nor any while an input fails); a spec edited by hand that an input would replace is
    /// kept and reported as kept, not as a failure.
    #[arg(long)]
    prune: bool,
    /// Write and remove nothing; exit with status 1 listing every spec that would be
    /// created (`missing`), written with other bytes (`changed`) or, with --prune, removed
    /// (`extra`), and every input that fails.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct GenerateArgs {
    /// Folder of `*.yaml` specs [default: `specs/` of the workspace].
    #[arg(long)]
    specs: Option<PathBuf>,
    /// Output crate folder [default: `generated/` of the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write ONE crate of this package name holding every API, instead of the crates split by
    /// TOP's product groups (`topgen-taobao-trade`, … one folder each, with `crates.txt` and
    /// `INDEX.md`), which is the default.
    #[arg(long)]
    crate_name: Option<String>,
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
    /// List every spec without a reply example (by default only a count when there are more
    /// than a few).
    #[arg(long)]
    verbose: bool,
    /// Accept a specs folder without any spec: the crate gets no API, and every module the
    /// output folder had is removed. Without it an empty folder is an error.
    #[arg(long)]
    allow_empty: bool,
    /// Folder of TMC topic specs (`*.yaml`), generated as the topic crates (`topgen-tmc-…`)
    /// beside the API crates [default: `tmc/` in the specs folder, when it is there]. Not with
    /// --crate-name.
    #[arg(long)]
    topics: Option<PathBuf>,
    /// Path of `topgen-tmc` (the `Topic` trait), which the topic crates depend on [default:
    /// `tmc/` of the workspace]; written like the runtime's.
    #[arg(long)]
    tmc_path: Option<PathBuf>,
}

/// Specs without a reply example listed one by one when there are at most this many.
const UNTESTED_LISTED: usize = 10;

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

fn run(args: GenerateArgs) -> Result<ExitCode, codegen::Error> {
    let specs = args.specs.unwrap_or_else(|| workspace_root().join("specs"));
    let out = args
        .out
        .unwrap_or_else(|| workspace_root().join("generated"));
    let single = args.crate_name.is_some();
    if single && args.topics.is_some() {
        return Err(codegen::Error::Invalid {
            path: out,
            field: "--topics".into(),
            message: "topic crates are made beside the crates split by product group; expected --topics without --crate-name".into(),
        });
    }
    let topics = args.topics.or_else(|| {
        let default = specs.join("tmc");
        (!single && default.is_dir()).then_some(default)
    });
    let options = codegen::Options {
        crate_name: args.crate_name.unwrap_or_default(),
        runtime_path: args.runtime_path,
        testkit_path: args.testkit_path,
        allow_empty: args.allow_empty,
    };
    // Both generations complete before anything is written: an error in either writes nothing.
    let generated = if single {
        codegen::generate(&specs, &out, &options)?
    } else {
        codegen::generate_groups(&specs, &out, &options)?
    };
    let topics = match &topics {
        Some(dir) => Some(codegen::generate_topics(
            dir,
            &out,
            &options,
            args.tmc_path.as_deref(),
        )?),
        None => None,
    };
    report_warnings(&generated, args.verbose);
    if args.check {
        let mut stale = generated.check(&out)?;
        let mut files = generated.files.files.len();
        if let Some(topics) = &topics {
            stale.extend(topics.check(&out)?);
            files += topics.files.files.len();
        }
        if stale.is_empty() {
            println!("{}: up to date ({files} files)", out.display());
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
    list_written(&mut stdout, &report);
    if let Some(topics) = &topics {
        let report = topics.write(&out)?;
        let _ = writeln!(
            stdout,
            "{}: {} written, {} removed, {} unchanged; {} topics rendered",
            out.display(),
            report.written.len(),
            report.removed.len(),
            report.unchanged,
            topics.rendered,
        );
        list_written(&mut stdout, &report);
    }
    Ok(ExitCode::SUCCESS)
}

/// The files a write wrote and removed, one a line.
fn list_written(stdout: &mut impl Write, report: &codegen::output::WriteReport) {
    for f in report.written.iter() {
        let _ = writeln!(stdout, "  wrote {f}");
    }
    for f in report.removed.iter() {
        let _ = writeln!(stdout, "  removed {f}");
    }
}

/// The generation's warnings on stderr: reply examples that do not fit their spec, the
/// model's warnings, and the specs without a reply example (counted beyond a few).
fn report_warnings(generated: &codegen::Generated, verbose: bool) {
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
    // TOP's metadata has no examples: most catalog specs have none, so beyond a few they are
    // counted, not listed (`--verbose` lists them).
    let untested = &generated.untested;
    let listed = if verbose || untested.len() <= UNTESTED_LISTED {
        untested.len()
    } else {
        0
    };
    for path in &untested[..listed] {
        eprintln!(
            "warning: {}: no reply example (`response_xml`, `response_json`, `error_xml`, `error_json`), so the API gets no decode test",
            path.display()
        );
    }
    if listed < untested.len() {
        eprintln!(
            "note: {} of {} specs have no reply example (`response_xml`, `response_json`, `error_xml`, `error_json`), so their APIs get no decode test (`--verbose` lists them)",
            untested.len(),
            generated.rendered + generated.reused
        );
    }
}

fn import(args: ImportRun) -> ExitCode {
    use topgen_import::{Change, Merged, tmc};
    let out = args.out;
    let options = topgen_import::ImportOptions {
        force: args.force,
        keep_edited: args.prune,
        check: args.check,
    };
    let outcomes = if args.topics {
        let inputs = tmc::topic_input_files(&args.inputs);
        tmc::import_topics_into(&inputs, &out, &options)
    } else {
        let inputs = topgen_import::input_files(&args.inputs);
        topgen_import::import_into_with(&inputs, &out, &options)
    };
    let pruned = if args.prune {
        topgen_import::prune(&out, &outcomes, &options)
    } else {
        Vec::new()
    };
    // `writeln!`, not `println!`: a closed pipe (`| head`) must not panic; the exit code still
    // tells.
    let mut stdout = std::io::stdout().lock();
    let (mut failed, mut kept, mut specs) = (0usize, 0usize, 0usize);
    // With --check: the differences, by kind.
    let (mut changed, mut missing) = (0usize, 0usize);
    for outcome in &outcomes {
        let path = outcome.input.display();
        let w = match &outcome.result {
            Ok(w) => w,
            Err(why) => {
                failed += 1;
                let _ = writeln!(stdout, "{path}: failed: {why}");
                continue;
            }
        };
        let spec = w.spec_file.display();
        // Of a merged spec, the earlier input reports what was done to it.
        if let Merged::Into(earlier) = &w.merged {
            if !args.check {
                let earlier = earlier.display();
                let _ = writeln!(stdout, "{path}: merged with {earlier} into {spec}");
            }
            continue;
        }
        specs += 1;
        match &w.change {
            Change::Kept(why) => {
                kept += 1;
                if !args.check {
                    let _ = writeln!(stdout, "{path}: kept {spec} ({why}; --force replaces it)");
                }
            }
            Change::Created if args.check => {
                missing += 1;
                let _ = writeln!(stdout, "missing {spec} (from {path})");
            }
            Change::Replaced if args.check => {
                changed += 1;
                let _ = writeln!(stdout, "changed {spec} (from {path})");
            }
            _ if args.check => {}
            _ => report_import(&mut stdout, &outcome.input, w),
        }
    }
    let mut extra = 0usize;
    for p in &pruned {
        match p {
            Ok(spec) => {
                extra += 1;
                let verb = if args.check { "extra" } else { "removed" };
                let _ = writeln!(stdout, "{verb} {}: no input produces it", spec.display());
            }
            Err((path, why)) => {
                failed += 1;
                let _ = writeln!(stdout, "{}: {why}", path.display());
            }
        }
    }
    let mut stderr = std::io::stderr();
    if args.check {
        let differences = changed + missing + extra;
        if differences == 0 && failed == 0 {
            let kept = match kept {
                0 => String::new(),
                n => format!("; {n} kept, edited or written by hand"),
            };
            let _ = writeln!(
                stdout,
                "{}: up to date ({specs} spec(s) from {} input(s){kept})",
                out.display(),
                outcomes.len()
            );
            return ExitCode::SUCCESS;
        }
        let fix = match failed {
            0 => "; the same command without --check updates it".to_owned(),
            n => format!(", {n} failure(s)"),
        };
        let _ = writeln!(
            stderr,
            "{}: not up to date: {changed} changed, {missing} missing, {extra} extra{fix}",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    if failed > 0 {
        let _ = writeln!(stderr, "{failed} failure(s)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The report of one imported input: `imported`, what it merged with, its warnings.
fn report_import(stdout: &mut impl Write, input: &Path, w: &topgen_import::Written) {
    let path = input.display();
    let merged = match &w.merged {
        topgen_import::Merged::With(later) => format!(" (merged with {})", later.display()),
        _ => String::new(),
    };
    let warnings = &w.warnings;
    if warnings.is_empty() {
        let _ = writeln!(stdout, "{path}: imported{merged}");
    } else {
        let _ = writeln!(
            stdout,
            "{path}: imported{merged} with {} warning{}",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        );
        for w in warnings {
            let _ = writeln!(stdout, "  warning: {w}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Generate(args)) => args,
        Some(Command::Import(args)) => return import(args.into()),
        Some(Command::ImportTopics(args)) => return import(args.into()),
        Some(Command::Pagers(args)) => return pagers(args),
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
