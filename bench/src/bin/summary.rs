//! Summarises the last `cargo bench -p topgen-bench --bench client` run from criterion's
//! sample files (`target/criterion/<group>/<bench>/new/sample.json`): per benchmark the
//! minimum, median and maximum time of one iteration over criterion's samples, then the
//! ratios the targets are about (see BENCHMARKS.md).
//!
//! `cargo run --release -p topgen-bench --bin summary [-- target/criterion]`

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use topgen_bench::Summary;

/// criterion's `sample.json`: the iteration count and total time (ns) of each sample.
#[derive(serde::Deserialize)]
struct Samples {
    iters: Vec<f64>,
    times: Vec<f64>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/criterion"));
    let mut found: BTreeMap<String, Summary> = BTreeMap::new();
    collect(&root, &root, &mut found)?;
    if found.is_empty() {
        return Err(format!(
            "no criterion samples under {} (run `cargo bench -p topgen-bench --bench client` first)",
            root.display()
        )
        .into());
    }
    println!("machine: {}", topgen_bench::machine());
    println!();
    println!("| bench | min | median | max |");
    println!("|---|---:|---:|---:|");
    for (name, s) in &found {
        println!(
            "| `{name}` | {} | {} | {} |",
            time(s.min),
            time(s.median),
            time(s.max)
        );
    }
    println!();
    println!("| ratio (medians; min/min … max/max) | value | target |");
    println!("|---|---:|---|");
    for format in ["json", "simplified-json", "xml"] {
        for group in ["decode_gettoken", "decode_list_10k"] {
            ratio(
                &found,
                &format!("{group}/{format}"),
                &format!("{group}/serde_json_plain"),
                "≤ 2× plain serde_json",
                2.0,
            );
        }
    }
    for format in ["json", "simplified-json", "xml"] {
        let name = format!("call_gettoken/{format}");
        if let Some(s) = found.get(&name) {
            println!(
                "| `{name}` (sign + encode + decode) | {} | < 5 µs: {} |",
                time(s.median),
                if s.median < 5_000.0 { "met" } else { "NOT met" }
            );
        }
    }
    Ok(())
}

/// Every `new/sample.json` under `dir`, named by its path from `root`.
fn collect(
    root: &Path,
    dir: &Path,
    found: &mut BTreeMap<String, Summary>,
) -> Result<(), Box<dyn std::error::Error>> {
    let sample = dir.join("new/sample.json");
    if sample.is_file() {
        let text = std::fs::read_to_string(&sample)?;
        let samples: Samples = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a criterion sample file: {e}", sample.display()))?;
        let per_iter: Vec<f64> = samples
            .iters
            .iter()
            .zip(&samples.times)
            .filter(|(n, _)| **n > 0.0)
            .map(|(n, t)| t / n)
            .collect();
        if let Some(s) = Summary::of(&per_iter) {
            let name = dir
                .strip_prefix(root)
                .unwrap_or(dir)
                .to_string_lossy()
                .into_owned();
            found.insert(name, s);
        }
        return Ok(());
    }
    if !dir.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "report"))
        .collect();
    entries.sort();
    for entry in entries {
        collect(root, &entry, found)?;
    }
    Ok(())
}

fn ratio(found: &BTreeMap<String, Summary>, num: &str, den: &str, target: &str, max: f64) {
    let (Some(n), Some(d)) = (found.get(num), found.get(den)) else {
        return;
    };
    let median = n.median / d.median;
    println!(
        "| `{num}` / `{den}` | {median:.2} ({:.2} … {:.2}) | {target}: {} |",
        n.min / d.min,
        n.max / d.max,
        if median <= max { "met" } else { "NOT met" }
    );
}

/// A time in ns, in the unit that suits it.
fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
