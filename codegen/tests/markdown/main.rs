//! `codegen::markdown`: TOP descriptions → rustdoc Markdown.
//!
//! A table of real fragments from TOP's metadata with their exact Markdown; every rule on its
//! own; and generated inputs checked with pulldown-cmark, the parser rustdoc uses, with
//! rustdoc's options: no raw HTML, no bare URL, no reference link rustdoc would try to resolve,
//! no code, heading, quote, table or rule that the text did not ask for, and (for inputs
//! without tags or entities) every visible character kept.
//!
//! `cases`: the table and the rules, input by input; `rustdoc`: what rustdoc would see in the
//! output (the checks every case goes through); `generated`: generated and pathological inputs.

mod cases;
mod generated;
mod rustdoc;
