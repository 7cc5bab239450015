//! Reading TOP's replies in every format:
//!
//! - JSON (`format=json`): `{"<name>_response": {…}}` or `{"error_response": {…}}`;
//! - simplified JSON (`simplify=true`): the bare response object, lists as bare arrays, and
//!   still `{"error_response": {…}}` for an error;
//! - XML (`format=xml`): the root element `<name>_response` or `<error_response>`, read as
//!   described in [`crate::xml`].
//!
//! Every body is read once, straight into the typed response. Anything that is not a TOP
//! reply (an empty body, a proxy's HTML page, plain text, truncated or invalid JSON/XML…) is
//! an [`Error::Decode`] whose message says what the body looks like, with the HTTP status and
//! a short, redacted prefix of the body.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

use crate::error::{Error, TopError};
use crate::format::Format;
use crate::redact::redact;
use crate::xml::{self, XmlErrorKind};

/// At most this many bytes of a body are quoted in an error.
pub const BODY_PREFIX_LEN: usize = 256;

/// Decodes a reply in `format` (see the module docs of `response`): the response as `T`, TOP's
/// `error_response` as [`Error::Top`], anything else as [`Error::Decode`] with a message
/// saying what the body looks like and a redacted body prefix ([`redact_body_prefix`]).
/// `status` is only reported in errors.
///
/// The body's own syntax wins over `format`: an XML body is read as XML and a JSON body as
/// JSON (wrapped, or bare when `format` is [`Format::SimplifiedJson`]), so an error the
/// gateway sends in the other format is still a [`TopError`]. In simplified JSON, an
/// `error_response` key makes the reply an error, and a body that is wrapped after all
/// (`{"<response_key>": {…}}`) is unwrapped. In wrapped JSON, if both the response key and
/// `error_response` are present the error wins.
pub fn decode<T: DeserializeOwned>(
    format: Format,
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    let decode_error = |message: String| Error::Decode {
        message,
        status,
        body_prefix: redact_body_prefix(body),
    };
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            return Err(decode_error(format!(
                "the body is not valid UTF-8 (invalid byte at offset {}), not a TOP reply",
                e.valid_up_to()
            )));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let found = match Shape::of(text) {
        Shape::Empty => return Err(decode_error("empty body, not a TOP reply".to_owned())),
        Shape::Blank => {
            return Err(decode_error(
                "empty body (whitespace only), not a TOP reply".to_owned(),
            ));
        }
        Shape::Html => return Err(decode_error(HTML.to_owned())),
        Shape::Other => {
            return Err(decode_error(
                "the body is neither JSON nor XML (plain text?), not a TOP reply".to_owned(),
            ));
        }
        Shape::Json => decode_json_text(text, format == Format::SimplifiedJson, response_key),
        Shape::Xml => decode_xml_text(text, response_key),
    };
    match found {
        Ok(Found::Response(t)) => Ok(t),
        Ok(Found::Error(e)) => Err(Error::Top(e)),
        Ok(Found::Neither(message)) | Err(message) => Err(decode_error(message)),
    }
}

/// Decodes a reply received with HTTP `status` in `format`: on 2xx as [`decode`]; otherwise
/// a TOP `error_response` body (in any format) is [`Error::Top`] and anything else
/// [`Error::Status`] with a redacted body prefix.
pub fn decode_reply_in<T: DeserializeOwned>(
    format: Format,
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    if (200..300).contains(&status) {
        return decode(format, body, response_key, status);
    }
    match decode::<IgnoredAny>(format, body, response_key, status) {
        Err(Error::Top(e)) => Err(Error::Top(e)),
        _ => Err(Error::Status {
            status,
            body_prefix: redact_body_prefix(body),
        }),
    }
}

/// Decodes a JSON reply: [`decode`] with [`Format::Json`].
pub fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    decode(Format::Json, body, response_key, status)
}

/// Decodes a JSON reply received with HTTP `status`: [`decode_reply_in`] with
/// [`Format::Json`].
pub fn decode_reply<T: DeserializeOwned>(
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    decode_reply_in(Format::Json, body, response_key, status)
}

const HTML: &str = "an HTML page, not a TOP reply";

/// What a body looks like, from its first characters.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    Empty,
    Blank,
    Html,
    Json,
    Xml,
    Other,
}

impl Shape {
    fn of(text: &str) -> Shape {
        if text.is_empty() {
            return Shape::Empty;
        }
        let t = text.trim_start();
        let Some(first) = t.chars().next() else {
            return Shape::Blank;
        };
        // ASCII prefixes, compared without case.
        let head = t.as_bytes();
        let starts = |p: &str| {
            head.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
        };
        if ["<!doctype html", "<html", "<head", "<body"]
            .iter()
            .any(|p| starts(p))
        {
            Shape::Html
        } else if first == '<' {
            Shape::Xml
        } else if matches!(first, '{' | '[' | '"' | '-' | '0'..='9')
            || ["true", "false", "null"].iter().any(|w| t.starts_with(w))
        {
            Shape::Json
        } else {
            Shape::Other
        }
    }
}

/// A reply's content: the response, TOP's error, or why it is neither.
enum Found<T> {
    Response(T),
    Error(TopError),
    Neither(String),
}

fn decode_xml_text<T: DeserializeOwned>(
    text: &str,
    response_key: &str,
) -> Result<Found<T>, String> {
    match xml::decode_document::<T>(text, response_key) {
        Ok(xml::Root::Response(t)) => Ok(Found::Response(t)),
        Ok(xml::Root::Error(e)) => Ok(Found::Error(e)),
        Ok(xml::Root::Other(name)) if name.eq_ignore_ascii_case("html") => Err(HTML.to_owned()),
        Ok(xml::Root::Other(name)) => {
            let name: String = name.chars().take(64).collect();
            Err(format!(
                "expected the root element `<{response_key}>` or `<error_response>`, found `<{name}>`"
            ))
        }
        Err(e) => Err(match e.kind {
            XmlErrorKind::Truncated => format!("truncated XML: {e}"),
            XmlErrorKind::Syntax => format!("invalid XML: {e}"),
            XmlErrorKind::Data => format!("unexpected value in the XML reply: {e}"),
        }),
    }
}

fn decode_json_text<T: DeserializeOwned>(
    text: &str,
    simplified: bool,
    response_key: &str,
) -> Result<Found<T>, String> {
    // serde_json limits the nesting of the values it decodes, but skips ignored values
    // (unknown keys) at any depth; hold the whole body to the XML reader's limit.
    if json_nesting_exceeds(text.as_bytes(), xml::MAX_DEPTH) {
        return Err(format!(
            "invalid JSON: arrays and objects nested more than {} levels deep",
            xml::MAX_DEPTH
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let result = if simplified {
        Simplified::<T> {
            response_key,
            _marker: PhantomData,
        }
        .deserialize(&mut de)
    } else {
        Envelope::<T> {
            response_key,
            _marker: PhantomData,
        }
        .deserialize(&mut de)
    };
    let result = result.and_then(|found| de.end().map(|()| found));
    result.map_err(|e| match e.classify() {
        serde_json::error::Category::Eof => format!("truncated JSON: {e}"),
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            format!("invalid JSON: {e}")
        }
        serde_json::error::Category::Data => e.to_string(),
    })
}

/// Whether arrays and objects nest more than `max` levels deep in `json` (brackets inside
/// strings do not count; a backslash in a string escapes the byte after it).
fn json_nesting_exceeds(json: &[u8], max: usize) -> bool {
    // Nothing can nest deeper than there are opening brackets, which a vectorised count
    // finds at once: most replies need no scan.
    if opening_brackets(json) <= max {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                // Skip the string: jump from quote or backslash to the next one.
                i += 1;
                loop {
                    let Some(at) = json.get(i..).and_then(find_quote_or_backslash) else {
                        // An unterminated string: nothing nests after it.
                        return false;
                    };
                    i += at;
                    if json[i] == b'\\' {
                        i += 2;
                    } else {
                        break;
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// How many `[` and `{` bytes `json` holds, counted in a way the compiler vectorises: per
/// chunk of 255 bytes into a byte-sized counter (`b | 0x20 == b'{'` is true for `[` and `{`
/// only).
fn opening_brackets(json: &[u8]) -> usize {
    json.chunks(255)
        .map(|chunk| {
            let n = chunk
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b | 0x20 == b'{')));
            usize::from(n)
        })
        .sum()
}

/// The first `"` or `\\` in `text`, eight bytes at a time (a byte equal to either is found
/// with the "has a zero byte" bit trick on `chunk ^ pattern`).
fn find_quote_or_backslash(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut chunks = text.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            // The lowest flagged byte is exact (false flags only appear above a true one).
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// Errors for a JSON body that is not an object.
fn not_an_object<E: de::Error>(what: &str, response_key: &str) -> E {
    E::custom(format_args!(
        "{what}, not a TOP reply (expected an object with `{response_key}` or `error_response`)"
    ))
}

macro_rules! reject_non_objects {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON boolean", self.response_key))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON string", self.response_key))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(not_an_object("JSON null", self.response_key))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(not_an_object("a JSON array", self.response_key))
        }
    };
}

/// At most [`BODY_PREFIX_LEN`] bytes from the start of `body`, as lossy UTF-8, with the
/// values of sensitive keys (any key containing `secret`, `token`, `password`, `session` or
/// `sign`) replaced by `***` in JSON `"key":"value"`, XML `<key>value</key>` and query
/// `key=value` shapes.
pub fn redact_body_prefix(body: &[u8]) -> String {
    let window = &body[..body.len().min(BODY_PREFIX_LEN)];
    // A character cut by the window is dropped rather than shown as U+FFFD.
    let window = match std::str::from_utf8(window) {
        Err(e) if e.error_len().is_none() => &window[..e.valid_up_to()],
        _ => window,
    };
    let text = String::from_utf8_lossy(window);
    let mut redacted = redact(&text);
    if redacted.len() > BODY_PREFIX_LEN {
        let mut cut = BODY_PREFIX_LEN;
        while !redacted.is_char_boundary(cut) {
            cut -= 1;
        }
        redacted.truncate(cut);
    }
    redacted
}

/// The top-level keys of an unexpected reply, for the error message.
#[derive(Default)]
struct KeyList {
    shown: Vec<String>,
    more: usize,
}

impl KeyList {
    const MAX_SHOWN: usize = 5;

    fn add(&mut self, key: &str) {
        if self.shown.len() < Self::MAX_SHOWN {
            self.shown.push(key.chars().take(64).collect());
        } else {
            self.more += 1;
        }
    }
}

impl fmt::Display for KeyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shown.is_empty() {
            return f.write_str("an empty object");
        }
        f.write_str("keys ")?;
        for (i, key) in self.shown.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{key}`")?;
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

/// A map key: borrowed from the body when it has no escapes, so reading it allocates nothing.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Reads the top-level map, keeping the response key's value as `T` and `error_response` as
/// a [`TopError`].
struct Envelope<'k, T> {
    response_key: &'k str,
    _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a JSON object with `{}` or `error_response`",
            self.response_key
        )
    }

    reject_non_objects!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<T>, A::Error> {
        let mut response = None;
        let mut error = None;
        let mut keys = KeyList::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if key == "error_response" && error.is_none() {
                error = Some(map.next_value::<TopError>()?);
            } else if key == self.response_key && response.is_none() {
                response = Some(map.next_value::<T>()?);
            } else {
                keys.add(&key);
                map.next_value::<IgnoredAny>()?;
            }
        }
        match (error, response) {
            (Some(e), _) => Ok(Found::Error(e)),
            (None, Some(t)) => Ok(Found::Response(t)),
            (None, None) => Ok(Found::Neither(format!(
                "expected `{}` or `error_response` at the top level, found {keys}",
                self.response_key
            ))),
        }
    }
}

/// Reads a simplified reply: the top-level object is `T` itself, except for an
/// `error_response` key (the reply is an error) and the response key (a wrapped reply after
/// all: its value is `T`).
struct Simplified<'k, T> {
    response_key: &'k str,
    _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Simplified<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Simplified<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (the response, or `error_response`)")
    }

    reject_non_objects!();

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Found<T>, A::Error> {
        let mut error = None;
        let mut wrapped = None;
        let bare = T::deserialize(MapAccessDeserializer::new(Intercept {
            map,
            response_key: self.response_key,
            error: &mut error,
            wrapped: &mut wrapped,
        }))?;
        Ok(match (error, wrapped) {
            (Some(e), _) => Found::Error(e),
            (None, Some(t)) => Found::Response(t),
            (None, None) => Found::Response(bare),
        })
    }
}

/// The top-level map of a simplified reply with `error_response` and the response key taken
/// out.
struct Intercept<'r, 'k, A, T> {
    map: A,
    response_key: &'k str,
    error: &'r mut Option<TopError>,
    wrapped: &'r mut Option<T>,
}

impl<'de, A: MapAccess<'de>, T: DeserializeOwned> MapAccess<'de> for Intercept<'_, '_, A, T> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            if key == "error_response" && self.error.is_none() {
                *self.error = Some(self.map.next_value()?);
            } else if key == self.response_key && self.wrapped.is_none() {
                *self.wrapped = Some(self.map.next_value()?);
            } else {
                return match key {
                    Cow::Borrowed(key) => {
                        seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(key))
                    }
                    Cow::Owned(key) => seed.deserialize(StringDeserializer::<A::Error>::new(key)),
                }
                .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Reply {
        #[serde(default, deserialize_with = "crate::de::opt")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "crate::de::opt")]
        request_id: Option<String>,
    }

    const KEY: &str = "x_get_response";

    fn decode(body: &str) -> Result<Reply, Error> {
        decode_json(body.as_bytes(), KEY, 200)
    }

    #[test]
    fn success() {
        let r = decode(r#"{"x_get_response":{"n":"5","request_id":"r1"}}"#).unwrap();
        assert_eq!(
            r,
            Reply {
                n: Some(5),
                request_id: Some("r1".to_owned())
            }
        );
        // Other top-level keys are ignored, before or after.
        let r = decode(r#"{"a":[1,{"b":2}],"x_get_response":{"n":1},"z":null}"#).unwrap();
        assert_eq!(r.n, Some(1));
    }

    #[test]
    fn error_response() {
        let body = r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数","request_id":"r2"}}"#;
        let Err(Error::Top(e)) = decode(body) else {
            panic!("expected a TOP error");
        };
        assert_eq!(
            e,
            TopError {
                code: 50,
                msg: "Remote service error".to_owned(),
                sub_code: Some("isv.invalid-parameter".to_owned()),
                sub_msg: Some("非法参数".to_owned()),
                request_id: Some("r2".to_owned()),
            }
        );
        // Code as a string; sub code and the rest missing.
        let Err(Error::Top(e)) =
            decode(r#"{"error_response":{"code":"7","msg":"App Call Limited"}}"#)
        else {
            panic!("expected a TOP error");
        };
        assert_eq!(e.code, 7);
        assert_eq!(e.sub_code, None);
        assert_eq!(e.sub_msg, None);
        assert_eq!(e.retry_class(), crate::RetryClass::AfterDelay);
        // The error wins over a response in the same body.
        let both = r#"{"x_get_response":{"n":1},"error_response":{"code":15,"msg":"m"}}"#;
        assert!(matches!(decode(both), Err(Error::Top(e)) if e.code == 15));
    }

    #[test]
    fn unexpected_bodies_are_decode_errors_with_a_prefix() {
        let cases = [
            (
                r#"{"other_response":{"n":1},"b":2}"#,
                "found keys `other_response`, `b`",
            ),
            ("{}", "found an empty object"),
            (
                "<html>502 Bad Gateway</html>",
                "an HTML page, not a TOP reply",
            ),
            ("", "empty body"),
            (
                r#"{"x_get_response":{"n":"abc"}}"#,
                "expected a 64-bit integer",
            ),
            (
                r#"{"x_get_response":{"n":1}} trailing"#,
                "trailing characters",
            ),
            (
                r#"{"error_response":{"msg":"no code"}}"#,
                "missing field `code`",
            ),
            ("[1,2]", "a JSON array, not a TOP reply"),
        ];
        for (body, message_part) in cases {
            match decode(body) {
                Err(Error::Decode {
                    message,
                    status,
                    body_prefix,
                }) => {
                    assert!(message.contains(message_part), "{body}: {message}");
                    assert_eq!(status, 200);
                    assert_eq!(body_prefix, body.chars().take(256).collect::<String>());
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        let many = r#"{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1}"#;
        let Err(Error::Decode { message, .. }) = decode(many) else {
            panic!()
        };
        assert!(message.ends_with("`e` and 2 more"), "{message}");
    }

    #[test]
    fn non_2xx_replies() {
        let top = decode_reply::<Reply>(
            br#"{"error_response":{"code":"10","msg":"busy"}}"#,
            KEY,
            503,
        );
        assert!(matches!(top, Err(Error::Top(e)) if e.code == 10 && e.is_retryable()));
        let status = decode_reply::<Reply>(b"<html>Bad Gateway</html>", KEY, 502);
        let Err(Error::Status {
            status,
            body_prefix,
        }) = status
        else {
            panic!("expected a status error");
        };
        assert_eq!(
            (status, body_prefix.as_str()),
            (502, "<html>Bad Gateway</html>")
        );
        // A success envelope with an error status is still a status error.
        let odd = decode_reply::<Reply>(br#"{"x_get_response":{"n":1}}"#, KEY, 500);
        assert!(matches!(odd, Err(Error::Status { status: 500, .. })));
        let ok = decode_reply::<Reply>(br#"{"x_get_response":{"n":1}}"#, KEY, 200).unwrap();
        assert_eq!(ok.n, Some(1));
    }

    #[test]
    fn json_nesting_scan() {
        assert!(!json_nesting_exceeds(br#"{"a":[[1]]}"#, 3));
        assert!(json_nesting_exceeds(br#"{"a":[[1]]}"#, 2));
        // Brackets in strings, escaped quotes included, do not count.
        assert!(!json_nesting_exceeds(br#"{"a":"[[[{\"[["}"#, 1));
        assert!(json_nesting_exceeds(br#"{"a":"\\",[]}"#, 1));
        assert!(!json_nesting_exceeds(b"]]]]{", 1));
        // Strings longer than the plain look, escapes across it, unterminated strings.
        let long = format!(r#"{{"a":"{}\"[[[","b":[[1]]}}"#, "x".repeat(100));
        assert!(!json_nesting_exceeds(long.as_bytes(), 3));
        assert!(json_nesting_exceeds(long.as_bytes(), 2));
        assert!(!json_nesting_exceeds(br#"{"a":"[[[[["#, 1));
        assert!(!json_nesting_exceeds(b"{\"\\", 1));
    }

    #[test]
    fn opening_brackets_are_counted() {
        assert_eq!(opening_brackets(b""), 0);
        assert_eq!(opening_brackets(b"[{;:[]}{\x7b\x5b\xfb\xdb"), 6);
        let big = "[{a}]".repeat(1000);
        assert_eq!(opening_brackets(big.as_bytes()), 2000);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(opening_brackets(&all), 2);
    }

    #[test]
    fn quotes_and_backslashes_are_found() {
        assert_eq!(find_quote_or_backslash(b""), None);
        assert_eq!(find_quote_or_backslash(b"abc"), None);
        assert_eq!(find_quote_or_backslash(&[b'a'; 100]), None);
        for len in 0..40 {
            for (i, c) in [(0, b'"'), (len / 2, b'\\'), (len, b'"')] {
                let mut text = vec![b'x'; len + 1];
                text[i] = c;
                // Bytes close to the targets (0x21, 0x5B, 0xA2, 0xDC) are not matches.
                for (j, b) in text.iter_mut().enumerate() {
                    if j != i && j % 3 == 0 {
                        *b = [0x21, 0x5B, 0xA2, 0xDC][j % 4];
                    }
                }
                assert_eq!(find_quote_or_backslash(&text), Some(i), "{len} {i}");
            }
        }
    }

    /// The scan agrees with a byte-by-byte reference on generated texts.
    #[test]
    fn json_nesting_scan_matches_a_plain_scan() {
        fn reference(json: &[u8], max: usize) -> bool {
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            for &b in json {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > max {
                            return true;
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            false
        }
        let alphabet = b"\"\\[]{}ab ";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [0, 1, 5, 30, 80, 300] {
            for _ in 0..400 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for max in [0, 1, 2, 4] {
                    assert_eq!(
                        json_nesting_exceeds(&text, max),
                        reference(&text, max),
                        "{:?} {max}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }

    #[test]
    fn shapes() {
        for (text, shape) in [
            ("", Shape::Empty),
            (" \n", Shape::Blank),
            ("  <HTML lang=en>", Shape::Html),
            ("<!doctype HTML>", Shape::Html),
            ("<body>", Shape::Html),
            ("<?xml version=\"1.0\"?><r/>", Shape::Xml),
            ("<r/>", Shape::Xml),
            ("{", Shape::Json),
            ("[", Shape::Json),
            ("-1", Shape::Json),
            ("7", Shape::Json),
            ("\"s\"", Shape::Json),
            ("null", Shape::Json),
            ("true", Shape::Json),
            ("nothing", Shape::Other),
            ("Bad Gateway", Shape::Other),
        ] {
            assert_eq!(Shape::of(text), shape, "{text:?}");
        }
    }

    #[test]
    fn simplified_replies() {
        let simplified =
            |body: &str| super::decode::<Reply>(Format::SimplifiedJson, body.as_bytes(), KEY, 200);
        let r = simplified(r#"{"n":"4","request_id":"r"}"#).unwrap();
        assert_eq!((r.n, r.request_id.as_deref()), (Some(4), Some("r")));
        // Wrapped after all: unwrapped.
        assert_eq!(
            simplified(r#"{"x_get_response":{"n":5}}"#).unwrap().n,
            Some(5)
        );
        // The error key makes it an error, wherever it is.
        let e = simplified(r#"{"n":1,"error_response":{"code":27,"msg":"Invalid session"}}"#);
        assert!(matches!(e, Err(Error::Top(e)) if e.code == 27));
        let e = simplified("[1]").unwrap_err().to_string();
        assert!(e.contains("a JSON array, not a TOP reply"), "{e}");
    }

    #[test]
    fn body_prefix_is_short_and_redacted() {
        let body = format!(
            r#"{{"x_get_response":{{"access_key_secret":"AKS-123","security_token":"CAIS-456","bucket":"b"}},"pad":"{}"}}"#,
            "p".repeat(1000)
        );
        let Err(Error::Decode { body_prefix, .. }) =
            decode_json::<IgnoredAny>(body.as_bytes(), "nope", 200)
        else {
            panic!()
        };
        assert!(body_prefix.len() <= BODY_PREFIX_LEN);
        assert!(!body_prefix.contains("AKS-123"), "{body_prefix}");
        assert!(!body_prefix.contains("CAIS-456"), "{body_prefix}");
        assert!(
            body_prefix.contains(r#""access_key_secret":"***""#),
            "{body_prefix}"
        );
        assert!(body_prefix.contains(r#""bucket":"b""#), "{body_prefix}");

        // XML too, and a value cut by the window.
        let xml = format!(
            "<r><session_key>SK-789</session_key>{}<token>TTT",
            "x".repeat(230)
        );
        let prefix = redact_body_prefix(xml.as_bytes());
        assert!(
            !prefix.contains("SK-789") && !prefix.contains("TTT"),
            "{prefix}"
        );
        assert!(
            prefix.starts_with("<r><session_key>***</session_key>"),
            "{prefix}"
        );

        // Multi-byte characters cut by the window, invalid UTF-8, short values grown by `***`.
        let cut = "é".repeat(200);
        let prefix = redact_body_prefix(cut.as_bytes());
        assert_eq!(prefix, "é".repeat(128));
        assert_eq!(redact_body_prefix(b"\xff\xfeok"), "\u{FFFD}\u{FFFD}ok");
        let grown = r#"{"t":1,"token":"a"}"#.repeat(30);
        let prefix = redact_body_prefix(grown.as_bytes());
        assert!(prefix.len() <= BODY_PREFIX_LEN);
        assert!(!prefix.contains(r#""token":"a""#), "{prefix}");
        assert_eq!(redact_body_prefix(b""), "");
    }
}
