//! Model → tokens. One function per generated file; the pieces live in submodules by concern.

mod docs;
mod example_tests;
mod paging;
mod request;
mod topic;
mod types;
mod usage;

pub(crate) use docs::DocBlocks;
use proc_macro2::TokenStream;
use quote::quote;
use topgen_spec::examples::Misfit;
use topgen_spec::model::Api;
pub(crate) use topic::topic_items;

/// The items of one API's module: request, response, object types, and the tests of the
/// spec's reply examples (`misfits` are theirs, [`topgen_spec::examples::check_api`]). Doc
/// blocks go to `docs` and are placeholders in the tokens, for
/// [`crate::format::rust_file_with_docs`].
pub(crate) fn api_items(
    docs: &mut DocBlocks,
    api: &Api,
    misfits: &[Misfit],
    crate_path: Option<&str>,
) -> TokenStream {
    let title = api.title.as_deref().map(docs::line).unwrap_or_default();
    let head = if title.is_empty() {
        format!(" TOP API `{}`.", api.method)
    } else {
        format!(" TOP API `{}`: {title}", api.method)
    };
    let module_docs = quote!(#![doc = #head]);
    let usage = usage::section(docs, api, crate_path);
    let request = request::request(docs, api, usage);
    let response = types::response(docs, api);
    let objects: Vec<TokenStream> = api
        .types
        .iter()
        .map(|o| types::object(docs, api, o))
        .collect();
    let tests = example_tests::tests(api, misfits);
    quote! {
        #module_docs
        #request
        #response
        #(#objects)*
        #tests
    }
}
