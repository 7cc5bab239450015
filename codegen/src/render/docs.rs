//! Spec text → rustdoc.
//!
//! Descriptions and titles come from TOP's pages: HTML fragments mixed with plain text. They go
//! through [`crate::markdown`], which turns the HTML into Markdown and escapes what rustdoc
//! would misread, so every description renders as the page meant and `cargo doc` stays quiet.
//! Doc strings get the leading space that makes prettyplease print `/// text`.

use crate::markdown::{description_to_markdown, description_to_markdown_line};
use proc_macro2::TokenStream;
use quote::quote;

/// A description as Markdown lines (blank lines separate paragraphs; none at either end).
pub fn lines(text: &str) -> Vec<String> {
    description_to_markdown(text)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A description as Markdown on one line, for text that continues a line.
pub fn line(text: &str) -> String {
    description_to_markdown_line(text)
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
    fn descriptions_become_markdown_lines() {
        assert_eq!(lines("List<String>"), vec!["List\\<String>"]);
        assert_eq!(lines("[a] *b* `c`"), vec!["\\[a\\] \\*b\\* \\`c\\`"]);
        assert_eq!(lines("# not a heading"), vec!["\\# not a heading"]);
        assert_eq!(lines("m_request_id"), vec!["m_request_id"]);
        assert_eq!(lines("a<br/>b<br>c"), vec!["a\\", "b\\", "c"]);
        assert_eq!(lines("a<p>b"), vec!["a", "", "b"]);
        assert!(lines(" <br/> ").is_empty());
    }

    #[test]
    fn titles_stay_on_one_line() {
        assert_eq!(line("标题<br/>第二行"), "标题 第二行");
        assert_eq!(
            line("见 https://open.taobao.com"),
            "见 <https://open.taobao.com>"
        );
    }

    #[test]
    fn doc_attrs_have_a_leading_space() {
        let tokens = raw_doc_attrs(["first", "", "second"]).to_string();
        assert!(tokens.contains("\" first\""), "{tokens}");
        assert!(tokens.contains("\"\""), "{tokens}");
        assert!(tokens.contains("\" second\""), "{tokens}");
    }
}
