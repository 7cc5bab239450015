//! Tokens: text (entities decoded) and the HTML tags the conversion knows.

use std::mem;

/// Longest tag read as a tag; a longer `<…` is text.
const MAX_TAG_LEN: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Text(String),
    Tag(Tag),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tag {
    /// Lower case, one of [`HTML_TAGS`].
    pub(super) name: &'static str,
    pub(super) close: bool,
    /// Lower-case names, entity-decoded values.
    attrs: Vec<(String, String)>,
}

impl Tag {
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
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

pub(super) fn tokenize(input: &str) -> Vec<Token> {
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
}
