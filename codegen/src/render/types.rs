//! Rust types for TOP types, and the structs of object types and responses.

use super::docs;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use topgen_spec::model::{Api, Field, Object, Scalar, Ty};

/// An identifier from an already-sanitized name.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a value of `ty` (without the `Option` of optional fields).
pub fn rust_ty(api: &Api, ty: &Ty, sensitive: bool) -> TokenStream {
    match ty {
        Ty::Scalar(Scalar::String) if sensitive => quote!(::topgen_runtime::Secret),
        Ty::Scalar(s) => scalar_ty(*s),
        Ty::Object(i) => {
            let name = ident(&api.types[*i].rust);
            quote!(#name)
        }
        Ty::List(inner) => {
            let inner = rust_ty(api, inner, false);
            quote!(Vec<#inner>)
        }
    }
}

fn scalar_ty(s: Scalar) -> TokenStream {
    match s {
        Scalar::String => quote!(String),
        Scalar::Number => quote!(i64),
        Scalar::Boolean => quote!(bool),
        Scalar::Date => quote!(::topgen_runtime::DateTime),
        Scalar::Price | Scalar::BigDecimal => quote!(::topgen_runtime::Decimal),
        Scalar::Json => quote!(::topgen_runtime::Json),
        Scalar::File => quote!(::topgen_runtime::FileItem),
    }
}

/// The TOP type as the doc writes it, for doc comments.
pub fn top_ty(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Scalar(Scalar::String) => "String".into(),
        Ty::Scalar(Scalar::Number) => "Number".into(),
        Ty::Scalar(Scalar::Boolean) => "Boolean".into(),
        Ty::Scalar(Scalar::Date) => "Date".into(),
        Ty::Scalar(Scalar::Price) => "Price".into(),
        Ty::Scalar(Scalar::BigDecimal) => "BigDecimal".into(),
        Ty::Scalar(Scalar::Json) => "Json".into(),
        Ty::Scalar(Scalar::File) => "byte[]".into(),
        Ty::Object(i) => api.types[*i].top_name.clone(),
        Ty::List(inner) => format!("{}[]", top_ty(api, inner)),
    }
}

/// Doc attributes: a description (converted to Markdown), then a line that is already Markdown.
pub fn described(description: Option<&str>, markdown: &str) -> TokenStream {
    let mut lines: Vec<String> = description.map(docs::lines).unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(markdown.to_owned());
    docs::raw_doc_attrs(lines.iter().map(String::as_str))
}

/// Doc lines of a field: its description, then example, default and limits.
pub fn field_docs(api: &Api, f: &Field) -> TokenStream {
    let mut facts = vec![format!("TOP type `{}`", top_ty(api, &f.ty))];
    let is_object = match &f.ty {
        Ty::Object(_) => true,
        Ty::List(inner) => matches!(**inner, Ty::Object(_)),
        Ty::Scalar(_) => false,
    };
    if let Some(example) = &f.example
        && !f.sensitive
        && !is_object
    {
        facts.push(format!("example {}", code_span(example)));
    }
    if let Some(default) = &f.default {
        facts.push(format!("default {}", code_span(default)));
    }
    if let Some(n) = f.limits.max_length {
        facts.push(format!("at most {n} characters"));
    }
    if let Some(n) = f.limits.max_list_size {
        facts.push(format!("at most {n} items"));
    }
    if let Some(n) = f.limits.min_value {
        facts.push(format!("at least {n}"));
    }
    if let Some(n) = f.limits.max_value {
        facts.push(format!("at most {n}"));
    }
    if f.sensitive {
        facts.push("secret: never printed by `Debug`".into());
    }
    described(f.description.as_deref(), &format!("{}.", facts.join("; ")))
}

/// A Markdown code span holding `text` (backticks in it cannot break out).
pub fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let fence = if text.contains('`') { "`` " } else { "`" };
    let close = if text.contains('`') { " ``" } else { "`" };
    format!("{fence}{text}{close}")
}

/// The fields of a decoded struct (object type or response): all optional, lenient.
fn decoded_fields(api: &Api, fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let docs = field_docs(api, f);
            let name = ident(&f.rust);
            let ty = rust_ty(api, &f.ty, f.sensitive);
            quote! {
                #docs
                pub #name: Option<#ty>,
            }
        })
        .collect()
}

/// A decoded struct's field: its Rust name, its wire name, and how it is written back out.
struct Decoded<'a> {
    rust: Ident,
    wire: &'a str,
    /// `field`, `date` or `dates` of `topgen_runtime::__private::ser::StructWriter`.
    writer: Ident,
}

impl<'a> Decoded<'a> {
    fn of(f: &'a Field) -> Decoded<'a> {
        let date = Ty::Scalar(Scalar::Date);
        let writer = if f.ty == date {
            "date"
        } else if f.ty == Ty::List(Box::new(date)) {
            "dates"
        } else {
            "field"
        };
        Decoded {
            rust: ident(&f.rust),
            wire: &f.wire,
            writer: ident(writer),
        }
    }
}

/// The impls that decode and write a generated struct: one call of the runtime's
/// `decoded_struct!` with a line per field, rather than serde's derives (a visitor, a field
/// enum and wrapper types per struct, most of what compiling a generated crate cost) or the
/// impls spelled out here (three times the tokens to render and format).
fn serde_impls(name: &Ident, fields: &[Decoded]) -> TokenStream {
    let lines = fields.iter().enumerate().map(|(i, f)| {
        let i = Literal::usize_unsuffixed(i);
        let (rust, wire, writer) = (&f.rust, f.wire, &f.writer);
        quote!(#rust: (#i, #wire, #writer))
    });
    quote! {
        ::topgen_runtime::decoded_struct!(#name { #(#lines),* });
    }
}

fn derives() -> TokenStream {
    quote! {
        #[derive(Debug, Clone, Default, PartialEq)]
    }
}

/// An object type's struct.
pub fn object(api: &Api, object: &Object) -> TokenStream {
    let name = ident(&object.rust);
    let docs = described(
        object.description.as_deref(),
        &format!("TOP type `{}`.", object.top_name),
    );
    let derives = derives();
    let fields = decoded_fields(api, &object.fields);
    let impls = serde_impls(
        &name,
        &object.fields.iter().map(Decoded::of).collect::<Vec<_>>(),
    );
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields)*
        }

        impl ::topgen_runtime::__private::de::Object for #name {}

        #impls
    }
}

/// The response struct: the fields inside `<name>_response`, plus `request_id`.
pub fn response(api: &Api) -> TokenStream {
    let name = ident(&api.response_name);
    let method = &api.method;
    let key = &api.response_key;
    let docs = described(
        None,
        &format!("The reply of `{method}`: the fields inside `{key}`."),
    );
    let derives = derives();
    let fields = decoded_fields(api, &api.response);
    let request_id = (!api.response_has_request_id).then(|| {
        quote! {
            /// TOP's id of this call, for support requests.
            pub request_id: Option<String>,
        }
    });
    let mut decoded: Vec<Decoded> = api.response.iter().map(Decoded::of).collect();
    if !api.response_has_request_id {
        decoded.push(Decoded {
            rust: ident("request_id"),
            wire: "request_id",
            writer: ident("field"),
        });
    }
    let impls = serde_impls(&name, &decoded);
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields)*
            #request_id
        }

        #impls
    }
}
