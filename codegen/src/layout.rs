//! Which crate each API is in, when the APIs are split into crates by TOP's product groups.
//!
//! TOP names its APIs by product: `taobao.trade.fullinfo.get` is the `trade` product of the
//! `taobao` vendor. A crate is made for a name prefix (`taobao.trade` → `topgen-taobao-trade`)
//! and holds the APIs under it that no crate of a longer prefix holds. The rule, applied to the
//! APIs that are not placed yet:
//!
//! - The APIs of one vendor (the first segment) go into the vendor's crate (`topgen-taobao`)
//!   while they fit: a crate holds at most [`MAX_APIS_PER_CRATE`] APIs, so that with `full`
//!   and `default` it stays within crates.io's 300 features.
//! - When they do not fit, each product (the prefix one segment longer) of at least
//!   [`MIN_APIS_OF_OWN_CRATE`] APIs gets a crate of its own, by the same rule one level down
//!   (`alibaba.alihealth` → `topgen-alibaba-alihealth`, split again by the third segment if it
//!   has more APIs than a crate holds); the smaller products stay in the vendor's crate, and
//!   while that is still too big the largest of them moves to a crate of its own.
//!
//! An API keeps its crate once placed: the assignment is written to [`LAYOUT_FILE`] in the
//! output folder (committed with the crates) and read back on the next run, so that crate
//! names and features stay stable for the APIs already shipped. A new API goes to the crate of
//! the longest prefix of its name; when that crate has no room left (or no crate has a prefix
//! of its name), the new APIs it would get are placed by the rule above, below that crate's
//! prefix. Deleting the file lays everything out afresh.
//!
//! TMC topics are laid out by the same rule ([`Scheme::Topics`]): their names are `_`-separated
//! (`taobao_trade_TradeCreate` is the `trade` product of the `taobao` vendor), their crates are
//! `topgen-tmc-<prefix>` (`topgen-tmc-taobao-trade`, folder `tmc-taobao-trade/`) and their
//! layout file is [`Scheme::Topics`]'s [`Scheme::file`], `topics.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use topgen_spec::Error;

/// At most this many APIs in one crate: with the features `full` and `default`, 292 of the 300
/// features crates.io allows a crate, leaving room for a few more.
pub const MAX_APIS_PER_CRATE: usize = 290;

/// A product with at least this many APIs gets a crate of its own when its vendor's APIs do not
/// fit in one crate; smaller products share the vendor's crate.
pub const MIN_APIS_OF_OWN_CRATE: usize = 10;

/// The file in the output folder that records each API's crate.
pub const LAYOUT_FILE: &str = "crates.txt";

/// The crate names start with this.
pub const CRATE_PREFIX: &str = "topgen-";

/// What is laid out: TOP's APIs (`taobao.trade.fullinfo.get`, in the client crates) or its TMC
/// topics (`taobao_trade_TradeCreate`, in the topic crates). The rule is the same; the names'
/// separator, the crates' names and the layout file differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scheme {
    /// API methods: `.`-separated, crates `topgen-<prefix>`, [`LAYOUT_FILE`].
    #[default]
    Apis,
    /// TMC topics: `_`-separated, crates `topgen-tmc-<prefix>`, `topics.txt`.
    Topics,
}

impl Scheme {
    /// The separator of the names' segments.
    pub fn separator(self) -> char {
        match self {
            Scheme::Apis => '.',
            Scheme::Topics => '_',
        }
    }

    /// How the crates' names start: [`CRATE_PREFIX`], and `tmc-` for topics.
    pub fn crate_prefix(self) -> &'static str {
        match self {
            Scheme::Apis => CRATE_PREFIX,
            Scheme::Topics => "topgen-tmc-",
        }
    }

    /// The layout file in the output folder.
    pub fn file(self) -> &'static str {
        match self {
            Scheme::Apis => LAYOUT_FILE,
            Scheme::Topics => "topics.txt",
        }
    }

    /// What a name is, in messages.
    fn what(self) -> &'static str {
        match self {
            Scheme::Apis => "API",
            Scheme::Topics => "topic",
        }
    }

    /// Whether `name` is a name of this scheme (TOP's method or topic rules).
    fn check_name(self, name: &str) -> Result<(), String> {
        match self {
            Scheme::Apis => topgen_spec::rules::check_method(name),
            Scheme::Topics => topgen_spec::rules::check_topic(name),
        }
    }

    /// Whether `prefix` starts names of this scheme: with more words, it is one.
    fn check_prefix(self, prefix: &str) -> Result<(), String> {
        match self {
            Scheme::Apis => self.check_name(&format!("{prefix}.x")),
            Scheme::Topics => self.check_name(&format!("{prefix}_x_X")),
        }
    }

    /// The crate name for a prefix: [`Scheme::crate_prefix`] and the prefix in lowercase, `.`
    /// and `_` as `-`.
    pub fn crate_name(self, prefix: &str) -> String {
        let mut name = self.crate_prefix().to_owned();
        for c in prefix.chars() {
            name.push(match c {
                '.' | '_' => '-',
                c => c.to_ascii_lowercase(),
            });
        }
        name
    }
}

/// One crate of a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    /// The API name prefix it was made for (`taobao.trade`).
    pub prefix: String,
    /// Its APIs, by method name.
    pub apis: BTreeSet<String>,
}

/// Which crate each API (or topic) is in: crate name (`topgen-taobao-trade`) → its prefix and
/// APIs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// What is laid out.
    pub scheme: Scheme,
    /// Crate name → crate.
    pub crates: BTreeMap<String, Crate>,
}

impl Layout {
    /// An empty layout of `scheme`.
    pub fn new(scheme: Scheme) -> Layout {
        Layout {
            scheme,
            crates: BTreeMap::new(),
        }
    }

    /// The crate of `method`, if it is placed.
    pub fn crate_of(&self, method: &str) -> Option<&str> {
        self.crates
            .iter()
            .find(|(_, c)| c.apis.contains(method))
            .map(|(name, _)| name.as_str())
    }

    /// API → crate name, for every API.
    pub fn by_api(&self) -> BTreeMap<&str, &str> {
        let mut out = BTreeMap::new();
        for (name, c) in &self.crates {
            for api in &c.apis {
                out.insert(api.as_str(), name.as_str());
            }
        }
        out
    }

    /// The layout for `methods`: every method that `self` places keeps its crate, methods
    /// that `self` has and `methods` lacks are dropped (and crates left empty with them), and
    /// the others are placed by the rule of the [module docs](self).
    pub fn place(&self, methods: &[&str]) -> Layout {
        let wanted: BTreeSet<&str> = methods.iter().copied().collect();
        let mut layout = Layout::new(self.scheme);
        let sep = self.scheme.separator();
        for (name, c) in &self.crates {
            let apis: BTreeSet<String> = c
                .apis
                .iter()
                .filter(|a| wanted.contains(a.as_str()))
                .cloned()
                .collect();
            if !apis.is_empty() {
                layout.crates.insert(
                    name.clone(),
                    Crate {
                        prefix: c.prefix.clone(),
                        apis,
                    },
                );
            }
        }
        let placed: BTreeSet<String> = layout
            .crates
            .values()
            .flat_map(|c| c.apis.clone())
            .collect();
        // New APIs by the crate of the longest prefix of their name, if any (None: by vendor).
        let mut by_home: BTreeMap<Option<String>, Vec<&str>> = BTreeMap::new();
        for m in wanted.iter().filter(|m| !placed.contains(**m)) {
            let home = layout
                .crates
                .iter()
                .filter(|(_, c)| under(m, &c.prefix, sep))
                .max_by_key(|(name, c)| {
                    (segments(&c.prefix, sep), std::cmp::Reverse(name.as_str()))
                })
                .map(|(name, _)| name.clone());
            by_home.entry(home).or_default().push(m);
        }
        for (home, apis) in by_home {
            match home {
                Some(name) => {
                    let prefix = layout.crates[&name].prefix.clone();
                    layout.fill(&prefix, Some(name), &apis);
                }
                None => {
                    let mut vendors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                    for m in apis {
                        vendors
                            .entry(first_segments(m, 1, sep))
                            .or_default()
                            .push(m);
                    }
                    for (vendor, apis) in vendors {
                        layout.fill(vendor, None, &apis);
                    }
                }
            }
        }
        layout
    }

    /// Places `apis` (all under `prefix`) into `pack` (an existing crate of that prefix) or a
    /// new crate for `prefix`, moving products of theirs to crates of their own while they do
    /// not fit.
    fn fill(&mut self, prefix: &str, pack: Option<String>, apis: &[&str]) {
        let room = match &pack {
            Some(name) => MAX_APIS_PER_CRATE.saturating_sub(self.crates[name].apis.len()),
            None => MAX_APIS_PER_CRATE,
        };
        let sep = self.scheme.separator();
        let mut packed: Vec<&str> = Vec::new();
        if apis.len() <= room {
            packed.extend_from_slice(apis);
        } else {
            let depth = segments(prefix, sep) + 1;
            // The products one segment down; an API named `prefix` itself has none.
            let mut kids: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for &m in apis {
                if segments(m, sep) > depth {
                    kids.entry(first_segments(m, depth, sep))
                        .or_default()
                        .push(m);
                } else {
                    packed.push(m);
                }
            }
            let mut small = Vec::new();
            for (kid, kid_apis) in kids {
                if kid_apis.len() >= MIN_APIS_OF_OWN_CRATE {
                    self.fill(kid, None, &kid_apis);
                } else {
                    small.push((kid, kid_apis));
                }
            }
            // The largest first (then by name), while the rest does not fit.
            small.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            let mut total: usize = packed.len() + small.iter().map(|(_, a)| a.len()).sum::<usize>();
            let mut stay = Vec::new();
            for (kid, kid_apis) in small {
                if total > room {
                    total -= kid_apis.len();
                    self.fill(kid, None, &kid_apis);
                } else {
                    stay.push(kid_apis);
                }
            }
            packed.extend(stay.into_iter().flatten());
            if packed.len() > room {
                // Only APIs named like the prefix itself are left, more than fit (never in
                // TOP's catalog): they go to numbered crates of the same prefix.
                let spill = packed.split_off(room);
                for chunk in spill.chunks(MAX_APIS_PER_CRATE) {
                    let name = self.new_crate(prefix);
                    self.crates
                        .get_mut(&name)
                        .expect("just made")
                        .apis
                        .extend(chunk.iter().map(|m| m.to_string()));
                }
            }
        }
        if packed.is_empty() {
            return;
        }
        let name = match pack {
            Some(name) => name,
            None => self.new_crate(prefix),
        };
        self.crates
            .get_mut(&name)
            .expect("the crate exists")
            .apis
            .extend(packed.iter().map(|m| m.to_string()));
    }

    /// A new, empty crate for `prefix`: [`Scheme::crate_name`] (the prefix's segments in
    /// lowercase joined by `-`, `_` too, which crates.io does not tell from `-`), with `-2`,
    /// `-3`… when that name is taken.
    fn new_crate(&mut self, prefix: &str) -> String {
        let base = self.scheme.crate_name(prefix);
        let mut name = base.clone();
        let mut n = 2;
        while self.crates.contains_key(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.crates.insert(
            name.clone(),
            Crate {
                prefix: prefix.to_owned(),
                apis: BTreeSet::new(),
            },
        );
        name
    }

    /// Reads a layout file of `scheme` (see [`Layout::to_text`]); `path` names it in errors.
    pub fn parse(scheme: Scheme, path: &Path, text: &str) -> Result<Layout, Error> {
        let mut layout = Layout::new(scheme);
        let (what, sep) = (scheme.what(), scheme.separator());
        // The header line's placeholder, and what a prefix is.
        let (example, prefix_is) = match scheme {
            Scheme::Apis => (
                "api.prefix",
                "an API name prefix; expected dot-separated words such as `taobao.trade`",
            ),
            Scheme::Topics => (
                "topic_prefix",
                "a topic name prefix; expected `_`-separated words such as `taobao_trade`",
            ),
        };
        let mut current: Option<String> = None;
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let invalid = |line: usize, message: String| Error::Invalid {
            path: path.to_owned(),
            field: format!("line {line}"),
            message,
        };
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let (name, prefix) = rest
                    .split_once(']')
                    .map(|(a, b)| (a.trim(), b.trim()))
                    .ok_or_else(|| {
                        invalid(n, format!("`{line}`: expected `[crate-name] {example}`"))
                    })?;
                if !is_crate_name(scheme, name) {
                    return Err(invalid(
                        n,
                        format!(
                            "`{name}` is not a crate name of this layout; expected `{}` and lowercase letters, digits and `-`",
                            scheme.crate_prefix()
                        ),
                    ));
                }
                if scheme.check_prefix(prefix).is_err() {
                    return Err(invalid(
                        n,
                        format!("crate `{name}`: `{prefix}` is not {prefix_is}"),
                    ));
                }
                if layout.crates.contains_key(name) {
                    return Err(invalid(n, format!("crate `{name}` is listed twice")));
                }
                layout.crates.insert(
                    name.to_owned(),
                    Crate {
                        prefix: prefix.to_owned(),
                        apis: BTreeSet::new(),
                    },
                );
                current = Some(name.to_owned());
                continue;
            }
            let Some(name) = &current else {
                return Err(invalid(
                    n,
                    format!("`{line}` comes before any `[crate-name] {example}` line"),
                ));
            };
            scheme.check_name(line).map_err(|m| invalid(n, m))?;
            if let Some(first) = seen.insert(line.to_owned(), n) {
                return Err(invalid(
                    n,
                    format!(
                        "{what} `{line}` is already placed (line {first}); expected each {what} once"
                    ),
                ));
            }
            let c = layout.crates.get_mut(name).expect("inserted above");
            if !under(line, &c.prefix, sep) {
                return Err(invalid(
                    n,
                    format!(
                        "{what} `{line}` is not under `{}`, the prefix of crate `{name}`",
                        c.prefix
                    ),
                ));
            }
            c.apis.insert(line.to_owned());
        }
        Ok(layout)
    }

    /// Reads the layout file of `scheme` in the output folder `out`; an empty layout when there
    /// is none.
    pub fn read(scheme: Scheme, out: &Path) -> Result<Layout, Error> {
        let path = out.join(scheme.file());
        match std::fs::read_to_string(&path) {
            Ok(text) => Layout::parse(scheme, &path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Layout::new(scheme)),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The layout file: a header, then per crate a `[name] prefix` line and its APIs (or
    /// topics).
    pub fn to_text(&self) -> String {
        let (what, one) = match self.scheme {
            Scheme::Apis => ("API", "An API"),
            Scheme::Topics => ("topic", "A topic"),
        };
        let mut out = format!(
            "# {} by topgen codegen: the crate of each {what}.\n\
             # {one} keeps its crate once placed; new {what}s are placed by the rule in\n\
             # codegen/src/layout.rs. Delete this file to lay the crates out afresh.\n",
            crate::HEADER_MARK.trim_start_matches("// ")
        );
        for (name, c) in &self.crates {
            let _ = writeln!(out, "\n[{name}] {}", c.prefix);
            for api in &c.apis {
                out.push_str(api);
                out.push('\n');
            }
        }
        out
    }
}

/// The folder of crate `name` in the output folder: the name without [`CRATE_PREFIX`].
pub fn crate_dir(name: &str) -> &str {
    name.strip_prefix(CRATE_PREFIX).unwrap_or(name)
}

fn is_crate_name(scheme: Scheme, name: &str) -> bool {
    name.strip_prefix(scheme.crate_prefix())
        .is_some_and(|rest| {
            !rest.is_empty()
                && !rest.starts_with('-')
                && !rest.ends_with('-')
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Whether `method` is `prefix` or under it (`prefix.` …), segment-wise (segments separated by
/// `sep`).
fn under(method: &str, prefix: &str, sep: char) -> bool {
    method
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(sep))
}

fn segments(name: &str, sep: char) -> usize {
    name.split(sep).count()
}

/// The first `n` segments of `name`, separated by `sep`.
fn first_segments(name: &str, n: usize, sep: char) -> &str {
    match name.match_indices(sep).nth(n.saturating_sub(1)) {
        Some((i, _)) => &name[..i],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}.api{i:03}.get")).collect()
    }

    fn place(previous: &Layout, apis: &[String]) -> Layout {
        let refs: Vec<&str> = apis.iter().map(String::as_str).collect();
        previous.place(&refs)
    }

    fn sizes(layout: &Layout) -> BTreeMap<&str, usize> {
        layout
            .crates
            .iter()
            .map(|(n, c)| (n.as_str(), c.apis.len()))
            .collect()
    }

    #[test]
    fn a_vendor_that_fits_is_one_crate() {
        let mut apis = names("tmall.car", 20);
        apis.extend(names("tmall.item", 30));
        let layout = place(&Layout::default(), &apis);
        assert_eq!(sizes(&layout), BTreeMap::from([("topgen-tmall", 50)]));
        assert_eq!(layout.crates["topgen-tmall"].prefix, "tmall");
    }

    #[test]
    fn a_big_vendor_splits_by_product_and_keeps_small_products_together() {
        let mut apis = names("taobao.trade", 200);
        apis.extend(names("taobao.item", 150));
        apis.extend(names("taobao.time", 3));
        apis.extend(names("taobao.user", 9));
        let layout = place(&Layout::default(), &apis);
        assert_eq!(
            sizes(&layout),
            BTreeMap::from([
                ("topgen-taobao", 12),
                ("topgen-taobao-item", 150),
                ("topgen-taobao-trade", 200),
            ])
        );
        // A product bigger than a crate splits again, one segment down.
        let big = names("alibaba.alihealth", 400);
        let layout = place(&Layout::default(), &big);
        assert!(
            layout
                .crates
                .values()
                .all(|c| c.apis.len() <= MAX_APIS_PER_CRATE)
        );
        assert_eq!(
            layout.crates.values().map(|c| c.apis.len()).sum::<usize>(),
            400
        );
    }

    #[test]
    fn small_products_move_out_largest_first_while_the_vendor_crate_is_too_big() {
        // 40 products of 9: none is big enough for a crate of its own, but 360 do not fit.
        let apis: Vec<String> = (0..40)
            .flat_map(|p| names(&format!("yunos.p{p:02}"), 9))
            .collect();
        let layout = place(&Layout::default(), &apis);
        assert!(
            layout
                .crates
                .values()
                .all(|c| c.apis.len() <= MAX_APIS_PER_CRATE)
        );
        assert_eq!(layout.crates["topgen-yunos"].apis.len(), 288);
        assert_eq!(layout.crates.len(), 1 + 8);
        assert!(layout.crates.contains_key("topgen-yunos-p00"));
    }

    #[test]
    fn placed_apis_never_move_and_new_ones_spill_when_their_crate_is_full() {
        let mut apis = names("alibaba.alihealth", 280);
        let first = place(&Layout::default(), &apis);
        assert_eq!(sizes(&first), BTreeMap::from([("topgen-alibaba", 280)]));
        // 30 more of one new product and 5 of another: 10 still fit, the 30 get their crate.
        apis.extend(names("alibaba.alihealth.zz", 30));
        apis.extend(names("alibaba.new", 5));
        let second = place(&first, &apis);
        for api in &first.crates["topgen-alibaba"].apis {
            assert_eq!(second.crate_of(api), Some("topgen-alibaba"), "{api} moved");
        }
        assert!(
            second
                .crates
                .values()
                .all(|c| c.apis.len() <= MAX_APIS_PER_CRATE)
        );
        assert_eq!(
            second.crate_of("alibaba.new.api000.get"),
            Some("topgen-alibaba")
        );
        assert_eq!(
            second.crate_of("alibaba.alihealth.zz.api000.get"),
            Some("topgen-alibaba-alihealth")
        );
        // Once placed, a deleted API leaves, and an empty crate with it.
        let third = place(&second, &names("alibaba.alihealth", 280));
        assert_eq!(third, first);
    }

    #[test]
    fn a_new_api_goes_to_the_longest_prefix() {
        let mut apis = names("taobao.trade", 200);
        apis.extend(names("taobao.item", 150));
        let first = place(&Layout::default(), &apis);
        let mut more = apis.clone();
        more.push("taobao.trade.new.get".into());
        more.push("taobao.other.get".into());
        more.push("cainiao.waybill.get".into());
        let second = place(&first, &more);
        assert_eq!(
            second.crate_of("taobao.trade.new.get"),
            Some("topgen-taobao-trade")
        );
        // No crate of `taobao` itself was needed before: the vendor gets one now.
        assert_eq!(second.crate_of("taobao.other.get"), Some("topgen-taobao"));
        assert_eq!(
            second.crate_of("cainiao.waybill.get"),
            Some("topgen-cainiao")
        );
    }

    #[test]
    fn crate_names_are_lowercase_dashed_and_distinct() {
        assert_eq!(Scheme::Apis.crate_name("m-kvstore"), "topgen-m-kvstore");
        assert_eq!(
            Scheme::Apis.crate_name("taobao.ovs_x"),
            "topgen-taobao-ovs-x"
        );
        assert_eq!(
            Scheme::Topics.crate_name("taobao_trade"),
            "topgen-tmc-taobao-trade"
        );
        assert_eq!(crate_dir("topgen-tmc-taobao-trade"), "tmc-taobao-trade");
        assert_eq!(crate_dir("topgen-taobao-trade"), "taobao-trade");
        let mut layout = Layout::default();
        let a = layout.new_crate("a.b_c");
        let b = layout.new_crate("a.b.c");
        assert_eq!((a.as_str(), b.as_str()), ("topgen-a-b-c", "topgen-a-b-c-2"));
    }

    #[test]
    fn the_file_reads_back_and_bad_files_name_the_line() {
        let mut apis = names("taobao.trade", 200);
        apis.extend(names("taobao.item", 150));
        apis.extend(names("tmall.car", 3));
        let layout = place(&Layout::default(), &apis);
        let text = layout.to_text();
        assert!(text.starts_with("# @generated by topgen codegen"), "{text}");
        assert_eq!(
            Layout::parse(Scheme::Apis, Path::new("c.txt"), &text).unwrap(),
            layout
        );
        for (bad, expected) in [
            ("taobao.a.b\n", "line 1: `taobao.a.b` comes before any"),
            (
                "[topgen-x] x\nx.a\nx.a\n",
                "line 3: API `x.a` is already placed (line 2)",
            ),
            ("[topgen-x] x\ny.a\n", "line 2: API `y.a` is not under `x`"),
            ("[Topgen-X] x\n", "line 1: `Topgen-X` is not a crate name"),
            (
                "[topgen-x x\n",
                "line 1: `[topgen-x x`: expected `[crate-name] api.prefix`",
            ),
            (
                "[topgen-x] x\n[topgen-x] x\n",
                "line 2: crate `topgen-x` is listed twice",
            ),
            ("[topgen-x] x\nnot a name\n", "line 2:"),
        ] {
            let err = Layout::parse(Scheme::Apis, Path::new("c.txt"), bad)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("c.txt") && err.contains(expected),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn topics_are_laid_out_by_the_same_rule_on_underscores() {
        let mut topics: Vec<String> = (0..200)
            .map(|i| format!("taobao_trade_Event{i:03}"))
            .collect();
        topics.extend((0..150).map(|i| format!("taobao_item_Event{i:03}")));
        topics.extend((0..5).map(|i| format!("taobao_time_Event{i}")));
        topics.push("tmall_car_Changed".into());
        let layout = place(&Layout::new(Scheme::Topics), &topics);
        assert_eq!(
            sizes(&layout),
            BTreeMap::from([
                ("topgen-tmc-taobao", 5),
                ("topgen-tmc-taobao-item", 150),
                ("topgen-tmc-taobao-trade", 200),
                ("topgen-tmc-tmall", 1),
            ])
        );
        assert_eq!(
            layout.crates["topgen-tmc-taobao-trade"].prefix,
            "taobao_trade"
        );
        assert_eq!(
            layout.crate_of("taobao_trade_Event007"),
            Some("topgen-tmc-taobao-trade")
        );
        // A new topic of a product goes to its crate; `taobao_tr…` is not under `taobao_trade`.
        let mut more = topics.clone();
        more.push("taobao_trade_New".into());
        more.push("taobao_tradex_New".into());
        let second = place(&layout, &more);
        assert_eq!(
            second.crate_of("taobao_trade_New"),
            Some("topgen-tmc-taobao-trade")
        );
        assert_eq!(
            second.crate_of("taobao_tradex_New"),
            Some("topgen-tmc-taobao")
        );
        let text = layout.to_text();
        assert!(
            text.starts_with(
                "# @generated by topgen codegen: the crate of each topic.\n# A topic keeps its crate once placed; new topics are placed"
            ),
            "{text}"
        );
        assert_eq!(
            Layout::parse(Scheme::Topics, Path::new("t.txt"), &text).unwrap(),
            layout
        );
        for (bad, expected) in [
            (
                "[topgen-x] taobao\n",
                "line 1: `topgen-x` is not a crate name of this layout; expected `topgen-tmc-`",
            ),
            (
                "[topgen-tmc-x] taobao.trade\n",
                "line 1: crate `topgen-tmc-x`: `taobao.trade` is not a topic name prefix",
            ),
            (
                "[topgen-tmc-x] x\nx_a\n",
                "line 2: invalid topic name \"x_a\"",
            ),
            (
                "[topgen-tmc-x] x\ny_a_B\n",
                "line 2: topic `y_a_B` is not under `x`",
            ),
            (
                "[topgen-tmc-x] x\nx_a_B\nx_a_B\n",
                "line 3: topic `x_a_B` is already placed (line 2); expected each topic once",
            ),
            (
                "x_a_B\n",
                "line 1: `x_a_B` comes before any `[crate-name] topic_prefix` line",
            ),
        ] {
            let err = Layout::parse(Scheme::Topics, Path::new("t.txt"), bad)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("t.txt") && err.contains(expected),
                "{bad:?}: {err}"
            );
        }
    }
}
