//! Every generated crate could be published on crates.io as it is: at most 300 features and at
//! most 10 MiB compressed as a `.crate` — crates.io's limits — and each API is one feature of
//! exactly one crate, the one `generated/crates.txt` gives it; each TMC topic likewise of the
//! topic crate `generated/topics.txt` gives it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// crates.io refuses a crate with more features than this.
const MAX_FEATURES: usize = 300;
/// crates.io refuses a `.crate` bigger than this (the default `max_upload_size`).
const MAX_CRATE_BYTES: u64 = 10 * 1024 * 1024;

fn generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated")
}

/// The generated crates' folders.
fn crate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(generated())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The `[features]` table of a generated `Cargo.toml`: name → whether it is an API's (empty)
/// feature.
fn features(toml: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let mut in_features = false;
    for line in toml.lines() {
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if let Some((name, value)) = line.split_once(" = ") {
            out.insert(name.trim_matches('"').to_owned(), value == "[]");
        }
    }
    out
}

/// Every file of a folder, by path relative to it, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The size of the `.crate` cargo would make of `dir`, as cargo makes it: a tar (a 512-byte
/// header per file, contents padded to 512 bytes, two zero blocks at the end) of the crate's
/// files plus `Cargo.toml.orig`, gzip-compressed at the best level. Cargo's normalised
/// `Cargo.toml`, its `Cargo.lock` and VCS info add a few KiB at most, far below the margin
/// this test asserts.
fn packaged_size(dir: &Path) -> u64 {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut entries = files(dir);
    if let Some((_, toml)) = entries.iter().find(|(p, _)| p == "Cargo.toml") {
        entries.push(("Cargo.toml.orig".to_owned(), toml.clone()));
    }
    for (path, bytes) in &entries {
        let mut header = [0u8; 512];
        let name = path.as_bytes();
        header[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
        let size = format!("{:011o}\0", bytes.len());
        header[124..136].copy_from_slice(size.as_bytes());
        gz.write_all(&header).unwrap();
        gz.write_all(bytes).unwrap();
        gz.write_all(&vec![0u8; (512 - bytes.len() % 512) % 512])
            .unwrap();
    }
    gz.write_all(&[0u8; 1024]).unwrap();
    gz.finish().unwrap().len() as u64
}

#[test]
fn every_generated_crate_is_within_the_crates_io_limits() {
    let dirs = crate_dirs();
    assert!(dirs.len() > 100, "the catalog's crates: {}", dirs.len());
    let mut report = Vec::new();
    for dir in &dirs {
        let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let features = features(&toml);
        let size = packaged_size(dir);
        assert!(
            features.len() <= MAX_FEATURES,
            "{}: {} features, crates.io allows {MAX_FEATURES}",
            dir.display(),
            features.len()
        );
        assert!(
            size <= MAX_CRATE_BYTES,
            "{}: {size} bytes packaged, crates.io allows {MAX_CRATE_BYTES}",
            dir.display()
        );
        report.push((size, features.len(), dir.file_name().unwrap().to_owned()));
    }
    report.sort();
    let (size, _, name) = report.last().unwrap();
    let most = report.iter().map(|(_, f, _)| *f).max().unwrap();
    println!(
        "{} crates; biggest packaged: {name:?} {size} bytes ({:.1} % of the limit); most features: {most}",
        report.len(),
        *size as f64 * 100.0 / MAX_CRATE_BYTES as f64
    );
}

/// Each API is one empty feature of one crate, and that crate is the one `crates.txt` names;
/// `full` enables exactly the crate's APIs; one API per spec of `specs/`.
#[test]
fn each_api_is_one_feature_of_the_crate_the_layout_gives_it() {
    let api_crates: Vec<PathBuf> = crate_dirs()
        .into_iter()
        .filter(|d| !is_topic_crate(d))
        .collect();
    check_layout("crates.txt", &api_crates, "specs");
}

/// The same of the TMC topic crates (`tmc-*/`): each topic one feature of the crate
/// `topics.txt` names, `full` all of them, one topic per spec of `specs/tmc/`.
#[test]
fn each_topic_is_one_feature_of_the_crate_the_layout_gives_it() {
    let topic_crates: Vec<PathBuf> = crate_dirs()
        .into_iter()
        .filter(|d| is_topic_crate(d))
        .collect();
    assert!(
        topic_crates.len() > 40,
        "the topic crates: {}",
        topic_crates.len()
    );
    check_layout("topics.txt", &topic_crates, "specs/tmc");
}

fn is_topic_crate(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("tmc-"))
}

/// Each feature of `dirs`' crates but `full` and `default` (an API's or a topic's) is of one
/// crate, the one the layout file `layout` of `generated/` gives it; `full` enables each
/// crate's; there is one per spec of the folder `specs`.
fn check_layout(layout: &str, dirs: &[PathBuf], specs: &str) {
    let layout = std::fs::read_to_string(generated().join(layout)).unwrap();
    let mut by_layout: BTreeMap<String, String> = BTreeMap::new();
    let mut current = String::new();
    for line in layout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some(rest) = line.strip_prefix('[') {
            current = rest.split(']').next().unwrap().to_owned();
        } else {
            assert!(
                by_layout.insert(line.to_owned(), current.clone()).is_none(),
                "{line} twice"
            );
        }
    }
    let mut by_crates: BTreeMap<String, String> = BTreeMap::new();
    for dir in dirs {
        let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let package = toml
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_owned();
        let features = features(&toml);
        let items: Vec<&String> = features
            .iter()
            .filter(|(_, item)| **item)
            .map(|(n, _)| n)
            .collect();
        assert!(!items.is_empty(), "{package} has no feature of its own");
        for item in &items {
            assert!(
                by_crates.insert((*item).clone(), package.clone()).is_none(),
                "{item} is a feature of two crates"
            );
        }
        let full = toml
            .split("full = [")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap();
        assert_eq!(
            full.matches('"').count() / 2,
            items.len(),
            "{package}: `full` enables every feature"
        );
    }
    assert_eq!(by_crates, by_layout);
    let specs = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(specs))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(by_crates.len(), specs, "one feature per spec");
}
