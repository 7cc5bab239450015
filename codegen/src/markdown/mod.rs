//! TOP descriptions → rustdoc Markdown.
//!
//! TOP's descriptions are HTML fragments written by hand (`<br/>`, `<a href>`, `<li>`,
//! `<font color=red>`, `&quot;`) mixed with text that only looks like HTML or Markdown
//! (`List<String>`, `a<b`, `[x]`, `*`, `1. `, bare URLs). [`description_to_markdown`] turns one
//! description into Markdown that rustdoc renders as the page meant and never warns about:
//!
//! - Tags, case-insensitive: `<br>` (any spelling, also `</br>`) is a line break (a hard break,
//!   `\` at the end of the line); two of them, a blank line in the text, `<p>`, `<hr>`,
//!   `<h1>`…`<h6>`, `<table>`, `<pre>` and `<blockquote>` start a new paragraph; `<div>`, `<tr>`,
//!   `<dt>`, `<dd>` and `</li>` end the line. A newline in the text is a line break too, except
//!   next to a `<br>`, which already is one. `<ul>`/`<ol>` hold `- ` / `1. ` items (`<ol start>`
//!   is kept; nested lists are flattened; inside an item, paragraphs become line breaks).
//!   `<a href="u">t</a>` becomes `[t](u)` when `u` is an `http`, `https` or `mailto` URL (`<u>`
//!   when `t` is empty or `u` itself); any other `<a>` keeps only its text. `<b>`/`<strong>`
//!   become `**…**` and `<i>`/`<em>` `*…*`, when Markdown's rules let them (otherwise the
//!   text stays, plain). `<img>` becomes its `alt` text; comments and `<script>`/`<style>` are
//!   dropped with their content (when closed; an unclosed one is text); `<td>`/`<th>` are a
//!   space; every other HTML tag (`<font>`, `<span>`, `<u>`, `<code>`…) is dropped and its text
//!   kept.
//! - Entities (`&lt;`, `&quot;`, `&hellip;`, `&#39;`, `&#x4e2d;`…) are decoded; what they
//!   decode to is text, so `&lt;br&gt;` shows as `<br>`.
//! - Anything else in angle brackets is text: a name that is not an HTML tag (`<String>`,
//!   `<T>`, `<status>`), a tag name in mixed case (`<Object>`, `<Map>`), a one-letter tag
//!   other than `<p>` right after a letter or digit and never closed (`List<B>`), a `<` that
//!   starts no tag (`a<b`, `<=`).
//! - Text is escaped where Markdown or rustdoc would read syntax: `\`, `` ` ``, `*`, `[`, `]`,
//!   `<`, `~` always; `_` unless between two letters or digits (`m_request_id` stays); `&`
//!   when an entity follows; `!` before a link; at the start of a line `#`, `>`, `+ `, `- `,
//!   `1. `/`1) `, and lines of only `-`, `=`, `:` and `|` (rules, setext underlines, table
//!   delimiter rows). `"` and the second `-` of `--` are escaped too, or rustdoc's smart
//!   punctuation would print JSON examples with curly quotes and `--` as a dash. Bare
//!   `http(s)://` URLs become autolinks `<…>` (`rustdoc::bare_urls`).
//! - Output: lines trimmed (so no indented code blocks), except that a line continuing a list
//!   item is indented under the item's text (as clippy's `doc_lazy_continuation` asks); runs of
//!   blank lines collapsed, no leading or trailing blank line, whitespace runs collapsed to one
//!   space, control and bidirectional-override characters removed (rustc rejects the latter in
//!   comments).
//!
//! The result has no raw HTML, no code spans or blocks, no headings, tables or block quotes,
//! and no `[…]` that rustdoc would try to resolve as an intra-doc link. The conversion is
//! deterministic and total: any input gives some output, never a panic.

// In stages: `tokens` (HTML tags and text, entities decoded) → `writer` (lines of pieces: text
// and inline markup) → `lines` (Markdown lines), which keeps the emphasis Markdown reads
// (`emphasis`) and escapes the text (`escape`).
mod emphasis;
mod escape;
mod lines;
mod tokens;
mod writer;

use lines::assemble;
use tokens::tokenize;
use writer::Writer;

/// Converts one TOP description (HTML fragments and plain text) into rustdoc Markdown: one
/// string, lines separated by `\n`, no leading or trailing blank line; empty for a blank
/// description. See the [module docs](self) for the rules.
pub fn description_to_markdown(text: &str) -> String {
    let mut writer = Writer::default();
    for token in tokenize(text) {
        writer.token(token);
    }
    assemble(writer.finish())
}

/// [`description_to_markdown`] on one line, for text that continues a line (a title after
/// ``TOP API `x`: ``): line breaks become spaces and paragraphs are joined.
pub fn description_to_markdown_line(text: &str) -> String {
    let markdown = description_to_markdown(text);
    let lines: Vec<&str> = markdown
        .lines()
        .map(|l| strip_hard_break(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// A line without the `\` that makes it end in a hard break (an odd number of trailing
/// backslashes: escaped ones come in pairs).
fn strip_hard_break(line: &str) -> &str {
    let backslashes = line.len() - line.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        &line[..line.len() - 1]
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_tags_after_a_letter_are_type_parameters_unless_closed() {
        let md = description_to_markdown;
        assert_eq!(md("List<B>"), "List\\<B>");
        assert_eq!(md("Map<K,V> Result<I>"), "Map\\<K,V> Result\\<I>");
        assert_eq!(md("t<b>x</B>"), "t**x**");
        assert_eq!(md("t<b class=x>y"), "t**y**");
        assert_eq!(md("t<p>x"), "t\n\nx");
        assert_eq!(md("：<b>x"), "：**x**");
        assert_eq!(md("t<br>x"), "t\\\nx");
    }

    #[test]
    fn emphasis_that_markdown_would_not_read_is_fixed_or_dropped() {
        let md = description_to_markdown;
        assert_eq!(md("(<strong>注：</strong>属性)"), "(**注**：属性)");
        assert_eq!(md("a <b> x </b>b"), "a **x** b");
        assert_eq!(md("<b></b>x<b> </b>"), "x");
        assert_eq!(md("见<b>¥5</b>元"), "见¥**5**元");
        assert_eq!(
            md("见<b><a href=\"http://a.cn\">链接</a></b>"),
            "见[链接](http://a.cn)"
        );
        assert_eq!(md("<b><i>x</i></b>"), "***x***");
        assert_eq!(md("<b>a<i>b</b>c</i>"), "**a*b***c");
    }

    #[test]
    fn hard_breaks_only_inside_a_paragraph() {
        assert_eq!(description_to_markdown_line("a<br>b<p>c"), "a b c");
        assert_eq!(description_to_markdown_line("a\\<br>b"), "a\\\\ b");
        assert_eq!(strip_hard_break("a\\\\"), "a\\\\");
        assert_eq!(strip_hard_break("a\\\\\\"), "a\\\\");
    }
}
