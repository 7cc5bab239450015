//! The importers on arbitrary bytes (TOP metadata JSON, doc pages as text or HTML: the kind is
//! detected from the content): never a panic. What an import accepts must be written as YAML
//! that reads back as the same spec, and a spec that resolves must generate without a
//! generator bug (`Error::Internal`), as `codegen import` and `check-catalog` rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
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
    assert!(back == *spec, "the written YAML reads back as another spec:\n{yaml}");
    if topgen_spec::model::resolve(file, spec).is_ok()
        && let Err(e) = codegen::generate_module(file, &yaml, Some("topgen_taobao_wdk"))
    {
        assert!(
            !matches!(e, topgen_spec::Error::Internal { .. }),
            "generator bug: {e}\n{yaml}"
        );
    }
});
