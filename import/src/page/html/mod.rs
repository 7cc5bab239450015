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
//!
//! [`Row::line`]: super::Row::line

mod dom;
mod reader;
mod sink;
mod table;
#[cfg(test)]
mod tests;

use super::DocPage;
use dom::Doc;
use reader::Reader;
use std::path::Path;
use topgen_spec::Error;

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
    if let Some((line, why)) = nested_too_deep(html) {
        return Err(unusable(
            path,
            Some((line, 1)),
            &format!("{why}; TOP's pages nest a few dozen levels, so this is not a page to import"),
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

/// The deepest nesting of elements an HTML page may have (real pages: a few dozen).
pub const MAX_HTML_DEPTH: usize = 4_000;

/// The most work html5ever's tree builder may be given, counted as the depth of open elements
/// summed over the start tags (its scope checks walk that stack): a page of 100,000 tags may
/// nest 640 deep on average, one of 1,000 tags [`MAX_HTML_DEPTH`] deep.
const MAX_HTML_WORK: usize = 64_000_000;

/// The 1-based line of the first start tag that nests deeper than [`MAX_HTML_DEPTH`] or
/// makes the work more than [`MAX_HTML_WORK`], and which, if any: found in one pass before
/// html5ever parses (its time grows with depth × tags, so this bounds it). Void elements, elements whose end tag may be left out (`<p>`, `<li>`,
/// `<td>`…, which the parser closes itself) and raw text (`<script>`, `<style>`, comments)
/// are not counted, so the count never exceeds the parser's stack of open elements by much.
fn nested_too_deep(html: &str) -> Option<(usize, String)> {
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "thead",
        "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rtc", "rp", "colgroup", "caption",
        "html", "head", "body",
    ];
    const RAW_TEXT: &[&str] = &[
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "plaintext",
    ];
    let lower = html.to_ascii_lowercase();
    let b = lower.as_bytes();
    let find = |from: usize, what: &str| lower[from..].find(what).map(|n| from + n);
    let name_at = |from: usize| {
        let end = b[from..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_')))
            .map_or(b.len(), |n| from + n);
        &lower[from..end]
    };
    let (mut depth, mut work, mut tags, mut i) = (0usize, 0usize, 0usize, 0usize);
    let line = |at: usize| html[..at].matches('\n').count() + 1;
    while let Some(lt) = find(i, "<") {
        i = lt + 1;
        let rest = &lower[lt..];
        if rest.starts_with("<!--") {
            i = find(lt + 4, "-->").map_or(b.len(), |n| n + 3);
        } else if rest.starts_with("</") {
            let name = name_at(lt + 2);
            if !name.is_empty() && !UNCOUNTED.contains(&name) {
                depth = depth.saturating_sub(1);
            }
        } else if b.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            tags += 1;
            let name = name_at(lt + 1);
            let Some(gt) = find(lt, ">") else { break };
            i = gt + 1;
            if RAW_TEXT.contains(&name) {
                i = find(i, &format!("</{name}")).unwrap_or(b.len());
            } else if !UNCOUNTED.contains(&name) && b[gt - 1] != b'/' {
                depth += 1;
                if depth > MAX_HTML_DEPTH {
                    let why = format!("elements nested more than {MAX_HTML_DEPTH} deep");
                    return Some((line(lt), why));
                }
            }
            work += depth;
            if work > MAX_HTML_WORK {
                let why = format!(
                    "elements nested too deep for their number (nested more than {} deep on \
                     average up to here); html5ever would take too long",
                    work / tags.max(1)
                );
                return Some((line(lt), why));
            }
        }
    }
    None
}

/// Whether the text has at least one tag, comment or doctype (`<` then a letter, `/`, `!`).
fn has_markup(html: &str) -> bool {
    html.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
}
