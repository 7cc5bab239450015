//! Reading spec files: YAML syntax and shape errors with line:column and field path, within
//! limits of size, nesting, alias expansion and counts (see [`limits`]).

use crate::error::Error;
use crate::spec::Spec;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The bounds within which a spec is read, so that reading and generating stay bounded in time
/// and memory whatever the input. Each error that one causes names the limit.
pub mod limits {
    /// The largest spec file, in bytes (the largest TOP API's spec is well under 1 MiB).
    pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
    /// The deepest nesting of YAML collections (a spec needs 6: `types` → type → `fields` →
    /// field → …).
    pub const MAX_DEPTH: usize = 32;
    /// The most YAML nodes (scalars and collections) once aliases are expanded.
    pub const MAX_NODES: usize = 200_000;
    /// How much aliases may add: the text of the scalars, once aliases are expanded, may not
    /// exceed the file's size by more than this many bytes.
    pub const MAX_ALIAS_EXPANSION_BYTES: usize = 256 * 1024;
    /// The most request params, response fields and type fields of one spec, together.
    pub const MAX_FIELDS: usize = 5_000;
    /// The most object types of one spec.
    pub const MAX_TYPES: usize = 1_000;
}

/// Reads and parses one spec file (shape only; see [`crate::model`] for consistency checks).
pub fn load_spec(path: &Path) -> Result<Spec, Error> {
    check_size(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_spec(path, &text)
}

/// Refuses a file larger than [`limits::MAX_FILE_BYTES`] before it is read.
pub fn check_size(path: &Path) -> Result<(), Error> {
    check_file_size(path, &API_FILES)
}

/// How big a file of one kind may be, and what its errors say about it.
pub(crate) struct FileBound {
    /// The most bytes.
    pub(crate) max_bytes: usize,
    /// The name of the limit's constant, for errors (`MAX_FILE_BYTES`).
    pub(crate) limit: &'static str,
    /// What one file holds, for errors (`one API per spec`).
    pub(crate) holds: &'static str,
}

/// The bound of API spec files.
const API_FILES: FileBound = FileBound {
    max_bytes: limits::MAX_FILE_BYTES,
    limit: "MAX_FILE_BYTES",
    holds: "one API per spec",
};

/// Refuses a file larger than `bound` before it is read.
pub(crate) fn check_file_size(path: &Path, bound: &FileBound) -> Result<(), Error> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > bound.max_bytes as u64 {
        return Err(too_big(path, size, bound));
    }
    Ok(())
}

fn too_big(path: &Path, size: u64, bound: &FileBound) -> Error {
    limit_error(
        path,
        format!(
            "the file has {size} bytes, more than the limit of {} bytes ({}); expected {}",
            bound.max_bytes, bound.limit, bound.holds
        ),
    )
}

pub(crate) fn limit_error(path: &Path, message: String) -> Error {
    Error::Syntax {
        path: path.to_owned(),
        location: None,
        field: String::new(),
        message,
    }
}

/// Parses spec text; `path` is only used in errors.
pub fn parse_spec(path: &Path, text: &str) -> Result<Spec, Error> {
    let spec: Spec = parse_yaml(path, text, &API_FILES)?;
    check_counts(path, &spec)?;
    check_text_scalars(path, text, &spec)?;
    Ok(spec)
}

/// Reads YAML text of any of the formats (API specs, topic specs) into `T`, within `bound` and
/// the shape limits of [`limits`] (nesting, nodes, alias expansion): the errors have the
/// line:column and the field path. `path` is only used in errors.
pub(crate) fn parse_yaml<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    bound: &FileBound,
) -> Result<T, Error> {
    if text.len() > bound.max_bytes {
        return Err(too_big(path, text.len() as u64, bound));
    }
    check_shape_limits::<T>(path, text)?;
    let de = yaml_serde::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| syntax(path, e))
}

fn syntax(path: &Path, e: serde_path_to_error::Error<yaml_serde::Error>) -> Error {
    let field = e.path().to_string();
    let inner = e.into_inner();
    let location = inner.location().map(|l| (l.line(), l.column()));
    let message = strip_path(&field, &strip_location(&inner.to_string()));
    Error::Syntax {
        path: path.to_owned(),
        location,
        field,
        message,
    }
}

/// Flow collections (`[`, `{`) nested deeper than any spec needs are refused before the YAML
/// parser sees them (it takes time quadratic in their depth); then the document is walked once,
/// aliases expanded, counting nodes, nesting and scalar bytes, and stopped at the first limit,
/// before anything is built from it.
fn check_shape_limits<T: DeserializeOwned>(path: &Path, text: &str) -> Result<(), Error> {
    let depth = flow_depth(text);
    if depth > limits::MAX_DEPTH {
        return Err(limit_error(
            path,
            format!(
                "YAML flow collections (`[`, `{{`) nest {depth} deep or more, deeper than the limit of {} (MAX_DEPTH)",
                limits::MAX_DEPTH
            ),
        ));
    }
    if !walk_needed(text, depth) {
        return Ok(());
    }
    let mut walk = Walk {
        nodes: 0,
        bytes: 0,
        max_bytes: text.len() + limits::MAX_ALIAS_EXPANSION_BYTES,
        failed: None,
    };
    let de = yaml_serde::Deserializer::from_str(text);
    match (Node {
        walk: &mut walk,
        depth: 0,
    })
    .deserialize(de)
    {
        Ok(()) => Ok(()),
        Err(e) => match walk.failed {
            Some(message) => Err(limit_error(path, message)),
            // Not a limit: a YAML error, which the real parse reports with its field path.
            None => {
                let de = yaml_serde::Deserializer::from_str(text);
                match serde_path_to_error::deserialize::<_, T>(de) {
                    Err(e) => Err(syntax(path, e)),
                    Ok(_) => Err(limit_error(path, strip_location(&e.to_string()))),
                }
            }
        },
    }
}

/// The deepest nesting of YAML flow collections (`[` / `{` that open one), counting at most to
/// `MAX_DEPTH + 1`, in one pass over the text without parsing it. Brackets that are text are
/// not counted: inside quoted scalars (with their escapes, across lines), block scalars
/// (`|` / `>` and the lines indented below them), plain scalars in block context (`a [b]`,
/// `key: x{y}`) and comments. A `[` or `{` counts where a YAML node may start: at the start of
/// a line's content, after `- `, `? ` or a mapping key's `: `, after an anchor or a tag, or
/// inside a flow collection.
fn flow_depth(text: &str) -> usize {
    let mut scan = FlowScan {
        depth: 0,
        max: 0,
        quote: None,
    };
    // Inside a block scalar: lines indented deeper than this (and blank lines) are its text.
    let mut block_scalar: Option<usize> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        if let Some(parent) = block_scalar {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if scan.line(line.as_bytes(), indent) {
            block_scalar = Some(indent);
        }
        if scan.max > limits::MAX_DEPTH {
            break;
        }
    }
    scan.max
}

/// The state of [`flow_depth`] between lines.
struct FlowScan {
    /// Open flow collections (0: block context).
    depth: usize,
    max: usize,
    /// The quote of a quoted scalar still open at the end of the last line.
    quote: Option<u8>,
}

impl FlowScan {
    /// Scans one line; true when it ends with a block scalar's header (`key: |`, `- >-`).
    fn line(&mut self, b: &[u8], indent: usize) -> bool {
        let mut i = if self.quote.is_some() { 0 } else { indent };
        // Where a node may start (block context).
        let mut node_start = true;
        while i < b.len() && self.max <= limits::MAX_DEPTH {
            if let Some(q) = self.quote {
                match b[i] {
                    b'\\' if q == b'"' => i += 2,
                    b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
                    c if c == q => {
                        self.quote = None;
                        node_start = false;
                        i += 1;
                    }
                    _ => i += 1,
                }
                continue;
            }
            let c = b[i];
            let after_space = i == 0 || matches!(b[i - 1], b' ' | b'\t');
            if c == b'#' && after_space {
                return false;
            }
            if self.depth > 0 {
                match c {
                    b'"' | b'\'' => self.quote = Some(c),
                    b'[' | b'{' => self.open(),
                    b']' | b'}' => {
                        self.depth -= 1;
                        node_start = false;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            let next_is_space = b.get(i + 1).is_none_or(|n| matches!(n, b' ' | b'\t'));
            match c {
                b' ' | b'\t' => i += 1,
                // `- ` and `? ` start a node only where one may start already (after the
                // indentation or another `- `); `: ` ends a mapping key.
                b'-' | b'?' if next_is_space && node_start => i += 1,
                b':' if next_is_space => {
                    node_start = true;
                    i += 1;
                }
                b'[' | b'{' if node_start => {
                    self.open();
                    i += 1;
                }
                b'"' | b'\'' if node_start => {
                    self.quote = Some(c);
                    i += 1;
                }
                b'|' | b'>' if node_start => return true,
                // An anchor or a tag: the node starts after it.
                b'&' | b'!' if node_start => {
                    while i < b.len() && !matches!(b[i], b' ' | b'\t') {
                        i += 1;
                    }
                }
                // A plain scalar (or key): text up to a `: ` or a comment.
                _ => {
                    node_start = false;
                    i += 1;
                }
            }
        }
        false
    }

    fn open(&mut self) {
        self.depth += 1;
        self.max = self.max.max(self.depth);
    }
}

struct Walk {
    nodes: usize,
    bytes: usize,
    max_bytes: usize,
    failed: Option<String>,
}

impl Walk {
    fn node<E: de::Error>(&mut self, depth: usize, bytes: usize) -> Result<(), E> {
        self.nodes += 1;
        self.bytes += bytes;
        let message = if depth > limits::MAX_DEPTH {
            format!(
                "YAML collections nest deeper than the limit of {} (MAX_DEPTH)",
                limits::MAX_DEPTH
            )
        } else if self.nodes > limits::MAX_NODES {
            format!(
                "the document has more than {} YAML nodes (MAX_NODES), aliases expanded",
                limits::MAX_NODES
            )
        } else if self.bytes > self.max_bytes {
            format!(
                "aliases expand the document's text beyond its size plus {} bytes (MAX_ALIAS_EXPANSION_BYTES); expected aliases that repeat little or none",
                limits::MAX_ALIAS_EXPANSION_BYTES
            )
        } else {
            return Ok(());
        };
        self.failed = Some(message.clone());
        Err(E::custom(message))
    }
}

/// Whether the limits walk can find anything in `text`, whose flow collections nest
/// `flow_depth` deep. It cannot when all three limits hold by construction:
///
/// - no alias (`*` appears nowhere), so nothing expands: the scalars' bytes are the text's;
/// - fewer bytes than [`limits::MAX_NODES`]: a YAML node takes at least one byte of text once
///   no alias repeats it (`{a,b}` has the most nodes per byte: a key and its empty value per
///   `a,`);
/// - nesting: a block collection inside another is indented further, except a sequence as a
///   mapping's value, which may share its indentation once, so a node whose line starts (after
///   spaces and the `- `, `? `, `: ` indicators) at column `c` is inside at most `2c + 2` block
///   collections, and the flow collections within add `flow_depth`: when
///   `2c + 3 + flow_depth` stays within [`limits::MAX_DEPTH`] for the widest line, no node is
///   deeper. A tab in a line's indentation (not YAML) gives no bound.
///
/// Catalog specs (no aliases, a few KiB, indented at most 8 columns) skip the walk, a third of
/// their reading; specs with indented reply examples or aliases are walked.
fn walk_needed(text: &str, flow_depth: usize) -> bool {
    if text.len() >= limits::MAX_NODES || text.contains('*') {
        return true;
    }
    let mut widest = 0;
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut col = bytes.iter().take_while(|&&b| b == b' ').count();
        if bytes.get(col) == Some(&b'\t') {
            return true;
        }
        while matches!(bytes.get(col..col + 2), Some(b"- " | b"? " | b": ")) {
            col += 2;
        }
        widest = widest.max(col);
    }
    2 * widest + 3 + flow_depth > limits::MAX_DEPTH
}

/// One YAML node of the limits walk.
struct Node<'w> {
    walk: &'w mut Walk,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.walk.node(self.depth, v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.walk.node(self.depth, 1)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        self.walk.node(depth, 1)?;
        while seq
            .next_element_seed(Node {
                walk: self.walk,
                depth,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        self.walk.node(depth, 1)?;
        while map
            .next_key_seed(Node {
                walk: self.walk,
                depth,
            })?
            .is_some()
        {
            map.next_value_seed(Node {
                walk: self.walk,
                depth,
            })?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged node (`!tag value`): its value counts like any other.
        use de::VariantAccess as _;
        let (_, variant) = data.variant_seed(Node {
            walk: self.walk,
            depth: self.depth,
        })?;
        variant.newtype_variant_seed(Node {
            walk: self.walk,
            depth: self.depth + 1,
        })
    }
}

fn check_counts(path: &Path, spec: &Spec) -> Result<(), Error> {
    let fields = spec.request.len()
        + spec.response.len()
        + spec
            .types
            .iter()
            .map(|(_, t)| t.fields.len())
            .sum::<usize>();
    if fields > limits::MAX_FIELDS {
        return Err(limit_error(
            path,
            format!(
                "the spec has {fields} params and fields, more than the limit of {} (MAX_FIELDS); expected one API per spec",
                limits::MAX_FIELDS
            ),
        ));
    }
    if spec.types.len() > limits::MAX_TYPES {
        return Err(limit_error(
            path,
            format!(
                "the spec has {} types, more than the limit of {} (MAX_TYPES)",
                spec.types.len(),
                limits::MAX_TYPES
            ),
        ));
    }
    Ok(())
}

/// The text fields (`example`, `default`) as written in the file: yaml_serde hands any scalar
/// to `deserialize_str` as its source text.
#[derive(Deserialize)]
struct RawSpec {
    #[serde(default)]
    request: Vec<RawField>,
    #[serde(default)]
    response: Vec<RawField>,
    #[serde(default)]
    types: Option<BTreeMap<String, RawType>>,
}

#[derive(Deserialize)]
struct RawType {
    #[serde(default)]
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
struct RawField {
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    default: Option<String>,
}

/// `example` and `default` are text (see [`crate::spec::Field`]). An unquoted scalar that YAML
/// reads as a number or boolean of another spelling (`10.50` → 10.5, `0x1F` → 31, `True` →
/// true) would silently change the text: refused, naming the field and both spellings.
fn check_text_scalars(path: &Path, text: &str, spec: &Spec) -> Result<(), Error> {
    if !may_respell_text_scalars(text) {
        return Ok(());
    }
    let de = yaml_serde::Deserializer::from_str(text);
    let Ok(raw) = RawSpec::deserialize(de) else {
        return Ok(());
    };
    let mut lists: Vec<(String, &[crate::spec::Field], &[RawField])> = vec![
        ("request".into(), &spec.request, &raw.request),
        ("response".into(), &spec.response, &raw.response),
    ];
    let raw_types = raw.types.as_ref();
    for (name, def) in &spec.types {
        if let Some(r) = raw_types.and_then(|t| t.get(name)) {
            lists.push((format!("types.{name}.fields"), &def.fields, &r.fields));
        }
    }
    for (at, fields, raws) in lists {
        for (i, (f, r)) in fields.iter().zip(raws).enumerate() {
            for (key, read, written) in [
                ("example", &f.example, &r.example),
                ("default", &f.default, &r.default),
            ] {
                if let (Some(read), Some(written)) = (read, written)
                    && read != written
                {
                    return Err(Error::Invalid {
                        path: path.to_owned(),
                        field: format!("{at}[{i}].{key}"),
                        message: format!(
                            "the unquoted value `{written}` is read by YAML as {read:?}, another text; expected text, quoted: `{key}: '{written}'` (or `{key}: {read}`)"
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Whether an `example:` or `default:` anywhere in the text (block or flow style, or only
/// in a description: this errs on the safe side) has a value YAML could read as other than the
/// text written: a plain scalar starting like a number (`0-9`, `+`, `-`, `.`) or null (`~`),
/// a boolean or null word, or a tag, anchor or alias. When none has, [`check_text_scalars`]
/// need not parse the text again: every such value is quoted, a block scalar or plain text.
/// The importers quote every value that needs it, so most specs skip that third parse.
fn may_respell_text_scalars(text: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null"];
    ["example:", "default:"].iter().any(|key| {
        text.match_indices(key).any(|(at, _)| {
            let value = text[at + key.len()..]
                .split(['\n', '\r'])
                .next()
                .unwrap_or_default()
                .trim_start();
            let token = value
                .split([',', '}', ']'])
                .next()
                .unwrap_or_default()
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim();
            match token.chars().next() {
                None | Some('"' | '\'' | '|' | '>') => false,
                Some('0'..='9' | '+' | '-' | '.' | '~' | '&' | '*' | '!') => true,
                Some(_) => WORDS.contains(&token.to_ascii_lowercase().as_str()),
            }
        })
    })
}

/// yaml_serde appends " at line L column C" to its messages; we print the location up front.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// yaml_serde starts some messages with its own (shorter) path; we print the full one.
fn strip_path(field: &str, message: &str) -> String {
    match message.split_once(": ") {
        Some((head, rest)) if !head.is_empty() && field.starts_with(head) => rest.to_owned(),
        _ => message.to_owned(),
    }
}

/// The `*.yaml` / `*.yml` files of a folder, sorted by name so that output is deterministic.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let is_spec = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_spec && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_walk_is_skipped_only_where_it_cannot_fail() {
        let catalog = "name: taobao.a.b\nrequest:\n  - name: x\n    type: String\ntypes:\n  T:\n    fields:\n      - name: y\n        type: Number\n";
        assert!(!walk_needed(catalog, flow_depth(catalog)));
        // An alias, a big text, a deep indentation, deep flow collections, a tab: walked.
        assert!(walk_needed("a: &x [1]\nb: *x\n", 1));
        assert!(walk_needed(&"a: b\n".repeat(limits::MAX_NODES / 5 + 1), 0));
        assert!(walk_needed(&format!("{}x: 1\n", " ".repeat(15)), 0));
        assert!(walk_needed(
            &format!("a: {}{}\n", "[".repeat(30), "]".repeat(30)),
            30
        ));
        assert!(walk_needed("a:\n\t- b\n", 0));
        // Compact nesting counts its indicators.
        assert!(walk_needed(&format!("{}x\n", "- ".repeat(8)), 0));
        // Whatever the fast path says, what the walk refuses is refused: nesting by indentation
        // alone beyond MAX_DEPTH.
        let mut deep = String::new();
        for i in 0..40 {
            deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        deep.push_str(&format!("{}v: 1\n", " ".repeat(40)));
        let err = parse_spec(Path::new("d.yaml"), &deep)
            .unwrap_err()
            .to_string();
        assert!(err.contains("MAX_DEPTH"), "{err}");
    }

    #[test]
    fn only_values_yaml_may_respell_need_the_third_parse() {
        for plain in [
            "example: \"10.50\"\n",
            "example: '0x1F'\n",
            "example: 李三\n",
            "example: true story\n",
            "default: |\n  10.50\n",
            "request:\n  - {name: a, example: abc}\n",
            "example:\n",
            "description: no example here\n",
        ] {
            assert!(!may_respell_text_scalars(plain), "{plain:?}");
        }
        for respelt in [
            "example: 10.50\n",
            "  example: 0x1F\n",
            "example: True\n",
            "default: ~\n",
            "default: -1 # a comment\n",
            "request:\n  - {name: a, example: .5}\n",
            "example: &a x\n",
            "example: !!str 1\n",
            "example: off\r\n",
        ] {
            assert!(may_respell_text_scalars(respelt), "{respelt:?}");
        }
        // What the fast path skips is refused all the same by the full pass.
        let spec =
            "name: taobao.a.b\nrequest:\n  - name: x\n    type: String\n    example: 10.50\n";
        let err = parse_spec(Path::new("s.yaml"), spec)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`10.50`"), "{err}");
    }

    #[test]
    fn flow_depth_counts_flow_collections_only() {
        let nested = |n: usize| format!("a: {}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(flow_depth(&nested(3)), 3);
        assert_eq!(flow_depth(&nested(40)), limits::MAX_DEPTH + 1);
        assert_eq!(flow_depth("- [a, {b: [c]}]\n- {d: e}\n"), 3);
        assert_eq!(flow_depth("a:\n  - - [x]\n? [k]\n: v\n"), 1);
        assert_eq!(flow_depth("a: &x [1, [2]]\nb: !t {c: [d]}\n"), 2);
        // A collection across lines, with a comment and quoted brackets in it.
        assert_eq!(flow_depth("a: [1, # [[[\n  '[[', \"]]\\\"[\", [2]]\n"), 2);
        // Brackets that are text.
        let deep = "{".repeat(100);
        for text in [
            format!("description: plain text {deep} and more"),
            format!("description: '{deep} it''s {deep}'"),
            format!("description: \"{deep} \\\" {deep}\""),
            format!("description: \"line one\n  {deep}\n  line three\"\n"),
            format!("description: |\n  {deep}\n\n  [[[[\nname: x\n"),
            format!("- >-\n    {deep}\n- b\n"),
            format!("# {deep}\nname: x # {deep}\n"),
            format!("name: a - {deep}"),
        ] {
            assert_eq!(flow_depth(&text), 0, "{text}");
        }
        // What the importer writes for a doc page whose text has a run of braces (a fuzz
        // finding: such a spec was refused as nested too deep) loads.
        let spec = format!(
            "name: taobao.product.add\ndescription: 新增{deep}支持\nrequest:\n  - name: cid\n    type: Number\n    description: |\n      a\n      {deep}\n"
        );
        let spec = parse_spec(Path::new("t.yaml"), &spec).unwrap();
        assert!(spec.description.unwrap().contains(&deep));
        // After a block scalar, counting resumes.
        assert_eq!(flow_depth("a: |\n  [[[\nb: [[x]]\n"), 2);
    }
}
