//! The entry points generated tests call: an example decoded like a real reply, written back
//! out and [`compare`]d with itself.

use std::fmt;

use serde::Serialize;

use topgen_runtime::__private::response;
use topgen_runtime::error::{Error, TopError};
use topgen_runtime::format::Format;
use topgen_runtime::request::Request;

use crate::compare::{Mismatch, compare, show};
use topgen_spec::tree::Node;

/// Why an example does not survive decoding.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExampleError {
    /// The example is not well-formed JSON or XML.
    Parse(String),
    /// The example's root is not the one a reply of this API has.
    Root {
        /// The root a reply has (`wdk_iot_wombat_common_gettoken_response`, `error_response`).
        expected: String,
        /// What the example has.
        found: String,
    },
    /// The runtime refused the example (the error a real call would return).
    Decode(Error),
    /// A success example decoded as TOP's error, or an error example as a success.
    WrongKind(String),
    /// The typed value could not be written back out.
    Serialize(String),
    /// The typed value, written back out, differs from the example.
    Mismatch(Mismatch),
}

impl fmt::Display for ExampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExampleError::Parse(message) => write!(f, "the example does not parse: {message}"),
            ExampleError::Root { expected, found } => write!(
                f,
                "the example's root is {found}; a reply of this API has `{expected}`"
            ),
            ExampleError::Decode(e) => write!(f, "the runtime does not decode the example: {e}"),
            ExampleError::WrongKind(message) => f.write_str(message),
            ExampleError::Serialize(message) => {
                write!(f, "the typed value cannot be written back out: {message}")
            }
            ExampleError::Mismatch(m) => {
                write!(f, "the typed value differs from the example at {m}")
            }
        }
    }
}

impl std::error::Error for ExampleError {}

/// The example's tree and its root's name (for JSON: the only key of the top-level object,
/// or a description of what is there instead).
fn parse_example(
    format: Format,
    example: &str,
) -> Result<(Result<String, String>, Node), ExampleError> {
    match format {
        Format::Xml => {
            let (name, node) = Node::from_xml(example).map_err(ExampleError::Parse)?;
            Ok((Ok(name), node))
        }
        Format::Json | Format::SimplifiedJson => {
            let node = Node::from_json(example).map_err(ExampleError::Parse)?;
            match node {
                Node::Map(mut entries) if entries.len() == 1 => {
                    let (key, value) = entries.remove(0);
                    Ok((Ok(key), value))
                }
                other => Ok((Err(show(&other)), other)),
            }
        }
    }
}

fn found_root(format: Format, root: &Result<String, String>) -> String {
    match (format, root) {
        (Format::Xml, Ok(name)) => format!("`<{name}>`"),
        (_, Ok(key)) => format!("`{key}`"),
        (_, Err(shape)) => shape.clone(),
    }
}

/// Decodes a success example of `R` (`response_json`: [`Format::Json`], wrapped;
/// `response_xml`: [`Format::Xml`]; a bare object with [`Format::SimplifiedJson`]) like a
/// real reply, writes the typed value back out and [`compare`]s it with the example below
/// its `<name>_response` wrapper. Returns the typed value.
pub fn response_round_trip<R: Request>(
    format: Format,
    example: &str,
) -> Result<R::Response, ExampleError>
where
    R::Response: Serialize,
{
    let (root, whole) = parse_example(format, example)?;
    let expected = if format == Format::SimplifiedJson {
        match root {
            Ok(key) if key == "error_response" => {
                return Err(ExampleError::WrongKind(
                    "the example is TOP's error_response, not a success reply".to_owned(),
                ));
            }
            // Wrapped after all: the decoder unwraps it.
            Ok(key) if key == R::RESPONSE_KEY => whole,
            Ok(key) => Node::Map(vec![(key, whole)]),
            Err(_) => whole,
        }
    } else {
        match root {
            Ok(key) if key == R::RESPONSE_KEY => whole,
            Ok(key) if key == "error_response" => {
                return Err(ExampleError::WrongKind(
                    "the example is TOP's error_response, not a success reply".to_owned(),
                ));
            }
            other => {
                return Err(ExampleError::Root {
                    expected: R::RESPONSE_KEY.to_owned(),
                    found: found_root(format, &other),
                });
            }
        }
    };
    let typed =
        match response::decode::<R::Response>(format, example.as_bytes(), R::RESPONSE_KEY, 200) {
            Ok(typed) => typed,
            Err(Error::Top(e)) => {
                return Err(ExampleError::WrongKind(format!(
                    "the example decodes as TOP's error ({e}), not a success reply"
                )));
            }
            Err(e) => return Err(ExampleError::Decode(e)),
        };
    let written =
        serde_json::to_value(&typed).map_err(|e| ExampleError::Serialize(e.to_string()))?;
    compare(&expected, &Node::from_value(&written)).map_err(ExampleError::Mismatch)?;
    Ok(typed)
}

/// Decodes an error example (`error_json`: [`Format::Json`]; `error_xml`: [`Format::Xml`]) as
/// a reply to `R` and checks that it is TOP's error with every element of the example: the
/// [`TopError`]'s `code`, `msg`, `sub_code`, `sub_msg` and `request_id` are [`compare`]d with
/// the example's `error_response`. Returns the error.
pub fn error_round_trip<R: Request>(
    format: Format,
    example: &str,
) -> Result<TopError, ExampleError> {
    let (root, expected) = parse_example(format, example)?;
    match root {
        Ok(key) if key == "error_response" => {}
        other => {
            return Err(ExampleError::Root {
                expected: "error_response".to_owned(),
                found: found_root(format, &other),
            });
        }
    }
    let error =
        match response::decode::<R::Response>(format, example.as_bytes(), R::RESPONSE_KEY, 200) {
            Err(Error::Top(e)) => e,
            Ok(_) => {
                return Err(ExampleError::WrongKind(
                    "the error example decodes as a success reply, not TOP's error".to_owned(),
                ));
            }
            Err(e) => return Err(ExampleError::Decode(e)),
        };
    let has_msg =
        matches!(&expected, Node::Map(entries) if entries.iter().any(|(k, _)| k == "msg"));
    let mut written = vec![("code".to_owned(), Node::Number(error.code.to_string()))];
    if has_msg || !error.msg.is_empty() {
        written.push(("msg".to_owned(), Node::Text(error.msg.clone())));
    }
    for (key, value) in [
        ("sub_code", &error.sub_code),
        ("sub_msg", &error.sub_msg),
        ("request_id", &error.request_id),
    ] {
        if let Some(v) = value {
            written.push((key.to_owned(), Node::Text(v.clone())));
        }
    }
    compare(&expected, &Node::Map(written)).map_err(ExampleError::Mismatch)?;
    Ok(error)
}

/// [`response_round_trip`], for a generated test.
///
/// # Panics
///
/// When the example does not survive decoding; the message names `R`'s method, the format,
/// the path and both values, and quotes the example.
#[track_caller]
pub fn assert_response<R: Request>(format: Format, example: &str)
where
    R::Response: Serialize,
{
    if let Err(e) = response_round_trip::<R>(format, example) {
        panic!(
            "the {format} response example of `{}` does not survive decoding: {e}\n--- example ---\n{example}",
            R::METHOD
        );
    }
}

/// [`error_round_trip`], for a generated test.
///
/// # Panics
///
/// When the example is not decoded as TOP's error with all its elements; the message names
/// `R`'s method, the format and the difference, and quotes the example.
#[track_caller]
pub fn assert_error<R: Request>(format: Format, example: &str) {
    if let Err(e) = error_round_trip::<R>(format, example) {
        panic!(
            "the {format} error example of `{}` does not survive decoding: {e}\n--- example ---\n{example}",
            R::METHOD
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use topgen_runtime::DateTime;
    use topgen_runtime::error::ParamError;
    use topgen_runtime::params::Params;

    // A request and response written the way codegen writes them.
    #[derive(Debug, Default, PartialEq)]
    struct Reply {
        total: Option<i64>,
        modified: Option<DateTime>,
        names: Option<Vec<String>>,
        request_id: Option<String>,
    }

    topgen_runtime::decoded_struct!(Reply {
        total: (0, "total", field),
        modified: (1, "modified", date),
        names: (2, "names", field),
        request_id: (3, "request_id", field),
    });

    struct Get;

    impl Request for Get {
        type Response = Reply;
        const METHOD: &'static str = "taobao.x.get";
        const RESPONSE_KEY: &'static str = "x_get_response";
        const REQUIRES_SESSION: bool = false;
        fn encode(&self, _: &mut Params) -> Result<(), ParamError> {
            Ok(())
        }
    }

    #[test]
    fn responses_round_trip_in_every_format() {
        let r = response_round_trip::<Get>(
            Format::Json,
            r#"{"x_get_response": {"total": "2", "modified": "2021-08-04 12:30:00",
                "names": {"string": ["a", "b"]}, "request_id": "r1"}}"#,
        )
        .unwrap();
        assert_eq!(r.total, Some(2));
        assert_eq!(
            r.names.as_deref(),
            Some(&["a".to_owned(), "b".to_owned()][..])
        );
        response_round_trip::<Get>(
            Format::Xml,
            "<x_get_response><total>2</total><names list=\"true\"><string>a</string></names></x_get_response>",
        )
        .unwrap();
        response_round_trip::<Get>(Format::SimplifiedJson, r#"{"total": 2, "names": ["a"]}"#)
            .unwrap();
        assert_response::<Get>(Format::Json, r#"{"x_get_response": {"total": 1}}"#);
    }

    #[test]
    fn responses_that_do_not_survive() {
        let e = response_round_trip::<Get>(
            Format::Json,
            r#"{"x_get_response": {"total": 1, "extra": 2}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(&e, ExampleError::Mismatch(m) if m.path == "extra"),
            "{e}"
        );
        let e = response_round_trip::<Get>(Format::Xml, "<y_get_response/>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the example's root is `<y_get_response>`; a reply of this API has `x_get_response`"
        );
        let e = response_round_trip::<Get>(Format::Json, r#"{"x_get_response": {}, "b": 1}"#)
            .unwrap_err();
        assert!(matches!(e, ExampleError::Root { .. }), "{e}");
        let e = response_round_trip::<Get>(Format::Json, r#"{"x_get_response": {"total": "abc"}}"#)
            .unwrap_err();
        assert!(matches!(&e, ExampleError::Decode(_)), "{e}");
        assert!(e.to_string().contains("expected a 64-bit integer"), "{e}");
        let e = response_round_trip::<Get>(Format::Json, r#"{"error_response": {"code": 7}}"#)
            .unwrap_err();
        assert!(matches!(e, ExampleError::WrongKind(_)), "{e}");
        let e = response_round_trip::<Get>(Format::Json, "{").unwrap_err();
        assert!(matches!(e, ExampleError::Parse(_)), "{e}");
        let panic = std::panic::catch_unwind(|| {
            assert_response::<Get>(Format::Xml, "<x_get_response><zz>1</zz></x_get_response>");
        })
        .unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("`taobao.x.get`"), "{message}");
        assert!(message.contains("`zz`"), "{message}");
        assert!(
            message.contains("<zz>1</zz>"),
            "the example is quoted: {message}"
        );
    }

    #[test]
    fn errors_round_trip_with_code_and_sub_code() {
        let e = error_round_trip::<Get>(
            Format::Xml,
            "<error_response><code>50</code><msg>Remote service error</msg><sub_code>isv.invalid-parameter</sub_code><sub_msg>非法参数</sub_msg></error_response>",
        )
        .unwrap();
        assert_eq!(
            (e.code, e.sub_code.as_deref()),
            (50, Some("isv.invalid-parameter"))
        );
        let e = error_round_trip::<Get>(
            Format::Json,
            r#"{"error_response": {"code": "7", "msg": "", "request_id": "r"}}"#,
        )
        .unwrap();
        assert_eq!(e.code, 7);
        assert_error::<Get>(Format::Json, r#"{"error_response": {"code": 15}}"#);
        // An element TopError does not have is dropped.
        let e = error_round_trip::<Get>(
            Format::Json,
            r#"{"error_response": {"code": 15, "detail": "x"}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(&e, ExampleError::Mismatch(m) if m.path == "detail"),
            "{e}"
        );
        let e = error_round_trip::<Get>(Format::Json, r#"{"x_get_response": {}}"#).unwrap_err();
        assert!(matches!(e, ExampleError::Root { .. }), "{e}");
        let e = error_round_trip::<Get>(
            Format::Xml,
            "<error_response><msg>no code</msg></error_response>",
        )
        .unwrap_err();
        assert!(matches!(e, ExampleError::Decode(_)), "{e}");
    }
}
