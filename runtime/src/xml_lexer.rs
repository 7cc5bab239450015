//! The XML pull lexer under [`crate::xml`]: markup and text events of a `&str`, borrowed from
//! it, for the subset of XML that TOP's replies use (elements, attributes that are skipped,
//! text, CDATA, references, comments, processing instructions, the declaration).
//!
//! It replaces quick-xml's reader on the decoding path because that reader, reading a byte
//! slice, checks every event's bytes for UTF-8 again (a sixth of the instructions of a
//! decode), while a `&str` is valid already. Its events, its errors and their messages and
//! positions are quick-xml's (checked against it over the fuzz corpus and every test input,
//! `tests::same_events_as_quick_xml_*`), with one difference on purpose: a DOCTYPE is reported
//! as soon as `<!D` is seen, never read to its end, since the decoder refuses it anyway.

use memchr::{memchr, memchr2, memchr3};

/// One piece of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// `<?xml …?>`.
    Decl,
    /// `<?target …?>`.
    Pi,
    /// `<!-- … -->`.
    Comment,
    /// `<!DOCTYPE` (the rest is never read).
    DocType,
    /// `<name …>`: the local name (after a `prefix:`).
    Start(&'a str),
    /// `<name …/>`: the local name.
    Empty(&'a str),
    /// `</name>` matching the element open.
    End,
    /// Text up to the next markup or reference, as written (line ends not normalised).
    Text(&'a str),
    /// The content of `<![CDATA[…]]>`, as written.
    CData(&'a str),
    /// `&name;`: what is between `&` and `;`.
    Ref(&'a str),
    /// The end of the input.
    Eof,
}

/// A lexing error: quick-xml's message and the byte it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// Whether the input ends inside a construct (more input would complete it).
    pub(crate) truncated: bool,
    /// The message, as quick-xml words it (`syntax error: tag not closed: …`).
    pub(crate) message: String,
    /// The byte offset of the construct in error.
    pub(crate) at: usize,
}

/// The lexer: the input, the position, and the names of the open elements (to check end
/// tags).
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    open: Vec<&'a str>,
}

/// quick-xml's words for a tag the input ends in.
const TAG_NOT_CLOSED: &str = "tag not closed: `>` not found before end of input";

/// XML whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'a> Lexer<'a> {
    /// A lexer of `text`, a leading byte-order mark skipped (positions count from after
    /// it).
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer {
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            pos: 0,
            open: Vec::new(),
        }
    }

    fn syntax(truncated: bool, what: &str, at: usize) -> LexError {
        LexError {
            truncated,
            message: format!("syntax error: {what}"),
            at,
        }
    }

    fn ill_formed(truncated: bool, what: String, at: usize) -> LexError {
        LexError {
            truncated,
            message: format!("ill-formed document: {what}"),
            at,
        }
    }

    /// `&self.text[from..to]`; the bounds are always at ASCII delimiters, so on character
    /// boundaries.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Event<'a>, LexError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Event::Eof);
        };
        match first {
            b'<' => self.markup(start),
            b'&' => {
                // A reference runs to `;`; a `&` or `<` first, or the end, leaves it open.
                match memchr3(b';', b'&', b'<', &bytes[start + 1..]) {
                    Some(i) if bytes[start + 1 + i] == b';' => {
                        self.pos = start + i + 2;
                        Ok(Event::Ref(self.slice(start + 1, start + 1 + i)))
                    }
                    // Reported as truncated either way, as the decoder always has.
                    _ => Err(Self::ill_formed(
                        true,
                        "entity or character reference not closed: `;` not found before end of input"
                            .into(),
                        start,
                    )),
                }
            }
            _ => {
                let end = memchr2(b'<', b'&', &bytes[start..]).map_or(bytes.len(), |i| start + i);
                self.pos = end;
                Ok(Event::Text(self.slice(start, end)))
            }
        }
    }

    /// The `>` closing the tag that starts at `start`, quoted attribute values skipped (in
    /// end tags too, as quick-xml does); the error names what is left open.
    fn tag_end(&self, start: usize) -> Result<usize, LexError> {
        let bytes = self.text.as_bytes();
        let mut i = start;
        loop {
            match memchr3(b'>', b'"', b'\'', &bytes[i..]) {
                Some(j) if bytes[i + j] == b'>' => return Ok(i + j),
                Some(j) => {
                    let quote = bytes[i + j];
                    let Some(k) = memchr(quote, &bytes[i + j + 1..]) else {
                        return Err(Self::syntax(
                            true,
                            if quote == b'"' {
                                "attribute value not closed: `\"` not found before end of input"
                            } else {
                                "attribute value not closed: `'` not found before end of input"
                            },
                            start,
                        ));
                    };
                    i = i + j + 1 + k + 1;
                }
                None => {
                    return Err(Self::syntax(true, TAG_NOT_CLOSED, start));
                }
            }
        }
    }

    /// Markup at `start` (a `<`).
    fn markup(&mut self, start: usize) -> Result<Event<'a>, LexError> {
        let bytes = self.text.as_bytes();
        match bytes.get(start + 1) {
            Some(b'/') => {
                let gt = self.tag_end(start)?;
                self.pos = gt + 1;
                let content = self.slice(start + 2, gt);
                // Trailing whitespace is not part of the name (a name of whitespace only is
                // kept as it is, as quick-xml does).
                let trimmed = content.trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
                let name = if trimmed.is_empty() { content } else { trimmed };
                match self.open.pop() {
                    Some(expected) if expected == name => Ok(Event::End),
                    Some(expected) => Err(Self::ill_formed(
                        false,
                        format!("expected `</{expected}>`, but `</{name}>` was found"),
                        start,
                    )),
                    None => Err(Self::ill_formed(
                        false,
                        format!("close tag `</{name}>` does not match any open tag"),
                        start,
                    )),
                }
            }
            Some(b'?') => {
                // Up to the first `?>` after `<`; `<?>` is closed but too short.
                let end = memchr::memmem::find(&bytes[start + 1..], b"?>").map(|i| start + 1 + i);
                let Some(q) = end.filter(|&q| q > start + 1) else {
                    if end.is_some() {
                        self.pos = start + 3;
                        return Err(Self::syntax(
                            true,
                            "processing instruction not closed: `?>` not found before end of input",
                            start,
                        ));
                    }
                    let decl = bytes[start..].starts_with(b"<?xml")
                        && bytes
                            .get(start + 5)
                            .is_none_or(|&b| is_space(b) || b == b'?');
                    return Err(Self::syntax(
                        true,
                        if decl {
                            "XML declaration not closed: `?>` not found before end of input"
                        } else {
                            "processing instruction not closed: `?>` not found before end of input"
                        },
                        start,
                    ));
                };
                self.pos = q + 2;
                let content = &bytes[start + 2..q];
                let decl =
                    content.starts_with(b"xml") && (content.len() == 3 || is_space(content[3]));
                Ok(if decl { Event::Decl } else { Event::Pi })
            }
            Some(b'!') => self.bang(start),
            Some(_) => {
                let gt = self.tag_end(start)?;
                self.pos = gt + 1;
                let empty = bytes[gt - 1] == b'/';
                let content_end = if empty { gt - 1 } else { gt };
                // The name runs to the first whitespace; the local name follows its first `:`
                // (names are short: one pass, no search set-up).
                let content = &bytes[start + 1..content_end];
                let (mut name_len, mut colon) = (content.len(), None);
                for (i, &b) in content.iter().enumerate() {
                    if is_space(b) {
                        name_len = i;
                        break;
                    }
                    if b == b':' && colon.is_none() {
                        colon = Some(i);
                    }
                }
                let name = self.slice(start + 1, start + 1 + name_len);
                let local = match colon {
                    Some(colon) => self.slice(start + 2 + colon, start + 1 + name_len),
                    None => name,
                };
                if empty {
                    Ok(Event::Empty(local))
                } else {
                    self.open.push(name);
                    Ok(Event::Start(local))
                }
            }
            None => Err(Self::syntax(true, TAG_NOT_CLOSED, start)),
        }
    }

    /// `<!…` at `start`: a comment, CDATA or a DOCTYPE, told apart by the byte after `<!` and
    /// closed as quick-xml closes them (the first `>` after `--`, at least `<!---->`; the
    /// first `>` after `]]`), then checked for their whole opening.
    fn bang(&mut self, start: usize) -> Result<Event<'a>, LexError> {
        let bytes = self.text.as_bytes();
        let rest = &bytes[start..];
        let closing = |after: &[u8; 2], min: usize| {
            memchr::memchr_iter(b'>', rest).find(|&i| i > min && rest[..i].ends_with(after))
        };
        match rest.get(2) {
            Some(b'-') => {
                let Some(gt) = closing(b"--", 5) else {
                    return Err(Self::syntax(
                        true,
                        "comment not closed: `-->` not found before end of input",
                        start,
                    ));
                };
                self.pos = start + gt + 1;
                if rest.starts_with(b"<!--") {
                    Ok(Event::Comment)
                } else {
                    Err(Self::syntax(
                        true,
                        "comment not closed: `-->` not found before end of input",
                        start,
                    ))
                }
            }
            Some(b'[') => {
                let Some(gt) = closing(b"]]", 0) else {
                    return Err(Self::syntax(
                        true,
                        "CDATA not closed: `]]>` not found before end of input",
                        start,
                    ));
                };
                self.pos = start + gt + 1;
                if rest.starts_with(b"<![CDATA[") {
                    Ok(Event::CData(self.slice(start + 9, start + gt - 2)))
                } else {
                    Err(Self::syntax(
                        true,
                        "CDATA not closed: `]]>` not found before end of input",
                        start,
                    ))
                }
            }
            Some(b'D' | b'd') => Ok(Event::DocType),
            _ => Err(Self::syntax(
                false,
                "unknown or missed symbol in markup",
                start,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `text` by quick-xml's reader, configured as the decoder used it, in this
    /// lexer's terms; the error as the decoder reported it (truncated or not, message, byte).
    fn quick_xml_events(text: &str) -> (Vec<Event<'static>>, Vec<String>, Option<LexError>) {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        use quick_xml::events::Event as Q;
        let mut reader = quick_xml::Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        let (mut events, mut texts) = (Vec::new(), Vec::new());
        loop {
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let truncated = matches!(
                        e,
                        quick_xml::Error::Syntax(
                            SyntaxError::UnclosedPI
                                | SyntaxError::UnclosedXmlDecl
                                | SyntaxError::UnclosedComment
                                | SyntaxError::UnclosedDoctype
                                | SyntaxError::UnclosedCData
                                | SyntaxError::UnclosedTag
                                | SyntaxError::UnclosedSingleQuotedAttributeValue
                                | SyntaxError::UnclosedDoubleQuotedAttributeValue,
                        ) | quick_xml::Error::IllFormed(
                            IllFormedError::MissingEndTag(_) | IllFormedError::UnclosedReference,
                        )
                    );
                    let at = usize::try_from(reader.error_position()).unwrap();
                    return (
                        events,
                        texts,
                        Some(LexError {
                            truncated,
                            message: e.to_string(),
                            at,
                        }),
                    );
                }
            };
            let (ours, text) = match &event {
                Q::Decl(_) => (Event::Decl, None),
                Q::PI(_) => (Event::Pi, None),
                Q::Comment(_) => (Event::Comment, None),
                Q::DocType(_) => (Event::DocType, None),
                Q::Start(e) => (
                    Event::Start(""),
                    Some(e.local_name().into_inner().to_owned()),
                ),
                Q::Empty(e) => (
                    Event::Empty(""),
                    Some(e.local_name().into_inner().to_owned()),
                ),
                Q::End(_) => (Event::End, None),
                Q::Text(t) => (Event::Text(""), Some((**t).to_owned())),
                Q::CData(c) => (Event::CData(""), Some((**c).to_owned())),
                Q::GeneralRef(r) => (Event::Ref(""), Some((**r).to_owned())),
                Q::Eof => (Event::Eof, None),
            };
            events.push(ours);
            texts.extend(text);
            if matches!(ours, Event::Eof | Event::DocType) {
                return (events, texts, None);
            }
        }
    }

    /// The same for this lexer (texts apart, so that the kinds compare directly).
    fn our_events(text: &str) -> (Vec<Event<'static>>, Vec<String>, Option<LexError>) {
        let mut lexer = Lexer::new(text);
        let (mut events, mut texts) = (Vec::new(), Vec::new());
        loop {
            let event = match lexer.next() {
                Ok(e) => e,
                Err(e) => return (events, texts, Some(e)),
            };
            let (kind, text) = match event {
                Event::Start(s) => (Event::Start(""), Some(s)),
                Event::Empty(s) => (Event::Empty(""), Some(s)),
                Event::Text(s) => (Event::Text(""), Some(s)),
                Event::CData(s) => (Event::CData(""), Some(s)),
                Event::Ref(s) => (Event::Ref(""), Some(s)),
                Event::Decl => (Event::Decl, None),
                Event::Pi => (Event::Pi, None),
                Event::Comment => (Event::Comment, None),
                Event::DocType => (Event::DocType, None),
                Event::End => (Event::End, None),
                Event::Eof => (Event::Eof, None),
            };
            events.push(kind);
            texts.extend(text.map(str::to_owned));
            if matches!(kind, Event::Eof | Event::DocType) {
                return (events, texts, None);
            }
        }
    }

    /// Where the two differ, if they do. A DOCTYPE ends both streams: quick-xml reads it to
    /// its end (and may find it unclosed), the lexer stops at `<!DOCTYPE`; the decoder refuses
    /// it either way.
    fn difference(text: &str) -> Option<String> {
        let theirs = quick_xml_events(text);
        let ours = our_events(text);
        if theirs == ours {
            return None;
        }
        let doctype_at = |events: &[Event<'_>]| events.iter().position(|e| *e == Event::DocType);
        if let Some(i) = doctype_at(&ours.0) {
            // quick-xml got to the same DOCTYPE, or failed on it (unclosed).
            let same_before = theirs.0.len() >= i && theirs.0[..i] == ours.0[..i];
            if same_before
                && (theirs.0.get(i) == Some(&Event::DocType)
                    || theirs
                        .2
                        .as_ref()
                        .is_some_and(|e| e.message.contains("DOCTYPE")))
            {
                return None;
            }
        }
        Some(format!(
            "{text:?}\n  quick-xml: {theirs:?}\n  lexer:     {ours:?}"
        ))
    }

    #[test]
    fn same_events_as_quick_xml_on_edge_cases() {
        let cases = [
            "",
            "\u{feff}<r/>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r a=\"1\" b='>'>t&amp;x&#20013;<![CDATA[<c>]]><!-- c --><?pi x?></r>",
            "<r><n>1</n>",
            "<r><n>1</n",
            "<r><n",
            "<",
            "<r></x>",
            "</x>",
            "<r/><r/>",
            "<r/>text",
            "text<r/>",
            "<r>&lol;</r>",
            "<r>a & b</r>",
            "<r>a &amp b</r>",
            "<r>&",
            "<r>&#0;</r>",
            "<r>&;</r>",
            "<!DOCTYPE r [<!ENTITY a \"b\">]><r>&a;</r>",
            "<!doctype r><r/>",
            "<!DOCTYPE r",
            "<!-- unclosed",
            "<!---->",
            "<!-->",
            "<![CDATA[x",
            "<![CDA",
            "<!",
            "<!x>",
            "<?xml",
            "<?xml?>",
            "<?xml-stylesheet a?><r/>",
            "<?>",
            "<??>",
            "<?pi",
            "<r a=\"x",
            "<r a='x",
            "<r a=\"x'>\"/>",
            "<x:r xmlns:x=\"u\"><x:n>1</x:n></x:r>",
            "<x:r><n></x:r>",
            "<r></r >",
            "<r></ r>",
            "<r>\r\n</r>",
            "<>",
            "</>",
            "<r/ >",
            "<r />",
            "< r/>",
            "<a:b:c/>",
            "<:a/>",
            "<a:/>",
            "<r>\u{4e2d}\u{6587}&gt;</r>",
            "<r>]]></r>",
            "<r></r>trailing<",
        ];
        let found: Vec<String> = cases.iter().filter_map(|t| difference(t)).collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn same_events_as_quick_xml_on_the_fuzz_corpus_and_cut_inputs() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/decode_xml");
        let mut inputs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .filter_map(|b| String::from_utf8(b).ok())
            .collect();
        assert!(
            inputs.len() > 1000,
            "{} inputs in {}",
            inputs.len(),
            dir.display()
        );
        // Every prefix of a real reply, cut at each character.
        let reply = "<?xml version=\"1.0\" encoding=\"utf-8\"?><error_response xmlns:x=\"urn:x\" kind='top'><code>15</code><msg>a &amp; b &#x4e2d;</msg><!-- c --><sub_msg><![CDATA[x]]></sub_msg><x:y/></error_response>";
        for (i, _) in reply.char_indices() {
            inputs.push(reply[..i].to_owned());
        }
        let found: Vec<String> = inputs.iter().filter_map(|t| difference(t)).collect();
        assert!(
            found.is_empty(),
            "{} of {} inputs differ; the first:\n{}",
            found.len(),
            inputs.len(),
            found.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}
