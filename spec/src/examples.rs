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
//! What "fits" follows the runtime's lenient decoding (`topgen_runtime`'s `de`): numbers and
//! booleans may be text, dates may be text or epoch milliseconds, lists may be bare or
//! wrapped, `null` and empty XML elements are absence. Where the two could disagree this side
//! is the stricter one, so an example that passes here is one the generated test can check.

use crate::model::{Api, Field, Scalar, Ty};
use crate::scalar::fits_epoch_millis;
use crate::tree::{MIXED_TEXT_KEY, Node};
use std::collections::HashSet;
use std::fmt;

/// The keys of `examples:` that hold replies, in the order they are checked.
pub const REPLY_EXAMPLES: [&str; 4] = ["response_xml", "response_json", "error_xml", "error_json"];

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
        Node::from_xml(text).map(|(name, node)| (Ok(name), node))
    } else {
        Node::from_json(text).map(|node| match node {
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
            Scalar::Number => !is_bool && s.fits_text(text),
            Scalar::Boolean => {
                is_bool || (is_json_number && matches!(text, "0" | "1")) || s.fits_text(text)
            }
            Scalar::Date => {
                !is_bool
                    && if is_json_number {
                        fits_epoch_millis(text)
                    } else {
                        s.fits_text(text)
                    }
            }
            Scalar::Price | Scalar::BigDecimal => !is_bool && s.fits_text(text),
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
            Ty::Scalar(s) => s.top_name().into(),
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
