//! The whole pipeline: spec files → model → tokens → formatted files.

use crate::HEADER_MARK;
use crate::error::Error;
use crate::format::rust_file;
use crate::load::{load_spec, spec_files};
use crate::model::{self, Api};
use crate::output::{Files, absolute, relative_path, write_if_changed};
use crate::render;
use quote::quote;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Settings of a generated crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name (`topgen-client`); the library is the same with `_`.
    pub crate_name: String,
    /// Where the runtime crate is. Default: the `runtime/` folder beside this generator. The
    /// generated `Cargo.toml` refers to it by a path relative to the output folder.
    pub runtime_path: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "topgen-client".to_owned(),
            runtime_path: None,
        }
    }
}

/// The runtime folder beside this generator in its workspace.
pub fn default_runtime_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("runtime")
}

/// Loads and resolves every spec of a folder. All specs are checked; every error is reported
/// (as [`Error::Many`] when there are several). APIs come back sorted by method name.
pub fn load_apis(specs_dir: &Path) -> Result<Vec<Api>, Error> {
    let (apis, mut errors) = load_apis_lenient(specs_dir)?;
    match errors.len() {
        0 => Ok(apis),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Many(errors)),
    }
}

/// [`load_apis`] that keeps going: the APIs that resolved (sorted by method name) and an error
/// for each spec that did not. Of two specs whose module or request type names clash, the one
/// whose file sorts later is an error and left out. Fails only when the folder cannot be read.
pub fn load_apis_lenient(specs_dir: &Path) -> Result<(Vec<Api>, Vec<Error>), Error> {
    let mut apis: Vec<Api> = Vec::new();
    let mut errors = Vec::new();
    let mut origin: BTreeMap<String, PathBuf> = BTreeMap::new();
    let files = spec_files(specs_dir)?;
    // Parsed and resolved in parallel; collected in file order, so errors and output are
    // deterministic.
    let loaded: Vec<(PathBuf, Result<Api, Error>)> = files
        .into_par_iter()
        .map(|path| {
            let api = load_spec(&path).and_then(|spec| model::resolve(&path, &spec));
            (path, api)
        })
        .collect();
    for (path, api) in loaded {
        match api {
            Ok(api) => {
                // Module and request names must be unique across the crate.
                let clash = [&api.module, &api.request_name]
                    .into_iter()
                    .find_map(|key| origin.get(key).map(|first| (key, first)));
                if let Some((key, first)) = clash {
                    errors.push(Error::Invalid {
                        path: path.clone(),
                        field: "name".to_owned(),
                        message: format!(
                            "API {:?} becomes `{key}`, which {} already becomes; expected distinct API names",
                            api.method,
                            first.display()
                        ),
                    });
                    continue;
                }
                for key in [&api.module, &api.request_name] {
                    origin.insert(key.clone(), path.clone());
                }
                apis.push(api);
            }
            Err(e) => errors.push(e),
        }
    }
    apis.sort_by(|a, b| a.method.cmp(&b.method));
    Ok((apis, errors))
}

fn header(source: Option<&str>) -> String {
    match source {
        Some(s) => format!("{HEADER_MARK} by topgen codegen from specs/{s}. Do not edit."),
        None => format!("{HEADER_MARK} by topgen codegen. Do not edit."),
    }
}

fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// Generates the whole client crate for the specs of `specs_dir`, to be written to `out_dir`.
/// Nothing is written here: a spec error means no file changes.
pub fn generate_crate(specs_dir: &Path, out_dir: &Path, options: &Options) -> Result<Files, Error> {
    let apis = load_apis(specs_dir)?;
    let (files, failed) = crate_files(&apis, out_dir, options)?;
    let mut errors: Vec<Error> = failed.into_iter().map(|(_, e)| e).collect();
    match errors.len() {
        0 => Ok(files),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Many(errors)),
    }
}

/// The files of a client crate for APIs already resolved (sorted by method, with distinct
/// module and request names, as [`load_apis`] returns them), to be written to `out_dir`. An API
/// whose module cannot be rendered is left out of the crate and returned (by its index in
/// `apis`) with its error, so that one bad API does not hide the others.
pub fn crate_files(
    apis: &[Api],
    out_dir: &Path,
    options: &Options,
) -> Result<(Files, Vec<(usize, Error)>), Error> {
    let lib = lib_name(&options.crate_name);
    // Rendered in parallel, collected in the APIs' order: the output does not depend on
    // scheduling.
    let results: Vec<Result<String, Error>> = apis
        .par_iter()
        .map(|api| {
            let tokens = render::api_items(api, Some(&lib));
            rust_file(tokens, &header(Some(&api.source)), Path::new(&api.source))
        })
        .collect();
    let mut files = BTreeMap::new();
    let mut failed = Vec::new();
    let mut rendered = Vec::with_capacity(apis.len());
    for (i, (api, result)) in apis.iter().zip(results).enumerate() {
        match result {
            Ok(text) => {
                files.insert(format!("src/{}.rs", api.module), text);
                rendered.push(api);
            }
            Err(e) => failed.push((i, e)),
        }
    }
    files.insert("src/lib.rs".to_owned(), lib_rs(&rendered)?);
    let runtime = options
        .runtime_path
        .clone()
        .unwrap_or_else(default_runtime_path);
    let runtime = relative_path(&absolute(out_dir)?, &absolute(&runtime)?);
    files.insert(
        "Cargo.toml".to_owned(),
        cargo_toml(&options.crate_name, &runtime, &rendered),
    );
    Ok((Files { files }, failed))
}

/// The whole pipeline for one spec given as text, touching no file: parse, check, render and
/// format the API's module. `path` names the spec in errors. Used by the fuzz target, and
/// handy for tools that hold specs in memory.
pub fn generate_module(path: &Path, text: &str, crate_path: Option<&str>) -> Result<String, Error> {
    let spec = crate::load::parse_spec(path, text)?;
    let api = model::resolve(path, &spec)?;
    rust_file(
        render::api_items(&api, crate_path),
        &header(Some(&api.source)),
        path,
    )
}

fn lib_rs(apis: &[&Api]) -> Result<String, Error> {
    let mods = apis.iter().map(|api| {
        let m = render_ident(&api.module);
        let req = render_ident(&api.request_name);
        let resp = render_ident(&api.response_name);
        let feature = &api.method;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip] // prettyplease formats generated code; rustfmt must not undo it.
            pub mod #m;
            #[cfg(feature = #feature)]
            pub use #m::{#req, #resp};
        }
    });
    let tokens = quote! {
        //! Typed clients for Taobao Open Platform (TOP) APIs, generated by topgen from its specs.
        //!
        //! Each API has a module named after its method (`taobao.wdk.iot.wombat.common.gettoken`
        //! → `taobao_wdk_iot_wombat_common_gettoken`) holding a request type, a response type
        //! and the API's object types; requests and responses are also re-exported here. Send a
        //! request with [`topgen_runtime::Client`].
        //!
        //! Every API is behind a cargo feature named after its method, so a crate that calls
        //! a few APIs compiles only those and the runtime:
        //! `features = ["taobao.trade.fullinfo.get"]` with `default-features = false`. The
        //! default feature `full` enables them all.
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub use topgen_runtime;

        #(#mods)*
    };
    rust_file(tokens, &header(None), Path::new("lib.rs"))
}

fn render_ident(name: &str) -> proc_macro2::Ident {
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
}

fn cargo_toml(crate_name: &str, runtime: &str, apis: &[&Api]) -> String {
    let mut toml = format!(
        "{HEADER} by topgen codegen. Do not edit.\n\
         [package]\n\
         name = \"{crate_name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         description = \"Typed clients for Taobao Open Platform APIs, generated by topgen.\"\n\
         \n\
         [dependencies]\n\
         topgen-runtime = {{ path = \"{runtime}\" }}\n\
         \n\
         # One feature per API, named after its method; `full` enables them all.\n\
         [features]\n\
         default = [\"full\"]\n",
        HEADER = HEADER_MARK.replacen("//", "#", 1),
    );
    // Method names are dot-separated ASCII words (model::check_method), valid feature names.
    toml.push_str("full = [\n");
    for api in apis {
        let _ = writeln!(toml, "    \"{}\",", api.method);
    }
    toml.push_str("]\n");
    for api in apis {
        let _ = writeln!(toml, "\"{}\" = []", api.method);
    }
    toml
}

/// Generates every API of `specs_dir` into ONE Rust file with inline modules, for a `build.rs`
/// that `include!`s it from `OUT_DIR`. Doc examples are marked `ignore` because the crate's
/// name is not known here.
pub fn generate_single_file(specs_dir: &Path) -> Result<String, Error> {
    let apis = load_apis(specs_dir)?;
    let mods = apis.iter().map(|api| {
        let m = render_ident(&api.module);
        let items = render::api_items(api, None);
        quote! {
            pub mod #m {
                #items
            }
        }
    });
    rust_file(quote!(#(#mods)*), &header(None), specs_dir)
}

/// [`generate_single_file`], written to `out_file` only if its bytes changed (so cargo does not
/// rebuild for nothing). Returns whether the file was written.
///
/// ```no_run
/// // build.rs
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("top.rs");
/// println!("cargo::rerun-if-changed=specs");
/// codegen::generate_to_file(std::path::Path::new("specs"), &out).unwrap();
/// // lib.rs: include!(concat!(env!("OUT_DIR"), "/top.rs"));
/// ```
pub fn generate_to_file(specs_dir: &Path, out_file: &Path) -> Result<bool, Error> {
    let text = generate_single_file(specs_dir)?;
    write_if_changed(out_file, &text)
}
