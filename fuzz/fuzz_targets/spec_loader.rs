//! The spec loaders and the whole generation pipeline on arbitrary text, as an API spec and as
//! a TMC topic spec: never a panic, and never generated code that fails to parse
//! (`Error::Internal` is a generator bug).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) =
        codegen::generate_module(Path::new("fuzz.yaml"), text, Some("topgen_taobao_wdk"))
    {
        assert!(
            !matches!(e, topgen_spec::Error::Internal { .. }),
            "generator bug: {e}"
        );
        let _ = e.to_string();
    }
    if let Err(e) = codegen::topics::topic_module(Path::new("fuzz.yaml"), text) {
        assert!(
            !matches!(e, topgen_spec::Error::Internal { .. }),
            "generator bug: {e}"
        );
        let _ = e.to_string();
    }
});
