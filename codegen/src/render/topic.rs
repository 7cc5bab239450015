//! A TMC topic's module: the struct of its content (docs, fields, lenient decoding) and its
//! `topgen_tmc::Topic` impl.

use super::docs::{self, DocBlocks};
use super::types::{Decoded, Side, decoded_fields, derives, described, ident, serde_impls};
use proc_macro2::TokenStream;
use quote::quote;
use topgen_spec::rules::topic_doc_url;
use topgen_spec::topic::Topic;

/// The items of one topic's module, its struct named `rust_name` (the name its crate gave it).
/// Doc blocks go to `docs`, as for API modules.
pub(crate) fn topic_items(docs: &mut DocBlocks, topic: &Topic, rust_name: &str) -> TokenStream {
    let name = &topic.name;
    let title = topic.title.as_deref().map(docs::line).unwrap_or_default();
    let head = if title.is_empty() {
        format!(" TMC topic `{name}`.")
    } else {
        format!(" TMC topic `{name}`: {title}")
    };
    let module_docs = quote!(#![doc = #head]);
    let mut lines: Vec<String> = Vec::new();
    if !title.is_empty() {
        lines.push(title.clone());
        lines.push(String::new());
    }
    let group = topic
        .group
        .as_deref()
        .map(docs::line)
        .filter(|g| !g.is_empty());
    let about = match (group, topic.doc_id) {
        (Some(g), Some(id)) => format!(" (group {g}; [its doc page]({}))", topic_doc_url(id)),
        (Some(g), None) => format!(" (group {g})"),
        (None, Some(id)) => format!(" ([its doc page]({}))", topic_doc_url(id)),
        (None, None) => String::new(),
    };
    lines.push(format!("The content of TMC topic `{name}`{about}."));
    let struct_docs = described(
        docs,
        lines,
        if topic.fields.is_empty() {
            "The topic's definition lists no field: whatever the content holds is ignored."
        } else {
            "Every field is an `Option`: a message without it still decodes, even one the topic's definition marks required."
        },
    );
    let derives = derives();
    let struct_name = ident(rust_name);
    let fields = decoded_fields(docs, &[], &topic.fields, Side::Topic);
    let impls = serde_impls(
        &struct_name,
        &topic.fields.iter().map(Decoded::of).collect::<Vec<_>>(),
    );
    quote! {
        #module_docs
        #struct_docs
        #derives
        #[non_exhaustive]
        pub struct #struct_name {
            #(#fields)*
        }

        #impls

        impl ::topgen_tmc::Topic for #struct_name {
            const NAME: &'static str = #name;
        }
    }
}
