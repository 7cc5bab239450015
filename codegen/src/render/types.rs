//! Rust types for TOP types, and the structs of object types and responses.

use super::docs::{self, DocBlocks};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use topgen_spec::model::{Api, Field, Object, Scalar, Ty};

/// An identifier from an already-sanitized name.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a value of `ty` (without the `Option` of optional fields); `types` are the
/// object types `ty` may name (an API's, [`Api::types`]; none for a topic).
pub(crate) fn rust_ty(types: &[Object], ty: &Ty, sensitive: bool) -> TokenStream {
    match ty {
        Ty::Scalar(Scalar::String) if sensitive => quote!(::topgen_runtime::Secret),
        Ty::Scalar(s) => scalar_ty(*s),
        Ty::Object(i) => {
            let name = ident(&types[*i].rust);
            quote!(#name)
        }
        Ty::List(inner) => {
            let inner = rust_ty(types, inner, false);
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
pub(crate) fn top_ty(types: &[Object], ty: &Ty) -> String {
    match ty {
        Ty::Scalar(Scalar::String) => "String".into(),
        Ty::Scalar(Scalar::Number) => "Number".into(),
        Ty::Scalar(Scalar::Boolean) => "Boolean".into(),
        Ty::Scalar(Scalar::Date) => "Date".into(),
        Ty::Scalar(Scalar::Price) => "Price".into(),
        Ty::Scalar(Scalar::BigDecimal) => "BigDecimal".into(),
        Ty::Scalar(Scalar::Json) => "Json".into(),
        Ty::Scalar(Scalar::File) => "byte[]".into(),
        Ty::Object(i) => types[*i].top_name.clone(),
        Ty::List(inner) => format!("{}[]", top_ty(types, inner)),
    }
}

/// Doc attributes: a description's Markdown lines ([`docs::lines`]), then a line that is
/// already Markdown (none when it is empty).
pub(crate) fn described(
    blocks: &mut DocBlocks,
    mut lines: Vec<String>,
    markdown: &str,
) -> TokenStream {
    if !markdown.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(markdown.to_owned());
    }
    blocks.attrs(lines.iter().map(String::as_str))
}

/// Whose field it is, for what its docs say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// A request param: its docs show the doc page's example value, which helps callers.
    Request,
    /// A field of a reply (response or object type): no example, the value is TOP's to send.
    Reply,
    /// A field of a TMC topic's content: like a reply's, and whether the topic's definition
    /// marks it required (the struct decodes without it all the same).
    Topic,
}

/// The TOP type that a field's docs name, or `None` when its Rust type already says it.
///
/// The rule: `String`, `Boolean` and `Number` go unnamed (`String`, `bool`, `i64` say them),
/// and so does an object type whose struct has the TOP name; a list is named when its items
/// are (`Vec<…>` says `…[]`). Named are `Date`, `Price`, `BigDecimal`, `Json` and `byte[]`,
/// whose runtime types (`DateTime`, `Decimal`, `Json`, `FileItem`) do not tell which TOP type
/// and format the value has; an object type renamed for Rust (`Self` → `Self_`); and a
/// `Number` that is an id ([`is_id`]), since TOP has ids as numbers in some APIs and as
/// strings in others.
fn named_top_ty(types: &[Object], f: &Field) -> Option<String> {
    fn named(types: &[Object], ty: &Ty, id: bool) -> bool {
        match ty {
            Ty::Scalar(Scalar::String | Scalar::Boolean) => false,
            Ty::Scalar(Scalar::Number) => id,
            Ty::Scalar(_) => true,
            Ty::Object(i) => types[*i].rust != types[*i].top_name,
            Ty::List(inner) => named(types, inner, id),
        }
    }
    named(types, &f.ty, is_id(&f.rust)).then(|| top_ty(types, &f.ty))
}

/// Whether a field (by its Rust name) holds ids: its last word is `id` or `ids`, alone or after
/// one letter (`id`, `item_id`, `tid`, `num_iid`, `sku_ids`), not counting the number or `_`
/// that sanitizing may append (`item_id_2`, `id_`); not a word that merely ends so (`paid`,
/// `valid`).
fn is_id(rust: &str) -> bool {
    let last = rust
        .rsplit('_')
        .find(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("");
    let word = last.strip_suffix('s').unwrap_or(last);
    word.strip_suffix("id").is_some_and(|head| head.len() <= 1)
}

/// Doc lines of a field: its description, then what the Rust type does not say (the TOP type,
/// [`named_top_ty`]), a request param's example, the default, limits and secrecy. A field with
/// neither description nor any of these names its TOP type, so every field has docs.
pub(crate) fn field_docs(
    blocks: &mut DocBlocks,
    types: &[Object],
    f: &Field,
    side: Side,
) -> TokenStream {
    let mut facts = Vec::new();
    if side == Side::Topic {
        facts.push(if f.required {
            "required by the topic's definition".to_owned()
        } else {
            "optional in the topic's definition".to_owned()
        });
    }
    if let Some(ty) = named_top_ty(types, f) {
        facts.push(format!("TOP type `{ty}`"));
    }
    let is_object = match &f.ty {
        Ty::Object(_) => true,
        Ty::List(inner) => matches!(**inner, Ty::Object(_)),
        Ty::Scalar(_) => false,
    };
    if let Some(example) = &f.example
        && side == Side::Request
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
    let description = description_lines(f.description.as_deref());
    if facts.is_empty() && description.is_empty() {
        facts.push(format!("TOP type `{}`", top_ty(types, &f.ty)));
    }
    let line = if facts.is_empty() {
        String::new()
    } else {
        format!("{}.", capitalized(&facts.join("; ")))
    };
    described(blocks, description, &line)
}

/// A description as Markdown lines; none for no description.
fn description_lines(description: Option<&str>) -> Vec<String> {
    description.map(docs::lines).unwrap_or_default()
}

/// `text` with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A Markdown code span holding `text` (backticks in it cannot break out).
pub(crate) fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let fence = if text.contains('`') { "`` " } else { "`" };
    let close = if text.contains('`') { " ``" } else { "`" };
    format!("{fence}{text}{close}")
}

/// The fields of a decoded struct (object type, response, topic content): all optional,
/// lenient; `side` is [`Side::Reply`] or [`Side::Topic`].
pub(crate) fn decoded_fields(
    blocks: &mut DocBlocks,
    types: &[Object],
    fields: &[Field],
    side: Side,
) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let docs = field_docs(blocks, types, f, side);
            let name = ident(&f.rust);
            let ty = rust_ty(types, &f.ty, f.sensitive);
            quote! {
                #docs
                pub #name: Option<#ty>,
            }
        })
        .collect()
}

/// A decoded struct's field: its Rust name, its wire name, and how it is written back out.
pub(crate) struct Decoded<'a> {
    rust: Ident,
    wire: &'a str,
    /// `field`, `date` or `dates` of `topgen_runtime::__private::ser::StructWriter`.
    writer: Ident,
}

impl<'a> Decoded<'a> {
    pub(crate) fn of(f: &'a Field) -> Decoded<'a> {
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
pub(crate) fn serde_impls(name: &Ident, fields: &[Decoded]) -> TokenStream {
    let lines = fields.iter().enumerate().map(|(i, f)| {
        let i = Literal::usize_unsuffixed(i);
        let (rust, wire, writer) = (&f.rust, f.wire, &f.writer);
        quote!(#rust: (#i, #wire, #writer))
    });
    quote! {
        ::topgen_runtime::decoded_struct!(#name { #(#lines),* });
    }
}

pub(crate) fn derives() -> TokenStream {
    quote! {
        #[derive(Debug, Clone, Default, PartialEq)]
    }
}

/// An object type's struct.
pub(crate) fn object(blocks: &mut DocBlocks, api: &Api, object: &Object) -> TokenStream {
    let name = ident(&object.rust);
    // The TOP name only when the struct has another, or when there is nothing else to say.
    let description = description_lines(object.description.as_deref());
    let top_name = if object.rust != object.top_name || description.is_empty() {
        format!("TOP type `{}`.", object.top_name)
    } else {
        String::new()
    };
    let docs = described(blocks, description, &top_name);
    let derives = derives();
    let fields = decoded_fields(blocks, &api.types, &object.fields, Side::Reply);
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
pub(crate) fn response(blocks: &mut DocBlocks, api: &Api) -> TokenStream {
    let name = ident(&api.response_name);
    let method = &api.method;
    let key = &api.response_key;
    let docs = described(
        blocks,
        Vec::new(),
        &format!("The reply of `{method}`: the fields inside `{key}`."),
    );
    let derives = derives();
    let fields = decoded_fields(blocks, &api.types, &api.response, Side::Reply);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_by_their_last_word() {
        for id in [
            "id",
            "item_id",
            "tid",
            "num_iid",
            "sku_ids",
            "item_id_2",
            "id_",
        ] {
            assert!(is_id(id), "{id}");
        }
        for other in ["paid", "valid", "ids_count", "idle", "scenes_code", ""] {
            assert!(!is_id(other), "{other}");
        }
    }

    #[test]
    fn facts_start_with_a_capital() {
        assert_eq!(capitalized("example `1`"), "Example `1`");
        assert_eq!(capitalized(""), "");
    }
}
