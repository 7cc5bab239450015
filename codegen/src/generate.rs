//! The whole pipeline: spec files → model → tokens → formatted files.

use crate::HEADER_MARK;
use crate::cache::{self, CACHE_FILE, Entry, Manifest};
use crate::format::{rust_file, rust_file_with_docs};
use crate::output::{Files, Stale, WriteReport, absolute, relative_path, write_if_changed};
use crate::render::{self, DocBlocks};
use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use topgen_spec::Error;
use topgen_spec::examples::{self, Misfit};
use topgen_spec::load::{load_spec, spec_files};
use topgen_spec::model::{self, Api};

/// Settings of a generated crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name (`topgen-client`); the library is the same with `_`.
    pub crate_name: String,
    /// Where the runtime crate is. Default: the `runtime/` folder beside this generator. The
    /// generated `Cargo.toml` refers to it by a path relative to the output folder.
    pub runtime_path: Option<PathBuf>,
    /// Where the test support crate (`topgen-testkit`, a dev-dependency: the reply-example
    /// tests) is. Default: the `testkit/` folder beside this generator; referred to like the
    /// runtime.
    pub testkit_path: Option<PathBuf>,
    /// Whether a specs folder with no spec is accepted, giving a crate without APIs (and
    /// removing every module the output folder had). Off by default: an empty or mistyped
    /// folder is an error, not a wiped client.
    pub allow_empty: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "topgen-client".to_owned(),
            runtime_path: None,
            testkit_path: None,
            allow_empty: false,
        }
    }
}

/// The spec files of `specs_dir`, refusing an empty folder unless `options.allow_empty`.
fn spec_files_of(specs_dir: &Path, options: &Options) -> Result<Vec<PathBuf>, Error> {
    let files = spec_files(specs_dir)?;
    if files.is_empty() && !options.allow_empty {
        return Err(Error::Invalid {
            path: specs_dir.to_owned(),
            field: String::new(),
            message: "the folder has no spec (`*.yaml`, `*.yml`); generating from it would remove every API of the output crate. Expected a folder of specs, or `--allow-empty` (`Options::allow_empty`) for a crate without APIs".to_owned(),
        });
    }
    Ok(files)
}

/// The runtime folder beside this generator in its workspace.
pub fn default_runtime_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("runtime")
}

/// The test support folder (`topgen-testkit`) beside this generator in its workspace.
pub fn default_testkit_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("testkit")
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
    let mut names = NameClaims::default();
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
            Ok(api) => match names.claim(&path, &api.method, &api.module, &api.request_name) {
                Ok(()) => apis.push(api),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(e),
        }
    }
    apis.sort_by(|a, b| a.method.cmp(&b.method));
    Ok((apis, errors))
}

/// The module and request type names taken so far, and the spec that took each: module and
/// request names must be unique across the crate.
#[derive(Default)]
struct NameClaims(BTreeMap<String, PathBuf>);

impl NameClaims {
    /// Takes `module` and `request` for the spec at `path` (API `method`), or fails naming
    /// the spec that took one of them first.
    fn claim(
        &mut self,
        path: &Path,
        method: &str,
        module: &str,
        request: &str,
    ) -> Result<(), Error> {
        if let Some((key, first)) = [module, request]
            .into_iter()
            .find_map(|key| self.0.get(key).map(|first| (key, first)))
        {
            return Err(Error::Invalid {
                path: path.to_owned(),
                field: "name".to_owned(),
                message: format!(
                    "API {method:?} becomes `{key}`, which {} already becomes; expected distinct API names",
                    first.display()
                ),
            });
        }
        for key in [module, request] {
            self.0.insert(key.to_owned(), path.to_owned());
        }
        Ok(())
    }
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

/// The model stage for one spec given as text: parsed, resolved, and its reply examples
/// checked ([`examples::check_api`]) once, for both its generated tests and
/// [`Generated::misfits`]. `path` names the spec in errors.
fn resolve_spec(path: &Path, text: &str) -> Result<(Api, Vec<Misfit>), Error> {
    let spec = topgen_spec::load::parse_spec(path, text)?;
    let api = model::resolve(path, &spec)?;
    let misfits = examples::check_api(&api);
    Ok((api, misfits))
}

/// The one way an API's module file is rendered: its items (with `misfits`, the model stage's
/// check of its reply examples), formatted under the header that names its spec. `source`
/// names the spec in errors; `crate_path` is the crate the doc example imports from.
fn module_file(
    api: &Api,
    misfits: &[Misfit],
    crate_path: Option<&str>,
    source: &Path,
) -> Result<String, Error> {
    let mut docs = DocBlocks::new();
    let tokens = render::api_items(&mut docs, api, misfits, crate_path);
    rust_file_with_docs(tokens, &header(Some(&api.source)), source, docs.blocks())
}

/// Generates the whole client crate for the specs of `specs_dir`, to be written to `out_dir`.
/// Nothing is written here: a spec error means no file changes.
pub fn generate_crate(specs_dir: &Path, out_dir: &Path, options: &Options) -> Result<Files, Error> {
    spec_files_of(specs_dir, options)?;
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
            let misfits = examples::check_api(api);
            module_file(api, &misfits, Some(&lib), Path::new(&api.source))
        })
        .collect();
    let mut failed = Vec::new();
    let mut rendered = Vec::with_capacity(apis.len());
    for (i, (api, result)) in apis.iter().zip(results).enumerate() {
        match result {
            Ok(text) => rendered.push((Names::of(api), text)),
            Err(e) => failed.push((i, e)),
        }
    }
    Ok((assemble(rendered, out_dir, options)?, failed))
}

/// The crate's files from its modules (sorted by method): the modules, `lib.rs` and
/// `Cargo.toml`.
fn assemble(
    modules: Vec<(Names, String)>,
    out_dir: &Path,
    options: &Options,
) -> Result<Files, Error> {
    let mut files = BTreeMap::new();
    let names: Vec<&Names> = modules.iter().map(|(n, _)| n).collect();
    let lib = lib_rs(&names)?;
    let runtime = options
        .runtime_path
        .clone()
        .unwrap_or_else(default_runtime_path);
    let testkit = options
        .testkit_path
        .clone()
        .unwrap_or_else(default_testkit_path);
    let out_dir = absolute(out_dir)?;
    let runtime = relative_path(&out_dir, &absolute(&runtime)?);
    let testkit = relative_path(&out_dir, &absolute(&testkit)?);
    let toml = cargo_toml(&options.crate_name, &runtime, &testkit, &names);
    for (n, text) in modules {
        files.insert(format!("src/{}.rs", n.module), text);
    }
    files.insert("src/lib.rs".to_owned(), lib);
    files.insert("Cargo.toml".to_owned(), toml);
    Ok(Files { files })
}

/// A client crate generated by [`generate`], ready to be written or checked.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's files.
    pub files: Files,
    /// The misfits of the specs' reply examples (their generated tests are `#[ignore]`d), by
    /// spec file, in the order of the APIs' methods.
    pub misfits: Vec<(PathBuf, Misfit)>,
    /// The spec files with no reply example (`response_xml`, `response_json`, `error_xml`,
    /// `error_json`): their API gets no decode test. In the order of the APIs' methods.
    pub untested: Vec<PathBuf>,
    /// The model's warnings about the specs (`model::Api::warnings`, an example of the wrong
    /// type), by spec file, as `field: message`, in the order of the APIs' methods.
    pub warnings: Vec<(PathBuf, String)>,
    /// APIs parsed and rendered by this run.
    pub rendered: usize,
    /// APIs whose spec and module were unchanged since the last write (see [`crate::cache`]):
    /// their module is the file on disk.
    pub reused: usize,
    /// The cache manifest to write with the files.
    manifest: Option<Manifest>,
}

impl Generated {
    /// Writes the crate ([`Files::write`]) and then its cache manifest, each file only when its
    /// bytes changed: a run with nothing changed writes no file at all.
    pub fn write(&self, out: &Path) -> Result<WriteReport, Error> {
        let report = self.files.write(out)?;
        if let Some(manifest) = &self.manifest {
            write_if_changed(&out.join(CACHE_FILE), &manifest.to_text())?;
        }
        Ok(report)
    }

    /// Compares with `out` without writing anything ([`Files::check`]).
    pub fn check(&self, out: &Path) -> Result<Vec<Stale>, Error> {
        self.files.check(out)
    }
}

/// One spec file's share of the crate.
struct Unit {
    file: String,
    /// The cache key of the spec's bytes.
    key: String,
    names: Names,
    module: Result<String, Error>,
    misfits: Vec<Misfit>,
    untested: bool,
    warnings: Vec<String>,
    entry: Option<Entry>,
}

/// [`generate_crate`] for a crate folder that is regenerated again and again: only the specs
/// that changed since the last [`Generated::write`] to `out_dir` are parsed and rendered (see
/// [`crate::cache`]); the output is byte for byte what a full run gives. Also checks the reply
/// examples of the specs ([`examples::check_api`]). Nothing is written here; errors are
/// those of [`generate_crate`].
pub fn generate(specs_dir: &Path, out_dir: &Path, options: &Options) -> Result<Generated, Error> {
    let lib = lib_name(&options.crate_name);
    let files = spec_files_of(specs_dir, options)?;
    let mut manifest = Manifest::new();
    let old = manifest.as_ref().and_then(|_| Manifest::read(out_dir));
    let fingerprint = manifest
        .as_ref()
        .map(|m| m.fingerprint.clone())
        .unwrap_or_default();
    let units: Vec<(PathBuf, Result<Unit, Error>)> = files
        .into_par_iter()
        .map(|path| {
            let unit = unit(&path, out_dir, &lib, &fingerprint, old.as_ref());
            (path, unit)
        })
        .collect();
    // Clashes and errors in file order, as `load_apis` reports them.
    let mut names = NameClaims::default();
    let mut errors = Vec::new();
    let mut ok = Vec::new();
    for (path, unit) in units {
        let unit = match unit {
            Ok(unit) => unit,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let n = &unit.names;
        match names.claim(&path, &n.method, &n.module, &n.request) {
            Ok(()) => ok.push(unit),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => {}
        1 => return Err(errors.remove(0)),
        _ => return Err(Error::Many(errors)),
    }
    ok.sort_by(|a, b| a.names.method.cmp(&b.names.method));
    let mut modules = Vec::with_capacity(ok.len());
    let mut misfits = Vec::new();
    let mut untested = Vec::new();
    let mut warnings = Vec::new();
    let (mut rendered, mut reused) = (0, 0);
    for unit in ok {
        let text = match unit.module {
            Ok(text) => text,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let path = specs_dir.join(&unit.file);
        misfits.extend(unit.misfits.iter().map(|m| (path.clone(), m.clone())));
        if unit.untested {
            untested.push(path.clone());
        }
        warnings.extend(unit.warnings.iter().map(|w| (path.clone(), w.clone())));
        match unit.entry {
            Some(entry) => {
                reused += 1;
                if let Some(m) = manifest.as_mut() {
                    m.specs.insert(unit.file, entry);
                }
            }
            None => {
                rendered += 1;
                if let Some(m) = manifest.as_mut() {
                    m.specs.insert(
                        unit.file,
                        Entry {
                            key: unit.key,
                            method: unit.names.method.clone(),
                            module: unit.names.module.clone(),
                            request: unit.names.request.clone(),
                            response: unit.names.response.clone(),
                            output: cache::hash(&[text.as_bytes()]),
                            misfits: Entry::misfits_of(&unit.misfits),
                            untested: unit.untested,
                            warnings: unit.warnings.clone(),
                        },
                    );
                }
            }
        }
        modules.push((unit.names, text));
    }
    match errors.len() {
        0 => {}
        1 => return Err(errors.remove(0)),
        _ => return Err(Error::Many(errors)),
    }
    Ok(Generated {
        files: assemble(modules, out_dir, options)?,
        misfits,
        untested,
        warnings,
        rendered,
        reused,
        manifest,
    })
}

/// One spec file: reused from the cache when its bytes and its module on disk are those the
/// manifest records, else parsed, resolved, checked and rendered.
fn unit(
    path: &Path,
    out_dir: &Path,
    lib: &str,
    fingerprint: &str,
    old: Option<&Manifest>,
) -> Result<Unit, Error> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    topgen_spec::load::check_size(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let key = if fingerprint.is_empty() {
        String::new()
    } else {
        cache::hash(&[
            fingerprint.as_bytes(),
            lib.as_bytes(),
            file.as_bytes(),
            &bytes,
        ])
    };
    if let Some(entry) = old.and_then(|m| m.specs.get(&file)) {
        let module = out_dir.join("src").join(format!("{}.rs", entry.module));
        if entry.key == key
            && let Ok(text) = std::fs::read_to_string(&module)
            && cache::hash(&[text.as_bytes()]) == entry.output
        {
            return Ok(Unit {
                file,
                key,
                names: Names {
                    method: entry.method.clone(),
                    module: entry.module.clone(),
                    request: entry.request.clone(),
                    response: entry.response.clone(),
                },
                module: Ok(text),
                misfits: entry.misfits(),
                untested: entry.untested,
                warnings: entry.warnings.clone(),
                entry: Some(entry.clone()),
            });
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ),
        )
    })?;
    let (api, misfits) = resolve_spec(path, &text)?;
    let module = module_file(&api, &misfits, Some(lib), Path::new(&api.source));
    Ok(Unit {
        file,
        key,
        names: Names::of(&api),
        module,
        misfits,
        untested: !has_reply_example(&api),
        warnings: api
            .warnings
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect(),
        entry: None,
    })
}

/// The whole pipeline for one spec given as text, touching no file: parse, check, render and
/// format the API's module. `path` names the spec in errors. Used by the fuzz target, and
/// handy for tools that hold specs in memory.
pub fn generate_module(path: &Path, text: &str, crate_path: Option<&str>) -> Result<String, Error> {
    let (api, misfits) = resolve_spec(path, text)?;
    module_file(&api, &misfits, crate_path, path)
}

/// Whether the spec has a reply example, which becomes the API's decode test.
fn has_reply_example(api: &Api) -> bool {
    let e = &api.examples;
    [
        &e.response_xml,
        &e.response_json,
        &e.error_xml,
        &e.error_json,
    ]
    .into_iter()
    .any(|x| x.as_deref().is_some_and(|t| !t.trim().is_empty()))
}

/// The names of an API that `lib.rs` and `Cargo.toml` use.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Names {
    method: String,
    module: String,
    request: String,
    response: String,
}

impl Names {
    fn of(api: &Api) -> Names {
        Names {
            method: api.method.clone(),
            module: api.module.clone(),
            request: api.request_name.clone(),
            response: api.response_name.clone(),
        }
    }
}

fn lib_rs(apis: &[&Names]) -> Result<String, Error> {
    let mods = apis.iter().map(|api| {
        let m = render_ident(&api.module);
        let req = render_ident(&api.request);
        let resp = render_ident(&api.response);
        let feature = &api.method;
        quote! {
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
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
        // docs.rs (`--cfg docsrs`, nightly) notes the feature of each API's module.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub use topgen_runtime;

        #(#mods)*
    };
    rust_file(tokens, &header(None), Path::new("lib.rs"))
}

fn render_ident(name: &str) -> proc_macro2::Ident {
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
}

fn cargo_toml(crate_name: &str, runtime: &str, testkit: &str, apis: &[&Names]) -> String {
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
         # docs.rs documents every API, each noted with its feature.\n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         rustdoc-args = [\"--cfg\", \"docsrs\"]\n\
         \n\
         # The reply-example tests of every API.\n\
         [dev-dependencies]\n\
         topgen-testkit = {{ path = \"{testkit}\" }}\n\
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
    // One file, so one set of doc blocks for all its modules.
    let mut docs = DocBlocks::new();
    let mods: Vec<TokenStream> = apis
        .iter()
        .map(|api| {
            let misfits = examples::check_api(api);
            let m = render_ident(&api.module);
            let items = render::api_items(&mut docs, api, &misfits, None);
            quote! {
                pub mod #m {
                    #items
                }
            }
        })
        .collect();
    rust_file_with_docs(quote!(#(#mods)*), &header(None), specs_dir, docs.blocks())
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
