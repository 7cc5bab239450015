//! The request struct: required params as `new` arguments, optional ones as setters, and the
//! `Request` impl that checks limits and writes the params.

use super::docs::{self, DocBlocks};
use super::types::{Side, field_docs, ident, rust_ty};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use topgen_spec::model::{Api, Field, Scalar, Ty};

/// The type a setter or `new` argument takes, and whether the value needs `.into()`.
fn arg(api: &Api, f: &Field) -> (TokenStream, bool) {
    match &f.ty {
        Ty::Scalar(Scalar::String) if f.sensitive => {
            (quote!(impl Into<::topgen_runtime::Secret>), true)
        }
        Ty::Scalar(Scalar::String) => (quote!(impl Into<String>), true),
        ty => (rust_ty(&api.types, ty, f.sensitive), false),
    }
}

/// The stored value of argument `n`.
fn store(n: &proc_macro2::Ident, into: bool) -> TokenStream {
    if into { quote!(#n.into()) } else { quote!(#n) }
}

/// Checks of one value against the param's limits, before it is written.
fn checks(f: &Field, value: &TokenStream) -> TokenStream {
    let wire = &f.wire;
    let mut out = Vec::new();
    let text = if f.sensitive {
        quote!(#value.expose_secret())
    } else {
        quote!(#value)
    };
    if let Some(n) = f.limits.max_length {
        let n = Literal::u64_unsuffixed(n);
        out.push(quote!(::topgen_runtime::Params::check_max_length(#wire, #text, #n)?;));
    }
    if let Some(n) = f.limits.max_list_size {
        let n = Literal::u64_unsuffixed(n);
        let len = match f.ty {
            Ty::List(_) => quote!(#value.len()),
            _ => quote!(#text.split(',').count()),
        };
        out.push(quote!(::topgen_runtime::Params::check_max_list_size(#wire, #len, #n)?;));
    }
    let bound = |n: i64| match f.ty {
        // The value is an `i64`, which types the literal.
        Ty::Scalar(Scalar::Number) => {
            let lit = Literal::i64_unsuffixed(n);
            quote!(#lit)
        }
        // `Decimal::from` takes every integer type: unsuffixed, the literal would be an `i32`.
        _ => {
            let lit = Literal::i64_suffixed(n);
            quote!(::topgen_runtime::Decimal::from(#lit))
        }
    };
    if let Some(n) = f.limits.min_value {
        let n = bound(n);
        out.push(quote!(::topgen_runtime::Params::check_min_value(#wire, #value, #n)?;));
    }
    if let Some(n) = f.limits.max_value {
        let n = bound(n);
        out.push(quote!(::topgen_runtime::Params::check_max_value(#wire, #value, #n)?;));
    }
    quote!(#(#out)*)
}

/// The statement that writes one value.
fn push(f: &Field, value: &TokenStream) -> TokenStream {
    let wire = &f.wire;
    let is_json = match &f.ty {
        Ty::Object(_) => true,
        Ty::List(inner) => matches!(**inner, Ty::Object(_)),
        Ty::Scalar(_) => false,
    };
    if is_json {
        quote!(params.push_json(#wire, #value)?;)
    } else if f.ty == Ty::Scalar(Scalar::File) {
        quote!(params.push_file(#wire, #value);)
    } else if f.required {
        quote!(params.push_required(#wire, #value)?;)
    } else {
        quote!(params.push(#wire, #value);)
    }
}

/// The request struct and its impls; `usage` is the `# Example` section of its docs
/// ([`super::usage::section`]).
pub(crate) fn request(blocks: &mut DocBlocks, api: &Api, usage: TokenStream) -> TokenStream {
    let name = ident(&api.request_name);
    let response = ident(&api.response_name);
    let method = &api.method;
    let key = &api.response_key;
    let needs_session = api.needs_session;

    let mut head = Vec::new();
    if let Some(t) = &api.title {
        head.push(t.clone());
    }
    if let Some(d) = &api.description {
        head.push(d.clone());
    }
    let mut docs_lines: Vec<String> = Vec::new();
    for p in &head {
        let ls = docs::lines(p);
        if !ls.is_empty() {
            if !docs_lines.is_empty() {
                docs_lines.push(String::new());
            }
            docs_lines.extend(ls);
        }
    }
    if !docs_lines.is_empty() {
        docs_lines.push(String::new());
    }
    docs_lines.push(format!(
        "The request of TOP API `{method}`{}.",
        if needs_session {
            "; it needs a user session (`CallOptions::session`)"
        } else {
            ""
        }
    ));
    let pager = super::paging::pager_of(api);
    if let Some(p) = &pager {
        docs_lines.push(String::new());
        docs_lines.extend(super::paging::doc_lines(api, p));
    }
    if let Some(id) = api.doc_id {
        docs_lines.push(String::new());
        docs_lines.push(format!(
            "TOP's doc page: <{}>",
            topgen_spec::rules::doc_url(id)
        ));
    }
    let docs = blocks.attrs(docs_lines.iter().map(String::as_str));

    let required: Vec<&Field> = api.params.iter().filter(|f| f.required).collect();
    let fields: Vec<TokenStream> = api
        .params
        .iter()
        .map(|f| {
            let docs = field_docs(blocks, &api.types, f, Side::Request);
            let n = ident(&f.rust);
            let ty = rust_ty(&api.types, &f.ty, f.sensitive);
            let ty = if f.required { ty } else { quote!(Option<#ty>) };
            quote! { #docs pub #n: #ty, }
        })
        .collect();
    let derive_default = required.is_empty().then(|| quote!(Default,));

    let new_args = required.iter().map(|f| {
        let n = ident(&f.rust);
        let (ty, _) = arg(api, f);
        quote!(#n: #ty)
    });
    let new_body = if required.is_empty() {
        quote!(Self::default())
    } else {
        let inits = api.params.iter().map(|f| {
            let n = ident(&f.rust);
            if f.required {
                let (_, into) = arg(api, f);
                if into {
                    quote!(#n: #n.into())
                } else {
                    quote!(#n)
                }
            } else {
                quote!(#n: None)
            }
        });
        quote!(Self { #(#inits,)* })
    };
    let new_doc = if required.is_empty() {
        " A request with no params set; set them with the chained setters.".to_string()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(" A request with its required params: {}.", names.join(", "))
    };

    let setters = api.params.iter().filter(|f| !f.required).map(|f| {
        let n = ident(&f.rust);
        let (ty, into) = arg(api, f);
        let store = store(&n, into);
        let doc = format!(" Sets `{}`.", f.wire);
        // A setter takes `self` by value whatever its name; `is_new` is TOP's name, not a
        // conversion.
        let conventional = ["is_", "to_", "as_", "into_", "from_"]
            .iter()
            .any(|p| f.rust.starts_with(p));
        let allow = conventional.then(|| quote!(#[allow(clippy::wrong_self_convention)]));
        quote! {
            #[doc = #doc]
            #allow
            pub fn #n(mut self, #n: #ty) -> Self {
                self.#n = Some(#store);
                self
            }
        }
    });

    let encodes = api.params.iter().map(|f| {
        let n = ident(&f.rust);
        let value = quote!(value);
        let checks = checks(f, &value);
        if f.required && checks.is_empty() {
            return push(f, &quote!(&self.#n));
        }
        let push = push(f, &value);
        if f.required {
            quote! {
                let value = &self.#n;
                #checks
                #push
            }
        } else {
            quote! {
                if let Some(value) = &self.#n {
                    #checks
                    #push
                }
            }
        }
    });
    let params_arg = if api.params.is_empty() {
        quote!(_params)
    } else {
        quote!(params)
    };

    // Required params are the constructor's arguments, so that the compiler enforces them; an
    // API with more than clippy's seven has a `new` of that many arguments by design.
    let many_args = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        TokenStream::new()
    };
    let pager = pager
        .map(|p| super::paging::impls(api, &p))
        .unwrap_or_default();
    quote! {
        #docs
        #usage
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            #many_args
            pub fn new(#(#new_args),*) -> Self {
                #new_body
            }

            #(#setters)*
        }

        impl ::topgen_runtime::Request for #name {
            type Response = #response;
            const METHOD: &'static str = #method;
            const RESPONSE_KEY: &'static str = #key;
            const REQUIRES_SESSION: bool = #needs_session;

            fn encode(&self, #params_arg: &mut ::topgen_runtime::Params) -> Result<(), ::topgen_runtime::ParamError> {
                #(#encodes)*
                Ok(())
            }
        }

        #pager
    }
}
