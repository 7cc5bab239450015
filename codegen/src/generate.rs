//! The whole pipeline: spec files → model → tokens → formatted files.

use crate::HEADER_MARK;
use crate::cache::{self, CACHE_FILE, Entry, Manifest};
use crate::crate_text::{cargo_toml, lib_rs};
use crate::format::rust_file_with_docs;
use crate::output::{
    Files, Foreign, Stale, WriteReport, absolute, nothing_foreign, relative_path, write_if_changed,
};
use crate::render::{self, DocBlocks};
use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
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
    spec_files_of_kind(
        specs_dir,
        options,
        "every API of the output crate",
        "a crate without APIs",
    )
}

/// [`spec_files_of`] saying what an empty folder would remove and give (`every topic crate`,
/// `no topic crate`).
pub(crate) fn spec_files_of_kind(
    specs_dir: &Path,
    options: &Options,
    removes: &str,
    gives: &str,
) -> Result<Vec<PathBuf>, Error> {
    let files = spec_files(specs_dir)?;
    if files.is_empty() && !options.allow_empty {
        return Err(Error::Invalid {
            path: specs_dir.to_owned(),
            field: String::new(),
            message: format!(
                "the folder has no spec (`*.yaml`, `*.yml`); generating from it would remove {removes}. Expected a folder of specs, or `--allow-empty` (`Options::allow_empty`) for {gives}"
            ),
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
    let (apis, errors) = load_apis_lenient(specs_dir)?;
    fail_on(errors)?;
    Ok(apis)
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

pub(crate) fn header(source: Option<&str>) -> String {
    match source {
        Some(s) => format!("{HEADER_MARK} by topgen codegen from specs/{s}. Do not edit."),
        None => format!("{HEADER_MARK} by topgen codegen. Do not edit."),
    }
}

/// The library name (`topgen_taobao_trade`) of a generated crate (`topgen-taobao-trade`): the
/// name its users write in paths.
pub fn lib_name(crate_name: &str) -> String {
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
    fail_on(failed.into_iter().map(|(_, e)| e).collect())?;
    Ok(files)
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

/// The runtime's and the test support crate's folders, absolute: `options`' or the defaults
/// beside this generator.
pub(crate) fn dependency_paths(options: &Options) -> Result<(PathBuf, PathBuf), Error> {
    let runtime = options
        .runtime_path
        .clone()
        .unwrap_or_else(default_runtime_path);
    let testkit = options
        .testkit_path
        .clone()
        .unwrap_or_else(default_testkit_path);
    Ok((absolute(&runtime)?, absolute(&testkit)?))
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
    let lib = lib_rs(&names);
    let (runtime, testkit) = dependency_paths(options)?;
    let out_dir = absolute(out_dir)?;
    let runtime = relative_path(&out_dir, &runtime);
    let testkit = relative_path(&out_dir, &testkit);
    let toml = cargo_toml(
        &options.crate_name,
        "Typed clients for Taobao Open Platform APIs, generated by topgen.",
        &runtime,
        &testkit,
        &names,
    );
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
    /// The files (modules) this run took from `out` unchanged, having checked their hash:
    /// not read again to be compared.
    on_disk: BTreeSet<String>,
    /// The paths of `out` that another generation writes (topic crates beside API crates):
    /// never removed nor reported as extra.
    foreign: Foreign,
}

impl Generated {
    /// Writes the crate ([`Files::write`]) and then its cache manifest, each file only when its
    /// bytes changed: a run with nothing changed writes no file at all.
    pub fn write(&self, out: &Path) -> Result<WriteReport, Error> {
        let report = self.files.write_except(out, &self.on_disk, self.foreign)?;
        if let Some(manifest) = &self.manifest {
            write_if_changed(&out.join(CACHE_FILE), &manifest.to_text())?;
        }
        Ok(report)
    }

    /// Compares with `out` without writing anything ([`Files::check`]).
    pub fn check(&self, out: &Path) -> Result<Vec<Stale>, Error> {
        self.files.check_except(out, &self.on_disk, self.foreign)
    }
}

/// Where a spec's module goes: the crate's package name and its folder in the output folder
/// (`""` for a single crate written to the output folder itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Home {
    pub(crate) package: String,
    pub(crate) dir: String,
}

impl Home {
    fn lib(&self) -> String {
        lib_name(&self.package)
    }

    /// `rel` inside the crate's folder, relative to the output folder.
    pub(crate) fn path(&self, rel: &str) -> String {
        if self.dir.is_empty() {
            rel.to_owned()
        } else {
            format!("{}/{rel}", self.dir)
        }
    }
}

/// A spec file read and either matched with the cache (its bytes are those of the last run)
/// or parsed and resolved.
pub(crate) struct Probe {
    path: PathBuf,
    file: String,
    /// The cache key of the spec's bytes.
    key: String,
    pub(crate) names: Names,
    title: String,
    state: ProbeState,
}

enum ProbeState {
    /// Unchanged since the last write: what it gave then (rendered again only if its crate
    /// changed or its module on disk is not what was written).
    Cached(Box<Entry>),
    /// Parsed and resolved, with its reply examples checked.
    Parsed(Box<(Api, Vec<Misfit>)>),
}

/// One spec file's share of the output.
pub(crate) struct Unit {
    file: String,
    pub(crate) names: Names,
    pub(crate) title: String,
    pub(crate) home: Home,
    pub(crate) module: Result<String, Error>,
    entry: Entry,
    /// Whether it was rendered by this run (else its module is the file on disk).
    rendered: bool,
}

/// Reads a spec file: matched with the manifest by the hash of its bytes, else parsed.
fn probe(path: &Path, fingerprint: &str, old: Option<&Manifest>) -> Result<Probe, Error> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    topgen_spec::load::check_size(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let key = if fingerprint.is_empty() {
        String::new()
    } else {
        cache::hash(&[fingerprint.as_bytes(), file.as_bytes(), &bytes])
    };
    if let Some(entry) = old.and_then(|m| m.specs.get(&file))
        && !key.is_empty()
        && entry.key == key
    {
        return Ok(Probe {
            path: path.to_owned(),
            file,
            key,
            names: entry.names(),
            title: entry.title.clone(),
            state: ProbeState::Cached(Box::new(entry.clone())),
        });
    }
    let text = utf8(path, bytes)?;
    let (api, misfits) = resolve_spec(path, &text)?;
    Ok(Probe {
        path: path.to_owned(),
        file,
        key,
        names: Names::of(&api),
        title: api.title.clone().unwrap_or_default(),
        state: ProbeState::Parsed(Box::new((api, misfits))),
    })
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|_| {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ),
        )
    })
}

/// A probed spec's module for its crate: the file on disk when the manifest says it is what
/// rendering would give, else rendered.
fn finish(probe: Probe, home: Home, out_dir: &Path) -> Unit {
    let lib = home.lib();
    let (api, misfits) = match probe.state {
        ProbeState::Cached(entry) => {
            let module = out_dir.join(home.path(&format!("src/{}.rs", entry.module)));
            if entry.lib == lib
                && let Ok(text) = std::fs::read_to_string(&module)
                && cache::hash(&[text.as_bytes()]) == entry.output
            {
                return Unit {
                    file: probe.file,
                    names: probe.names,
                    title: probe.title,
                    home,
                    module: Ok(text),
                    entry: *entry,
                    rendered: false,
                };
            }
            // Its crate changed, or its module was edited: parse it again.
            let parsed = std::fs::read(&probe.path)
                .map_err(|e| Error::io(&probe.path, e))
                .and_then(|bytes| utf8(&probe.path, bytes))
                .and_then(|text| resolve_spec(&probe.path, &text));
            match parsed {
                Ok(parsed) => parsed,
                Err(e) => {
                    return Unit {
                        file: probe.file,
                        names: probe.names,
                        title: probe.title,
                        home,
                        module: Err(e),
                        entry: *entry,
                        rendered: true,
                    };
                }
            }
        }
        ProbeState::Parsed(parsed) => *parsed,
    };
    let module = module_file(&api, &misfits, Some(&lib), Path::new(&api.source));
    let entry = Entry {
        key: probe.key,
        method: probe.names.method.clone(),
        module: probe.names.module.clone(),
        request: probe.names.request.clone(),
        response: probe.names.response.clone(),
        title: probe.title.clone(),
        lib,
        output: module
            .as_ref()
            .map(|t| cache::hash(&[t.as_bytes()]))
            .unwrap_or_default(),
        misfits: Entry::misfits_of(&misfits),
        untested: !has_reply_example(&api),
        warnings: api
            .warnings
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect(),
    };
    Unit {
        file: probe.file,
        names: probe.names,
        title: probe.title,
        home,
        module,
        entry,
        rendered: true,
    }
}

/// Fails with the errors, if any (one, or [`Error::Many`]).
pub(crate) fn fail_on(mut errors: Vec<Error>) -> Result<(), Error> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Many(errors)),
    }
}

/// The first stages of [`generate`] and [`generate_groups`]: every spec probed (in parallel),
/// name clashes refused, sorted by method; the old manifest of `out_dir`.
pub(crate) fn probe_all(
    specs_dir: &Path,
    out_dir: &Path,
    options: &Options,
) -> Result<(Vec<Probe>, Option<Manifest>), Error> {
    let files = spec_files_of(specs_dir, options)?;
    let manifest = Manifest::new();
    let old = manifest.as_ref().and_then(|_| Manifest::read(out_dir));
    let fingerprint = manifest
        .as_ref()
        .map(|m| m.fingerprint.clone())
        .unwrap_or_default();
    let probes: Vec<Result<Probe, Error>> = files
        .into_par_iter()
        .map(|path| probe(&path, &fingerprint, old.as_ref()))
        .collect();
    // Clashes and errors in file order, as `load_apis` reports them.
    let mut names = NameClaims::default();
    let mut errors = Vec::new();
    let mut ok = Vec::new();
    for probe in probes {
        match probe {
            Ok(p) => match names.claim(&p.path, &p.names.method, &p.names.module, &p.names.request)
            {
                Ok(()) => ok.push(p),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(e),
        }
    }
    fail_on(errors)?;
    ok.sort_by(|a, b| a.names.method.cmp(&b.names.method));
    Ok((ok, manifest))
}

/// The last stages: each probe finished in its crate (in parallel), and what the run reports.
pub(crate) fn finish_all(
    probes: Vec<(Probe, Home)>,
    specs_dir: &Path,
    out_dir: &Path,
    mut manifest: Option<Manifest>,
) -> Result<(Vec<Unit>, Report), Error> {
    let units: Vec<Unit> = probes
        .into_par_iter()
        .map(|(p, home)| finish(p, home, out_dir))
        .collect();
    let mut report = Report::default();
    let mut errors = Vec::new();
    let mut ok = Vec::with_capacity(units.len());
    for unit in units {
        let unit = match unit.module {
            Ok(_) => unit,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let path = specs_dir.join(&unit.file);
        let entry = &unit.entry;
        report
            .misfits
            .extend(entry.misfits().into_iter().map(|m| (path.clone(), m)));
        if entry.untested {
            report.untested.push(path.clone());
        }
        report
            .warnings
            .extend(entry.warnings.iter().map(|w| (path.clone(), w.clone())));
        if unit.rendered {
            report.rendered += 1;
        } else {
            report.reused += 1;
            report
                .on_disk
                .insert(unit.home.path(&format!("src/{}.rs", unit.names.module)));
        }
        if let Some(m) = manifest.as_mut() {
            m.specs.insert(unit.file.clone(), unit.entry.clone());
        }
        ok.push(unit);
    }
    fail_on(errors)?;
    report.manifest = manifest;
    Ok((ok, report))
}

/// What a run reports besides its files.
#[derive(Default)]
pub(crate) struct Report {
    misfits: Vec<(PathBuf, Misfit)>,
    untested: Vec<PathBuf>,
    warnings: Vec<(PathBuf, String)>,
    rendered: usize,
    reused: usize,
    manifest: Option<Manifest>,
    on_disk: BTreeSet<String>,
}

impl Report {
    /// The report of a run that rendered `n` specs and reports nothing else (no cache, no
    /// reply examples: the topic crates').
    pub(crate) fn rendered(n: usize) -> Report {
        Report {
            rendered: n,
            ..Report::default()
        }
    }

    /// What a run reports, with its files, owning the whole output folder.
    pub(crate) fn into_generated(self, files: Files) -> Generated {
        self.into_generated_beside(files, nothing_foreign)
    }

    /// [`Report::into_generated`] of a generation that shares the output folder with another,
    /// whose paths are `foreign`.
    pub(crate) fn into_generated_beside(self, files: Files, foreign: Foreign) -> Generated {
        Generated {
            files,
            misfits: self.misfits,
            untested: self.untested,
            warnings: self.warnings,
            rendered: self.rendered,
            reused: self.reused,
            manifest: self.manifest,
            on_disk: self.on_disk,
            foreign,
        }
    }
}

/// [`generate_crate`] for a crate folder that is regenerated again and again: only the specs
/// that changed since the last [`Generated::write`] to `out_dir` are parsed and rendered (see
/// [`crate::cache`]); the output is byte for byte what a full run gives. Also checks the reply
/// examples of the specs ([`examples::check_api`]). Nothing is written here; errors are
/// those of [`generate_crate`].
pub fn generate(specs_dir: &Path, out_dir: &Path, options: &Options) -> Result<Generated, Error> {
    let (probes, manifest) = probe_all(specs_dir, out_dir, options)?;
    let home = Home {
        package: options.crate_name.clone(),
        dir: String::new(),
    };
    let probes = probes.into_iter().map(|p| (p, home.clone())).collect();
    let (units, report) = finish_all(probes, specs_dir, out_dir, manifest)?;
    let modules = units
        .into_iter()
        .map(|u| (u.names, u.module.unwrap_or_default()))
        .collect();
    Ok(report.into_generated(assemble(modules, out_dir, options)?))
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
pub(crate) struct Names {
    pub(crate) method: String,
    pub(crate) module: String,
    pub(crate) request: String,
    pub(crate) response: String,
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

fn render_ident(name: &str) -> proc_macro2::Ident {
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
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
