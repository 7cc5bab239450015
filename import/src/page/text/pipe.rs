//! The pipe rendering: `名称 | 类型 | …` tables and one-line examples behind a line-number
//! gutter, restored to multi-line code.

use super::bullet::is_chrome;
use super::rows::{bracket_end, is_field_name, is_type_like, required_flag, values_and_limits};
use super::{add_section, finish, join_lines};
use crate::page::{DocPage, Rendering, Row, Section, java, xml};

/// `名称 | 类型 | 是否必须 | …` → `Some(true)` (request), `名称 | 类型 | 示例值 | …` →
/// `Some(false)`.
pub(super) fn pipe_header(line: &str) -> Option<bool> {
    let t = line.trim().trim_start_matches('|').trim_start();
    let cells: Vec<&str> = t.split('|').map(str::trim).collect();
    (cells.len() >= 3 && cells[0] == "名称" && cells[1] == "类型")
        .then(|| cells.contains(&"是否必须"))
}

/// `错误码 | 错误描述 | 解决方案 |`: the error-code table, the end of the page's docs.
fn is_error_code_header(line: &str) -> bool {
    let t = line.trim().trim_start_matches('|').trim_start();
    t.starts_with("错误码 |") || t.starts_with("错误码|")
}

fn is_separator(t: &str) -> bool {
    t.contains('-') && t.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))
}

/// A line-number gutter: `1 2 3 4 | code |` → `Some(Some("code"))`; a gutter without code
/// (the page stops in it) → `Some(None)`.
pub(super) fn gutter(t: &str) -> Option<Option<&str>> {
    if !t.starts_with("1 ") && t != "1" && !t.starts_with("1 |") {
        return None;
    }
    let (numbers, code) = match t.split_once('|') {
        Some((n, c)) => (n, Some(c)),
        None => (t, None),
    };
    let words: Vec<&str> = numbers.split_whitespace().collect();
    let digits = words
        .iter()
        .take_while(|w| w.chars().all(|c| c.is_ascii_digit()) || **w == "...")
        .count();
    if digits == 0 || (code.is_some() && digits != words.len()) {
        return None;
    }
    Some(code.map(|c| {
        let c = c.trim();
        c.strip_suffix('|').unwrap_or(c).trim()
    }))
}

/// What an example's code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    Java,
    Xml,
    Json,
}

fn code_kind(code: &str) -> Option<Code> {
    let t = code.trim_start();
    if java::is_java(t) {
        Some(Code::Java)
    } else if t.starts_with('<') {
        Some(Code::Xml)
    } else if t.starts_with(['{', '[']) {
        Some(Code::Json)
    } else {
        None
    }
}

pub(super) fn read_pipe(lines: &[&str]) -> DocPage {
    let mut page = DocPage::empty(Rendering::Pipe);
    let mut description: Vec<&str> = Vec::new();
    let mut first_description_line = None;
    // The rows being read: (is_request, [(line, cells…)]).
    let mut table: Option<bool> = None;
    let mut pending: Vec<(usize, Vec<String>)> = Vec::new();
    let mut requests: Vec<Row> = Vec::new();
    let mut responses: Vec<Row> = Vec::new();
    let mut complete = false;
    let mut examples: Vec<(usize, Code, String)> = Vec::new();
    let mut seen_table = false;
    let mut i = 0;
    let flush = |table: Option<bool>,
                 pending: &mut Vec<(usize, Vec<String>)>,
                 requests: &mut Vec<Row>,
                 responses: &mut Vec<Row>| {
        for (line, cells) in pending.drain(..) {
            match table {
                Some(true) => requests.push(pipe_row(line, &cells, true)),
                Some(false) => responses.push(pipe_row(line, &cells, false)),
                None => {}
            }
        }
    };
    while i < lines.len() {
        let line = i + 1;
        let t = lines[i].trim();
        i += 1;
        if t.is_empty() {
            continue;
        }
        if let Some(is_request) = pipe_header(t) {
            flush(table, &mut pending, &mut requests, &mut responses);
            table = Some(is_request);
            seen_table = true;
            let section = if is_request {
                Section::Request
            } else {
                Section::Response
            };
            add_section(&mut page, section, line);
            continue;
        }
        if is_error_code_header(t) {
            flush(table, &mut pending, &mut requests, &mut responses);
            complete = true;
            break;
        }
        if is_separator(t) {
            continue;
        }
        // Examples: behind a gutter, or code on lines of its own.
        let example = match gutter(t) {
            Some(Some(code)) => code_kind(code).map(|k| (k, code.to_owned())),
            Some(None) => {
                // A gutter whose code is not there (the page stops in it): the section of
                // the next example in the page's order (Java, response, error) is found.
                flush(table, &mut pending, &mut requests, &mut responses);
                table = None;
                let next = [
                    Section::RequestExample,
                    Section::ResponseExample,
                    Section::ErrorExample,
                ]
                .into_iter()
                .find(|s| {
                    !page.sections.contains(s)
                        && !examples.iter().any(|(_, k, _)| {
                            matches!(
                                (k, s),
                                (Code::Java, Section::RequestExample)
                                    | (Code::Xml | Code::Json, Section::ResponseExample)
                            )
                        })
                });
                if let Some(section) = next {
                    add_section(&mut page, section, line);
                }
                continue;
            }
            None => match code_kind(t) {
                Some(Code::Java) => {
                    // Multi-line Java runs until the next example or table.
                    let mut code = vec![t];
                    while i < lines.len() {
                        let next = lines[i].trim();
                        if next.starts_with('<')
                            || gutter(next).is_some()
                            || pipe_header(next).is_some()
                            || is_error_code_header(next)
                        {
                            break;
                        }
                        if !next.is_empty() {
                            code.push(next);
                        }
                        i += 1;
                    }
                    Some((Code::Java, code.join("\n")))
                }
                // One-line XML whose root is a reply (`<x_response>`, `<error_response>`).
                Some(Code::Xml)
                    if xml::parse(&xml::restore(t))
                        .root_name()
                        .is_some_and(|n| n.ends_with("_response")) =>
                {
                    Some((Code::Xml, t.to_owned()))
                }
                // JSON, outside a table, up to its closing bracket.
                Some(Code::Json) if table.is_none() => {
                    let mut code = vec![t];
                    while bracket_end(&code.join("\n")).is_none() && i < lines.len() {
                        code.push(lines[i]);
                        i += 1;
                    }
                    Some((Code::Json, code.join("\n")))
                }
                _ => None,
            },
        };
        if let Some((kind, code)) = example {
            flush(table, &mut pending, &mut requests, &mut responses);
            table = None;
            examples.push((line, kind, code));
            continue;
        }
        match table {
            Some(is_request) => {
                let cells = pipe_cells(t);
                let is_row = cells.len() >= 2
                    && is_field_name(&cells[0])
                    && is_type_like(&cells[1])
                    && (!is_request || cells.get(2).is_some_and(|c| required_flag(c).is_some()));
                if is_row {
                    pending.push((line, cells));
                } else if let Some((_, last)) = pending.last_mut() {
                    // A cell that runs on over several lines.
                    last.extend(cells.into_iter().filter(|c| !c.is_empty()));
                }
            }
            None if !seen_table && examples.is_empty() && !is_chrome(t) => {
                first_description_line.get_or_insert(line);
                description.push(t);
            }
            None => {}
        }
    }
    flush(table, &mut pending, &mut requests, &mut responses);
    page.description = join_lines(&description);
    if let Some(line) = first_description_line.filter(|_| page.description.is_some()) {
        add_section(&mut page, Section::Header, line);
    }
    page.request = requests;
    page.response = responses;
    for (line, kind, code) in examples {
        match kind {
            Code::Java => {
                if page.request_example.is_none() {
                    let code = if code.contains('\n') {
                        format!("{code}\n")
                    } else {
                        java::restore(&code)
                    };
                    page.request_example = Some(code);
                    add_section(&mut page, Section::RequestExample, line);
                }
            }
            Code::Xml => {
                let code = if code.contains('\n') {
                    format!("{}\n", code.trim_end())
                } else {
                    xml::restore(&code)
                };
                let is_error = xml::parse(&code).root_name() == Some("error_response");
                let (slot, section) = if is_error {
                    (&mut page.error_xml, Section::ErrorExample)
                } else {
                    (&mut page.response_xml, Section::ResponseExample)
                };
                if slot.is_none() {
                    *slot = Some(code);
                    add_section(&mut page, section, line);
                }
            }
            Code::Json => {
                let is_error = code.contains("\"error_response\"");
                let (slot, section) = if is_error {
                    (&mut page.error_json, Section::ErrorExample)
                } else {
                    (&mut page.response_json, Section::ResponseExample)
                };
                if slot.is_none() {
                    *slot = Some(format!("{}\n", code.trim_end()));
                    add_section(&mut page, section, line);
                }
            }
        }
    }
    finish(page, lines, complete)
}

/// The cells of a pipe line (a leading `|` ignored), trimmed.
fn pipe_cells(t: &str) -> Vec<String> {
    let t = t.strip_prefix('|').unwrap_or(t);
    let mut cells: Vec<String> = t.split('|').map(|c| c.trim().to_owned()).collect();
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells
}

/// A pipe row from its cells: name, type, [是否必须], then example / description (the empty
/// 更多限制 cell leaves no trace).
fn pipe_row(line: usize, cells: &[String], request: bool) -> Row {
    let mut rest = &cells[2..];
    let mut required = None;
    if request && let Some(flag) = rest.first().and_then(|c| required_flag(c)) {
        required = Some(flag);
        rest = &rest[1..];
    }
    let values: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    let parsed = values_and_limits(&values);
    Row {
        name: cells[0].clone(),
        ty: cells[1].clone(),
        required,
        example: parsed.example,
        description: parsed.description,
        limits: parsed.limits,
        depth: 0,
        line,
        lone_value: parsed.lone_value,
    }
}
