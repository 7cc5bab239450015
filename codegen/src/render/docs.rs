//! Spec text → rustdoc.
//!
//! Descriptions and titles come from TOP's pages: HTML fragments mixed with plain text. They go
//! through [`crate::markdown`], which turns the HTML into Markdown and escapes what rustdoc
//! would misread, so every description renders as the page meant and `cargo doc` stays quiet.
//! Doc strings get the leading space that makes prettyplease print `/// text`.

use crate::markdown::{description_to_markdown, description_to_markdown_line};
use proc_macro2::TokenStream;
use quote::quote;
use std::cell::RefCell;

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

thread_local! {
    /// The doc blocks of the rendering under way in this thread, when it collects them
    /// ([`collect`]).
    static BLOCKS: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// Runs `render` with doc blocks collected instead of spelled out: each [`raw_doc_attrs`]
/// block becomes one placeholder attribute (see [`crate::format::DOC_MARK`]) and its lines
/// are returned by index, for [`crate::format::rust_file_with_docs`] to put in place after
/// formatting. Long descriptions (Chinese text above all) then cost neither escaping into a
/// literal, nor parsing back, nor printing, which were a third of the generator's time.
pub fn collect<T>(render: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    let outer = BLOCKS.with(|b| b.replace(Some(Vec::new())));
    let value = render();
    let blocks = BLOCKS.with(|b| b.replace(outer)).unwrap_or_default();
    (value, blocks)
}

/// Doc attributes for lines that are already Markdown.
pub fn raw_doc_attrs<'a>(lines: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect();
    if lines.is_empty() {
        return TokenStream::new();
    }
    let placeholder = BLOCKS.with(|b| {
        b.borrow_mut().as_mut().map(|blocks| {
            blocks.push(lines.clone());
            format!("{}{}", crate::format::DOC_MARK, blocks.len() - 1)
        })
    });
    if let Some(placeholder) = placeholder {
        return quote!(#[doc = #placeholder]);
    }
    let attrs = lines.iter().map(|text| quote!(#[doc = #text]));
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
    fn collected_docs_are_placeholders() {
        let (tokens, blocks) = collect(|| {
            let a = raw_doc_attrs(["first", "", "second"]);
            let none = raw_doc_attrs([]);
            let b = raw_doc_attrs(["third"]);
            quote!(#a #none #b)
        });
        assert_eq!(blocks, [vec![" first", "", " second"], vec![" third"]]);
        let text = tokens.to_string();
        assert_eq!(text.matches("# [doc").count(), 2, "{text}");
        // Outside `collect`, lines are spelled out again.
        assert!(raw_doc_attrs(["x"]).to_string().contains("\" x\""));
    }

    #[test]
    fn doc_attrs_have_a_leading_space() {
        let tokens = raw_doc_attrs(["first", "", "second"]).to_string();
        assert!(tokens.contains("\" first\""), "{tokens}");
        assert!(tokens.contains("\"\""), "{tokens}");
        assert!(tokens.contains("\" second\""), "{tokens}");
    }
}
