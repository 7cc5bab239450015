//! Parameter tables: the rows of a table by its header's columns, and the nested rows in its
//! lists.

use super::dom::{Doc, non_empty};
use super::reader::Reader;
use crate::page::Row;

impl Reader<'_> {
    /// The rows of a parameter table (none when it is not one).
    pub(super) fn table(&self, table: usize, request: bool) -> Vec<Row> {
        let doc = self.doc;
        let rows = doc.find(table, &["tr"]);
        let mut columns: Option<Columns> = None;
        let mut out = Vec::new();
        for tr in rows {
            let cells: Vec<usize> = doc
                .children(tr)
                .into_iter()
                .filter(|&c| matches!(doc.tag(c), "td" | "th"))
                .collect();
            let Some(cols) = &columns else {
                columns = Columns::from_header(doc, &cells);
                continue;
            };
            // Cell by column, following colspans.
            let mut by_column: Vec<Option<usize>> = vec![None; cols.count];
            let mut column = 0;
            for &cell in &cells {
                if let Some(slot) = by_column.get_mut(column) {
                    *slot = Some(cell);
                }
                column += colspan(doc, cell);
            }
            let cell = |c: Option<usize>| c.and_then(|c| by_column.get(c).copied().flatten());
            let limits_cell = cell(cols.limits);
            let name_cell = cell(Some(cols.name));
            let type_cell = cell(Some(cols.ty));
            let spanning = cells.len() == 1 && colspan(doc, cells[0]) > 1;
            // Nested-row lists, in the cells other than 更多限制.
            let mut lists = Vec::new();
            for &c in &cells {
                if Some(c) != limits_cell {
                    lists.extend(self.nested_lists(c, cells.len() == 1));
                }
            }
            let text =
                |c: Option<usize>| c.map_or_else(String::new, |c| doc.text_without(c, &lists));
            let name = strip_marks(&text(name_cell));
            // A row of the table: a 名称 cell, and a 类型 cell unless the page is cut off
            // right after the name (then the name alone, if it is one, is what is there).
            if !spanning && !name.is_empty() && (type_cell.is_some() || is_row_name(&name)) {
                out.push(Row {
                    name,
                    ty: text(type_cell),
                    required: if request {
                        cell(cols.required).and_then(|c| required(&doc.text(c)))
                    } else {
                        None
                    },
                    example: non_empty(text(cell(cols.example))),
                    description: non_empty(text(cell(cols.description))),
                    limits: limits_cell.map_or_else(Vec::new, |c| self.limits(c)),
                    depth: 0,
                    line: doc.line(tr),
                    // The table's cells say which is the example and which the description.
                    lone_value: false,
                });
            }
            for &list in &lists {
                out.push(self.nested_row(list, &lists, request));
            }
        }
        out
    }

    /// The lists inside `cell` that are nested rows (their first item is a name), including
    /// lists inside those lists, in document order. A list of one item counts only when
    /// `lone` (a cell that holds nothing but nested rows: a cut-off row keeps its name).
    fn nested_lists(&self, cell: usize, lone: bool) -> Vec<usize> {
        let doc = self.doc;
        let mut out = Vec::new();
        for at in cell + 1..doc.end[cell] {
            if !matches!(doc.tag(at), "ul" | "ol") {
                continue;
            }
            let items = self.items(at);
            let Some(&first) = items.first() else {
                continue;
            };
            let inner = doc.find(first, &["ul", "ol"]);
            let first_text = doc.text_without(first, &inner);
            if (items.len() >= 2 || lone) && is_row_name(&first_text) {
                out.push(at);
            }
        }
        out
    }

    /// The `<li>` children of a list.
    fn items(&self, list: usize) -> Vec<usize> {
        self.doc
            .children(list)
            .into_iter()
            .filter(|&i| self.doc.tag(i) == "li")
            .collect()
    }

    /// The 更多限制 cell's entries: its list items, else its lines.
    fn limits(&self, cell: usize) -> Vec<(String, String)> {
        let doc = self.doc;
        let items: Vec<usize> = doc.find(cell, &["li"]);
        let entries: Vec<String> = if items.is_empty() {
            doc.text(cell).lines().map(str::to_owned).collect()
        } else {
            items
                .iter()
                .map(|&li| doc.text(li).replace('\n', " "))
                .filter(|t| !t.is_empty())
                .collect()
        };
        entries.iter().map(|e| split_limit(e)).collect()
    }

    /// A nested row from its list: one item per cell, as the text rendering's bullets.
    fn nested_row(&self, list: usize, lists: &[usize], request: bool) -> Row {
        let doc = self.doc;
        let items: Vec<String> = self
            .items(list)
            .into_iter()
            .map(|li| {
                // The nested-row lists inside this item (`lists` is in document order).
                let from = lists.partition_point(|&l| l <= li);
                let to = lists.partition_point(|&l| l < doc.end[li]);
                doc.text_without(li, &lists[from..to])
            })
            .collect();
        let mut items = items.into_iter();
        let raw_name = items.next().unwrap_or_default();
        let marks = raw_name.chars().filter(|&c| c == '└').count();
        let name = strip_marks(&raw_name);
        let ty = items.next().unwrap_or_default();
        let mut rest: Vec<String> = items.collect();
        let mut required_flag = None;
        if request
            && let Some(first) = rest.first()
            && let Some(flag) = required(first)
        {
            required_flag = Some(flag);
            rest.remove(0);
        }
        let mut limits = Vec::new();
        let mut before = Vec::new();
        let mut after = Vec::new();
        for item in rest {
            if is_limit(&item) {
                limits.push(split_limit(&item));
            } else if limits.is_empty() {
                before.push(item);
            } else {
                after.push(item);
            }
        }
        // A nested row's list has no item for an empty cell, as the text's bullets: one value
        // alone may be the example or the description (the interpreter decides).
        let lone_value = limits.is_empty() && before.len() == 1;
        let (example, description) = if !limits.is_empty() {
            let mut before = before.into_iter();
            let example = before.next();
            let description: Vec<String> = before.chain(after).collect();
            (example, description)
        } else if before.len() >= 2 {
            let example = Some(before.remove(0));
            (example, before)
        } else {
            (None, before)
        };
        let description: Vec<String> = description.into_iter().filter(|d| !d.is_empty()).collect();
        Row {
            name,
            ty,
            required: required_flag,
            example: example.filter(|e| !e.is_empty()),
            description: non_empty(description.join("\n")),
            limits,
            depth: u32::try_from(marks).map_or(u32::MAX, |m| m.saturating_add(1)),
            line: doc.line(list),
            lone_value,
        }
    }
}

/// Which column of a parameter table holds what.
struct Columns {
    count: usize,
    name: usize,
    ty: usize,
    required: Option<usize>,
    example: Option<usize>,
    limits: Option<usize>,
    description: Option<usize>,
}

impl Columns {
    /// The columns from a header row, if it is one (has 名称 and 类型).
    fn from_header(doc: &Doc, cells: &[usize]) -> Option<Columns> {
        let mut names = Vec::new();
        for &cell in cells {
            let text = doc.text(cell).replace('\n', "");
            for _ in 0..colspan(doc, cell) {
                names.push(text.clone());
            }
        }
        let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
        Some(Columns {
            count: names.len(),
            name: find(&["名称"])?,
            ty: find(&["类型"])?,
            required: find(&["是否必须", "必须", "是否必填", "必填"]),
            example: find(&["示例值"]),
            limits: find(&["更多限制"]),
            description: find(&["描述"]),
        })
    }
}

fn colspan(doc: &Doc, cell: usize) -> usize {
    doc.element(cell)
        .and_then(|e| e.attr("colspan"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 64))
}

/// Whether a list item is a field name with optional `└` marks (`└ access_key_id`, `data`).
fn is_row_name(text: &str) -> bool {
    let name = strip_marks(text);
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '-'))
}

fn strip_marks(text: &str) -> String {
    text.replace('└', "").trim().to_owned()
}

fn required(text: &str) -> Option<bool> {
    match text.trim() {
        "必须" => Some(true),
        "可选" => Some(false),
        _ => None,
    }
}

/// The labels of the 更多限制 entries the page shows.
const LIMIT_LABELS: &[&str] = &[
    "最大长度",
    "最小长度",
    "最大列表长度",
    "最小列表长度",
    "默认值",
    "最大值",
    "最小值",
];

/// Whether a nested-row item is a limit (`最大长度:64`), not an example or description.
fn is_limit(item: &str) -> bool {
    item.split_once(':')
        .is_some_and(|(label, _)| LIMIT_LABELS.contains(&label.trim()))
}

/// `最大长度:64` → (`最大长度`, `64`); an entry without `:` is all label.
fn split_limit(entry: &str) -> (String, String) {
    match entry.split_once(':') {
        Some((label, value)) => (label.trim().to_owned(), value.trim().to_owned()),
        None => (entry.trim().to_owned(), String::new()),
    }
}
