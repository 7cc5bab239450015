//! The JSON reply decoders (wrapped and simplified) on arbitrary bytes: never a panic, and a
//! reply that decodes is the typed gettoken response or a TOP error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use topgen_taobao_wdk::WdkIotWombatCommonGettokenResponse as Response;
use topgen_runtime::Format;
use topgen_runtime::__private::response::decode_reply_in;

const KEY: &str = "wdk_iot_wombat_common_gettoken_response";

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::SimplifiedJson] {
        for status in [200, 502] {
            if let Err(e) = decode_reply_in::<Response>(format, data, KEY, status) {
                // Formatting the error must not panic either.
                let _ = e.to_string();
                let _ = format!("{e:?}");
            }
        }
    }
});
