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
pub(crate) fn lines(text: &str) -> Vec<String> {
    description_to_markdown(text)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A description as Markdown on one line, for text that continues a line.
pub(crate) fn line(text: &str) -> String {
    description_to_markdown_line(text)
}

/// The doc blocks of one rendering, passed to every render function that writes docs: each
/// [`DocBlocks::attrs`] block becomes one placeholder attribute (see
/// [`crate::format::DOC_MARK`]) and its lines are kept here by index, for
/// [`crate::format::rust_file_with_docs`] to put in place after formatting. Long descriptions
/// (Chinese text above all) then cost neither escaping into a literal, nor parsing back, nor
/// printing, which were a third of the generator's time.
#[derive(Debug, Default)]
pub(crate) struct DocBlocks(Vec<Vec<String>>);

impl DocBlocks {
    /// No blocks yet.
    pub(crate) fn new() -> DocBlocks {
        DocBlocks::default()
    }

    /// The blocks by index, as [`crate::format::rust_file_with_docs`] takes them.
    pub(crate) fn blocks(&self) -> &[Vec<String>] {
        &self.0
    }

    /// A doc attribute for lines that are already Markdown (nothing for no lines): each line
    /// gets the leading space that makes prettyplease print `/// text`.
    pub(crate) fn attrs<'a>(&mut self, lines: impl IntoIterator<Item = &'a str>) -> TokenStream {
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
        self.0.push(lines);
        let placeholder = format!("{}{}", crate::format::DOC_MARK, self.0.len() - 1);
        quote!(#[doc = #placeholder])
    }
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
    fn doc_blocks_are_placeholders_with_a_leading_space() {
        let mut docs = DocBlocks::new();
        let a = docs.attrs(["first", "", "second"]);
        let none = docs.attrs([]);
        let b = docs.attrs(["third"]);
        assert!(none.is_empty());
        assert_eq!(
            docs.blocks(),
            [vec![" first", "", " second"], vec![" third"]]
        );
        let text = quote!(#a #b).to_string();
        assert_eq!(text.matches("# [doc").count(), 2, "{text}");
        assert!(
            text.contains("topgen-doc-0") && text.contains("topgen-doc-1"),
            "{text}"
        );
    }
}
