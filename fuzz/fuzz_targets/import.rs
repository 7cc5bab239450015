//! The importers on arbitrary bytes (TOP metadata JSON, doc pages as text or HTML: the kind is
//! detected from the content; and the same bytes as a TMC topic definition): never a panic.
//! What an import accepts must be written as YAML that reads back as the same spec, and a spec
//! that resolves must generate without a generator bug (`Error::Internal`), as `codegen
//! import`, `codegen import-topics` and `check-catalog` rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    topic_definition(data);
    let path = Path::new("fuzz.html");
    let imported = match topgen_import::import_file(path, data) {
        Ok(imported) => imported,
        Err(e) => {
            assert!(
                !matches!(e, topgen_spec::Error::Internal { .. }),
                "importer bug: {e}"
            );
            let _ = e.to_string();
            return;
        }
    };
    let spec = &imported.spec;
    let yaml = topgen_import::to_yaml_with_header(spec, "fuzz.html", &imported.warnings);
    let file = Path::new("fuzz.yaml");
    let back = topgen_spec::load::parse_spec(file, &yaml)
        .unwrap_or_else(|e| panic!("the written YAML does not load: {e}\n{yaml}"));
    assert!(
        back == *spec,
        "the written YAML reads back as another spec:\n{yaml}"
    );
    if topgen_spec::model::resolve(file, spec).is_ok()
        && let Err(e) = codegen::generate_module(file, &yaml, Some("topgen_taobao_wdk"))
    {
        assert!(
            !matches!(e, topgen_spec::Error::Internal { .. }),
            "generator bug: {e}\n{yaml}"
        );
    }
});

/// `data` as a TMC topic definition: refused, or a topic spec whose YAML reads back as it and
/// renders.
fn topic_definition(data: &[u8]) {
    let path = Path::new("fuzz.json");
    let imported = match topgen_import::tmc::import_topic(path, data) {
        Ok(imported) => imported,
        Err(e) => {
            assert!(
                !matches!(e, topgen_spec::Error::Internal { .. }),
                "importer bug: {e}"
            );
            return;
        }
    };
    let yaml = topgen_import::tmc::to_topic_yaml(&imported.spec, "fuzz.json", &imported.warnings);
    let file = Path::new("fuzz.yaml");
    let back = topgen_spec::topic::parse_topic(file, &yaml)
        .unwrap_or_else(|e| panic!("the written YAML does not load: {e}\n{yaml}"));
    assert!(
        back == imported.spec,
        "the written YAML reads back as another topic spec:\n{yaml}"
    );
    if let Err(e) = codegen::topics::topic_module(file, &yaml) {
        panic!("an imported topic does not generate: {e}\n{yaml}");
    }
}
