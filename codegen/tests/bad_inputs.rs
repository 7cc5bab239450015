//! The table of bad inputs of the generator: every spec case with its expected outcome —
//! refused with a message containing …, warned with a warning containing …, or accepted — and
//! what `codegen::generate` did with it, each case alone in a specs folder.
//!
//! The cases are the files of `tests/fixtures/bad-specs/` (the first line says what to expect:
//! `# expect: refused: <text>`, `# expect: warned: <text>` or `# expect: accepted`) and the
//! few below that are too big to commit (all refused). Every accepted or warned file case is
//! also compiled, in one crate, with warnings denied (`tests/tests/bad_inputs_compile.rs`).
//! `cargo test -p codegen --test bad_inputs -- --nocapture` prints the table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Refused(String),
    Warned(String),
    Accepted,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Refused(_) => "refused",
            Outcome::Warned(_) => "warned",
            Outcome::Accepted => "accepted",
        }
    }
    fn text(&self) -> &str {
        match self {
            Outcome::Refused(t) | Outcome::Warned(t) => t,
            Outcome::Accepted => "",
        }
    }
}

struct Case {
    name: String,
    expect: Outcome,
    /// Spec files (name, bytes) of the case's folder; none for the empty folder.
    files: Vec<(String, Vec<u8>)>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bad-specs")
}

fn parse_expect(line: &str) -> Option<Outcome> {
    let rest = line.strip_prefix("# expect: ")?.trim_end();
    if rest == "accepted" {
        return Some(Outcome::Accepted);
    }
    if let Some(t) = rest.strip_prefix("refused: ") {
        return Some(Outcome::Refused(t.to_owned()));
    }
    rest.strip_prefix("warned: ")
        .map(|t| Outcome::Warned(t.to_owned()))
}

fn file_cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let first = text.lines().next().unwrap_or_default();
            let expect = parse_expect(first)
                .unwrap_or_else(|| panic!("{}: no `# expect:` first line", path.display()));
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            Case {
                files: vec![(format!("{name}.yaml"), bytes)],
                name,
                expect,
            }
        })
        .collect()
}

fn refused(s: &str) -> Outcome {
    Outcome::Refused(s.to_owned())
}

/// Cases built here: too big to commit, or not a single spec file.
fn built_cases() -> Vec<Case> {
    let one = |name: &str, expect: Outcome, bytes: Vec<u8>| Case {
        name: name.to_owned(),
        expect,
        files: vec![(format!("{name}.yaml"), bytes)],
    };
    let params = |n: usize, pad: usize| {
        let mut s = String::from("name: topgen.bad.many.get\nrequest:\n");
        for i in 0..n {
            let _ = writeln!(
                s,
                "  - name: p{i}\n    type: String\n    description: {}",
                "d".repeat(pad)
            );
        }
        s.into_bytes()
    };
    let mut types = String::from("name: topgen.bad.types.get\nresponse:\n");
    for i in 0..1001 {
        let _ = writeln!(types, "  - name: f{i}\n    type: T{i}");
    }
    types.push_str("types:\n");
    for i in 0..1001 {
        let _ = writeln!(types, "  T{i}:\n    fields: []");
    }
    let flow = |depth: usize| {
        format!(
            "name: topgen.bad.flow.get\nexamples: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        )
        .into_bytes()
    };
    vec![
        Case {
            name: "c-empty-specs-folder".into(),
            expect: refused("has no spec"),
            files: Vec::new(),
        },
        Case {
            name: "c-folder-of-other-files-only".into(),
            expect: refused("has no spec"),
            files: vec![("README.md".into(), b"# specs\n".to_vec())],
        },
        one(
            "d-file-of-3-mib",
            refused("MAX_FILE_BYTES"),
            params(1, 3 << 20),
        ),
        one(
            "d-55-mb-of-params",
            refused("MAX_FILE_BYTES"),
            params(400_000, 100),
        ),
        one(
            "d-5-mb-of-params",
            refused("MAX_FILE_BYTES"),
            params(40_000, 80),
        ),
        one("d-6000-params", refused("MAX_FIELDS"), params(6000, 1)),
        one("d-1001-types", refused("MAX_TYPES"), types.into_bytes()),
        one("d-flow-nesting-40k", refused("MAX_DEPTH"), flow(40_000)),
        one("d-flow-nesting-33", refused("MAX_DEPTH"), flow(33)),
        one(
            "d-flow-nesting-30",
            refused("examples: invalid type: sequence"),
            flow(30),
        ),
        one(
            "d-200k-scalars",
            refused("MAX_NODES"),
            format!(
                "name: topgen.bad.nodes.get\nx: [{}]\n",
                vec!["1"; 200_001].join(",")
            )
            .into_bytes(),
        ),
        one(
            "b-not-utf8",
            refused("stream did not contain valid UTF-8"),
            b"name: topgen.bad.x.get\ntitle: \xff\xfe\n".to_vec(),
        ),
    ]
}

fn run(case: &Case) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    for (name, bytes) in &case.files {
        std::fs::write(specs.join(name), bytes).unwrap();
    }
    let out = dir.path().join("out");
    match codegen::generate(&specs, &out, &codegen::Options::default()) {
        Err(e) => Outcome::Refused(e.to_string()),
        Ok(generated) => {
            let mut warnings: Vec<String> = generated
                .misfits
                .iter()
                .map(|(path, m)| format!("{}: {m}", path.display()))
                .collect();
            warnings.extend(
                generated
                    .warnings
                    .iter()
                    .map(|(path, w)| format!("{}: {w}", path.display())),
            );
            warnings.extend(generated.untested.iter().map(|path| {
                format!(
                    "{}: no reply example, so the API gets no decode test",
                    path.display()
                )
            }));
            if warnings.is_empty() {
                Outcome::Accepted
            } else {
                Outcome::Warned(warnings.join("; "))
            }
        }
    }
}

fn fits(expect: &Outcome, got: &Outcome) -> bool {
    expect.label() == got.label() && got.text().contains(expect.text())
}

/// The largest resident set of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn short(text: &str, n: usize) -> String {
    let text = text.replace('\n', " ");
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

#[test]
fn bad_inputs_table() {
    let mut cases = file_cases();
    cases.extend(built_cases());
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut table = String::new();
    let _ = writeln!(
        table,
        "\ncodegen: bad inputs ({} cases)\n| # | case | expected | result | ok | ms |\n|---|---|---|---|---|---|",
        cases.len()
    );
    let mut failures = Vec::new();
    let (mut refused, mut warned, mut accepted) = (0, 0, 0);
    let mut slowest = Duration::ZERO;
    for (i, case) in cases.iter().enumerate() {
        let start = Instant::now();
        let got = run(case);
        let took = start.elapsed();
        slowest = slowest.max(took);
        match got {
            Outcome::Refused(_) => refused += 1,
            Outcome::Warned(_) => warned += 1,
            Outcome::Accepted => accepted += 1,
        }
        let ok = fits(&case.expect, &got) && took < Duration::from_secs(10);
        let expected = match &case.expect {
            Outcome::Accepted => "accepted".to_owned(),
            e => format!("{} `{}`", e.label(), short(e.text(), 50)),
        };
        let result = match &got {
            Outcome::Accepted => "accepted".to_owned(),
            g => format!("{}: {}", g.label(), short(g.text(), 110)),
        };
        let _ = writeln!(
            table,
            "| {} | {} | {expected} | {result} | {} | {} |",
            i + 1,
            case.name,
            if ok { "ok" } else { "FAIL" },
            took.as_millis()
        );
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {got:?} in {took:?}",
                case.name, case.expect
            ));
        }
    }
    let peak = peak_rss_mib();
    let _ = writeln!(
        table,
        "{} cases: {refused} refused, {warned} warned, {accepted} accepted; {} as expected; slowest {} ms; peak memory {} MiB",
        cases.len(),
        cases.len() - failures.len(),
        slowest.as_millis(),
        peak.map_or("?".to_owned(), |p| p.to_string())
    );
    println!("{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The largest inputs are refused before they are built: memory stays far below what they
    // would take (a 55 MB spec used to abort on allocation).
    if let Some(peak) = peak {
        assert!(peak < 400, "peak memory {peak} MiB");
    }
}
