//! **Test support**: checks that an API's reply examples survive decoding, element for element.
//!
//! Nothing here runs in a client. Generated crates call [`assert_response`] and
//! [`assert_error`] from a `#[cfg(test)]` module, one test per reply example of the spec, so
//! the generated types are checked against the doc page's own replies; the logic lives here
//! once instead of in every generated API.
//!
//! [`response_round_trip`] decodes an example through the path a real reply takes (the
//! runtime's `response::decode` with the `<name>_response` wrapper; XML through the XML
//! decoder, JSON through the JSON one), writes the typed value back out with `Serialize`
//! (dates in TOP's text form, see `topgen_runtime::__private::ser`) and [`compare`]s it with
//! the example, both read as [`Node`] trees independently of the decoder. The comparison
//! sees through representation and nothing else:
//! - TOP's list wrappers (`{"items": {"item": […]}}`, `<items><item>…</item><item>…</item></items>`,
//!   a wrapper holding one bare element) match the typed value's plain list;
//! - scalars compare by value: XML's all-text `<total>2</total>` and `"2"` match the number
//!   `2`, `"50.0"` matches `50`, `"true"`/`1` match `true`, `"12.5"` matches `"12.50"`, and a
//!   date matches in any form TOP sends (text, epoch milliseconds) when it is the same instant;
//! - `null`, an empty XML element and an absent key are the same absence (an empty element
//!   also matches `""`, `{}` and `[]`, which is what it decodes to);
//! - key order does not matter.
//!
//! Anything else is a [`Mismatch`] naming the path in the example
//! (`result.data.expiration_time`, `items.item[2]`) and both values: an element the typed
//! value dropped (a field the spec lacks, a key repeated where one value fits, text beside
//! child elements), a changed value, a list item too few or too many.
//!
//! ```
//! use topgen_testkit::{Node, compare};
//! let example = Node::from_xml("<r><total>2</total><tags><string>a</string></tags></r>")?.1;
//! let typed = Node::from_json(r#"{"total": 2, "tags": ["a"]}"#)?;
//! assert!(compare(&example, &typed).is_ok());
//! let dropped = Node::from_json(r#"{"total": 2}"#)?;
//! let e = compare(&example, &dropped).unwrap_err();
//! assert_eq!(e.path, "tags");
//! # Ok::<(), String>(())
//! ```

mod compare;
mod round_trip;

pub use compare::{Mismatch, compare};
pub use round_trip::{
    ExampleError, assert_error, assert_response, error_round_trip, response_round_trip,
};
pub use topgen_spec::tree::{MAX_DEPTH, MIXED_TEXT_KEY, Node};
