//! A spec's reply examples checked against the spec, as importer warnings: a doc page whose
//! examples contradict its own tables is reported where the page is imported.

use crate::{Place, Warning};
use std::path::Path;
use topgen_spec::examples::{Misfit, REPLY_EXAMPLES, check_api};
use topgen_spec::model;
use topgen_spec::spec::Spec;

/// At most this many misfits of one example become warnings in [`check_examples`]; the rest
/// are counted in one more.
pub const MAX_WARNINGS_PER_EXAMPLE: usize = 10;

/// The reply examples of `spec` checked against it, as importer warnings
/// ([`Place::Example`] with the example's key; the message names the example, the path in
/// it and what does not fit). At most [`MAX_WARNINGS_PER_EXAMPLE`] per example, plus one
/// that counts the rest. A spec that does not resolve (see [`model::resolve`]) gets one
/// warning at [`Place::Spec`] saying its examples were not checked, if it has any.
pub fn check_examples(path: &Path, spec: &Spec) -> Vec<Warning> {
    let e = &spec.examples;
    let any = [
        &e.response_xml,
        &e.response_json,
        &e.error_xml,
        &e.error_json,
    ]
    .iter()
    .any(|x| x.is_some());
    if !any {
        return Vec::new();
    }
    let api = match model::resolve(path, spec) {
        Ok(api) => api,
        Err(err) => {
            return vec![Warning {
                place: Place::Spec,
                message: format!("the reply examples were not checked, the spec is invalid: {err}"),
            }];
        }
    };
    let all = check_api(&api);
    let mut out = Vec::new();
    for key in REPLY_EXAMPLES {
        let misfits: Vec<&Misfit> = all.iter().filter(|m| m.example == key).collect();
        let total = misfits.len();
        for m in misfits.into_iter().take(MAX_WARNINGS_PER_EXAMPLE) {
            out.push(Warning {
                place: Place::Example(key.to_owned()),
                message: m.to_string(),
            });
        }
        if total > MAX_WARNINGS_PER_EXAMPLE {
            out.push(Warning {
                place: Place::Example(key.to_owned()),
                message: format!(
                    "examples.{key}: {} more misfits not listed",
                    total - MAX_WARNINGS_PER_EXAMPLE
                ),
            });
        }
    }
    out
}
