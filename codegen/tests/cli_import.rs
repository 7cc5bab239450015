//! The `codegen` binary's `import` subcommand (catalog JSON and doc pages into a specs
//! folder) and its warnings about reply examples that misfit their spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/catalog")
}

fn pages_dir() -> PathBuf {
    root().join("tests/fixtures/pages")
}

fn catalog_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

const SPEC: &str = "
name: topgen.check.get
response:
  - name: total
    type: Number
  - name: shop
    type: Shop
types:
  Shop:
    fields:
      - name: name
        type: String
";

fn response_json(inner: &str) -> String {
    format!(r#"{{"topgen_check_get_response": {{{inner}}}}}"#)
}

fn response_xml(inner: &str) -> String {
    format!("<topgen_check_get_response>{inner}</topgen_check_get_response>")
}

fn run_import(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("import")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_imports_folders_writes_only_changes_and_reports() {
    let out = tempfile::tempdir().unwrap();
    let first = run_import(&[&fixtures(), Path::new("--out"), out.path()]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{stdout}");
    assert_eq!(
        stdout.matches(": imported").count(),
        catalog_files().len(),
        "{stdout}"
    );
    assert!(stdout.contains("imported with 1 warning\n"), "{stdout}");
    let written = out
        .path()
        .join("alibaba.ailabs.tmallgenie.auth.device.withdeviceid.get.yaml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with("# alibaba.ailabs.tmallgenie.auth.device.withdeviceid.get"));
    assert!(text.contains("Result2"), "warnings are in the header");
    let mtime = std::fs::metadata(&written).unwrap().modified().unwrap();

    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = run_import(&[&fixtures(), Path::new("--out"), out.path()]);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(&written).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&written).unwrap().modified().unwrap(),
        mtime
    );

    // The written specs are a valid specs folder.
    let apis = codegen::load_apis(out.path()).unwrap();
    assert_eq!(apis.len(), catalog_files().len());
}

#[test]
fn cli_reports_failures_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"name\": ").unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, "<html></html>").unwrap();
    // A name the importer reads but the generator cannot use (an empty word).
    let dashed = dir.path().join("dashed.json");
    std::fs::write(
        &dashed,
        "{\"name\": \"slb.aliyuncs..Describe\", \"requestParams\": []}",
    )
    .unwrap();
    let good = fixtures().join("taobao.openim.tribelogs.get.json");
    let out = dir.path().join("out");
    let output = run_import(&[&bad, &page, &dashed, &good, Path::new("--out"), &out]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches(": failed: ").count(), 3, "{stdout}");
    assert!(
        stdout.contains("page.html: failed: not a TOP API doc page"),
        "{stdout}"
    );
    assert!(stdout.contains("invalid API name"), "{stdout}");
    assert!(
        stdout.contains("taobao.openim.tribelogs.get.json: imported\n"),
        "{stdout}"
    );
    let written: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(written.len(), 1, "failed inputs write nothing");
}

#[test]
fn cli_keeps_a_hand_corrected_spec_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixtures().join("taobao.openim.tribelogs.get.json");
    let out = dir.path().join("out");
    assert!(
        run_import(&[&good, Path::new("--out"), &out])
            .status
            .success()
    );
    let spec = out.join("taobao.openim.tribelogs.get.yaml");
    let imported = std::fs::read_to_string(&spec).unwrap();
    assert!(
        imported
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("# body hash: ")
    );
    // Corrected by hand: the next import keeps it and says how to replace it.
    let corrected = imported.replacen("type: String", "type: Number", 1);
    assert_ne!(corrected, imported);
    std::fs::write(&spec, &corrected).unwrap();
    let again = run_import(&[&good, Path::new("--out"), &out]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("{}", spec.display())), "{stdout}");
    assert!(stdout.contains("was edited since"), "{stdout}");
    assert!(stdout.contains("--force"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), corrected);
    // With --force it is replaced by the import.
    let forced = run_import(&[&good, Path::new("--out"), &out, Path::new("--force")]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stdout)
    );
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), imported);
}

#[test]
fn cli_two_catalog_entries_of_one_api_fail_the_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixtures().join("taobao.openim.tribelogs.get.json");
    let copy = dir.path().join("copy.json");
    std::fs::copy(&good, &copy).unwrap();
    let out = dir.path().join("out");
    let output = run_import(&[&good, &copy, Path::new("--out"), &out]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("taobao.openim.tribelogs.get.json: imported\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("copy.json: failed: ")
            && stdout.contains("taobao.openim.tribelogs.get.yaml was already imported from"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn cli_a_catalog_entry_and_a_page_of_one_api_merge_two_pages_do_not() {
    let api = "alibaba.wdk.shop.query";
    let catalog = root().join(format!("tests/fixtures/catalog-sample/{api}.json"));
    let page = pages_dir().join(format!("{api}.txt"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.txt");
    std::fs::copy(&page, &copy).unwrap();
    let out = dir.path().join("out");
    let output = run_import(&[&page, &catalog, &copy, Path::new("--out"), &out]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The page and the catalog entry merge into one spec; the second page fails.
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{api}.txt: imported (merged with {}) with ",
            catalog.display()
        )),
        "{stdout}"
    );
    let spec = out.join(format!("{api}.yaml"));
    assert!(
        stdout.contains(&format!(
            "{api}.json: merged with {} into {}\n",
            page.display(),
            spec.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("copy.txt: failed: ")
            && stdout.contains(&format!(
                "{api}.yaml was already imported from {} and {}",
                page.display(),
                catalog.display()
            )),
        "{stdout}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    let text = std::fs::read_to_string(&spec).unwrap();
    assert!(
        text.starts_with(&format!(
            "# {api} — imported from {api}.json (catalog entry) merged with {api}.txt (doc page) by `codegen import`.\n"
        )),
        "{text}"
    );
    // The catalog's doc id, the page's param example (the page is cut off before its reply
    // examples); a valid specs folder.
    assert!(text.contains("\ndoc_id: 38925\n"), "{text}");
    assert!(text.contains("    example: \"10010\"\n"), "{text}");
    assert_eq!(codegen::load_apis(&out).unwrap().len(), 1);
}

#[test]
fn cli_imports_page_folders_and_reports() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["import"])
        .arg(pages_dir())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert_eq!(stdout.matches(": imported with ").count(), 43, "{stdout}");
    assert!(
        !stdout.contains("README"),
        "the folder's README is not an input"
    );
    assert!(
        stdout.contains("taobao.wdk.iot.wombat.common.gettoken.txt: imported with 5 warnings\n  warning: line 59: the page's `└` marks put `success` in `data`"),
        "{stdout}"
    );
    let written = out
        .path()
        .join("taobao.wdk.iot.wombat.common.gettoken.yaml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with(
        "# taobao.wdk.iot.wombat.common.gettoken — imported from taobao.wdk.iot.wombat.common.gettoken.txt by `codegen import`.\n# body hash: "
    ));
    assert!(
        text.lines().nth(2) == Some("# Importer warnings (guesses and repairs of the source):"),
        "{text}"
    );
    // The written folder is a valid specs folder.
    assert_eq!(codegen::load_apis(out.path()).unwrap().len(), 43);

    // A bad input fails with exit code 1 and a reason; the good ones are still written.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, b"\x00\x01binary").unwrap();
    let good = pages_dir().join("taobao.time.get.txt");
    let out2 = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("import")
        .arg(&junk)
        .arg(&good)
        .arg("--out")
        .arg(&out2)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("junk.txt: failed: "), "{stdout}");
    assert!(stdout.contains("binary data"), "{stdout}");
    assert!(
        stdout.contains("taobao.time.get.txt: imported with "),
        "{stdout}"
    );
    assert!(out2.join("taobao.time.get.yaml").is_file());
}

/// Every file of a folder by name, with its bytes and modification time (none if there is no
/// folder): what a run that writes nothing leaves as it was.
fn folder_state(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| {
            let path = e.unwrap().path();
            let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, (std::fs::read(&path).unwrap(), mtime))
        })
        .collect()
}

fn spec_of(out: &Path, input: &Path) -> PathBuf {
    let name = input.file_stem().unwrap().to_string_lossy();
    out.join(format!("{name}.yaml"))
}

#[test]
fn cli_prune_removes_unedited_importer_specs_no_input_produces_and_keeps_hand_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let [kept_input, gone, edited] = [
        "taobao.openim.tribelogs.get.json",
        "tmall.item.desc.modules.get.json",
        "taobao.miniapp.items.get.json",
    ]
    .map(|f| fixtures().join(f));
    let first = run_import(&[&kept_input, &gone, &edited, Path::new("--out"), &out]);
    assert!(first.status.success(), "{first:?}");
    // One spec corrected by hand, one written by hand, a file that is no spec.
    let edited_spec = spec_of(&out, &edited);
    let corrected =
        std::fs::read_to_string(&edited_spec)
            .unwrap()
            .replacen("type: String", "type: Number", 1);
    std::fs::write(&edited_spec, &corrected).unwrap();
    let hand_written = out.join("taobao.mine.get.yaml");
    std::fs::write(&hand_written, "name: taobao.mine.get\n").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = folder_state(&out);

    // Only the first input is left: the second's spec goes, the hand ones stay.
    let run = run_import(&[&kept_input, Path::new("--out"), &out, Path::new("--prune")]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    let gone_spec = spec_of(&out, &gone);
    assert_eq!(
        stdout,
        format!(
            "{}: imported\nremoved {}: no input produces it\n",
            kept_input.display(),
            gone_spec.display()
        )
    );
    let mut expected = before;
    expected.remove("tmall.item.desc.modules.get.yaml").unwrap();
    assert_eq!(folder_state(&out), expected, "only the pruned spec changed");
    assert_eq!(std::fs::read_to_string(&edited_spec).unwrap(), corrected);
}

#[test]
fn cli_prune_removes_nothing_while_an_input_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let [good, other] = [
        "taobao.openim.tribelogs.get.json",
        "tmall.item.desc.modules.get.json",
    ]
    .map(|f| fixtures().join(f));
    assert!(
        run_import(&[&good, &other, Path::new("--out"), &out])
            .status
            .success()
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"name\": ").unwrap();
    let before = folder_state(&out);
    // The failed input may be the one that produces `other`'s spec.
    for check in [false, true] {
        let mut args = vec![
            &*good,
            &*bad,
            Path::new("--out"),
            &*out,
            Path::new("--prune"),
        ];
        if check {
            args.push(Path::new("--check"));
        }
        let run = run_import(&args);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert_eq!(run.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("bad.json: failed: "), "{stdout}");
        assert!(
            stdout.contains(&format!(
                "{}: no spec is pruned while an input fails (1 failed)",
                out.display()
            )),
            "{stdout}"
        );
        assert!(
            !stdout.contains("removed ") && !stdout.contains("extra "),
            "{stdout}"
        );
        assert_eq!(folder_state(&out), before);
    }
}

#[test]
fn cli_a_spec_written_or_edited_by_hand_fails_its_input_but_is_kept_with_prune() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // The hand-checked spec of the repository (no importer header) and its page; a catalog
    // entry whose imported spec is then corrected by hand.
    let page = pages_dir().join("taobao.wdk.iot.wombat.common.gettoken.txt");
    let hand_written = spec_of(&out, &page);
    std::fs::copy(
        root().join("specs/taobao.wdk.iot.wombat.common.gettoken.yaml"),
        &hand_written,
    )
    .unwrap();
    let entry = fixtures().join("taobao.openim.tribelogs.get.json");
    assert!(
        run_import(&[&entry, Path::new("--out"), &out])
            .status
            .success()
    );
    let edited = spec_of(&out, &entry);
    let corrected =
        std::fs::read_to_string(&edited)
            .unwrap()
            .replacen("type: String", "type: Number", 1);
    std::fs::write(&edited, &corrected).unwrap();
    let before = folder_state(&out);
    let import = |flags: &[&str]| {
        let mut args = vec![&*page, &*entry, Path::new("--out"), &*out];
        args.extend(flags.iter().map(Path::new));
        run_import(&args)
    };

    // By default (with --check too) both inputs fail, naming the spec and --force.
    for flags in [&[][..], &["--check"]] {
        let run = import(flags);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert_eq!(run.status.code(), Some(1), "{flags:?}: {stdout}");
        for (input, spec, why) in [
            (&page, &hand_written, "was not written by `codegen import`"),
            (
                &entry,
                &edited,
                "was edited since `codegen import` wrote it",
            ),
        ] {
            let failed = format!("{}: failed: {} {why}", input.display(), spec.display());
            assert!(stdout.contains(&failed), "{flags:?}: {failed} in {stdout}");
        }
        assert!(stdout.contains("--force"), "{stdout}");
        assert_eq!(folder_state(&out), before);
    }
    // With --prune they are kept and reported, not failures; --check counts no difference.
    let run = import(&["--prune"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "{}: kept {} (written by hand; --force replaces it)\n\
             {}: kept {} (edited by hand; --force replaces it)\n",
            page.display(),
            hand_written.display(),
            entry.display(),
            edited.display()
        )
    );
    assert_eq!(folder_state(&out), before);
    let run = import(&["--prune", "--check"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "{}: up to date (2 spec(s) from 2 input(s); 2 kept, edited or written by hand)\n",
            out.display()
        )
    );
    // --force replaces both; then --check, even without --force, has nothing to keep.
    let run = import(&["--prune", "--force"]);
    assert!(run.status.success(), "{run:?}");
    for spec in [&hand_written, &edited] {
        let text = std::fs::read_to_string(spec).unwrap();
        assert_eq!(topgen_import::body_hash_check(&text), Some(true), "{text}");
    }
    let run = import(&["--prune", "--check"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        stdout,
        format!(
            "{}: up to date (2 spec(s) from 2 input(s))\n",
            out.display()
        )
    );
}

#[test]
fn cli_check_reports_changed_missing_extra_writes_nothing_and_passes_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let names = [
        "taobao.openim.tribelogs.get.json",
        "tmall.item.desc.modules.get.json",
        "taobao.miniapp.items.get.json",
    ];
    for name in names {
        std::fs::copy(fixtures().join(name), inputs.join(name)).unwrap();
    }
    let [created, changed, _] = names.map(|n| inputs.join(n));
    let check = |prune: bool| {
        let mut args = vec![&*inputs, Path::new("--out"), &*out, Path::new("--check")];
        if prune {
            args.push(Path::new("--prune"));
        }
        let run = run_import(&args);
        let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        (run.status.code(), stdout, stderr)
    };

    // No out folder: every spec is missing, and the folder is not created.
    let (code, stdout, _) = check(true);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(stdout.matches("missing ").count(), 3, "{stdout}");
    assert!(!out.exists());

    // Imported (and a spec of another input): up to date, in one line.
    let other = fixtures().join("taobao.paimai.itemprops.get.json");
    assert!(
        run_import(&[&inputs, &other, Path::new("--out"), &out])
            .status
            .success()
    );
    let (code, stdout, _) = check(false);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "{}: up to date (3 spec(s) from 3 input(s))\n",
            out.display()
        )
    );

    // An input changed, a spec deleted, and `other`'s spec has no input in this run.
    let entry = std::fs::read_to_string(&changed).unwrap();
    let entry = entry.replacen("\"description\": \"", "\"description\": \"Changed. ", 1);
    std::fs::write(&changed, entry).unwrap();
    std::fs::remove_file(spec_of(&out, &created)).unwrap();
    let before = folder_state(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, stdout, stderr) = check(true);
    assert_eq!(code, Some(1), "{stdout}");
    let changed_line = format!(
        "changed {} (from {})\n",
        spec_of(&out, &changed).display(),
        changed.display()
    );
    let missing_line = format!(
        "missing {} (from {})\n",
        spec_of(&out, &created).display(),
        created.display()
    );
    let extra_line = format!(
        "extra {}: no input produces it\n",
        spec_of(&out, &other).display()
    );
    let mut lines: Vec<&str> = stdout.split_inclusive('\n').collect();
    lines.sort_unstable();
    let mut expected = [&*changed_line, &*extra_line, &*missing_line];
    expected.sort_unstable();
    assert_eq!(lines, expected, "{stdout}");
    assert!(
        stderr.contains("not up to date: 1 changed, 1 missing, 1 extra"),
        "{stderr}"
    );
    assert_eq!(
        folder_state(&out),
        before,
        "--check wrote or removed a file"
    );
    // Without --prune a spec no input produces is no difference.
    let (code, stdout, _) = check(false);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(&changed_line) && stdout.contains(&missing_line),
        "{stdout}"
    );
    assert!(!stdout.contains("extra "), "{stdout}");
    assert_eq!(folder_state(&out), before);

    // The same command without --check makes it up to date.
    let sync = run_import(&[&inputs, Path::new("--out"), &out, Path::new("--prune")]);
    assert!(sync.status.success(), "{sync:?}");
    let (code, stdout, _) = check(true);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "{}: up to date (3 spec(s) from 3 input(s))\n",
            out.display()
        )
    );
}

#[test]
fn generation_does_not_fail_on_a_misfit_and_ignores_its_test() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let example = response_xml("<total>abc</total><shop><owner>o</owner></shop>");
    let mut yaml = SPEC.to_owned();
    yaml.push_str(&format!(
        "examples:\n  response_xml: '{example}'\n  response_json: '{}'\n",
        response_json(r#""total": 1"#)
    ));
    std::fs::write(specs.join("topgen.check.get.yaml"), yaml).unwrap();
    let out = dir.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["generate", "--crate-name", "topgen-client", "--specs"])
        .arg(&specs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let spec_path = specs.join("topgen.check.get.yaml");
    for part in [
        format!(
            "warning: {}: examples.response_xml: `total`: expected a Number",
            spec_path.display()
        ),
        "`shop.owner`: not in the spec".to_owned(),
        "(its generated test is ignored)".to_owned(),
    ] {
        assert!(stderr.contains(&part), "{part:?} in {stderr}");
    }
    assert!(!stderr.contains("response_json"), "{stderr}");
    let module = std::fs::read_to_string(out.join("src/topgen_check_get.rs")).unwrap();
    // The misfit's test is there, ignored with the reason and documented; the other runs.
    let xml_test = module
        .split("fn response_xml()")
        .next()
        .and_then(|head| head.rsplit("mod tests {").next())
        .unwrap();
    assert!(
        xml_test.contains(
            "#[ignore = \"the response_xml example does not fit the spec: `total`: expected a Number"
        ) && xml_test.contains("(and 1 more)\"]"),
        "{xml_test}"
    );
    assert!(
        xml_test.contains("/// - `shop.owner`: not in the spec: type `Shop` has no field `owner`"),
        "{xml_test}"
    );
    let json_test = module.split("fn response_xml()").nth(1).unwrap();
    assert!(json_test.contains("fn response_json()"), "{module}");
    assert!(!json_test.contains("#[ignore"), "{json_test}");
}
