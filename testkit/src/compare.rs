//! [`compare`]: an example against the typed value written back out, seeing through
//! representation (list wrappers, scalar forms, absence) and nothing else.

use std::collections::HashSet;
use std::fmt;

use serde::de::value::{I64Deserializer, StrDeserializer};

use topgen_runtime::__private::de::Lenient;
use topgen_runtime::{DateTime, Decimal};

use topgen_spec::tree::{MIXED_TEXT_KEY, Node};

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
/// [crate docs](crate). The first difference is returned.
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

/// Whether two scalars are the same value, as described in the [crate docs](crate).
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
        Node::Bool(b) => topgen_spec::scalar::bool_text(e) == Some(*b),
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
pub(crate) fn show(n: &Node) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
