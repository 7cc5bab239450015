//! The TMC frame decoder on arbitrary bytes: never a panic, and a frame that decodes encodes
//! to bytes that decode to the same frame (and encode to themselves: the encoding is
//! canonical).
#![no_main]

use libfuzzer_sys::fuzz_target;
use topgen_tmc::{Message, decode};

fuzz_target!(|data: &[u8]| {
    match decode(data) {
        Ok(frame) => {
            let bytes = frame.encode();
            match decode(&bytes) {
                Ok(again) => assert_eq!(again, frame, "re-encoded frame decodes differently"),
                Err(e) => panic!("re-encoded frame is refused: {e}"),
            }
            assert_eq!(
                bytes.len(),
                data.len(),
                "the encoding of a frame has its size"
            );
            assert_eq!(decode(&bytes).map(|f| f.encode()), Ok(bytes.clone()));
            // Reading a message and Debug must not panic either.
            if let Ok(message) = Message::read(&frame) {
                let _ = format!("{message:?}");
            }
            let _ = format!("{frame:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
