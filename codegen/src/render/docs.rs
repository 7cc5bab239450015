//! Spec text → rustdoc.
//!
//! Descriptions are plain text from TOP pages; in rustdoc they are Markdown. Characters that
//! Markdown or rustdoc would read as syntax (`[`, `]`, `<`, `>`, `*`, `` ` ``, `\`, `#` at the
//! start of a line) are escaped, `<br/>` becomes a line break and bare URLs are wrapped in
//! `<…>` so rustdoc links them instead of warning.

use proc_macro2::TokenStream;
use quote::quote;

/// Escapes one line of plain text for Markdown.
pub fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '`' | '\\')
            || (c == '#' && out.trim().is_empty())
        {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of an `http(s)://` URL at the start of `s`, if there is one.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let len = s
        .find(|c: char| c.is_whitespace() || !c.is_ascii() || matches!(c, '<' | '>' | '"' | '\''))
        .unwrap_or(s.len());
    let url = s[..len].trim_end_matches(['.', ',', ';', ')', ']']);
    Some(url.len())
}

/// Splits text into Markdown lines: `<br>` variants and newlines break lines.
pub fn lines(text: &str) -> Vec<String> {
    let text = text
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("<br>", "\n")
        .replace("\r\n", "\n");
    text.lines().map(|l| escape_line(l.trim())).collect()
}

/// Doc attributes for lines that are already Markdown.
pub fn raw_doc_attrs<'a>(lines: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let attrs = lines.into_iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(escape_line("List<String>"), "List\\<String\\>");
        assert_eq!(escape_line("[a] *b* `c`"), "\\[a\\] \\*b\\* \\`c\\`");
        assert_eq!(escape_line("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line("a # b"), "a # b");
        assert_eq!(escape_line("m_request_id"), "m_request_id");
    }

    #[test]
    fn wraps_bare_urls() {
        assert_eq!(
            escape_line("see https://open.taobao.com/doc.htm?id=1. Thanks"),
            "see <https://open.taobao.com/doc.htm?id=1>. Thanks"
        );
        assert_eq!(
            escape_line("链接http://a.b/c，好"),
            "链接<http://a.b/c>，好"
        );
    }

    #[test]
    fn br_breaks_lines() {
        assert_eq!(lines("a<br/>b<br>c"), vec!["a", "b", "c"]);
    }

    #[test]
    fn doc_attrs_have_a_leading_space() {
        let tokens = raw_doc_attrs(["first", "", "second"]).to_string();
        assert!(tokens.contains("\" first\""), "{tokens}");
        assert!(tokens.contains("\"\""), "{tokens}");
        assert!(tokens.contains("\" second\""), "{tokens}");
    }
}
