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

use super::{DocPage, Rendering, Row, Section, java, xml};
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

// ---------------------------------------------------------------------------------------
// Bullet rendering

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
fn is_chrome(t: &str) -> bool {
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
fn title_line(t: &str) -> Option<(String, Option<String>)> {
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

fn read_bullet(lines: &[&str]) -> DocPage {
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
    page.sections
        .sort_by_key(|s| page.section_lines.get(s).copied());
    if !complete {
        page.cut_off = last_line(lines);
        settle_cut_row(&mut page);
    }
    page
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

/// One line of a bullet table: a bullet's content or a plain line.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Bullet(usize, &'a str),
    Text(usize, &'a str),
}

/// The rows of a bullet table and the line of its header row.
fn bullet_table(lines: &[(usize, &str)], request: bool) -> (Vec<Row>, Option<usize>) {
    let Some(h) = lines.iter().position(|(_, l)| is_space_header(l.trim())) else {
        return (Vec::new(), None);
    };
    let header_line = lines[h].0;
    let items: Vec<Item> = lines[h + 1..]
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|&(n, l)| {
            let t = l.trim();
            match t.strip_prefix('•') {
                // `• └` with nothing after it: a cell the cut-off text stops in.
                Some(c) if c.trim().trim_start_matches('└').trim().is_empty() => {
                    Item::Bullet(n, "")
                }
                Some(c) => Item::Bullet(n, c.trim()),
                None => Item::Text(n, t),
            }
        })
        .collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match items[i] {
            Item::Text(line, t) => {
                i += 1;
                let Some(top) = top_row(t, request) else {
                    // The text stops inside a row's first cells (`errorMessag`): not a
                    // description, and too little to be a row.
                    let cut_row = i == items.len()
                        && next_token(t).is_some_and(|(name, rest)| {
                            is_field_name(name)
                                && next_token(rest).is_none_or(|(ty, _)| is_type_like(ty))
                        });
                    if cut_row {
                        // Kept as what is there (as the HTML reader keeps it); the
                        // interpreter drops a cut row that has no type, with a warning.
                        if let Some((name, rest)) = next_token(t) {
                            rows.push(Row {
                                name: name.to_owned(),
                                ty: next_token(rest)
                                    .map_or_else(String::new, |(ty, _)| ty.to_owned()),
                                required: None,
                                example: None,
                                description: None,
                                limits: Vec::new(),
                                depth: 0,
                                line,
                                lone_value: false,
                            });
                        }
                    } else if let Some(last) = rows.last_mut() {
                        // A description that runs on over several lines.
                        append(&mut last.description, t);
                    }
                    continue;
                };
                // The 更多限制 cell as a list of bullets, then the description after it.
                let mut limits = Vec::new();
                while let Some(Item::Bullet(_, c)) = items.get(i) {
                    let Some(l) = limit(c) else { break };
                    limits.push(l);
                    i += 1;
                }
                let mut description_bullet = None;
                if !limits.is_empty()
                    && let Some(Item::Bullet(_, c)) = items.get(i)
                    && !c.is_empty()
                    && !is_row_start(&items, i, request)
                {
                    description_bullet = Some((*c).to_owned());
                    i += 1;
                }
                let (example, description, lone_value) =
                    if limits.is_empty() && description_bullet.is_none() {
                        split_rest(top.rest)
                    } else {
                        (non_empty(top.rest), description_bullet, false)
                    };
                rows.push(Row {
                    name: top.name.to_owned(),
                    ty: top.ty,
                    required: top.required,
                    example,
                    description,
                    limits,
                    depth: 0,
                    line,
                    lone_value,
                });
            }
            Item::Bullet(_, c) => {
                if c.is_empty() {
                    i += 1;
                    continue;
                }
                if !is_row_start(&items, i, request) {
                    if let Some(last) = rows.last_mut() {
                        append(&mut last.description, c);
                    }
                    i += 1;
                    continue;
                }
                let start = i;
                i += 1;
                while let Some(Item::Bullet(..)) = items.get(i) {
                    if i - start >= 2 && is_row_start(&items, i, request) {
                        break;
                    }
                    i += 1;
                }
                rows.push(nested_row(&items[start..i], request));
            }
        }
    }
    (rows, Some(header_line))
}

fn append(description: &mut Option<String>, more: &str) {
    match description {
        Some(d) => {
            d.push('\n');
            d.push_str(more);
        }
        None => *description = Some(more.to_owned()),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// `名称 类型 是否必须 示例值 更多限制 描述` and its shorter forms.
fn is_space_header(t: &str) -> bool {
    t.starts_with("名称") && t.contains("类型") && !t.contains('|')
}

/// A top-level row's line, split into its leading cells and the rest.
struct TopRow<'a> {
    name: &'a str,
    ty: String,
    required: Option<bool>,
    rest: &'a str,
}

/// `name Type [[]] [必须|可选] rest`, when the line has that shape.
fn top_row(t: &str, request: bool) -> Option<TopRow<'_>> {
    let (name, rest) = next_token(t)?;
    if !is_field_name(name) {
        return None;
    }
    let (ty, mut rest) = next_token(rest)?;
    if !is_type_like(ty) {
        return None;
    }
    let mut ty = ty.to_owned();
    if let Some(("[]", r)) = next_token(rest) {
        ty.push_str(" []");
        rest = r;
    }
    let mut required = None;
    if request {
        let (flag, r) = next_token(rest)?;
        required = Some(required_flag(flag)?);
        rest = r;
    }
    Some(TopRow {
        name,
        ty,
        required,
        rest: rest.trim(),
    })
}

fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

fn required_flag(s: &str) -> Option<bool> {
    match s {
        "必须" | "必选" | "是" => Some(true),
        "可选" | "否" => Some(false),
        _ => None,
    }
}

/// A wire name as pages write them: ASCII letters, digits and `_` (`.`/`-` tolerated).
fn is_field_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `String`, `Number`, `OssTokenDto`, `Foo []`, `byte[]`, `Long`.
fn is_type_like(s: &str) -> bool {
    let squeezed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut base = squeezed.as_str();
    while let Some(b) = base.strip_suffix("[]") {
        base = b;
    }
    let upper = base.starts_with(|c: char| c.is_ascii_uppercase())
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    upper || base == "byte" || crate::catalog::java_alias(base).is_some()
}

/// `最大长度:64` → (`最大长度`, `64`).
fn limit(c: &str) -> Option<(String, String)> {
    let (label, value) = c.split_once([':', '：'])?;
    let label = label.trim();
    matches!(
        label,
        "最大长度" | "最大列表长度" | "默认值" | "最大值" | "最小值"
    )
    .then(|| (label.to_owned(), value.trim().to_owned()))
}

/// Whether the bullet at `i` starts a nested row: `└ name`, or a name followed by a type
/// bullet (and, in a request table, by `必须`/`可选`).
fn is_row_start(items: &[Item], i: usize, request: bool) -> bool {
    let bullet = |k: usize| match items.get(k) {
        Some(Item::Bullet(_, c)) => Some(*c),
        _ => None,
    };
    let Some(c) = bullet(i) else { return false };
    if c.starts_with('└') {
        return true;
    }
    if !is_field_name(c) {
        return false;
    }
    if !bullet(i + 1).is_some_and(is_type_like) {
        return false;
    }
    !request || bullet(i + 2).is_none_or(|f| required_flag(f).is_some())
}

/// A run of bullets: name (with `└` marks), type, [必须/可选], [example], [limits],
/// [description].
fn nested_row(run: &[Item], request: bool) -> Row {
    let cells: Vec<(usize, &str)> = run
        .iter()
        .filter_map(|i| match i {
            Item::Bullet(n, c) if !c.is_empty() => Some((*n, *c)),
            _ => None,
        })
        .collect();
    let (line, first) = cells[0];
    let marks = first.chars().filter(|&c| c == '└').count();
    let name = first
        .trim_start_matches(|c: char| c == '└' || c.is_whitespace())
        .trim()
        .to_owned();
    let mut rest = &cells[1..];
    let mut ty = String::new();
    if let Some((_, t)) = rest.first()
        && is_type_like(t)
    {
        ty = (*t).to_owned();
        rest = &rest[1..];
    }
    let mut required = None;
    if request && let Some(flag) = rest.first().and_then(|(_, f)| required_flag(f)) {
        required = Some(flag);
        rest = &rest[1..];
    }
    let values: Vec<&str> = rest.iter().map(|(_, c)| *c).collect();
    let cells = values_and_limits(&values);
    Row {
        name,
        ty,
        required,
        example: cells.example,
        description: cells.description,
        limits: cells.limits,
        depth: 1 + marks as u32,
        line,
        lone_value: cells.lone_value,
    }
}

/// The cells of a row after name, type and 是否必须.
struct Cells {
    example: Option<String>,
    description: Option<String>,
    limits: Vec<(String, String)>,
    lone_value: bool,
}

/// The cells after name, type and 是否必须: [example] [limits…] [description].
fn values_and_limits(values: &[&str]) -> Cells {
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut limits = Vec::new();
    for v in values {
        if let Some(l) = limit(v) {
            limits.push(l);
        } else if limits.is_empty() {
            before.push(*v);
        } else {
            after.push(*v);
        }
    }
    let cells = |example: Option<&&str>, description: Option<String>, limits, lone_value| Cells {
        example: example.map(|s| (*s).to_owned()),
        description,
        limits,
        lone_value,
    };
    if !limits.is_empty() {
        let mut description: Vec<&str> = before.iter().skip(1).copied().collect();
        description.extend(after);
        return cells(before.first(), join_lines(&description), limits, false);
    }
    match before.as_slice() {
        [] => cells(None, None, limits, false),
        [one] => cells(None, Some((*one).to_owned()), limits, true),
        [example, rest @ ..] => cells(Some(example), join_lines(rest), limits, false),
    }
}

/// A top-level row's text after 是否必须: `example description`, where the example is one
/// word unless it is a date-time, an XML element or a JSON value (which may hold spaces).
fn split_rest(rest: &str) -> (Option<String>, Option<String>, bool) {
    let r = rest.trim();
    if r.is_empty() {
        return (None, None, false);
    }
    if let Some(end) = leading_value(r) {
        return (Some(r[..end].to_owned()), non_empty(&r[end..]), false);
    }
    match r.split_once(char::is_whitespace) {
        Some((example, description)) => (Some(example.to_owned()), non_empty(description), false),
        None => (None, Some(r.to_owned()), true),
    }
}

/// The length of a value with spaces at the start of `r`: `2000-01-01 00:00:00`,
/// `<a x="1">…</a>`, `{"a": 1}`.
fn leading_value(r: &str) -> Option<usize> {
    let b = r.as_bytes();
    let is_date_time = b.len() >= 19
        && b[..19].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if is_date_time && r[19..].chars().next().is_none_or(char::is_whitespace) {
        return Some(19);
    }
    if r.starts_with('<') {
        return xml_element_end(r);
    }
    if r.starts_with(['{', '[']) {
        return bracket_end(r);
    }
    None
}

/// The end of the first whole XML element of `s`.
fn xml_element_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(lt) = s[i..].find('<') {
        let start = i + lt;
        let mut quote = None;
        let mut end = None;
        for (k, c) in s[start + 1..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = Some(start + 1 + k);
                    break;
                }
                _ => {}
            }
        }
        let end = end?;
        let tag = &s[start + 1..end];
        if tag.starts_with('/') {
            depth = depth.checked_sub(1)?;
        } else if !tag.ends_with('/') && !tag.starts_with(['?', '!']) {
            depth += 1;
        }
        i = end + 1;
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

/// The end of the bracketed JSON value `s` starts with.
fn bracket_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Pipe rendering

/// `名称 | 类型 | 是否必须 | …` → `Some(true)` (request), `名称 | 类型 | 示例值 | …` →
/// `Some(false)`.
fn pipe_header(line: &str) -> Option<bool> {
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
fn gutter(t: &str) -> Option<Option<&str>> {
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

fn read_pipe(lines: &[&str]) -> DocPage {
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
    page.sections
        .sort_by_key(|s| page.section_lines.get(s).copied());
    if !complete {
        page.cut_off = last_line(lines);
        settle_cut_row(&mut page);
    }
    page
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> DocPage {
        read(Path::new("t.txt"), text).unwrap()
    }

    #[test]
    fn title_lines() {
        assert_eq!(
            title_line("taobao.wdk.iot.wombat.common.gettoken (获取oss临时token)"),
            Some((
                "taobao.wdk.iot.wombat.common.gettoken".into(),
                Some("获取oss临时token".into())
            ))
        );
        assert_eq!(
            title_line("alibaba.icbu.category.schema.level.get ((新)层级属性获取)"),
            Some((
                "alibaba.icbu.category.schema.level.get".into(),
                Some("(新)层级属性获取".into())
            ))
        );
        assert_eq!(title_line("文档中心 > API类目 > 五道口API"), None);
        assert_eq!(title_line("result IotResult result 结果DTO"), None);
        assert_eq!(
            title_line("taobao.time.get"),
            None,
            "a bare name is no title line"
        );
    }

    #[test]
    fn bullet_rows_nested_runs_and_limits() {
        let p = page(
            "taobao.a.b (标题)\n\n说明\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
             p ParamDto 必须 入参\n  • └ login_key\n  • String\n  • 必须\n  • foo\n  • 用户登录认证\n\
             \x20 • items\n  • Item []\n  • 可选\n  • 最大列表长度:20\n  • 列表\n\
             \x20 • └ n\n  • Number\n  • 可选\n  • 默认值:5\n  • 数量\n\
             flag Number 可选 1\n  • 默认值:0\n  • 旗帜,可选值\n    tag String 可选 红色旗子 插旗 备注\n\
             更多的说明\n\n响应参数\n\n名称 类型 示例值 描述\n\
             r R r 结果\n  • data\n  • Dto\n  • data\n  • 结果DTO\n  • └ k\n  • String\n  • abc\n  • 密钥id\n  • └ only\n  • String\n  • fhCode\n",
        );
        assert_eq!(p.rendering, Rendering::Bullet);
        assert_eq!(p.name.as_deref(), Some("taobao.a.b"));
        assert_eq!(p.title.as_deref(), Some("标题"));
        assert_eq!(p.description.as_deref(), Some("说明"));
        let req: Vec<(&str, &str, u32, Option<bool>)> = p
            .request
            .iter()
            .map(|r| (r.name.as_str(), r.ty.as_str(), r.depth, r.required))
            .collect();
        assert_eq!(
            req,
            [
                ("p", "ParamDto", 0, Some(true)),
                ("login_key", "String", 2, Some(true)),
                ("items", "Item []", 1, Some(false)),
                ("n", "Number", 2, Some(false)),
                ("flag", "Number", 0, Some(false)),
                ("tag", "String", 0, Some(false)),
            ]
        );
        assert_eq!(p.request[0].description.as_deref(), Some("入参"));
        assert!(p.request[0].lone_value);
        assert_eq!(p.request[1].example.as_deref(), Some("foo"));
        assert_eq!(p.request[1].description.as_deref(), Some("用户登录认证"));
        assert_eq!(p.request[2].limits, [("最大列表长度".into(), "20".into())]);
        assert_eq!(p.request[2].description.as_deref(), Some("列表"));
        assert_eq!(p.request[3].limits, [("默认值".into(), "5".into())]);
        // The top row's limits come as bullets; its line holds only the example.
        assert_eq!(p.request[4].example.as_deref(), Some("1"));
        assert_eq!(p.request[4].limits, [("默认值".into(), "0".into())]);
        assert_eq!(p.request[4].description.as_deref(), Some("旗帜,可选值"));
        // The description holds spaces and runs on to the next line.
        assert_eq!(p.request[5].example.as_deref(), Some("红色旗子"));
        assert_eq!(
            p.request[5].description.as_deref(),
            Some("插旗 备注\n更多的说明")
        );
        let resp: Vec<(&str, u32)> = p
            .response
            .iter()
            .map(|r| (r.name.as_str(), r.depth))
            .collect();
        assert_eq!(resp, [("r", 0), ("data", 1), ("k", 2), ("only", 2)]);
        assert_eq!(p.response[1].example.as_deref(), Some("data"));
        assert!(p.response[3].lone_value);
        assert_eq!(p.response[3].description.as_deref(), Some("fhCode"));
        assert_eq!(
            p.sections,
            [Section::Header, Section::Request, Section::Response]
        );
        assert!(p.cut_off.is_some(), "no footer: cut off");
    }

    #[test]
    fn examples_with_spaces_in_top_rows() {
        assert_eq!(
            split_rest("2000-01-01 00:00:00 查询 开始"),
            (
                Some("2000-01-01 00:00:00".into()),
                Some("查询 开始".into()),
                false
            )
        );
        assert_eq!(
            split_rest("<a x=\\\"b c\\\"><v>1</v></a> 层级 属性"),
            (
                Some("<a x=\\\"b c\\\"><v>1</v></a>".into()),
                Some("层级 属性".into()),
                false
            )
        );
        assert_eq!(
            split_rest("{\"a\": [1, 2]} 说明"),
            (Some("{\"a\": [1, 2]}".into()), Some("说明".into()), false)
        );
        assert_eq!(split_rest("关键词"), (None, Some("关键词".into()), true));
    }

    #[test]
    fn bullet_examples_and_footer() {
        let p = page(
            "taobao.a.b (t)\n\n请求示例\n\n  • JAVA\n  • .NET\n    TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n    \
             ABRequest req = new ABRequest();\n\n响应示例\n\n  • XML示例\n  • JSON示例\n    <a_b_response>\n        <x>1</x>\n    </a_b_response>\n\n\
             异常示例\n\n{\n\t\"error_response\":{}\n}\n1\n2\n3\n\n错误码解释\n\n错误码 错误描述 解决方案\n",
        );
        assert_eq!(
            p.request_example.as_deref(),
            Some(
                "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nABRequest req = new ABRequest();\n"
            )
        );
        assert_eq!(
            p.response_xml.as_deref(),
            Some("<a_b_response>\n    <x>1</x>\n</a_b_response>\n")
        );
        assert_eq!(
            p.error_json.as_deref(),
            Some("{\n\t\"error_response\":{}\n}\n")
        );
        assert_eq!(p.section_lines[&Section::RequestExample], 7);
        assert_eq!(p.cut_off, None);
    }

    #[test]
    fn pipe_tables_gutters_and_spaced_tags() {
        let p = page(
            "说明一\n点击查看更多商品API说明\n名称 | 类型 | 是否必须 | 示例值 | 更多限制 | 描述 |\n---|---|---|---|---|---|\n\
             user_open_id | String | 可选 | sg== | 用户id | |\nlanguage | String | 可选 | zh_CN |\n|\n语言:zh_CN |\n\
             | client_info | RpClientInfo | 可选 | clientInfo | ||\n|\n|||||\n\
             名称 | 类型 | 示例值 | 描述 |\n---|---|---|---|\nret_values | DeviceCorpusTopDto [] | 返回结构体 | |\n|\n\
             1 2 3 | TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret); AlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest(); req.setUserOpenId( \"sg==\" ); |\n\
             1 2 3 | < alibaba_iot_device_corpus_get_response > < ret_values > </ ret_values > </ alibaba_iot_device_corpus_get_response > |\n\
             1 2 3 | < error_response > < code >50</ code > </ error_response > |\n错误码 | 错误描述 | 解决方案 |\n---|\n",
        );
        assert_eq!(p.rendering, Rendering::Pipe);
        assert_eq!(p.name, None);
        assert_eq!(p.description.as_deref(), Some("说明一"));
        let req: Vec<(&str, Option<&str>, Option<&str>, bool)> = p
            .request
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.example.as_deref(),
                    r.description.as_deref(),
                    r.lone_value,
                )
            })
            .collect();
        assert_eq!(
            req,
            [
                ("user_open_id", Some("sg=="), Some("用户id"), false),
                ("language", Some("zh_CN"), Some("语言:zh_CN"), false),
                ("client_info", None, Some("clientInfo"), true),
            ]
        );
        assert_eq!(p.response[0].ty, "DeviceCorpusTopDto []");
        assert_eq!(
            p.request_example.as_deref(),
            Some(
                "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nAlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest();\nreq.setUserOpenId(\"sg==\");\n"
            )
        );
        assert_eq!(
            p.response_xml.as_deref(),
            Some(
                "<alibaba_iot_device_corpus_get_response>\n    <ret_values></ret_values>\n</alibaba_iot_device_corpus_get_response>\n"
            )
        );
        assert_eq!(
            p.error_xml.as_deref(),
            Some("<error_response>\n    <code>50</code>\n</error_response>\n")
        );
        assert_eq!(
            p.sections,
            [
                Section::Header,
                Section::Request,
                Section::Response,
                Section::RequestExample,
                Section::ResponseExample,
                Section::ErrorExample
            ]
        );
        assert_eq!(p.cut_off, None);
    }

    #[test]
    fn gutters() {
        assert_eq!(gutter("1 2 3 | a(); |"), Some(Some("a();")));
        assert_eq!(gutter("1 2 3 ... 192 | <a> |"), Some(Some("<a>")));
        assert_eq!(
            gutter("1 2 3 4 5 6 7 8 9 10 ... (line-number gutter of the response example) ..."),
            Some(None)
        );
        assert_eq!(gutter("1. 只有单笔订单"), None);
        assert_eq!(gutter("12 | x"), None);
    }

    #[test]
    fn unusable_text_fails_with_the_reason() {
        let err = |t: &str| read(Path::new("p.txt"), t).unwrap_err().to_string();
        assert!(err("").contains("p.txt: the file is empty"), "{}", err(""));
        assert!(err(" \n\t\n").contains("empty"));
        let junk = err("abc\nPK\u{3}\u{4}\u{0}\u{0}");
        assert!(junk.starts_with("p.txt:2:1: binary data"), "{junk}");
        let other = err("# Shopping list\n\n- milk\n- eggs\n");
        assert!(other.contains("not a TOP doc page"), "{other}");
    }
}
