//! The bytes of a request body and its `Content-Type`: a form as it is, or a multipart body
//! written here in the official Java SDK's layout.

use crate::error::{Error, ParamError, ParamErrorKind};
use crate::file::FileItem;
use crate::prepare::Body;
use crate::retry::random_u64;

/// The `Content-Type` of a form body, as the official SDK sends it.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// The body of a request and its `Content-Type`: the form as it is, or a multipart body in
/// the official Java SDK's layout:
///
/// ```text
/// \r\n--B\r\nContent-Disposition:form-data;name="robot_sn"\r\nContent-Type:text/plain\r\n\r\nxxxxx
/// \r\n--B\r\nContent-Disposition:form-data;name="image";filename="a.png"\r\nContent-Type:image/png\r\n\r\nPNGDATA
/// \r\n--B--\r\n
/// ```
///
/// with `Content-Type: multipart/form-data;charset=UTF-8;boundary=B`. The boundary is random
/// and checked not to occur in any part. Quotes and line breaks in names are escaped as
/// `%22`, `%0D`, `%0A` (as browsers do); a MIME type that is not a plain `type/subtype…` is an
/// [`Error::Param`].
pub(super) fn encode_body(body: Body) -> Result<(String, Vec<u8>), Error> {
    let (text, files) = match body {
        Body::Form(form) => return Ok((FORM_CONTENT_TYPE.to_owned(), form.into_bytes())),
        Body::Multipart { text, files } => (text, files),
    };
    for (name, file) in &files {
        check_mime(name, file)?;
    }
    let occurs_in_a_part = |boundary: &str| {
        let needle = boundary.as_bytes();
        let has = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        text.iter()
            .any(|(name, value)| has(name.as_bytes()) || has(value.as_bytes()))
            || files.iter().any(|(name, file)| {
                has(name.as_bytes())
                    || has(file.file_name.as_bytes())
                    || has(file.mime.as_bytes())
                    || has(&file.bytes)
            })
    };
    // A 128-bit random boundary is all but certain to be absent; the loop is bounded anyway.
    let boundary = (0..8)
        .map(|_| format!("{:016x}{:016x}", random_u64(), random_u64()))
        .find(|b| !occurs_in_a_part(b))
        .ok_or_else(|| {
            Error::Param(ParamError {
                param: files.first().map_or("", |(name, _)| *name),
                kind: ParamErrorKind::Encode(
                    "no multipart boundary absent from the content was found".to_owned(),
                ),
            })
        })?;
    let size = text
        .iter()
        .map(|(n, v)| n.len() + v.len() + 128)
        .sum::<usize>()
        + files
            .iter()
            .map(|(n, f)| n.len() + f.file_name.len() + f.mime.len() + f.bytes.len() + 128)
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    for (name, value) in &text {
        out.extend_from_slice(b"\r\n--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition:form-data;name=\"");
        out.extend_from_slice(escape_quoted(name).as_bytes());
        out.extend_from_slice(b"\"\r\nContent-Type:text/plain\r\n\r\n");
        out.extend_from_slice(value.as_bytes());
    }
    for (name, file) in &files {
        out.extend_from_slice(b"\r\n--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition:form-data;name=\"");
        out.extend_from_slice(escape_quoted(name).as_bytes());
        out.extend_from_slice(b"\";filename=\"");
        out.extend_from_slice(escape_quoted(&file.file_name).as_bytes());
        out.extend_from_slice(b"\"\r\nContent-Type:");
        out.extend_from_slice(file.mime.trim().as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&file.bytes);
    }
    out.extend_from_slice(b"\r\n--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok((
        format!("multipart/form-data;charset=UTF-8;boundary={boundary}"),
        out,
    ))
}

/// A name inside a quoted header parameter: `"`, CR and LF percent-escaped.
fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A file part's MIME type must be `type/subtype` with optional parameters, in visible ASCII
/// (a line break would inject headers).
fn check_mime(param: &'static str, file: &FileItem) -> Result<(), Error> {
    let mime = file.mime.trim();
    let valid = mime
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
        && mime
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic());
    if valid {
        Ok(())
    } else {
        Err(Error::Param(ParamError {
            param,
            kind: ParamErrorKind::Encode(format!("invalid MIME type {:?}", file.mime)),
        }))
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// The official Java SDK's multipart capture (sign_vectors.json), boundary `788495831173`.
    const JAVA_MULTIPART: &str = "\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n";

    fn multipart(text: &[(&'static str, &str)], files: Vec<(&'static str, FileItem)>) -> Body {
        Body::Multipart {
            text: text.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            files,
        }
    }

    #[test]
    fn multipart_bodies_have_the_java_layout() {
        let body = multipart(
            &[("robot_sn", "xxxxx")],
            vec![(
                "image",
                FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
            )],
        );
        let (content_type, bytes) = encode_body(body).unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data;charset=UTF-8;boundary=")
            .expect("the Java SDK's content type");
        assert_eq!(boundary.len(), 32);
        assert!(
            boundary.bytes().all(|b| b.is_ascii_hexdigit()),
            "{boundary}"
        );
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.replace(boundary, "788495831173"), JAVA_MULTIPART);

        // Random boundaries: two bodies differ.
        let again = encode_body(multipart(&[("a", "b")], vec![])).unwrap().0;
        assert_ne!(again, content_type);

        // Forms pass through untouched.
        let (content_type, bytes) = encode_body(Body::Form("a=1&b=%20".to_owned())).unwrap();
        assert_eq!(content_type, FORM_CONTENT_TYPE);
        assert_eq!(bytes, b"a=1&b=%20");
    }

    #[test]
    fn multipart_names_cannot_inject_headers() {
        let body = multipart(
            &[],
            vec![(
                "image",
                FileItem::new("a\"\r\nX-Evil: 1.png", "image/png", b"x".to_vec()),
            )],
        );
        let (_, bytes) = encode_body(body).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("filename=\"a%22%0D%0AX-Evil: 1.png\"\r\n"),
            "{text}"
        );
        for mime in ["", "image", "/png", "image/png\r\nX-Evil: 1", "imäge/png"] {
            let body = multipart(&[], vec![("image", FileItem::new("a", mime, vec![]))]);
            let err = encode_body(body).unwrap_err();
            assert!(
                matches!(&err, Error::Param(ParamError { param: "image", kind: ParamErrorKind::Encode(m) }) if m.contains("invalid MIME type")),
                "{mime:?}: {err:?}"
            );
        }
        let ok = multipart(
            &[],
            vec![("f", FileItem::new("a", "text/plain; charset=UTF-8", vec![]))],
        );
        assert!(encode_body(ok).is_ok());
    }
}
