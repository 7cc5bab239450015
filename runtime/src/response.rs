//! Reading TOP's JSON replies: `{"<name>_response": {…}}` or `{"error_response": {…}}`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, TopError};
use crate::redact::redact;

/// At most this many bytes of a body are quoted in an error.
pub const BODY_PREFIX_LEN: usize = 256;

/// Decodes a JSON reply: `{"<response_key>": {…}}` → `T`, `{"error_response": {…}}` →
/// [`Error::Top`], anything else → [`Error::Decode`] with a redacted body prefix
/// ([`redact_body_prefix`]). `status` is only reported in errors.
///
/// The body is parsed once, straight into `T`; other top-level keys are skipped. If both keys
/// are present, the error wins.
pub fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    let decode_error = |message: String| Error::Decode {
        message,
        status,
        body_prefix: redact_body_prefix(body),
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope = Envelope::<T> {
        response_key,
        _marker: PhantomData,
    }
    .deserialize(&mut de)
    .and_then(|envelope| de.end().map(|()| envelope))
    .map_err(|e| decode_error(e.to_string()))?;
    match envelope {
        Found::Error(e) => Err(Error::Top(e)),
        Found::Response(t) => Ok(t),
        Found::Neither { keys } => Err(decode_error(format!(
            "expected `{response_key}` or `error_response` at the top level, found {keys}"
        ))),
    }
}

/// Decodes a reply received with HTTP `status`: on 2xx as [`decode_json`]; otherwise a TOP
/// `error_response` body is [`Error::Top`] and anything else [`Error::Status`].
pub fn decode_reply<T: DeserializeOwned>(
    body: &[u8],
    response_key: &str,
    status: u16,
) -> Result<T, Error> {
    if (200..300).contains(&status) {
        return decode_json(body, response_key, status);
    }
    match decode_json::<IgnoredAny>(body, response_key, status) {
        Err(Error::Top(e)) => Err(Error::Top(e)),
        _ => Err(Error::Status {
            status,
            body_prefix: redact_body_prefix(body),
        }),
    }
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

/// What the top-level object held.
enum Found<T> {
    Response(T),
    Error(TopError),
    Neither { keys: KeyList },
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

/// Reads the top-level map, keeping the response key's value as `T` and `error_response` as
/// a [`TopError`].
struct Envelope<'k, T> {
    response_key: &'k str,
    _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<T>, D::Error> {
        d.deserialize_map(self)
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

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<T>, A::Error> {
        let mut response = None;
        let mut error = None;
        let mut keys = KeyList::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "error_response" && error.is_none() {
                error = Some(map.next_value::<TopError>()?);
            } else if key == self.response_key && response.is_none() {
                response = Some(map.next_value::<T>()?);
            } else {
                keys.add(&key);
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(match (error, response) {
            (Some(e), _) => Found::Error(e),
            (None, Some(t)) => Found::Response(t),
            (None, None) => Found::Neither { keys },
        })
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
            ("<html>502 Bad Gateway</html>", "expected value"),
            ("", "EOF while parsing"),
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
            ("[1,2]", "invalid type: sequence"),
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
