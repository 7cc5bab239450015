//! What a run found: its phases, failures and counts, and how they are printed.

use std::fmt;
use std::time::Duration;

/// A stage of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Catalog JSON → spec YAML.
    Import,
    /// Spec → resolved model → Rust files.
    Generate,
    /// `cargo check`.
    Check,
    /// `cargo doc` with `-D warnings`.
    Doc,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Import => "import",
            Phase::Generate => "generate",
            Phase::Check => "check",
            Phase::Doc => "doc",
        })
    }
}

/// Something that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The API (its method name), or the input file when it has no usable name, or the
    /// generated crate when nothing narrower is known.
    pub what: String,
    /// Where it failed.
    pub phase: Phase,
    /// Why: an importer or spec error, or the compiler's rendered diagnostic.
    pub reason: String,
}

/// What a run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Catalog files read.
    pub inputs: usize,
    /// APIs imported into specs.
    pub imported: usize,
    /// APIs generated into crates.
    pub generated: usize,
    /// Generated crates.
    pub crates: usize,
    /// APIs in crates that `cargo check` passed without a diagnostic about them.
    pub compiled: usize,
    /// `cargo check` runs (a failing API is taken out and its crate checked again).
    pub check_rounds: usize,
    /// APIs documented without a warning, when `--doc` was asked.
    pub documented: Option<usize>,
    /// Everything that failed, by phase then name.
    pub failures: Vec<Failure>,
    /// Time per phase.
    pub times: Vec<(Phase, Duration)>,
}

impl Report {
    /// Whether everything passed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    fn time(&self, phase: Phase) -> String {
        self.times
            .iter()
            .find(|(p, _)| *p == phase)
            .map_or_else(String::new, |(_, d)| format!(" ({:.1} s)", d.as_secs_f64()))
    }
}

impl fmt::Display for Report {
    /// The counts, the time of each phase and every failure; compiler diagnostics are cut to
    /// their first lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported:  {} of {} catalog files{}",
            self.imported,
            self.inputs,
            self.time(Phase::Import)
        )?;
        writeln!(
            f,
            "generated: {} of {} APIs, in {} crate{}{}",
            self.generated,
            self.imported,
            self.crates,
            if self.crates == 1 { "" } else { "s" },
            self.time(Phase::Generate)
        )?;
        writeln!(
            f,
            "compiled:  {} of {} APIs (cargo check, {} round{}){}",
            self.compiled,
            self.generated,
            self.check_rounds,
            if self.check_rounds == 1 { "" } else { "s" },
            self.time(Phase::Check)
        )?;
        if let Some(documented) = self.documented {
            writeln!(
                f,
                "documented: {documented} of {} APIs (cargo doc, RUSTDOCFLAGS=-D warnings){}",
                self.compiled,
                self.time(Phase::Doc)
            )?;
        }
        let total: Duration = self.times.iter().map(|(_, d)| *d).sum();
        writeln!(f, "total time: {:.1} s", total.as_secs_f64())?;
        if self.failures.is_empty() {
            writeln!(f, "no failures")?;
        } else {
            writeln!(f, "{} failure(s):", self.failures.len())?;
        }
        for failure in &self.failures {
            let mut lines = failure.reason.lines();
            writeln!(
                f,
                "  {}: {}: {}",
                failure.what,
                failure.phase,
                lines.next().unwrap_or_default()
            )?;
            let rest: Vec<&str> = lines.collect();
            for line in rest.iter().take(8) {
                writeln!(f, "      {line}")?;
            }
            if rest.len() > 8 {
                writeln!(f, "      … ({} more lines)", rest.len() - 8)?;
            }
        }
        // The closing line CI reads: APIs that passed every phase, and catalog files that did
        // not.
        let passed = self.documented.unwrap_or(self.compiled);
        writeln!(
            f,
            "check-catalog: {passed} passed, {} failed",
            self.inputs.saturating_sub(passed)
        )
    }
}
