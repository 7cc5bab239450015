//! What rustdoc sees: the output parsed by pulldown-cmark with rustdoc's options, and every
//! construct in it that rustdoc would warn about or that the description did not ask for.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The Markdown constructs an input may legitimately produce.
pub(crate) struct Allowed {
    lists: bool,
    emphasis: bool,
    links: bool,
}

impl Allowed {
    pub(crate) fn from_input(input: &str) -> Allowed {
        let lower = input.to_ascii_lowercase();
        Allowed {
            lists: lower.contains("<li"),
            emphasis: ["<b", "<strong", "<i", "<em"]
                .iter()
                .any(|t| lower.contains(t)),
            links: lower.contains("<a"),
        }
    }
}

/// Everything in `md` that rustdoc would warn about or that the description did not ask for.
pub(crate) fn problems(md: &str, allowed: &Allowed) -> Vec<String> {
    let mut found = Vec::new();
    // Raw `<` (not escaped) only as an autolink.
    let bytes = md.as_bytes();
    for (i, _) in md.match_indices('<') {
        let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
        let rest = &bytes[i + 1..];
        let autolink = ["http://", "https://", "mailto:"].iter().any(|s| {
            rest.get(..s.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(s.as_bytes()))
        });
        if backslashes % 2 == 0 && !autolink {
            found.push(format!("raw `<` at {i}"));
        }
    }
    let mut item_indent = 0;
    for (n, line) in md.split('\n').enumerate() {
        // Trimmed, except a list item's continuation, indented under the item's text.
        let marker = line.strip_prefix("- ").map(|_| 2).or_else(|| {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
        });
        let indent = line.len() - line.trim_start().len();
        if line.trim_end() != line || (indent > 0 && indent != item_indent) {
            found.push(format!("line {n} not trimmed"));
        }
        if let Some(width) = marker {
            item_indent = width;
        } else if line.is_empty() {
            item_indent = 0;
        }
        if line.chars().any(|c| c.is_control()) {
            found.push(format!("line {n} has a control character"));
        }
    }
    if md.starts_with('\n') || md.ends_with('\n') || md.contains("\n\n\n") {
        found.push("blank lines at an end or doubled".into());
    }
    let mut broken = Vec::new();
    let mut in_link = 0;
    let mut text = String::new();
    {
        let parser = Parser::new_with_broken_link_callback(
            md,
            rustdoc_options(),
            Some(|b: pulldown_cmark::BrokenLink<'_>| {
                broken.push(b.reference.to_string());
                None
            }),
        );
        for event in parser {
            if !matches!(event, Event::Text(_)) && in_link == 0 {
                bare_url(&text, &mut found);
                text.clear();
            }
            match event {
                Event::Text(t) if in_link == 0 => text.push_str(&t),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) => {
                    in_link += 1;
                    let lower = dest_url.to_ascii_lowercase();
                    let scheme_ok = ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|s| lower.starts_with(s));
                    let kind_ok = match link_type {
                        LinkType::Autolink | LinkType::Email => true,
                        LinkType::Inline => allowed.links,
                        _ => false,
                    };
                    if !scheme_ok || !kind_ok {
                        found.push(format!("link {link_type:?} to {dest_url}"));
                    }
                }
                Event::End(TagEnd::Link) => in_link -= 1,
                Event::Start(Tag::List(_) | Tag::Item) if !allowed.lists => {
                    found.push("a list".into())
                }
                Event::Start(Tag::Emphasis | Tag::Strong) if !allowed.emphasis => {
                    found.push("emphasis".into())
                }
                Event::Start(
                    tag @ (Tag::Heading { .. }
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::Table(_)
                    | Tag::Image { .. }
                    | Tag::Strikethrough
                    | Tag::FootnoteDefinition(_)
                    | Tag::HtmlBlock),
                ) => found.push(format!("{tag:?}")),
                event @ (Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Code(_)
                | Event::Rule
                | Event::TaskListMarker(_)
                | Event::FootnoteReference(_)) => found.push(format!("{event:?}")),
                _ => {}
            }
        }
        bare_url(&text, &mut found);
    }
    if !broken.is_empty() {
        found.push(format!("reference links rustdoc would resolve: {broken:?}"));
    }
    found
}

/// A URL in text outside links: what `rustdoc::bare_urls` warns about (checked more strictly
/// than rustdoc's pattern: any scheme followed by a letter or digit).
fn bare_url(text: &str, found: &mut Vec<String>) {
    let lower = text.to_ascii_lowercase();
    for scheme in ["http://", "https://"] {
        for (i, _) in lower.match_indices(scheme) {
            if lower[i + scheme.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                found.push(format!("bare URL in {text:?}"));
            }
        }
    }
}

/// The visible characters of `md` as rustdoc shows them (text, link text, autolinks), without
/// whitespace. Smart punctuation is on: `"` and `--` must come out as written; the curly
/// apostrophes and the ellipsis it makes of `'` and `...` are mapped back.
pub(crate) fn visible(md: &str) -> String {
    Parser::new_ext(md, rustdoc_options())
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect::<String>()
        .replace(['‘', '’'], "'")
        .replace('…', "...")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}
