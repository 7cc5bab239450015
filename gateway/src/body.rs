//! The two body layouts TOP accepts, decoded strictly: `application/x-www-form-urlencoded`
//! and `multipart/form-data`, and the `Content-Type` that names them.

use crate::wire::find;

/// A `Content-Type` split into its lower-case media type and its params (names in lower case,
/// values unquoted).
pub(crate) fn media_type(content_type: &str) -> (String, Vec<(String, String)>) {
    let mut parts = split_params(content_type).into_iter();
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = parts
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), unquote(value.trim())))
        })
        .collect();
    (media, params)
}

/// Splits `a; b="x;y"; c` at the semicolons outside quotes.
fn split_params(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// `"a\"b"` → `a"b`; unquoted text is returned as is.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text strictly: `+` is a space, `%XX` a byte, and
/// every name and value must be UTF-8. An invalid `%` sequence is kept literally (as browsers
/// do). Empty segments (`a=1&&b=2`) are skipped.
pub(crate) fn decode_form(
    input: &[u8],
) -> Result<Vec<(String, String)>, std::string::FromUtf8Error> {
    let mut pairs = Vec::new();
    for segment in input.split(|&b| b == b'&') {
        if segment.is_empty() {
            continue;
        }
        let (name, value) = match segment.iter().position(|&b| b == b'=') {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &b""[..]),
        };
        pairs.push((percent_decode(name, true)?, percent_decode(value, true)?));
    }
    Ok(pairs)
}

/// [`decode_form`], with invalid UTF-8 replaced by U+FFFD instead of failing.
pub(crate) fn decode_form_lossy(input: &[u8]) -> Vec<(String, String)> {
    let lossy = |part: &[u8]| match percent_decode(part, true) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    input
        .split(|&b| b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.iter().position(|&b| b == b'=') {
            Some(i) => (lossy(&segment[..i]), lossy(&segment[i + 1..])),
            None => (lossy(segment), String::new()),
        })
        .collect()
}

/// `%XX` decoding (and `+` as a space when `plus`), then UTF-8.
pub(crate) fn percent_decode(
    input: &[u8],
    plus: bool,
) -> Result<String, std::string::FromUtf8Error> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' if plus => out.push(b' '),
            b'%' => {
                let hex = input.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename` of its `Content-Disposition`: present for a file part.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts. Accepts a preamble (the
/// official Java SDK starts with a CRLF), header lines with or without a space after the colon,
/// and any disposition type with a `name` (the old Python SDK sends `file; name=…`).
pub(crate) fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    if boundary.is_empty() || boundary.len() > 200 {
        return Err("the multipart boundary is empty or longer than 200 characters".to_owned());
    }
    let delimiter = [b"--", boundary.as_bytes()].concat();
    let next_delimiter = [b"\r\n--", boundary.as_bytes()].concat();
    // The first delimiter starts the body or a line.
    let mut pos = if body.starts_with(&delimiter) {
        delimiter.len()
    } else {
        match find(body, &next_delimiter) {
            Some(i) => i + next_delimiter.len(),
            None => return Err(format!("no multipart boundary {boundary:?} in the body")),
        }
    };
    let mut parts = Vec::new();
    loop {
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then CRLF.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err("a multipart boundary is not followed by CRLF".to_owned());
        }
        let start = pos + padding + 2;
        let Some(len) = find(&body[start..], &next_delimiter) else {
            return Err(format!(
                "the multipart body does not end with the closing boundary --{boundary}--"
            ));
        };
        parts.push(parse_part(&body[start..start + len])?);
        pos = start + len + next_delimiter.len();
    }
}

fn parse_part(part: &[u8]) -> Result<Part, String> {
    let (head, data) = if let Some(data) = part.strip_prefix(b"\r\n") {
        (&b""[..], data)
    } else {
        match find(part, b"\r\n\r\n") {
            Some(i) => (&part[..i], &part[i + 4..]),
            None => return Err("a multipart part has no blank line after its headers".to_owned()),
        }
    };
    let head = String::from_utf8_lossy(head);
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("not a multipart header line: {line:?}"));
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim().to_owned()),
            "content-type" => content_type = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let Some(disposition) = disposition else {
        return Err("a multipart part has no Content-Disposition".to_owned());
    };
    let (_, params) = media_type(&disposition);
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(name) = param("name") else {
        return Err(format!(
            "a multipart part's Content-Disposition has no name: {disposition:?}"
        ));
    };
    let file_name = match param("filename*") {
        // RFC 5987: `UTF-8''a%20b.png`.
        Some(extended) => {
            let encoded = extended.rsplit("''").next().unwrap_or("");
            Some(
                percent_decode(encoded.as_bytes(), false)
                    .map_err(|_| "a multipart part's filename* is not UTF-8".to_owned())?,
            )
        }
        None => param("filename"),
    };
    Ok(Part {
        name,
        file_name,
        content_type,
        data: data.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_is_strict_utf8() {
        assert_eq!(
            decode_form(b"a=1&b=x+y%26z&&c=%E6%9C%BA&d").unwrap(),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y&z".to_owned()),
                ("c".to_owned(), "机".to_owned()),
                ("d".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode_form(b"a=%zz%4").unwrap()[0].1, "%zz%4");
        assert!(decode_form(b"a=%FF").is_err());
        assert_eq!(
            decode_form_lossy(b"a=%FF&&format=json&b"),
            vec![
                ("a".to_owned(), "\u{FFFD}".to_owned()),
                ("format".to_owned(), "json".to_owned()),
                ("b".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn media_types_and_params() {
        let (media, params) = media_type("Multipart/Form-Data;charset=UTF-8;boundary=\"a;b\\\"c\"");
        assert_eq!(media, "multipart/form-data");
        assert_eq!(
            params,
            vec![
                ("charset".to_owned(), "UTF-8".to_owned()),
                ("boundary".to_owned(), "a;b\"c".to_owned()),
            ]
        );
        assert_eq!(media_type("").0, "");
    }

    #[test]
    fn the_java_sdks_multipart_body_parses() {
        // shared/top/sign_vectors.json, wire_captures: the official Java SDK's upload.
        let body = b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n";
        let parts = parse_multipart(body, "788495831173").unwrap();
        assert_eq!(
            parts,
            vec![
                Part {
                    name: "robot_sn".to_owned(),
                    file_name: None,
                    content_type: Some("text/plain".to_owned()),
                    data: b"xxxxx".to_vec(),
                },
                Part {
                    name: "image".to_owned(),
                    file_name: Some("a.png".to_owned()),
                    content_type: Some("image/png".to_owned()),
                    data: b"PNGDATA".to_vec(),
                },
            ]
        );
    }

    #[test]
    fn the_python_sdks_multipart_body_parses() {
        let body = b"--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: form-data; name=\"robot_sn\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nxxxxx\r\n--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: file; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\nPNG\r\n\r\nDATA\r\n--PYTHON_SDK_BOUNDARY--\r\n";
        let parts = parse_multipart(body, "PYTHON_SDK_BOUNDARY").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].data, b"xxxxx");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.png"));
        // CRLFs inside a part are content.
        assert_eq!(parts[1].data, b"PNG\r\n\r\nDATA");
    }

    #[test]
    fn broken_multipart_bodies_are_errors() {
        for (body, boundary) in [
            (
                &b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"[..],
                "b",
            ),
            (b"no boundary here", "b"),
            (b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b"),
            (
                b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
                "b",
            ),
            (b"--bX\r\n", "b"),
            (b"--b\r\n\r\n", ""),
        ] {
            assert!(parse_multipart(body, boundary).is_err(), "{body:?}");
        }
        // An empty form is fine; RFC 5987 file names are decoded.
        assert_eq!(parse_multipart(b"--b--\r\n", "b").unwrap(), vec![]);
        let parts = parse_multipart(
            b"--b\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%E5%9B%BE.png\r\n\r\n\r\n--b--",
            "b",
        )
        .unwrap();
        assert_eq!(parts[0].file_name.as_deref(), Some("图.png"));
        assert_eq!(parts[0].data, b"");
    }
}
