//! The TMC topic crates: the topic specs of a folder (`specs/tmc/`, [`topgen_spec::topic`])
//! become crates split by TOP's product groups by the API crates' rule ([`crate::layout`],
//! [`Scheme::Topics`]): `topgen-tmc-taobao-trade` in `tmc-taobao-trade/` holds the
//! `taobao_trade_*` topics, each a struct behind a cargo feature named after the topic. Beside
//! the crates: the layout file `topics.txt` and [`TOPICS_INDEX_FILE`], the table of every topic.
//! They share the output folder with the API crates; each generation leaves the other's files
//! alone ([`is_topic_path`]).

use crate::HEADER_MARK;
use crate::crate_text::{Manifest, ModuleLine, cargo_toml_of, lib_text_of};
use crate::format::rust_file_with_docs;
use crate::generate::{
    Generated, Options, Report, default_runtime_path, fail_on, header, spec_files_of_kind,
};
use crate::groups::table_cell;
use crate::layout::{self, Layout, Scheme};
use crate::output::{Files, absolute, relative_path};
use crate::render::{DocBlocks, topic_items};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use topgen_spec::Error;
use topgen_spec::model::RESERVED_TYPE_NAMES;
use topgen_spec::sanitize::Scope;
use topgen_spec::topic::{Topic, load_topic, resolve_topic};

/// The file in the output folder that lists every topic.
pub const TOPICS_INDEX_FILE: &str = "TOPICS.md";

/// Whether a path of the output folder (relative, with `/`) is the topic crates': a topic
/// crate's folder (`tmc-…/`), the topics' layout file or [`TOPICS_INDEX_FILE`].
pub fn is_topic_path(rel: &str) -> bool {
    let dirs = layout::crate_dir(Scheme::Topics.crate_prefix());
    rel == TOPICS_INDEX_FILE || rel == Scheme::Topics.file() || rel.starts_with(dirs)
}

/// The `tmc/` folder beside this generator in its workspace (`topgen-tmc`, the crate of the
/// `Topic` trait).
pub fn default_tmc_path() -> PathBuf {
    default_runtime_path().with_file_name("tmc")
}

/// A topic with the names its crate gave it.
struct Placed {
    topic: Topic,
    /// Its struct: the short name, or the full one when the short one was taken.
    rust: String,
    /// Its module in the crate.
    module: String,
}

/// Generates the topic specs of `topics_dir` as topic crates into `out_dir` (see the
/// [module docs](self)); `tmc` is the folder of `topgen-tmc` (default: [`default_tmc_path`]),
/// `options` gives the runtime's folder and whether an empty folder is accepted
/// (`options.crate_name` and the test support crate are not used). Every spec is checked and
/// every error reported (two specs of one topic too); nothing is written here, and the
/// [`Generated`] writes and checks only the topic crates' paths ([`is_topic_path`]).
///
/// In a crate, topics are taken in name order; each gets its short struct name
/// ([`Topic::rust_name`]) unless an earlier one took it, then its full name
/// ([`Topic::full_rust_name`], `2`, `3`… appended if that is taken too); modules are named
/// after the topics, collisions likewise numbered. Names the generated code uses unqualified
/// (`Option`, `String`…) are never taken.
pub fn generate_topics(
    topics_dir: &Path,
    out_dir: &Path,
    options: &Options,
    tmc: Option<&Path>,
) -> Result<Generated, Error> {
    let files = spec_files_of_kind(topics_dir, options, "every topic crate", "no topic crate")?;
    let loaded: Vec<Result<Topic, Error>> = files
        .par_iter()
        .map(|path| load_topic(path).and_then(|spec| resolve_topic(path, &spec)))
        .collect();
    let mut errors = Vec::new();
    let mut by_name: BTreeMap<String, Topic> = BTreeMap::new();
    for (path, topic) in files.iter().zip(loaded) {
        match topic {
            Ok(t) => match by_name.get(&t.name) {
                Some(first) => errors.push(Error::Invalid {
                    path: path.clone(),
                    field: "topic".into(),
                    message: format!(
                        "topic {:?} is defined by {} already; expected one spec per topic",
                        t.name,
                        topics_dir.join(&first.source).display()
                    ),
                }),
                None => {
                    by_name.insert(t.name.clone(), t);
                }
            },
            Err(e) => errors.push(e),
        }
    }
    fail_on(errors)?;
    let names: Vec<&str> = by_name.keys().map(String::as_str).collect();
    let layout = Layout::read(Scheme::Topics, out_dir)?.place(&names);
    let mut crates: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    let by_topic = layout.by_api();
    let mut scopes: BTreeMap<String, (Scope, Scope)> = BTreeMap::new();
    for (name, topic) in by_name {
        let package = by_topic[name.as_str()].to_owned();
        let (types, modules) = scopes.entry(package.clone()).or_insert_with(|| {
            (
                Scope::for_types(RESERVED_TYPE_NAMES),
                Scope::with_reserved(&["topgen_runtime", "topgen_tmc"]),
            )
        });
        let rust = if types.is_free(&topic.rust_name) {
            types.claim(topic.rust_name.clone())
        } else {
            types.claim(topic.full_rust_name.clone())
        };
        let module = modules.claim(topic.module.clone());
        crates.entry(package).or_default().push(Placed {
            topic,
            rust,
            module,
        });
    }
    let out_abs = absolute(out_dir)?;
    let runtime = absolute(
        &options
            .runtime_path
            .clone()
            .unwrap_or_else(default_runtime_path),
    )?;
    let tmc = absolute(tmc.map_or_else(default_tmc_path, Path::to_owned).as_path())?;
    let mut files = BTreeMap::new();
    let mut index = Vec::new();
    let mut count = 0;
    for (package, topics) in &crates {
        let dir = layout::crate_dir(package);
        let crate_dir = out_abs.join(dir);
        let prefix = &layout.crates[package].prefix;
        let modules: Vec<Result<(String, String), Error>> = topics
            .par_iter()
            .map(|p| module_file(p).map(|text| (format!("{dir}/src/{}.rs", p.module), text)))
            .collect();
        for module in modules {
            let (path, text) = module?;
            files.insert(path, text);
        }
        let features: Vec<&str> = topics.iter().map(|p| p.topic.name.as_str()).collect();
        let toml = cargo_toml_of(&Manifest {
            crate_name: package,
            description: &format!(
                "Typed contents of the `{prefix}` topics of the Taobao Open Platform's message channel (TMC), generated by topgen."
            ),
            dependencies: &[
                ("topgen-runtime", &relative_path(&crate_dir, &runtime)),
                ("topgen-tmc", &relative_path(&crate_dir, &tmc)),
            ],
            testkit: None,
            what: "topic",
            named_after: "it",
            features: &features,
        });
        files.insert(format!("{dir}/Cargo.toml"), toml);
        files.insert(format!("{dir}/src/lib.rs"), lib_rs(package, prefix, topics));
        for p in topics {
            index.push((p, package.as_str()));
        }
        count += topics.len();
    }
    files.insert(Scheme::Topics.file().to_owned(), layout.to_text());
    files.insert(TOPICS_INDEX_FILE.to_owned(), index_md(&index, crates.len()));
    Ok(Report::rendered(count).into_generated_beside(Files { files }, |rel| !is_topic_path(rel)))
}

/// The whole pipeline for one topic spec given as text, touching no file: parse, check, render
/// and format the topic's module (its struct under its short name). `path` names the spec in
/// errors. Used by the fuzz targets.
pub fn topic_module(path: &Path, text: &str) -> Result<String, Error> {
    let topic = resolve_topic(path, &topgen_spec::topic::parse_topic(path, text)?)?;
    let placed = Placed {
        rust: topic.rust_name.clone(),
        module: topic.module.clone(),
        topic,
    };
    module_file(&placed)
}

/// A topic's module file, under the header naming its spec (`specs/tmc/<file>`).
fn module_file(p: &Placed) -> Result<String, Error> {
    let mut docs = DocBlocks::new();
    let tokens = topic_items(&mut docs, &p.topic, &p.rust);
    let source = format!("tmc/{}", p.topic.source);
    rust_file_with_docs(
        tokens,
        &header(Some(&source)),
        Path::new(&source),
        docs.blocks(),
    )
}

/// `lib.rs` of a topic crate: the crate docs (what it holds, how to enable a topic, a table of
/// its topics, where the definitions come from) and the modules, each behind its feature.
fn lib_rs(package: &str, prefix: &str, topics: &[Placed]) -> String {
    let example = topics.first().expect("a crate has a topic");
    let mut docs = format!(
        "//! Typed contents of the `{prefix}` topics of TOP's message channel (TMC), generated by\n\
         //! topgen from its topic specs: {count} topic{s}, each behind a cargo feature named after it.\n\
         //!\n\
         //! Each topic is a struct in a module named after the topic (`{name}` → module\n\
         //! `{module}`, struct `{rust}`, re-exported here) that implements\n\
         //! [`topgen_tmc::Topic`] (the crate is re-exported as [`topgen_tmc`]): a message's JSON\n\
         //! content decodes into it with serde (`serde_json::from_str::<{rust}>(content)`),\n\
         //! leniently as API replies do — ids as numbers or strings, dates as TOP's text or epoch\n\
         //! milliseconds, `Price` fields as exact decimals — ignoring fields the topic's definition\n\
         //! does not name. Every field is an `Option`: a message without it still decodes, even one\n\
         //! the definition marks required. A crate that handles a few topics enables only those:\n\
         //!\n\
         //! ```toml\n\
         //! [dependencies]\n\
         //! {package} = {{ path = \"…\", default-features = false, features = [\"{name}\"] }}\n\
         //! ```\n\
         //!\n\
         //! The default feature `full` enables them all. `TOPICS.md` beside the crates lists every\n\
         //! topic of every crate. The topic definitions come from the MIT-licensed\n\
         //! [tmc.js](https://github.com/TheNorthMemory/tmc.js) project's declarations.\n\
         //!\n\
         //! | Topic (its feature) | Type | Title |\n\
         //! |---|---|---|\n",
        count = topics.len(),
        s = if topics.len() == 1 { "" } else { "s" },
        name = example.topic.name,
        module = example.module,
        rust = example.rust,
    );
    for p in topics {
        let _ = writeln!(
            docs,
            "//! | `{}` | `{}` | {} |",
            p.topic.name,
            p.rust,
            table_cell(p.topic.title.as_deref().unwrap_or_default())
        );
    }
    let modules: Vec<ModuleLine> = topics
        .iter()
        .map(|p| ModuleLine {
            feature: &p.topic.name,
            module: &p.module,
            items: vec![&p.rust],
        })
        .collect();
    lib_text_of(
        &header(None),
        &docs,
        "topic",
        &["topgen_runtime", "topgen_tmc"],
        &modules,
    )
}

/// [`TOPICS_INDEX_FILE`]: every topic with its title, crate, feature and type, by name; and
/// the crates.
fn index_md(topics: &[(&Placed, &str)], crate_count: usize) -> String {
    let mut crates: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, package) in topics {
        *crates.entry(package).or_default() += 1;
    }
    let mut sorted: Vec<&(&Placed, &str)> = topics.iter().collect();
    sorted.sort_by(|a, b| a.0.topic.name.cmp(&b.0.topic.name));
    let mut out = format!(
        "<!-- {} by topgen codegen. Do not edit. -->\n\
         # The TMC topics of topgen's generated topic crates\n\
         \n\
         {} topics of TOP's message channel (TMC) in {crate_count} crates, split like the API crates by\n\
         the topic name's leading words (see `codegen/src/layout.rs`). Each topic is a struct\n\
         implementing `topgen_tmc::Topic`, its content decoded from a message's JSON. Find your\n\
         topic below, then depend on its crate with its feature, for example:\n\
         \n\
         ```toml\n\
         topgen-tmc-taobao-trade = {{ path = \"generated/tmc-taobao-trade\", default-features = false, features = [\"taobao_trade_TradeCreate\"] }}\n\
         ```\n\
         \n\
         The topic definitions come from the MIT-licensed [tmc.js](https://github.com/TheNorthMemory/tmc.js)\n\
         project's declarations (see `specs/tmc/README.md`).\n\
         \n\
         | Crate | Topics |\n\
         |---|---:|\n",
        HEADER_MARK.trim_start_matches("// "),
        topics.len(),
    );
    for (package, count) in &crates {
        let _ = writeln!(
            out,
            "| [`{package}`]({}/) | {count} |",
            layout::crate_dir(package)
        );
    }
    out.push_str("\n| Topic | Title | Crate | Feature | Type |\n|---|---|---|---|---|\n");
    for (p, package) in sorted {
        let _ = writeln!(
            out,
            "| `{n}` | {t} | `{package}` | `{n}` | `{r}` |",
            n = p.topic.name,
            t = table_cell(p.topic.title.as_deref().unwrap_or_default()),
            r = p.rust,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_topic_spec_renders_to_a_module_or_names_its_error() {
        let text = "topic: taobao_trade_TradeCreate\nfields:\n  - {name: tid, type: Number}\n  - {name: match, type: String}\n";
        let module = topic_module(Path::new("x.yaml"), text).unwrap();
        assert!(
            module.starts_with(
                "// @generated by topgen codegen from specs/tmc/x.yaml. Do not edit.\n//! TMC topic `taobao_trade_TradeCreate`.\n"
            ),
            "{module}"
        );
        for part in [
            "pub struct TradeCreate {",
            "pub match_: Option<String>,",
            "match_: (1, \"match\", field),",
            "Optional in the topic's definition; TOP type `Number`.",
        ] {
            assert!(module.contains(part), "{part}\n{module}");
        }
        let err = topic_module(Path::new("x.yaml"), "topic: x\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x.yaml: topic: invalid topic name"),
            "{err}"
        );
    }

    #[test]
    fn the_topic_crates_paths_are_theirs_alone() {
        for ours in [
            "TOPICS.md",
            "topics.txt",
            "tmc-taobao-trade/Cargo.toml",
            "tmc-taobao/src/lib.rs",
        ] {
            assert!(is_topic_path(ours), "{ours}");
        }
        for theirs in [
            "INDEX.md",
            "crates.txt",
            "taobao-tmc/src/lib.rs",
            "taobao-trade/Cargo.toml",
            "tmcx/Cargo.toml",
        ] {
            assert!(!is_topic_path(theirs), "{theirs}");
        }
    }
}
