//! The writer: tokens → lines of pieces (text and inline markup), blank lines between
//! paragraphs.

use super::tokens::{Tag, Token};
use std::mem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Bold,
    Italic,
}

impl Style {
    pub(super) fn marker(self) -> &'static str {
        match self {
            Style::Bold => "**",
            Style::Italic => "*",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Text(String),
    Open(Style),
    Close(Style),
    LinkOpen(String),
    LinkClose(String),
}

/// What a piece opens or closes, for matching them up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bold,
    Italic,
    Link,
}

impl Piece {
    /// `(kind, is_open)` for markup, `None` for text.
    pub(super) fn markup(&self) -> Option<(Kind, bool)> {
        match self {
            Piece::Text(_) => None,
            Piece::Open(s) => Some((style_kind(*s), true)),
            Piece::Close(s) => Some((style_kind(*s), false)),
            Piece::LinkOpen(_) => Some((Kind::Link, true)),
            Piece::LinkClose(_) => Some((Kind::Link, false)),
        }
    }

    /// The piece that opens what this one closes (or closes what it opens).
    pub(super) fn partner(&self) -> Piece {
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
pub(super) enum Prefix {
    None,
    Bullet,
    Number(u64),
}

#[derive(Debug)]
pub(super) struct Line {
    pub(super) prefix: Prefix,
    pub(super) pieces: Vec<Piece>,
}

#[derive(Debug)]
pub(super) enum Out {
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
pub(super) struct Writer {
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
    pub(super) fn token(&mut self, token: Token) {
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

    pub(super) fn finish(mut self) -> Vec<Out> {
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
