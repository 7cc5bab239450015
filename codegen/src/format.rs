//! Tokens → formatted Rust source with the `@generated` header.

use crate::error::Error;
use proc_macro2::TokenStream;
use std::path::Path;

/// Parses `tokens` as a file and pretty-prints it under `header` (comment lines, which
/// prettyplease would drop, so they are added after formatting).
pub fn rust_file(tokens: TokenStream, header: &str, source: &Path) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Internal {
        path: source.to_owned(),
        message: format!("generated code does not parse: {e}"),
    })?;
    let body = space_items(&prettyplease::unparse(&file));
    Ok(format!("{header}\n{body}"))
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
        let closes_item = line.trim() == "}" && !next.trim_start().starts_with(['}', ')', ']']);
        let next_indent = next.len() - next.trim_start().len();
        let ends_docs = line.starts_with("//!") && !next.starts_with("//!");
        if (closes_item && next_indent == indent) || ends_docs {
            out.push('\n');
        }
    }
    out
}
