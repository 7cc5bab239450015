//! A catalog entry and a doc page of one API merged into one spec ([`topgen_import::merge`]),
//! over the five APIs that are both in `tests/fixtures/catalog-sample/` and
//! `tests/fixtures/pages/`: each merged spec resolves, round-trips, keeps the page's examples
//! and the catalog's doc id, and generates; `import_into` merges the two inputs in either
//! order; snapshots of the merged YAML of three of them.

mod common;

use std::path::{Path, PathBuf};
use topgen_import::{Imported, Merged, import_file, import_into, input_files, merge, to_yaml};
use topgen_spec::load::parse_spec;

const BOTH: [&str; 5] = [
    "alibaba.icbu.category.schema.level.get",
    "alibaba.wdk.shop.query",
    "alitrip.platform.poi.raw.poiout",
    "taobao.picture.qnaigc.upload",
    "taobao.product.add",
];

fn catalog_file(api: &str) -> PathBuf {
    common::fixtures("catalog-sample").join(format!("{api}.json"))
}

fn page_file(api: &str) -> PathBuf {
    common::fixtures("pages").join(format!("{api}.txt"))
}

fn import(path: &Path) -> Imported {
    let bytes = std::fs::read(path).unwrap();
    import_file(path, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn merged(api: &str) -> (Imported, Imported, Imported) {
    let catalog = import(&catalog_file(api));
    let page = import(&page_file(api));
    let merged = merge(catalog.clone(), page.clone());
    (catalog, page, merged)
}

#[test]
fn merged_specs_resolve_round_trip_keep_examples_and_doc_id_and_generate() {
    for api in BOTH {
        let (catalog, page, merged) = merged(api);
        let spec = &merged.spec;
        assert_eq!(spec.name, api);
        assert!(
            catalog.spec.doc_id.is_some(),
            "{api}: the fixture has a doc id"
        );
        assert_eq!(spec.doc_id, catalog.spec.doc_id, "{api}");
        assert_eq!(
            spec.examples, page.spec.examples,
            "{api}: the page's examples"
        );
        assert_eq!(spec.needs_session, page.spec.needs_session, "{api}");
        // The catalog's structure: the same params, fields and types (by name).
        let names = |fields: &[topgen_spec::spec::Field]| -> Vec<String> {
            fields
                .iter()
                .map(|f| format!("{}: {}", f.name, f.ty))
                .collect()
        };
        assert_eq!(names(&spec.request), names(&catalog.spec.request), "{api}");
        assert_eq!(
            names(&spec.response),
            names(&catalog.spec.response),
            "{api}"
        );
        let types = |s: &topgen_spec::spec::Spec| -> Vec<String> {
            s.types.iter().map(|(n, _)| n.clone()).collect()
        };
        assert_eq!(types(spec), types(&catalog.spec), "{api}");
        let yaml_path = Path::new("merged.yaml");
        topgen_spec::model::resolve(yaml_path, spec).unwrap_or_else(|e| panic!("{api}: {e}"));
        let yaml = to_yaml(spec);
        let back = parse_spec(yaml_path, &yaml).unwrap_or_else(|e| panic!("{api}: {e}\n{yaml}"));
        assert_eq!(&back, spec, "{api}: to_yaml does not round-trip");
        let code = codegen::generate_module(yaml_path, &yaml, None)
            .unwrap_or_else(|e| panic!("{api}: {e}"));
        assert!(code.contains("Request"), "{api}");
        // The catalog's warnings come first, unchanged.
        assert_eq!(
            merged.warnings[..catalog.warnings.len()],
            catalog.warnings[..],
            "{api}"
        );
    }
}

#[test]
fn the_page_fills_what_the_catalog_lacks() {
    // The catalog entry has no examples of params; the page's are kept where the types agree.
    let (catalog, _, merged) = merged("alibaba.wdk.shop.query");
    assert_eq!(catalog.spec.request[0].example, None);
    assert_eq!(merged.spec.request[0].example.as_deref(), Some("10010"));
    // Fields the page puts where the catalog does not are dropped, saying where the catalog has them.
    assert!(merged.warnings.iter().any(|w| w.message
        == "the doc page has `err_code` (String) in `ShopDo`, the catalog entry does not; the catalog has it in `ApiResults`; dropped (merge rule: the catalog decides which params and fields exist and where)"));
}

#[test]
fn import_into_merges_a_catalog_entry_and_a_page_in_either_order() {
    let api = "taobao.picture.qnaigc.upload";
    let mut texts = Vec::new();
    for order in [
        [catalog_file(api), page_file(api)],
        [page_file(api), catalog_file(api)],
    ] {
        let out = tempfile::tempdir().unwrap();
        let outcomes = import_into(&input_files(&order), out.path());
        assert_eq!(outcomes.len(), 2);
        let first = outcomes[0].result.as_ref().unwrap();
        let second = outcomes[1].result.as_ref().unwrap();
        assert_eq!(first.merged, Merged::With(order[1].clone()));
        assert_eq!(second.merged, Merged::Into(order[0].clone()));
        assert!(second.warnings.is_empty());
        assert_eq!(first.spec_file, second.spec_file);
        let text = std::fs::read_to_string(&first.spec_file).unwrap();
        assert!(
            text.starts_with(&format!(
                "# {api} — imported from {api}.json (catalog entry) merged with {api}.txt (doc page) by `codegen import`.\n"
            )),
            "{text}"
        );
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
        texts.push(text);
    }
    assert_eq!(
        texts[0], texts[1],
        "the order of the inputs does not matter"
    );
}

#[test]
fn snapshots_of_merged_specs() {
    for api in [
        "alibaba.wdk.shop.query",
        "taobao.picture.qnaigc.upload",
        "taobao.product.add",
    ] {
        let (_, _, merged) = merged(api);
        let yaml = topgen_import::to_yaml_with_header(
            &merged.spec,
            &format!("{api}.json (catalog entry) merged with {api}.txt (doc page)"),
            &merged.warnings,
        );
        insta::assert_snapshot!(format!("merged_{api}"), yaml);
    }
}

#[test]
fn the_five_apis_are_the_ones_in_both_fixture_folders() {
    let stems = |dir: &str, ext: &str| -> std::collections::BTreeSet<String> {
        common::fixture_files(dir, ext)
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let catalog = stems("catalog-sample", "json");
    let both: Vec<String> = stems("pages", "txt")
        .into_iter()
        .filter(|s| catalog.contains(s))
        .collect();
    assert_eq!(both, BOTH);
}

/// The five pages above are cut off before their reply examples; a whole page's examples
/// survive the merge too. The "catalog" here is the hand-written gettoken spec without its
/// examples, session flag or descriptions, and with a doc id.
#[test]
fn a_whole_pages_examples_become_the_merged_specs_and_fit_it() {
    let page = import(&page_file("taobao.wdk.iot.wombat.common.gettoken"));
    let mut spec = topgen_spec::load_spec(
        &common::root().join("specs/taobao.wdk.iot.wombat.common.gettoken.yaml"),
    )
    .unwrap();
    spec.examples = Default::default();
    spec.needs_session = false;
    spec.doc_id = Some(12345);
    spec.description = None;
    for f in &mut spec.request {
        f.description = None;
    }
    let catalog = Imported {
        spec,
        warnings: Vec::new(),
    };
    let merged = merge(catalog, page.clone());
    assert_eq!(merged.spec.doc_id, Some(12345));
    assert_eq!(merged.spec.examples, page.spec.examples);
    assert!(merged.spec.examples.response_json.is_some());
    assert_eq!(merged.spec.description, page.spec.description);
    assert_eq!(
        merged.spec.request[0].description,
        page.spec.request[0].description
    );
    // The structures agree: nothing is reported but what the page reported.
    assert_eq!(merged.warnings, page.warnings);
    let yaml = to_yaml(&merged.spec);
    codegen::generate_module(Path::new("merged.yaml"), &yaml, None).unwrap();
}
