//! `topgen_import::catalog` over real TOP metadata JSON (`tests/fixtures/catalog/`, copied
//! from `shared/catalog/`) and a hand-made dirty entry; `to_yaml` round trips; the `import` CLI.

mod common;

use std::path::{Path, PathBuf};
use topgen_import::catalog::{Imported, import};
use topgen_import::{to_yaml, to_yaml_with_header};
use topgen_spec::load::parse_spec;

fn fixtures() -> PathBuf {
    common::fixtures("catalog")
}

fn catalog_files() -> Vec<PathBuf> {
    common::fixture_files("catalog", "json")
}

fn import_file(path: &Path) -> Imported {
    let text = std::fs::read_to_string(path).unwrap();
    import(path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dirty() -> Imported {
    import_file(&fixtures().join("dirty/taobao.topgen.dirty.get.json"))
}

#[test]
fn every_fixture_imports_resolves_and_generates() {
    let files = catalog_files();
    assert!(files.len() >= 10, "{} fixtures", files.len());
    for path in &files {
        let imported = import_file(path);
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(imported.spec.name, stem, "{}", path.display());
        let yaml_path = Path::new("imported.yaml");
        topgen_spec::model::resolve(yaml_path, &imported.spec)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let yaml = to_yaml(&imported.spec);
        let back = parse_spec(yaml_path, &yaml).unwrap_or_else(|e| panic!("{stem}: {e}\n{yaml}"));
        assert_eq!(back, imported.spec, "{stem}: to_yaml does not round-trip");
        let code = codegen::generate_module(yaml_path, &yaml, None)
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert!(code.contains("Request"), "{stem}");
    }
}

#[test]
fn import_and_yaml_are_deterministic() {
    for path in catalog_files() {
        let a = import_file(&path);
        let b = import_file(&path);
        assert_eq!(a, b);
        let ya = to_yaml_with_header(&a.spec, "x.json", &a.warnings);
        let yb = to_yaml_with_header(&b.spec, "x.json", &b.warnings);
        assert_eq!(ya.as_bytes(), yb.as_bytes(), "{}", path.display());
    }
}

#[test]
fn the_doc_id_is_kept_for_the_doc_link() {
    let imported = import_file(&fixtures().join("taobao.openim.tribelogs.get.json"));
    assert_eq!(imported.spec.doc_id, Some(26081));
    let yaml = to_yaml(&imported.spec);
    assert!(
        yaml.starts_with("name: taobao.openim.tribelogs.get\ndoc_id: 26081\n"),
        "{yaml}"
    );
    assert_eq!(
        parse_spec(Path::new("t.yaml"), &yaml).unwrap().doc_id,
        Some(26081)
    );
    // Not a positive integer: no doc id.
    for id in ["0", "-3", "\"x\"", "1.5", "null"] {
        let json = format!(
            r#"{{"name": "taobao.a.b", "id": {id}, "responseParams": [{{"name": "a", "type": "String"}}]}}"#
        );
        let spec = import(Path::new("a.json"), &json).unwrap().spec;
        assert_eq!(spec.doc_id, None, "{id}");
    }
    let json = r#"{"name": "taobao.a.b", "id": " 42 ", "responseParams": [{"name": "a", "type": "String"}]}"#;
    assert_eq!(
        import(Path::new("a.json"), json).unwrap().spec.doc_id,
        Some(42)
    );
}

#[test]
fn real_traps_are_mapped() {
    // `type` as a field name, `X []` lists, nested object lists.
    let paimai = import_file(&fixtures().join("taobao.paimai.itemprops.get.json"));
    assert!(paimai.spec.request.iter().any(|f| f.name == "type"));
    let all_types: Vec<&str> = paimai
        .spec
        .request
        .iter()
        .chain(&paimai.spec.response)
        .chain(paimai.spec.types.iter().flat_map(|(_, d)| &d.fields))
        .map(|f| f.ty.as_str())
        .collect();
    assert!(all_types.iter().all(|t| !t.contains(' ')), "{all_types:?}");
    assert!(all_types.contains(&"ItemProp[]"), "{all_types:?}");

    // A top-level byte[] request param stays a file upload.
    let detect = import_file(&fixtures().join("alibaba.ai.ar.open.platform.detect.json"));
    assert!(detect.spec.request.iter().any(|f| f.ty == "byte[]"));
    assert!(detect.warnings.is_empty(), "{:?}", detect.warnings);

    // The same type name with other fields deeper down: the first in document order keeps it.
    let genie = import_file(
        &fixtures().join("alibaba.ailabs.tmallgenie.auth.device.withdeviceid.get.json"),
    );
    assert_eq!(genie.spec.response[0].ty, "Result");
    let names: Vec<&str> = genie.spec.types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Result", "Result2"]);
    assert_eq!(genie.spec.types[0].1.fields[0].ty, "Result2");
    assert_eq!(genie.warnings.len(), 1, "{:?}", genie.warnings);
    assert!(genie.warnings[0].message.contains("Result2"));

    // Price with subParams becomes an object named after the field.
    let drop = import_file(&fixtures().join("alibaba.dropshipping.product.get.json"));
    assert!(drop.spec.types.iter().any(|(n, _)| n == "MoqUnitPrice"));
}

#[test]
fn dirty_data_is_repaired_with_warnings() {
    let d = dirty();
    let spec = &d.spec;
    let req: Vec<(&str, &str)> = spec
        .request
        .iter()
        .map(|f| (f.name.as_str(), f.ty.as_str()))
        .collect();
    assert_eq!(
        req,
        [
            ("item_id", "Number"),
            ("tags", "String[]"),
            ("flag", "Number"),
            ("count", "Number"),
            ("extra", "Json"),
            ("untyped", "Json"),
        ]
    );
    // The first item_id is kept, with its limits that apply (maxLength on a Number does not).
    assert!(spec.request[0].required);
    assert_eq!(spec.request[0].min_value, Some(1));
    assert_eq!(spec.request[0].max_length, None);
    assert_eq!(spec.request[1].max_list_size, Some(20));

    let resp: Vec<(&str, &str)> = spec
        .response
        .iter()
        .map(|f| (f.name.as_str(), f.ty.as_str()))
        .collect();
    assert_eq!(
        resp,
        [
            ("result", "Item"),
            ("others", "Item2[]"),
            ("opaque", "Json"),
            ("blob", "String"),
        ]
    );
    let types: Vec<&str> = spec.types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(types, ["Item", "Item2", "Fee"]);
    let item = &spec.types[0].1;
    assert_eq!(
        item.fields[1].ty, "Item2",
        "the nested Item is another shape"
    );
    assert_eq!(item.fields[3].ty, "Fee");

    // Each warning names the param in the catalog file and sits at its place in the spec.
    use topgen_import::Place;
    let req = |n: &str| Place::Request(n.into());
    let resp = |n: &str| Place::Response(n.into());
    let expected = [
        (
            req("item_id"),
            "requestParams[0] (item_id): maxLength 10 does not apply to type Number; dropped",
        ),
        (
            req("item_id"),
            "requestParams[1]: duplicate field \"item_id\": the first definition is kept",
        ),
        (
            req("flag"),
            "requestParams[3] (flag): type `byte` (a Java byte) imported as Number",
        ),
        (
            req("count"),
            "requestParams[4] (count): unknown type \"Long\" imported as Number",
        ),
        (
            req("extra"),
            "requestParams[5] (extra): type \"Map\" has no subParams (fields unknown); imported as Json",
        ),
        (
            req("untyped"),
            "requestParams[6] (untyped): no type given; imported as Json",
        ),
        (
            Place::TypeField("Item".into(), "child".into()),
            "responseParams[0] (result).subParams[1] (child): type \"Item\" is defined again with other fields; this one is named \"Item2\"",
        ),
        (
            Place::TypeField("Item".into(), "fee".into()),
            "responseParams[0] (result).subParams[3] (fee): type \"Price\" with subParams imported as object type \"Fee\"",
        ),
        (
            resp("opaque"),
            "responseParams[2] (opaque): type \"SomeDto\" has no subParams (fields unknown); imported as Json",
        ),
        (
            resp("blob"),
            "responseParams[3] (blob): byte[] is a file upload only as a top-level request param; imported as String (base64)",
        ),
    ];
    let got: Vec<(Place, &str)> = d
        .warnings
        .iter()
        .map(|w| (w.place.clone(), w.message.as_str()))
        .collect();
    let expected: Vec<(Place, &str)> = expected.into_iter().collect();
    assert_eq!(got, expected);
    // And the written YAML carries each as a comment above its field.
    let commented = topgen_import::to_yaml_with_header(spec, "dirty.json", &d.warnings);
    assert!(
        commented.contains("  # guess: requestParams[4] (count): unknown type \"Long\" imported as Number\n  - name: count\n"),
        "{commented}"
    );

    // Repaired, it passes the model and generates.
    let yaml = to_yaml(spec);
    assert_eq!(&parse_spec(Path::new("d.yaml"), &yaml).unwrap(), spec);
    codegen::generate_module(Path::new("d.yaml"), &yaml, None).unwrap();
    // The description's HTML is kept verbatim (rendering it is a later step), quoted as needed.
    assert!(spec.description.as_deref().unwrap().contains("<a href="));
}

#[test]
fn hand_written_spec_round_trips_through_to_yaml() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/taobao.wdk.iot.wombat.common.gettoken.yaml");
    let spec = topgen_spec::load_spec(&path).unwrap();
    let yaml = to_yaml(&spec);
    assert_eq!(parse_spec(&path, &yaml).unwrap(), spec);
    // Same key order as the hand-written file.
    let keys: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains(':'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "title",
            "description",
            "request",
            "response",
            "types",
            "examples"
        ]
    );
    assert!(yaml.contains("  response_xml: |\n    <wdk_iot_wombat_common_gettoken_response>\n"));
    assert!(yaml.contains("    example: \"8007\"\n"));
}

#[test]
fn unusable_inputs_name_the_file() {
    let cases: [(&str, &str); 4] = [
        ("empty.json", ""),
        (
            "truncated.json",
            "{\"name\": \"taobao.a.b\", \"requestParams\": [",
        ),
        ("junk.json", "\u{0}\u{1}\u{2}PK\u{3}\u{4}"),
        ("page.json", "<html><body>taobao.a.b</body></html>"),
    ];
    for (name, text) in cases {
        let err = import(Path::new(name), text).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
    let no_name = import(Path::new("n.json"), "{\"apiChineseName\": \"x\"}").unwrap_err();
    assert!(
        no_name.to_string().contains("missing API name"),
        "{no_name}"
    );
}

/// The imported YAML of every catalog fixture and of the dirty entry, as a reviewer sees it:
/// a change to the importer shows here as a snapshot diff.
#[test]
fn snapshots_of_imported_yaml() {
    let mut files = catalog_files();
    files.push(fixtures().join("dirty/taobao.topgen.dirty.get.json"));
    for path in files {
        let imported = import_file(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let yaml = to_yaml_with_header(&imported.spec, &name, &imported.warnings);
        insta::assert_snapshot!(imported.spec.name.clone(), yaml);
    }
}
