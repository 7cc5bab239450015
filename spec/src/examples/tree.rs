//! Reply examples as trees, every element kept, for the fit check.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Elements or arrays nest at most this deep in an example (as in the runtime).
const MAX_DEPTH: usize = 128;

/// Where text beside child elements is kept in the tree (a name no XML element can have).
pub(super) const MIXED_TEXT_KEY: &str = "#text";

/// A JSON or XML value with every element kept (key order, repeated keys).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Empty,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

pub(super) fn parse_json(text: &str) -> Result<Node, String> {
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
pub(super) fn parse_xml(text: &str) -> Result<(String, Node), String> {
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
