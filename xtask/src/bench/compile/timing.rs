//! The timed runs: cargo on the scratch workspace, and the `RUSTC_WRAPPER` side of
//! `bench-compile` that times each `rustc` apart from cargo.

use super::Sample;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use topgen_spec::Error;

/// the wrapper appends `<crate name>\t<ms>` to for each crate it compiles.
pub const RUSTC_TIMES_VAR: &str = "TOPGEN_BENCH_RUSTC_TIMES";

/// The `RUSTC_WRAPPER` side of `bench-compile`: runs `rustc` with `args` (the wrapper's
/// arguments after its own name: the rustc program, then rustc's arguments), and appends the
/// crate it compiled and the wall time to `times`. Returns rustc's exit code.
pub fn wrap_rustc(args: &[std::ffi::OsString], times: &Path) -> i32 {
    let Some((rustc, rest)) = args.split_first() else {
        return 2;
    };
    let started = Instant::now();
    let status = Command::new(rustc).args(rest).status();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let crate_name = rest
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| rest.get(i + 1))
        .map(|n| n.to_string_lossy().into_owned());
    if let Some(name) = crate_name {
        use std::io::Write as _;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(times)
        {
            let _ = writeln!(f, "{name}\t{ms:.3}");
        }
    }
    match status {
        Ok(s) => s.code().unwrap_or(1),
        Err(e) => {
            eprintln!("bench-compile: cannot run {}: {e}", rustc.to_string_lossy());
            2
        }
    }
}

/// Cargo on the scratch workspace.
pub(super) struct Cargo {
    pub(super) program: PathBuf,
    pub(super) dir: PathBuf,
    pub(super) target: PathBuf,
    /// `RUSTC_WRAPPER` (this program) and the file it writes rustc times to.
    pub(super) wrapper: Option<(PathBuf, PathBuf)>,
}

impl Cargo {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(args);
        // As in `check-catalog`: variables cargo sets for the crate that runs this program
        // would make build scripts that watch them run again.
        crate::check_catalog::remove_crate_variables(&mut cmd);
        if let Some((program, times)) = &self.wrapper {
            cmd.env("RUSTC_WRAPPER", program)
                .env(RUSTC_TIMES_VAR, times);
        }
        cmd.current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs cargo; fails with its output when it fails.
    pub(super) fn run(&self, args: &[&str]) -> Result<(), Error> {
        let output = self
            .command(args)
            .output()
            .map_err(|e| Error::io(&self.program, e))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        Err(Error::Internal {
            path: self.dir.clone(),
            message: format!(
                "`cargo {}` failed ({}):\n{}",
                args.join(" "),
                output.status,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ),
        })
    }

    /// Times a cargo run: its wall time, and the wall time of the rustc of the crates whose
    /// targets are `runtime` and `generated` (from the wrapper's file).
    pub(super) fn time(
        &self,
        args: &[&str],
        runtime: &str,
        generated: &str,
    ) -> Result<Sample, Error> {
        if let Some((_, times)) = &self.wrapper {
            std::fs::write(times, "").map_err(|e| Error::io(times, e))?;
        }
        let started = Instant::now();
        self.run(args)?;
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        let mut sample = Sample {
            wall,
            ..Sample::default()
        };
        if let Some((_, times)) = &self.wrapper {
            let text = std::fs::read_to_string(times).map_err(|e| Error::io(times, e))?;
            for line in text.lines() {
                let Some((name, ms)) = line.split_once('\t') else {
                    continue;
                };
                let ms: f64 = ms.parse().unwrap_or(0.0);
                if name == runtime {
                    sample.runtime += ms;
                } else if name == generated {
                    sample.generated += ms;
                }
            }
        }
        Ok(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_times_rustc_and_passes_its_exit_code_on() {
        let dir = tempfile::tempdir().unwrap();
        let times = dir.path().join("times.txt");
        let args: Vec<std::ffi::OsString> = ["sh", "-c", "exit 3", "--crate-name", "my_crate"]
            .iter()
            .map(Into::into)
            .collect();
        assert_eq!(wrap_rustc(&args, &times), 3);
        let text = std::fs::read_to_string(&times).unwrap();
        let (name, ms) = text.trim().split_once('\t').unwrap();
        assert_eq!(name, "my_crate");
        assert!(ms.parse::<f64>().unwrap() >= 0.0);
        // A query without a crate (`rustc -vV`) is run but not recorded.
        let args: Vec<std::ffi::OsString> = ["true", "-vV"].iter().map(Into::into).collect();
        assert_eq!(wrap_rustc(&args, &times), 0);
        assert_eq!(std::fs::read_to_string(&times).unwrap().lines().count(), 1);
        assert_eq!(wrap_rustc(&[], &times), 2);
    }
}
