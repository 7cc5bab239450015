//! Tokens → formatted Rust source with the `@generated` header.

use proc_macro2::TokenStream;
use std::path::Path;
use topgen_spec::Error;

/// Starts the placeholder doc string of a block of doc lines (a private-use character, then
/// the block's index): see [`rust_file_with_docs`].
pub(crate) const DOC_MARK: &str = "\u{e000}topgen-doc-";

/// [`rust_file`] for tokens whose doc blocks are placeholders (`#[doc = "<DOC_MARK>N"]`, as
/// `render` makes them): each placeholder's `///` line is replaced by the lines of block N at
/// its indentation, exactly as prettyplease prints doc lines (`///` + the line, trailing
/// spaces trimmed). Every block must be placed once.
pub(crate) fn rust_file_with_docs(
    tokens: TokenStream,
    header: &str,
    source: &Path,
    docs: &[Vec<String>],
) -> Result<String, Error> {
    let text = rust_file(tokens, header, source)?;
    if docs.is_empty() {
        return Ok(text);
    }
    let marker = format!("///{DOC_MARK}");
    let mut out = String::with_capacity(
        text.len() + docs.iter().flatten().map(|l| l.len() + 8).sum::<usize>(),
    );
    let mut placed = vec![false; docs.len()];
    for line in text.lines() {
        let trimmed = line.trim_start();
        let block = trimmed
            .strip_prefix(&marker)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n < docs.len() && !placed[n]);
        match block {
            Some(n) => {
                placed[n] = true;
                let indent = &line[..line.len() - trimmed.len()];
                for doc in &docs[n] {
                    out.push_str(indent);
                    out.push_str("///");
                    out.push_str(doc.trim_end_matches(' '));
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if let Some(n) = placed.iter().position(|p| !p) {
        return Err(Error::Internal {
            path: source.to_owned(),
            message: format!("doc block {n} was not placed in the formatted file"),
        });
    }
    Ok(out)
}

/// Parses `tokens` as a file and pretty-prints it under `header` (comment lines, which
/// prettyplease would drop, so they are added after formatting).
pub(crate) fn rust_file(tokens: TokenStream, header: &str, source: &Path) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Internal {
        path: source.to_owned(),
        message: format!("generated code does not parse: {e}"),
    })?;
    let body = space_items(&prettyplease::unparse(&file));
    let body = layout_struct_macros(&body).map_err(|message| Error::Internal {
        path: source.to_owned(),
        message,
    })?;
    Ok(format!("{header}\n{body}"))
}

/// How a call of the runtime's `decoded_struct!` starts (prettyplease prints its arguments as
/// a run of tokens).
const STRUCT_MACRO: &str = "::topgen_runtime::decoded_struct!(";

/// Lays out each `decoded_struct!(Name { field: (0, "wire", writer), … });` call as a
/// struct expression, one field a line, which prettyplease cannot do for a macro it does not
/// know; a blank line follows it, as after any item.
fn layout_struct_macros(text: &str) -> Result<String, String> {
    if !text.contains(STRUCT_MACRO) {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with(STRUCT_MACRO) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let mut call = trimmed.to_owned();
        while !call.ends_with(");") {
            let Some(next) = lines.next() else {
                return Err(format!("unterminated `{STRUCT_MACRO}` call"));
            };
            call.push(' ');
            call.push_str(next.trim());
        }
        let args = &call[STRUCT_MACRO.len()..call.len() - 2];
        let tokens: proc_macro2::TokenStream = args
            .parse()
            .map_err(|e| format!("`{STRUCT_MACRO}` call does not lex: {e}"))?;
        let mut tokens = tokens.into_iter();
        let (Some(name), Some(proc_macro2::TokenTree::Group(fields)), None) =
            (tokens.next(), tokens.next(), tokens.next())
        else {
            return Err(format!(
                "`{STRUCT_MACRO}` call is not `Name {{ … }}`: {args}"
            ));
        };
        let entries: Vec<String> = split_commas(fields.stream())
            .into_iter()
            .map(|entry| {
                let mut parts = entry.into_iter();
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (
                        Some(field),
                        Some(colon),
                        Some(proc_macro2::TokenTree::Group(value)),
                        None,
                    ) if colon.to_string() == ":" => {
                        let parts: Vec<String> = split_commas(value.stream())
                            .iter()
                            .map(|p| {
                                p.iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect();
                        Ok(format!("{field}: ({}),", parts.join(", ")))
                    }
                    _ => Err(format!("`{STRUCT_MACRO}` field is not `name: (…)`: {args}")),
                }
            })
            .collect::<Result<_, _>>()?;
        if entries.is_empty() {
            out.push_str(&format!("{indent}{STRUCT_MACRO}{name} {{}});\n"));
        } else {
            out.push_str(&format!("{indent}{STRUCT_MACRO}{name} {{\n"));
            for e in entries {
                out.push_str(&format!("{indent}    {e}\n"));
            }
            out.push_str(&format!("{indent}}});\n"));
        }
        if lines
            .peek()
            .is_some_and(|next| !next.trim().is_empty() && !next.trim_start().starts_with('}'))
        {
            out.push('\n');
        }
    }
    Ok(out)
}

/// The comma-separated parts of a token stream (a trailing comma makes no empty part).
fn split_commas(stream: TokenStream) -> Vec<Vec<proc_macro2::TokenTree>> {
    let mut parts = vec![Vec::new()];
    for tt in stream {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => parts.push(Vec::new()),
            _ => parts.last_mut().map_or((), |last| last.push(tt)),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// prettyplease puts items right after one another; a blank line after each item's closing
/// brace (and after the module docs) makes the output read like hand-written code.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.peek() else { break };
        let indent = line.len() - line.trim_start().len();
        // `}` ends an item, and so does an item with an empty body (`impl Object for X {}`).
        let closes_item = (line.trim() == "}"
            || (indent == 0 && line.ends_with(" {}") && !line.starts_with("//")))
            && !next.trim_start().starts_with(['}', ')', ']']);
        let next_indent = next.len() - next.trim_start().len();
        let ends_docs = line.starts_with("//!") && !next.starts_with("//!");
        if (closes_item && next_indent == indent) || ends_docs {
            out.push('\n');
        }
    }
    out
}
