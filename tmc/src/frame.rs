//! TMC's protocol-v2 frames: one WebSocket binary message each.
//!
//! ```text
//! u8  protocol version = 2
//! u8  message type: Connect 0, ConnectAck 1, Send 2, SendAck 3
//! headers, each an i16 header type and its value:
//!     EndOfHeaders 0 (no value; the last bytes of the frame)
//!     Custom 1       counted string key, then a typed value
//!     StatusCode 2   i32
//!     StatusPhrase 3 counted string
//!     Flag 4         i32
//!     Token 5        counted string
//! counted string = i32 byte length + UTF-8 (length 0: the empty string)
//! typed value    = u8 format: Void 0 (nothing), CountedString 1, Byte 2 (u8), Int16 3,
//!                  Int32 4, Int64 5, Date 6 (i64 ms since the Unix epoch),
//!                  ByteArray 7 (i32 length + bytes)
//! ```
//!
//! Integers are little-endian. [`decode`] is strict and bounded; it refuses (with the byte
//! offset and what was expected, [`FrameError`]), and never panics, on:
//! - a frame over [`MAX_FRAME_SIZE`] bytes (checked first, before reading anything);
//! - a protocol version other than 2, a message type other than 0–3;
//! - a header type other than 0–5, a value format other than 0–7;
//! - a negative length, or a length over the bytes that remain (checked before any
//!   allocation: nothing allocated is larger than the input);
//! - a counted string (a key, StatusPhrase, Token, a CountedString value) that is not UTF-8;
//! - a second StatusCode, StatusPhrase, Flag or Token, or a second custom header with the same
//!   key: one frame has one value per name (the SDKs keep the last one in a map; which one a
//!   reader takes must not depend on the reader);
//! - more than [`MAX_HEADERS`] headers (EndOfHeaders not counted);
//! - a frame that ends before its EndOfHeaders (a truncated frame), or bytes after it.
//!
//! [`Frame::encode`] writes the standard headers first, in the order StatusCode,
//! StatusPhrase, Flag, Token (the SDKs' order), then the custom headers in their order, then
//! EndOfHeaders; so `decode(&frame.encode()) == Ok(frame)` for every frame within the limits.

use std::collections::HashSet;
use std::fmt;

use topgen_runtime::__private::sign::sign;
use topgen_runtime::SignMethod;
use topgen_spec::rules::looks_secret;

/// The largest frame [`decode`] reads: 16 MiB. A message's content is one JSON document of a
/// platform event (kilobytes); a larger frame is refused before anything is read.
pub const MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;

/// The most headers (standard and custom, EndOfHeaders not counted) [`decode`] reads in one
/// frame: 1,024. A Data message has about ten.
pub const MAX_HEADERS: usize = 1024;

/// The protocol version this codec reads and writes.
const VERSION: u8 = 2;

/// Header types.
const END_OF_HEADERS: i16 = 0;
const CUSTOM: i16 = 1;
const STATUS_CODE: i16 = 2;
const STATUS_PHRASE: i16 = 3;
const FLAG: i16 = 4;
const TOKEN: i16 = 5;

/// The message type of a frame, its second byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// 0: the client signs in.
    Connect,
    /// 1: the server's answer to a Connect.
    ConnectAck,
    /// 2: a message, either way.
    Send,
    /// 3: an acknowledgement of a Send.
    SendAck,
}

impl MessageType {
    /// The byte of this type.
    pub fn byte(self) -> u8 {
        match self {
            MessageType::Connect => 0,
            MessageType::ConnectAck => 1,
            MessageType::Send => 2,
            MessageType::SendAck => 3,
        }
    }

    /// The type of a byte, if it is one.
    pub fn from_byte(byte: u8) -> Option<MessageType> {
        match byte {
            0 => Some(MessageType::Connect),
            1 => Some(MessageType::ConnectAck),
            2 => Some(MessageType::Send),
            3 => Some(MessageType::SendAck),
            _ => None,
        }
    }
}

/// The typed value of a custom header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// 0: no value.
    Void,
    /// 1: UTF-8 text.
    CountedString(String),
    /// 2: one byte.
    Byte(u8),
    /// 3.
    Int16(i16),
    /// 4.
    Int32(i32),
    /// 5: message, user and data ids.
    Int64(i64),
    /// 6: milliseconds since the Unix epoch.
    Date(i64),
    /// 7: raw bytes (a message's gzip-compressed content).
    ByteArray(Vec<u8>),
}

impl Value {
    /// The format's name, as the protocol names it (`CountedString`).
    pub fn format_name(&self) -> &'static str {
        match self {
            Value::Void => "Void",
            Value::CountedString(_) => "CountedString",
            Value::Byte(_) => "Byte",
            Value::Int16(_) => "Int16",
            Value::Int32(_) => "Int32",
            Value::Int64(_) => "Int64",
            Value::Date(_) => "Date",
            Value::ByteArray(_) => "ByteArray",
        }
    }

    /// Any integer format (Byte, Int16, Int32, Int64) as an `i64`, which holds each exactly.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Byte(v) => Some(i64::from(v)),
            Value::Int16(v) => Some(i64::from(v)),
            Value::Int32(v) => Some(i64::from(v)),
            Value::Int64(v) => Some(v),
            _ => None,
        }
    }

    /// The text of a CountedString.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::CountedString(s) => Some(s),
            _ => None,
        }
    }
}

/// One protocol-v2 frame: its message type, the standard headers it carries and its custom
/// headers (unique keys, in order).
///
/// `Debug` prints `***` for the Token, the `sign` and every custom header whose key is a
/// secret's name ([`looks_secret`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    /// The message type.
    pub message_type: MessageType,
    /// StatusCode: non-zero in a ConnectAck that refuses the sign-in.
    pub status_code: Option<i32>,
    /// StatusPhrase: why, with a non-zero StatusCode.
    pub status_phrase: Option<String>,
    /// Flag.
    pub flag: Option<i32>,
    /// Token: the session of the connection, from the ConnectAck; every later Send carries it.
    pub token: Option<String>,
    /// Custom headers; keys are unique ([`Frame::set`] replaces).
    custom: Vec<(String, Value)>,
}

impl Frame {
    /// A frame of this type with no headers.
    pub fn new(message_type: MessageType) -> Frame {
        Frame {
            message_type,
            status_code: None,
            status_phrase: None,
            flag: None,
            token: None,
            custom: Vec::new(),
        }
    }

    /// The CONNECT that signs a consumer in: custom headers `app_key`, `group_name`,
    /// `timestamp` (epoch milliseconds as text) and `sign` ([`connect_sign`]), in this order.
    /// Informational headers (`sdk`, `intranet_ip`) can be added with [`Frame::set`].
    pub fn connect(app_key: &str, group_name: &str, timestamp: &str, sign: &str) -> Frame {
        let text = |s: &str| Value::CountedString(s.to_owned());
        Frame::new(MessageType::Connect)
            .with("app_key", text(app_key))
            .with("group_name", text(group_name))
            .with("timestamp", text(timestamp))
            .with("sign", text(sign))
    }

    /// The custom headers, in order.
    pub fn custom(&self) -> &[(String, Value)] {
        &self.custom
    }

    /// The value of the custom header `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.custom.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets the custom header `key`: replaces its value where it is, or appends it.
    pub fn set(&mut self, key: impl Into<String>, value: Value) -> &mut Frame {
        let key = key.into();
        match self.custom.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.custom.push((key, value)),
        }
        self
    }

    /// [`Frame::set`], by value.
    pub fn with(mut self, key: impl Into<String>, value: Value) -> Frame {
        self.set(key, value);
        self
    }

    /// Removes the custom header `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.custom.iter().position(|(k, _)| k == key)?;
        Some(self.custom.remove(at).1)
    }

    /// The frame's bytes: the standard headers present (StatusCode, StatusPhrase, Flag, Token),
    /// the custom headers in order, EndOfHeaders.
    ///
    /// Any frame encodes; one over [`MAX_FRAME_SIZE`] bytes or [`MAX_HEADERS`] headers is
    /// refused by [`decode`] (and by a peer with such limits). A string or byte array over
    /// `i32::MAX` bytes, which the protocol cannot count, is written with the length
    /// `i32::MAX`: such a frame is over every limit anyway, and refused.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.push(VERSION);
        out.push(self.message_type.byte());
        if let Some(code) = self.status_code {
            out.extend_from_slice(&STATUS_CODE.to_le_bytes());
            out.extend_from_slice(&code.to_le_bytes());
        }
        if let Some(phrase) = &self.status_phrase {
            out.extend_from_slice(&STATUS_PHRASE.to_le_bytes());
            put_counted(&mut out, phrase.as_bytes());
        }
        if let Some(flag) = self.flag {
            out.extend_from_slice(&FLAG.to_le_bytes());
            out.extend_from_slice(&flag.to_le_bytes());
        }
        if let Some(token) = &self.token {
            out.extend_from_slice(&TOKEN.to_le_bytes());
            put_counted(&mut out, token.as_bytes());
        }
        for (key, value) in &self.custom {
            out.extend_from_slice(&CUSTOM.to_le_bytes());
            put_counted(&mut out, key.as_bytes());
            put_value(&mut out, value);
        }
        out.extend_from_slice(&END_OF_HEADERS.to_le_bytes());
        out
    }
}

/// Whether `Debug` hides the value of the custom header `key`: a secret's name, or `sign`.
/// `sign` is no secret name (a reply field `sign` is no credential), but the `sign` of a
/// CONNECT, with its other headers, signs the consumer in again: a replay. The runtime hides
/// a request's `sign` for the same reason.
fn hidden(key: &str) -> bool {
    looks_secret(key) || key.eq_ignore_ascii_case("sign")
}

/// Prints `***`.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The custom headers, as `Debug` shows them.
struct CustomDebug<'a>(&'a [(String, Value)]);

impl fmt::Debug for CustomDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.0 {
            if hidden(key) {
                map.entry(key, &Redacted);
            } else {
                map.entry(key, value);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("message_type", &self.message_type)
            .field("status_code", &self.status_code)
            .field("status_phrase", &self.status_phrase)
            .field("flag", &self.flag)
            .field("token", &self.token.as_ref().map(|_| Redacted))
            .field("custom", &CustomDebug(&self.custom))
            .finish()
    }
}

/// An i32 length (`i32::MAX` for longer ones, see [`Frame::encode`]) and the bytes.
fn put_counted(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Void => out.push(0),
        Value::CountedString(s) => {
            out.push(1);
            put_counted(out, s.as_bytes());
        }
        Value::Byte(b) => out.extend_from_slice(&[2, *b]),
        Value::Int16(v) => {
            out.push(3);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Value::Int32(v) => {
            out.push(4);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Value::Int64(v) => {
            out.push(5);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Value::Date(v) => {
            out.push(6);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Value::ByteArray(bytes) => {
            out.push(7);
            put_counted(out, bytes);
        }
    }
}

/// A frame [`decode`] refuses: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    offset: usize,
    message: String,
}

impl FrameError {
    fn new(offset: usize, message: impl Into<String>) -> FrameError {
        FrameError {
            offset,
            message: message.into(),
        }
    }

    /// The byte offset in the frame of what is refused.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for FrameError {}

/// A key as error messages quote it: at most 64 characters.
fn quote(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((end, _)) => format!("`{}…`", &key[..end]),
        None => format!("`{key}`"),
    }
}

/// `1 byte`, `3 bytes`.
fn count(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

/// Reads the frame from its start, never past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], FrameError> {
        match self.rest().first_chunk::<N>() {
            Some(bytes) => {
                self.pos += N;
                Ok(*bytes)
            }
            None => Err(FrameError::new(
                self.pos,
                format!(
                    "expected {what} ({}), found {} before the end of the frame",
                    count(N),
                    count(self.rest().len()),
                ),
            )),
        }
    }

    fn u8(&mut self, what: &str) -> Result<u8, FrameError> {
        self.array::<1>(what).map(|[b]| b)
    }

    fn i16(&mut self, what: &str) -> Result<i16, FrameError> {
        self.array(what).map(i16::from_le_bytes)
    }

    fn i32(&mut self, what: &str) -> Result<i32, FrameError> {
        self.array(what).map(i32::from_le_bytes)
    }

    fn i64(&mut self, what: &str) -> Result<i64, FrameError> {
        self.array(what).map(i64::from_le_bytes)
    }

    /// An i32 length and that many bytes: the length checked against what remains first.
    fn counted(&mut self, what: &str) -> Result<&'a [u8], FrameError> {
        let at = self.pos;
        let len = self.i32(&format!("the length of {what}"))?;
        let Ok(len) = usize::try_from(len) else {
            return Err(FrameError::new(
                at,
                format!("the length of {what} is {len}, expected 0 or more"),
            ));
        };
        let rest = self.rest();
        match rest.get(..len) {
            Some(bytes) => {
                self.pos += len;
                Ok(bytes)
            }
            None => Err(FrameError::new(
                at,
                format!(
                    "the length of {what} is {len}, but {} remain in the frame",
                    count(rest.len())
                ),
            )),
        }
    }

    fn string(&mut self, what: &str) -> Result<&'a str, FrameError> {
        let start = self.pos + 4;
        let bytes = self.counted(what)?;
        std::str::from_utf8(bytes).map_err(|e| {
            FrameError::new(
                start + e.valid_up_to(),
                format!("{what} is not UTF-8 (expected UTF-8 text)"),
            )
        })
    }

    fn value(&mut self, key: &str) -> Result<Value, FrameError> {
        let at = self.pos;
        let what = format!("the value of custom header {}", quote(key));
        let format = self.u8(&format!("the value format of custom header {}", quote(key)))?;
        Ok(match format {
            0 => Value::Void,
            1 => Value::CountedString(self.string(&what)?.to_owned()),
            2 => Value::Byte(self.u8(&what)?),
            3 => Value::Int16(self.i16(&what)?),
            4 => Value::Int32(self.i32(&what)?),
            5 => Value::Int64(self.i64(&what)?),
            6 => Value::Date(self.i64(&what)?),
            7 => Value::ByteArray(self.counted(&what)?.to_vec()),
            other => {
                return Err(FrameError::new(
                    at,
                    format!(
                        "value format {other} of custom header {} is not one of 0–7 (Void, CountedString, Byte, Int16, Int32, Int64, Date, ByteArray)",
                        quote(key)
                    ),
                ));
            }
        })
    }
}

/// Sets a standard header once; a second one is refused.
fn once<T>(slot: &mut Option<T>, value: T, at: usize, name: &str) -> Result<(), FrameError> {
    if slot.is_some() {
        return Err(FrameError::new(
            at,
            format!("a second {name} header (expected at most one per frame)"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// Reads one frame; see the module docs for what is refused.
pub fn decode(bytes: &[u8]) -> Result<Frame, FrameError> {
    if bytes.len() > MAX_FRAME_SIZE {
        return Err(FrameError::new(
            MAX_FRAME_SIZE,
            format!(
                "the frame is {} bytes, over the limit of {MAX_FRAME_SIZE} bytes (16 MiB)",
                bytes.len()
            ),
        ));
    }
    let mut r = Reader { bytes, pos: 0 };
    let version = r.u8("the protocol version")?;
    if version != VERSION {
        return Err(FrameError::new(
            0,
            format!("protocol version {version} is not 2"),
        ));
    }
    let byte = r.u8("the message type")?;
    let message_type = MessageType::from_byte(byte).ok_or_else(|| {
        FrameError::new(
            1,
            format!("message type {byte} is not one of 0–3 (Connect, ConnectAck, Send, SendAck)"),
        )
    })?;
    let mut frame = Frame::new(message_type);
    let mut keys = HashSet::new();
    let mut headers = 0;
    loop {
        let at = r.pos;
        if r.rest().is_empty() {
            return Err(FrameError::new(
                at,
                "expected a header type (2 bytes), found the end of the frame: the frame has no EndOfHeaders",
            ));
        }
        let header = r.i16("a header type")?;
        if header == END_OF_HEADERS {
            break;
        }
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(FrameError::new(
                at,
                format!("more than {MAX_HEADERS} headers (expected EndOfHeaders by now)"),
            ));
        }
        match header {
            CUSTOM => {
                let key = r.string("a custom header key")?;
                let value = r.value(key)?;
                if !keys.insert(key) {
                    return Err(FrameError::new(
                        at,
                        format!(
                            "a second custom header {} (expected each key once)",
                            quote(key)
                        ),
                    ));
                }
                frame.custom.push((key.to_owned(), value));
            }
            STATUS_CODE => {
                let code = r.i32("the StatusCode value")?;
                once(&mut frame.status_code, code, at, "StatusCode")?;
            }
            STATUS_PHRASE => {
                let phrase = r.string("the StatusPhrase value")?.to_owned();
                once(&mut frame.status_phrase, phrase, at, "StatusPhrase")?;
            }
            FLAG => {
                let flag = r.i32("the Flag value")?;
                once(&mut frame.flag, flag, at, "Flag")?;
            }
            TOKEN => {
                let token = r.string("the Token value")?.to_owned();
                once(&mut frame.token, token, at, "Token")?;
            }
            other => {
                return Err(FrameError::new(
                    at,
                    format!(
                        "header type {other} is not one of 0–5 (EndOfHeaders, Custom, StatusCode, StatusPhrase, Flag, Token)"
                    ),
                ));
            }
        }
    }
    let extra = r.rest().len();
    if extra > 0 {
        return Err(FrameError::new(
            r.pos,
            format!(
                "{} after EndOfHeaders (expected the end of the frame)",
                count(extra)
            ),
        ));
    }
    Ok(frame)
}

/// The CONNECT `sign`: upper-case hex MD5 of `secret + "app_key" + app_key + "group_name" +
/// group_name + "timestamp" + timestamp + secret`. This is TOP's md5 request signing of those
/// three pairs (keys sorted: they already are), so it is the runtime's signing, not a second
/// copy of it; like TOP's signing (and the SDKs, which sign with it), a blank value is left
/// out of the signed text.
pub fn connect_sign(secret: &str, app_key: &str, group_name: &str, timestamp: &str) -> String {
    sign(
        &[
            ("app_key", app_key),
            ("group_name", group_name),
            ("timestamp", timestamp),
        ],
        None,
        secret,
        SignMethod::Md5,
    )
}
