//! How a bench [`Report`] is printed: the generated crates, the timings of each variant and
//! what one API adds to the runtime.

use super::{Mode, Report, Variant};
use crate::bench::{Stats, table};

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stats = |v: Vec<f64>| Stats::of(&v);
        let show = |s: Option<Stats>| s.map_or_else(|| "–".into(), |s| s.show(0));
        let samples =
            |key: (usize, Mode, Variant)| self.times.get(&key).cloned().unwrap_or_default();
        let mut modes: Vec<Mode> = self.times.keys().map(|(_, m, _)| *m).collect();
        modes.sort();
        modes.dedup();
        writeln!(f, "generated crates:")?;
        let rows: Vec<Vec<String>> = self
            .crates
            .iter()
            .map(|(n, c)| {
                vec![
                    n.to_string(),
                    c.package.clone(),
                    c.lines.to_string(),
                    format!("{:.0}", c.bytes as f64 / 1024.0),
                    c.one.clone(),
                ]
            })
            .collect();
        f.write_str(&table(
            &["APIs", "package", "lines", "KiB", "the API enabled alone"],
            &rows,
        ))?;
        writeln!(
            f,
            "\nms, median (min–max); dependencies prebuilt, only the crates named rebuilt. `cargo`: the\n\
             command's wall time; `rustc`: the compiler's on the runtime / on the generated crate:"
        )?;
        let mut rows = Vec::new();
        for &mode in &modes {
            let runtime = samples((0, mode, Variant::Runtime));
            rows.push(vec![
                mode.name().into(),
                "runtime alone".into(),
                show(stats(runtime.iter().map(|s| s.wall).collect())),
                show(stats(runtime.iter().map(|s| s.runtime).collect())),
                String::new(),
                String::new(),
            ]);
            rows.push(vec![
                mode.name().into(),
                "nothing to do".into(),
                show(stats(self.noop.get(&mode).cloned().unwrap_or_default())),
                String::new(),
                String::new(),
                String::new(),
            ]);
            for &n in self.crates.keys() {
                for variant in [
                    Variant::RuntimeAndOne,
                    Variant::None,
                    Variant::One,
                    Variant::All,
                ] {
                    let v = samples((n, mode, variant));
                    if v.is_empty() {
                        continue;
                    }
                    let wall = stats(v.iter().map(|s| s.wall).collect());
                    let note = match variant {
                        Variant::RuntimeAndOne => stats(
                            v.iter()
                                .filter(|s| s.runtime > 0.0)
                                .map(|s| s.generated / s.runtime * 100.0)
                                .collect(),
                        )
                        .map_or_else(String::new, |s| {
                            format!("+{} % of the runtime's rustc", s.show(1))
                        }),
                        Variant::All => {
                            let all = stats(v.iter().map(|s| s.generated).collect());
                            let one = stats(
                                samples((n, mode, Variant::One))
                                    .iter()
                                    .map(|s| s.generated)
                                    .collect(),
                            );
                            match (all, one) {
                                (Some(a), Some(o)) if n > 1 => format!(
                                    "{:.1} ms/API ({:.1} over one)",
                                    a.median / n as f64,
                                    (a.median - o.median) / (n - 1) as f64
                                ),
                                (Some(a), _) => format!("{:.1} ms/API", a.median / n as f64),
                                _ => String::new(),
                            }
                        }
                        _ => String::new(),
                    };
                    let rustc = match variant {
                        Variant::RuntimeAndOne => format!(
                            "{} + {}",
                            show(stats(v.iter().map(|s| s.runtime).collect())),
                            show(stats(v.iter().map(|s| s.generated).collect()))
                        ),
                        _ => show(stats(v.iter().map(|s| s.generated).collect())),
                    };
                    rows.push(vec![
                        mode.name().into(),
                        format!("{n} APIs: {}", variant.label()),
                        show(wall),
                        rustc,
                        note,
                        String::new(),
                    ]);
                }
            }
        }
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut r| {
                r.truncate(5);
                r
            })
            .collect();
        f.write_str(&table(
            &["", "what is built", "cargo", "rustc", "note"],
            &rows,
        ))?;
        if self.cold.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "\ncold builds (empty target dir, every dependency built), wall ms, median (min–max);\n\
             the extra cost of one API over the runtime alone is the median of the per-round shares:"
        )?;
        let mut rows = Vec::new();
        for &mode in &modes {
            let runtime = self.cold.get(&(mode, Variant::Runtime));
            let one = self.cold.get(&(mode, Variant::RuntimeAndOne));
            let (Some(runtime), Some(one)) = (runtime, one) else {
                continue;
            };
            let shares: Vec<f64> = runtime
                .iter()
                .zip(one)
                .map(|(r, o)| (o - r) / r * 100.0)
                .collect();
            let api = self.crates.values().next().map_or("", |c| c.one.as_str());
            rows.push(vec![
                mode.name().into(),
                "runtime alone".into(),
                show(stats(runtime.clone())),
                String::new(),
            ]);
            rows.push(vec![
                mode.name().into(),
                format!("runtime + {api}"),
                show(stats(one.clone())),
                stats(shares).map_or_else(String::new, |s| format!("{:+.1} %", s.median)),
            ]);
        }
        f.write_str(&table(&["", "what is built", "cargo", "extra"], &rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::compile::{Crate, Sample};

    #[test]
    fn the_report_compares_within_each_run() {
        let mut report = Report::default();
        report.crates.insert(
            10,
            Crate {
                package: "bench-n10".into(),
                apis: 10,
                one: "taobao.a.b".into(),
                lines: 100,
                bytes: 4096,
            },
        );
        let s = |wall, runtime, generated| Sample {
            wall,
            runtime,
            generated,
        };
        let m = Mode::Build;
        report
            .times
            .insert((0, m, Variant::Runtime), vec![s(3000.0, 2500.0, 0.0)]);
        report.times.insert(
            (10, m, Variant::RuntimeAndOne),
            vec![s(3300.0, 2000.0, 200.0), s(3400.0, 3000.0, 150.0)],
        );
        report
            .times
            .insert((10, m, Variant::One), vec![s(400.0, 0.0, 100.0)]);
        report
            .times
            .insert((10, m, Variant::All), vec![s(1200.0, 0.0, 1000.0)]);
        report.noop.insert(m, vec![200.0]);
        let text = report.to_string();
        // 200/2000 = 10 %, 150/3000 = 5 %: the median of the per-run shares.
        assert!(
            text.contains("+7.5 (5.0–10.0) % of the runtime's rustc"),
            "{text}"
        );
        // 1000 ms for 10 APIs; (1000 - 100) / 9 over one.
        assert!(text.contains("100.0 ms/API (100.0 over one)"), "{text}");
        assert!(text.contains("bench-n10"), "{text}");
        assert!(!text.contains("cold builds"), "{text}");
        // Cold builds: 1000 → 1100 and 2000 → 2020 ms: +10 % and +1 %, median 5.5 %.
        report
            .cold
            .insert((m, Variant::Runtime), vec![1000.0, 2000.0]);
        report
            .cold
            .insert((m, Variant::RuntimeAndOne), vec![1100.0, 2020.0]);
        let text = report.to_string();
        assert!(text.contains("cold builds"), "{text}");
        assert!(text.contains("runtime + taobao.a.b"), "{text}");
        assert!(text.contains("+5.5 %"), "{text}");
    }
}
