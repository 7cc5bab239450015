//! Hand-built frames (every byte spelled out) and the frames and messages they hold, for the
//! codec's tests.

use topgen_tmc::{Content, Data, Frame, Value};

/// The parts of a frame, joined.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn text(s: &str) -> Value {
    Value::CountedString(s.to_owned())
}

/// The CONNECT sign of the test vector below.
pub const SIGN: &str = "0817D5DA9A361347F7AD4574C6950661";

/// CONNECT: app_key 12345678, group_name default, timestamp 1700000000000, sign, sdk.
#[rustfmt::skip]
pub fn connect_bytes() -> Vec<u8> {
    join(&[
        &[2, 0], // version 2, Connect
        &[1, 0], &[7, 0, 0, 0], b"app_key", &[1], &[8, 0, 0, 0], b"12345678",
        &[1, 0], &[10, 0, 0, 0], b"group_name", &[1], &[7, 0, 0, 0], b"default",
        &[1, 0], &[9, 0, 0, 0], b"timestamp", &[1], &[13, 0, 0, 0], b"1700000000000",
        &[1, 0], &[4, 0, 0, 0], b"sign", &[1], &[32, 0, 0, 0], SIGN.as_bytes(),
        &[1, 0], &[3, 0, 0, 0], b"sdk", &[1], &[10, 0, 0, 0], b"topgen-0.1",
        &[0, 0], // EndOfHeaders
    ])
}

pub fn connect_frame() -> Frame {
    let mut frame = Frame::connect("12345678", "default", "1700000000000", SIGN);
    frame.set("sdk", text("topgen-0.1"));
    frame
}

/// CONNECTACK that signs in: Token `0a1b2c`.
#[rustfmt::skip]
pub fn connect_ack_ok_bytes() -> Vec<u8> {
    join(&[
        &[2, 1], // version 2, ConnectAck
        &[5, 0], &[6, 0, 0, 0], b"0a1b2c", // Token
        &[0, 0],
    ])
}

/// CONNECTACK that refuses: StatusCode 403, StatusPhrase `invalid sign`.
#[rustfmt::skip]
pub fn connect_ack_refused_bytes() -> Vec<u8> {
    join(&[
        &[2, 1],
        &[2, 0], &[0x93, 0x01, 0, 0], // StatusCode 403
        &[3, 0], &[12, 0, 0, 0], b"invalid sign", // StatusPhrase
        &[0, 0],
    ])
}

/// SEND PullRequest with Token `0a1b2c`.
#[rustfmt::skip]
pub fn pull_bytes() -> Vec<u8> {
    join(&[
        &[2, 2], // version 2, Send
        &[5, 0], &[6, 0, 0, 0], b"0a1b2c",
        &[1, 0], &[6, 0, 0, 0], b"__kind", &[2, 1], // Byte 1: PullRequest
        &[0, 0],
    ])
}

/// SEND Confirm of id 2^53 + 1 = 9007199254740993, which a float cannot hold.
#[rustfmt::skip]
pub fn confirm_bytes() -> Vec<u8> {
    join(&[
        &[2, 2],
        &[5, 0], &[6, 0, 0, 0], b"0a1b2c",
        &[1, 0], &[6, 0, 0, 0], b"__kind", &[2, 2], // Byte 2: Confirm
        &[1, 0], &[2, 0, 0, 0], b"id", &[5], &[1, 0, 0, 0, 0, 0, 32, 0], // Int64
        &[0, 0],
    ])
}

/// SEND Failed of id 7 with msg `handler error`.
#[rustfmt::skip]
pub fn failed_bytes() -> Vec<u8> {
    join(&[
        &[2, 2],
        &[5, 0], &[6, 0, 0, 0], b"0a1b2c",
        &[1, 0], &[6, 0, 0, 0], b"__kind", &[2, 20], // Byte 20: Failed
        &[1, 0], &[2, 0, 0, 0], b"id", &[5], &[7, 0, 0, 0, 0, 0, 0, 0],
        &[1, 0], &[3, 0, 0, 0], b"msg", &[1], &[13, 0, 0, 0], b"handler error",
        &[0, 0],
    ])
}

/// SEND Data from the server, with `content` as given (its value bytes, format first).
#[rustfmt::skip]
pub fn data_bytes(content: &[u8]) -> Vec<u8> {
    join(&[
        &[2, 2],
        &[1, 0], &[6, 0, 0, 0], b"__kind", &[2, 3], // Byte 3: Data
        &[1, 0], &[2, 0, 0, 0], b"id", &[5], &[118, 121, 22, 49, 226, 122, 208, 0], // 58681907060570486
        &[1, 0], &[5, 0, 0, 0], b"topic", &[1], &[25, 0, 0, 0], b"taobao_trade_TradeSuccess",
        &[1, 0], &[7, 0, 0, 0], b"content", content,
        &[1, 0], &[4, 0, 0, 0], b"time", &[6], &[0, 104, 229, 207, 139, 1, 0, 0], // 1700000000000
        &[1, 0], &[9, 0, 0, 0], b"publisher", &[1], &[8, 0, 0, 0], b"12345678",
        &[1, 0], &[6, 0, 0, 0], b"userid", &[5], &[1, 240, 55, 58, 0, 2, 0, 0], // 2200000000001
        &[1, 0], &[4, 0, 0, 0], b"nick", &[1], &[7, 0, 0, 0], b"tb_nick",
        &[1, 0], &[6, 0, 0, 0], b"dataid", &[5], &[1, 40, 107, 238, 0, 0, 0, 0], // 4000000001
        &[1, 0], &[7, 0, 0, 0], b"outtime", &[6], &[200, 105, 229, 207, 139, 1, 0, 0], // 1700000000456
        &[0, 0],
    ])
}

pub const JSON: &str = r#"{"tid":58681907060570486}"#;

pub fn data_text_bytes() -> Vec<u8> {
    data_bytes(&join(&[&[1], &[25, 0, 0, 0], JSON.as_bytes()]))
}

/// Content as a ByteArray (the first bytes of a gzip stream).
pub fn data_gzip_bytes() -> Vec<u8> {
    data_bytes(&[7, 4, 0, 0, 0, 0x1f, 0x8b, 8, 0])
}

pub fn data(content: Content) -> Data {
    Data {
        id: Some(58_681_907_060_570_486),
        topic: Some("taobao_trade_TradeSuccess".to_owned()),
        content: Some(content),
        time: Some(1_700_000_000_000),
        publisher: Some("12345678".to_owned()),
        user_id: Some(2_200_000_000_001),
        nick: Some("tb_nick".to_owned()),
        data_id: Some(4_000_000_001),
        out_time: Some(1_700_000_000_456),
    }
}

/// Every hand-built frame, by name.
pub fn valid_frames() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("connect", connect_bytes()),
        ("connect ack", connect_ack_ok_bytes()),
        ("connect ack refused", connect_ack_refused_bytes()),
        ("pull request", pull_bytes()),
        ("confirm", confirm_bytes()),
        ("failed", failed_bytes()),
        ("data text", data_text_bytes()),
        ("data gzip", data_gzip_bytes()),
    ]
}
