//! The parsed page as a browser shows it: the visible elements in document order, each with
//! its text (line breaks at blocks and `<br>`, NFKC-normalised) and its source line.

use super::sink::{LineSink, NodeId};
use html5ever::tendril::TendrilSink;
use scraper::node::Element;
use scraper::{Html, HtmlTreeSink, Node};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Elements whose content a browser does not show as page text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "aside", "iframe", "object", "embed",
    "svg", "math", "canvas", "audio", "video", "button", "select", "textarea", "input",
];

/// Elements that start and end a line of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Context bits of an element (set when it or an ancestor is such an element).
pub(super) const IN_ITEM: u8 = 1; // a, li, td, th, option, dt, dd: never a heading
pub(super) const IN_TABLE: u8 = 2;
pub(super) const IN_PRE: u8 = 4;

/// The parsed page: the visible elements in document order, with their text.
pub(super) struct Doc {
    pub(super) html: Html,
    /// Source line of each element.
    pub(super) lines: HashMap<NodeId, u64>,
    /// The shown text: text nodes (source whitespace as spaces, except in `<pre>`), and `\n`
    /// at `<br>` and at the start and end of each block element.
    pub(super) buf: String,
    /// Visible elements in document order.
    pub(super) order: Vec<NodeId>,
    /// By position: one past the position of the element's last descendant.
    pub(super) end: Vec<usize>,
    /// By position: the element's text as a range of `buf`.
    pub(super) span: Vec<(usize, usize)>,
    /// By position: context bits.
    pub(super) ctx: Vec<u8>,
    /// By position: whether a link or list item (`a`, `li`, `td`, …) with text is inside.
    pub(super) items: Vec<bool>,
    /// Lines in the source.
    pub(super) source_lines: usize,
}

impl Doc {
    pub(super) fn parse(html: &str) -> Doc {
        let sink = LineSink {
            inner: HtmlTreeSink::new(Html::new_document()),
            line: Cell::new(1),
            lines: RefCell::new(HashMap::new()),
        };
        let (tree, lines) = html5ever::driver::parse_document(sink, Default::default()).one(html);
        let mut doc = Doc {
            html: tree,
            lines,
            buf: String::new(),
            order: Vec::new(),
            end: Vec::new(),
            span: Vec::new(),
            ctx: Vec::new(),
            items: Vec::new(),
            source_lines: html.lines().count(),
        };
        doc.walk();
        doc
    }

    /// One iterative pass (no recursion: any nesting depth is safe) that fills `buf`,
    /// `order`, `end`, `span`, `ctx` and `items`.
    fn walk(&mut self) {
        let Doc {
            html,
            buf,
            order,
            end,
            span,
            ctx,
            items,
            ..
        } = self;
        // The open elements (ancestors of the current node): position, and `shown` when it
        // opened.
        let mut open: Vec<(usize, usize)> = Vec::new();
        // How many text nodes with more than whitespace are in `buf` so far.
        let mut shown = 0usize;
        // (node, closing, context bits of its parent)
        let mut stack = vec![(html.tree.root(), false, 0u8)];
        while let Some((node, closing, parent_ctx)) = stack.pop() {
            match node.value() {
                Node::Element(el) if closing => {
                    let name = el.name();
                    if BLOCKS.contains(&name) {
                        line_break(buf);
                    }
                    // Elements close in the reverse order they opened: this is the last open.
                    let Some((at, shown_before)) = open.pop() else {
                        continue;
                    };
                    span[at].1 = buf.len();
                    end[at] = order.len();
                    let shows_item =
                        matches!(name, "a" | "li" | "td" | "th" | "option" | "dt" | "dd")
                            && shown > shown_before;
                    if (shows_item || items[at])
                        && let Some(&(parent, _)) = open.last()
                    {
                        items[parent] = true;
                    }
                }
                Node::Element(el) => {
                    if is_hidden(el) {
                        continue;
                    }
                    let name = el.name();
                    if name == "br" {
                        buf.push('\n');
                    }
                    if BLOCKS.contains(&name) {
                        line_break(buf);
                    }
                    let mut bits = parent_ctx;
                    if matches!(name, "a" | "li" | "td" | "th" | "option" | "dt" | "dd") {
                        bits |= IN_ITEM;
                    }
                    if name == "table" {
                        bits |= IN_TABLE;
                    }
                    if name == "pre" {
                        bits |= IN_PRE;
                    }
                    order.push(node.id());
                    end.push(order.len());
                    span.push((buf.len(), buf.len()));
                    ctx.push(bits);
                    items.push(false);
                    open.push((order.len() - 1, shown));
                    stack.push((node, true, parent_ctx));
                    for child in node.children().rev() {
                        stack.push((child, false, bits));
                    }
                }
                Node::Text(text) => {
                    if !text.trim().is_empty() {
                        shown += 1;
                    }
                    if parent_ctx & IN_PRE != 0 {
                        buf.push_str(text);
                    } else {
                        buf.extend(text.chars().map(|c| {
                            if matches!(c, '\t' | '\n' | '\r' | '\x0c') {
                                ' '
                            } else {
                                c
                            }
                        }));
                    }
                }
                Node::Document | Node::Fragment => {
                    for child in node.children().rev() {
                        stack.push((child, false, parent_ctx));
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn element(&self, at: usize) -> Option<&Element> {
        self.html.tree.get(self.order[at])?.value().as_element()
    }

    pub(super) fn tag(&self, at: usize) -> &str {
        self.element(at).map_or("", Element::name)
    }

    pub(super) fn line(&self, at: usize) -> usize {
        self.lines
            .get(&self.order[at])
            .map_or(0, |l| usize::try_from(*l).unwrap_or(0))
    }

    /// The element's raw text length, to rule out long elements before cleaning their text.
    pub(super) fn raw_len(&self, at: usize) -> usize {
        let (s, e) = self.span[at];
        e - s
    }

    /// The element's shown text, lines cleaned.
    pub(super) fn text(&self, at: usize) -> String {
        let (s, e) = self.span[at];
        clean_text(&self.buf[s..e])
    }

    /// The element's shown text without the text of the elements at `skip` (inside it).
    pub(super) fn text_without(&self, at: usize, skip: &[usize]) -> String {
        let (mut from, to) = self.span[at];
        let mut raw = String::new();
        for &inner in skip {
            let (s, e) = self.span[inner];
            if s >= from && e <= to {
                raw.push_str(&self.buf[from..s]);
                raw.push('\n');
                from = e;
            }
        }
        raw.push_str(&self.buf[from..to]);
        clean_text(&raw)
    }

    /// The code of a `<pre>`: its lines as shown.
    pub(super) fn code(&self, at: usize) -> String {
        let (s, e) = self.span[at];
        clean_code(&self.buf[s..e])
    }

    /// Visible element children, as positions.
    pub(super) fn children(&self, at: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut i = at + 1;
        while i < self.end[at] {
            out.push(i);
            i = self.end[i];
        }
        out
    }

    /// Visible descendants with one of `tags`, in document order, not looking inside them
    /// nor inside nested tables.
    pub(super) fn find(&self, at: usize, tags: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut i = at + 1;
        while i < self.end[at] {
            let tag = self.tag(i);
            if tags.contains(&tag) {
                out.push(i);
                i = self.end[i];
            } else if tag == "table" {
                i = self.end[i];
            } else {
                i += 1;
            }
        }
        out
    }
}

/// A line break at a block boundary: only one, however many blocks start or end there.
fn line_break(buf: &mut String) {
    if !buf.is_empty() && !buf.ends_with('\n') {
        buf.push('\n');
    }
}

fn is_hidden(el: &Element) -> bool {
    if SKIPPED.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.split(';').any(|decl| decl == "display:none")
    })
}

/// NFKC, then each line's whitespace collapsed and trimmed; empty lines dropped.
pub(super) fn clean_text(raw: &str) -> String {
    let text: String = raw.nfkc().collect();
    let mut out = String::new();
    for line in text.split('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// NFKC, line ends normalised, trailing spaces and leading/trailing blank lines removed.
pub(super) fn clean_code(raw: &str) -> String {
    let text: String = raw.nfkc().collect();
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\n"),
        _ => String::new(),
    }
}

pub(super) fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}
