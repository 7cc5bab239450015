//! TOP descriptions → rustdoc Markdown.
//!
//! TOP's descriptions are HTML fragments written by hand (`<br/>`, `<a href>`, `<li>`,
//! `<font color=red>`, `&quot;`) mixed with text that only looks like HTML or Markdown
//! (`List<String>`, `a<b`, `[x]`, `*`, `1. `, bare URLs). [`description_to_markdown`] turns one
//! description into Markdown that rustdoc renders as the page meant and never warns about:
//!
//! - Tags, case-insensitive: `<br>` (any spelling, also `</br>`) is a line break (a hard break,
//!   `\` at the end of the line); two of them, a blank line in the text, `<p>`, `<hr>`,
//!   `<h1>`…`<h6>`, `<table>`, `<pre>` and `<blockquote>` start a new paragraph; `<div>`, `<tr>`,
//!   `<dt>`, `<dd>` and `</li>` end the line. A newline in the text is a line break too, except
//!   next to a `<br>`, which already is one. `<ul>`/`<ol>` hold `- ` / `1. ` items (`<ol start>`
//!   is kept; nested lists are flattened; inside an item, paragraphs become line breaks).
//!   `<a href="u">t</a>` becomes `[t](u)` when `u` is an `http`, `https` or `mailto` URL (`<u>`
//!   when `t` is empty or `u` itself); any other `<a>` keeps only its text. `<b>`/`<strong>`
//!   become `**…**` and `<i>`/`<em>` `*…*`, when Markdown's rules let them (otherwise the
//!   text stays, plain). `<img>` becomes its `alt` text; comments and `<script>`/`<style>` are
//!   dropped with their content (when closed; an unclosed one is text); `<td>`/`<th>` are a
//!   space; every other HTML tag (`<font>`, `<span>`, `<u>`, `<code>`…) is dropped and its text
//!   kept.
//! - Entities (`&lt;`, `&quot;`, `&hellip;`, `&#39;`, `&#x4e2d;`…) are decoded; what they
//!   decode to is text, so `&lt;br&gt;` shows as `<br>`.
//! - Anything else in angle brackets is text: a name that is not an HTML tag (`<String>`,
//!   `<T>`, `<status>`), a tag name in mixed case (`<Object>`, `<Map>`), a one-letter tag
//!   other than `<p>` right after a letter or digit and never closed (`List<B>`), a `<` that
//!   starts no tag (`a<b`, `<=`).
//! - Text is escaped where Markdown or rustdoc would read syntax: `\`, `` ` ``, `*`, `[`, `]`,
//!   `<`, `~` always; `_` unless between two letters or digits (`m_request_id` stays); `&`
//!   when an entity follows; `!` before a link; at the start of a line `#`, `>`, `+ `, `- `,
//!   `1. `/`1) `, and lines of only `-`, `=`, `:` and `|` (rules, setext underlines, table
//!   delimiter rows). `"` and the second `-` of `--` are escaped too, or rustdoc's smart
//!   punctuation would print JSON examples with curly quotes and `--` as a dash. Bare
//!   `http(s)://` URLs become autolinks `<…>` (`rustdoc::bare_urls`).
//! - Output: lines trimmed (so no indented code blocks), except that a line continuing a list
//!   item is indented under the item's text (as clippy's `doc_lazy_continuation` asks); runs of
//!   blank lines collapsed, no leading or trailing blank line, whitespace runs collapsed to one
//!   space, control and bidirectional-override characters removed (rustc rejects the latter in
//!   comments).
//!
//! The result has no raw HTML, no code spans or blocks, no headings, tables or block quotes,
//! and no `[…]` that rustdoc would try to resolve as an intra-doc link. The conversion is
//! deterministic and total: any input gives some output, never a panic.

use std::collections::BTreeSet;
use std::mem;

/// Converts one TOP description (HTML fragments and plain text) into rustdoc Markdown: one
/// string, lines separated by `\n`, no leading or trailing blank line; empty for a blank
/// description. See the [module docs](self) for the rules.
pub fn description_to_markdown(text: &str) -> String {
    let mut writer = Writer::default();
    for token in tokenize(text) {
        writer.token(token);
    }
    assemble(writer.finish())
}

/// [`description_to_markdown`] on one line, for text that continues a line (a title after
/// ``TOP API `x`: ``): line breaks become spaces and paragraphs are joined.
pub fn description_to_markdown_line(text: &str) -> String {
    let markdown = description_to_markdown(text);
    let lines: Vec<&str> = markdown
        .lines()
        .map(|l| strip_hard_break(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// A line without the `\` that makes it end in a hard break (an odd number of trailing
/// backslashes: escaped ones come in pairs).
fn strip_hard_break(line: &str) -> &str {
    let backslashes = line.len() - line.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        &line[..line.len() - 1]
    } else {
        line
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens: text (entities decoded) and the HTML tags this module knows.

/// Longest tag read as a tag; a longer `<…` is text.
const MAX_TAG_LEN: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    Tag(Tag),
}

#[derive(Debug, Clone, PartialEq)]
struct Tag {
    /// Lower case, one of [`HTML_TAGS`].
    name: &'static str,
    close: bool,
    /// Lower-case names, entity-decoded values.
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// HTML element names: a `<name …>` with one of these (any case but mixed) is a tag; any other
/// name is text.
#[rustfmt::skip]
const HTML_TAGS: &[&str] = &[
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo",
    "big", "blockquote", "body", "br", "button", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "embed",
    "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label",
    "legend", "li", "main", "mark", "nav", "nobr", "ol", "option", "p", "pre", "q", "s", "samp",
    "script", "section", "select", "small", "source", "span", "strike", "strong", "style", "sub",
    "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr",
    "tt", "u", "ul", "var", "video", "wbr",
];

fn html_tag(lower: &str) -> Option<&'static str> {
    HTML_TAGS
        .binary_search(&lower)
        .ok()
        .and_then(|i| HTML_TAGS.get(i).copied())
}

fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut finder = Finder::new(input);
    let mut i = 0;
    while let Some(rest) = input.get(i..) {
        let Some(c) = rest.chars().next() else { break };
        if c == '<' {
            if rest.starts_with("<!--")
                && let Some(end) = finder.find_after(i + 4, "-->")
            {
                i = end + 3;
                continue;
            }
            let prev = input.get(..i).and_then(|s| s.chars().next_back());
            if let Some((tag, len)) = parse_tag(rest) {
                // `<script>` and `<style>` hide their content up to their closing tag; one
                // that is never closed is a mention, text.
                let raw_end = if !tag.close && matches!(tag.name, "script" | "style") {
                    finder.find_after(i + len, &format!("</{}", tag.name))
                } else {
                    Some(0)
                };
                let type_parameter = tag.name.len() == 1
                    && tag.name != "p"
                    && !tag.close
                    && tag.attrs.is_empty()
                    && prev.is_some_and(|c| c.is_ascii_alphanumeric())
                    && finder
                        .find_after(i + len, &format!("</{}>", tag.name))
                        .is_none();
                if let (false, Some(end)) = (type_parameter, raw_end) {
                    i += len;
                    if !text.is_empty() {
                        tokens.push(Token::Text(decode_entities(&mem::take(&mut text))));
                    }
                    if !tag.close && matches!(tag.name, "script" | "style") {
                        // Their content is code, not text.
                        i = input
                            .get(end..)
                            .and_then(|r| r.find('>'))
                            .map_or(input.len(), |gt| end + gt + 1);
                        continue;
                    }
                    tokens.push(Token::Tag(tag));
                    continue;
                }
            }
        }
        text.push(c);
        i += c.len_utf8();
    }
    if !text.is_empty() {
        tokens.push(Token::Text(decode_entities(&text)));
    }
    tokens
}

/// Finds ASCII patterns (any case) in the input after a position, in linear time overall: a
/// search that would fail is answered from the pattern's last position.
struct Finder {
    lower: String,
    last: Vec<(String, Option<usize>)>,
}

impl Finder {
    fn new(input: &str) -> Finder {
        Finder {
            lower: input.to_ascii_lowercase(),
            last: Vec::new(),
        }
    }

    /// The first position at or after `from` of `pattern` (lower case).
    fn find_after(&mut self, from: usize, pattern: &str) -> Option<usize> {
        let last = match self.last.iter().find(|(p, _)| p == pattern) {
            Some((_, last)) => *last,
            None => {
                let last = self.lower.rfind(pattern);
                self.last.push((pattern.to_owned(), last));
                last
            }
        };
        if last.is_none_or(|l| l < from) {
            return None;
        }
        self.lower
            .get(from..)
            .and_then(|r| r.find(pattern))
            .map(|p| from + p)
    }
}

/// `s` cut to at most `max` bytes, at a character boundary.
fn prefix_at_most(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A known HTML tag at the start of `s` (which starts with `<`), and its length.
fn parse_tag(s: &str) -> Option<(Tag, usize)> {
    let s = prefix_at_most(s, MAX_TAG_LEN);
    let b = s.as_bytes();
    let close = b.get(1) == Some(&b'/');
    let mut i = if close { 2 } else { 1 };
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let raw_name = s.get(start..i)?;
    if !raw_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let mixed_case = raw_name.bytes().any(|c| c.is_ascii_lowercase())
        && raw_name.bytes().any(|c| c.is_ascii_uppercase());
    if mixed_case {
        // `<Object>`, `<Map>`: Java types, not HTML, which is written in one case.
        return None;
    }
    let name = html_tag(&raw_name.to_ascii_lowercase())?;
    match b.get(i) {
        Some(b'>' | b'/') => {}
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    let mut attrs = Vec::new();
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => return Some((Tag { name, close, attrs }, i + 1)),
            b'/' => {
                i += 1;
                continue;
            }
            b'<' => return None,
            _ if close => return None,
            _ => {}
        }
        let name_start = i;
        while b.get(i).is_some_and(|c| {
            !c.is_ascii_whitespace() && !matches!(c, b'/' | b'>' | b'=' | b'"' | b'\'' | b'<')
        }) {
            i += 1;
        }
        if i == name_start {
            return None;
        }
        let attr_name = s.get(name_start..i)?.to_ascii_lowercase();
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match *b.get(i)? {
                quote @ (b'"' | b'\'') => {
                    let value_start = i + 1;
                    let len = s.get(value_start..)?.find(char::from(quote))?;
                    value = decode_entities(s.get(value_start..value_start + len)?);
                    i = value_start + len + 1;
                }
                _ => {
                    let value_start = i;
                    while b.get(i).is_some_and(|c| {
                        !c.is_ascii_whitespace() && !matches!(c, b'>' | b'<' | b'"' | b'\'' | b'`')
                    }) {
                        i += 1;
                    }
                    value = decode_entities(s.get(value_start..i)?);
                }
            }
        }
        attrs.push((attr_name, value));
    }
}

/// Named entities seen in TOP's docs and their usual company.
const ENTITIES: &[(&str, char)] = &[
    ("acute", '\u{b4}'),
    ("amp", '&'),
    ("apos", '\''),
    ("bull", '\u{2022}'),
    ("cent", '\u{a2}'),
    ("copy", '\u{a9}'),
    ("darr", '\u{2193}'),
    ("deg", '\u{b0}'),
    ("divide", '\u{f7}'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("euro", '\u{20ac}'),
    ("frac12", '\u{bd}'),
    ("frac14", '\u{bc}'),
    ("frac34", '\u{be}'),
    ("ge", '\u{2265}'),
    ("gt", '>'),
    ("harr", '\u{2194}'),
    ("hellip", '\u{2026}'),
    ("iexcl", '\u{a1}'),
    ("infin", '\u{221e}'),
    ("iquest", '\u{bf}'),
    ("laquo", '\u{ab}'),
    ("larr", '\u{2190}'),
    ("ldquo", '\u{201c}'),
    ("le", '\u{2264}'),
    ("lsquo", '\u{2018}'),
    ("lt", '<'),
    ("mdash", '\u{2014}'),
    ("micro", '\u{b5}'),
    ("middot", '\u{b7}'),
    ("minus", '\u{2212}'),
    ("nbsp", ' '),
    ("ndash", '\u{2013}'),
    ("ne", '\u{2260}'),
    ("not", '\u{ac}'),
    ("para", '\u{b6}'),
    ("plusmn", '\u{b1}'),
    ("pound", '\u{a3}'),
    ("prime", '\u{2032}'),
    ("quot", '"'),
    ("raquo", '\u{bb}'),
    ("rarr", '\u{2192}'),
    ("rdquo", '\u{201d}'),
    ("reg", '\u{ae}'),
    ("rsquo", '\u{2019}'),
    ("sect", '\u{a7}'),
    ("shy", '\u{ad}'),
    ("sup1", '\u{b9}'),
    ("sup2", '\u{b2}'),
    ("sup3", '\u{b3}'),
    ("thinsp", '\u{2009}'),
    ("times", '\u{d7}'),
    ("trade", '\u{2122}'),
    ("uarr", '\u{2191}'),
    ("yen", '\u{a5}'),
];

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match entity_at(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = rest.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of an entity (`&name;`, `&#10;`, `&#xA;`) at the start of `s`, and its length.
fn entity_at(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(34).position(|b| b == b';')?;
    let body = s.get(1..end)?;
    let c = if let Some(number) = body.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        char::from_u32(u32::from_str_radix(digits, radix).ok()?).filter(|c| *c != '\0')?
    } else {
        let i = ENTITIES.binary_search_by(|(n, _)| (*n).cmp(body)).ok()?;
        ENTITIES.get(i)?.1
    };
    Some((c, end + 1))
}

// ---------------------------------------------------------------------------------------------
// The writer: tokens → lines of pieces (text and inline markup), blank lines between paragraphs.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Bold,
    Italic,
}

impl Style {
    fn marker(self) -> &'static str {
        match self {
            Style::Bold => "**",
            Style::Italic => "*",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Open(Style),
    Close(Style),
    LinkOpen(String),
    LinkClose(String),
}

/// What a piece opens or closes, for matching them up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bold,
    Italic,
    Link,
}

impl Piece {
    /// `(kind, is_open)` for markup, `None` for text.
    fn markup(&self) -> Option<(Kind, bool)> {
        match self {
            Piece::Text(_) => None,
            Piece::Open(s) => Some((style_kind(*s), true)),
            Piece::Close(s) => Some((style_kind(*s), false)),
            Piece::LinkOpen(_) => Some((Kind::Link, true)),
            Piece::LinkClose(_) => Some((Kind::Link, false)),
        }
    }

    /// The piece that opens what this one closes (or closes what it opens).
    fn partner(&self) -> Piece {
        match self {
            Piece::Text(t) => Piece::Text(t.clone()),
            Piece::Open(s) => Piece::Close(*s),
            Piece::Close(s) => Piece::Open(*s),
            Piece::LinkOpen(u) => Piece::LinkClose(u.clone()),
            Piece::LinkClose(u) => Piece::LinkOpen(u.clone()),
        }
    }
}

fn style_kind(s: Style) -> Kind {
    match s {
        Style::Bold => Kind::Bold,
        Style::Italic => Kind::Italic,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    None,
    Bullet,
    Number(u64),
}

#[derive(Debug)]
struct Line {
    prefix: Prefix,
    pieces: Vec<Piece>,
}

#[derive(Debug)]
enum Out {
    Blank,
    Line(Line),
}

/// What comes before the next character: breaks, a list item, a space, inline markup.
#[derive(Debug, Default)]
struct Pending {
    /// `<br>`s since the last character.
    br: u32,
    /// Newlines in the text since the last character.
    newlines: u32,
    /// A block tag ended the line.
    line: bool,
    /// A block tag started a paragraph.
    para: bool,
    item: Option<Prefix>,
    space: bool,
    inline: Vec<Piece>,
}

impl Pending {
    fn breaks_line(&self) -> bool {
        self.br > 0 || self.newlines > 0 || self.line || self.para || self.item.is_some()
    }
}

#[derive(Debug)]
struct List {
    ordered: bool,
    next: u64,
    items: u64,
}

/// The largest number CommonMark accepts for an ordered list item.
const MAX_ITEM_NUMBER: u64 = 999_999_999;

#[derive(Debug, Default)]
struct Writer {
    out: Vec<Out>,
    cur: Option<Line>,
    pending: Pending,
    lists: Vec<List>,
    bold: u32,
    italic: u32,
    /// The URL of the open link.
    link: Option<String>,
    /// Whether the open link has text yet.
    link_text: bool,
}

impl Writer {
    fn token(&mut self, token: Token) {
        match token {
            Token::Text(t) => self.text(&t),
            Token::Tag(tag) => self.tag(&tag),
        }
    }

    fn text(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    if self.link.is_some() {
                        self.space();
                    } else {
                        self.pending.newlines += 1;
                    }
                }
                c if c.is_whitespace() => self.space(),
                c if c.is_control() || is_invisible_format(c) => {}
                c => self.char(c),
            }
        }
    }

    fn tag(&mut self, tag: &Tag) {
        match (tag.name, tag.close) {
            ("br", _) => {
                if self.link.is_some() {
                    self.space();
                } else {
                    self.pending.br += 1;
                }
            }
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr" | "table" | "pre"
                | "blockquote",
                _,
            ) => self.block(true),
            (
                "div" | "tr" | "dt" | "dd" | "dl" | "center" | "caption" | "legend" | "address"
                | "article" | "aside" | "details" | "fieldset" | "figure" | "figcaption" | "footer"
                | "form" | "header" | "main" | "nav" | "section" | "summary",
                _,
            ) => self.block(false),
            ("ul" | "ol", false) => {
                self.block(true);
                let start = tag
                    .attr("start")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .min(MAX_ITEM_NUMBER);
                self.lists.push(List {
                    ordered: tag.name == "ol",
                    next: start,
                    items: 0,
                });
            }
            ("ul" | "ol", true) => {
                self.close_link();
                self.lists.pop();
                self.block(true);
            }
            ("li", false) => self.item(),
            ("li", true) => self.block(false),
            ("b" | "strong", close) => {
                if let Some(piece) = nest(&mut self.bold, close, Style::Bold) {
                    self.inline(piece);
                }
            }
            ("i" | "em", close) => {
                if let Some(piece) = nest(&mut self.italic, close, Style::Italic) {
                    self.inline(piece);
                }
            }
            ("a", false) => {
                if self.link.is_none()
                    && let Some(url) = tag.attr("href").and_then(link_url)
                {
                    self.inline(Piece::LinkOpen(url.clone()));
                    self.link = Some(url);
                    self.link_text = false;
                }
            }
            ("a", true) => self.close_link(),
            ("img", false) => {
                if let Some(alt) = tag.attr("alt") {
                    let alt = alt.to_owned();
                    self.space();
                    self.text(&alt);
                    self.space();
                }
            }
            ("td" | "th", _) => self.space(),
            _ => {}
        }
    }

    fn in_item(&self) -> bool {
        self.lists.iter().any(|l| l.items > 0)
    }

    fn close_link(&mut self) {
        if let Some(url) = self.link.take() {
            if !mem::take(&mut self.link_text) {
                // A link without text shows its URL.
                for c in url.chars() {
                    self.char(c);
                }
            }
            self.inline(Piece::LinkClose(url));
        }
    }

    /// A block tag: the line ends, and a paragraph starts (`para`, outside list items).
    fn block(&mut self, para: bool) {
        self.close_link();
        if para && !self.in_item() {
            self.pending.para = true;
        } else {
            self.pending.line = true;
        }
    }

    fn item(&mut self) {
        self.close_link();
        let prefix = match self.lists.last_mut() {
            Some(list) => {
                list.items += 1;
                if list.ordered {
                    let n = list.next;
                    list.next = (n + 1).min(MAX_ITEM_NUMBER);
                    Prefix::Number(n)
                } else {
                    Prefix::Bullet
                }
            }
            None => Prefix::Bullet,
        };
        self.pending.item = Some(prefix);
    }

    fn space(&mut self) {
        if self.cur.is_some() {
            self.pending.space = true;
        }
    }

    fn inline(&mut self, piece: Piece) {
        match &mut self.cur {
            Some(line) if !self.pending.breaks_line() => {
                let opens = matches!(piece, Piece::Open(_) | Piece::LinkOpen(_));
                if opens && mem::take(&mut self.pending.space) {
                    push_text(&mut line.pieces, ' ');
                }
                line.pieces.push(piece);
            }
            _ => self.pending.inline.push(piece),
        }
    }

    fn char(&mut self, c: char) {
        let pending = mem::take(&mut self.pending);
        let in_item = self.in_item();
        let breaks = if pending.br > 0 {
            pending.br
        } else {
            pending.newlines
        };
        let para = pending.para || (breaks >= 2 && !in_item);
        let new_line = self.cur.is_none() || para || breaks > 0 || pending.breaks_line();
        if new_line {
            if let Some(line) = self.cur.take() {
                self.out.push(Out::Line(line));
            }
            if para && matches!(self.out.last(), Some(Out::Line(_))) {
                self.out.push(Out::Blank);
            }
        }
        let line = self.cur.get_or_insert_with(|| Line {
            prefix: pending.item.unwrap_or(Prefix::None),
            pieces: Vec::new(),
        });
        if !new_line && pending.space {
            push_text(&mut line.pieces, ' ');
        }
        line.pieces.extend(pending.inline);
        push_text(&mut line.pieces, c);
        self.link_text = self.link.is_some();
    }

    fn finish(mut self) -> Vec<Out> {
        self.close_link();
        if let Some(line) = self.cur.take() {
            self.out.push(Out::Line(line));
        }
        self.out
    }
}

/// The piece for an opening or closing style tag, given how deep that style is nested: only
/// the outermost pair is markup.
fn nest(depth: &mut u32, close: bool, style: Style) -> Option<Piece> {
    if close {
        if *depth == 0 {
            return None;
        }
        *depth -= 1;
        (*depth == 0).then_some(Piece::Close(style))
    } else {
        *depth = depth.saturating_add(1);
        (*depth == 1).then_some(Piece::Open(style))
    }
}

fn push_text(pieces: &mut Vec<Piece>, c: char) {
    if let Some(Piece::Text(t)) = pieces.last_mut() {
        t.push(c);
    } else {
        pieces.push(Piece::Text(c.to_string()));
    }
}

/// Characters that are dropped: rustc rejects the bidirectional overrides in comments, and the
/// others are invisible.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
    )
}

/// A link target kept as a link: `http`, `https` or `mailto`, with characters that would end
/// a Markdown link destination percent-encoded.
fn link_url(href: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    let rest = ["http://", "https://", "mailto:"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))?;
    if rest.trim().is_empty() {
        return None;
    }
    let mut url = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            ' ' => url.push_str("%20"),
            '(' => url.push_str("%28"),
            ')' => url.push_str("%29"),
            '<' => url.push_str("%3C"),
            '>' => url.push_str("%3E"),
            '\\' => url.push_str("%5C"),
            '`' => url.push_str("%60"),
            c if c.is_whitespace() || c.is_control() || is_invisible_format(c) => {}
            c => url.push(c),
        }
    }
    Some(url)
}

// ---------------------------------------------------------------------------------------------
// Lines of pieces → Markdown.

fn assemble(out: Vec<Out>) -> String {
    // Render first: a line whose text escapes to nothing disappears.
    let mut items: Vec<Option<(Prefix, String)>> = Vec::with_capacity(out.len());
    for o in out {
        match o {
            Out::Blank => items.push(None),
            Out::Line(line) => {
                let text = render_line(line.pieces);
                if !text.is_empty() {
                    items.push(Some((line.prefix, text)));
                }
            }
        }
    }
    let mut lines: Vec<String> = Vec::with_capacity(items.len());
    // The width of the list item marker that continuation lines are indented under.
    let mut item_indent = 0;
    for (i, item) in items.iter().enumerate() {
        match item {
            None => {
                item_indent = 0;
                if lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(String::new());
                }
            }
            Some((prefix, text)) => {
                let mut line = match prefix {
                    Prefix::None => " ".repeat(item_indent),
                    Prefix::Bullet => "- ".to_owned(),
                    Prefix::Number(n) => format!("{n}. "),
                };
                if *prefix != Prefix::None {
                    item_indent = line.len();
                }
                line.push_str(text);
                // A hard break when the next line continues this paragraph or item.
                if matches!(items.get(i + 1), Some(Some((Prefix::None, _)))) {
                    line.push('\\');
                }
                lines.push(line);
            }
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// One line's pieces as Markdown, trimmed, with its start escaped.
fn render_line(pieces: Vec<Piece>) -> String {
    let pieces = balance(pieces);
    let mut atoms = atoms(pieces);
    let text = render_emphasis(&mut atoms);
    // Moving spaces out of emphasis can double them; no space in the line is significant.
    let mut collapsed = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if !(c == ' ' && collapsed.ends_with(' ')) {
            collapsed.push(c);
        }
    }
    escape_line_start(&collapsed)
}

/// Pieces with every opening matched by a closing, properly nested: markup still open at the
/// end of the line is closed, markup closed here but opened on an earlier line is reopened at
/// the start, and overlapping markup (`<b>x<i>y</b>z</i>`) is split.
fn balance(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    // Closings without an opening on this line, innermost first.
    let mut depth = [0u32; 3];
    let mut reopen = Vec::new();
    for p in &merged {
        if let Some((kind, open)) = p.markup() {
            let d = &mut depth[kind as usize];
            if open {
                *d += 1;
            } else if *d == 0 {
                reopen.push(p.partner());
            } else {
                *d -= 1;
            }
        }
    }
    reopen.reverse();
    let mut out: Vec<Piece> = Vec::with_capacity(merged.len() + 4);
    let mut stack: Vec<Piece> = Vec::new();
    for p in reopen.into_iter().chain(merged) {
        match p.markup() {
            None => out.push(p),
            Some((_, true)) => {
                stack.push(p.clone());
                out.push(p);
            }
            Some((kind, false)) => {
                let Some(at) = stack
                    .iter()
                    .rposition(|s| s.markup().is_some_and(|(k, _)| k == kind))
                else {
                    continue;
                };
                let inner = stack.split_off(at + 1);
                for i in inner.iter().rev() {
                    out.push(i.partner());
                }
                if let Some(opener) = stack.pop() {
                    out.push(opener.partner());
                }
                for i in inner {
                    stack.push(i.clone());
                    out.push(i);
                }
            }
        }
    }
    for s in stack.iter().rev() {
        out.push(s.partner());
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Atom {
    Text { raw: String, in_link: bool },
    Mark { style: Style, open: bool },
    LinkOpen,
    LinkClose(String),
    AutoLink(String),
}

/// Balanced pieces → atoms: links whose text is empty or the URL itself become autolinks.
fn atoms(pieces: Vec<Piece>) -> Vec<Atom> {
    let mut out = Vec::with_capacity(pieces.len());
    let mut iter = pieces.into_iter();
    while let Some(p) = iter.next() {
        match p {
            Piece::Text(raw) => out.push(Atom::Text {
                raw,
                in_link: false,
            }),
            Piece::Open(style) => out.push(Atom::Mark { style, open: true }),
            Piece::Close(style) => out.push(Atom::Mark { style, open: false }),
            Piece::LinkClose(_) => {}
            Piece::LinkOpen(url) => {
                let mut inner = Vec::new();
                for q in iter.by_ref() {
                    match q {
                        Piece::LinkClose(_) => break,
                        Piece::Text(raw) => inner.push(Atom::Text { raw, in_link: true }),
                        Piece::Open(style) => inner.push(Atom::Mark { style, open: true }),
                        Piece::Close(style) => inner.push(Atom::Mark { style, open: false }),
                        Piece::LinkOpen(_) => {}
                    }
                }
                let text: String = inner
                    .iter()
                    .filter_map(|a| match a {
                        Atom::Text { raw, .. } => Some(raw.as_str()),
                        _ => None,
                    })
                    .collect();
                let text = text.trim();
                if text.is_empty() || text == url {
                    out.push(Atom::AutoLink(url));
                } else {
                    out.push(Atom::LinkOpen);
                    out.extend(inner);
                    out.push(Atom::LinkClose(url));
                }
            }
        }
    }
    out
}

/// Renders the atoms, keeping only the emphasis that Markdown will read as such: a `**` pair
/// must hold some text, its opening must be left-flanking and its closing right-flanking.
/// Whitespace and punctuation at the inside edges are moved out when that makes a pair valid
/// (`**注：**属性` → `**注**：属性`); pairs that still fail are dropped, keeping their text.
fn render_emphasis(atoms: &mut Vec<Atom>) -> String {
    // Every round drops pairs or moves characters outward, so this bound is never reached;
    // it only guarantees an end.
    let rounds = 8 + 4 * atoms.len();
    for _ in 0..rounds {
        let rendered: Vec<String> = (0..atoms.len()).map(|i| render_atom(atoms, i)).collect();
        let fixes = invalid_pairs(atoms, &rendered);
        if fixes.is_empty() {
            return rendered.concat();
        }
        let drops: BTreeSet<usize> = fixes
            .iter()
            .flat_map(|f| match f {
                Fix::Drop(o, c) => vec![*o, *c],
                _ => Vec::new(),
            })
            .collect();
        if drops.is_empty() {
            // Right to left: a move inserts only after the atoms still to be fixed.
            let mut moves = fixes;
            moves.sort_by_key(|f| std::cmp::Reverse(f.at()));
            for fix in moves {
                move_out(atoms, fix);
            }
        } else {
            let mut i = 0;
            atoms.retain(|_| {
                i += 1;
                !drops.contains(&(i - 1))
            });
        }
    }
    atoms.retain(|a| !matches!(a, Atom::Mark { .. }));
    (0..atoms.len()).map(|i| render_atom(atoms, i)).collect()
}

#[derive(Debug, Clone, Copy)]
enum Fix {
    /// Move the leading whitespace and punctuation of the text after the opening at `.0` out.
    MoveOutAfterOpen(usize),
    /// Move the trailing whitespace and punctuation of the text before the closing at `.0` out.
    MoveOutBeforeClose(usize),
    /// Drop the markers at `.0` and `.1`.
    Drop(usize, usize),
}

impl Fix {
    fn at(self) -> usize {
        match self {
            Fix::MoveOutAfterOpen(i) | Fix::MoveOutBeforeClose(i) | Fix::Drop(i, _) => i,
        }
    }
}

/// A fix for every marker pair that Markdown would not read as emphasis.
fn invalid_pairs(atoms: &[Atom], rendered: &[String]) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let mut stack: Vec<(Style, usize)> = Vec::new();
    for (i, a) in atoms.iter().enumerate() {
        let Atom::Mark { style, open } = a else {
            continue;
        };
        if *open {
            stack.push((*style, i));
            continue;
        }
        let Some(at) = stack.iter().rposition(|(s, _)| s == style) else {
            // Unmatched: cannot happen after `balance`, dropped all the same.
            fixes.push(Fix::Drop(i, i));
            continue;
        };
        let (_, o) = stack.remove(at);
        if let Some(fix) = pair_fix(atoms, rendered, o, i) {
            fixes.push(fix);
        }
    }
    fixes.extend(stack.iter().map(|(_, o)| Fix::Drop(*o, *o)));
    fixes
}

/// What the pair of markers at `o` and `c` needs, if anything.
fn pair_fix(atoms: &[Atom], rendered: &[String], o: usize, c: usize) -> Option<Fix> {
    let holds_text = rendered
        .get(o + 1..c)
        .is_some_and(|r| r.iter().any(|s| !s.trim().is_empty()));
    if !holds_text || run_closes(atoms, o) {
        // Empty, or `b</i><i>c`, which would make one run `**` that both closes and opens.
        return Some(Fix::Drop(o, c));
    }
    let (before_o, after_o) = neighbours(atoms, rendered, o);
    if !left_flanking(before_o, after_o) {
        let movable = matches!(atoms.get(o + 1), Some(Atom::Text { raw, .. })
            if raw.starts_with(|ch: char| !ch.is_alphanumeric()));
        return Some(if movable {
            Fix::MoveOutAfterOpen(o)
        } else {
            Fix::Drop(o, c)
        });
    }
    let (before_c, after_c) = neighbours(atoms, rendered, c);
    if !right_flanking(before_c, after_c) {
        let movable = c > 0
            && matches!(atoms.get(c - 1), Some(Atom::Text { raw, .. })
                if raw.ends_with(|ch: char| !ch.is_alphanumeric()));
        return Some(if movable {
            Fix::MoveOutBeforeClose(c)
        } else {
            Fix::Drop(o, c)
        });
    }
    None
}

fn move_out(atoms: &mut Vec<Atom>, fix: Fix) {
    match fix {
        Fix::Drop(..) => {}
        Fix::MoveOutAfterOpen(o) => {
            let Some(Atom::Text { raw, in_link }) = atoms.get_mut(o + 1) else {
                return;
            };
            let keep = raw.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
            let moved = raw[..raw.len() - keep].to_owned();
            raw.replace_range(..raw.len() - keep, "");
            let in_link = *in_link;
            if o > 0
                && let Some(Atom::Text {
                    raw: before,
                    in_link: l,
                }) = atoms.get_mut(o - 1)
                && *l == in_link
            {
                before.push_str(&moved);
            } else {
                atoms.insert(
                    o,
                    Atom::Text {
                        raw: moved,
                        in_link,
                    },
                );
            }
        }
        Fix::MoveOutBeforeClose(c) => {
            let Some(Atom::Text { raw, in_link }) = c.checked_sub(1).and_then(|i| atoms.get_mut(i))
            else {
                return;
            };
            let keep = raw.trim_end_matches(|ch: char| !ch.is_alphanumeric()).len();
            let moved = raw[keep..].to_owned();
            raw.truncate(keep);
            let in_link = *in_link;
            if let Some(Atom::Text {
                raw: after,
                in_link: l,
            }) = atoms.get_mut(c + 1)
                && *l == in_link
            {
                after.insert_str(0, &moved);
            } else {
                atoms.insert(
                    c + 1,
                    Atom::Text {
                        raw: moved,
                        in_link,
                    },
                );
            }
        }
    }
}

/// Whether the markers next to marker `i` (one delimiter run with it) include a closing one.
fn run_closes(atoms: &[Atom], i: usize) -> bool {
    let closing = |a: &Atom| matches!(a, Atom::Mark { open: false, .. });
    let is_mark = |a: &Atom| matches!(a, Atom::Mark { .. });
    let before = atoms
        .get(..i)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|a| is_mark(a));
    let after = atoms
        .get(i + 1..)
        .unwrap_or(&[])
        .iter()
        .take_while(|a| is_mark(a));
    before.chain(after).any(closing)
}

/// The characters Markdown sees on either side of the delimiter run holding marker `i`
/// (adjacent markers are one run); `None` at the start or end of the line.
fn neighbours(atoms: &[Atom], rendered: &[String], i: usize) -> (Option<char>, Option<char>) {
    let is_mark = |j: usize| matches!(atoms.get(j), Some(Atom::Mark { .. }));
    let mut before = None;
    let mut j = i;
    while j > 0 {
        j -= 1;
        if is_mark(j) {
            continue;
        }
        if let Some(c) = rendered.get(j).and_then(|s| s.chars().next_back()) {
            before = Some(c);
            break;
        }
    }
    let mut after = None;
    for j in i + 1..atoms.len() {
        if is_mark(j) {
            continue;
        }
        if let Some(c) = rendered.get(j).and_then(|s| s.chars().next()) {
            after = Some(c);
            break;
        }
    }
    (before, after)
}

/// Whether a `*` run between `before` and `after` surely opens: it is followed by a letter or
/// digit, or by punctuation while preceded by the line start, whitespace or punctuation.
/// Characters that Markdown versions class differently (symbols) never count as sure.
fn left_flanking(before: Option<char>, after: Option<char>) -> bool {
    match after {
        None => false,
        Some(a) if a.is_whitespace() => false,
        Some(a) if a.is_alphanumeric() => true,
        Some(_) => before.is_none_or(|b| b.is_whitespace() || is_punctuation(b)),
    }
}

/// The mirror of [`left_flanking`], for a closing run.
fn right_flanking(before: Option<char>, after: Option<char>) -> bool {
    left_flanking(after, before)
}

/// Punctuation for every Markdown version: ASCII punctuation and Unicode punctuation common in
/// Chinese text (general punctuation, CJK punctuation and brackets, full-width punctuation).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{2043}'
            | '\u{2045}'..='\u{2051}'
            | '\u{2053}'..='\u{205e}'
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301f}'
            | '\u{ff01}'..='\u{ff03}'
            | '\u{ff05}'..='\u{ff0a}'
            | '\u{ff0c}'..='\u{ff0f}'
            | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}'
            | '\u{ff3b}'..='\u{ff3d}'
            | '\u{ff3f}' | '\u{ff5b}' | '\u{ff5d}'
            | '\u{ff5f}'..='\u{ff65}')
}

fn render_atom(atoms: &[Atom], i: usize) -> String {
    match atoms.get(i) {
        None => String::new(),
        Some(Atom::Text { raw, in_link }) => {
            let before_link = matches!(atoms.get(i + 1), Some(Atom::LinkOpen));
            escape_text(raw, *in_link, before_link)
        }
        Some(Atom::Mark { style, .. }) => style.marker().to_owned(),
        Some(Atom::LinkOpen) => "[".to_owned(),
        Some(Atom::LinkClose(url)) => format!("]({url})"),
        Some(Atom::AutoLink(url)) => format!("<{url}>"),
    }
}

/// Plain text as Markdown: URLs (outside link text) become autolinks, syntax is escaped. A `!`
/// at the end is escaped when a link follows, so the two do not make an image.
fn escape_text(raw: &str, in_link: bool, before_link: bool) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    if in_link {
        escape_plain(raw, &mut out);
    } else {
        let mut plain_start = 0;
        let mut i = 0;
        while let Some(rest) = raw.get(i..) {
            let Some(c) = rest.chars().next() else { break };
            if let Some(len) = url_at(rest) {
                escape_plain(&raw[plain_start..i], &mut out);
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                i += len;
                plain_start = i;
            } else {
                i += c.len_utf8();
            }
        }
        escape_plain(raw.get(plain_start..).unwrap_or(""), &mut out);
    }
    if before_link && out.ends_with('!') {
        out.insert(out.len() - 1, '\\');
    }
    out
}

/// The length of an `http(s)://` URL at the start of `s`: up to whitespace, a non-ASCII
/// character or `<>"'`, without trailing punctuation and unbalanced closing brackets.
fn url_at(s: &str) -> Option<usize> {
    let scheme = ["http://", "https://"].iter().find(|p| {
        s.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    })?;
    let len = s
        .find(|c: char| {
            c.is_whitespace()
                || !c.is_ascii()
                || c.is_ascii_control()
                || matches!(c, '<' | '>' | '"' | '\'')
        })
        .unwrap_or(s.len());
    let mut url = &s[..len];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let unbalanced = |open: char, close: char| {
            trimmed.ends_with(close)
                && trimmed.matches(open).count() < trimmed.matches(close).count()
        };
        let trimmed = if unbalanced('(', ')') || unbalanced('[', ']') || unbalanced('{', '}') {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    (url.len() > scheme.len()).then_some(url.len())
}

/// Escapes Markdown syntax in plain text (no URLs in it).
fn escape_plain(s: &str, out: &mut String) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' | '"' => out.push('\\'),
            // Smart punctuation would turn `--` into a dash.
            '-' if i > 0 && chars.get(i - 1) == Some(&'-') => out.push('\\'),
            '_' => {
                let intraword = i > 0
                    && chars.get(i - 1).is_some_and(|p| p.is_alphanumeric())
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if !intraword {
                    out.push('\\');
                }
            }
            '&' if entity_follows(chars.get(i + 1..).unwrap_or(&[])) => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
}

/// Whether `rest` (after a `&`) would make Markdown read an entity: `#`, then letters or
/// digits, then `;`.
fn entity_follows(rest: &[char]) -> bool {
    let body = rest.strip_prefix(&['#']).unwrap_or(rest);
    let name = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    name > 0 && body.get(name) == Some(&';')
}

/// Escapes what would start a block at the start of a line: `#` (heading), `>` (quote),
/// `+ `/`- ` and `1. `/`1) ` (lists), and lines of only `-`, `=`, `:`, `|` and spaces (rules,
/// setext underlines, table delimiter rows).
fn escape_line_start(line: &str) -> String {
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let second = chars.next();
    let escape_first = match first {
        '#' | '>' => true,
        '+' | '-' if second.is_none_or(char::is_whitespace) => true,
        '-' | '=' | ':' | '|' => {
            line.chars()
                .all(|c| matches!(c, '-' | '=' | ':' | '|' | ' '))
                && line.contains(['-', '='])
        }
        _ => false,
    };
    if escape_first {
        return format!("\\{line}");
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &line[digits..];
        let mut rest = after.chars();
        if matches!(rest.next(), Some('.' | ')')) && rest.next().is_none_or(char::is_whitespace) {
            return format!("{}\\{}", &line[..digits], after);
        }
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Option<(String, bool, usize)> {
        parse_tag(s).map(|(t, len)| (t.name.to_owned(), t.close, len))
    }

    #[test]
    fn tags_are_known_html_names_in_one_case() {
        assert_eq!(tag("<br/>x"), Some(("br".into(), false, 5)));
        assert_eq!(tag("<BR>"), Some(("br".into(), false, 4)));
        assert_eq!(tag("</br>"), Some(("br".into(), true, 5)));
        assert_eq!(tag("<br / >"), Some(("br".into(), false, 7)));
        assert_eq!(tag("</font >"), Some(("font".into(), true, 8)));
        assert_eq!(tag("<String>"), None);
        assert_eq!(tag("<Object>"), None);
        assert_eq!(tag("<status>"), None);
        assert_eq!(tag("<start_time时"), None);
        assert_eq!(tag("<a"), None);
        assert_eq!(tag("<a href=\"x>"), None);
        assert_eq!(tag("<b and <c>"), None);
        assert_eq!(tag("<1>"), None);
        assert_eq!(tag("< b>"), None);
    }

    #[test]
    fn one_letter_tags_after_a_letter_are_type_parameters_unless_closed() {
        let md = description_to_markdown;
        assert_eq!(md("List<B>"), "List\\<B>");
        assert_eq!(md("Map<K,V> Result<I>"), "Map\\<K,V> Result\\<I>");
        assert_eq!(md("t<b>x</B>"), "t**x**");
        assert_eq!(md("t<b class=x>y"), "t**y**");
        assert_eq!(md("t<p>x"), "t\n\nx");
        assert_eq!(md("：<b>x"), "：**x**");
        assert_eq!(md("t<br>x"), "t\\\nx");
    }

    #[test]
    fn attributes_in_every_quoting() {
        let (t, _) =
            parse_tag("<a HREF='http://x/?a=1&amp;b=2' target=_blank data-x title=\"a > b\">")
                .unwrap();
        assert_eq!(t.attr("href"), Some("http://x/?a=1&b=2"));
        assert_eq!(t.attr("target"), Some("_blank"));
        assert_eq!(t.attr("data-x"), Some(""));
        assert_eq!(t.attr("title"), Some("a > b"));
    }

    #[test]
    fn overlong_tags_are_text() {
        let long = format!("<a title=\"{}\">", "x".repeat(MAX_TAG_LEN));
        assert!(parse_tag(&long).is_none());
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("&lt;a&gt; &amp;amp; &#39;&#x4e2d;&#X41; &hellip;&nbsp;"),
            "<a> &amp; '中A … "
        );
        assert_eq!(
            decode_entities("&unknown; &#; &#x; &#0; &#1114112; &#xD800; & ; &amp"),
            "&unknown; &#; &#x; &#0; &#1114112; &#xD800; & ; &amp"
        );
    }

    #[test]
    fn entity_table_is_sorted_for_binary_search() {
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(HTML_TAGS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn urls_end_before_trailing_punctuation() {
        assert_eq!(url_at("http://a.b/c. x"), Some(12));
        assert_eq!(url_at("http://a.b/c)"), Some(12));
        assert_eq!(url_at("http://a.b/(c))"), Some(14));
        assert_eq!(url_at("https://a.b?x=1&y=2，好"), Some(19));
        assert_eq!(url_at("HTTPS://A.B"), Some(11));
        assert_eq!(url_at("http://"), None);
        assert_eq!(url_at("http://."), None);
        assert_eq!(url_at("ftp://a.b"), None);
    }

    #[test]
    fn underscores_inside_words_stay() {
        let mut out = String::new();
        escape_plain("m_request_id _x_ a_ 中_文 __init__", &mut out);
        assert_eq!(out, "m_request_id \\_x\\_ a\\_ 中_文 \\_\\_init\\_\\_");
    }

    #[test]
    fn line_starts() {
        assert_eq!(escape_line_start("# a"), "\\# a");
        assert_eq!(escape_line_start("#a"), "\\#a");
        assert_eq!(escape_line_start("> a"), "\\> a");
        assert_eq!(escape_line_start("- a"), "\\- a");
        assert_eq!(escape_line_start("-"), "\\-");
        assert_eq!(escape_line_start("-1表示"), "-1表示");
        assert_eq!(escape_line_start("+ a"), "\\+ a");
        assert_eq!(escape_line_start("---"), "\\---");
        assert_eq!(escape_line_start("==="), "\\===");
        assert_eq!(escape_line_start(":-|-:"), "\\:-|-:");
        assert_eq!(escape_line_start("|"), "|");
        assert_eq!(escape_line_start("1. a"), "1\\. a");
        assert_eq!(escape_line_start("12) a"), "12\\) a");
        assert_eq!(escape_line_start("1."), "1\\.");
        assert_eq!(escape_line_start("1.5元"), "1.5元");
        assert_eq!(escape_line_start("1234567890. a"), "1234567890. a");
    }

    #[test]
    fn emphasis_that_markdown_would_not_read_is_fixed_or_dropped() {
        let md = description_to_markdown;
        assert_eq!(md("(<strong>注：</strong>属性)"), "(**注**：属性)");
        assert_eq!(md("a <b> x </b>b"), "a **x** b");
        assert_eq!(md("<b></b>x<b> </b>"), "x");
        assert_eq!(md("见<b>¥5</b>元"), "见¥**5**元");
        assert_eq!(
            md("见<b><a href=\"http://a.cn\">链接</a></b>"),
            "见[链接](http://a.cn)"
        );
        assert_eq!(md("<b><i>x</i></b>"), "***x***");
        assert_eq!(md("<b>a<i>b</b>c</i>"), "**a*b***c");
    }

    #[test]
    fn hard_breaks_only_inside_a_paragraph() {
        assert_eq!(description_to_markdown_line("a<br>b<p>c"), "a b c");
        assert_eq!(description_to_markdown_line("a\\<br>b"), "a\\\\ b");
        assert_eq!(strip_hard_break("a\\\\"), "a\\\\");
        assert_eq!(strip_hard_break("a\\\\\\"), "a\\\\");
    }
}
