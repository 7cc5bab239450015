//! `topgen_import::page::html::read` over doc pages saved as HTML
//! (`tests/fixtures/pages-html/`, the HTML of the pages whose text copies are in
//! `tests/fixtures/pages`): each fixture reads to the exact `DocPage` the page shows. Where
//! sections and rows are located, bad input and garbled HTML are in `import_html_robust.rs`.

#[path = "../common/mod.rs"]
mod common;
mod pages;
mod seed;

use common::html_fixture as source;
use topgen_import::page::html::read;
use topgen_import::page::{DocPage, Rendering, Row, Section};

/// The fixture's page; where sections start and where the page is cut are checked by
/// `sections_and_cut_off_are_located` (`import_html_robust.rs`), so they are cleared here.
fn read_fixture(api: &str) -> DocPage {
    let (path, text) = source(api);
    let mut page = read(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    page.section_lines.clear();
    page.cut_off = None;
    page
}

/// The page with every row's line set to 0 (lines are checked by
/// `row_lines_point_at_rows`, `import_html_robust.rs`).
fn without_lines(mut page: DocPage) -> DocPage {
    for row in page.request.iter_mut().chain(page.response.iter_mut()) {
        row.line = 0;
    }
    page
}

/// A row: name, type, 是否必须 (request rows), example, description, depth.
fn row(
    name: &str,
    ty: &str,
    required: Option<bool>,
    example: Option<&str>,
    description: Option<&str>,
    depth: u32,
) -> Row {
    Row {
        name: name.into(),
        ty: ty.into(),
        required,
        example: example.map(Into::into),
        description: description.map(Into::into),
        limits: Vec::new(),
        depth,
        line: 0,
        lone_value: false,
    }
}

fn limits(mut row: Row, limits: &[(&str, &str)]) -> Row {
    row.limits = limits
        .iter()
        .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
        .collect();
    row
}

fn at(mut row: Row, line: usize) -> Row {
    row.line = line;
    row
}

const MUST: Option<bool> = Some(true);
const OPT: Option<bool> = Some(false);

fn page(name: &str, title: &str, description: Option<&str>) -> DocPage {
    DocPage {
        name: Some(name.into()),
        title: Some(title.into()),
        description: description.map(Into::into),
        ..DocPage::empty(Rendering::Html)
    }
}

const ALL_SECTIONS: [Section; 6] = [
    Section::Header,
    Section::Request,
    Section::Response,
    Section::RequestExample,
    Section::ResponseExample,
    Section::ErrorExample,
];

const ERROR_XML: &str = "<error_response>
    <code>50</code>
    <msg>Remote service error</msg>
    <sub_code>isv.invalid-parameter</sub_code>
    <sub_msg>非法参数</sub_msg>
</error_response>";
