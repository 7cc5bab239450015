//! Emphasis that Markdown reads as such: marker pairs fixed or dropped by CommonMark's
//! flanking rules, then each atom rendered.

use super::escape::escape_text;
use super::lines::Atom;
use super::writer::Style;
use std::collections::BTreeSet;

/// Renders the atoms, keeping only the emphasis that Markdown will read as such: a `**` pair
/// must hold some text, its opening must be left-flanking and its closing right-flanking.
/// Whitespace and punctuation at the inside edges are moved out when that makes a pair valid
/// (`**注：**属性` → `**注**：属性`); pairs that still fail are dropped, keeping their text.
pub(super) fn render_emphasis(atoms: &mut Vec<Atom>) -> String {
    // Every round drops pairs or moves characters outward, so this bound is never reached;
    // it only guarantees an end.
    let rounds = 8 + 4 * atoms.len();
    for _ in 0..rounds {
        let rendered: Vec<String> = (0..atoms.len()).map(|i| render_atom(atoms, i)).collect();
        let fixes = invalid_pairs(atoms, &rendered);
        if fixes.is_empty() {
            return rendered.concat();
        }
        let drops: BTreeSet<usize> = fixes
            .iter()
            .flat_map(|f| match f {
                Fix::Drop(o, c) => vec![*o, *c],
                _ => Vec::new(),
            })
            .collect();
        if drops.is_empty() {
            // Right to left: a move inserts only after the atoms still to be fixed.
            let mut moves = fixes;
            moves.sort_by_key(|f| std::cmp::Reverse(f.at()));
            for fix in moves {
                move_out(atoms, fix);
            }
        } else {
            let mut i = 0;
            atoms.retain(|_| {
                i += 1;
                !drops.contains(&(i - 1))
            });
        }
    }
    atoms.retain(|a| !matches!(a, Atom::Mark { .. }));
    (0..atoms.len()).map(|i| render_atom(atoms, i)).collect()
}

#[derive(Debug, Clone, Copy)]
enum Fix {
    /// Move the leading whitespace and punctuation of the text after the opening at `.0` out.
    MoveOutAfterOpen(usize),
    /// Move the trailing whitespace and punctuation of the text before the closing at `.0` out.
    MoveOutBeforeClose(usize),
    /// Drop the markers at `.0` and `.1`.
    Drop(usize, usize),
}

impl Fix {
    fn at(self) -> usize {
        match self {
            Fix::MoveOutAfterOpen(i) | Fix::MoveOutBeforeClose(i) | Fix::Drop(i, _) => i,
        }
    }
}

/// A fix for every marker pair that Markdown would not read as emphasis.
fn invalid_pairs(atoms: &[Atom], rendered: &[String]) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let mut stack: Vec<(Style, usize)> = Vec::new();
    for (i, a) in atoms.iter().enumerate() {
        let Atom::Mark { style, open } = a else {
            continue;
        };
        if *open {
            stack.push((*style, i));
            continue;
        }
        let Some(at) = stack.iter().rposition(|(s, _)| s == style) else {
            // Unmatched: cannot happen after `balance`, dropped all the same.
            fixes.push(Fix::Drop(i, i));
            continue;
        };
        let (_, o) = stack.remove(at);
        if let Some(fix) = pair_fix(atoms, rendered, o, i) {
            fixes.push(fix);
        }
    }
    fixes.extend(stack.iter().map(|(_, o)| Fix::Drop(*o, *o)));
    fixes
}

/// What the pair of markers at `o` and `c` needs, if anything.
fn pair_fix(atoms: &[Atom], rendered: &[String], o: usize, c: usize) -> Option<Fix> {
    let holds_text = rendered
        .get(o + 1..c)
        .is_some_and(|r| r.iter().any(|s| !s.trim().is_empty()));
    if !holds_text || run_closes(atoms, o) {
        // Empty, or `b</i><i>c`, which would make one run `**` that both closes and opens.
        return Some(Fix::Drop(o, c));
    }
    let (before_o, after_o) = neighbours(atoms, rendered, o);
    if !left_flanking(before_o, after_o) {
        let movable = matches!(atoms.get(o + 1), Some(Atom::Text { raw, .. })
            if raw.starts_with(|ch: char| !ch.is_alphanumeric()));
        return Some(if movable {
            Fix::MoveOutAfterOpen(o)
        } else {
            Fix::Drop(o, c)
        });
    }
    let (before_c, after_c) = neighbours(atoms, rendered, c);
    if !right_flanking(before_c, after_c) {
        let movable = c > 0
            && matches!(atoms.get(c - 1), Some(Atom::Text { raw, .. })
                if raw.ends_with(|ch: char| !ch.is_alphanumeric()));
        return Some(if movable {
            Fix::MoveOutBeforeClose(c)
        } else {
            Fix::Drop(o, c)
        });
    }
    None
}

fn move_out(atoms: &mut Vec<Atom>, fix: Fix) {
    match fix {
        Fix::Drop(..) => {}
        Fix::MoveOutAfterOpen(o) => {
            let Some(Atom::Text { raw, in_link }) = atoms.get_mut(o + 1) else {
                return;
            };
            let keep = raw.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
            let moved = raw[..raw.len() - keep].to_owned();
            raw.replace_range(..raw.len() - keep, "");
            let in_link = *in_link;
            if o > 0
                && let Some(Atom::Text {
                    raw: before,
                    in_link: l,
                }) = atoms.get_mut(o - 1)
                && *l == in_link
            {
                before.push_str(&moved);
            } else {
                atoms.insert(
                    o,
                    Atom::Text {
                        raw: moved,
                        in_link,
                    },
                );
            }
        }
        Fix::MoveOutBeforeClose(c) => {
            let Some(Atom::Text { raw, in_link }) = c.checked_sub(1).and_then(|i| atoms.get_mut(i))
            else {
                return;
            };
            let keep = raw.trim_end_matches(|ch: char| !ch.is_alphanumeric()).len();
            let moved = raw[keep..].to_owned();
            raw.truncate(keep);
            let in_link = *in_link;
            if let Some(Atom::Text {
                raw: after,
                in_link: l,
            }) = atoms.get_mut(c + 1)
                && *l == in_link
            {
                after.insert_str(0, &moved);
            } else {
                atoms.insert(
                    c + 1,
                    Atom::Text {
                        raw: moved,
                        in_link,
                    },
                );
            }
        }
    }
}

/// Whether the markers next to marker `i` (one delimiter run with it) include a closing one.
fn run_closes(atoms: &[Atom], i: usize) -> bool {
    let closing = |a: &Atom| matches!(a, Atom::Mark { open: false, .. });
    let is_mark = |a: &Atom| matches!(a, Atom::Mark { .. });
    let before = atoms
        .get(..i)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|a| is_mark(a));
    let after = atoms
        .get(i + 1..)
        .unwrap_or(&[])
        .iter()
        .take_while(|a| is_mark(a));
    before.chain(after).any(closing)
}

/// The characters Markdown sees on either side of the delimiter run holding marker `i`
/// (adjacent markers are one run); `None` at the start or end of the line.
fn neighbours(atoms: &[Atom], rendered: &[String], i: usize) -> (Option<char>, Option<char>) {
    let is_mark = |j: usize| matches!(atoms.get(j), Some(Atom::Mark { .. }));
    let mut before = None;
    let mut j = i;
    while j > 0 {
        j -= 1;
        if is_mark(j) {
            continue;
        }
        if let Some(c) = rendered.get(j).and_then(|s| s.chars().next_back()) {
            before = Some(c);
            break;
        }
    }
    let mut after = None;
    for j in i + 1..atoms.len() {
        if is_mark(j) {
            continue;
        }
        if let Some(c) = rendered.get(j).and_then(|s| s.chars().next()) {
            after = Some(c);
            break;
        }
    }
    (before, after)
}

/// Whether a `*` run between `before` and `after` surely opens: it is followed by a letter or
/// digit, or by punctuation while preceded by the line start, whitespace or punctuation.
/// Characters that Markdown versions class differently (symbols) never count as sure.
fn left_flanking(before: Option<char>, after: Option<char>) -> bool {
    match after {
        None => false,
        Some(a) if a.is_whitespace() => false,
        Some(a) if a.is_alphanumeric() => true,
        Some(_) => before.is_none_or(|b| b.is_whitespace() || is_punctuation(b)),
    }
}

/// The mirror of [`left_flanking`], for a closing run.
fn right_flanking(before: Option<char>, after: Option<char>) -> bool {
    left_flanking(after, before)
}

/// Punctuation for every Markdown version: ASCII punctuation and Unicode punctuation common in
/// Chinese text (general punctuation, CJK punctuation and brackets, full-width punctuation).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{2043}'
            | '\u{2045}'..='\u{2051}'
            | '\u{2053}'..='\u{205e}'
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301f}'
            | '\u{ff01}'..='\u{ff03}'
            | '\u{ff05}'..='\u{ff0a}'
            | '\u{ff0c}'..='\u{ff0f}'
            | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}'
            | '\u{ff3b}'..='\u{ff3d}'
            | '\u{ff3f}' | '\u{ff5b}' | '\u{ff5d}'
            | '\u{ff5f}'..='\u{ff65}')
}

fn render_atom(atoms: &[Atom], i: usize) -> String {
    match atoms.get(i) {
        None => String::new(),
        Some(Atom::Text { raw, in_link }) => {
            let before_link = matches!(atoms.get(i + 1), Some(Atom::LinkOpen));
            escape_text(raw, *in_link, before_link)
        }
        Some(Atom::Mark { style, .. }) => style.marker().to_owned(),
        Some(Atom::LinkOpen) => "[".to_owned(),
        Some(Atom::LinkClose(url)) => format!("]({url})"),
        Some(Atom::AutoLink(url)) => format!("<{url}>"),
    }
}
