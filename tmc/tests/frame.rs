//! The frame codec on hand-built frames (every byte spelled out), hostile input and round
//! trips.

use topgen_tmc::{
    Content, Data, Frame, MAX_FRAME_SIZE, MAX_HEADERS, Message, MessageKind, MessageType, Value,
    connect_sign, decode,
};

mod common;
use common::*;

#[test]
fn connect_decodes_and_encodes_back() {
    let frame = decode(&connect_bytes()).unwrap();
    assert_eq!(frame.message_type, MessageType::Connect);
    assert_eq!(frame, connect_frame());
    let keys: Vec<&str> = frame.custom().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["app_key", "group_name", "timestamp", "sign", "sdk"]);
    assert_eq!(frame.get("sign"), Some(&text(SIGN)));
    assert_eq!(frame.token, None);
    assert_eq!(connect_frame().encode(), connect_bytes());
}

#[test]
fn connect_sign_is_tops_md5_signing() {
    // MD5 of "test_secret" + "app_key12345678" + "group_namedefault" +
    // "timestamp1700000000000" + "test_secret", that is of
    // "test_secretapp_key12345678group_namedefaulttimestamp1700000000000test_secret"
    // (`printf %s … | md5sum`), in upper case.
    assert_eq!(
        connect_sign("test_secret", "12345678", "default", "1700000000000"),
        SIGN
    );
    // Every input counts.
    assert_ne!(
        connect_sign("test_secret", "12345678", "other", "1700000000000"),
        SIGN
    );
    assert_ne!(
        connect_sign("other", "12345678", "default", "1700000000000"),
        SIGN
    );
}

#[test]
fn connect_ack_with_token() {
    let frame = decode(&connect_ack_ok_bytes()).unwrap();
    assert_eq!(frame.message_type, MessageType::ConnectAck);
    assert_eq!(frame.token.as_deref(), Some("0a1b2c"));
    assert_eq!(frame.status_code, None);
    assert_eq!(frame.status_phrase, None);
    assert!(frame.custom().is_empty());
    let mut built = Frame::new(MessageType::ConnectAck);
    built.token = Some("0a1b2c".to_owned());
    assert_eq!(built, frame);
    assert_eq!(built.encode(), connect_ack_ok_bytes());
}

#[test]
fn connect_ack_refused() {
    let frame = decode(&connect_ack_refused_bytes()).unwrap();
    assert_eq!(frame.message_type, MessageType::ConnectAck);
    assert_eq!(frame.status_code, Some(403));
    assert_eq!(frame.status_phrase.as_deref(), Some("invalid sign"));
    assert_eq!(frame.token, None);
    assert_eq!(frame.encode(), connect_ack_refused_bytes());
}

#[test]
fn pull_request() {
    let frame = decode(&pull_bytes()).unwrap();
    assert_eq!(frame.get("__kind"), Some(&Value::Byte(1)));
    assert_eq!(Message::read(&frame), Ok(Message::PullRequest));
    assert_eq!(Message::PullRequest.to_frame("0a1b2c"), frame);
    assert_eq!(
        Message::PullRequest.to_frame("0a1b2c").encode(),
        pull_bytes()
    );
}

#[test]
fn confirm_keeps_ids_above_2_pow_53() {
    let id = 9_007_199_254_740_993_i64;
    // The id a float would read: the next even number.
    assert_ne!(id as f64 as i64, id);
    let frame = decode(&confirm_bytes()).unwrap();
    assert_eq!(frame.get("id"), Some(&Value::Int64(id)));
    assert_eq!(Message::read(&frame), Ok(Message::Confirm { id }));
    assert_eq!(
        Message::Confirm { id }.to_frame("0a1b2c").encode(),
        confirm_bytes()
    );
}

#[test]
fn failed_with_msg() {
    let frame = decode(&failed_bytes()).unwrap();
    let message = Message::Failed {
        id: 7,
        msg: "handler error".to_owned(),
    };
    assert_eq!(Message::read(&frame), Ok(message.clone()));
    assert_eq!(message.kind(), MessageKind::Failed);
    assert_eq!(message.to_frame("0a1b2c").encode(), failed_bytes());
}

#[test]
fn data_with_text_content() {
    let frame = decode(&data_text_bytes()).unwrap();
    assert_eq!(frame.token, None);
    let expected = data(Content::Text(JSON.to_owned()));
    assert_eq!(Message::read(&frame), Ok(Message::Data(expected.clone())));
    // A message to_frame carries a Token; without it, the server's frame again.
    let mut built = Message::Data(expected).to_frame("0a1b2c");
    assert_eq!(built.token.as_deref(), Some("0a1b2c"));
    built.token = None;
    assert_eq!(built.encode(), data_text_bytes());
}

#[test]
fn data_with_gzip_content() {
    let frame = decode(&data_gzip_bytes()).unwrap();
    assert_eq!(
        frame.get("content"),
        Some(&Value::ByteArray(vec![0x1f, 0x8b, 8, 0]))
    );
    let expected = data(Content::Bytes(vec![0x1f, 0x8b, 8, 0]));
    assert_eq!(Message::read(&frame), Ok(Message::Data(expected.clone())));
    let mut built = Message::Data(expected).to_frame("");
    built.token = None;
    assert_eq!(built.encode(), data_gzip_bytes());
}

#[test]
#[rustfmt::skip]
fn empty_counted_strings_and_every_value_format() {
    let bytes = join(&[
        &[2, 3], // SendAck
        &[4, 0], &[0xff, 0xff, 0xff, 0x7f], // Flag i32::MAX
        &[5, 0], &[0, 0, 0, 0], // Token, empty
        &[1, 0], &[0, 0, 0, 0], &[0], // key "", Void
        &[1, 0], &[1, 0, 0, 0], b"s", &[1], &[0, 0, 0, 0], // CountedString ""
        &[1, 0], &[1, 0, 0, 0], b"b", &[2, 0xff], // Byte 255
        &[1, 0], &[1, 0, 0, 0], b"h", &[3, 0x00, 0x80], // Int16 -32768
        &[1, 0], &[1, 0, 0, 0], b"i", &[4, 0xfe, 0xff, 0xff, 0xff], // Int32 -2
        &[1, 0], &[1, 0, 0, 0], b"l", &[5, 0, 0, 0, 0, 0, 0, 0, 0x80], // Int64 MIN
        &[1, 0], &[1, 0, 0, 0], b"d", &[6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // Date -1
        &[1, 0], &[1, 0, 0, 0], b"a", &[7, 0, 0, 0, 0], // ByteArray, empty
        &[1, 0], &[3, 0, 0, 0], "键".as_bytes(), &[1], &[3, 0, 0, 0], "值".as_bytes(),
        &[0, 0],
    ]);
    let frame = decode(&bytes).unwrap();
    assert_eq!(frame.message_type, MessageType::SendAck);
    assert_eq!(frame.flag, Some(i32::MAX));
    assert_eq!(frame.token.as_deref(), Some(""));
    let expected = [
        ("", Value::Void),
        ("s", text("")),
        ("b", Value::Byte(255)),
        ("h", Value::Int16(i16::MIN)),
        ("i", Value::Int32(-2)),
        ("l", Value::Int64(i64::MIN)),
        ("d", Value::Date(-1)),
        ("a", Value::ByteArray(Vec::new())),
        ("键", text("值")),
    ];
    let got: Vec<(&str, &Value)> = frame.custom().iter().map(|(k, v)| (k.as_str(), v)).collect();
    let want: Vec<(&str, &Value)> = expected.iter().map(|(k, v)| (*k, v)).collect();
    assert_eq!(got, want);
    assert_eq!(frame.encode(), bytes);
}

#[test]
#[rustfmt::skip]
fn standard_headers_in_any_order_encode_in_the_sdks_order() {
    let bytes = join(&[
        &[2, 1],
        &[1, 0], &[1, 0, 0, 0], b"k", &[0],
        &[5, 0], &[1, 0, 0, 0], b"t", // Token
        &[4, 0], &[1, 0, 0, 0], // Flag 1
        &[3, 0], &[1, 0, 0, 0], b"p", // StatusPhrase
        &[2, 0], &[2, 0, 0, 0], // StatusCode 2
        &[0, 0],
    ]);
    let frame = decode(&bytes).unwrap();
    let canonical = join(&[
        &[2, 1],
        &[2, 0], &[2, 0, 0, 0],
        &[3, 0], &[1, 0, 0, 0], b"p",
        &[4, 0], &[1, 0, 0, 0],
        &[5, 0], &[1, 0, 0, 0], b"t",
        &[1, 0], &[1, 0, 0, 0], b"k", &[0],
        &[0, 0],
    ]);
    assert_eq!(frame.encode(), canonical);
    assert_eq!(decode(&canonical), Ok(frame));
}

/// 1,025 custom headers with distinct keys and Void values.
fn many_headers(n: usize) -> Vec<u8> {
    let mut bytes = vec![2, 2];
    for i in 0..n {
        let key = format!("k{i:04}");
        bytes.extend_from_slice(&[1, 0, 5, 0, 0, 0]);
        bytes.extend_from_slice(key.as_bytes());
        bytes.push(0);
    }
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

#[test]
#[rustfmt::skip]
fn bad_input_is_refused_with_where_and_what() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "byte 0: expected the protocol version (1 byte), found 0 bytes"),
        ("version 3", vec![3, 0, 0, 0], "byte 0: protocol version 3 is not 2"),
        ("version 0", vec![0, 0, 0, 0], "byte 0: protocol version 0 is not 2"),
        ("no message type", vec![2], "byte 1: expected the message type (1 byte)"),
        (
            "message type 4",
            vec![2, 4, 0, 0],
            "byte 1: message type 4 is not one of 0–3 (Connect, ConnectAck, Send, SendAck)",
        ),
        ("message type 255", vec![2, 255, 0, 0], "message type 255 is not one of 0–3"),
        (
            "no headers at all",
            vec![2, 2],
            "byte 2: expected a header type (2 bytes), found the end of the frame: the frame has no EndOfHeaders",
        ),
        (
            "half a header type",
            vec![2, 2, 0],
            "byte 2: expected a header type (2 bytes), found 1 byte before the end of the frame",
        ),
        (
            "header type 7",
            join(&[&[2, 1], &[3, 0], &[5, 0, 0, 0], b"abcde", &[7, 0], &[0, 0]]),
            "byte 13: header type 7 is not one of 0–5 (EndOfHeaders, Custom, StatusCode, StatusPhrase, Flag, Token)",
        ),
        (
            "header type -1",
            vec![2, 2, 0xff, 0xff, 0, 0],
            "byte 2: header type -1 is not one of 0–5",
        ),
        (
            "header type 256",
            vec![2, 2, 0, 1, 0, 0],
            "byte 2: header type 256 is not one of 0–5",
        ),
        (
            "value format 8",
            join(&[&[2, 2], &[1, 0], &[1, 0, 0, 0], b"k", &[8], &[0, 0]]),
            "byte 9: value format 8 of custom header `k` is not one of 0–7 (Void, CountedString, Byte, Int16, Int32, Int64, Date, ByteArray)",
        ),
        (
            "no value format",
            join(&[&[2, 2], &[1, 0], &[1, 0, 0, 0], b"k"]),
            "byte 9: expected the value format of custom header `k` (1 byte), found 0 bytes",
        ),
        (
            "negative key length",
            join(&[&[2, 2], &[1, 0], &[0xff, 0xff, 0xff, 0xff], &[0, 0]]),
            "byte 4: the length of a custom header key is -1, expected 0 or more",
        ),
        (
            "negative Token length",
            join(&[&[2, 2], &[5, 0], &[0, 0, 0, 0x80], &[0, 0]]),
            "byte 4: the length of the Token value is -2147483648, expected 0 or more",
        ),
        (
            "negative ByteArray length",
            join(&[&[2, 2], &[1, 0], &[1, 0, 0, 0], b"c", &[7], &[0xfe, 0xff, 0xff, 0xff], &[0, 0]]),
            "byte 10: the length of the value of custom header `c` is -2, expected 0 or more",
        ),
        (
            "string length over the frame",
            join(&[&[2, 2], &[3, 0], &[100, 0, 0, 0], b"ab", &[0, 0]]),
            "byte 4: the length of the StatusPhrase value is 100, but 4 bytes remain in the frame",
        ),
        (
            "huge ByteArray length",
            join(&[&[2, 2], &[1, 0], &[1, 0, 0, 0], b"c", &[7], &[0xff, 0xff, 0xff, 0x7f], &[0, 0]]),
            "byte 10: the length of the value of custom header `c` is 2147483647, but 2 bytes remain",
        ),
        (
            "key not UTF-8",
            join(&[&[2, 2], &[1, 0], &[2, 0, 0, 0], &[b'k', 0xff], &[0], &[0, 0]]),
            "byte 9: a custom header key is not UTF-8",
        ),
        (
            "Token not UTF-8",
            join(&[&[2, 2], &[5, 0], &[2, 0, 0, 0], &[0xc3, 0x28], &[0, 0]]),
            "byte 8: the Token value is not UTF-8",
        ),
        (
            "StatusPhrase not UTF-8",
            join(&[&[2, 1], &[3, 0], &[1, 0, 0, 0], &[0x80], &[0, 0]]),
            "byte 8: the StatusPhrase value is not UTF-8",
        ),
        (
            "CountedString value not UTF-8",
            join(&[&[2, 2], &[1, 0], &[1, 0, 0, 0], b"k", &[1], &[3, 0, 0, 0], &[b'a', b'b', 0xfe], &[0, 0]]),
            "byte 16: the value of custom header `k` is not UTF-8",
        ),
        (
            "second StatusCode",
            join(&[&[2, 1], &[2, 0], &[1, 0, 0, 0], &[2, 0], &[1, 0, 0, 0], &[0, 0]]),
            "byte 8: a second StatusCode header (expected at most one per frame)",
        ),
        (
            "second StatusPhrase",
            join(&[&[2, 1], &[3, 0], &[0, 0, 0, 0], &[3, 0], &[0, 0, 0, 0], &[0, 0]]),
            "byte 8: a second StatusPhrase header",
        ),
        (
            "second Flag",
            join(&[&[2, 1], &[4, 0], &[0, 0, 0, 0], &[4, 0], &[0, 0, 0, 0], &[0, 0]]),
            "byte 8: a second Flag header",
        ),
        (
            "second Token",
            join(&[&[2, 2], &[5, 0], &[1, 0, 0, 0], b"a", &[5, 0], &[1, 0, 0, 0], b"b", &[0, 0]]),
            "byte 9: a second Token header",
        ),
        (
            "second custom key",
            join(&[
                &[2, 2],
                &[1, 0], &[2, 0, 0, 0], b"id", &[2, 1],
                &[1, 0], &[2, 0, 0, 0], b"id", &[2, 2],
                &[0, 0],
            ]),
            "byte 12: a second custom header `id` (expected each key once)",
        ),
        (
            "byte after EndOfHeaders",
            join(&[&connect_ack_ok_bytes(), &[0]]),
            "byte 16: 1 byte after EndOfHeaders (expected the end of the frame)",
        ),
        (
            "a second frame after EndOfHeaders",
            join(&[&connect_ack_ok_bytes(), &connect_ack_ok_bytes()]),
            "byte 16: 16 bytes after EndOfHeaders",
        ),
        (
            "more than MAX_HEADERS headers",
            many_headers(MAX_HEADERS + 1),
            "byte 12290: more than 1024 headers (expected EndOfHeaders by now)",
        ),
        (
            "over MAX_FRAME_SIZE",
            join(&[&[2, 2], &vec![0; MAX_FRAME_SIZE - 1]]),
            "byte 16777216: the frame is 16777217 bytes, over the limit of 16777216 bytes (16 MiB)",
        ),
    ];
    for (name, bytes, expected) in cases {
        let error = match decode(&bytes) {
            Ok(frame) => panic!("{name}: decoded {frame:?}"),
            Err(e) => e,
        };
        let shown = error.to_string();
        assert!(shown.contains(expected), "{name}: {shown}\nexpected: {expected}");
        assert!(
            shown.starts_with(&format!("byte {}: ", error.offset())),
            "{name}: {shown}"
        );
        // An error is a std error.
        let _: &dyn std::error::Error = &error;
    }
}

#[test]
fn limits_are_inclusive() {
    let frame = decode(&many_headers(MAX_HEADERS)).unwrap();
    assert_eq!(frame.custom().len(), MAX_HEADERS);

    // A frame of exactly MAX_FRAME_SIZE bytes: one ByteArray filling it.
    let overhead = 2 + 2 + 4 + 1 + 1 + 4 + 2;
    let bytes = join(&[
        &[2, 2, 1, 0, 1, 0, 0, 0, b'c', 7],
        &i32::try_from(MAX_FRAME_SIZE - overhead)
            .unwrap()
            .to_le_bytes(),
        &vec![0xab; MAX_FRAME_SIZE - overhead],
        &[0, 0],
    ]);
    assert_eq!(bytes.len(), MAX_FRAME_SIZE);
    let frame = decode(&bytes).unwrap();
    assert_eq!(frame.encode(), bytes);
}

#[test]
fn every_truncation_is_an_error() {
    for (name, bytes) in valid_frames() {
        for len in 0..bytes.len() {
            let error = decode(&bytes[..len])
                .err()
                .unwrap_or_else(|| panic!("{name}: the first {len} bytes decoded"));
            assert!(error.offset() <= len, "{name}[..{len}]: {error}");
        }
    }
}

#[test]
fn valid_frames_round_trip() {
    for (name, bytes) in valid_frames() {
        let frame = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(frame.encode(), bytes, "{name}");
        assert_eq!(decode(&frame.encode()).as_ref(), Ok(&frame), "{name}");
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn text(&mut self) -> String {
        let alphabet = ['a', 'z', '0', '_', ' ', 'é', '键', '\u{1f600}', '"', '\0'];
        (0..self.below(6))
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize])
            .collect()
    }

    fn value(&mut self) -> Value {
        let n = self.next();
        match self.below(8) {
            0 => Value::Void,
            1 => Value::CountedString(self.text()),
            2 => Value::Byte(n as u8),
            3 => Value::Int16(n as i16),
            4 => Value::Int32(n as i32),
            5 => Value::Int64(n as i64),
            6 => Value::Date(n as i64),
            _ => Value::ByteArray(n.to_le_bytes()[..self.below(9) as usize].to_vec()),
        }
    }
}

#[test]
fn generated_frames_round_trip() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let types = [
        MessageType::Connect,
        MessageType::ConnectAck,
        MessageType::Send,
        MessageType::SendAck,
    ];
    for _ in 0..2_000 {
        let mut frame = Frame::new(types[rng.below(4) as usize]);
        if rng.below(2) == 0 {
            frame.status_code = Some(rng.next() as i32);
        }
        if rng.below(2) == 0 {
            frame.status_phrase = Some(rng.text());
        }
        if rng.below(2) == 0 {
            frame.flag = Some(rng.next() as i32);
        }
        if rng.below(2) == 0 {
            frame.token = Some(rng.text());
        }
        for _ in 0..rng.below(8) {
            let key = rng.text();
            let value = rng.value();
            frame.set(key, value);
        }
        let bytes = frame.encode();
        assert_eq!(decode(&bytes).as_ref(), Ok(&frame), "{bytes:?}");
    }
}

#[test]
fn set_replaces_and_remove_removes() {
    let mut frame = Frame::new(MessageType::Send);
    frame.set("a", Value::Byte(1)).set("b", Value::Byte(2));
    frame.set("a", Value::Byte(3));
    assert_eq!(
        frame.custom(),
        [
            ("a".to_owned(), Value::Byte(3)),
            ("b".to_owned(), Value::Byte(2))
        ]
    );
    assert_eq!(frame.remove("a"), Some(Value::Byte(3)));
    assert_eq!(frame.remove("a"), None);
    assert_eq!(frame.get("b"), Some(&Value::Byte(2)));
}

#[test]
fn debug_hides_token_sign_and_secret_headers() {
    let mut frame = connect_frame();
    frame.token = Some("the-token-value".to_owned());
    frame.set("session", text("the-session-value"));
    frame.set("app_secret", text("the-secret-value"));
    frame.set(
        "access_token",
        Value::ByteArray(b"the-access-value".to_vec()),
    );
    frame.set("Sign", text("the-other-sign"));
    let shown = format!("{frame:?}");
    for hidden in [
        "the-token-value",
        SIGN,
        "the-session-value",
        "the-secret-value",
        // The ByteArray's bytes, as Debug would list them.
        &format!("{:?}", b"the-access-value".to_vec()),
        "the-other-sign",
    ] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
    assert!(shown.contains(r#"token: Some(***)"#), "{shown}");
    for key in ["sign", "Sign", "session", "app_secret", "access_token"] {
        assert!(shown.contains(&format!("{key:?}: ***")), "{key} in {shown}");
    }
    // The rest is shown.
    assert!(
        shown.contains(r#""app_key": CountedString("12345678")"#),
        "{shown}"
    );
    assert!(
        shown.contains(r#""sdk": CountedString("topgen-0.1")"#),
        "{shown}"
    );
    // Pretty-printing hides them too.
    let pretty = format!("{frame:#?}");
    assert!(
        !pretty.contains("the-token-value") && !pretty.contains(SIGN),
        "{pretty}"
    );
}

#[test]
#[rustfmt::skip]
fn errors_never_quote_values() {
    let bytes = join(&[
        &[2, 2],
        &[5, 0], &[12, 0, 0, 0], b"secret-token",
        &[1, 0], &[4, 0, 0, 0], b"sign", &[1], &[6, 0, 0, 0], b"abcdef",
        &[9, 0],
        &[0, 0],
    ]);
    let shown = decode(&bytes).unwrap_err().to_string();
    assert!(shown.starts_with("byte 41: header type 9"), "{shown}");
    assert!(!shown.contains("secret-token") && !shown.contains("abcdef"), "{shown}");
}

#[test]
fn messages_read_leniently_but_exactly() {
    // An id in a narrower integer format, and a Void field, which is absent.
    let frame = Frame::new(MessageType::Send)
        .with("__kind", Value::Byte(3))
        .with("id", Value::Int32(-5))
        .with("topic", Value::Void)
        .with("time", Value::Int64(12))
        .with("unknown", text("ignored"));
    assert_eq!(
        Message::read(&frame),
        Ok(Message::Data(Data {
            id: Some(-5),
            time: Some(12),
            ..Data::default()
        }))
    );
    let confirm = Frame::new(MessageType::Send)
        .with("__kind", Value::Byte(2))
        .with("id", Value::Byte(200));
    assert_eq!(Message::read(&confirm), Ok(Message::Confirm { id: 200 }));
}

#[test]
fn bad_messages_are_refused() {
    let send = |headers: &[(&str, Value)]| {
        let mut frame = Frame::new(MessageType::Send);
        for (k, v) in headers {
            frame.set(*k, v.clone());
        }
        frame
    };
    let kind = |b: u8| ("__kind", Value::Byte(b));
    let cases: Vec<(&str, Frame, &str)> = vec![
        (
            "a Connect",
            connect_frame(),
            "a Connect frame carries no message (expected Send)",
        ),
        ("no kind", send(&[]), "no custom header `__kind`"),
        (
            "kind as Int32",
            send(&[("__kind", Value::Int32(1))]),
            "custom header `__kind` is a Int32, expected a Byte",
        ),
        (
            "kind 9",
            send(&[kind(9)]),
            "`__kind` 9 is not one of 0, 1, 2, 3, 20",
        ),
        ("kind None", send(&[kind(0)]), "`__kind` is None (0)"),
        (
            "confirm without id",
            send(&[kind(2)]),
            "a Confirm has no custom header `id`",
        ),
        (
            "confirm with a Void id",
            send(&[kind(2), ("id", Value::Void)]),
            "a Confirm has no custom header `id`",
        ),
        (
            "confirm with a text id",
            send(&[kind(2), ("id", text("9007199254740993"))]),
            "custom header `id` is a CountedString, expected an integer",
        ),
        (
            "failed without msg",
            send(&[kind(20), ("id", Value::Int64(1))]),
            "a Failed has no custom header `msg`",
        ),
        (
            "data with an Int32 content",
            send(&[kind(3), ("content", Value::Int32(1))]),
            "custom header `content` is a Int32, expected a CountedString or a ByteArray",
        ),
        (
            "data with a text time",
            send(&[kind(3), ("time", text("2024-01-01 00:00:00"))]),
            "custom header `time` is a CountedString, expected a Date",
        ),
        (
            "data with a ByteArray topic",
            send(&[kind(3), ("topic", Value::ByteArray(vec![]))]),
            "custom header `topic` is a ByteArray, expected a CountedString",
        ),
    ];
    for (name, frame, expected) in cases {
        match Message::read(&frame) {
            Ok(message) => panic!("{name}: read {message:?}"),
            Err(e) => assert!(e.to_string().contains(expected), "{name}: {e}"),
        }
    }
}

#[test]
fn kinds_and_types_have_their_bytes() {
    for b in 0..=u8::MAX {
        if let Some(kind) = MessageKind::from_byte(b) {
            assert_eq!(kind.byte(), b);
        }
        if let Some(t) = MessageType::from_byte(b) {
            assert_eq!(t.byte(), b);
        }
    }
    let kinds: Vec<u8> = (0..=u8::MAX)
        .filter(|b| MessageKind::from_byte(*b).is_some())
        .collect();
    assert_eq!(kinds, [0, 1, 2, 3, 20]);
    let types: Vec<u8> = (0..=u8::MAX)
        .filter(|b| MessageType::from_byte(*b).is_some())
        .collect();
    assert_eq!(types, [0, 1, 2, 3]);
}
