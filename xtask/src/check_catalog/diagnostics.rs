//! Cargo's JSON messages (`--message-format=json`) → which generated API each diagnostic is
//! about.
//!
//! A diagnostic belongs to the API whose module file (`src/<module>.rs` of a generated crate)
//! holds its primary span, else any other span, else a macro call site its spans expand from.
//! A span in `src/lib.rs` belongs to the API whose module, request or response name is on the
//! line it points at (`pub mod <module>;`, `pub use <module>::{…}`, or a re-exported name). Anything else belongs to the crate as a whole, or,
//! when it comes from another package (the runtime), to no generated crate at all.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A compile error.
    Error,
    /// A warning (generated code is meant to have none).
    Warning,
}

/// One compiler diagnostic and where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The target (library) name of the package it came from (`catalog_chunk_003`).
    pub target: String,
    /// The generated module it is about, when it could be told.
    pub module: Option<String>,
    /// Error or warning.
    pub level: Level,
    /// The compiler's rendered text (`error[E0412]: cannot find type …` with the source lines).
    pub text: String,
}

impl Diagnostic {
    /// The first line of the rendered text (`error[E0412]: cannot find type `X` in this scope`).
    pub fn headline(&self) -> &str {
        self.text.lines().next().unwrap_or_default().trim()
    }
}

/// What one cargo run said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CargoOutput {
    /// Diagnostics in the order cargo printed them (summaries such as "aborting due to 2
    /// previous errors" left out).
    pub diagnostics: Vec<Diagnostic>,
    /// Target names of the packages that were built (a `compiler-artifact` message).
    pub built: BTreeSet<String>,
    /// Cargo's `build-finished` verdict, when it got that far.
    pub success: Option<bool>,
    /// Lines of standard output that were not JSON messages.
    pub other_lines: Vec<String>,
}

/// For each generated crate (by target name), the names that tell its APIs apart: each API's
/// module name, request type and response type, mapped to the module.
pub type Names = BTreeMap<String, BTreeMap<String, String>>;

/// Reads cargo's JSON messages. `names` says which packages are generated crates and what
/// their APIs are called; diagnostics of other packages keep `module: None`.
pub fn parse_cargo_json(stdout: &str, modules: &Names) -> CargoOutput {
    let mut out = CargoOutput::default();
    for line in stdout.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Ok(message) = serde_json::from_str::<Value>(trimmed) else {
            out.other_lines.push(line.to_owned());
            continue;
        };
        if let Some(d) = read_message(&message, modules) {
            out.diagnostics.push(d);
            continue;
        }
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(name) = message["target"]["name"].as_str() {
                    out.built.insert(name.to_owned());
                }
            }
            Some("build-finished") => out.success = message["success"].as_bool(),
            _ => {}
        }
    }
    out
}

/// One JSON message as a [`Diagnostic`], if it is a compiler error or warning worth reporting.
pub fn read_message(message: &Value, modules: &Names) -> Option<Diagnostic> {
    if message["reason"].as_str() != Some("compiler-message") {
        return None;
    }
    let target = message["target"]["name"].as_str().unwrap_or_default();
    let diag = &message["message"];
    let level = match diag["level"].as_str()? {
        "error" | "error: internal compiler error" => Level::Error,
        "warning" => Level::Warning,
        _ => return None,
    };
    let text = diag["message"].as_str().unwrap_or_default();
    if is_summary(text) && spans(diag).next().is_none() {
        return None;
    }
    let rendered = diag["rendered"]
        .as_str()
        .map(|r| r.trim_end().to_owned())
        .unwrap_or_else(|| text.to_owned());
    let module = modules.get(target).and_then(|mods| module_of(diag, mods));
    Some(Diagnostic {
        target: target.to_owned(),
        module,
        level,
        text: rendered,
    })
}

/// rustc's closing lines, which repeat what the diagnostics before them said.
fn is_summary(text: &str) -> bool {
    text.starts_with("aborting due to")
        || (text.contains("warning") && text.ends_with("emitted"))
        || text.starts_with("Some errors have detailed explanations")
        || text.starts_with("For more information about")
}

fn spans(diag: &Value) -> impl Iterator<Item = &Value> {
    diag["spans"].as_array().into_iter().flatten()
}

/// The module a diagnostic is about: primary spans first, then the other spans, then the
/// macro call sites they expand from, then the spans of its notes.
fn module_of(diag: &Value, modules: &BTreeMap<String, String>) -> Option<String> {
    let mut candidates: Vec<&Value> = spans(diag)
        .filter(|s| s["is_primary"].as_bool() == Some(true))
        .collect();
    candidates.extend(spans(diag).filter(|s| s["is_primary"].as_bool() != Some(true)));
    let mut i = 0;
    while i < candidates.len() {
        let span = candidates[i];
        if let Some(m) = span_module(span, modules) {
            return Some(m);
        }
        let call_site = &span["expansion"]["span"];
        if call_site.is_object() && candidates.len() < 256 {
            candidates.push(call_site);
        }
        i += 1;
    }
    diag["children"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|child| module_of(child, modules))
}

fn span_module(span: &Value, modules: &BTreeMap<String, String>) -> Option<String> {
    let file = Path::new(span["file_name"].as_str()?);
    let in_src = file
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "src");
    if !in_src || file.extension().is_none_or(|e| e != "rs") {
        return None;
    }
    let stem = file.file_stem()?.to_str()?;
    if stem != "lib" {
        return modules.get(stem).filter(|m| *m == stem).cloned();
    }
    span["text"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["text"].as_str())
        .find_map(|line| module_in_lib_line(line, modules))
}

/// The first name on a line of `lib.rs` that belongs to an API: `pub mod foo;`,
/// `pub use foo::{FooRequest, …}` or a re-exported `FooRequest,` on a line of its own.
fn module_in_lib_line(line: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find_map(|word| modules.get(word))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lib_lines() {
        let names: BTreeMap<String, String> = [
            ("taobao_a_b", "taobao_a_b"),
            ("ABRequest", "taobao_a_b"),
            ("ABResponse", "taobao_a_b"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let m = |line| module_in_lib_line(line, &names);
        assert_eq!(m("pub mod taobao_a_b;").as_deref(), Some("taobao_a_b"));
        assert_eq!(
            m("  pub use taobao_a_b::{ABRequest, X};").as_deref(),
            Some("taobao_a_b")
        );
        assert_eq!(m("    ABResponse,").as_deref(), Some("taobao_a_b"));
        assert_eq!(m("#![forbid(unsafe_code)]"), None);
        assert_eq!(m("pub use topgen_runtime;"), None);
    }

    #[test]
    fn summaries_are_skipped_and_other_levels_ignored() {
        let modules = BTreeMap::new();
        let lines = [
            r#"{"reason":"compiler-message","target":{"name":"x"},"message":{"level":"error","message":"aborting due to 2 previous errors","spans":[],"children":[],"rendered":"error: aborting due to 2 previous errors\n"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"x"},"message":{"level":"warning","message":"3 warnings emitted","spans":[],"children":[],"rendered":"warning: 3 warnings emitted\n"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"x"},"message":{"level":"note","message":"n","spans":[],"children":[],"rendered":"note: n\n"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"x"},"message":{"level":"error","message":"boom","spans":[],"children":[],"rendered":"error: boom\n"}}"#,
            "not json",
            r#"{"reason":"build-finished","success":false}"#,
        ];
        let out = parse_cargo_json(&lines.join("\n"), &modules);
        assert_eq!(out.diagnostics.len(), 1, "{out:?}");
        assert_eq!(out.diagnostics[0].headline(), "error: boom");
        assert_eq!(out.diagnostics[0].module, None);
        assert_eq!(out.success, Some(false));
        assert_eq!(out.other_lines, ["not json"]);
    }
}
