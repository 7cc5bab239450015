//! The benchmarks behind `bench-gen` and `bench-compile` (see `BENCHMARKS.md`): what they
//! measure lives here, the binaries only parse arguments.
//!
//! [`generation`] times `import` + `generate` of catalog APIs, each size in a process of its own so
//! that its peak memory is its own, and a regeneration with nothing changed (which must
//! write no file). [`compile`] times `cargo check` and `cargo build` of generated crates.
//! Both repeat each measurement and report min, median and max: the machines they run on are
//! shared and noisy, so the sizes and variants they compare are measured in turns within one
//! run.

pub mod compile;
pub mod generation;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;
use topgen_spec::Error;

/// Min, median and max of repeated measurements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The smallest.
    pub min: f64,
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The largest.
    pub max: f64,
}

impl Stats {
    /// The stats of `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Stats {
            min: v[0],
            median,
            max: v[n - 1],
        })
    }

    /// `median (min–max)` with `decimals` decimals.
    pub fn show(&self, decimals: usize) -> String {
        format!(
            "{:.d$} ({:.d$}–{:.d$})",
            self.median,
            self.min,
            self.max,
            d = decimals
        )
    }
}

/// `n` of `items` spread evenly over the whole list (the first, then every `len/n`-th), so
/// that a sample of a sorted catalog is not all of one platform's APIs. All of them when `n`
/// is at least their number.
pub fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    let len = items.len();
    if n >= len {
        return items.to_vec();
    }
    (0..n).map(|i| items[i * len / n].clone()).collect()
}

/// The peak resident memory of this process so far (`VmHWM`), in KiB; `None` where
/// `/proc/self/status` does not tell (not Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The CPU time (user + system, all threads) of this process so far, from `/proc/self/stat`
/// (in clock ticks of 1/100 s, Linux's fixed `USER_HZ`); `None` elsewhere.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name is in parentheses and may hold spaces: count fields after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// What the machine is: cores, the 1-minute load average, and the CPU model.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let kib: u64 = m
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some(format!(", {:.0} GiB", kib as f64 / 1024.0 / 1024.0))
        })
        .unwrap_or_default();
    format!("{cores} cores ({cpu}){mem}, load average {load}")
}

/// The 1-minute load average, when the system tells.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Every file under `dir` (recursively) with its modification time, sorted by path.
pub fn mtimes(dir: &Path) -> Result<Vec<(PathBuf, std::time::SystemTime)>, Error> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let path = entry.path();
            let meta = entry.metadata().map_err(|e| Error::io(&path, e))?;
            if meta.is_dir() {
                stack.push(path);
            } else {
                let modified = meta.modified().map_err(|e| Error::io(&path, e))?;
                out.push((path, modified));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files whose presence or modification time differs between two [`mtimes`] lists.
pub fn changed_files(
    before: &[(PathBuf, std::time::SystemTime)],
    after: &[(PathBuf, std::time::SystemTime)],
) -> Vec<PathBuf> {
    let old: std::collections::BTreeMap<&PathBuf, &std::time::SystemTime> =
        before.iter().map(|(p, t)| (p, t)).collect();
    let new: std::collections::BTreeMap<&PathBuf, &std::time::SystemTime> =
        after.iter().map(|(p, t)| (p, t)).collect();
    let mut changed: Vec<PathBuf> = old
        .iter()
        .filter(|(p, t)| new.get(*p) != Some(*t))
        .map(|(p, _)| (*p).clone())
        .collect();
    changed.extend(
        new.keys()
            .filter(|p| !old.contains_key(*p))
            .map(|p| (*p).clone()),
    );
    changed.sort();
    changed
}

/// A plain-text table: a header row and rows, columns padded to their widest cell (the
/// first column left-aligned, the others right-aligned).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            width[i] = width[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: Vec<&str>| {
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i] - cell.chars().count();
            if i == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
    };
    line(&mut out, header.to_vec());
    for row in rows {
        line(&mut out, row.iter().map(String::as_str).collect());
    }
    out
}

pub use crate::{default_scratch, workspace_root};

/// How a bench binary ends: the report and the load average at the end on `out`, exit status
/// 0 if `passed` says so, else 1; or the error ([`crate::fail`]).
pub fn finish<R: std::fmt::Display>(
    out: &mut dyn std::io::Write,
    result: Result<R, Error>,
    passed: impl FnOnce(&R) -> bool,
) -> std::process::ExitCode {
    match result {
        Ok(report) => {
            let _ = writeln!(out, "\n{report}");
            let _ = writeln!(
                out,
                "load average at the end: {}",
                load_average().map_or_else(|| "?".into(), |l| format!("{l:.2}"))
            );
            if passed(&report) {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => crate::fail(out, &e),
    }
}

/// Parses a list of sizes such as `100,1000,all` (`all` = `usize::MAX`).
pub fn parse_sizes(text: &str) -> Result<Vec<usize>, String> {
    let mut sizes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let n = if part.eq_ignore_ascii_case("all") {
            usize::MAX
        } else {
            part.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{part:?}: expected a number of APIs above 0 or `all`"))?
        };
        sizes.push(n);
    }
    if sizes.is_empty() {
        return Err("no sizes; expected e.g. `100,1000,all`".into());
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats() {
        let s = Stats::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(Stats::of(&[4.0, 1.0]).unwrap().median, 2.5);
        assert_eq!(Stats::of(&[]), None);
        assert_eq!(s.show(1), "2.0 (1.0–3.0)");
    }

    #[test]
    fn spread_covers_the_list() {
        let items: Vec<usize> = (0..10).collect();
        assert_eq!(spread(&items, 3), [0, 3, 6]);
        assert_eq!(spread(&items, 10), items);
        assert_eq!(spread(&items, 50), items);
        assert_eq!(spread(&items, 1), [0]);
    }

    #[test]
    fn this_process_is_measured() {
        assert!(peak_rss_kib().is_some_and(|k| k > 100));
        let busy = std::time::Instant::now();
        let mut x = 0u64;
        while busy.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(cpu_time().is_some_and(|t| t >= Duration::from_millis(10)));
    }

    #[test]
    fn changed_files_sees_new_removed_and_touched() {
        let t0 = std::time::SystemTime::UNIX_EPOCH;
        let t1 = t0 + Duration::from_secs(1);
        let before = vec![("a".into(), t0), ("b".into(), t0), ("c".into(), t0)];
        let after = vec![("a".into(), t0), ("b".into(), t1), ("d".into(), t0)];
        let changed = changed_files(&before, &after);
        assert_eq!(
            changed,
            ["b", "c", "d"].map(PathBuf::from).to_vec(),
            "touched, removed, new"
        );
        assert!(changed_files(&before, &before).is_empty());
    }

    #[test]
    fn sizes() {
        assert_eq!(
            parse_sizes("100, 1000,all").unwrap(),
            [100, 1000, usize::MAX]
        );
        assert!(parse_sizes("0").is_err());
        assert!(parse_sizes("x").is_err());
        assert!(parse_sizes("").is_err());
    }

    #[test]
    fn tables_align() {
        let t = table(
            &["size", "ms"],
            &[
                vec!["a".into(), "1".into()],
                vec!["bb".into(), "100".into()],
            ],
        );
        assert_eq!(t, "size   ms\na       1\nbb    100\n");
    }
}
