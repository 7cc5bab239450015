//! The bullet rendering: title line, headings (also as `# heading`), the tables' blocks and
//! the examples as multi-line code.

use super::rows::bullet_table;
use super::{add_section, finish, join_lines};
use crate::page::{DocPage, Rendering, Section};

/// The headings of a bullet page (also as `# heading` in the mirror variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heading {
    Public,
    Table(Table),
    Example(Example),
    /// `错误码解释`, `API工具`, …: the end of the documentation part.
    Tail,
    /// `# 接口名称`: the API name is on the next line.
    NameNext,
    /// `# 调用方法`: a mirror's own text.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Request,
    Response,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Example {
    Request,
    Response,
    Error,
}

fn heading(t: &str) -> Option<Heading> {
    let t = t.strip_prefix('#').map_or(t, str::trim);
    Some(match t {
        "公共参数" => Heading::Public,
        "请求参数" | "输入参数" => Heading::Table(Table::Request),
        "响应参数" | "返回参数" => Heading::Table(Table::Response),
        "请求示例" => Heading::Example(Example::Request),
        "响应示例" | "返回示例" => Heading::Example(Example::Response),
        "异常示例" | "验签示例" => Heading::Example(Example::Error),
        "错误码解释" | "错误码" | "API工具" | "如何获得此API" | "FAQ" | "返回" | "顶部" => {
            Heading::Tail
        }
        "接口名称" => Heading::NameNext,
        "调用方法" => Heading::Skip,
        _ => return None,
    })
}

/// Lines of the site around the documentation: breadcrumb, notices, feedback, links.
pub(super) fn is_chrome(t: &str) -> bool {
    t.starts_with("文档中心 >")
        || t.starts_with("文档中心>")
        || t.contains("以下文档只适用于TOP接口")
        || t.starts_with("感谢您的反馈")
        || (t.starts_with("点击查看更多") && t.ends_with("说明"))
}

/// `taobao.time.get`: dot-separated ASCII words, the first starting with a letter.
fn is_api_name(s: &str) -> bool {
    s.contains('.')
        && s.split('.').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// `api.name (中文名)` → (name, title).
pub(super) fn title_line(t: &str) -> Option<(String, Option<String>)> {
    let (name, rest) = match t.find([' ', '(', '（']) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, ""),
    };
    if !is_api_name(name) {
        return None;
    }
    if rest.is_empty() {
        return None;
    }
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| rest.strip_prefix('（').and_then(|r| r.strip_suffix('）')))?;
    let title = inner.trim();
    Some((
        name.to_owned(),
        (!title.is_empty()).then(|| title.to_owned()),
    ))
}

pub(super) fn read_bullet(lines: &[&str]) -> DocPage {
    #[derive(Clone, Copy, PartialEq)]
    enum Part {
        Preamble,
        Header,
        Skip,
        NameNext,
        Table(Table),
        Example(Example),
        Tail,
    }
    let mut page = DocPage::empty(Rendering::Bullet);
    let mut part = Part::Preamble;
    let mut before_title: Vec<&str> = Vec::new();
    let mut description: Vec<&str> = Vec::new();
    let mut tables: [Vec<(usize, &str)>; 2] = [Vec::new(), Vec::new()];
    let mut examples: [Vec<(usize, &str)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut complete = false;
    for (n, &raw) in lines.iter().enumerate() {
        let line = n + 1;
        let t = raw.trim();
        if let Some(h) = heading(t) {
            if page.name.is_none() && page.description.is_none() && part == Part::Preamble {
                page.description = join_lines(&before_title);
            }
            part = match h {
                Heading::Public | Heading::Skip => Part::Skip,
                Heading::Table(table) => Part::Table(table),
                Heading::Example(e) => Part::Example(e),
                Heading::Tail => {
                    complete = true;
                    Part::Tail
                }
                Heading::NameNext => Part::NameNext,
            };
            if let Heading::Table(table) = h {
                let section = match table {
                    Table::Request => Section::Request,
                    Table::Response => Section::Response,
                };
                add_section(&mut page, section, line);
            }
            continue;
        }
        match part {
            Part::Tail => break,
            Part::Preamble => {
                if let Some((name, title)) = title_line(t) {
                    page.name = Some(name);
                    page.title = title;
                    add_section(&mut page, Section::Header, line);
                    part = Part::Header;
                } else if let Some(md) = t.strip_prefix("# ") {
                    // The mirror's first heading is the Chinese name.
                    if page.title.is_none() {
                        page.title = Some(md.trim().to_owned());
                        add_section(&mut page, Section::Header, line);
                    }
                } else if !t.is_empty() && !is_chrome(t) {
                    before_title.push(t);
                }
            }
            Part::NameNext => {
                if is_api_name(t) {
                    page.name = Some(t.to_owned());
                    part = Part::Header;
                }
            }
            Part::Header => {
                if !t.is_empty() && !is_chrome(t) {
                    description.push(t);
                }
            }
            Part::Skip => {}
            Part::Table(table) => tables[table as usize].push((line, raw)),
            Part::Example(e) => examples[e as usize].push((line, raw)),
        }
    }
    if page.name.is_some() || page.title.is_some() {
        page.description = join_lines(&description);
    }
    let [request_rows, response_rows] = tables;
    if let Some(line) = page.section_lines.get(&Section::Request).copied() {
        let (rows, header) = bullet_table(&request_rows, true);
        page.request = rows;
        if let Some(h) = header {
            page.section_lines.insert(Section::Request, h);
        } else {
            page.section_lines.insert(Section::Request, line);
        }
    }
    if page.section_lines.contains_key(&Section::Response) {
        let (rows, header) = bullet_table(&response_rows, false);
        page.response = rows;
        if let Some(h) = header {
            page.section_lines.insert(Section::Response, h);
        }
    }
    let [java_lines, response_lines, error_lines] = examples;
    if let Some((code, line)) = code_block(&java_lines) {
        page.request_example = Some(code);
        add_section(&mut page, Section::RequestExample, line);
    }
    for (block, is_error) in [(response_lines, false), (error_lines, true)] {
        let (xml_part, json_part) = split_xml_json(&block);
        let section = if is_error {
            Section::ErrorExample
        } else {
            Section::ResponseExample
        };
        if let Some((code, line)) = code_block(&xml_part) {
            add_section(&mut page, section, line);
            if is_error {
                page.error_xml = Some(code);
            } else {
                page.response_xml = Some(code);
            }
        }
        if let Some((code, line)) = code_block(&json_part) {
            add_section(&mut page, section, line);
            if is_error {
                page.error_json = Some(code);
            } else {
                page.response_json = Some(code);
            }
        }
    }
    finish(page, lines, complete)
}

/// An example's code: the tab bullets (`• JAVA`, `• XML示例`) skipped, the common indent
/// removed, trailing blank lines and a trailing line-number gutter (`1`, `2`, … on lines of
/// their own) dropped. With the line of its first line of code.
fn code_block(block: &[(usize, &str)]) -> Option<(String, usize)> {
    let start = block
        .iter()
        .position(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('•'))?;
    let mut body: Vec<(usize, &str)> = block[start..].to_vec();
    while body
        .last()
        .is_some_and(|(_, l)| l.trim().is_empty() || l.trim().chars().all(|c| c.is_ascii_digit()))
    {
        body.pop();
    }
    let first = body.first()?.0;
    let indent = body
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(_, l)| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut code = String::new();
    for (_, l) in &body {
        let l = l.get(indent..).unwrap_or_else(|| l.trim_start());
        code.push_str(l.trim_end());
        code.push('\n');
    }
    Some((code, first))
}

/// Numbered source lines.
type Lines<'a> = Vec<(usize, &'a str)>;

/// A response or error block holding XML and then JSON: the two parts.
fn split_xml_json<'a>(block: &[(usize, &'a str)]) -> (Lines<'a>, Lines<'a>) {
    let code: Vec<&(usize, &str)> = block
        .iter()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('•'))
        .collect();
    let Some(first) = code.first() else {
        return (Vec::new(), Vec::new());
    };
    if first.1.trim_start().starts_with('{') || first.1.trim_start().starts_with('[') {
        return (Vec::new(), block.to_vec());
    }
    // XML first; a JSON part starts at a line beginning with `{`.
    match block
        .iter()
        .position(|(_, l)| l.trim_start().starts_with('{') && !l.starts_with("  "))
    {
        Some(i) => (block[..i].to_vec(), block[i..].to_vec()),
        None => (block.to_vec(), Vec::new()),
    }
}
