//! Redaction of credentials in text the runtime quotes (error messages, logs, `Debug`).
//!
//! Redaction is structural, never a blind search for a word or a short value:
//!
//! - **Secret keys.** A key is sensitive when [`topgen_spec::rules::looks_secret`] says so —
//!   the very rule by which the generator makes a field a [`Secret`](crate::Secret) — or when
//!   it is the request's `sign` param (not a secret name, so a reply field named `sign` stays
//!   a `String`, but a request's sign with its query lets the call be replayed). Its whole
//!   value is replaced by `***`, whatever its shape:
//!   - JSON `"key": value` — a string, number or literal, and an object or array as a whole
//!     (nesting and strings honoured), also escaped inside a JSON string
//!     (`\"key\":\"value\"`);
//!   - XML `<key>…</key>`: the element's whole content (child elements, CDATA), attributes
//!     allowed on the opening tag; an attribute `key="value"`;
//!   - query or form text `key=value` (up to `&`, `,`, `;`, a space, quote or tag; a query's
//!     values are percent-encoded), and `key: value` in free text (a header line), where
//!     an authorization scheme is taken with its credential (`Authorization: Bearer abc` →
//!     `Authorization: ***`).
//! - **Bearer tokens.** `Bearer <token>` anywhere (a proxy's page echoing a header):
//!   the token.
//! - **Known values** ([`Known`], used by the client on what it quotes about a call it sent):
//!   the request's URL and query as wholes, then the call's own secrets (app secret,
//!   session, sign) wherever they appear, but only values of at least [`MIN_KNOWN_LEN`]
//!   bytes. A shorter value is so likely to occur by chance (`s`, `abc`) that replacing it
//!   would garble the message; it is still redacted wherever the structure says it is a
//!   secret, which is where it appears in the URL, query and replies.
//!
//! Values cut short by truncation (no closing quote, bracket or tag) are redacted to the end.
//! The scanner works on any text and never fails; it over-redacts rather than under-redacts.

use topgen_spec::rules::looks_secret;

/// Known secret values shorter than this (in bytes) are not searched for in text; see the
/// module docs.
pub(crate) const MIN_KNOWN_LEN: usize = 8;

/// Whether `key` names a sensitive value: a secret name by topgen's one rule, or the
/// request's `sign`.
pub(crate) fn is_sensitive_key(key: &str) -> bool {
    looks_secret(key) || key.eq_ignore_ascii_case("sign")
}

/// What the client knows about one call, to keep out of what it quotes about it.
#[derive(Clone, Copy, Default)]
pub(crate) struct Known<'a> {
    /// The request's URL and query: replaced as wholes.
    pub(crate) wholes: [&'a str; 2],
    /// The call's secret values (app secret, session, sign): replaced when at least
    /// [`MIN_KNOWN_LEN`] bytes long.
    pub(crate) values: [&'a str; 3],
}

impl Known<'_> {
    /// `text` with the known wholes, the values of sensitive keys, Bearer tokens and the
    /// known values (long enough) replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        // Longest first, so that one inside another is not left half-replaced.
        let mut wholes: Vec<&str> = self
            .wholes
            .iter()
            .copied()
            .filter(|w| !w.trim().is_empty())
            .collect();
        wholes.sort_by_key(|w| std::cmp::Reverse(w.len()));
        for whole in wholes {
            text = text.replace(whole, "***");
        }
        let mut text = redact(&text);
        let mut values: Vec<&str> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.trim().len() >= MIN_KNOWN_LEN)
            .collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for value in values {
            text = text.replace(value, "***");
        }
        text
    }
}

/// Characters of a key: ASCII letters, digits, `_`, `-`, `.`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Where a credential after an authorization scheme, or a Bearer token, ends.
fn is_credential_end(b: u8) -> bool {
    is_space(b) || matches!(b, b'"' | b'\'' | b'<' | b'>' | b',' | b';' | b'&' | b'\\')
}

/// Authorization schemes whose credential follows them as the next word.
const SCHEMES: [&str; 5] = ["bearer", "basic", "digest", "token", "negotiate"];

/// `text` with the values of sensitive keys and Bearer tokens replaced by `***`.
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
        let span = if key.eq_ignore_ascii_case("bearer") {
            bearer_token(bytes, i)
        } else if is_sensitive_key(key) {
            let after_xml_open = start > 0 && bytes[start - 1] == b'<';
            value_span(bytes, key, i, after_xml_open)
        } else {
            None
        };
        if let Some((value_start, value_end, quote)) = span {
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

/// The token of `Bearer <token>` (the word `bearer` ending at `word_end`), if one follows on
/// the same line.
fn bearer_token(bytes: &[u8], word_end: usize) -> Option<(usize, usize, &'static str)> {
    let mut i = word_end;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if i == word_end {
        return None;
    }
    let end = find(bytes, i, is_credential_end);
    (end > i).then_some((i, end, ""))
}

/// Where the value of the key `key` ending at `key_end` lies: `(start, end, closing)`, where
/// the text `start..end` is replaced by `***` followed by `closing` (the closing quote that
/// was part of `start..end`, if any). `None` if no value follows the key.
fn value_span(
    bytes: &[u8],
    key: &str,
    key_end: usize,
    xml_tag: bool,
) -> Option<(usize, usize, &'static str)> {
    let at = |i: usize| bytes.get(i).copied();
    if xml_tag {
        return xml_content(bytes, key, key_end);
    }
    let mut i = key_end;
    // JSON: optional closing quote of the key (`"` or `\"`), spaces, `:`, spaces.
    let mut escaped = false;
    let mut quoted = true;
    if at(i) == Some(b'\\') && at(i + 1) == Some(b'"') {
        i += 2;
        escaped = true;
    } else if at(i) == Some(b'"') {
        i += 1;
    } else {
        quoted = false;
    }
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
                Some(b'{' | b'[') => Some((i, balanced_end(bytes, i, escaped), "")),
                Some(b'\\') if at(i + 1) == Some(b'"') => {
                    // An escaped string inside a JSON string: up to the next `\"` that is
                    // not an escaped quote of its own (`\\\"`).
                    let start = i + 2;
                    let mut j = start;
                    while j < bytes.len() {
                        if bytes[j] == b'\\' && at(j + 1) == Some(b'"') {
                            return Some((start, j + 2, "\\\""));
                        }
                        if bytes[j] == b'\\' && at(j + 1) == Some(b'\\') {
                            j += 2;
                            // `\\` then `\"`: an escaped quote of the inner string.
                            if at(j) == Some(b'\\') && at(j + 1) == Some(b'"') {
                                j += 2;
                            }
                            continue;
                        }
                        if bytes[j] == b'"' {
                            // The enclosing string ends: the value was cut there.
                            return Some((start, j, ""));
                        }
                        j += 1;
                    }
                    Some((start, j, ""))
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
                    // A bare scalar (number, literal) or free text (a header's value): one
                    // word, or an authorization scheme and its credential.
                    let word_end = |from: usize| {
                        find(bytes, from, |b| {
                            matches!(b, b',' | b'}' | b']' | b'"' | b'<' | b'&' | b'\\')
                                || is_space(b)
                        })
                    };
                    let mut end = word_end(i);
                    let word = std::str::from_utf8(&bytes[i..end]).unwrap_or("");
                    if SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) {
                        let mut j = end;
                        while matches!(at(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        if j > end {
                            end = end.max(find(bytes, j, is_credential_end));
                        }
                    }
                    (end > i).then_some((i, end, ""))
                }
            }
        }
        b'=' if !quoted => {
            // Query / form: `key=value` up to `&`, a space, a quote or a tag; an attribute
            // or assignment `key="value"` / `key='value'` up to its closing quote.
            let mut start = i + 1;
            while matches!(at(start), Some(b' ' | b'\t')) {
                start += 1;
            }
            if let Some(q @ (b'"' | b'\'')) = at(start) {
                let from = start + 1;
                let end = find(bytes, from, |b| b == q);
                let closing = if q == b'"' { "\"" } else { "'" };
                return if end < bytes.len() {
                    (end > from).then_some((from, end + 1, closing))
                } else {
                    Some((from, end, ""))
                };
            }
            let end = find(bytes, start, |b| {
                matches!(b, b'&' | b'"' | b'\'' | b'<' | b'>' | b',' | b';') || is_space(b)
            });
            (end > start).then_some((start, end, ""))
        }
        _ => None,
    }
}

/// The content of the XML element whose opening tag `<key` ends its name at `name_end`:
/// everything between the opening tag and its matching `</key>` (same-named elements inside
/// counted, CDATA sections skipped), or to the end if the element is cut short. `None` for an
/// empty element.
fn xml_content(bytes: &[u8], key: &str, name_end: usize) -> Option<(usize, usize, &'static str)> {
    let at = |i: usize| bytes.get(i).copied();
    // `<key attr="…">`: the opening tag ends at the next `>`.
    let mut i = name_end;
    if !matches!(
        at(i),
        Some(b'>' | b'/') | Some(b' ' | b'\t' | b'\r' | b'\n')
    ) {
        return None;
    }
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
    if i > name_end && at(i - 1) == Some(b'/') {
        return None; // `<key/>`: no value.
    }
    let start = i + 1;
    let name = key.as_bytes();
    let names_here = |j: usize| {
        bytes.get(j..j + name.len()) == Some(name)
            && matches!(
                at(j + name.len()),
                None | Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')
            )
    };
    let cdata = b"<![CDATA[";
    let mut depth = 1usize;
    let mut j = start;
    while j < bytes.len() {
        if bytes[j] != b'<' {
            j += 1;
            continue;
        }
        if bytes.get(j..j + cdata.len()) == Some(&cdata[..]) {
            let from = j + cdata.len();
            j = bytes
                .get(from..)
                .and_then(|rest| rest.windows(3).position(|w| w == b"]]>"))
                .map_or(bytes.len(), |p| from + p + 3);
            continue;
        }
        if at(j + 1) == Some(b'/') && names_here(j + 2) {
            depth -= 1;
            if depth == 0 {
                return (j > start).then_some((start, j, ""));
            }
        } else if names_here(j + 1) {
            let close = find(bytes, j, |b| b == b'>');
            if close < bytes.len() && bytes[close - 1] != b'/' {
                depth += 1;
            }
        }
        j += 1;
    }
    (bytes.len() > start).then_some((start, bytes.len(), ""))
}

/// The end of the JSON object or array opening at `from` (just past its closing bracket), or
/// the length if it is cut short. With `escaped`, the JSON is escaped inside a JSON string
/// (`{\"k\":\"v\"}`): its characters are the string's unescaped ones, and the string's own
/// closing quote ends it.
fn balanced_end(bytes: &[u8], from: usize, escaped: bool) -> usize {
    let len = bytes.len();
    // One character of the JSON text at `j`: (character, where the next one starts), or
    // `None` where the enclosing string ends.
    let unit = |j: usize| -> Option<(u8, usize)> {
        match bytes[j] {
            b'"' if escaped => None,
            b'\\' if escaped => Some((bytes.get(j + 1).copied().unwrap_or(b'\\'), j + 2)),
            b => Some((b, j + 1)),
        }
    };
    let mut depth = 0usize;
    let mut in_string = false;
    let mut j = from;
    while j < len {
        let Some((c, mut next)) = unit(j) else {
            return j;
        };
        if in_string {
            match c {
                b'\\' if next < len => match unit(next) {
                    Some((_, after)) => next = after,
                    None => return next,
                },
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return next.min(len);
                    }
                }
                _ => {}
            }
        }
        j = next;
    }
    len
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
            "SIGN",
            // The generator's secret names, which the runtime once missed.
            "passwd",
            "private_key",
            "credential",
            "Authorization",
        ] {
            assert!(is_sensitive_key(key), "{key}");
        }
        for key in [
            "msg",
            "code",
            "sub_code",
            "request_id",
            "nick",
            "toke",
            "token_type",
            "sign_method",
            "signed",
        ] {
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
        // A secret's object or array value goes as a whole.
        assert_eq!(
            redact(r#"{"token":{"access_token":"a","id":1},"tokens":["t"]}"#),
            r#"{"token":***,"tokens":["t"]}"#
        );
        // Words in values are not keys.
        assert_eq!(
            redact(r#"{"msg":"Invalid session","sub_msg":"sign check failed"}"#),
            r#"{"msg":"Invalid session","sub_msg":"sign check failed"}"#
        );
    }

    #[test]
    fn secret_names_of_the_generator_are_redacted() {
        assert_eq!(
            redact(r#"{"passwd":"pw-1","private_key":"pk-2","credential":"cr-3","nick":"n"}"#),
            r#"{"passwd":"***","private_key":"***","credential":"***","nick":"n"}"#
        );
        assert_eq!(
            redact("<r><passwd>pw-1</passwd><user_credential>cr-3</user_credential></r>"),
            "<r><passwd>***</passwd><user_credential>***</user_credential></r>"
        );
    }

    #[test]
    fn values_of_any_shape_go_whole() {
        let cases = [
            (
                r#"{"credential":{"key":"K1","nested":{"deep":["D2",{"x":"}]"}]}},"n":1}"#,
                r#"{"credential":***,"n":1}"#,
            ),
            (
                r#"{"private_key": ["P1", "P2", [3]], "n": 1}"#,
                r#"{"private_key": ***, "n": 1}"#,
            ),
            (r#"{"passwd":123456,"n":1}"#, r#"{"passwd":***,"n":1}"#),
            (r#"{"passwd":-1.5e3}"#, r#"{"passwd":***}"#),
            (r#"{"app_secret":true}"#, r#"{"app_secret":***}"#),
            // Cut short: to the end.
            (
                r#"{"credential":{"key":"K1","more":"#,
                r#"{"credential":***"#,
            ),
            // Escaped inside a JSON string, with an escaped quote and bracket in a string.
            (
                r#"{"data":"{\"credential\":{\"k\":\"a\\\"}b\"},\"n\":1}"}"#,
                r#"{"data":"{\"credential\":***,\"n\":1}"}"#,
            ),
            // Escaped and cut by the enclosing string's end.
            (
                r#"{"data":"{\"credential\":{\"k\":\"v","n":1}"#,
                r#"{"data":"{\"credential\":***","n":1}"#,
            ),
            (
                r#"{"data":"{\"passwd\":\"a\\\"b\",\"n\":1}"}"#,
                r#"{"data":"{\"passwd\":\"***\",\"n\":1}"}"#,
            ),
        ];
        for (text, redacted) in cases {
            assert_eq!(redact(text), redacted, "{text}");
        }
        for secret in ["K1", "D2", "P1", "P2", "123456", "}b"] {
            for (text, _) in cases {
                assert!(!redact(text).contains(secret), "{secret} in {text}");
            }
        }
    }

    #[test]
    fn xml_elements_go_whole() {
        assert_eq!(
            redact(
                "<r><private_key><k>K1</k><v><![CDATA[</private_key>]]></v></private_key><n>1</n></r>"
            ),
            "<r><private_key>***</private_key><n>1</n></r>"
        );
        // Same-named elements inside are counted.
        assert_eq!(
            redact("<credential><credential a=\"1\">C1</credential>C2</credential><n/>"),
            "<credential>***</credential><n/>"
        );
        // Cut short: to the end.
        assert_eq!(
            redact("<r><credential><key>K1</key><more>"),
            "<r><credential>***"
        );
        // Attributes named like secrets.
        assert_eq!(
            redact(r#"<user password="P1" name='n' token='T1'/>"#),
            r#"<user password="***" name='n' token='***'/>"#
        );
    }

    #[test]
    fn free_text_credentials() {
        let cases = [
            (
                "502 Bad Gateway\r\nAuthorization: Bearer abc.def-ghi\r\nHost: x",
                "502 Bad Gateway\r\nAuthorization: ***\r\nHost: x",
            ),
            (
                "proxy-authorization: Basic dXNlcjpwYXNz, next",
                "proxy-authorization: ***, next",
            ),
            (
                "upstream said: token Bearer eyJ0.eyJ1.c2ln rejected",
                "upstream said: token Bearer *** rejected",
            ),
            ("<p>bearer   abc</p>", "<p>bearer   ***</p>"),
            (
                "config app_secret=xyz, session = S1; client_secret: \"q w\"",
                "config app_secret=***, session = ***; client_secret: \"***\"",
            ),
            (
                "app_secret: xyz sign=ABC&v=2.0",
                "app_secret: *** sign=***&v=2.0",
            ),
        ];
        for (text, redacted) in cases {
            assert_eq!(redact(text), redacted, "{text}");
        }
        // Words are not keys, and a secret's name without a value is left alone.
        for text in [
            "secret rotation failed: the secret is wrong",
            "Invalid session; sign check failed",
            "missing Bearer",
            "Bearer\ntext",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn known_values_only_when_long_enough() {
        let url = "https://gw/router/rest?method=m&session=abc&sign=0123456789ABCDEF";
        let query = "method=m&session=abc&sign=0123456789ABCDEF";
        for short in ["s", "abc"] {
            let known = Known {
                wholes: [url, query],
                values: [short, "", "0123456789ABCDEF"],
            };
            let text = "sessions and secrets are fine, a basic message; sign 0123456789ABCDEF";
            assert_eq!(
                known.redact(text),
                "sessions and secrets are fine, a basic message; sign ***"
            );
            // Where the structure says it is a secret, a short value goes all the same.
            assert_eq!(
                known.redact(&format!("POST {url} {{\"session\":\"{short}\"}}")),
                r#"POST *** {"session":"***"}"#
            );
            assert_eq!(known.redact(&format!("sent {query}")), "sent ***");
        }
        let long = "a-long-app-secret-42";
        let known = Known {
            wholes: ["", ""],
            values: ["", long, long],
        };
        let text = format!("echo: {long}/{long}x and {long:?}");
        let redacted = known.redact(&text);
        assert!(!redacted.contains(long), "{redacted}");
        assert_eq!(redacted, r#"echo: ***/***x and "***""#);
        assert_eq!(MIN_KNOWN_LEN, 8);
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
