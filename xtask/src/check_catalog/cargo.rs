//! The cargo runs: `cargo check` (or `cargo doc`) over the chunks, round after round, and the
//! [`verdict`] on each chunk of a run.

use super::diagnostics::{CargoOutput, Diagnostic, Level, Names, parse_cargo_json};
use super::workspace::{Chunk, render_chunk};
use super::{Failure, Options, Phase};
use codegen::output::absolute;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use topgen_spec::Error;

/// How many times a crate is checked again after its failing APIs were taken out.
const MAX_ROUNDS: usize = 4;

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

/// Runs `cargo check` (or `cargo doc`) on the chunks until each passed, is broken, or ran out
/// of rounds; failing APIs are taken out of their chunk. Returns the rounds run.
pub(super) fn cargo_phase(
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
    remove_crate_variables(&mut cmd);
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

/// Takes out of `cmd`'s environment the variables cargo set for the crate that runs this
/// program. `cargo run` and `cargo test` give it `CARGO_MANIFEST_DIR`, `CARGO_PKG_*`…; build
/// scripts that watch them (ring's does) would run again, and everything after them be
/// rebuilt, whenever they differ.
pub(crate) fn remove_crate_variables(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if is_crate_variable(&key) {
            cmd.env_remove(&*key);
        }
    }
}

/// Variables cargo sets for the crate it builds or runs, as opposed to the user's settings.
fn is_crate_variable(key: &str) -> bool {
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
