//! `bench-gen` on a small catalog: every run is measured, the tables are printed, and the
//! regeneration with nothing changed is checked to write no file.

use std::path::Path;
use std::process::Command;

#[test]
fn bench_gen_measures_full_and_no_change_runs() {
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/catalog");
    let work = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_bench-gen"))
        .arg(&catalog)
        .args(["--sizes", "2,all", "--reps", "2", "--work"])
        .arg(work.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Two sizes × two modes × two rounds.
    assert_eq!(stdout.matches("  run ").count(), 8, "{stdout}");
    assert!(
        stdout.contains("import + generate from scratch (median (min–max) of 2 run(s))"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no-change runs wrote no file and changed no mtime: yes"),
        "{stdout}"
    );
    // The no-change runs rendered nothing and wrote nothing.
    for line in stdout.lines().filter(|l| l.contains(", again: ")) {
        assert!(line.ends_with(" 0 written, 0 changed"), "{line}");
    }
    // The scratch folder holds what was generated: specs and a crate per size.
    let files = std::fs::read_dir(catalog).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .path()
            .extension()
            .is_some_and(|x| x == "json")
    });
    let all = files.count();
    let specs = std::fs::read_dir(work.path().join(format!("n-{all}/specs")))
        .unwrap()
        .count();
    assert_eq!(specs, all);
    // The group crates, as `cargo run -p codegen` writes them: the layout, the index, a crate.
    let out = work.path().join(format!("n-{all}/out"));
    assert!(out.join("crates.txt").is_file() && out.join("INDEX.md").is_file());
    let layout = std::fs::read_to_string(out.join("crates.txt")).unwrap();
    let first = layout
        .lines()
        .find_map(|l| l.strip_prefix("[topgen-"))
        .and_then(|l| l.split(']').next())
        .expect("a crate");
    assert!(out.join(first).join("src/lib.rs").is_file(), "{layout}");
}

#[test]
fn bench_gen_refuses_bad_arguments() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bench-gen"))
            .args(args)
            .output()
            .unwrap()
    };
    let bad = run(&["x", "--sizes", "0"]);
    assert_eq!(bad.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected a number of APIs above 0"));
    let empty = tempfile::tempdir().unwrap();
    let none = run(&[empty.path().to_str().unwrap(), "--reps", "1"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no *.json files in this folder"));
}
