//! Reading TOP's XML replies (`format=xml`) straight into serde types, in one pass.
//!
//! A small serde [`Deserializer`] drives a pull lexer (the private `xml_lexer` module); no
//! tree is built. The mapping is the one TOP's JSON uses, so the same generated types (and the
//! their lenient decoding) read both formats:
//!
//! - an element with child elements is a map from child name to child value; a name may
//!   repeat (TOP's lists: `<items list="true"><item>…</item><item>…</item></items>`);
//! - an element with text only is that text (`<code>50</code>` → `"50"`; scalars are decoded
//!   from text leniently);
//! - an element with nothing in it, or only whitespace (`<data/>`, `<data>\n</data>`), is
//!   *empty*: `None` for an optional scalar, `""` for a string, an empty list, an object with
//!   every field absent;
//! - attributes (`list="true"`), comments, processing instructions and the XML declaration
//!   are ignored; text mixed with child elements is ignored;
//! - a DOCTYPE is rejected and only the five predefined entities and character references
//!   are resolved, so no entity is ever expanded from a DTD ("billion laughs" is inert);
//! - elements nest at most [`MAX_DEPTH`] levels deep, so hostile nesting cannot overflow the
//!   stack (serde_json has the same limit).

use std::borrow::Cow;
use std::fmt;

use crate::xml_lexer::{Event, LexError, Lexer};
use serde::de::value::{CowStrDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer, forward_to_deserialize_any};

use crate::error::TopError;

/// Elements nest at most this deep (the root is level 1).
pub const MAX_DEPTH: usize = 128;

/// What went wrong reading an XML reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    pub(crate) kind: XmlErrorKind,
    pub(crate) message: String,
}

/// The kind of an [`XmlError`], for the caller's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlErrorKind {
    /// The body ends before the document does.
    Truncated,
    /// Not well-formed XML, or XML TOP never sends (a DOCTYPE, text outside the root…).
    Syntax,
    /// Well-formed, but a value does not fit the expected type.
    Data,
}

impl XmlError {
    fn new(kind: XmlErrorKind, message: impl Into<String>) -> Self {
        XmlError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for XmlError {}

impl de::Error for XmlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        XmlError::new(XmlErrorKind::Data, msg.to_string())
    }
}

/// The root element of a reply, decoded.
pub(crate) enum Root<T> {
    /// `<response_key>`: the response.
    Response(T),
    /// `<error_response>`.
    Error(TopError),
    /// Any other root element, by name; the rest of the document is not read.
    Other(String),
}

/// Decodes an XML reply: the root `<response_key>` as `T`, the root `<error_response>` as a
/// [`TopError`]. Anything but comments, processing instructions and whitespace after the root
/// is an error.
pub(crate) fn decode_document<T: DeserializeOwned>(
    text: &str,
    response_key: &str,
) -> Result<Root<T>, XmlError> {
    let mut de = XmlDe::new(text);
    let (name, self_closing) = de.root()?;
    let found = if name == response_key {
        let content = de.open(self_closing)?;
        Root::Response(T::deserialize(ElementDe {
            de: &mut de,
            content,
        })?)
    } else if name == "error_response" {
        let content = de.open(self_closing)?;
        Root::Error(TopError::deserialize(ElementDe {
            de: &mut de,
            content,
        })?)
    } else {
        return Ok(Root::Other(name.to_owned()));
    };
    de.end()?;
    Ok(found)
}

/// The lexer, one event of lookahead, and the number of open elements.
struct XmlDe<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Event<'a>>,
    depth: usize,
}

impl<'a> XmlDe<'a> {
    fn new(text: &'a str) -> Self {
        XmlDe {
            lexer: Lexer::new(text),
            peeked: None,
            depth: 0,
        }
    }

    fn next(&mut self) -> Result<Event<'a>, XmlError> {
        if let Some(event) = self.peeked.take() {
            return Ok(event);
        }
        match self.lexer.next() {
            Ok(Event::DocType) => Err(XmlError::new(
                XmlErrorKind::Syntax,
                "a DOCTYPE declaration: TOP replies have none, and DTDs are never processed",
            )),
            Ok(event) => Ok(event),
            Err(e) => Err(lex_error(e)),
        }
    }

    fn truncated(&self) -> XmlError {
        XmlError::new(
            XmlErrorKind::Truncated,
            format!(
                "the body ends with {} element{} still open",
                self.depth,
                if self.depth == 1 { "" } else { "s" }
            ),
        )
    }

    /// Enters an element whose start tag was just read: one level deeper (checked).
    fn enter(&mut self) -> Result<(), XmlError> {
        if self.depth >= MAX_DEPTH {
            return Err(XmlError::new(
                XmlErrorKind::Syntax,
                format!("elements nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Reads up to the root element's start tag: its name and whether it is `<root/>`.
    fn root(&mut self) -> Result<(&'a str, bool), XmlError> {
        loop {
            match self.next()? {
                Event::Decl | Event::Comment | Event::Pi => {}
                Event::Text(t) if is_blank(t) => {}
                Event::Start(name) => return Ok((name, false)),
                Event::Empty(name) => return Ok((name, true)),
                Event::Eof => {
                    return Err(XmlError::new(
                        XmlErrorKind::Truncated,
                        "the body ends before the root element",
                    ));
                }
                _ => {
                    return Err(XmlError::new(
                        XmlErrorKind::Syntax,
                        "content before the root element",
                    ));
                }
            }
        }
    }

    /// Checks that nothing but comments, processing instructions and whitespace follows the
    /// root element.
    fn end(&mut self) -> Result<(), XmlError> {
        loop {
            match self.next()? {
                Event::Eof => return Ok(()),
                Event::Comment | Event::Pi => {}
                Event::Text(t) if is_blank(t) => {}
                _ => {
                    return Err(XmlError::new(
                        XmlErrorKind::Syntax,
                        "content after the root element",
                    ));
                }
            }
        }
    }

    /// Reads the content of an element whose start tag was just read (`self_closing` for
    /// `<e/>`).
    fn open(&mut self, self_closing: bool) -> Result<Content<'a>, XmlError> {
        if self_closing {
            return Ok(Content::Empty);
        }
        self.enter()?;
        self.content()
    }

    /// Reads an open element's content up to its end tag (text) or its first child element
    /// (which is left in `peeked`).
    fn content(&mut self) -> Result<Content<'a>, XmlError> {
        let level = self.depth;
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let piece: Cow<'a, str> = match self.next()? {
                Event::Text(t) | Event::CData(t) => normalize_eols(t),
                Event::Ref(r) => Cow::Owned(resolve(r)?),
                Event::Comment | Event::Pi => continue,
                event @ (Event::Start(_) | Event::Empty(_)) => {
                    // Child elements: any text beside them is ignored.
                    self.peeked = Some(event);
                    return Ok(Content::Children { level });
                }
                Event::End => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(match text {
                        Some(t) if !is_blank(&t) => Content::Text(t),
                        _ => Content::Empty,
                    });
                }
                Event::Eof => return Err(self.truncated()),
                Event::Decl | Event::DocType => {
                    return Err(XmlError::new(
                        XmlErrorKind::Syntax,
                        "a declaration inside an element",
                    ));
                }
            };
            text = Some(match text {
                None => piece,
                Some(t) => Cow::Owned(t.into_owned() + &piece),
            });
        }
    }

    /// Skips the rest of the element open at `level` (its end tag included).
    fn skip_to(&mut self, level: usize) -> Result<(), XmlError> {
        while self.depth >= level {
            match self.next()? {
                Event::Start(_) => self.enter()?,
                Event::End => self.depth = self.depth.saturating_sub(1),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The decoder's error for a lexing error: truncated or syntax, with the byte it is at.
fn lex_error(e: LexError) -> XmlError {
    let kind = if e.truncated {
        XmlErrorKind::Truncated
    } else {
        XmlErrorKind::Syntax
    };
    XmlError::new(kind, format!("{} (at byte {})", e.message, e.at))
}

/// Text with XML 1.0's line ends (`\r\n`, lone `\r`) made `\n`; borrowed when it has none.
fn normalize_eols(text: &str) -> Cow<'_, str> {
    if !text.as_bytes().contains(&b'\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether `s` is empty or XML whitespace only.
fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The text of `&name;` / `&#…;`: a character reference or one of the five predefined
/// entities; anything else (an entity a DTD would define) is an error, never expanded.
fn resolve(name: &str) -> Result<String, XmlError> {
    let r = quick_xml::events::BytesRef::new(name);
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c.to_string()),
        Ok(None) => {}
        Err(e) => {
            let name: String = r.chars().take(64).collect();
            return Err(XmlError::new(
                XmlErrorKind::Syntax,
                format!("invalid character reference `&{name};`: {e}"),
            ));
        }
    }
    quick_xml::escape::resolve_predefined_entity(&r)
        .map(str::to_owned)
        .ok_or_else(|| {
            let name: String = r.chars().take(64).collect();
            XmlError::new(
                XmlErrorKind::Syntax,
                format!("unknown entity `&{name};` (entities are never expanded from a DTD)"),
            )
        })
}

/// An element's content.
enum Content<'a> {
    /// Nothing, or whitespace only.
    Empty,
    /// Text (and CDATA, references resolved) only, not blank.
    Text(Cow<'a, str>),
    /// Child elements; the element is open at `level` and its first child is peeked.
    Children { level: usize },
}

/// Deserializes one element's value.
struct ElementDe<'r, 'a> {
    de: &'r mut XmlDe<'a>,
    content: Content<'a>,
}

impl<'a> ElementDe<'_, 'a> {
    /// Gives the children to `visitor` as a map, then skips whatever it left unread.
    fn visit_children<V: Visitor<'a>>(
        self,
        level: usize,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        let value = visitor.visit_map(Children {
            de: &mut *self.de,
            pending: None,
        })?;
        self.de.skip_to(level)?;
        Ok(value)
    }
}

macro_rules! parse_scalar {
    ($($method:ident: $ty:ty => $visit:ident,)*) => {
        $(
            fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
                match &self.content {
                    Content::Text(t) => match t.trim().parse::<$ty>() {
                        Ok(v) => visitor.$visit(v),
                        Err(_) => self.deserialize_any(visitor),
                    },
                    _ => self.deserialize_any(visitor),
                }
            }
        )*
    };
}

impl<'a> Deserializer<'a> for ElementDe<'_, 'a> {
    type Error = XmlError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content {
            Content::Empty => visitor.visit_unit(),
            Content::Text(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Content::Text(Cow::Owned(s)) => visitor.visit_string(s),
            Content::Children { level } => self.visit_children(level, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        // A present element is `Some`, even when empty: the type decides what empty means.
        visitor.visit_some(self)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content {
            Content::Empty => visitor.visit_map(NoEntries),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content {
            Content::Empty => visitor.visit_seq(NoEntries),
            Content::Children { level } => {
                let value = visitor.visit_seq(ChildValues(Children {
                    de: &mut *self.de,
                    pending: None,
                }))?;
                self.de.skip_to(level)?;
                Ok(value)
            }
            Content::Text(_) => self.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content {
            Content::Empty => visitor.visit_borrowed_str(""),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, XmlError> {
        match self.content {
            Content::Text(t) => visitor.visit_enum(CowStrDeserializer::new(t)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, XmlError> {
        if let Content::Children { level } = self.content {
            self.de.skip_to(level)?;
        }
        visitor.visit_unit()
    }

    parse_scalar! {
        deserialize_bool: bool => visit_bool,
        deserialize_i8: i8 => visit_i8,
        deserialize_i16: i16 => visit_i16,
        deserialize_i32: i32 => visit_i32,
        deserialize_i64: i64 => visit_i64,
        deserialize_i128: i128 => visit_i128,
        deserialize_u8: u8 => visit_u8,
        deserialize_u16: u16 => visit_u16,
        deserialize_u32: u32 => visit_u32,
        deserialize_u64: u64 => visit_u64,
        deserialize_u128: u128 => visit_u128,
        deserialize_f32: f32 => visit_f32,
        deserialize_f64: f64 => visit_f64,
    }

    forward_to_deserialize_any! {
        <W: Visitor<'a>>
        char bytes byte_buf unit unit_struct
    }
}

/// The children of an element, as map entries `name → value`; names may repeat.
struct Children<'r, 'a> {
    de: &'r mut XmlDe<'a>,
    /// The start of the child whose name was returned and whose value is still to be read:
    /// `true` for `<child/>`; `false` for `<child>`, already entered.
    pending: Option<bool>,
}

impl<'a> MapAccess<'a> for Children<'_, 'a> {
    type Error = XmlError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, XmlError> {
        if self.pending.take() == Some(false) {
            // The previous value was never read: skip it.
            let level = self.de.depth;
            self.de.skip_to(level)?;
        }
        loop {
            let (name, self_closing) = match self.de.next()? {
                Event::Start(e) => {
                    // Counted now, so that a value left unread is skipped correctly.
                    self.de.enter()?;
                    (e, false)
                }
                Event::Empty(e) => (e, true),
                Event::End => {
                    self.de.depth = self.de.depth.saturating_sub(1);
                    return Ok(None);
                }
                Event::Eof => return Err(self.de.truncated()),
                // Text beside child elements, comments, PIs: ignored.
                _ => continue,
            };
            self.pending = Some(self_closing);
            return seed
                .deserialize(StrDeserializer::<XmlError>::new(name))
                .map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, XmlError> {
        let Some(self_closing) = self.pending.take() else {
            return Err(XmlError::new(
                XmlErrorKind::Data,
                "a value was asked for before its element's name",
            ));
        };
        let content = if self_closing {
            Content::Empty
        } else {
            self.de.content()?
        };
        seed.deserialize(ElementDe {
            de: &mut *self.de,
            content,
        })
    }
}

/// The children of an element as a sequence of values, names ignored.
struct ChildValues<'r, 'a>(Children<'r, 'a>);

impl<'a> SeqAccess<'a> for ChildValues<'_, 'a> {
    type Error = XmlError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, XmlError> {
        match self.0.next_key::<IgnoredAny>()? {
            Some(IgnoredAny) => self.0.next_value_seed(seed).map(Some),
            None => Ok(None),
        }
    }
}

/// An empty element as an empty map or sequence.
struct NoEntries;

impl<'a> MapAccess<'a> for NoEntries {
    type Error = XmlError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        _: K,
    ) -> Result<Option<K::Value>, XmlError> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, _: V) -> Result<V::Value, XmlError> {
        Err(XmlError::new(
            XmlErrorKind::Data,
            "an empty element has no values",
        ))
    }
}

impl<'a> SeqAccess<'a> for NoEntries {
    type Error = XmlError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        _: T,
    ) -> Result<Option<T::Value>, XmlError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn doc<T: DeserializeOwned>(xml: &str) -> Result<T, XmlError> {
        match decode_document::<T>(xml, "r")? {
            Root::Response(t) => Ok(t),
            Root::Error(e) => panic!("{xml}: error_response {e}"),
            Root::Other(name) => panic!("{xml}: root {name}"),
        }
    }

    #[derive(Debug, PartialEq, Deserialize, Default)]
    #[serde(default)]
    struct Plain {
        n: i64,
        s: String,
        b: bool,
        f: f64,
        list: Vec<String>,
        o: Option<Box<Plain>>,
    }

    #[test]
    fn plain_serde_types() {
        let p: Plain = doc(r#"<?xml version="1.0" encoding="utf-8"?>
            <!-- c --><r a="1">
              <n> 12 </n><s>a &amp; b &#x41;<![CDATA[<c>]]></s><b>true</b><f>1.5</f>
              <list list="true"><string>x</string><string>y</string></list>
              <o><n>3</n><unknown><deep><er/></deep></unknown></o>
            </r><!-- trailing -->"#)
        .unwrap();
        assert_eq!(p.n, 12);
        assert_eq!(p.s, "a & b A<c>");
        assert!(p.b);
        assert_eq!(p.f, 1.5);
        assert_eq!(p.list, vec!["x", "y"]);
        assert_eq!(p.o.map(|o| o.n), Some(3));
        let empty: Plain = doc("<r/>").unwrap();
        assert_eq!(empty, Plain::default());
        let blank: Plain = doc("<r>\n  <s/><o>\n</o></r>").unwrap();
        assert_eq!(blank.s, "");
        assert_eq!(blank.o, Some(Box::default()));
        let e = doc::<Plain>("<r><n>x</n></r>").unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::Data);
        assert!(e.message.contains("invalid type: string \"x\""), "{e}");
    }

    #[test]
    fn roots() {
        assert!(matches!(
            decode_document::<IgnoredAny>("<error_response><code>7</code></error_response>", "r"),
            Ok(Root::Error(TopError { code: 7, .. }))
        ));
        assert!(matches!(
            decode_document::<IgnoredAny>("<other><x>", "r"),
            Ok(Root::Other(name)) if name == "other"
        ));
    }

    #[test]
    fn malformed_documents() {
        let cases = [
            ("<r><n>1</n>", XmlErrorKind::Truncated, "still open"),
            ("<r><n>1</n", XmlErrorKind::Truncated, "not closed"),
            ("<r><n", XmlErrorKind::Truncated, "not closed"),
            ("", XmlErrorKind::Truncated, "before the root element"),
            ("<r></x>", XmlErrorKind::Syntax, "expected `</r>`"),
            ("<r/><r/>", XmlErrorKind::Syntax, "after the root element"),
            ("<r/>text", XmlErrorKind::Syntax, "after the root element"),
            ("text<r/>", XmlErrorKind::Syntax, "before the root element"),
            (
                "<r>&lol;</r>",
                XmlErrorKind::Syntax,
                "unknown entity `&lol;`",
            ),
            (
                "<r>&#0;</r>",
                XmlErrorKind::Syntax,
                "invalid character reference",
            ),
            (
                "<!DOCTYPE r [<!ENTITY a \"b\">]><r>&a;</r>",
                XmlErrorKind::Syntax,
                "DOCTYPE",
            ),
        ];
        for (xml, kind, part) in cases {
            match doc::<IgnoredAny>(xml) {
                Err(e) => {
                    assert_eq!(e.kind, kind, "{xml}: {e}");
                    assert!(e.message.contains(part), "{xml}: {e}");
                }
                Ok(_) => panic!("{xml}: decoded"),
            }
        }
    }

    #[test]
    fn nesting_is_limited_everywhere() {
        let deep = |n: usize| format!("<r>{}{}</r>", "<a>".repeat(n), "</a>".repeat(n));
        // Within the limit, skipped or decoded as JSON.
        assert!(doc::<IgnoredAny>(&deep(MAX_DEPTH - 1)).is_ok());
        #[derive(Debug, Deserialize)]
        struct J {
            #[allow(dead_code)]
            a: serde_json::Value,
        }
        assert!(doc::<J>(&deep(MAX_DEPTH - 1)).is_ok());
        for n in [MAX_DEPTH, 10_000] {
            let e = doc::<IgnoredAny>(&deep(n)).unwrap_err();
            assert!(e.message.contains("nested more than 128"), "{e}");
            let e = doc::<J>(&deep(n)).unwrap_err();
            assert!(e.message.contains("nested more than 128"), "{e}");
        }
    }
}
