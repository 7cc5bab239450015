//! The spec loader and the whole generation pipeline on arbitrary text: never a panic, and
//! never generated code that fails to parse (`Error::Internal` is a generator bug).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = codegen::generate_module(Path::new("fuzz.yaml"), text, Some("topgen_taobao_wdk")) {
        assert!(
            !matches!(e, topgen_spec::Error::Internal { .. }),
            "generator bug: {e}"
        );
        let _ = e.to_string();
    }
});
