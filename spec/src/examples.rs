//! Checking a spec's reply examples against the spec itself, without compiling anything.
//!
//! A doc page's examples are the only replies of the API we have; each should fit the API's
//! own model. [`check_api`] walks every reply example (`response_xml`, `response_json`,
//! `error_xml`, `error_json`) against the resolved model, the way the runtime will decode it,
//! and reports as a [`Misfit`] (with its path in the example, such as `result.data.foo`):
//! - every element the spec does not have (the typed response would drop it), a key repeated
//!   where the field holds one value, text beside child elements;
//! - every value that does not fit its field's type: a `Number` holding `abc` or `1.5`, a
//!   `Boolean` holding `yes`, a `Date` or `Price` that is not one, an object where a scalar
//!   is expected, a scalar where an object or a list is expected, a `null` list item;
//! - a wrapper that is not the API's (`<name>_response` / `error_response`), and text that is
//!   not JSON or XML at all.
//!
//! The generator uses it to decide which examples get a round-trip test (one that does not
//! fit gets an ignored test saying why, see `render`); importers (`topgen_import`) use it to
//! report a doc page whose examples contradict its own tables. It is linear in the size of
//! the examples and compiles nothing: [`check_api`] on all 4,194 APIs of TOP's metadata
//! catalog, each with a JSON and an XML example of every field (4 MB in all), takes about
//! 0.4 s in a release build.
//!
//! What "fits" follows the runtime's lenient decoding (`topgen_runtime::de`): numbers and
//! booleans may be text, dates may be text or epoch milliseconds, lists may be bare or
//! wrapped, `null` and empty XML elements are absence. Where the two could disagree this side
//! is the stricter one, so an example that passes here is one the generated test can check.

use crate::model::{Api, Field, Scalar, Ty};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// The keys of `examples:` that hold replies, in the order they are checked.
pub const REPLY_EXAMPLES: [&str; 4] = ["response_xml", "response_json", "error_xml", "error_json"];

/// Elements or arrays nest at most this deep in an example (as in the runtime).
const MAX_DEPTH: usize = 128;

/// Where text beside child elements is kept in the tree (a name no XML element can have).
const MIXED_TEXT_KEY: &str = "#text";

/// One way a reply example does not fit its spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// The example's key in `examples:` (one of [`REPLY_EXAMPLES`]).
    pub example: &'static str,
    /// The path in the example below its wrapper (`result.data.expiration_time`,
    /// `items.item[2].price`); empty when the example as a whole is wrong.
    pub path: String,
    /// What does not fit, and what the spec expects.
    pub message: String,
}

impl Misfit {
    /// The path and the message, without the example's key: `` `total`: expected … ``.
    pub fn detail(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("`{}`: {}", self.path, self.message)
        }
    }
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "examples.{}: {}", self.example, self.detail())
    }
}

/// Every misfit of every reply example of `api`, in the order of [`REPLY_EXAMPLES`] and,
/// within an example, in document order.
pub fn check_api(api: &Api) -> Vec<Misfit> {
    let mut out = Vec::new();
    for key in REPLY_EXAMPLES {
        if let Some(text) = example_text(api, key) {
            out.extend(check_example(api, key, text));
        }
    }
    out
}

/// The text of the reply example `key` of `api`, if it has one.
pub fn example_text<'a>(api: &'a Api, key: &str) -> Option<&'a str> {
    let e = &api.examples;
    match key {
        "response_xml" => e.response_xml.as_deref(),
        "response_json" => e.response_json.as_deref(),
        "error_xml" => e.error_xml.as_deref(),
        "error_json" => e.error_json.as_deref(),
        _ => None,
    }
}

/// The misfits of one example (`key` is one of [`REPLY_EXAMPLES`]).
fn check_example(api: &Api, key: &'static str, text: &str) -> Vec<Misfit> {
    let mut w = Walker {
        api,
        example: key,
        out: Vec::new(),
    };
    let is_xml = key.ends_with("_xml");
    let is_error = key.starts_with("error");
    let expected_root = if is_error {
        "error_response"
    } else {
        api.response_key.as_str()
    };
    let parsed = if is_xml {
        parse_xml(text).map(|(name, node)| (Ok(name), node))
    } else {
        parse_json(text).map(|node| match node {
            Node::Map(mut entries) if entries.len() == 1 => {
                let (k, v) = entries.remove(0);
                (Ok(k), v)
            }
            other => (Err(describe(&other)), other),
        })
    };
    let (root, node) = match parsed {
        Ok(p) => p,
        Err(message) => {
            w.misfit("", message);
            return w.out;
        }
    };
    match root {
        Ok(name) if name == expected_root => {}
        found => {
            let found = match (found, is_xml) {
                (Ok(name), true) => format!("the root element `<{name}>`"),
                (Ok(name), false) => format!("the one key `{name}`"),
                (Err(shape), _) => shape,
            };
            let what = if is_error {
                "TOP's error reply"
            } else {
                "a success reply of this API"
            };
            let wanted = if is_xml {
                format!("the root element `<{expected_root}>`")
            } else {
                format!("an object whose one key is `{expected_root}`")
            };
            let why = if is_error {
                ""
            } else {
                " (the method with dots as underscores, a leading `taobao.` removed, then `_response`)"
            };
            w.misfit(
                "",
                format!("the example has {found}; {what} has {wanted}{why}"),
            );
            return w.out;
        }
    }
    if is_error {
        w.error_response(&node);
    } else {
        let owner = Owner::Response;
        w.object(&api.response, owner, &node, "");
    }
    w.out
}

/// Whose fields an object has, for messages.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Response,
    Type(&'a str),
}

impl fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Response => f.write_str("the response"),
            Owner::Type(name) => write!(f, "type `{name}`"),
        }
    }
}

struct Walker<'a> {
    api: &'a Api,
    example: &'static str,
    out: Vec<Misfit>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The distinct keys of a map in document order, each with how often it appears.
fn key_counts(entries: &[(String, Node)]) -> Vec<(&str, usize)> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (key, _) in entries {
        if seen.insert(key) {
            out.push((
                key.as_str(),
                entries.iter().filter(|(k, _)| k == key).count(),
            ));
        }
    }
    out
}

impl Walker<'_> {
    fn misfit(&mut self, path: &str, message: impl Into<String>) {
        self.out.push(Misfit {
            example: self.example,
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// An object of `fields`; the response's own object also has `request_id`.
    fn object(&mut self, fields: &[Field], owner: Owner<'_>, node: &Node, path: &str) {
        let entries = match node {
            Node::Map(entries) => entries,
            Node::Null | Node::Empty => return,
            other => {
                let what = match owner {
                    Owner::Response => "the response's fields".to_owned(),
                    Owner::Type(name) => format!("an object of type `{name}`"),
                };
                self.misfit(path, format!("expected {what}, found {}", describe(other)));
                return;
            }
        };
        for (key, count) in key_counts(entries) {
            let here = join(path, key);
            if count > 1 {
                self.misfit(
                    &here,
                    format!(
                        "appears {count} times, but the field holds one value, so all but one would be dropped (TOP repeats an element only inside a list)"
                    ),
                );
                continue;
            }
            let Some((_, value)) = entries.iter().find(|(k, _)| k == key) else {
                continue;
            };
            if key == MIXED_TEXT_KEY {
                self.misfit(
                    path,
                    format!(
                        "text beside child elements ({}) would be dropped",
                        describe(value)
                    ),
                );
                continue;
            }
            match fields.iter().find(|f| f.wire == key) {
                Some(f) => self.value(&f.ty, value, &here),
                None if matches!(owner, Owner::Response) && key == "request_id" => {
                    self.value(&Ty::Scalar(Scalar::String), value, &here);
                }
                None => self.misfit(
                    &here,
                    format!(
                        "not in the spec: {owner} has no field `{key}`, so the typed value would drop it"
                    ),
                ),
            }
        }
    }

    fn value(&mut self, ty: &Ty, node: &Node, path: &str) {
        match ty {
            Ty::Scalar(s) => self.scalar(*s, node, path),
            Ty::Object(i) => {
                let object = &self.api.types[*i];
                self.object(&object.fields, Owner::Type(&object.top_name), node, path);
            }
            Ty::List(inner) => self.list(inner, node, path),
        }
    }

    fn list(&mut self, inner: &Ty, node: &Node, path: &str) {
        let element = ty_name(self.api, inner);
        let items: Vec<(String, &Node)> = match node {
            Node::Null | Node::Empty => return,
            Node::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            Node::Map(entries) => {
                let counts = key_counts(entries);
                if counts.len() > 1 {
                    let keys: Vec<String> = counts
                        .iter()
                        .take(4)
                        .map(|(k, _)| format!("`{k}`"))
                        .collect();
                    self.misfit(
                        path,
                        format!(
                            "expected a list of {element} (an array, or an object whose one key holds the items), found an object with the keys {}",
                            keys.join(", ")
                        ),
                    );
                    return;
                }
                let mut items = Vec::new();
                for (key, value) in entries {
                    let base = join(path, key);
                    match value {
                        Node::List(list) => {
                            for item in list {
                                items.push((format!("{base}[{}]", items.len()), item));
                            }
                        }
                        Node::Null => {}
                        single => items.push((format!("{base}[{}]", items.len()), single)),
                    }
                }
                items
            }
            scalar => {
                self.misfit(
                    path,
                    format!(
                        "expected a list of {element} (an array, or an object whose one key holds the items), found {}",
                        describe(scalar)
                    ),
                );
                return;
            }
        };
        for (item_path, item) in items {
            if matches!(item, Node::Null) {
                self.misfit(
                    &item_path,
                    format!("a list item is null; expected {element}"),
                );
            } else {
                self.value(inner, item, &item_path);
            }
        }
    }

    fn scalar(&mut self, s: Scalar, node: &Node, path: &str) {
        if matches!(node, Node::Null | Node::Empty) {
            return;
        }
        if s == Scalar::Json {
            self.json(node, path);
            return;
        }
        let text = match node {
            Node::Text(t) | Node::Number(t) => t.as_str(),
            Node::Bool(true) => "true",
            Node::Bool(false) => "false",
            other => {
                self.misfit(
                    path,
                    format!("expected {}, found {}", scalar_name(s), describe(other)),
                );
                return;
            }
        };
        let is_json_number = matches!(node, Node::Number(_));
        let is_bool = matches!(node, Node::Bool(_));
        let fits = match s {
            Scalar::String | Scalar::Json => true,
            Scalar::Number => !is_bool && fits_i64(text),
            Scalar::Boolean => {
                is_bool || (is_json_number && matches!(text, "0" | "1")) || fits_bool(text)
            }
            Scalar::Date => {
                !is_bool
                    && if is_json_number {
                        fits_epoch_millis(text)
                    } else {
                        fits_date(text)
                    }
            }
            Scalar::Price | Scalar::BigDecimal => !is_bool && fits_decimal(text),
            // Never in a reply: the model allows byte[] only as a request param.
            Scalar::File => false,
        };
        if !fits {
            self.misfit(
                path,
                format!("expected {}, found {}", scalar_name(s), describe(node)),
            );
        }
    }

    /// A `Json` field holds anything, but it is decoded into a JSON value, whose objects keep
    /// one value per key and which has no room for XML's mixed text.
    fn json(&mut self, node: &Node, path: &str) {
        match node {
            Node::Map(entries) => {
                for (key, count) in key_counts(entries) {
                    let here = join(path, key);
                    if key == MIXED_TEXT_KEY {
                        self.misfit(path, "text beside child elements would be dropped");
                    } else if count > 1 {
                        self.misfit(
                            &here,
                            format!(
                                "appears {count} times in a Json value, which keeps one value per key, so all but one would be dropped"
                            ),
                        );
                    } else if let Some((_, v)) = entries.iter().find(|(k, _)| k == key) {
                        self.json(v, &here);
                    }
                }
            }
            Node::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.json(item, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }

    /// TOP's `error_response`: `code` (required, an integer), `msg`, `sub_code`, `sub_msg`,
    /// `request_id`.
    fn error_response(&mut self, node: &Node) {
        const FIELDS: [&str; 5] = ["code", "msg", "sub_code", "sub_msg", "request_id"];
        let entries = match node {
            Node::Map(entries) => entries.as_slice(),
            Node::Null | Node::Empty => &[],
            other => {
                self.misfit(
                    "",
                    format!("expected the fields of TOP's error (`code`, `msg`, `sub_code`, `sub_msg`), found {}", describe(other)),
                );
                return;
            }
        };
        if !entries
            .iter()
            .any(|(k, v)| k == "code" && !matches!(v, Node::Null | Node::Empty))
        {
            self.misfit("code", "missing: TOP's error always has a `code`");
        }
        for (key, count) in key_counts(entries) {
            let Some((_, value)) = entries.iter().find(|(k, _)| k == key) else {
                continue;
            };
            if count > 1 {
                self.misfit(
                    key,
                    format!("appears {count} times, but TOP's error holds one, so all but one would be dropped"),
                );
            } else if key == MIXED_TEXT_KEY {
                self.misfit("", "text beside child elements would be dropped");
            } else if !FIELDS.contains(&key) {
                self.misfit(
                    key,
                    "not a field of TOP's error (`code`, `msg`, `sub_code`, `sub_msg`, `request_id`), so the typed error would drop it",
                );
            } else if key == "code" {
                if !matches!(value, Node::Null | Node::Empty) {
                    self.scalar(Scalar::Number, value, key);
                }
            } else {
                self.scalar(Scalar::String, value, key);
            }
        }
    }
}

/// A type as the spec writes it (`String`, `Sku`, `Number[]`), in backticks.
fn ty_name(api: &Api, ty: &Ty) -> String {
    fn name(api: &Api, ty: &Ty) -> String {
        match ty {
            Ty::Scalar(Scalar::String) => "String".into(),
            Ty::Scalar(Scalar::Number) => "Number".into(),
            Ty::Scalar(Scalar::Boolean) => "Boolean".into(),
            Ty::Scalar(Scalar::Date) => "Date".into(),
            Ty::Scalar(Scalar::Price) => "Price".into(),
            Ty::Scalar(Scalar::BigDecimal) => "BigDecimal".into(),
            Ty::Scalar(Scalar::Json) => "Json".into(),
            Ty::Scalar(Scalar::File) => "byte[]".into(),
            Ty::Object(i) => api.types[*i].top_name.clone(),
            Ty::List(inner) => format!("{}[]", name(api, inner)),
        }
    }
    format!("`{}`", name(api, ty))
}

fn scalar_name(s: Scalar) -> &'static str {
    match s {
        Scalar::String => "a String (text, a number or a boolean)",
        Scalar::Number => "a Number (a 64-bit integer, or its text)",
        Scalar::Boolean => "a Boolean (true/false, 1/0, or their text)",
        Scalar::Date => {
            "a Date (`yyyy-MM-dd HH:mm:ss`, `yyyy-MM-dd`, RFC 3339, or epoch milliseconds)"
        }
        Scalar::Price => "a Price (a decimal number)",
        Scalar::BigDecimal => "a BigDecimal (a decimal number)",
        Scalar::Json => "Json",
        Scalar::File => "no byte[] in a reply",
    }
}

/// A short description of a value for messages.
fn describe(n: &Node) -> String {
    const MAX: usize = 60;
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
        Node::Bool(b) => format!("the boolean {b}"),
        Node::Number(s) => format!("the number {}", short(s)),
        Node::Text(s) => format!("{:?}", short(s)),
        Node::List(items) => format!("a list of {} item(s)", items.len()),
        Node::Map(entries) if entries.is_empty() => "an empty object".to_owned(),
        Node::Map(entries) => {
            let keys: Vec<String> = key_counts(entries)
                .iter()
                .take(4)
                .map(|(k, _)| format!("`{}`", short(k)))
                .collect();
            format!("an object with {}", keys.join(", "))
        }
    }
}

// ---------------------------------------------------------------------------------------
// What the runtime's lenient decoding accepts (the stricter side where they could differ).

/// A 64-bit integer: optional sign, digits, optionally a fraction of zeros (`50.0`).
fn fits_i64(text: &str) -> bool {
    let t = text.trim();
    let t = match t.split_once('.') {
        Some((int, zeros))
            if !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0')
                && int.bytes().any(|b| b.is_ascii_digit()) =>
        {
            int
        }
        _ => t,
    };
    t.parse::<i64>().is_ok()
}

fn fits_bool(text: &str) -> bool {
    let t = text.trim();
    t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") || t == "1" || t == "0"
}

/// Epoch milliseconds in the range of a date (years ±262,000).
fn fits_epoch_millis(text: &str) -> bool {
    text.trim()
        .parse::<i64>()
        .is_ok_and(|ms| (-8_334_601_228_800_000..=8_210_266_876_799_999).contains(&ms))
}

/// `digits` of exactly `n` ASCII digits, as a number.
fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn fits_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[..4], 4), digits(&s[5..7], 2), digits(&s[8..], 2))
    else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `HH:mm:ss` with an optional fraction `.f…` (1 to 9 digits).
fn fits_time(s: &str) -> bool {
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (s, None),
    };
    let b = hms.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let ok = matches!(
        (digits(&hms[..2], 2), digits(&hms[3..5], 2), digits(&hms[6..], 2)),
        (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60
    );
    ok && fraction
        .is_none_or(|f| (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A date as text: `yyyy-MM-dd HH:mm:ss[.f]`, `yyyy-MM-dd`, RFC 3339
/// (`yyyy-MM-ddTHH:mm:ss[.f](Z|±hh:mm)`), or epoch milliseconds.
fn fits_date(text: &str) -> bool {
    let t = text.trim();
    if !t.is_empty()
        && t.strip_prefix('-')
            .unwrap_or(t)
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return fits_epoch_millis(t);
    }
    if t.len() == 10 {
        return fits_day(t);
    }
    if t.len() < 19 || !t.is_char_boundary(10) || !fits_day(&t[..10]) {
        return false;
    }
    let sep = t.as_bytes()[10];
    let rest = &t[11..];
    match sep {
        b' ' => fits_time(rest),
        b'T' | b't' => {
            let (time, zone) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
                (time, None)
            } else if rest.len() > 6 && rest.is_char_boundary(rest.len() - 6) {
                let (time, zone) = rest.split_at(rest.len() - 6);
                (time, Some(zone))
            } else {
                return false;
            };
            let zone_ok = zone.is_none_or(|z| {
                let b = z.as_bytes();
                matches!(b[0], b'+' | b'-')
                    && b[3] == b':'
                    && matches!((digits(&z[1..3], 2), digits(&z[4..], 2)), (Some(h), Some(m)) if h < 24 && m < 60)
            });
            zone_ok && fits_time(time)
        }
        _ => false,
    }
}

/// A decimal number an exact 96-bit decimal holds: `-12.50`, `1.5E3`; at most 28 digits.
fn fits_decimal(text: &str) -> bool {
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (int, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || fraction.is_some_and(|f| !all_digits(f)) {
        return false;
    }
    let significant = int.trim_start_matches('0').len() + fraction.map_or(0, str::len);
    if significant > 28 {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            all_digits(digits) && digits.parse::<u32>().is_ok_and(|n| n <= 28)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Examples as trees. The runtime's test support (`topgen_runtime::example::Node`) reads them
// the same way; the generator cannot depend on the runtime, so it has its own copy.

/// A JSON or XML value with every element kept (key order, repeated keys).
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Empty,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

fn parse_json(text: &str) -> Result<Node, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
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
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

struct Frame {
    name: String,
    text: String,
    children: Vec<(String, Node)>,
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// `line L, column C` (1-based) of a byte offset of `text`.
fn line_column(text: &str, offset: u64) -> String {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

/// The root element's name and value: an element with children is a map of them (names
/// may repeat), one with text only is that text, one with nothing but whitespace is empty;
/// attributes, comments, processing instructions and the declaration are ignored.
fn parse_xml(text: &str) -> Result<(String, Node), String> {
    use quick_xml::events::Event;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = quick_xml::reader::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.allow_unmatched_ends = false;
    let invalid =
        |offset: u64, what: &str| format!("not valid XML at {}: {what}", line_column(text, offset));
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Node)> = None;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(invalid(reader.error_position(), &e.to_string())),
        };
        let at = reader.buffer_position();
        let piece: std::borrow::Cow<'_, str> = match event {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(invalid(at, "a second root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(invalid(
                        at,
                        &format!("elements nested more than {MAX_DEPTH} levels deep"),
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
                    None => return Err(invalid(at, "a second root element")),
                }
                continue;
            }
            Event::End(_) => {
                let Some(frame) = stack.pop() else {
                    return Err(invalid(at, "an end tag without a start tag"));
                };
                let node = if frame.children.is_empty() {
                    if is_blank(&frame.text) {
                        Node::Empty
                    } else {
                        Node::Text(frame.text)
                    }
                } else {
                    let mut children = frame.children;
                    if !is_blank(&frame.text) {
                        children.push((
                            MIXED_TEXT_KEY.to_owned(),
                            Node::Text(frame.text.trim().to_owned()),
                        ));
                    }
                    Node::Map(children)
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push((frame.name, node)),
                    None => root = Some((frame.name, node)),
                }
                continue;
            }
            Event::Text(t) => t.xml10_content(),
            Event::CData(c) => c.xml10_content(),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => std::borrow::Cow::Owned(s),
                    None => {
                        let name: String = r.xml10_content().chars().take(64).collect();
                        return Err(invalid(
                            at,
                            &format!(
                                "unknown entity or character reference `&{name};` (only the five XML entities and character references are read)"
                            ),
                        ));
                    }
                }
            }
            Event::DocType(_) => {
                return Err(invalid(at, "a DOCTYPE, which TOP replies never have"));
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
            Event::Eof => break,
        };
        match stack.last_mut() {
            Some(frame) => frame.text.push_str(&piece),
            None if is_blank(&piece) => {}
            None => return Err(invalid(at, "text outside the root element")),
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "not valid XML: the text ends with {} element(s) still open",
            stack.len()
        ));
    }
    root.ok_or_else(|| "not valid XML: no root element".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_booleans_dates_decimals() {
        for ok in ["1", " -7 ", "50.0", "9223372036854775807"] {
            assert!(fits_i64(ok), "{ok}");
        }
        for bad in ["abc", "1.5", "", "9223372036854775808", ".0", "1e3"] {
            assert!(!fits_i64(bad), "{bad}");
        }
        for ok in ["true", "FALSE", "1", "0"] {
            assert!(fits_bool(ok), "{ok}");
        }
        assert!(!fits_bool("yes"));
        for ok in [
            "2021-08-04 00:00:00",
            " 2021-08-04 00:00:00.250 ",
            "2024-02-29",
            "2021-08-04T00:00:00+08:00",
            "2021-08-03T16:00:00Z",
            "2021-08-03T16:00:00.5Z",
            "1628006400000",
            "-1",
        ] {
            assert!(fits_date(ok), "{ok}");
        }
        for bad in [
            "2021-08-04 24:00:00",
            "2023-02-29",
            "2021-13-01",
            "2021/08/04",
            "yesterday",
            "2021-08-04 00:00",
            "2021-08-04T00:00:00",
            "2021-08-04T00:00:00+8",
            "99999999999999999999",
            "",
        ] {
            assert!(!fits_date(bad), "{bad}");
        }
        for ok in [
            "12.50",
            "-3",
            "0.125",
            "1.5E3",
            " 7 ",
            "0000000000000000000000000000001",
        ] {
            assert!(fits_decimal(ok), "{ok}");
        }
        for bad in [
            "12,5",
            "abc",
            "1.",
            ".5",
            "1e",
            "1e99",
            "1234567890123456789012345678901",
            "",
        ] {
            assert!(!fits_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn xml_trees() {
        let (root, node) = parse_xml(
            "<?xml version=\"1.0\"?>\n<r a=\"1\"><x>1 &amp; 2</x><e/><e>  </e><l><i>a</i><i>b</i></l><m>t<c>1</c></m></r>",
        )
        .unwrap();
        assert_eq!(root, "r");
        let t = |s: &str| Node::Text(s.to_owned());
        assert_eq!(
            node,
            Node::Map(vec![
                ("x".into(), t("1 & 2")),
                ("e".into(), Node::Empty),
                ("e".into(), Node::Empty),
                (
                    "l".into(),
                    Node::Map(vec![("i".into(), t("a")), ("i".into(), t("b"))])
                ),
                (
                    "m".into(),
                    Node::Map(vec![("c".into(), t("1")), (MIXED_TEXT_KEY.into(), t("t"))])
                ),
            ])
        );
        let e = parse_xml("<r>\n  <a>1</b>\n</r>").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = parse_xml("<r><a>").unwrap_err();
        assert!(e.contains("still open"), "{e}");
        let e = parse_xml("<!DOCTYPE r><r/>").unwrap_err();
        assert!(e.contains("DOCTYPE"), "{e}");
        let e = parse_xml("<r>&nbsp;</r>").unwrap_err();
        assert!(e.contains("&nbsp;"), "{e}");
        assert!(parse_xml("").unwrap_err().contains("no root element"));
        let deep = "<a>".repeat(200) + &"</a>".repeat(200);
        assert!(parse_xml(&deep).unwrap_err().contains("levels deep"));
    }

    #[test]
    fn json_trees_keep_duplicates() {
        let node = parse_json(r#"{"a":1,"a":[true,null,"x",1.5]}"#).unwrap();
        assert_eq!(
            node,
            Node::Map(vec![
                ("a".into(), Node::Number("1".into())),
                (
                    "a".into(),
                    Node::List(vec![
                        Node::Bool(true),
                        Node::Null,
                        Node::Text("x".into()),
                        Node::Number("1.5".into())
                    ])
                ),
            ])
        );
        let e = parse_json("{\n  \"a\": }").unwrap_err();
        assert!(e.contains("line 2 column"), "{e}");
    }
}
