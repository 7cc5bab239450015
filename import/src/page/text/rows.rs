//! The rows of a bullet table: top-level rows one line each, nested rows as runs of `  • `
//! lines, and the cells after name, type and 是否必须 (example, limits, description).

use super::join_lines;
use crate::page::Row;

/// One line of a bullet table: a bullet's content or a plain line.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Bullet(usize, &'a str),
    Text(usize, &'a str),
}

/// The rows of a bullet table and the line of its header row.
pub(super) fn bullet_table(lines: &[(usize, &str)], request: bool) -> (Vec<Row>, Option<usize>) {
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

pub(super) fn required_flag(s: &str) -> Option<bool> {
    match s {
        "必须" | "必选" | "是" => Some(true),
        "可选" | "否" => Some(false),
        _ => None,
    }
}

/// A wire name as pages write them: ASCII letters, digits and `_` (`.`/`-` tolerated).
pub(super) fn is_field_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `String`, `Number`, `OssTokenDto`, `Foo []`, `byte[]`, `Long`.
pub(super) fn is_type_like(s: &str) -> bool {
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
pub(super) struct Cells {
    pub(super) example: Option<String>,
    pub(super) description: Option<String>,
    pub(super) limits: Vec<(String, String)>,
    pub(super) lone_value: bool,
}

/// The cells after name, type and 是否必须: [example] [limits…] [description].
pub(super) fn values_and_limits(values: &[&str]) -> Cells {
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
pub(super) fn split_rest(rest: &str) -> (Option<String>, Option<String>, bool) {
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
pub(super) fn bracket_end(s: &str) -> Option<usize> {
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
