//! **Test support**: checks that an API's reply examples survive decoding, element for element.
//!
//! Nothing here runs in a client. Generated crates call [`assert_response`] and
//! [`assert_error`] from a `#[cfg(test)]` module, one test per reply example of the spec, so
//! the generated types are checked against the doc page's own replies; the logic lives here
//! once instead of in every generated API.
//!
//! [`response_round_trip`] decodes an example through the path a real reply takes
//! ([`response::decode`] with the `<name>_response` wrapper; XML through the XML decoder,
//! JSON through the JSON one), writes the typed value back out with `Serialize` (dates in
//! TOP's text form, see `topgen_runtime::__private::ser`) and [`compare`]s it with the example, both read as
//! [`Node`] trees independently of the decoder. The comparison sees through representation and
//! nothing else:
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

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use serde::Serialize;
use serde::de::value::{I64Deserializer, StrDeserializer};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use topgen_runtime::__private::de::Lenient;
use topgen_runtime::__private::response;
use topgen_runtime::error::{Error, TopError};
use topgen_runtime::format::Format;
use topgen_runtime::request::Request;
use topgen_runtime::{DateTime, Decimal};

/// Elements or arrays nest at most this deep in an example read by [`Node::from_xml`]
/// (JSON has serde_json's own limit, the same).
pub const MAX_DEPTH: usize = 128;

/// The key under which [`Node::from_xml`] keeps text that stands beside child elements
/// (`<a>text<b>1</b></a>`): the decoder ignores such text, so the comparison reports it.
pub const MIXED_TEXT_KEY: &str = "#text";

/// A JSON or XML value as a tree, with every element kept: keys in document order and
/// repeated keys as they repeat (XML lists, JSON's duplicate keys).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// JSON `null`.
    Null,
    /// An XML element with nothing but whitespace in it (`<data/>`).
    Empty,
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number, as text (integers exact; fractions as the shortest text of their
    /// `f64`, like the decoder sees them).
    Number(String),
    /// A JSON string, or an XML element's text.
    Text(String),
    /// A JSON array.
    List(Vec<Node>),
    /// A JSON object or an XML element with child elements: `(name, value)` in document
    /// order; names may repeat.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Reads JSON, keeping duplicate keys and key order (a leading byte-order mark is
    /// skipped). The error names the line and column.
    pub fn from_json(text: &str) -> Result<Node, String> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    }

    /// Reads an XML document: the root element's name and its value. An element with child
    /// elements is a [`Node::Map`] of them; one with text only is [`Node::Text`] (untrimmed,
    /// references resolved); one with nothing but whitespace is [`Node::Empty`]. Attributes,
    /// comments, processing instructions and the declaration are ignored; text beside child
    /// elements is kept under [`MIXED_TEXT_KEY`]. A DOCTYPE is refused. The error names the
    /// line and column.
    pub fn from_xml(text: &str) -> Result<(String, Node), String> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.allow_unmatched_ends = false;
        let at = |offset: u64| line_column(text, offset);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<(String, Node)> = None;
        loop {
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    return Err(format!(
                        "invalid XML at {}: {e}",
                        at(reader.error_position())
                    ));
                }
            };
            let position = reader.buffer_position();
            let piece: Cow<'_, str> = match event {
                Event::Start(e) => {
                    if root.is_some() {
                        return Err(format!(
                            "invalid XML at {}: a second root element",
                            at(position)
                        ));
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(format!(
                            "elements nested more than {MAX_DEPTH} levels deep at {}",
                            at(position)
                        ));
                    }
                    stack.push(Frame {
                        name: e.local_name().into_inner().to_owned(),
                        text: String::new(),
                        children: Vec::new(),
                    });
                    continue;
                }
                Event::Empty(e) => {
                    let name = e.local_name().into_inner().to_owned();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push((name, Node::Empty)),
                        None if root.is_none() => root = Some((name, Node::Empty)),
                        None => {
                            return Err(format!(
                                "invalid XML at {}: a second root element",
                                at(position)
                            ));
                        }
                    }
                    continue;
                }
                Event::End(_) => {
                    let Some(frame) = stack.pop() else {
                        return Err(format!(
                            "invalid XML at {}: an end tag without a start tag",
                            at(position)
                        ));
                    };
                    let (name, node) = frame.finish();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push((name, node)),
                        None => root = Some((name, node)),
                    }
                    continue;
                }
                Event::Text(t) => t.xml10_content(),
                Event::CData(c) => c.xml10_content(),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned)
                        }
                        Err(_) => None,
                    };
                    match resolved {
                        Some(s) => Cow::Owned(s),
                        None => {
                            return Err(format!(
                                "invalid XML at {}: unknown entity or character reference `&{};`",
                                at(position),
                                r.xml10_content().chars().take(64).collect::<String>()
                            ));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(format!(
                        "a DOCTYPE at {}: TOP replies have none",
                        at(position)
                    ));
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
                Event::Eof => break,
            };
            match stack.last_mut() {
                Some(frame) => frame.text.push_str(&piece),
                None if is_blank(&piece) => {}
                None => {
                    return Err(format!(
                        "invalid XML at {}: text outside the root element",
                        at(position)
                    ));
                }
            }
        }
        if !stack.is_empty() {
            return Err(format!(
                "truncated XML: the text ends with {} element(s) still open",
                stack.len()
            ));
        }
        root.ok_or_else(|| "no root element".to_owned())
    }

    /// The tree of a JSON value (what `serde_json::to_value` makes of a typed value).
    pub fn from_value(value: &serde_json::Value) -> Node {
        match value {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(b) => Node::Bool(*b),
            serde_json::Value::Number(n) => Node::Number(n.to_string()),
            serde_json::Value::String(s) => Node::Text(s.clone()),
            serde_json::Value::Array(items) => {
                Node::List(items.iter().map(Node::from_value).collect())
            }
            serde_json::Value::Object(map) => Node::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Node::from_value(v)))
                    .collect(),
            ),
        }
    }
}

/// An open XML element while [`Node::from_xml`] reads it.
struct Frame {
    name: String,
    text: String,
    children: Vec<(String, Node)>,
}

impl Frame {
    fn finish(self) -> (String, Node) {
        let node = if self.children.is_empty() {
            if is_blank(&self.text) {
                Node::Empty
            } else {
                Node::Text(self.text)
            }
        } else {
            let mut children = self.children;
            if !is_blank(&self.text) {
                children.push((
                    MIXED_TEXT_KEY.to_owned(),
                    Node::Text(self.text.trim().to_owned()),
                ));
            }
            Node::Map(children)
        };
        (self.name, node)
    }
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// `line L, column C` (1-based, columns in characters) of a byte offset.
fn line_column(text: &str, offset: u64) -> String {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let mut end = offset;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// Where a typed value differs from its example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The path in the example, below the `<name>_response` / `error_response` wrapper:
    /// `result.data.expiration_time`, `items.item[2]`; empty for the whole value.
    pub path: String,
    /// What differs.
    pub reason: String,
    /// The example's value there, shortened (`nothing` when the example has none).
    pub expected: String,
    /// The typed value's value there, shortened (`nothing` when it has none).
    pub actual: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str("the whole value")?;
        } else {
            write!(f, "`{}`", self.path)?;
        }
        write!(
            f,
            ": {}; the example has {}, the typed value has {}",
            self.reason, self.expected, self.actual
        )
    }
}

impl std::error::Error for Mismatch {}

/// Compares an example (`expected`, read with [`Node::from_json`] or [`Node::from_xml`],
/// below its wrapper) with a typed value written back out (`actual`, usually
/// [`Node::from_value`] of `serde_json::to_value`), as described in the
/// [module docs](self). The first difference is returned.
pub fn compare(expected: &Node, actual: &Node) -> Result<(), Mismatch> {
    compare_at(expected, actual, "")
}

const NOTHING: &str = "nothing";

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn mismatch(path: &str, reason: impl Into<String>, expected: String, actual: String) -> Mismatch {
    Mismatch {
        path: path.to_owned(),
        reason: reason.into(),
        expected,
        actual,
    }
}

fn compare_at(expected: &Node, actual: &Node, path: &str) -> Result<(), Mismatch> {
    match actual {
        Node::List(items) => compare_list(expected, items, actual, path),
        Node::Map(entries) => compare_map(expected, entries, actual, path),
        _ if same_scalar(expected, actual) => Ok(()),
        _ => {
            let reason = match expected {
                Node::Map(_) | Node::List(_) => "the example has more than a single value here",
                _ => "the values differ",
            };
            Err(mismatch(path, reason, show(expected), show(actual)))
        }
    }
}

/// The items of a list in the example, with their paths: a bare array, TOP's wrapper (an
/// object whose one key, repeated in XML, holds an array or single elements), or an empty
/// wrapper. `None` when it is none of these.
fn list_items<'e>(expected: &'e Node, path: &str) -> Option<Vec<(String, &'e Node)>> {
    match expected {
        Node::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
        ),
        Node::Null | Node::Empty => Some(Vec::new()),
        Node::Map(entries) => {
            let Some((first, _)) = entries.first() else {
                return Some(Vec::new());
            };
            if entries.iter().any(|(k, _)| k != first) {
                return None;
            }
            let base = join(path, first);
            let mut out: Vec<(String, &Node)> = Vec::new();
            for (_, value) in entries {
                match value {
                    Node::List(items) => {
                        for item in items {
                            out.push((format!("{base}[{}]", out.len()), item));
                        }
                    }
                    Node::Null => {}
                    single => out.push((format!("{base}[{}]", out.len()), single)),
                }
            }
            Some(out)
        }
        Node::Bool(_) | Node::Number(_) | Node::Text(_) => None,
    }
}

fn compare_list(
    expected: &Node,
    actual_items: &[Node],
    actual: &Node,
    path: &str,
) -> Result<(), Mismatch> {
    let Some(items) = list_items(expected, path) else {
        return Err(mismatch(
            path,
            "the typed value has a list; the example has no list here (an array, or an object whose one key holds the items)",
            show(expected),
            show(actual),
        ));
    };
    // The decoder drops empty elements from lists of numbers, booleans, dates and decimals.
    let items: Vec<(String, &Node)> = if items.len() != actual_items.len()
        && items.iter().filter(|(_, n)| !is_absent(n)).count() == actual_items.len()
    {
        items.into_iter().filter(|(_, n)| !is_absent(n)).collect()
    } else {
        items
    };
    let lengths = (items.len() != actual_items.len()).then(|| {
        format!(
            " (the example's list has {} item{}, the typed value's {})",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            actual_items.len()
        )
    });
    for (i, (item_path, item)) in items.iter().enumerate() {
        match actual_items.get(i) {
            Some(a) => compare_at(item, a, item_path).map_err(|mut m| {
                if let Some(note) = &lengths {
                    m.reason.push_str(note);
                }
                m
            })?,
            None => {
                return Err(mismatch(
                    item_path,
                    format!(
                        "a list item was dropped{}",
                        lengths.as_deref().unwrap_or_default()
                    ),
                    show(item),
                    NOTHING.to_owned(),
                ));
            }
        }
    }
    if let Some(extra) = actual_items.get(items.len()) {
        return Err(mismatch(
            &format!("{path}[{}]", items.len()),
            format!(
                "the typed value has a list item the example does not{}",
                lengths.as_deref().unwrap_or_default()
            ),
            NOTHING.to_owned(),
            show(extra),
        ));
    }
    Ok(())
}

fn compare_map(
    expected: &Node,
    actual_entries: &[(String, Node)],
    actual: &Node,
    path: &str,
) -> Result<(), Mismatch> {
    let entries = match expected {
        Node::Map(entries) => entries.as_slice(),
        Node::Null | Node::Empty => &[],
        _ => {
            return Err(mismatch(
                path,
                "the typed value has an object; the example has a single value here",
                show(expected),
                show(actual),
            ));
        }
    };
    let mut seen: HashSet<&str> = HashSet::new();
    for (key, value) in entries {
        if !seen.insert(key) {
            continue;
        }
        let here = join(path, key);
        let count = entries.iter().filter(|(k, _)| k == key).count();
        if count > 1 {
            return Err(mismatch(
                &here,
                format!(
                    "the example has {count} `{key}` here and the typed value holds one, so all but one were dropped (TOP repeats an element only inside a list)"
                ),
                format!("{count} values"),
                actual_entries
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or_else(|| NOTHING.to_owned(), |(_, v)| show(v)),
            ));
        }
        match actual_entries.iter().find(|(k, _)| k == key) {
            Some((_, a)) => compare_at(value, a, &here)?,
            None if is_absent(value) => {}
            None if key == MIXED_TEXT_KEY => {
                return Err(mismatch(
                    &here,
                    "the example has text beside child elements, which the typed value cannot hold",
                    show(value),
                    NOTHING.to_owned(),
                ));
            }
            None => {
                return Err(mismatch(
                    &here,
                    "dropped: the example has it and the typed value does not (is it in the spec?)",
                    show(value),
                    NOTHING.to_owned(),
                ));
            }
        }
    }
    if let Some((key, value)) = actual_entries
        .iter()
        .find(|(k, _)| !seen.contains(k.as_str()))
    {
        return Err(mismatch(
            &join(path, key),
            "the typed value has it and the example does not",
            NOTHING.to_owned(),
            show(value),
        ));
    }
    Ok(())
}

/// `null` or an empty XML element: the same as an absent key.
fn is_absent(n: &Node) -> bool {
    matches!(n, Node::Null | Node::Empty)
}

fn scalar_text(n: &Node) -> Option<&str> {
    match n {
        Node::Text(s) | Node::Number(s) => Some(s),
        Node::Bool(true) => Some("true"),
        Node::Bool(false) => Some("false"),
        _ => None,
    }
}

/// Whether two scalars are the same value, as described in the [module docs](self).
fn same_scalar(expected: &Node, actual: &Node) -> bool {
    match (expected, actual) {
        (Node::Null | Node::Empty, Node::Null) => return true,
        (Node::Empty, Node::Text(s)) => return s.is_empty(),
        _ => {}
    }
    let (Some(e), Some(a)) = (scalar_text(expected), scalar_text(actual)) else {
        return false;
    };
    if e == a {
        return true;
    }
    match actual {
        Node::Bool(b) => lenient_bool(e) == Some(*b),
        _ => {
            if let (Some(x), Some(y)) = (decimal(e), decimal(a)) {
                return x == y;
            }
            match (typed_date(a), example_date(expected, e)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        }
    }
}

fn lenient_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

fn decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .ok()
}

/// A date as the typed value writes it ([`topgen_runtime::__private::ser::date_text`]).
fn typed_date(s: &str) -> Option<DateTime> {
    topgen_runtime::chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .and_then(|naive| {
            naive
                .and_local_timezone(topgen_runtime::time::GMT8)
                .single()
        })
}

/// A date in any form the decoder reads (text, epoch milliseconds).
fn example_date(node: &Node, text: &str) -> Option<DateTime> {
    type E = serde::de::value::Error;
    match node {
        Node::Number(n) => n
            .parse::<i64>()
            .ok()
            .and_then(|ms| DateTime::deserialize_lenient(I64Deserializer::<E>::new(ms)).ok()),
        Node::Text(_) => DateTime::deserialize_lenient(StrDeserializer::<E>::new(text)).ok(),
        _ => None,
    }
}

/// A short description of a value for messages.
fn show(n: &Node) -> String {
    const MAX: usize = 80;
    let short = |s: &str| -> String {
        if s.chars().count() > MAX {
            format!("{}…", s.chars().take(MAX).collect::<String>())
        } else {
            s.to_owned()
        }
    };
    match n {
        Node::Null => "null".to_owned(),
        Node::Empty => "an empty element".to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Number(s) => short(s),
        Node::Text(s) => format!("{:?}", short(s)),
        Node::List(items) => format!(
            "a list of {} item{}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
        Node::Map(entries) if entries.is_empty() => "an empty object".to_owned(),
        Node::Map(entries) => {
            let keys: Vec<String> = entries
                .iter()
                .take(4)
                .map(|(k, _)| format!("`{}`", short(k)))
                .collect();
            let more = if entries.len() > 4 { ", …" } else { "" };
            format!("an object with {}{more}", keys.join(", "))
        }
    }
}

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
    use serde::Deserialize;
    use topgen_runtime::error::ParamError;
    use topgen_runtime::params::Params;

    fn xml(text: &str) -> Node {
        Node::from_xml(text).unwrap().1
    }

    fn json(text: &str) -> Node {
        Node::from_json(text).unwrap()
    }

    fn differ(expected: &Node, actual: &Node) -> Mismatch {
        match compare(expected, actual) {
            Ok(()) => panic!("expected a mismatch between {expected:?} and {actual:?}"),
            Err(m) => m,
        }
    }

    /// What a typed value of the gettoken shape writes back out.
    const TYPED: &str = r#"{"result": {"data": {"expiration_time": "2021-08-04 00:00:00",
        "bucket_name": "b", "scene": "8007"}, "success": true, "total": 3, "price": "12.50",
        "tags": ["a", "b"], "ids": [1, 2, 3], "items": [{"n": 1}, {"n": 2}], "one": [{"n": 7}],
        "empty_list": [], "blank": "", "object": {}, "raw": null}}"#;

    #[test]
    fn equal_trees_with_differing_representations() {
        let typed = json(TYPED);
        // XML: every scalar is text, lists repeat their element, empty elements are empty.
        let from_xml = xml(r#"<?xml version="1.0" encoding="utf-8"?>
            <x_response><result>
              <success>true</success>
              <data><scene>8007</scene><bucket_name>b</bucket_name>
                <expiration_time>2021-08-04 00:00:00</expiration_time><absent/></data>
              <total> 3 </total><price>12.5</price>
              <tags list="true"><string>a</string><string>b</string></tags>
              <ids list="true"><number>1</number><number>2</number><number/><number>3</number></ids>
              <items list="true"><item><n>1</n></item><item><n>2</n></item></items>
              <one><item><n>7</n></item></one>
              <empty_list/><blank/><object/><raw/>
            </result></x_response>"#);
        compare(&from_xml, &typed).unwrap();
        // JSON: TOP's wrapped lists (arrays and single elements), scalars of other types,
        // dates as epoch milliseconds, `null` for absent, another key order.
        let from_json = json(
            r#"{"result": {"total": "3.0", "success": 1, "price": 12.50, "data": {
                "bucket_name": "b", "scene": 8007, "expiration_time": 1628006400000,
                "absent": null}, "tags": {"string": ["a", "b"]},
                "ids": {"number": [1, "2", 3]}, "items": {"item": [{"n": 1}, {"n": "2"}]},
                "one": {"item": {"n": 7}}, "empty_list": {}, "blank": "", "object": {},
                "raw": null}}"#,
        );
        compare(&from_json, &typed).unwrap();
        // A bare array (simplified JSON) and the XML key repeated, each holding arrays.
        compare(&json(r#"{"l": [1, 2]}"#), &json(r#"{"l": [1, 2]}"#)).unwrap();
        compare(
            &json(r#"{"l": {"number": [1], "number": [2, 3]}}"#),
            &json(r#"{"l": [1, 2, 3]}"#),
        )
        .unwrap();
        // Other forms of one date; "FALSE" is false.
        for date in [
            r#""2021-08-04""#,
            r#""2021-08-03T16:00:00Z""#,
            r#""1628006400000""#,
        ] {
            compare(
                &json(&format!(r#"{{"d": {date}, "b": "FALSE"}}"#)),
                &json(r#"{"d": "2021-08-04 00:00:00", "b": false}"#),
            )
            .unwrap_or_else(|m| panic!("{date}: {m}"));
        }
    }

    #[test]
    fn a_dropped_element_names_its_path() {
        let typed = json(TYPED);
        let mut example: serde_json::Value = serde_json::from_str(TYPED).unwrap();
        example["result"]["data"]["foo"] = serde_json::json!("kept?");
        let m = differ(&Node::from_value(&example), &typed);
        assert_eq!(m.path, "result.data.foo");
        assert!(m.reason.contains("dropped"), "{m}");
        assert_eq!(
            (m.expected.as_str(), m.actual.as_str()),
            ("\"kept?\"", "nothing")
        );
        let text = m.to_string();
        assert!(text.starts_with("`result.data.foo`: dropped"), "{text}");

        // A key repeated where the typed value holds one.
        let m = differ(&xml("<r><a>1</a><a>2</a></r>"), &json(r#"{"a": 1}"#));
        assert_eq!(m.path, "a");
        assert!(m.reason.contains("2 `a`"), "{m}");
        // Text beside child elements.
        let m = differ(&xml("<r>note<a>1</a></r>"), &json(r#"{"a": 1}"#));
        assert_eq!(m.path, MIXED_TEXT_KEY);
        assert!(m.reason.contains("text beside child elements"), "{m}");
        // Something the example does not have.
        let m = differ(&json(r#"{"a": 1}"#), &json(r#"{"a": 1, "b": 2}"#));
        assert_eq!((m.path.as_str(), m.expected.as_str()), ("b", "nothing"));
    }

    #[test]
    fn a_changed_value_names_its_path_and_both_values() {
        let typed = json(TYPED);
        let cases = [
            (
                "/result/data/expiration_time",
                serde_json::json!("2021-08-04 00:00:01"),
                "result.data.expiration_time",
            ),
            ("/result/total", serde_json::json!("4"), "result.total"),
            (
                "/result/success",
                serde_json::json!("yes"),
                "result.success",
            ),
            ("/result/price", serde_json::json!("12.51"), "result.price"),
            (
                "/result/data/scene",
                serde_json::json!("8008"),
                "result.data.scene",
            ),
            ("/result/tags/1", serde_json::json!("c"), "result.tags[1]"),
            (
                "/result/items/1/n",
                serde_json::json!(3),
                "result.items[1].n",
            ),
        ];
        for (pointer, value, path) in cases {
            let mut example: serde_json::Value = serde_json::from_str(TYPED).unwrap();
            *example.pointer_mut(pointer).unwrap() = value.clone();
            let m = differ(&Node::from_value(&example), &typed);
            assert_eq!(m.path, path, "{pointer}: {m}");
            assert_eq!(m.reason, "the values differ", "{m}");
            assert!(m.expected.contains(value.as_str().unwrap_or("3")), "{m}");
            assert_ne!(m.actual, "nothing", "{m}");
        }
        // A structure where a scalar is.
        let m = differ(&json(r#"{"a": {"b": 1}}"#), &json(r#"{"a": 1}"#));
        assert_eq!(m.path, "a");
        assert!(m.reason.contains("more than a single value"), "{m}");
    }

    #[test]
    fn a_missing_list_item_names_its_path() {
        let m = differ(
            &xml(
                "<r><items><item><n>1</n></item><item><n>2</n></item><item><n>3</n></item></items></r>",
            ),
            &json(r#"{"items": [{"n": 1}, {"n": 2}]}"#),
        );
        assert_eq!(m.path, "items.item[2]");
        assert!(m.reason.contains("a list item was dropped"), "{m}");
        assert!(m.reason.contains("has 3 items, the typed value's 2"), "{m}");
        // Dropped from the middle: the first difference, with the lengths.
        let m = differ(
            &json(r#"{"l": {"string": ["a", "b", "c"]}}"#),
            &json(r#"{"l": ["a", "c"]}"#),
        );
        assert_eq!(m.path, "l.string[1]");
        assert!(m.reason.contains("has 3 items, the typed value's 2"), "{m}");
        // One too many in the typed value.
        let m = differ(&json(r#"{"l": [1]}"#), &json(r#"{"l": [1, 2]}"#));
        assert_eq!(m.path, "l[1]");
        // Not a list at all.
        let m = differ(
            &json(r#"{"l": {"a": 1, "b": 2}}"#),
            &json(r#"{"l": [1, 2]}"#),
        );
        assert_eq!(m.path, "l");
        assert!(m.reason.contains("no list here"), "{m}");
    }

    #[test]
    fn xml_trees_are_read_independently_of_the_decoder() {
        let (root, node) =
            Node::from_xml("<r a=\"1\"><x>1 &amp; &#50;</x><c><![CDATA[<b>]]></c><e>\n</e></r>")
                .unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            node,
            Node::Map(vec![
                ("x".into(), Node::Text("1 & 2".into())),
                ("c".into(), Node::Text("<b>".into())),
                ("e".into(), Node::Empty),
            ])
        );
        for (bad, part) in [
            ("<r>\n<a></b></r>", "line 2"),
            ("<r><a>", "still open"),
            ("<!DOCTYPE r><r/>", "DOCTYPE"),
            ("<r>&nbsp;</r>", "&nbsp;"),
            ("<r/><s/>", "second root"),
            ("text<r/>", "outside the root"),
            ("", "no root element"),
        ] {
            let e = Node::from_xml(bad).unwrap_err();
            assert!(e.contains(part), "{bad}: {e}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(Node::from_xml(&deep).unwrap_err().contains("levels deep"));
        let e = Node::from_json("{\"a\": 1,\n}").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    // A request and response like generated ones.
    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Reply {
        #[serde(
            deserialize_with = "topgen_runtime::__private::de::opt",
            skip_serializing_if = "Option::is_none"
        )]
        total: Option<i64>,
        #[serde(
            deserialize_with = "topgen_runtime::__private::de::opt",
            serialize_with = "topgen_runtime::__private::ser::opt_date",
            skip_serializing_if = "Option::is_none"
        )]
        modified: Option<DateTime>,
        #[serde(
            deserialize_with = "topgen_runtime::__private::de::opt",
            skip_serializing_if = "Option::is_none"
        )]
        names: Option<Vec<String>>,
        #[serde(
            deserialize_with = "topgen_runtime::__private::de::opt",
            skip_serializing_if = "Option::is_none"
        )]
        request_id: Option<String>,
    }

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
