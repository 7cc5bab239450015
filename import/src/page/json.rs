//! A small JSON value that keeps key order, written the way the hand-written specs show
//! TOP's JSON examples (two-space indent, `"key": value`, a final newline).

use std::fmt::Write as _;

/// A JSON value; objects keep their keys in insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its literal text (`50`, `-1`).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value as pretty JSON text with a final newline.
    pub(crate) fn pretty(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self, 0);
        out.push('\n');
        out
    }
}

fn write_value(out: &mut String, v: &Json, indent: usize) {
    match v {
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => write_string(out, s),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Json::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, indent + 2);
                write_value(out, item, indent + 2);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
        Json::Object(fields) => {
            out.push_str("{\n");
            for (i, (key, value)) in fields.iter().enumerate() {
                pad(out, indent + 2);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, value, indent + 2);
                out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_like_the_hand_written_specs() {
        let v = Json::Object(vec![(
            "error_response".into(),
            Json::Object(vec![
                ("code".into(), Json::Number("50".into())),
                ("msg".into(), Json::String("a \"q\"\n\u{1}非法".into())),
                ("ok".into(), Json::Bool(true)),
                ("list".into(), Json::Array(vec![Json::Object(vec![])])),
                ("none".into(), Json::Array(vec![])),
            ]),
        )]);
        assert_eq!(
            v.pretty(),
            "{\n  \"error_response\": {\n    \"code\": 50,\n    \"msg\": \"a \\\"q\\\"\\n\\u0001非法\",\n    \"ok\": true,\n    \"list\": [\n      {}\n    ],\n    \"none\": []\n  }\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&v.pretty()).unwrap();
        assert_eq!(back["error_response"]["code"], 50);
    }
}
