//! TOP doc pages (the page as text, in its "bullet" and "pipe" renderings, or as saved HTML) →
//! [`topgen_spec::spec::Spec`].
//!
//! Two steps: a reader per source kind turns the page into a [`DocPage`] — what the page
//! says, row by row, with nothing interpreted — and one shared interpreter turns a
//! [`DocPage`] into a spec (types, nesting decided by the XML example, warnings for what is
//! missing or guessed). Because both readers stop at the same [`DocPage`], the text and the
//! HTML of one page import to the same spec.
//!
//! [`text::read`] reads the text renderings; [`interpret::interpret`] is the interpreter.

pub mod interpret;
mod java;
mod json;
pub mod text;
mod xml;

pub use interpret::interpret;

use std::collections::BTreeMap;

pub mod html;

/// Which rendering of a doc page a [`DocPage`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// Text with a title line and nested rows as runs of `  • ` lines.
    Bullet,
    /// Text with `名称 | 类型 | …` tables and one-line examples with a line-number gutter.
    Pipe,
    /// The page saved as HTML from the browser.
    Html,
}

/// The sections of a doc page, in page order; used to tell what a cut-off page lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Title line and description.
    Header,
    /// `请求参数` table.
    Request,
    /// `响应参数` table.
    Response,
    /// `请求示例` (Java).
    RequestExample,
    /// `响应示例` (XML, sometimes JSON).
    ResponseExample,
    /// `异常示例`.
    ErrorExample,
}

/// One row of a parameter table, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The name cell without the `└ ` marks.
    pub name: String,
    /// The type cell as written (`String`, `IotResult`, `DeviceCorpusTopDto []`).
    pub ty: String,
    /// Request rows: `必须` → `Some(true)`, `可选` → `Some(false)`; response rows: `None`.
    pub required: Option<bool>,
    /// The example cell, if the row has one.
    pub example: Option<String>,
    /// The description cell.
    pub description: Option<String>,
    /// The 更多限制 cell's entries as (label, value), e.g. (`最大长度`, `64`), (`默认值`, `0`).
    pub limits: Vec<(String, String)>,
    /// How deep the page draws the row: 0 for a row of the table itself, 1 for a nested row
    /// without `└`, 1 + n for a nested row with n `└` marks. Not the real depth (see the
    /// module's interpreter): only what the page shows.
    pub depth: u32,
    /// 1-based line of the row in the source, for warnings.
    pub line: usize,
    /// The row showed one value where both the 示例值 and the 描述 cells belong, and the
    /// source does not tell which it is (the text renderings drop empty cells without a
    /// trace). The reader puts the value in `description`; the interpreter moves it to
    /// `example` when the page's examples or the field's type show that it is one. A reader
    /// that sees the cells (HTML) leaves this `false`.
    pub lone_value: bool,
}

/// How deep the importers follow nesting — of an example's elements or objects, of the
/// `└` rows, of the tree built from them, of an HTML page's elements. TOP's pages nest a few
/// levels; a page nested deeper is refused, so that reading it takes bounded stack and linear
/// time.
pub const MAX_DEPTH: usize = 100;

/// What a doc page says, before interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPage {
    /// The rendering it was read from.
    pub rendering: Rendering,
    /// The API name from the title line (`taobao.time.get`), when the page has one.
    pub name: Option<String>,
    /// The Chinese name from the title line's parentheses.
    pub title: Option<String>,
    /// The description paragraph(s).
    pub description: Option<String>,
    /// Request rows in page order.
    pub request: Vec<Row>,
    /// Response rows in page order.
    pub response: Vec<Row>,
    /// The Java request example, as multi-line code (gutters removed, lines restored).
    pub request_example: Option<String>,
    /// The XML response example, as multi-line XML.
    pub response_xml: Option<String>,
    /// The JSON response example, when the page shows it.
    pub response_json: Option<String>,
    /// The XML error example.
    pub error_xml: Option<String>,
    /// The JSON error example, when the page shows it.
    pub error_json: Option<String>,
    /// The sections found, in page order.
    pub sections: Vec<Section>,
    /// 1-based source line where each section found begins: the title line, a table's
    /// header row, an example's first line of code. For warnings; a reader without lines may
    /// leave it empty.
    pub section_lines: BTreeMap<Section, usize>,
    /// `Some(line)` when the text stops before the page's end (the stored text was cut at a
    /// length): the 1-based last line there is. The last section in `sections` is then
    /// incomplete, and its last row or example may be cut mid-way. `None` when the text runs
    /// to the page's end (its error-code table or footer).
    pub cut_off: Option<usize>,
}

impl DocPage {
    /// A page of this rendering with nothing read from it yet.
    pub fn empty(rendering: Rendering) -> DocPage {
        DocPage {
            rendering,
            name: None,
            title: None,
            description: None,
            request: Vec::new(),
            response: Vec::new(),
            request_example: None,
            response_xml: None,
            response_json: None,
            error_xml: None,
            error_json: None,
            sections: Vec::new(),
            section_lines: BTreeMap::new(),
            cut_off: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Section;

    /// Every section, in page order.
    pub(crate) const ALL_SECTIONS: [Section; 6] = [
        Section::Header,
        Section::Request,
        Section::Response,
        Section::RequestExample,
        Section::ResponseExample,
        Section::ErrorExample,
    ];
}
