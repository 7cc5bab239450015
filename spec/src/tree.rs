//! [`Node`]: a reply example (or a typed value written out) as a tree, read from JSON or XML
//! independently of the runtime's decoders. The one reader of example trees: the fit check
//! (`examples`, feature `load`) walks them against a spec, and `topgen-testkit` compares them with
//! the typed value a generated client decoded.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn xml_trees() {
        let (root, node) = Node::from_xml(
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
        let e = Node::from_xml("<r>\n  <a>1</b>\n</r>").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = Node::from_xml("<r><a>").unwrap_err();
        assert!(e.contains("still open"), "{e}");
        let e = Node::from_xml("<!DOCTYPE r><r/>").unwrap_err();
        assert!(e.contains("DOCTYPE"), "{e}");
        let e = Node::from_xml("<r>&nbsp;</r>").unwrap_err();
        assert!(e.contains("&nbsp;"), "{e}");
        assert!(Node::from_xml("").unwrap_err().contains("no root element"));
        let deep = "<a>".repeat(200) + &"</a>".repeat(200);
        assert!(Node::from_xml(&deep).unwrap_err().contains("levels deep"));
    }

    #[test]
    fn json_trees_keep_duplicates() {
        let node = Node::from_json(r#"{"a":1,"a":[true,null,"x",1.5]}"#).unwrap();
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
        let e = Node::from_json("{\n  \"a\": }").unwrap_err();
        assert!(e.contains("line 2 column"), "{e}");
    }
}
