//! The `#[cfg(test)]` module of an API: one test per reply example of its spec.
//!
//! Each test is one call into the shared test support (`topgen_testkit`, a dev-dependency of
//! the generated crate), which decodes the example like a real reply and checks that the typed
//! value, written back out, gives the example back. The module is `#[cfg(test)]`, so building the client costs
//! nothing for it: the compiler drops it before expanding or type-checking anything.
//!
//! An example that does not fit its spec ([`topgen_spec::examples::check_api`]) would fail its
//! test because the doc page is wrong, not the client; its test is still written, but
//! `#[ignore]`d with the reason, and a doc comment lists every misfit (`cargo test --
//! --ignored` runs it and shows the runtime's view).

use super::types::ident;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use topgen_spec::examples::{self, Misfit, REPLY_EXAMPLES};
use topgen_spec::model::Api;

/// At most this many characters of the first misfit go into an `#[ignore]` reason.
const REASON_CHARS: usize = 200;

/// The tests module, or nothing when the spec has no reply example; `misfits` are the API's
/// ([`examples::check_api`], done once in the model stage).
pub(crate) fn tests(api: &Api, misfits: &[Misfit]) -> TokenStream {
    let request = ident(&api.request_name);
    let tests: Vec<TokenStream> = REPLY_EXAMPLES
        .iter()
        .filter_map(|key| {
            let text = examples::example_text(api, key)?;
            let (helper, format) = match *key {
                "response_xml" => (quote!(assert_response), quote!(Xml)),
                "response_json" => (quote!(assert_response), quote!(Json)),
                "error_xml" => (quote!(assert_error), quote!(Xml)),
                _ => (quote!(assert_error), quote!(Json)),
            };
            let name = ident(key);
            let example = string_literal(text);
            let call = quote! {
                ::topgen_testkit::#helper::<super::#request>(
                    ::topgen_runtime::Format::#format,
                    #example,
                );
            };
            let mine: Vec<&Misfit> = misfits.iter().filter(|m| m.example == *key).collect();
            let Some(first) = mine.first() else {
                return Some(quote! {
                    #[test]
                    fn #name() {
                        #call
                    }
                });
            };
            let mut lines = vec![
                format!(" Not run: the `{key}` example does not fit the spec, so the typed value cannot give it back"),
                " (the doc page is wrong, or the spec is). Fix one of them and regenerate to run it.".to_owned(),
                String::new(),
            ];
            lines.extend(mine.iter().map(|m| format!(" - {}", one_line(&m.detail()))));
            let docs = lines.iter().map(|l| quote!(#[doc = #l]));
            let mut reason: String = one_line(&first.detail())
                .chars()
                .take(REASON_CHARS)
                .collect();
            if mine.len() > 1 {
                reason.push_str(&format!(" (and {} more)", mine.len() - 1));
            }
            let reason = format!("the {key} example does not fit the spec: {reason}");
            Some(quote! {
                #(#docs)*
                #[test]
                #[ignore = #reason]
                fn #name() {
                    #call
                }
            })
        })
        .collect();
    if tests.is_empty() {
        return TokenStream::new();
    }
    let head = [
        " The spec's reply examples, decoded like real replies: the typed value, written back out,",
        " must give each example back element for element (`topgen_testkit`).",
    ];
    quote! {
        #[cfg(test)]
        mod tests {
            #(#![doc = #head])*
            #(#tests)*
        }
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The text as a string literal: raw (`r#"…"#`, readable in the generated file) unless it
/// holds control characters other than newlines and tabs, which a raw string cannot show.
fn string_literal(text: &str) -> Literal {
    let plain = text
        .chars()
        .all(|c| c == '\n' || c == '\t' || !c.is_control());
    if plain {
        let mut hashes = String::new();
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        if let Ok(literal) = format!("r{hashes}\"{text}\"{hashes}").parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_raw_when_they_can_be() {
        assert_eq!(string_literal("a\nb").to_string(), "r\"a\nb\"");
        assert_eq!(
            string_literal("say \"hi\"").to_string(),
            "r#\"say \"hi\"\"#"
        );
        assert_eq!(
            string_literal("\"# and \"##").to_string(),
            "r###\"\"# and \"##\"###"
        );
        // A carriage return cannot stand in a raw string: escaped instead.
        assert_eq!(string_literal("a\r\nb").to_string(), "\"a\\r\\nb\"");
    }
}
