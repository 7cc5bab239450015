//! The HTML reader: a TOP doc page as the browser saved it → [`DocPage`].
//!
//! The page is parsed with `scraper` (html5ever, the browser's parsing algorithm: any input
//! gives a tree, nothing is rejected as malformed) and read the way a person reads it, by what
//! it shows rather than by class names, which the doc site changes:
//!
//! - Only what a browser shows counts: `<head>`, scripts, styles, `<nav>`/`<aside>` chrome,
//!   buttons, form controls and elements hidden with `hidden` or `display:none` are skipped.
//! - The **title** is the first heading (`<h1>`…`<h6>`) whose whole text is `api.name` or
//!   `api.name (中文名)`, else the first other element whose whole text is
//!   `api.name (中文名)`. The **description** is the text between the title and the first
//!   section heading (so a breadcrumb or notice above the title is not part of it).
//! - **Sections** start at an element whose whole text is one of the page's headings
//!   (公共参数, 请求参数, 响应参数, 请求示例, 响应示例, 异常示例, 错误码解释, API工具,
//!   如何获得此API, FAQ; and 接口名称 / 调用方法 of the mirror layout, whose title heading is the
//!   Chinese name only and whose API name is the text under 接口名称), a trailing `:` allowed.
//!   Links and list items never count as headings (a table of contents is not the page's
//!   structure). Sections are kept in page order, each once.
//! - **Parameter tables** are the `<table>`s in 请求参数 / 响应参数 whose header row has
//!   名称 and 类型; columns are found by their header (名称 类型 是否必须|必须 示例值 更多限制
//!   描述), so a column that is missing or moved is read right. A row with a 名称 cell and a
//!   类型 cell is a row of the table (depth 0) — or with a 名称 cell alone when that is a name:
//!   a page cut off right after it; the items of the 更多限制 cell's list (else its lines) are
//!   its limits (`最大长度:64` → (`最大长度`, `64`)).
//! - **Nested rows** are lists whose first item is a name (`└ access_key_id`), one list per
//!   nested row and one item per cell — the browser copies them as the text rendering's runs
//!   of `  • ` lines. They may sit in a row spanning the table under their parent or in a cell
//!   of the parent row; either way they follow the parent. Items in order: name (with `└`
//!   marks: depth 1 + their count), type, 必须/可选 (request tables), then example, limit items
//!   (`最大长度:…`, `默认值:…`, …) and description; without a limit item to tell example from
//!   description, one remaining item is the description and two are example and description.
//!   An empty item keeps its place (an empty example cell).
//! - **Examples** are the `<pre>` blocks of 请求示例 (the Java one), 响应示例 and 异常示例
//!   (XML when the code starts with `<`, JSON when it starts with `{` or `[`), with their line
//!   structure (newlines, `<br>`, per-line elements); line-number gutters outside the `<pre>`
//!   are not code. The tab names above them are not read: only the shown tab's code is there.
//!
//! Text is read as the browser shows it: entities decoded, runs of whitespace as one space,
//! `<br>` and block boundaries as line breaks (multi-line cells keep their lines, joined with
//! `\n`), and NFKC-normalised like the text renderings (`（` → `(`, `：` → `:`, no-break space →
//! space), so the HTML and the text of one page read the same.
//!
//! [`Row::line`] is the 1-based source line of the row's element (`<tr>` for a row of the
//! table, the nested row's `<ul>`): the line where its start tag ends, recorded by a thin
//! wrapper around scraper's tree sink while html5ever parses.
//!
//! Cost: the reader is linear in the size of the page and iterative (any nesting depth is
//! safe); html5ever's tree builder takes time quadratic in the nesting depth (its scope checks
//! walk the stack of open elements), which real pages, a few dozen levels deep, never feel.

use super::{DocPage, Rendering, Row, Section};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::node::Element;
use scraper::{Html, HtmlTreeSink, Node};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use topgen_spec::Error;
use unicode_normalization::UnicodeNormalization;

/// A node of the parsed tree.
type NodeId = <HtmlTreeSink as TreeSink>::Handle;

/// Reads a doc page saved as HTML. `path` is only used in errors.
///
/// Fails when the file cannot be a TOP doc page: empty, binary, without HTML markup, or
/// without an API title and without any of the page's section headings. A page cut off
/// part-way reads to what it has; [`DocPage::sections`] tells what is there.
pub fn read(path: &Path, html: &str) -> Result<DocPage, Error> {
    if html.trim().is_empty() {
        return Err(unusable(
            path,
            None,
            "the file is empty; expected a TOP API doc page saved as HTML",
        ));
    }
    if let Some(at) = html.find('\0') {
        let before = &html[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(unusable(
            path,
            Some((line, column)),
            "binary data (a NUL byte), not HTML; expected a TOP API doc page saved as HTML",
        ));
    }
    if !has_markup(html) {
        return Err(unusable(
            path,
            None,
            "no HTML markup (no `<tag>`); expected a TOP API doc page saved as HTML \
             (a page copied as text is read by the text reader)",
        ));
    }
    let doc = Doc::parse(html);
    let (page, headings) = Reader { doc: &doc }.page();
    if page.name.is_none() && !headings {
        return Err(unusable(
            path,
            None,
            "not a TOP API doc page: no title `api.name (中文名)` and none of the headings \
             公共参数, 请求参数, 响应参数, 请求示例, 响应示例, 异常示例",
        ));
    }
    Ok(page)
}

/// The file as a whole is not a doc page (displayed as `path[:line:column]: message`).
fn unusable(path: &Path, location: Option<(usize, usize)>, message: &str) -> Error {
    Error::Syntax {
        path: path.to_owned(),
        location,
        field: String::new(),
        message: message.to_owned(),
    }
}

/// Whether the text has at least one tag, comment or doctype (`<` then a letter, `/`, `!`).
fn has_markup(html: &str) -> bool {
    html.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
}

// ---------------------------------------------------------------------------------------------
// Parsing: scraper's tree plus each element's source line.

/// scraper's tree sink, recording the source line at which each element was created.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    lines: RefCell<HashMap<NodeId, u64>>,
}

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = (Html, HashMap<NodeId, u64>);
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.lines.into_inner())
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let id = self.inner.create_element(name, attrs, flags);
        self.lines.borrow_mut().insert(id, self.line.get());
        id
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append(parent, child);
    }
    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }
    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }
    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node);
    }
    fn pop(&self, node: &NodeId) {
        self.inner.pop(node);
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node);
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }
    fn associate_with_form(
        &self,
        target: &NodeId,
        form: &NodeId,
        nodes: (&NodeId, Option<&NodeId>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }
    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
        self.inner.set_current_line(line_number);
    }
    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }
    fn attach_declarative_shadow(
        &self,
        location: &NodeId,
        template: &NodeId,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }
    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

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
const IN_ITEM: u8 = 1; // a, li, td, th, option, dt, dd: never a heading
const IN_TABLE: u8 = 2;
const IN_PRE: u8 = 4;

/// The parsed page: the visible elements in document order, with their text.
struct Doc {
    html: Html,
    /// Source line of each element.
    lines: HashMap<NodeId, u64>,
    /// The shown text: text nodes (source whitespace as spaces, except in `<pre>`), and `\n`
    /// at `<br>` and at the start and end of each block element.
    buf: String,
    /// Visible elements in document order.
    order: Vec<NodeId>,
    /// By position: one past the position of the element's last descendant.
    end: Vec<usize>,
    /// By position: the element's text as a range of `buf`.
    span: Vec<(usize, usize)>,
    /// By position: context bits.
    ctx: Vec<u8>,
    /// By position: whether a link or list item (`a`, `li`, `td`, …) with text is inside.
    items: Vec<bool>,
    /// Lines in the source.
    source_lines: usize,
}

impl Doc {
    fn parse(html: &str) -> Doc {
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

    fn element(&self, at: usize) -> Option<&Element> {
        self.html.tree.get(self.order[at])?.value().as_element()
    }

    fn tag(&self, at: usize) -> &str {
        self.element(at).map_or("", Element::name)
    }

    fn line(&self, at: usize) -> usize {
        self.lines
            .get(&self.order[at])
            .map_or(0, |l| usize::try_from(*l).unwrap_or(0))
    }

    /// The element's raw text length, to rule out long elements before cleaning their text.
    fn raw_len(&self, at: usize) -> usize {
        let (s, e) = self.span[at];
        e - s
    }

    /// The element's shown text, lines cleaned.
    fn text(&self, at: usize) -> String {
        let (s, e) = self.span[at];
        clean_text(&self.buf[s..e])
    }

    /// The element's shown text without the text of the elements at `skip` (inside it).
    fn text_without(&self, at: usize, skip: &[usize]) -> String {
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
    fn code(&self, at: usize) -> String {
        let (s, e) = self.span[at];
        clean_code(&self.buf[s..e])
    }

    /// Visible element children, as positions.
    fn children(&self, at: usize) -> Vec<usize> {
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
    fn find(&self, at: usize, tags: &[&str]) -> Vec<usize> {
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
fn clean_text(raw: &str) -> String {
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
fn clean_code(raw: &str) -> String {
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

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

// ---------------------------------------------------------------------------------------------
// Reading the page.

/// A section heading of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Common,
    Request,
    Response,
    RequestExample,
    ResponseExample,
    ErrorExample,
    ApiName,
    /// A heading whose section the page model does not keep (错误码解释, 调用方法, …).
    Other,
}

const LABELS: &[(&str, Label)] = &[
    ("公共参数", Label::Common),
    ("请求参数", Label::Request),
    ("响应参数", Label::Response),
    ("请求示例", Label::RequestExample),
    ("响应示例", Label::ResponseExample),
    ("异常示例", Label::ErrorExample),
    ("错误码解释", Label::Other),
    ("API工具", Label::Other),
    ("如何获得此API", Label::Other),
    ("FAQ", Label::Other),
    ("接口名称", Label::ApiName),
    ("调用方法", Label::Other),
];

impl Label {
    fn section(self) -> Option<Section> {
        match self {
            Label::Request => Some(Section::Request),
            Label::Response => Some(Section::Response),
            Label::RequestExample => Some(Section::RequestExample),
            Label::ResponseExample => Some(Section::ResponseExample),
            Label::ErrorExample => Some(Section::ErrorExample),
            Label::Common | Label::ApiName | Label::Other => None,
        }
    }
}

/// What the page is made of, in document order (positions in [`Doc::order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Title(usize),
    Heading(Label, usize),
    /// An `<h1>` that is neither the title nor a section heading.
    H1(usize),
    Table(usize),
    Pre(usize),
}

impl Event {
    fn at(self) -> usize {
        match self {
            Event::Title(at)
            | Event::Heading(_, at)
            | Event::H1(at)
            | Event::Table(at)
            | Event::Pre(at) => at,
        }
    }
}

struct Reader<'d> {
    doc: &'d Doc,
}

impl Reader<'_> {
    /// The page, and whether it has any of the TOP page's own headings (公共参数 … 异常示例,
    /// 接口名称).
    fn page(&self) -> (DocPage, bool) {
        let doc = self.doc;
        let mut events = self.events();
        let mut name = None;
        let mut title = None;
        let mut description = None;
        let title_event = events.iter().position(|e| matches!(e, Event::Title(_)));
        if let Some(i) = title_event {
            if let Some((n, t)) = parse_title(&doc.text(events[i].at())) {
                name = Some(n);
                title = t;
            }
            description = non_empty(self.text_after(&events, i));
        } else {
            // Mirror layout: the title heading is the Chinese name only, the last `<h1>`
            // before the first section heading.
            let first_heading = events
                .iter()
                .position(|e| matches!(e, Event::Heading(..)))
                .unwrap_or(events.len());
            if let Some(i) = events[..first_heading]
                .iter()
                .rposition(|e| matches!(e, Event::H1(_)))
            {
                title = non_empty(doc.text(events[i].at()).replace('\n', " "));
                events[i] = Event::Title(events[i].at());
            }
        }

        let mut page = DocPage {
            name,
            title,
            description,
            ..DocPage::empty(Rendering::Html)
        };
        let mut current = None;
        // The page ends with 错误码解释 (and the site's API工具 / FAQ); a saved page that has
        // none of them was cut before its end.
        let mut reached_end = false;
        for (i, event) in events.iter().enumerate() {
            match *event {
                Event::Heading(label, at) => {
                    current = Some(label);
                    if let Some(section) = label.section()
                        && !page.sections.contains(&section)
                    {
                        page.sections.push(section);
                        page.section_lines.insert(section, doc.line(at));
                    }
                    reached_end |= label == Label::Other && doc.text(at) != "调用方法";
                    if label == Label::ApiName && page.name.is_none() {
                        let text = self.text_after(&events, i);
                        page.name = text
                            .lines()
                            .next()
                            .filter(|line| is_api_name(line))
                            .map(str::to_owned);
                    }
                }
                Event::Table(at) => match current {
                    Some(Label::Request) => page.request.extend(self.table(at, true)),
                    Some(Label::Response) => page.response.extend(self.table(at, false)),
                    _ => {}
                },
                Event::Pre(at) => {
                    let code = doc.code(at);
                    if code.is_empty() {
                        continue;
                    }
                    let starts = code.trim_start().chars().next().unwrap_or(' ');
                    let (xml, json) = match current {
                        Some(Label::RequestExample) => {
                            // The Java tab; when several tabs' code is there, the Java one.
                            let java = code.contains("DefaultTaobaoClient");
                            let have_java = page
                                .request_example
                                .as_deref()
                                .is_some_and(|c| c.contains("DefaultTaobaoClient"));
                            if page.request_example.is_none() || (java && !have_java) {
                                page.request_example = Some(code);
                            }
                            continue;
                        }
                        Some(Label::ResponseExample) => {
                            (&mut page.response_xml, &mut page.response_json)
                        }
                        Some(Label::ErrorExample) => (&mut page.error_xml, &mut page.error_json),
                        _ => continue,
                    };
                    let slot = match starts {
                        '<' => xml,
                        '{' | '[' => json,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Some(code);
                    }
                }
                Event::Title(_) | Event::H1(_) => {}
            }
        }
        if page.name.is_some() || page.title.is_some() || page.description.is_some() {
            page.sections.insert(0, Section::Header);
            if let Some(title) = events.iter().find(|e| matches!(e, Event::Title(_))) {
                page.section_lines
                    .insert(Section::Header, doc.line(title.at()));
            }
        }
        if !reached_end {
            page.cut_off = Some(doc.source_lines);
        }
        let headings = events
            .iter()
            .any(|e| matches!(e, Event::Heading(label, _) if *label != Label::Other));
        (page, headings)
    }

    /// The text between the end of event `i`'s element and the start of the next event's.
    fn text_after(&self, events: &[Event], i: usize) -> String {
        let doc = self.doc;
        let from = doc.span[events[i].at()].1;
        let to = events
            .get(i + 1)
            .map_or(doc.buf.len(), |e| doc.span[e.at()].0);
        if from < to {
            clean_text(&doc.buf[from..to])
        } else {
            String::new()
        }
    }

    /// The page's structure in document order.
    fn events(&self) -> Vec<Event> {
        let doc = self.doc;
        let title = self.find_title();
        let mut events = Vec::new();
        let mut at = 0;
        while at < doc.order.len() {
            let tag = doc.tag(at);
            let event = if Some(at) == title {
                Some(Event::Title(at))
            } else if let Some(label) = self.label(at) {
                Some(Event::Heading(label, at))
            } else {
                match tag {
                    "table" => Some(Event::Table(at)),
                    "pre" => Some(Event::Pre(at)),
                    "h1" if doc.ctx[at] & (IN_TABLE | IN_PRE) == 0 => Some(Event::H1(at)),
                    _ => None,
                }
            };
            match event {
                Some(event) => {
                    events.push(event);
                    at = doc.end[at];
                }
                None => at += 1,
            }
        }
        events
    }

    /// The section heading the element is, if it is one.
    fn label(&self, at: usize) -> Option<Label> {
        let doc = self.doc;
        if doc.ctx[at] & (IN_ITEM | IN_TABLE | IN_PRE) != 0
            || doc.raw_len(at) > 256
            || (doc.items[at] && !is_heading_tag(doc.tag(at)))
        {
            return None;
        }
        let text = doc.text(at);
        let text = text.strip_suffix(':').unwrap_or(&text).trim_end();
        LABELS
            .iter()
            .find(|(label, _)| text == *label)
            .map(|(_, kind)| *kind)
    }

    /// The title element: the first heading that is `api.name` or `api.name (中文名)`, else
    /// the first other element that is `api.name (中文名)`.
    fn find_title(&self) -> Option<usize> {
        let doc = self.doc;
        let candidates = || {
            (0..doc.order.len()).filter(|&at| {
                doc.ctx[at] & (IN_ITEM | IN_TABLE | IN_PRE) == 0 && doc.raw_len(at) <= 1024
            })
        };
        candidates()
            .find(|&at| is_heading_tag(doc.tag(at)) && parse_title(&doc.text(at)).is_some())
            .or_else(|| {
                candidates().find(|&at| {
                    !doc.items[at]
                        && parse_title(&doc.text(at)).is_some_and(|(_, title)| title.is_some())
                })
            })
    }

    /// The rows of a parameter table (none when it is not one).
    fn table(&self, table: usize, request: bool) -> Vec<Row> {
        let doc = self.doc;
        let rows = doc.find(table, &["tr"]);
        let mut columns: Option<Columns> = None;
        let mut out = Vec::new();
        for tr in rows {
            let cells: Vec<usize> = doc
                .children(tr)
                .into_iter()
                .filter(|&c| matches!(doc.tag(c), "td" | "th"))
                .collect();
            let Some(cols) = &columns else {
                columns = Columns::from_header(doc, &cells);
                continue;
            };
            // Cell by column, following colspans.
            let mut by_column: Vec<Option<usize>> = vec![None; cols.count];
            let mut column = 0;
            for &cell in &cells {
                if let Some(slot) = by_column.get_mut(column) {
                    *slot = Some(cell);
                }
                column += colspan(doc, cell);
            }
            let cell = |c: Option<usize>| c.and_then(|c| by_column.get(c).copied().flatten());
            let limits_cell = cell(cols.limits);
            let name_cell = cell(Some(cols.name));
            let type_cell = cell(Some(cols.ty));
            let spanning = cells.len() == 1 && colspan(doc, cells[0]) > 1;
            // Nested-row lists, in the cells other than 更多限制.
            let mut lists = Vec::new();
            for &c in &cells {
                if Some(c) != limits_cell {
                    lists.extend(self.nested_lists(c, cells.len() == 1));
                }
            }
            let text =
                |c: Option<usize>| c.map_or_else(String::new, |c| doc.text_without(c, &lists));
            let name = strip_marks(&text(name_cell));
            // A row of the table: a 名称 cell, and a 类型 cell unless the page is cut off
            // right after the name (then the name alone, if it is one, is what is there).
            if !spanning && !name.is_empty() && (type_cell.is_some() || is_row_name(&name)) {
                out.push(Row {
                    name,
                    ty: text(type_cell),
                    required: if request {
                        cell(cols.required).and_then(|c| required(&doc.text(c)))
                    } else {
                        None
                    },
                    example: non_empty(text(cell(cols.example))),
                    description: non_empty(text(cell(cols.description))),
                    limits: limits_cell.map_or_else(Vec::new, |c| self.limits(c)),
                    depth: 0,
                    line: doc.line(tr),
                    // The table's cells say which is the example and which the description.
                    lone_value: false,
                });
            }
            for &list in &lists {
                out.push(self.nested_row(list, &lists, request));
            }
        }
        out
    }

    /// The lists inside `cell` that are nested rows (their first item is a name), including
    /// lists inside those lists, in document order. A list of one item counts only when
    /// `lone` (a cell that holds nothing but nested rows: a cut-off row keeps its name).
    fn nested_lists(&self, cell: usize, lone: bool) -> Vec<usize> {
        let doc = self.doc;
        let mut out = Vec::new();
        for at in cell + 1..doc.end[cell] {
            if !matches!(doc.tag(at), "ul" | "ol") {
                continue;
            }
            let items = self.items(at);
            let Some(&first) = items.first() else {
                continue;
            };
            let inner = doc.find(first, &["ul", "ol"]);
            let first_text = doc.text_without(first, &inner);
            if (items.len() >= 2 || lone) && is_row_name(&first_text) {
                out.push(at);
            }
        }
        out
    }

    /// The `<li>` children of a list.
    fn items(&self, list: usize) -> Vec<usize> {
        self.doc
            .children(list)
            .into_iter()
            .filter(|&i| self.doc.tag(i) == "li")
            .collect()
    }

    /// The 更多限制 cell's entries: its list items, else its lines.
    fn limits(&self, cell: usize) -> Vec<(String, String)> {
        let doc = self.doc;
        let items: Vec<usize> = doc.find(cell, &["li"]);
        let entries: Vec<String> = if items.is_empty() {
            doc.text(cell).lines().map(str::to_owned).collect()
        } else {
            items
                .iter()
                .map(|&li| doc.text(li).replace('\n', " "))
                .filter(|t| !t.is_empty())
                .collect()
        };
        entries.iter().map(|e| split_limit(e)).collect()
    }

    /// A nested row from its list: one item per cell, as the text rendering's bullets.
    fn nested_row(&self, list: usize, lists: &[usize], request: bool) -> Row {
        let doc = self.doc;
        let items: Vec<String> = self
            .items(list)
            .into_iter()
            .map(|li| {
                // The nested-row lists inside this item (`lists` is in document order).
                let from = lists.partition_point(|&l| l <= li);
                let to = lists.partition_point(|&l| l < doc.end[li]);
                doc.text_without(li, &lists[from..to])
            })
            .collect();
        let mut items = items.into_iter();
        let raw_name = items.next().unwrap_or_default();
        let marks = raw_name.chars().filter(|&c| c == '└').count();
        let name = strip_marks(&raw_name);
        let ty = items.next().unwrap_or_default();
        let mut rest: Vec<String> = items.collect();
        let mut required_flag = None;
        if request
            && let Some(first) = rest.first()
            && let Some(flag) = required(first)
        {
            required_flag = Some(flag);
            rest.remove(0);
        }
        let mut limits = Vec::new();
        let mut before = Vec::new();
        let mut after = Vec::new();
        for item in rest {
            if is_limit(&item) {
                limits.push(split_limit(&item));
            } else if limits.is_empty() {
                before.push(item);
            } else {
                after.push(item);
            }
        }
        // A nested row's list has no item for an empty cell, as the text's bullets: one value
        // alone may be the example or the description (the interpreter decides).
        let lone_value = limits.is_empty() && before.len() == 1;
        let (example, description) = if !limits.is_empty() {
            let mut before = before.into_iter();
            let example = before.next();
            let description: Vec<String> = before.chain(after).collect();
            (example, description)
        } else if before.len() >= 2 {
            let example = Some(before.remove(0));
            (example, before)
        } else {
            (None, before)
        };
        let description: Vec<String> = description.into_iter().filter(|d| !d.is_empty()).collect();
        Row {
            name,
            ty,
            required: required_flag,
            example: example.filter(|e| !e.is_empty()),
            description: non_empty(description.join("\n")),
            limits,
            depth: u32::try_from(marks).map_or(u32::MAX, |m| m.saturating_add(1)),
            line: doc.line(list),
            lone_value,
        }
    }
}

/// Which column of a parameter table holds what.
struct Columns {
    count: usize,
    name: usize,
    ty: usize,
    required: Option<usize>,
    example: Option<usize>,
    limits: Option<usize>,
    description: Option<usize>,
}

impl Columns {
    /// The columns from a header row, if it is one (has 名称 and 类型).
    fn from_header(doc: &Doc, cells: &[usize]) -> Option<Columns> {
        let mut names = Vec::new();
        for &cell in cells {
            let text = doc.text(cell).replace('\n', "");
            for _ in 0..colspan(doc, cell) {
                names.push(text.clone());
            }
        }
        let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
        Some(Columns {
            count: names.len(),
            name: find(&["名称"])?,
            ty: find(&["类型"])?,
            required: find(&["是否必须", "必须", "是否必填", "必填"]),
            example: find(&["示例值"]),
            limits: find(&["更多限制"]),
            description: find(&["描述"]),
        })
    }
}

fn colspan(doc: &Doc, cell: usize) -> usize {
    doc.element(cell)
        .and_then(|e| e.attr("colspan"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 64))
}

/// `api.name` or `api.name (中文名)` (the closing parenthesis may be cut off).
fn parse_title(text: &str) -> Option<(String, Option<String>)> {
    let text = text.replace('\n', " ");
    let text = text.trim();
    let split = text.find(|c: char| c == '(' || c.is_whitespace());
    let (name, rest) = match split {
        Some(i) => (&text[..i], text[i..].trim()),
        None => (text, ""),
    };
    if !is_api_name(name) {
        return None;
    }
    if rest.is_empty() {
        return Some((name.to_owned(), None));
    }
    let inner = rest.strip_prefix('(')?;
    let inner = match inner.rfind(')') {
        Some(close) if inner[close + 1..].trim().is_empty() => &inner[..close],
        Some(_) => return None,
        None => inner,
    };
    Some((name.to_owned(), non_empty(inner.trim().to_owned())))
}

fn is_heading_tag(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Dot-separated ASCII words starting with a letter: `taobao.time.get`.
fn is_api_name(text: &str) -> bool {
    let mut parts = text.split('.');
    let first_ok = text.starts_with(|c: char| c.is_ascii_alphabetic());
    first_ok
        && text.contains('.')
        && parts.all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Whether a list item is a field name with optional `└` marks (`└ access_key_id`, `data`).
fn is_row_name(text: &str) -> bool {
    let name = strip_marks(text);
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '-'))
}

fn strip_marks(text: &str) -> String {
    text.replace('└', "").trim().to_owned()
}

fn required(text: &str) -> Option<bool> {
    match text.trim() {
        "必须" => Some(true),
        "可选" => Some(false),
        _ => None,
    }
}

/// The labels of the 更多限制 entries the page shows.
const LIMIT_LABELS: &[&str] = &[
    "最大长度",
    "最小长度",
    "最大列表长度",
    "最小列表长度",
    "默认值",
    "最大值",
    "最小值",
];

/// Whether a nested-row item is a limit (`最大长度:64`), not an example or description.
fn is_limit(item: &str) -> bool {
    item.split_once(':')
        .is_some_and(|(label, _)| LIMIT_LABELS.contains(&label.trim()))
}

/// `最大长度:64` → (`最大长度`, `64`); an entry without `:` is all label.
fn split_limit(entry: &str) -> (String, String) {
    match entry.split_once(':') {
        Some((label, value)) => (label.trim().to_owned(), value.trim().to_owned()),
        None => (entry.trim().to_owned(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> DocPage {
        let html =
            format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>");
        read(Path::new("t.html"), &html).unwrap_or_else(|e| panic!("{e}"))
    }

    const TITLE: &str = "<h1>taobao.time.get (获取时间)</h1>";

    fn row(name: &str, ty: &str, depth: u32) -> Row {
        Row {
            name: name.into(),
            ty: ty.into(),
            required: None,
            example: None,
            description: None,
            limits: Vec::new(),
            depth,
            line: 0,
            lone_value: false,
        }
    }

    fn no_lines(rows: &[Row]) -> Vec<Row> {
        rows.iter()
            .cloned()
            .map(|mut r| {
                r.line = 0;
                r
            })
            .collect()
    }

    #[test]
    fn title_gives_name_and_chinese_name() {
        let p = page(TITLE);
        assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
        assert_eq!(p.title.as_deref(), Some("获取时间"));
        assert_eq!(p.sections, [Section::Header]);
        assert_eq!(p.rendering, Rendering::Html);
    }

    #[test]
    fn title_rules() {
        assert_eq!(
            parse_title("cainiao.waybill.ii.inner.get (电子面单云打印接口(内部))"),
            Some((
                "cainiao.waybill.ii.inner.get".into(),
                Some("电子面单云打印接口(内部)".into())
            ))
        );
        assert_eq!(
            parse_title("a.b (cut off"),
            Some(("a.b".into(), Some("cut off".into())))
        );
        assert_eq!(parse_title("a.b"), Some(("a.b".into(), None)));
        assert_eq!(
            parse_title("a.b(x)"),
            Some(("a.b".into(), Some("x".into())))
        );
        assert_eq!(parse_title("文档中心 > API类目"), None);
        assert_eq!(parse_title("a.b 是什么"), None);
        assert_eq!(parse_title("a.b (x) y"), None);
        assert_eq!(parse_title("time"), None);
        assert_eq!(parse_title("1.2"), None);
    }

    #[test]
    fn title_with_spans_and_full_width_parentheses() {
        let p = page(
            "<div class=\"title\"><h1><span>taobao.trade.memo.add</span>\n  \
             <span>（对一笔交易添加备注）</span></h1></div>",
        );
        assert_eq!(p.name.as_deref(), Some("taobao.trade.memo.add"));
        assert_eq!(p.title.as_deref(), Some("对一笔交易添加备注"));
    }

    #[test]
    fn title_in_a_non_heading_element_needs_the_chinese_name() {
        let p = page(
            "<div>a.b.c</div><div class=\"t\">taobao.time.get (获取时间)</div><h2>请求参数</h2>",
        );
        assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
        // A link or list item is never the title (an API tree in the sidebar).
        let p = page("<ul><li><a>taobao.x.y (别的)</a></li></ul><h2>请求参数</h2>");
        assert_eq!(p.name, None);
        assert_eq!(p.sections, [Section::Request]);
    }

    #[test]
    fn description_is_between_title_and_first_heading() {
        let p = page(&format!(
            "<div class=\"crumb\">文档中心 &gt; API类目</div>{TITLE}<div class=\"desc\">第一行<br/>第二行\
             </div><p>第二段</p><h2>公共参数</h2><p>not description</p>"
        ));
        assert_eq!(p.description.as_deref(), Some("第一行\n第二行\n第二段"));
        // No description: nothing between the title and the first heading.
        let p = page(&format!("{TITLE}<h2>请求参数</h2>"));
        assert_eq!(p.description, None);
    }

    #[test]
    fn headings_give_sections_in_page_order_and_links_are_not_headings() {
        let p = page(&format!(
            "<div class=\"toc\"><a href=\"#r\">请求参数</a><li>响应参数</li></div>{TITLE}\
             <h3>公共参数</h3><h3><i class=\"icon\"></i> 请求参数 </h3><div>响应参数</div>\
             <h3>请求示例</h3><h3>响应示例</h3><h3>异常示例</h3><h3>错误码解释</h3>"
        ));
        assert_eq!(
            p.sections,
            [
                Section::Header,
                Section::Request,
                Section::Response,
                Section::RequestExample,
                Section::ResponseExample,
                Section::ErrorExample
            ]
        );
    }

    const REQ_HEAD: &str = "<tr><th>名称</th><th>类型</th><th>是否必须</th><th>示例值</th>\
                            <th>更多限制</th><th>描述</th></tr>";
    const RESP_HEAD: &str = "<tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr>";

    #[test]
    fn request_table_rows_by_header() {
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table><thead>{REQ_HEAD}</thead><tbody>\
             <tr><td>tid</td><td>Number</td><td>必须</td><td>123</td><td></td><td>交易编号</td></tr>\
             <tr><td>memo</td><td>String</td><td>可选</td><td></td><td></td><td></td></tr>\
             <tr><td>x</td><td>String</td><td>?</td><td>1</td><td></td><td>d</td></tr>\
             </tbody></table>"
        ));
        let mut tid = row("tid", "Number", 0);
        tid.required = Some(true);
        tid.example = Some("123".into());
        tid.description = Some("交易编号".into());
        let mut memo = row("memo", "String", 0);
        memo.required = Some(false);
        let mut x = row("x", "String", 0);
        x.example = Some("1".into());
        x.description = Some("d".into());
        assert_eq!(no_lines(&p.request), [tid, memo, x]);
        assert!(p.response.is_empty());
    }

    #[test]
    fn columns_are_found_by_their_header() {
        // The mirror's request table: 必须 instead of 是否必须, no 更多限制; moved columns.
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table><tr><td>类型</td><td>名称</td><td>描述</td><td>必须</td></tr>\
             <tr><td>Date</td><td>time</td><td>时间</td><td>必须</td></tr></table>"
        ));
        let mut time = row("time", "Date", 0);
        time.required = Some(true);
        time.description = Some("时间".into());
        assert_eq!(no_lines(&p.request), [time]);
    }

    #[test]
    fn tables_outside_request_and_response_and_other_tables_are_ignored() {
        let p = page(&format!(
            "{TITLE}<h2>公共参数</h2><table>{REQ_HEAD}<tr><td>method</td><td>String</td>\
             <td>必须</td><td></td><td></td><td>API名</td></tr></table>\
             <h2>请求参数</h2><table><tr><th>错误码</th><th>错误描述</th></tr><tr><td>a</td><td>b</td></tr></table>\
             <h2>错误码解释</h2><table>{RESP_HEAD}<tr><td>e</td><td>String</td><td></td><td></td></tr></table>"
        ));
        assert!(p.request.is_empty(), "{:?}", p.request);
        assert!(p.response.is_empty());
    }

    #[test]
    fn limits_cell_list_items() {
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
             <tr><td>flag</td><td>Number</td><td>可选</td><td>1</td>\
             <td><ul><li>默认值：0</li><li>最大长度: 64 </li></ul></td><td>旗帜</td></tr>\
             <tr><td>f</td><td>String</td><td>可选</td><td></td><td>最大列表长度:20</td><td></td></tr>\
             </table>"
        ));
        assert_eq!(
            p.request[0].limits,
            [
                ("默认值".to_owned(), "0".to_owned()),
                ("最大长度".to_owned(), "64".to_owned())
            ]
        );
        assert_eq!(p.request[0].description.as_deref(), Some("旗帜"));
        assert_eq!(
            p.request[1].limits,
            [("最大列表长度".to_owned(), "20".to_owned())]
        );
    }

    #[test]
    fn nested_rows_in_a_spanning_row() {
        let p = page(&format!(
            "{TITLE}<h2>响应参数</h2><table>{RESP_HEAD}\
             <tr><td>result</td><td>IotResult</td><td>result</td><td>结果DTO</td></tr>\
             <tr><td colspan=\"4\">\
               <ul><li>data</li><li>OssTokenDto</li><li>data</li><li>结果DTO</li></ul>\
               <ul><li>└ access_key_id</li><li>String</li><li>abc</li><li>密钥id</li></ul>\
               <ul><li>carriage</li><li>CarriageDetail</li><li>资费</li></ul>\
               <ul><li>└ └ deep</li><li>Number</li><li></li><li>深</li></ul>\
             </td></tr></table>"
        ));
        let mut result = row("result", "IotResult", 0);
        result.example = Some("result".into());
        result.description = Some("结果DTO".into());
        let mut data = row("data", "OssTokenDto", 1);
        data.example = Some("data".into());
        data.description = Some("结果DTO".into());
        let mut key = row("access_key_id", "String", 2);
        key.example = Some("abc".into());
        key.description = Some("密钥id".into());
        let mut carriage = row("carriage", "CarriageDetail", 1);
        carriage.description = Some("资费".into());
        carriage.lone_value = true;
        let mut deep = row("deep", "Number", 3);
        deep.description = Some("深".into());
        assert_eq!(no_lines(&p.response), [result, data, key, carriage, deep]);
    }

    #[test]
    fn nested_rows_in_the_parent_cell_and_nested_lists() {
        // Lists in the parent's description cell, and a list inside a list item.
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
             <tr><td>req</td><td>Req</td><td>必须</td><td></td><td><ul><li>最大列表长度:9</li></ul></td>\
             <td>入参<ul><li>list</li><li>Item []</li><li>必须</li><li>列表\
             <ul><li>└ id</li><li>Number</li><li>可选</li><li>1</li><li>最大值:9</li><li>编号</li><li>第二行</li></ul>\
             </li></ul></td></tr></table>"
        ));
        let mut req = row("req", "Req", 0);
        req.required = Some(true);
        req.description = Some("入参".into());
        req.limits = vec![("最大列表长度".into(), "9".into())];
        let mut list = row("list", "Item []", 1);
        list.required = Some(true);
        list.description = Some("列表".into());
        list.lone_value = true;
        let mut id = row("id", "Number", 2);
        id.required = Some(false);
        id.example = Some("1".into());
        id.limits = vec![("最大值".into(), "9".into())];
        id.description = Some("编号\n第二行".into());
        assert_eq!(no_lines(&p.request), [req, list, id]);
    }

    #[test]
    fn a_list_of_values_in_a_description_is_text() {
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
             <tr><td>t</td><td>String</td><td>可选</td><td>cod</td><td></td>\
             <td>可选值：<ul><li>cod(货到付款)</li><li>online(在线下单)</li></ul></td></tr></table>"
        ));
        assert_eq!(p.request.len(), 1);
        assert_eq!(
            p.request[0].description.as_deref(),
            Some("可选值:\ncod(货到付款)\nonline(在线下单)")
        );
    }

    #[test]
    fn br_in_cells_and_entities() {
        let p = page(&format!(
            "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
             <tr><td> binds\n </td><td>String</td><td>可选</td><td>pid:vid;pid:vid</td><td></td>\
             <td>第一行<br/>第二行<br>&lt;b&gt; &amp;amp; &quot;q&quot; &#x4E2D;&#25991;&nbsp;x</td></tr></table>"
        ));
        assert_eq!(
            p.request[0].description.as_deref(),
            Some("第一行\n第二行\n<b> &amp; \"q\" 中文 x")
        );
        assert_eq!(p.request[0].name, "binds");
    }

    #[test]
    fn examples_from_pre_with_lines_and_tabs_ignored() {
        let p = page(&format!(
            "{TITLE}<h2>请求示例</h2><ul class=\"tabs\"><li>JAVA</li><li>.NET</li></ul>\
             <pre><code>TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
             req.setName(&quot;x&quot;);\n</code></pre>\
             <h2>响应示例</h2><ul><li>XML示例</li><li>JSON示例</li></ul>\
             <pre><code>&lt;a_response&gt;\n    &lt;b&gt;1&lt;/b&gt;\n&lt;/a_response&gt;</code></pre>\
             <pre style=\"display: none\">{{\"hidden\":1}}</pre>\
             <h2>异常示例</h2><div><pre>{{\n\t\"error_response\":{{}}\n}}</pre><ol><li>1</li><li>2</li></ol></div>"
        ));
        assert_eq!(
            p.request_example.as_deref(),
            Some(
                "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
                 req.setName(\"x\");"
            )
        );
        assert_eq!(
            p.response_xml.as_deref(),
            Some("<a_response>\n    <b>1</b>\n</a_response>")
        );
        assert_eq!(p.response_json, None);
        assert_eq!(
            p.error_json.as_deref(),
            Some("{\n\t\"error_response\":{}\n}")
        );
        assert_eq!(p.error_xml, None);
    }

    #[test]
    fn code_lines_as_elements_and_br() {
        let p = page(&format!(
            "{TITLE}<h2>响应示例</h2><pre><div class=\"line\">&lt;x&gt;</div><div class=\"line\">  \
             &lt;y/&gt;</div><span>&lt;/x&gt;</span></pre>\
             <h2>异常示例</h2><pre>&lt;error_response&gt;<br>&lt;/error_response&gt;</pre>"
        ));
        assert_eq!(p.response_xml.as_deref(), Some("<x>\n  <y/>\n</x>"));
        assert_eq!(
            p.error_xml.as_deref(),
            Some("<error_response>\n</error_response>")
        );
    }

    #[test]
    fn java_tab_is_chosen_among_several_shown_tabs() {
        let p = page(&format!(
            "{TITLE}<h2>请求示例</h2><pre>curl -X POST x</pre>\
             <pre>TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);</pre>\
             <pre>$c = new TopClient;</pre>"
        ));
        assert_eq!(
            p.request_example.as_deref(),
            Some("TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);")
        );
    }

    #[test]
    fn chrome_is_ignored() {
        let p = page(&format!(
            "<nav><h1>taobao.nav.item (导航)</h1><h2>请求参数</h2></nav>\
             <aside><pre>&lt;x/&gt;</pre></aside><script>var h = '<h1>a.b (c)</h1>';</script>\
             {TITLE}<div hidden><h2>响应示例</h2></div><button>API测试</button><p>描述</p>\
             <footer>© 淘宝</footer>"
        ));
        assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
        assert_eq!(p.description.as_deref(), Some("描述\n© 淘宝"));
        assert_eq!(p.sections, [Section::Header]);
    }

    #[test]
    fn mirror_layout_title_and_api_name_section() {
        let p = page(
            "<div class=\"logo\"><h1>淘宝客API</h1></div><h1>获取淘宝系统当前时间</h1>\
             <h2>接口名称</h2><p>taobao.time.get</p><h2>调用方法</h2><p>https://x/?a=1&amp;b=2</p>\
             <h2>请求参数</h2><table><tr><th>名称</th><th>类型</th><th>必须</th><th>示例值</th><th>描述</th></tr></table>",
        );
        assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
        assert_eq!(p.title.as_deref(), Some("获取淘宝系统当前时间"));
        assert_eq!(p.description, None);
        assert_eq!(p.sections, [Section::Header, Section::Request]);
        assert!(p.request.is_empty());
    }

    #[test]
    fn row_lines_are_source_lines() {
        let html = "<html><body>\n<h1>a.b (c)</h1>\n<h2>响应参数</h2>\n<table>\n\
                    <tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr>\n\
                    <tr>\n<td>x</td><td>T</td><td></td><td></td></tr>\n\
                    <tr><td colspan=\"4\">\n\n<ul\n class=\"n\"><li>└ y</li><li>String</li></ul></td></tr>\n\
                    </table></body></html>";
        let p = read(Path::new("t.html"), html).unwrap();
        assert_eq!(p.response.len(), 2);
        assert_eq!(p.response[0].line, 6);
        // The nested row's `<ul` starts on line 10 and its start tag ends on line 11.
        assert_eq!(p.response[1].line, 11);
    }

    #[test]
    fn normalisation_is_nfkc() {
        assert_eq!(
            clean_text("（买家，卖家）：\u{3000}a\u{a0}\u{a0}b"),
            "(买家,卖家): a b"
        );
        assert_eq!(clean_code("\n\n  a\u{ff1a} \r\n\tb  \n\n"), "  a:\n\tb");
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let path = Path::new("pages/x.html");
        let msg = |html: &str| read(path, html).unwrap_err().to_string();
        assert_eq!(
            msg(""),
            "pages/x.html: the file is empty; expected a TOP API doc page saved as HTML"
        );
        assert!(msg(" \n\t").contains("the file is empty"));
        let nul = msg("<html>\nab\0cd");
        assert!(
            nul.starts_with("pages/x.html:2:3: binary data (a NUL byte)"),
            "{nul}"
        );
        assert!(msg("taobao.time.get (获取时间)\n请求参数").contains("no HTML markup"));
        let not_top = msg("<html><body><h1>Hello</h1><h2>FAQ</h2><table></table></body></html>");
        assert!(not_top.contains("not a TOP API doc page"), "{not_top}");
    }

    #[test]
    fn common_params_heading_alone_is_a_top_page() {
        let p = read(Path::new("t.html"), "<h2>公共参数</h2>").unwrap();
        assert_eq!(p.sections, Vec::<Section>::new());
    }
}
