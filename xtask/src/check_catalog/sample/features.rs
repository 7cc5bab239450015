//! What one catalog file exercises: the [`FEATURES`] table and their detection in the raw
//! JSON.

use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use topgen_spec::sanitize;

/// A feature of catalog entries: its key (used in code and tests) and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// Short stable key (`type:String`, `html`).
    pub key: &'static str,
    /// What it means, for the coverage table.
    pub label: &'static str,
}

const fn f(key: &'static str, label: &'static str) -> Feature {
    Feature { key, label }
}

/// Every feature, in the order of the coverage table.
pub const FEATURES: &[Feature] = &[
    f("type:String", "a `String` field"),
    f("type:Number", "a `Number` field"),
    f("type:Boolean", "a `Boolean` field"),
    f("type:Date", "a `Date` field"),
    f("type:Price", "a `Price` field"),
    f("type:BigDecimal", "a `BigDecimal` field"),
    f("type:Json", "a `Json` field"),
    f("type:byte[]", "a `byte[]` field"),
    f("type:byte", "a `byte` field (a Java byte)"),
    f("list:String", "a `String[]` list"),
    f("list:Number", "a `Number[]` list"),
    f(
        "list:other-scalar",
        "a list of another scalar (`Boolean[]`, `Date[]`, `Json[]`, …)",
    ),
    f("list:object", "a list of objects (`Foo[]` with subParams)"),
    f("list:spaced", "a list spelled `X []`"),
    f("list:of-lists", "a list of lists (`byte[][]`)"),
    f("object", "an object-typed field (subParams)"),
    f("object:nested-3", "objects nested 3 or more deep"),
    f("object:nested-5", "objects nested 5 or more deep"),
    f("request:object", "an object-typed request param"),
    f("request:object-list", "a list-of-objects request param"),
    f("request:upload", "a `byte[]` request param (file upload)"),
    f(
        "byte[]:nested",
        "`byte[]` inside an object or in the response",
    ),
    f("type:no-subparams", "an object type name without subParams"),
    f(
        "type:scalar-with-subparams",
        "a scalar type with subParams (`Price` + amount)",
    ),
    f(
        "type:non-top",
        "a type name TOP does not define (`Long`, `null[]`, …)",
    ),
    f("type:missing", "a field without a type"),
    f(
        "type:same-name-other-fields",
        "one type name with different fields in one API",
    ),
    f("type:reused", "one type used by two fields"),
    f("type:recursive", "a type that contains itself"),
    f(
        "type:prelude-name",
        "a type named like a Rust prelude type (`Result`, `Option`, …)",
    ),
    f(
        "type:not-identifier",
        "a type name that is not an identifier",
    ),
    f("limit:maxLength", "a `maxLength` limit"),
    f("limit:maxListSize", "a `maxListSize` limit"),
    f("limit:maxValue", "a `maxValue` limit"),
    f("limit:minValue", "a `minValue` limit"),
    f(
        "limit:inapplicable",
        "a limit on a type it does not apply to",
    ),
    f("limit:min-above-max", "`minValue` greater than `maxValue`"),
    f("required", "a required request param"),
    f("name:type", "a field named `type` (a Rust keyword)"),
    f(
        "name:keyword",
        "a field named like another Rust keyword (`match`, `in`, `box`, …)",
    ),
    f(
        "name:contextual",
        "a field named like a contextual keyword (`union`, `default`, …)",
    ),
    f("name:camel", "a camelCase field name"),
    f("name:digits", "a field name with digits"),
    f("name:leading-digit", "a field name starting with a digit"),
    f(
        "name:not-identifier",
        "a field name that cannot become an identifier",
    ),
    f(
        "name:snake-collision",
        "two field names equal after snake_case (`aB`, `a_b`)",
    ),
    f("name:duplicate", "the same field name twice in one list"),
    f("name:new", "a request param named `new`"),
    f("name:request_id", "a response field named `request_id`"),
    f("doc:html", "HTML tags in a description"),
    f(
        "doc:entity",
        "HTML entities in a description (`&nbsp;`, `&lt;`)",
    ),
    f("doc:generic", "text like `List<String>` in a description"),
    f("doc:multiline", "a multi-line description"),
    f("doc:cr", "a carriage return in a description"),
    f("doc:backtick", "a backtick in a description"),
    f("doc:brackets", "square brackets in a description"),
    f("doc:url", "a URL in a description"),
    f("doc:empty", "a field without a description"),
    f(
        "api:dashed",
        "an aliyuncs name with a dated version (`….2013-07-01`)",
    ),
    f("api:camel", "an API name with capitals"),
    f("api:not-taobao", "an API name not starting with `taobao.`"),
    f("api:no-title", "an API without a Chinese title"),
    f("api:empty-request", "no request params"),
    f("api:empty-response", "no response fields"),
    f("api:large", "100 or more fields in all"),
    f("api:many-params", "20 or more request params"),
];

/// The index of a feature by key.
pub fn feature_index(key: &str) -> Option<usize> {
    FEATURES.iter().position(|f| f.key == key)
}

const SCALARS: &[&str] = &[
    "String",
    "Number",
    "Boolean",
    "Date",
    "Price",
    "BigDecimal",
    "Json",
];
const CONTEXTUAL: &[&str] = &["union", "default", "auto", "raw", "safe", "macro_rules"];
const PRELUDE: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Default", "Clone",
    "Copy", "Debug", "Into", "From", "Iterator", "Send", "Sync", "Sized", "Drop", "Fn", "ToString",
];

/// What one catalog file exercises: indices into [`FEATURES`], sorted. A file that is not a
/// JSON object has none.
pub fn features(text: &str) -> BTreeSet<usize> {
    let mut found = Found::default();
    let Ok(Value::Object(api)) = serde_json::from_str::<Value>(text) else {
        return BTreeSet::new();
    };
    let name = api.get("name").and_then(Value::as_str).unwrap_or_default();
    if name.contains('-') {
        found.add("api:dashed");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        found.add("api:camel");
    }
    if !name.starts_with("taobao.") {
        found.add("api:not-taobao");
    }
    let title = api.get("apiChineseName").and_then(Value::as_str);
    if title.is_none_or(|t| t.trim().is_empty()) {
        found.add("api:no-title");
    }
    if let Some(d) = api.get("description").and_then(Value::as_str) {
        found.doc(d);
    }
    let request = params_of(api.get("requestParams"));
    let response = params_of(api.get("responseParams"));
    if request.is_empty() {
        found.add("api:empty-request");
    }
    if request.len() >= 20 {
        found.add("api:many-params");
    }
    if response.is_empty() {
        found.add("api:empty-response");
    }
    found.list(&request, Side::Request, 0, &mut Vec::new());
    found.list(&response, Side::Response, 0, &mut Vec::new());
    if found.fields >= 100 {
        found.add("api:large");
    }
    found.set
}

fn params_of(v: Option<&Value>) -> Vec<&Value> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

#[derive(Default)]
struct Found {
    set: BTreeSet<usize>,
    fields: usize,
    /// Object types seen: (name, shape).
    types: Vec<(String, String)>,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `Foo []` → (`Foo`, 1, spaced).
fn split_type(raw: &str) -> (String, usize, bool) {
    let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let spaced = squeezed.len() != raw.trim().len();
    let mut base = squeezed.as_str();
    let mut depth = 0;
    while let Some(b) = base.strip_suffix("[]") {
        base = b;
        depth += 1;
    }
    (base.to_owned(), depth, spaced)
}

fn shape(subs: &[&Value]) -> String {
    let mut out = String::new();
    for p in subs {
        let name = p.get("name").and_then(text).unwrap_or_default();
        let ty = p.get("type").and_then(text).unwrap_or_default();
        let _ = write!(out, "{name}:{}", split_type(&ty).0);
        let inner = params_of(p.get("subParams"));
        if !inner.is_empty() {
            let _ = write!(out, "{{{}}}", shape(&inner));
        }
        out.push(';');
    }
    out
}

impl Found {
    fn add(&mut self, key: &str) {
        let i = feature_index(key).unwrap_or_else(|| unreachable!("unknown feature {key}"));
        self.set.insert(i);
    }

    fn doc(&mut self, d: &str) {
        if d.trim().is_empty() {
            return;
        }
        let lower = d.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let tag = bytes
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_lowercase() || w[1] == b'/' || w[1] == b'!'));
        if tag {
            self.add("doc:html");
        }
        if ["&nbsp;", "&lt;", "&gt;", "&amp;", "&quot;", "&#"]
            .iter()
            .any(|e| lower.contains(e))
        {
            self.add("doc:entity");
        }
        let generic = d
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_alphanumeric() && w[1] == b'<')
            && d.split('<')
                .skip(1)
                .any(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
        if generic {
            self.add("doc:generic");
        }
        if d.trim().contains('\n') {
            self.add("doc:multiline");
        }
        if d.contains('\r') {
            self.add("doc:cr");
        }
        if d.contains('`') {
            self.add("doc:backtick");
        }
        if d.contains('[') && d.contains(']') {
            self.add("doc:brackets");
        }
        if lower.contains("http://") || lower.contains("https://") {
            self.add("doc:url");
        }
    }

    /// One list of params. `depth` is how many objects enclose it; `open` the object type
    /// names enclosing it (for recursion).
    fn list(&mut self, params: &[&Value], side: Side, depth: usize, open: &mut Vec<String>) {
        let mut names = BTreeSet::new();
        let mut snakes = BTreeSet::new();
        for p in params {
            let Some(p) = p.as_object() else { continue };
            self.fields += 1;
            let name = p
                .get("name")
                .and_then(text)
                .unwrap_or_default()
                .trim()
                .to_owned();
            self.name(&name, side, depth);
            if !name.is_empty() && !names.insert(name.clone()) {
                self.add("name:duplicate");
            } else if let Ok(s) = sanitize::snake(&name)
                && !snakes.insert(s)
            {
                self.add("name:snake-collision");
            }
            match p.get("description").and_then(Value::as_str) {
                Some(d) if !d.trim().is_empty() => self.doc(d),
                _ => self.add("doc:empty"),
            }
            if side == Side::Request && depth == 0 && p.get("required") == Some(&Value::Bool(true))
            {
                self.add("required");
            }
            let raw = p.get("type").and_then(text).unwrap_or_default();
            let subs = params_of(p.get("subParams"));
            self.ty(&raw, &subs, side, depth);
            self.limits(p, &raw);
            if !subs.is_empty() {
                self.object(&raw, &name, &subs, side, depth, open);
            }
        }
    }

    fn name(&mut self, name: &str, side: Side, depth: usize) {
        match sanitize::snake(name) {
            Err(_) => self.add("name:not-identifier"),
            Ok(s) => {
                if s == "type_" {
                    self.add("name:type");
                } else if s.ends_with('_') && sanitize::is_keyword(&s[..s.len() - 1]) {
                    self.add("name:keyword");
                }
            }
        }
        if CONTEXTUAL.contains(&name.to_snake_case().as_str()) {
            self.add("name:contextual");
        }
        let b = name.as_bytes();
        if b.windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        {
            self.add("name:camel");
        }
        if b.iter().any(u8::is_ascii_digit) {
            self.add("name:digits");
        }
        if b.first().is_some_and(u8::is_ascii_digit) {
            self.add("name:leading-digit");
        }
        if depth == 0 && side == Side::Request && name == "new" {
            self.add("name:new");
        }
        if depth == 0 && side == Side::Response && name == "request_id" {
            self.add("name:request_id");
        }
    }

    fn ty(&mut self, raw: &str, subs: &[&Value], side: Side, depth: usize) {
        if raw.trim().is_empty() {
            self.add("type:missing");
            return;
        }
        let (base, list, spaced) = split_type(raw);
        if spaced {
            self.add("list:spaced");
        }
        if list >= 2 {
            self.add("list:of-lists");
        }
        let scalar = SCALARS.contains(&base.as_str());
        match (base.as_str(), list) {
            ("byte", 0) => self.add("type:byte"),
            ("byte", 1) => {
                self.add("type:byte[]");
                if side == Side::Request && depth == 0 {
                    self.add("request:upload");
                } else {
                    self.add("byte[]:nested");
                }
            }
            (b, 0) if scalar => {
                let key = format!("type:{b}");
                self.add(&key);
            }
            ("String", 1) if subs.is_empty() => self.add("list:String"),
            ("Number", 1) if subs.is_empty() => self.add("list:Number"),
            (_, 1) if scalar && subs.is_empty() => self.add("list:other-scalar"),
            _ => {}
        }
        if !subs.is_empty() {
            if list == 1 {
                self.add("list:object");
            }
            if scalar {
                self.add("type:scalar-with-subparams");
            }
        } else if !scalar && base != "byte" {
            let top_like = base.starts_with(|c: char| c.is_ascii_uppercase())
                && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !["Long", "Integer", "Double", "Map", "Object", "List"].contains(&base.as_str());
            if top_like {
                self.add("type:no-subparams");
            } else {
                self.add("type:non-top");
            }
        }
    }

    fn limits(&mut self, p: &serde_json::Map<String, Value>, raw: &str) {
        let (base, list, _) = split_type(raw);
        let set = |k: &str| p.get(k).is_some_and(|v| !v.is_null());
        let string = base == "String" && list == 0;
        let numeric = list == 0 && ["Number", "Price", "BigDecimal"].contains(&base.as_str());
        let subs = !params_of(p.get("subParams")).is_empty();
        if set("maxLength") {
            self.add("limit:maxLength");
            if !string || subs {
                self.add("limit:inapplicable");
            }
        }
        if set("maxListSize") {
            self.add("limit:maxListSize");
            if !(string || list == 1) {
                self.add("limit:inapplicable");
            }
        }
        for key in ["maxValue", "minValue"] {
            if set(key) {
                self.add(&format!("limit:{key}"));
                if !numeric || subs {
                    self.add("limit:inapplicable");
                }
            }
        }
        if let (Some(min), Some(max)) = (number(p.get("minValue")), number(p.get("maxValue")))
            && min > max
        {
            self.add("limit:min-above-max");
        }
    }

    fn object(
        &mut self,
        raw: &str,
        field: &str,
        subs: &[&Value],
        side: Side,
        depth: usize,
        open: &mut Vec<String>,
    ) {
        let (base, list, _) = split_type(raw);
        let name = if base.is_empty() {
            field.to_owned()
        } else {
            base
        };
        self.add("object");
        if depth + 1 >= 3 {
            self.add("object:nested-3");
        }
        if depth + 1 >= 5 {
            self.add("object:nested-5");
        }
        if side == Side::Request && depth == 0 {
            self.add(if list == 1 {
                "request:object-list"
            } else {
                "request:object"
            });
        }
        if PRELUDE.contains(&name.as_str()) {
            self.add("type:prelude-name");
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            self.add("type:not-identifier");
        }
        if open.contains(&name) {
            self.add("type:recursive");
        }
        let this_shape = shape(subs);
        if self
            .types
            .iter()
            .any(|(n, s)| *n == name && *s != this_shape)
        {
            self.add("type:same-name-other-fields");
        } else if self
            .types
            .iter()
            .any(|(n, s)| *n == name && *s == this_shape)
        {
            self.add("type:reused");
        }
        self.types.push((name.clone(), this_shape));
        open.push(name);
        self.list(subs, side, depth + 1, open);
        open.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<&'static str> {
        features(text)
            .into_iter()
            .map(|i| FEATURES[i].key)
            .collect()
    }

    #[test]
    fn feature_keys_are_unique() {
        let set: BTreeSet<&str> = FEATURES.iter().map(|f| f.key).collect();
        assert_eq!(set.len(), FEATURES.len());
    }

    #[test]
    fn features_of_a_dirty_entry() {
        let k = keys(
            r#"{"name":"account.aliyuncs.com.CreateApp.2013-07-01","apiChineseName":"x",
                "requestParams":[
                  {"name":"type","type":"String","required":true,"maxLength":5,"description":"a<br/>b"},
                  {"name":"type","type":"Number","maxLength":3},
                  {"name":"pic","type":"byte[]"},
                  {"name":"ids","type":"Number []","maxListSize":20},
                  {"name":"q","type":"Query","subParams":[{"name":"aB","type":"Date"},{"name":"a_b","type":"Long"},{"name":"match","type":"String"}]}],
                "responseParams":[
                  {"name":"r","type":"A","subParams":[{"name":"b","type":"B[]","subParams":[
                     {"name":"c","type":"C","subParams":[{"name":"union","type":"byte[]"}]}]}]},
                  {"name":"s","type":"A","subParams":[{"name":"x","type":"String"}]}]}"#,
        );
        for want in [
            "api:dashed",
            "api:camel",
            "api:not-taobao",
            "name:type",
            "name:keyword",
            "name:duplicate",
            "name:snake-collision",
            "name:contextual",
            "name:camel",
            "required",
            "limit:maxLength",
            "limit:inapplicable",
            "limit:maxListSize",
            "request:upload",
            "request:object",
            "list:spaced",
            "list:Number",
            "list:object",
            "object:nested-3",
            "byte[]:nested",
            "type:same-name-other-fields",
            "type:non-top",
            "doc:html",
            "doc:empty",
        ] {
            assert!(k.contains(&want), "{want} missing from {k:?}");
        }
        for not in [
            "api:empty-request",
            "object:nested-5",
            "type:recursive",
            "doc:url",
        ] {
            assert!(!k.contains(&not), "{not} in {k:?}");
        }
    }

    #[test]
    fn empty_and_broken_entries() {
        let k = keys(r#"{"name":"taobao.a.b","apiChineseName":"","description":""}"#);
        assert_eq!(
            k,
            ["api:no-title", "api:empty-request", "api:empty-response"]
        );
        assert!(features("{not json").is_empty());
        assert!(features("[1]").is_empty());
    }
}
