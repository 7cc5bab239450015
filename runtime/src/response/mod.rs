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

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny};

use crate::error::{Error, TopError};
use crate::format::Format;
use crate::redact::redact;
use crate::xml::{self, XmlErrorKind};

mod json;

use json::{Envelope, Simplified, json_nesting_exceeds};

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

/// At most [`BODY_PREFIX_LEN`] bytes from the start of `body`, as lossy UTF-8, with the
/// values of secret keys (topgen's one rule, `topgen_spec::rules::looks_secret`, which also
/// decides which generated fields are [`Secret`](crate::Secret)s, and the request's `sign`)
/// replaced by `***` whatever their shape (a JSON string, number, object or array, an XML
/// element's whole content, a query or header value), and `Bearer` tokens too.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Reply {
        n: Option<i64>,
        request_id: Option<String>,
    }

    crate::decoded_struct!(Reply {
        n: (0, "n", field),
        request_id: (1, "request_id", field),
    });

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
