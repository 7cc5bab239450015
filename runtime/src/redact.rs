//! Redaction of sensitive values in text quoted by error messages.
//!
//! A key is sensitive when it contains (ASCII case-insensitively) `secret`, `token`,
//! `password`, `session` or `sign`. Its value is replaced by `***` in the shapes a reply or an
//! error page may have:
//!
//! - JSON `"key": "value"` (also escaped inside a JSON string: `\"key\":\"value\"`) and
//!   `"key": 123`;
//! - XML `<key>value</key>` (attributes allowed on the opening tag, CDATA too);
//! - query or form text `key=value`.
//!
//! Values cut short by truncation (no closing quote or tag) are redacted to the end. The
//! scanner works on any text and never fails; it over-redacts rather than under-redacts.

/// The words that make a key sensitive, lowercase.
const SENSITIVE: [&str; 5] = ["secret", "token", "password", "session", "sign"];

/// Whether `key` names a sensitive value.
pub(crate) fn is_sensitive_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    SENSITIVE.iter().any(|word| lower.contains(word))
}

/// Characters of a key: ASCII letters, digits, `_`, `-`, `.`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// `text` with the values of sensitive keys replaced by `***`.
pub(crate) fn redact(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Everything before `copied` is in `out`.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_key_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_key_byte(bytes[i]) {
            i += 1;
        }
        // Keys are ASCII, so `start..i` lies on char boundaries.
        let key = &text[start..i];
        if !is_sensitive_key(key) {
            continue;
        }
        let after_xml_open = start > 0 && bytes[start - 1] == b'<';
        if let Some((value_start, value_end, quote)) = value_span(bytes, i, after_xml_open) {
            out.push_str(&text[copied..value_start]);
            out.push_str("***");
            out.push_str(quote);
            copied = value_end;
            i = value_end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the value of the key ending at `key_end` lies: `(start, end, closing)`, where the
/// text `start..end` is replaced by `***` followed by `closing` (the closing quote that was
/// part of `start..end`, if any). `None` if no value follows the key.
fn value_span(bytes: &[u8], key_end: usize, xml_tag: bool) -> Option<(usize, usize, &'static str)> {
    let at = |i: usize| bytes.get(i).copied();
    if xml_tag {
        // `<key attr="…">value</key>`: the value is the text up to the next `<`.
        let mut i = key_end;
        while let Some(b) = at(i) {
            if b == b'>' {
                break;
            }
            if b == b'<' {
                return None;
            }
            i += 1;
        }
        at(i)?;
        if i > key_end && at(i - 1) == Some(b'/') {
            return None; // `<key/>`: no value.
        }
        let start = i + 1;
        let cdata = b"<![CDATA[";
        if bytes.get(start..start + cdata.len()) == Some(&cdata[..]) {
            // `<key><![CDATA[value]]></key>`: up to the end of the section.
            let from = start + cdata.len();
            let end = bytes
                .get(from..)
                .and_then(|rest| rest.windows(3).position(|w| w == b"]]>"))
                .map_or(bytes.len(), |p| from + p + 3);
            return Some((start, end, ""));
        }
        let end = find(bytes, start, |b| b == b'<');
        return (end > start).then_some((start, end, ""));
    }
    let mut i = key_end;
    // JSON: optional closing quote of the key (`"` or `\"`), spaces, `:`, spaces.
    if at(i) == Some(b'\\') && at(i + 1) == Some(b'"') {
        i += 2;
    } else if at(i) == Some(b'"') {
        i += 1;
    }
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    while at(i).is_some_and(is_space) {
        i += 1;
    }
    match at(i)? {
        b':' => {
            i += 1;
            while at(i).is_some_and(is_space) {
                i += 1;
            }
            match at(i) {
                None => None,
                Some(b'{' | b'[') => None,
                Some(b'\\') if at(i + 1) == Some(b'"') => {
                    // An escaped string inside a JSON string: up to the next `\"`.
                    let start = i + 2;
                    let mut j = start;
                    while j < bytes.len() && !(bytes[j] == b'\\' && at(j + 1) == Some(b'"')) {
                        j += 1;
                    }
                    if j < bytes.len() {
                        Some((start, j + 2, "\\\""))
                    } else {
                        Some((start, j, ""))
                    }
                }
                Some(b'"') => {
                    // A JSON string, escapes honoured.
                    let start = i + 1;
                    let mut j = start;
                    while j < bytes.len() {
                        match bytes[j] {
                            b'\\' => j += 2,
                            b'"' => return Some((start, j + 1, "\"")),
                            _ => j += 1,
                        }
                    }
                    Some((start, bytes.len(), ""))
                }
                Some(_) => {
                    // A bare scalar: number, literal, or unquoted text.
                    let end = find(bytes, i, |b| {
                        matches!(b, b',' | b'}' | b']' | b'"' | b'<' | b'&' | b'\\') || is_space(b)
                    });
                    (end > i).then_some((i, end, ""))
                }
            }
        }
        b'=' if i == key_end => {
            // Query / form: `key=value` up to `&`, a space, a quote or a tag.
            let start = i + 1;
            let end = find(bytes, start, |b| {
                matches!(b, b'&' | b'"' | b'\'' | b'<' | b'>') || is_space(b)
            });
            (end > start).then_some((start, end, ""))
        }
        _ => None,
    }
}

/// The index of the first byte from `from` matching `stop`, or the length.
fn find(bytes: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| stop(b)))
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_keys() {
        for key in [
            "secret",
            "access_key_secret",
            "security_token",
            "accessToken",
            "PASSWORD",
            "session",
            "session_key",
            "sign",
            "sign_method",
        ] {
            assert!(is_sensitive_key(key), "{key}");
        }
        for key in ["msg", "code", "sub_code", "request_id", "nick", "toke"] {
            assert!(!is_sensitive_key(key), "{key}");
        }
    }

    #[test]
    fn json_values() {
        assert_eq!(
            redact(r#"{"access_key_secret":"abc","bucket":"b","security_token" : "x\"y","n":1}"#),
            r#"{"access_key_secret":"***","bucket":"b","security_token" : "***","n":1}"#
        );
        assert_eq!(
            redact(r#"{"session": 123456, "refresh_token":null}"#),
            r#"{"session": ***, "refresh_token":***}"#
        );
        // Objects and arrays are left for their own keys to be checked.
        assert_eq!(
            redact(r#"{"token":{"access_token":"a","id":1},"tokens":["t"]}"#),
            r#"{"token":{"access_token":"***","id":1},"tokens":["t"]}"#
        );
        // Words in values are not keys.
        assert_eq!(
            redact(r#"{"msg":"Invalid session","sub_msg":"sign check failed"}"#),
            r#"{"msg":"Invalid session","sub_msg":"sign check failed"}"#
        );
    }

    #[test]
    fn escaped_json_inside_strings() {
        assert_eq!(
            redact(r#"{"data":"{\"password\":\"hunter2\",\"a\":1}"}"#),
            r#"{"data":"{\"password\":\"***\",\"a\":1}"}"#
        );
    }

    #[test]
    fn truncated_values_are_redacted_to_the_end() {
        assert_eq!(
            redact(r#"{"security_token":"CAIS1234"#),
            r#"{"security_token":"***"#
        );
        assert_eq!(redact(r#"{"security_token":"#), r#"{"security_token":"#);
        assert_eq!(redact("<session>abc"), "<session>***");
        assert_eq!(redact("session=abc"), "session=***");
    }

    #[test]
    fn xml_values() {
        assert_eq!(
            redact("<r><access_key_secret>abc</access_key_secret><bucket>b</bucket></r>"),
            "<r><access_key_secret>***</access_key_secret><bucket>b</bucket></r>"
        );
        assert_eq!(
            redact("<password><![CDATA[p<w>d]]></password><token><![CDATA[cut"),
            "<password>***</password><token>***"
        );
        assert_eq!(
            redact(r#"<Token type="sts">abc</Token><token/><secret></secret>"#),
            r#"<Token type="sts">***</Token><token/><secret></secret>"#
        );
    }

    #[test]
    fn query_values() {
        assert_eq!(
            redact("GET /router/rest?method=x&session=6100e2&sign=ABCD&v=2.0 HTTP/1.1"),
            "GET /router/rest?method=x&session=***&sign=***&v=2.0 HTTP/1.1"
        );
    }

    #[test]
    fn any_text_is_safe() {
        for text in [
            "",
            "\"",
            "token",
            "token\\",
            "token\\\"",
            "<token",
            "<token>",
            "é token:é",
            "token=\u{1F600}",
        ] {
            let _ = redact(text);
        }
        assert_eq!(redact("token: é"), "token: ***");
        assert_eq!(
            redact("plain text, nothing to hide"),
            "plain text, nothing to hide"
        );
    }
}
