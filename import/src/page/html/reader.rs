//! Reading the page: the title, the description, the sections in page order and the
//! examples; the parameter tables are read in [`super::table`].

use super::dom::{Doc, IN_ITEM, IN_PRE, IN_TABLE, clean_text, non_empty};
use crate::page::{DocPage, Rendering, Section};

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

pub(super) struct Reader<'d> {
    pub(super) doc: &'d Doc,
}

impl Reader<'_> {
    /// The page, and whether it has any of the TOP page's own headings (公共参数 … 异常示例,
    /// 接口名称).
    pub(super) fn page(&self) -> (DocPage, bool) {
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
}

/// `api.name` or `api.name (中文名)` (the closing parenthesis may be cut off).
pub(super) fn parse_title(text: &str) -> Option<(String, Option<String>)> {
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
