//! Lines of pieces → Markdown: list prefixes and hard breaks, markup balanced per line, links
//! and autolinks, the start of each line escaped.

use super::emphasis::render_emphasis;
use super::escape::escape_line_start;
use super::writer::{Out, Piece, Prefix, Style};

/// The writer's lines as Markdown, lines separated by `\n`.
pub(super) fn assemble(out: Vec<Out>) -> String {
    // Render first: a line whose text escapes to nothing disappears.
    let mut items: Vec<Option<(Prefix, String)>> = Vec::with_capacity(out.len());
    for o in out {
        match o {
            Out::Blank => items.push(None),
            Out::Line(line) => {
                let text = render_line(line.pieces);
                if !text.is_empty() {
                    items.push(Some((line.prefix, text)));
                }
            }
        }
    }
    let mut lines: Vec<String> = Vec::with_capacity(items.len());
    // The width of the list item marker that continuation lines are indented under.
    let mut item_indent = 0;
    for (i, item) in items.iter().enumerate() {
        match item {
            None => {
                item_indent = 0;
                if lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(String::new());
                }
            }
            Some((prefix, text)) => {
                let mut line = match prefix {
                    Prefix::None => " ".repeat(item_indent),
                    Prefix::Bullet => "- ".to_owned(),
                    Prefix::Number(n) => format!("{n}. "),
                };
                if *prefix != Prefix::None {
                    item_indent = line.len();
                }
                line.push_str(text);
                // A hard break when the next line continues this paragraph or item.
                if matches!(items.get(i + 1), Some(Some((Prefix::None, _)))) {
                    line.push('\\');
                }
                lines.push(line);
            }
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// One line's pieces as Markdown, trimmed, with its start escaped.
fn render_line(pieces: Vec<Piece>) -> String {
    let pieces = balance(pieces);
    let mut atoms = atoms(pieces);
    let text = render_emphasis(&mut atoms);
    // Moving spaces out of emphasis can double them; no space in the line is significant.
    let mut collapsed = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if !(c == ' ' && collapsed.ends_with(' ')) {
            collapsed.push(c);
        }
    }
    escape_line_start(&collapsed)
}

/// Pieces with every opening matched by a closing, properly nested: markup still open at the
/// end of the line is closed, markup closed here but opened on an earlier line is reopened at
/// the start, and overlapping markup (`<b>x<i>y</b>z</i>`) is split.
fn balance(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    // Closings without an opening on this line, innermost first.
    let mut depth = [0u32; 3];
    let mut reopen = Vec::new();
    for p in &merged {
        if let Some((kind, open)) = p.markup() {
            let d = &mut depth[kind as usize];
            if open {
                *d += 1;
            } else if *d == 0 {
                reopen.push(p.partner());
            } else {
                *d -= 1;
            }
        }
    }
    reopen.reverse();
    let mut out: Vec<Piece> = Vec::with_capacity(merged.len() + 4);
    let mut stack: Vec<Piece> = Vec::new();
    for p in reopen.into_iter().chain(merged) {
        match p.markup() {
            None => out.push(p),
            Some((_, true)) => {
                stack.push(p.clone());
                out.push(p);
            }
            Some((kind, false)) => {
                let Some(at) = stack
                    .iter()
                    .rposition(|s| s.markup().is_some_and(|(k, _)| k == kind))
                else {
                    continue;
                };
                let inner = stack.split_off(at + 1);
                for i in inner.iter().rev() {
                    out.push(i.partner());
                }
                if let Some(opener) = stack.pop() {
                    out.push(opener.partner());
                }
                for i in inner {
                    stack.push(i.clone());
                    out.push(i);
                }
            }
        }
    }
    for s in stack.iter().rev() {
        out.push(s.partner());
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Atom {
    Text { raw: String, in_link: bool },
    Mark { style: Style, open: bool },
    LinkOpen,
    LinkClose(String),
    AutoLink(String),
}

/// Balanced pieces → atoms: links whose text is empty or the URL itself become autolinks.
fn atoms(pieces: Vec<Piece>) -> Vec<Atom> {
    let mut out = Vec::with_capacity(pieces.len());
    let mut iter = pieces.into_iter();
    while let Some(p) = iter.next() {
        match p {
            Piece::Text(raw) => out.push(Atom::Text {
                raw,
                in_link: false,
            }),
            Piece::Open(style) => out.push(Atom::Mark { style, open: true }),
            Piece::Close(style) => out.push(Atom::Mark { style, open: false }),
            Piece::LinkClose(_) => {}
            Piece::LinkOpen(url) => {
                let mut inner = Vec::new();
                for q in iter.by_ref() {
                    match q {
                        Piece::LinkClose(_) => break,
                        Piece::Text(raw) => inner.push(Atom::Text { raw, in_link: true }),
                        Piece::Open(style) => inner.push(Atom::Mark { style, open: true }),
                        Piece::Close(style) => inner.push(Atom::Mark { style, open: false }),
                        Piece::LinkOpen(_) => {}
                    }
                }
                let text: String = inner
                    .iter()
                    .filter_map(|a| match a {
                        Atom::Text { raw, .. } => Some(raw.as_str()),
                        _ => None,
                    })
                    .collect();
                let text = text.trim();
                if text.is_empty() || text == url {
                    out.push(Atom::AutoLink(url));
                } else {
                    out.push(Atom::LinkOpen);
                    out.extend(inner);
                    out.push(Atom::LinkClose(url));
                }
            }
        }
    }
    out
}
