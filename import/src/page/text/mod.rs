//! Reads a TOP doc page saved as text (a browser copy or a text extractor's output) into a
//! [`DocPage`], in either rendering:
//!
//! - **bullet**: a title line `api.name (中文名)`, the description, then `请求参数` /
//!   `响应参数` tables whose top-level rows are one line each (`name Type 必须 example
//!   description`) and whose nested rows are runs of `  • ` lines (`• └ name`, `• Type`,
//!   `• 必须`, `• example`, limit bullets such as `• 最大长度:64`, `• description`); the
//!   examples follow their headings as multi-line code. The mirror variant with `# ` headings
//!   (`# 接口名称`, `# 请求参数`, …) is read the same way.
//! - **pipe**: `名称 | 类型 | …` tables without a title line, trees collapsed to the top-level
//!   rows, and the examples flattened onto one line each behind a line-number gutter
//!   (`1 2 3 … | code |`), XML with spaced tags (`< tag >`, `</ tag >`); the reader restores
//!   them to multi-line code.
//!
//! The reader records what the page shows and nothing more: which rows are nested how deep
//! (by the page's marks), which sections are there, and where the text stops when it was cut.
//! Chrome that is not part of the API's documentation (the breadcrumb `文档中心 > …`, notices,
//! the example tabs `• JAVA`, `• XML示例`) is skipped.

mod bullet;
mod pipe;
mod rows;
#[cfg(test)]
mod tests;

use super::{DocPage, Section};
use bullet::read_bullet;
use pipe::{pipe_header, read_pipe};
use std::path::Path;
use topgen_spec::Error;

/// Reads a doc page's text. Fails only when the text is not a TOP doc page: empty, binary,
/// or without any of a title line, a parameter table or an example.
pub fn read(path: &Path, text: &str) -> Result<DocPage, Error> {
    let fail = |line: Option<usize>, message: String| Error::Syntax {
        path: path.to_owned(),
        location: line.map(|l| (l, 1)),
        field: String::new(),
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(fail(
            None,
            "the file is empty; expected a TOP doc page as text".into(),
        ));
    }
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(fail(
                Some(n + 1),
                format!(
                    "binary data (control character U+{:04X}), not a TOP doc page as text",
                    c as u32
                ),
            ));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let page = if lines.iter().any(|l| pipe_header(l).is_some()) {
        read_pipe(&lines)
    } else {
        read_bullet(&lines)
    };
    let recognised = page.name.is_some()
        || page.sections.contains(&Section::Request)
        || page.sections.contains(&Section::Response)
        || page.request_example.is_some()
        || page.response_xml.is_some()
        || page.response_json.is_some();
    if !recognised {
        return Err(fail(
            None,
            "not a TOP doc page: no title line (`api.name (中文名)`), no parameter table \
             (`名称 类型 …`) and no request or response example"
                .into(),
        ));
    }
    Ok(page)
}

fn add_section(page: &mut DocPage, section: Section, line: usize) {
    if !page.sections.contains(&section) {
        page.sections.push(section);
        page.section_lines.insert(section, line);
    }
}

fn join_lines(lines: &[&str]) -> Option<String> {
    let text = lines.join("\n");
    (!text.trim().is_empty()).then(|| text.trim().to_owned())
}

fn last_line(lines: &[&str]) -> Option<usize> {
    lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map(|i| i + 1)
}

/// The page as read: its sections in page order and, when the text stops before the page's
/// end, where.
fn finish(mut page: DocPage, lines: &[&str], complete: bool) -> DocPage {
    page.sections
        .sort_by_key(|s| page.section_lines.get(s).copied());
    if !complete {
        page.cut_off = last_line(lines);
        settle_cut_row(&mut page);
    }
    page
}

/// The row the cut-off text stops in, with one value after its type (and 必须/可选): the
/// cells come in the order 示例值, 更多限制, 描述 and the text stops part-way, so that value
/// is the example (the HTML of such a page shows it in the 示例值 column).
fn settle_cut_row(page: &mut DocPage) {
    let Some(cut) = page.cut_off else { return };
    for rows in [&mut page.request, &mut page.response] {
        if let Some(row) = rows.last_mut()
            && row.line == cut
            && row.lone_value
            && row.example.is_none()
        {
            row.example = row.description.take();
            row.lone_value = false;
        }
    }
}
