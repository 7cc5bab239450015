//! Model → tokens. One function per generated file; the pieces live in submodules by concern.

mod docs;
mod example;
mod example_tests;
mod request;
mod types;

use proc_macro2::TokenStream;
use quote::quote;
use topgen_spec::model::Api;

/// [`api_items`] with its doc blocks as placeholders and the blocks apart, for
/// [`crate::format::rust_file_with_docs`].
pub fn api_items_with_docs(api: &Api, crate_path: Option<&str>) -> (TokenStream, Vec<Vec<String>>) {
    docs::collect(|| api_items(api, crate_path))
}

/// Runs `render` with doc blocks collected (see [`api_items_with_docs`]).
pub fn docs_collected<T>(render: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    docs::collect(render)
}

/// The items of one API's module: request, response, object types, and the tests of the
/// spec's reply examples.
pub fn api_items(api: &Api, crate_path: Option<&str>) -> TokenStream {
    let title = api.title.as_deref().map(docs::line).unwrap_or_default();
    let head = if title.is_empty() {
        format!(" TOP API `{}`.", api.method)
    } else {
        format!(" TOP API `{}`: {title}", api.method)
    };
    let module_docs = quote!(#![doc = #head]);
    let example = example::example(api, crate_path);
    let request = request::request(api, example);
    let response = types::response(api);
    let objects = api.types.iter().map(|o| types::object(api, o));
    let tests = example_tests::tests(api);
    quote! {
        #module_docs
        #request
        #response
        #(#objects)*
        #tests
    }
}
