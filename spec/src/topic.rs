//! TMC topic specs: one YAML file per topic of TOP's message channel, the source of truth of
//! the generated topic crates (`topgen-tmc-*`), as API specs are of the client crates.
//!
//! A topic is an event TOP pushes (`taobao_trade_TradeCreate`: an order was created) with a
//! JSON content whose fields the topic's doc page lists. The spec says what the page says:
//!
//! ```yaml
//! topic: taobao_trade_TradeCreate
//! doc_id: 101
//! title: 创建淘宝交易消息
//! group: 淘宝交易
//! fields:
//!   - name: tid
//!     type: Number
//!     required: true
//!     description: 淘宝父订单号
//!   - name: payment
//!     type: Price
//!     description: 订单实付金额
//! ```
//!
//! - `topic`: the name TOP sends ([`rules::check_topic`]: vendor, product and event,
//!   `_`-separated);
//! - `doc_id`: the id of the topic's doc page,
//!   `https://open.taobao.com/tmc.htm?docId=<doc_id>&docType=9` ([`rules::topic_doc_url`]);
//! - `title`, `group`: the page's title and TOP's group of the topic (`淘宝交易`);
//! - `fields`: each content field's wire `name`, `type`, `required` (whether the definition
//!   marks it so: documentation only, a message without it still decodes), `description` and
//!   `sensitive` (as in API specs: absent, a `String` field whose name says secret,
//!   [`rules::looks_secret`], is one);
//! - types are those of API specs that topics use: `String`, `Number` (a 64-bit integer: ids),
//!   `Boolean`, `Date` (TOP's `yyyy-MM-dd HH:mm:ss` at GMT+8, or epoch milliseconds), `Price`
//!   (money, an exact decimal; TOP sends it as text, `"0.10"`), `String[]` and `Number[]`.
//!
//! [`load_topic`] and [`parse_topic`] read a file with the API loader's machinery (line:column
//! and field path in every error, the limits of [`crate::load::limits`] on nesting, nodes and
//! aliases, and this module's [`limits`]); [`resolve_topic`] checks the rest (names, types,
//! duplicates) and gives the [`Topic`] with Rust names.

use crate::error::Error;
use crate::load::{FileBound, check_file_size, limit_error, parse_yaml};
use crate::model::{Field, Limits, Scalar, Ty, wire_chars_ok};
use crate::rules::{self, looks_secret};
use crate::sanitize::{self, Scope};
use heck::ToSnakeCase;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The bounds within which a topic spec is read (besides the shape limits of
/// [`crate::load::limits`]); each error that one causes names the limit.
pub mod limits {
    /// The largest topic spec file, in bytes (TOP's largest topic is under 8 KiB).
    pub const MAX_FILE_BYTES: usize = 256 * 1024;
    /// The most fields of one topic (TOP's largest has 40).
    pub const MAX_FIELDS: usize = 1_000;
    /// The longest field name (TOP's longest has 40 characters).
    pub const MAX_FIELD_NAME: usize = 128;
}

const TOPIC_FILES: FileBound = FileBound {
    max_bytes: limits::MAX_FILE_BYTES,
    limit: "topic::limits::MAX_FILE_BYTES",
    holds: "one topic per spec",
};

/// The field types of topic specs, as written.
pub const TOPIC_TYPES: [&str; 7] = [
    "String", "Number", "Boolean", "Date", "Price", "String[]", "Number[]",
];

const TYPE_EXPECTED: &str = "expected one of String, Number, Boolean, Date, Price (money: an exact decimal), String[], Number[]";

/// One TMC topic, as its spec file says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// The topic's name on the wire, `taobao_trade_TradeCreate`.
    pub topic: String,
    /// TOP's id of the topic's doc page ([`rules::topic_doc_url`]).
    #[serde(default)]
    pub doc_id: Option<u64>,
    /// The page's Chinese title (`创建淘宝交易消息`).
    #[serde(default)]
    pub title: Option<String>,
    /// TOP's group of the topic (`淘宝交易`).
    #[serde(default)]
    pub group: Option<String>,
    /// The content's fields, in the page's order.
    #[serde(default)]
    pub fields: Vec<TopicField>,
}

/// A field of a topic's content.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicField {
    /// The wire name (`tid`).
    pub name: String,
    /// One of [`TOPIC_TYPES`].
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the topic's definition marks the field required (documentation only).
    #[serde(default)]
    pub required: bool,
    /// 描述.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the value is a secret that must never be printed; absent, a `String` field
    /// whose name says so ([`rules::looks_secret`]) is.
    #[serde(default)]
    pub sensitive: Option<bool>,
}

impl TopicField {
    /// An optional field of this name and type, with no description.
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> TopicField {
        TopicField {
            name: name.into(),
            ty: ty.into(),
            required: false,
            description: None,
            sensitive: None,
        }
    }
}

/// Reads and parses one topic spec file (shape only; [`resolve_topic`] checks the rest).
pub fn load_topic(path: &Path) -> Result<TopicSpec, Error> {
    check_file_size(path, &TOPIC_FILES)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_topic(path, &text)
}

/// Parses topic spec text; `path` is only used in errors.
pub fn parse_topic(path: &Path, text: &str) -> Result<TopicSpec, Error> {
    let spec: TopicSpec = parse_yaml(path, text, &TOPIC_FILES)?;
    if spec.fields.len() > limits::MAX_FIELDS {
        return Err(limit_error(
            path,
            format!(
                "the topic has {} fields, more than the limit of {} (topic::limits::MAX_FIELDS)",
                spec.fields.len(),
                limits::MAX_FIELDS
            ),
        ));
    }
    Ok(spec)
}

/// One topic, resolved: checked, with Rust names.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The topic's name on the wire, `taobao_trade_TradeCreate`; also its cargo feature.
    pub name: String,
    /// The spec's file name, for the generated header.
    pub source: String,
    /// TOP's id of the topic's doc page.
    pub doc_id: Option<u64>,
    /// The page's title.
    pub title: Option<String>,
    /// TOP's group of the topic.
    pub group: Option<String>,
    /// Its module: the name in snake case, `taobao_trade_trade_create`.
    pub module: String,
    /// Its struct's short name ([`short_type_name`]): `TradeCreate`.
    pub rust_name: String,
    /// Its struct's name when the short one is taken in its crate: the whole name in
    /// UpperCamelCase, `TaobaoTradeTradeCreate`.
    pub full_rust_name: String,
    /// The content's fields: wire and Rust names (snake case, keyword-safe, unique), a scalar
    /// type or a list of one, the required flag, the description and secrecy. No example,
    /// default or limit: a topic's content is TOP's to send.
    pub fields: Vec<Field>,
}

/// Checks a topic spec and resolves it: a TOP-shaped topic name, field names TOP could send
/// (ASCII letters, digits, `_`, `.` / `-` inside, a digit-only key included), each once, types
/// of [`TOPIC_TYPES`], `sensitive` on `String` fields only. The first problem is the error, with
/// its field path (`fields[2].type`).
pub fn resolve_topic(path: &Path, spec: &TopicSpec) -> Result<Topic, Error> {
    let invalid = |field: String, message: String| Error::Invalid {
        path: path.to_owned(),
        field,
        message,
    };
    rules::check_topic(&spec.topic).map_err(|m| invalid("topic".into(), m))?;
    let name_error = |e: sanitize::NameError| invalid("topic".into(), e.to_string());
    let rust_name = short_type_name(&spec.topic).map_err(name_error)?;
    let full_rust_name = sanitize::camel(&spec.topic).map_err(name_error)?;
    let module = sanitize::snake(&spec.topic).map_err(name_error)?;
    let mut scope = Scope::default();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fields = Vec::with_capacity(spec.fields.len());
    for (i, f) in spec.fields.iter().enumerate() {
        let here = format!("fields[{i}]");
        if !wire_chars_ok(&f.name) || f.name.len() > limits::MAX_FIELD_NAME {
            return Err(invalid(
                format!("{here}.name"),
                format!(
                    "field name {:?} is not one TOP sends: expected ASCII letters, digits and `_` (a `.` or `-` only inside the name), at most {} characters",
                    f.name,
                    limits::MAX_FIELD_NAME
                ),
            ));
        }
        if let Some(first) = seen.insert(f.name.as_str(), i) {
            return Err(invalid(
                format!("{here}.name"),
                format!(
                    "duplicate field {:?} (first at fields[{first}]); expected each name once",
                    f.name
                ),
            ));
        }
        let ty = topic_type(&f.ty).ok_or_else(|| {
            invalid(
                format!("{here}.type"),
                format!("unknown type {:?}: {TYPE_EXPECTED}", f.ty),
            )
        })?;
        let string = Ty::Scalar(Scalar::String);
        if f.sensitive == Some(true) && ty != string {
            return Err(invalid(
                format!("{here}.sensitive"),
                "only String fields can be sensitive".into(),
            ));
        }
        let sensitive = f
            .sensitive
            .unwrap_or_else(|| ty == string && looks_secret(&f.name));
        let rust =
            sanitize::snake(&f.name).map_err(|e| invalid(format!("{here}.name"), e.to_string()))?;
        fields.push(Field {
            wire: f.name.clone(),
            rust: scope.claim(rust),
            ty,
            required: f.required,
            description: f.description.clone(),
            example: None,
            default: None,
            limits: Limits::default(),
            sensitive,
        });
    }
    Ok(Topic {
        name: spec.topic.clone(),
        source: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        doc_id: spec.doc_id,
        title: spec.title.clone(),
        group: spec.group.clone(),
        module,
        rust_name,
        full_rust_name,
        fields,
    })
}

/// The type a topic spec's `type` names, if it is one of [`TOPIC_TYPES`].
fn topic_type(text: &str) -> Option<Ty> {
    let scalar = |name: &str| match name {
        "String" | "Number" | "Boolean" | "Date" | "Price" => Scalar::from_top(name),
        _ => None,
    };
    match text.strip_suffix("[]") {
        Some(inner @ ("String" | "Number")) => {
            scalar(inner).map(|s| Ty::List(Box::new(Ty::Scalar(s))))
        }
        Some(_) => None,
        None => scalar(text).map(Ty::Scalar),
    }
}

/// The short Rust name of a topic's struct: the event in UpperCamelCase without the vendor,
/// after the product unless the event already starts with the product's words
/// (`taobao_trade_TradeCreate` → `TradeCreate`, `taobao_fenxiao_TradeCreate` →
/// `FenxiaoTradeCreate`; words compared case-insensitively, `item` does not start
/// `ItemsDelete`). The name is a [`sanitize::camel`] identifier; the generator gives the
/// [`Topic::full_rust_name`] to a topic whose short name another topic of its crate took.
pub fn short_type_name(topic: &str) -> Result<String, sanitize::NameError> {
    let segments: Vec<&str> = topic.split('_').collect();
    let (event, product) = match segments.as_slice() {
        [_vendor, product @ .., event] if !product.is_empty() => (*event, product.join("_")),
        _ => return sanitize::camel(topic),
    };
    let words = |text: &str| -> Vec<String> {
        text.to_snake_case()
            .split('_')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (event_words, product_words) = (words(event), words(&product));
    if event_words.starts_with(&product_words) {
        sanitize::camel(event)
    } else {
        sanitize::camel(&format!("{product}_{event}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(text: &str) -> Result<Topic, Error> {
        let path = Path::new("specs/tmc/t.yaml");
        parse_topic(path, text).and_then(|spec| resolve_topic(path, &spec))
    }

    const GOOD: &str = "topic: taobao_trade_TradeCreate\ndoc_id: 101\ntitle: 创建淘宝交易消息\ngroup: 淘宝交易\nfields:\n  - name: tid\n    type: Number\n    required: true\n    description: 淘宝父订单号\n  - name: payment\n    type: Price\n  - name: type\n    type: String\n  - name: access_token\n    type: String\n  - name: created\n    type: Date\n  - name: oids\n    type: Number[]\n  - name: '2'\n    type: String\n";

    #[test]
    fn a_topic_resolves_with_rust_names() {
        let t = resolve_text(GOOD).unwrap();
        assert_eq!(t.name, "taobao_trade_TradeCreate");
        assert_eq!(t.source, "t.yaml");
        assert_eq!(
            (
                t.module.as_str(),
                t.rust_name.as_str(),
                t.full_rust_name.as_str()
            ),
            (
                "taobao_trade_trade_create",
                "TradeCreate",
                "TaobaoTradeTradeCreate"
            )
        );
        let rust: Vec<&str> = t.fields.iter().map(|f| f.rust.as_str()).collect();
        assert_eq!(
            rust,
            [
                "tid",
                "payment",
                "type_",
                "access_token",
                "created",
                "oids",
                "_2"
            ]
        );
        assert_eq!(t.fields[1].ty, Ty::Scalar(Scalar::Price));
        assert_eq!(
            t.fields[5].ty,
            Ty::List(Box::new(Ty::Scalar(Scalar::Number)))
        );
        assert!(t.fields[0].required && !t.fields[1].required);
        // The one rule for secret names: a String named like one is secret.
        let secret: Vec<bool> = t.fields.iter().map(|f| f.sensitive).collect();
        assert_eq!(secret, [false, false, false, true, false, false, false]);
        for f in &t.fields {
            syn::parse_str::<syn::Ident>(&f.rust).unwrap();
        }
    }

    #[test]
    fn short_names_drop_the_vendor_and_a_product_the_event_repeats() {
        for (topic, name) in [
            ("taobao_trade_TradeCreate", "TradeCreate"),
            ("taobao_fenxiao_TradeCreate", "FenxiaoTradeCreate"),
            ("taobao_item_ItemsDelete", "ItemItemsDelete"),
            ("taobao_item_ItemDelete", "ItemDelete"),
            ("alibaba_wdk_order_OrderCreate", "WdkOrderOrderCreate"),
            ("alibaba_wdk_order_WdkOrderCreate", "WdkOrderCreate"),
            (
                "taobao_tbk_JINGCAITOUTIAOTljReport",
                "TbkJingcaitoutiaoTljReport",
            ),
            ("taobao_trade_2Create", "Trade2create"),
            ("taobao_self_Self", "Self_"),
            ("taobao_x_Self", "XSelf"),
        ] {
            assert_eq!(short_type_name(topic).unwrap(), name, "{topic}");
            syn::parse_str::<syn::Ident>(name).unwrap();
        }
    }

    /// The bad-input table: each case, and what its error must say (the file, the place, what
    /// was expected).
    #[test]
    fn bad_topic_specs_are_refused_naming_the_file_the_place_and_what_was_expected() {
        let field =
            |ty: &str| format!("topic: taobao_trade_X\nfields:\n  - name: a\n    type: {ty}\n");
        let many: String = (0..=limits::MAX_FIELDS)
            .map(|i| format!("  - {{name: f{i}, type: String}}\n"))
            .collect();
        let cases: Vec<(&str, String, &[&str])> = vec![
            ("malformed YAML", "topic: \"taobao\n".into(), &["t.yaml:", "found unexpected end of stream"]),
            ("a tab for indentation", "topic: taobao_trade_X\nfields:\n\t- name: a\n".into(), &["t.yaml:3:1", "cannot start any token"]),
            ("not a mapping", "- a\n".into(), &["t.yaml", "expected struct TopicSpec"]),
            ("no topic", "title: x\n".into(), &["t.yaml", "missing field `topic`"]),
            ("unknown key", "topic: taobao_trade_X\nname: y\n".into(), &["t.yaml:2:1", "unknown field `name`", "expected one of `topic`"]),
            ("unknown field key", "topic: taobao_trade_X\nfields:\n  - name: a\n    type: String\n    example: 1\n".into(), &["t.yaml:5:5", "fields[0]", "unknown field `example`"]),
            ("field without type", "topic: taobao_trade_X\nfields:\n  - name: a\n".into(), &["fields[0]", "missing field `type`"]),
            ("required not a boolean", "topic: taobao_trade_X\nfields:\n  - name: a\n    type: String\n    required: maybe\n".into(), &["t.yaml:5:15", "fields[0].required", "expected a boolean"]),
            ("doc_id not a number", "topic: taobao_trade_X\ndoc_id: abc\n".into(), &["t.yaml:2:9", "doc_id", "expected u64"]),
            ("unknown type", field("Money"), &["t.yaml: fields[0].type", "unknown type \"Money\"", "expected one of String, Number, Boolean, Date, Price"]),
            ("API-only type", field("Json"), &["fields[0].type", "unknown type \"Json\""]),
            ("list of lists", field("String[][]"), &["fields[0].type", "unknown type \"String[][]\""]),
            ("list of dates", field("Date[]"), &["fields[0].type", "unknown type \"Date[]\""]),
            ("duplicate field", "topic: taobao_trade_X\nfields:\n  - {name: tid, type: Number}\n  - {name: oid, type: Number}\n  - {name: tid, type: String}\n".into(), &["t.yaml: fields[2].name", "duplicate field \"tid\" (first at fields[0])", "expected each name once"]),
            ("bad topic name: two words", "topic: taobao_TradeCreate\n".into(), &["t.yaml: topic", "invalid topic name \"taobao_TradeCreate\"", "such as `taobao_trade_TradeCreate`"]),
            ("bad topic name: dots", "topic: taobao.trade.TradeCreate\n".into(), &["topic", "invalid topic name"]),
            ("bad topic name: non-ASCII", "topic: taobao_trade_交易\n".into(), &["topic", "invalid topic name"]),
            ("bad field name", "topic: taobao_trade_X\nfields:\n  - {name: 买家, type: String}\n".into(), &["fields[0].name", "field name \"买家\" is not one TOP sends"]),
            ("empty field name", "topic: taobao_trade_X\nfields:\n  - {name: '', type: String}\n".into(), &["fields[0].name", "is not one TOP sends"]),
            ("long field name", format!("topic: taobao_trade_X\nfields:\n  - {{name: {}, type: String}}\n", "a".repeat(limits::MAX_FIELD_NAME + 1)), &["fields[0].name", "at most 128 characters"]),
            ("secret number", "topic: taobao_trade_X\nfields:\n  - {name: a, type: Number, sensitive: true}\n".into(), &["fields[0].sensitive", "only String fields"]),
            ("too many fields", format!("topic: taobao_trade_X\nfields:\n{many}"), &["t.yaml", "1001 fields", "topic::limits::MAX_FIELDS"]),
            ("too big", format!("topic: taobao_trade_X\ntitle: {}\n", "x".repeat(limits::MAX_FILE_BYTES)), &["t.yaml", "more than the limit of 262144 bytes", "expected one topic per spec"]),
            ("too deep", format!("topic: taobao_trade_X\ntitle: {}{}\n", "[".repeat(40), "]".repeat(40)), &["t.yaml", "MAX_DEPTH"]),
            ("alias bomb", format!("a: &a [{}]\nb: &b [{}]\nc: &c [{}]\nd: &d [{}]\n", "x".repeat(70_000), "*a,".repeat(9), "*b,".repeat(9), "*c,".repeat(9)), &["t.yaml", "MAX_ALIAS_EXPANSION_BYTES"]),
        ];
        for (what, text, expected) in &cases {
            let err = match resolve_text(text) {
                Ok(t) => panic!("{what}: accepted as {t:?}"),
                Err(e) => e.to_string(),
            };
            println!("{what}: {err}");
            for part in *expected {
                assert!(err.contains(part), "{what}: {err:?} lacks {part:?}");
            }
            assert!(err.starts_with("specs/tmc/t.yaml"), "{what}: {err}");
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = std::env::temp_dir().join(format!("topgen-topic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.yaml");
        std::fs::write(&big, vec![b'#'; limits::MAX_FILE_BYTES + 1]).unwrap();
        let err = load_topic(&big).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            err.contains("big.yaml") && err.contains("topic::limits::MAX_FILE_BYTES"),
            "{err}"
        );
    }

    #[test]
    fn fields_may_be_absent_and_sensitive_may_be_overridden() {
        let t = resolve_text("topic: taobao_trade_Empty\n").unwrap();
        assert!(t.fields.is_empty() && t.title.is_none() && t.doc_id.is_none());
        let t = resolve_text(
            "topic: taobao_trade_X\nfields:\n  - {name: token, type: String, sensitive: false}\n  - {name: nick, type: String, sensitive: true}\n",
        )
        .unwrap();
        assert_eq!(
            t.fields.iter().map(|f| f.sensitive).collect::<Vec<_>>(),
            [false, true]
        );
    }
}
