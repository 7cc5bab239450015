//! TOP's TMC topic definitions → topic specs: one JSON file per topic (the shape of
//! `../shared/tmc/topics/*.json`, `{"topic", "title", "group", "doc_id", "fields": [{"name",
//! "type", "required", "description"}]}`) becomes one YAML topic spec
//! ([`topgen_spec::topic`]), `specs/tmc/<topic>.yaml`.
//!
//! The definitions give every field a type, but money as TOP sends it: a `String` (`"0.10"`).
//! The importer guesses which `String` fields are money ([`money_guess`]) and makes them
//! `Price` (an exact decimal), with a `# guess:` comment above the field saying why; a `Number`
//! stays a `Number` (money in cents, when it is money). Secrets need nothing here: the spec's
//! rule makes a `String` field named like one ([`topgen_spec::rules::looks_secret`]) a secret.
//!
//! [`import_topics_into`] writes a folder of topic specs the way [`crate::import_into_with`]
//! writes API specs — the same header with a body hash, the same rule for specs edited by hand
//! (kept, `--force` replaces them), the same `--check` — and [`crate::prune()`] removes the
//! topic specs no input produces any more.

use crate::yaml::{Notes, line, one_line, opt, scalar, warnings_header, with_header};
use crate::{ImportOptions, Outcome, Pending, Place, Warning, Written};
use crate::{pending, without_path, write_pending};
use heck::ToSnakeCase;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use topgen_spec::Error;
use topgen_spec::topic::{self, TopicField, TopicSpec, limits};

/// The command that writes topic specs, as their header names it.
pub const COMMAND: &str = "codegen import-topics";

/// A topic definition as the JSON has it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Definition {
    topic: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    doc_id: Option<u64>,
    fields: Vec<DefinedField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinedField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    description: Option<String>,
}

/// A topic spec imported from a definition, with what the importer guessed or repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTopic {
    /// The spec.
    pub spec: TopicSpec,
    /// One per guess or repair: a `Price` guess ([`Place::TopicField`]), a duplicate field
    /// dropped ([`Place::Spec`]).
    pub warnings: Vec<Warning>,
}

/// The types of the definitions, as TOP's SDK declarations have them.
const DEFINED_TYPES: [&str; 6] = [
    "String", "Number", "Boolean", "Date", "String[]", "Number[]",
];

/// Imports one topic definition (`path` names it in errors): checked as a topic spec
/// ([`topic::resolve_topic`]), money guessed ([`money_guess`]), empty descriptions and titles
/// left out, a field defined twice kept once (the first, with a warning). Refused: a file over
/// [`limits::MAX_FILE_BYTES`], text that is not JSON of the definitions' shape (the error has
/// its line, column and field path), more than [`limits::MAX_FIELDS`] fields, a type the
/// definitions do not use, and anything the topic spec refuses (a topic name not TOP-shaped, a
/// field name TOP could not send).
pub fn import_topic(path: &Path, bytes: &[u8]) -> Result<ImportedTopic, Error> {
    let invalid = |field: String, message: String| Error::Invalid {
        path: path.to_owned(),
        field,
        message,
    };
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(invalid(
            String::new(),
            format!(
                "the file has {} bytes, more than the limit of {} bytes (topic::limits::MAX_FILE_BYTES); expected one TMC topic definition",
                bytes.len(),
                limits::MAX_FILE_BYTES
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let shape = |at: String, e: serde_json::Error| {
        invalid(
            if at == "." { String::new() } else { at },
            format!(
                "{e}; expected a TMC topic definition: {{\"topic\": \"taobao_trade_TradeCreate\", \"title\", \"group\", \"doc_id\", \"fields\": [{{\"name\", \"type\", \"required\", \"description\"}}]}}"
            ),
        )
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let definition: Definition = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| shape(e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| shape(String::new(), e))?;
    if definition.fields.len() > limits::MAX_FIELDS {
        return Err(invalid(
            "fields".into(),
            format!(
                "{} fields, more than the limit of {} (topic::limits::MAX_FIELDS)",
                definition.fields.len(),
                limits::MAX_FIELDS
            ),
        ));
    }
    let mut warnings = Vec::new();
    let mut fields: Vec<TopicField> = Vec::with_capacity(definition.fields.len());
    for (i, f) in definition.fields.into_iter().enumerate() {
        if !DEFINED_TYPES.contains(&f.ty.as_str()) {
            return Err(invalid(
                format!("fields[{i}].type"),
                format!(
                    "unknown type {:?}: expected one of {}",
                    f.ty,
                    DEFINED_TYPES.join(", ")
                ),
            ));
        }
        if fields.iter().any(|kept| kept.name == f.name) {
            warnings.push(Warning {
                place: Place::Spec,
                message: format!(
                    "fields[{i}]: a second field `{}`, dropped (the first is kept)",
                    one_line(&f.name)
                ),
            });
            continue;
        }
        let description = f.description.filter(|d| !d.trim().is_empty());
        let mut ty = f.ty;
        if ty == "String"
            && let Some(why) = money_guess(&f.name, description.as_deref().unwrap_or_default())
        {
            ty = "Price".into();
            warnings.push(Warning {
                place: Place::TopicField(f.name.clone()),
                message: format!(
                    "fields[{i}]: Price (money: an exact decimal), not the definition's String: {why}; TOP sends it as text such as \"0.10\""
                ),
            });
        }
        fields.push(TopicField {
            name: f.name,
            ty,
            required: f.required,
            description,
            sensitive: None,
        });
    }
    let spec = TopicSpec {
        topic: definition.topic,
        doc_id: definition.doc_id,
        title: definition.title.filter(|t| !t.trim().is_empty()),
        group: definition.group.filter(|g| !g.trim().is_empty()),
        fields,
    };
    topic::resolve_topic(path, &spec)?;
    Ok(ImportedTopic { spec, warnings })
}

/// The last words of field names that say money (`payment`, `post_fee`, `refundFee`,
/// `total_amount`; `amout` is a misspelling TOP's definitions have).
const MONEY_NAME_WORDS: [&str; 10] = [
    "fee", "price", "payment", "amount", "amout", "cost", "money", "amt", "postage", "tax",
];

/// What the first clause of a description ends with when it names an amount of money
/// (`订单实付金额`, `实际退款金额,单位分`, `合计税额`).
const MONEY_DESCRIPTION_ENDS: [&str; 12] = [
    "金额", "价格", "费用", "运费", "邮费", "税额", "单价", "总价", "实付", "原价", "售价", "佣金",
];

/// Words of a description that say the value counts things, not money (`已退款份数` of a
/// `refund_amount`).
const COUNT_WORDS: [&str; 6] = ["份数", "数量", "次数", "个数", "件数", "库存"];

/// Why a `String` field is money, if it clearly is: its name's last word is one of money
/// (`payment`, `refund_fee`, `total_amount`, `unit_price`, `sum_tax`…), or the first clause of
/// its description (up to the first `,`, `，`, `。`, `;`, `(`, `:`, their full-width forms or a
/// space) ends with an amount of money (`实际退款金额`, `奖励金额`); unless the description
/// says it counts things (`份数`, `数量`, `次数`, `个数`, `件数`, `库存`: `refund_amount` of
/// `已退款份数`). Tuned on TOP's 1,057 definitions: a word only inside the name
/// (`pay_time`, `price_factors`, `refund_id`) or money only somewhere in the description (`最新一条退款记录,金额单位…`,
/// `订单价格信息`) is not enough.
pub fn money_guess(name: &str, description: &str) -> Option<String> {
    if COUNT_WORDS.iter().any(|w| description.contains(w)) {
        return None;
    }
    let snake = name.to_snake_case();
    if let Some(word) = snake.rsplit('_').find(|w| !w.is_empty())
        && MONEY_NAME_WORDS.contains(&word)
    {
        return Some(if word == name {
            format!("the name `{name}` says money")
        } else {
            format!("the name `{name}` says money (`{word}`)")
        });
    }
    let clause = description
        .trim()
        .split([',', '，', '。', ';', '；', '(', '（', ':', '：', ' ', '\n'])
        .next()
        .unwrap_or_default();
    MONEY_DESCRIPTION_ENDS
        .iter()
        .find(|end| clause.ends_with(*end))
        .map(|end| {
            format!(
                "the description `{}` says money (`{end}`)",
                one_line(clause)
            )
        })
}

/// The topic spec as YAML, with the header of imported specs ([`crate::to_yaml_with_header`]'s:
/// where it came from, the body's hash) naming `source`, the warnings about the topic as a
/// whole in the header and a `# guess:` comment above each field a guess is about. Keys in the
/// order `topic, doc_id, title, group, fields`; fields as `name, type, required, description,
/// sensitive`; `fields: []` for a topic without fields. [`topic::parse_topic`] reads it back as
/// the same spec.
pub fn to_topic_yaml(spec: &TopicSpec, source: &str, warnings: &[Warning]) -> String {
    let placed = |w: &Warning| match &w.place {
        Place::TopicField(name) => spec.fields.iter().any(|f| &f.name == name),
        _ => false,
    };
    let mut body = warnings_header(warnings, placed);
    let out = &mut body;
    line(out, 0, "topic", &scalar(&spec.topic, 0));
    if let Some(id) = spec.doc_id {
        line(out, 0, "doc_id", &id.to_string());
    }
    opt(out, 0, "title", spec.title.as_deref());
    opt(out, 0, "group", spec.group.as_deref());
    if spec.fields.is_empty() {
        out.push_str("\nfields: []\n");
    } else {
        out.push_str("\nfields:\n");
        let notes = Notes(warnings);
        for f in &spec.fields {
            notes.write(out, 2, &Place::TopicField(f.name.clone()));
            line(out, 2, "- name", &scalar(&f.name, 4));
            line(out, 4, "type", &scalar(&f.ty, 4));
            if f.required {
                line(out, 4, "required", "true");
            }
            opt(out, 4, "description", f.description.as_deref());
            if let Some(s) = f.sensitive {
                line(out, 4, "sensitive", if s { "true" } else { "false" });
            }
        }
    }
    with_header(&spec.topic, source, COMMAND, &body)
}

/// The files of `inputs` that are topic definitions: a file itself, or a folder's `*.json`
/// files sorted by name (its README and other files are not inputs).
pub fn topic_input_files(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    crate::input_files_of(inputs, &["json"])
}

/// Imports every topic definition of `inputs` ([`topic_input_files`]) into
/// `out/<topic>.yaml`, in parallel, as [`crate::import_into_with`] does for API specs: each spec
/// written only when its bytes changed, one edited by hand kept (or, without
/// [`ImportOptions::keep_edited`], its input failed) unless [`ImportOptions::force`], nothing
/// written with [`ImportOptions::check`]. A second definition of a topic fails. The outcomes
/// come back in the order of `inputs`; [`crate::prune()`] then removes the specs none produced.
pub fn import_topics_into(
    inputs: &[Result<PathBuf, (PathBuf, String)>],
    out: &Path,
    options: &ImportOptions,
) -> Vec<Outcome> {
    use rayon::prelude::*;
    let loaded: Vec<(PathBuf, Result<ImportedTopic, String>)> = inputs
        .par_iter()
        .map(|input| match input {
            Ok(path) => (path.clone(), load(path)),
            Err((path, why)) => (path.clone(), Err(why.clone())),
        })
        .collect();
    // Topics in input order whatever the scheduling; a second input of a topic fails.
    let mut first_of: HashMap<String, PathBuf> = HashMap::new();
    let mut slots: Vec<(PathBuf, Result<usize, String>)> = Vec::new();
    let mut topics: Vec<(PathBuf, ImportedTopic)> = Vec::new();
    for (input, result) in loaded {
        let slot = result.and_then(|imported| {
            if let Some(first) = first_of.get(&imported.spec.topic) {
                return Err(format!(
                    "{} was already imported from {}; expected one definition per topic",
                    out.join(format!("{}.yaml", imported.spec.topic)).display(),
                    first.display()
                ));
            }
            first_of.insert(imported.spec.topic.clone(), input.clone());
            topics.push((input.clone(), imported));
            Ok(topics.len() - 1)
        });
        slots.push((input, slot));
    }
    let prepared: Vec<Result<Pending, String>> = topics
        .into_par_iter()
        .map(|(input, imported)| prepare(&input, imported, out, options))
        .collect();
    let mut written: Vec<Option<Result<Written, String>>> =
        match write_pending(prepared, out, options) {
            Ok(written) => written.into_iter().map(Some).collect(),
            Err(why) => {
                return slots
                    .into_iter()
                    .map(|(input, _)| Outcome {
                        input,
                        result: Err(why.clone()),
                    })
                    .collect();
            }
        };
    slots
        .into_iter()
        .map(|(input, slot)| {
            let result = slot.and_then(|i| {
                written[i]
                    .take()
                    .unwrap_or_else(|| Err("internal error: a topic written twice".into()))
            });
            Outcome { input, result }
        })
        .collect()
}

/// Reads and imports one definition; the error without the file's name.
fn load(path: &Path) -> Result<ImportedTopic, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > limits::MAX_FILE_BYTES as u64 {
        return Err(format!(
            "the file has {size} bytes, more than the limit of {} bytes (topic::limits::MAX_FILE_BYTES); expected one TMC topic definition",
            limits::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    import_topic(path, &bytes).map_err(|e| without_path(path, e))
}

/// One topic's spec as YAML, checked to read back as the same spec, and what writing it does.
fn prepare(
    input: &Path,
    imported: ImportedTopic,
    out: &Path,
    options: &ImportOptions,
) -> Result<Pending, String> {
    let spec = &imported.spec;
    let file = out.join(format!("{}.yaml", spec.topic));
    let source = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let yaml = to_topic_yaml(spec, &source, &imported.warnings);
    let read_back = |yaml: &str| {
        match topic::parse_topic(input, yaml) {
        Ok(back) if back == *spec => Ok(()),
        Ok(_) => Err("internal error: the YAML made from this input (not written) does not read back as the same topic spec".into()),
        Err(e) => Err(format!(
            "internal error: the YAML made from this input (not written) does not read back: {}",
            without_path(input, e)
        )),
    }
    };
    pending(file, yaml, imported.warnings, options, COMMAND, read_back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_by_the_name_or_the_description_but_not_counts() {
        for (name, description) in [
            ("payment", "订单实付金额"),
            ("post_fee", "物流邮费"),
            ("refundFee", ""),
            ("total_amount", "订单金额（元）"),
            ("amout", "付款金额"),
            ("sum_tax", "合计税额"),
            ("price", "暂时无用"),
            ("real_refund_mount", "实际退款金额,单位分"),
            ("reward", "奖励金额"),
            ("2", "支用金额"),
        ] {
            assert!(
                money_guess(name, description).is_some(),
                "{name} {description}"
            );
        }
        for (name, description) in [
            ("refund_amount", "已退款份数"),
            ("pick_amount_stock", "库存单位拣货数量"),
            ("pay_time", "付款时间"),
            ("price_factors", "相关计价因子"),
            ("refund_id", "退款单号"),
            ("refund_detail", "最新一条退款记录,金额单位 人民币：分"),
            ("delivery_price_infos", "订单价格信息"),
            ("refund_amount_type", "退款金额/份数类型"),
            ("rp_code", "所属的价格策略rpCode"),
            ("feed_id", "直播间id"),
            ("coffee", ""),
        ] {
            assert_eq!(money_guess(name, description), None, "{name} {description}");
        }
        assert_eq!(
            money_guess("post_fee", "").unwrap(),
            "the name `post_fee` says money (`fee`)"
        );
        assert_eq!(
            money_guess("payment", "").unwrap(),
            "the name `payment` says money"
        );
        assert_eq!(
            money_guess("reward", "奖励金额，单位元").unwrap(),
            "the description `奖励金额` says money (`金额`)"
        );
    }

    const DEFINITION: &str = r#"{"topic": "taobao_trade_TradeSuccess", "title": "交易成功消息", "group": "淘宝交易", "doc_id": 110,
        "fields": [
          {"name": "tid", "type": "Number", "required": true, "description": "主订单ID"},
          {"name": "payment", "type": "String", "required": false, "description": "订单实付金额"},
          {"name": "tid", "type": "String", "required": false, "description": "again"},
          {"name": "access_token", "type": "String", "required": false, "description": ""},
          {"name": "modified", "type": "Date", "required": false, "description": "time: 1"},
          {"name": "oids", "type": "Number[]", "required": false, "description": "a\nb"}
        ]}"#;

    #[test]
    fn a_definition_imports_with_its_guesses_and_reads_back() {
        let imported = import_topic(Path::new("t.json"), DEFINITION.as_bytes()).unwrap();
        let spec = &imported.spec;
        let types: Vec<&str> = spec.fields.iter().map(|f| f.ty.as_str()).collect();
        assert_eq!(types, ["Number", "Price", "String", "Date", "Number[]"]);
        assert_eq!(spec.fields[2].description, None, "an empty description");
        assert_eq!(imported.warnings.len(), 2);
        assert_eq!(imported.warnings[1].place, Place::Spec);
        assert!(
            imported.warnings[1]
                .message
                .contains("fields[2]: a second field `tid`, dropped"),
            "{:?}",
            imported.warnings
        );
        assert_eq!(
            imported.warnings[0].place,
            Place::TopicField("payment".into())
        );
        let yaml = to_topic_yaml(spec, "t.json", &imported.warnings);
        assert!(
            yaml.contains("  # guess: fields[1]: Price (money: an exact decimal), not the definition's String: the name `payment` says money; TOP sends it as text such as \"0.10\"\n  - name: payment\n    type: Price\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("#   - fields[2]: a second field `tid`, dropped"),
            "{yaml}"
        );
        assert!(yaml.starts_with("# taobao_trade_TradeSuccess — imported from t.json by `codegen import-topics`.\n# body hash: "), "{yaml}");
        assert_eq!(crate::body_hash_check(&yaml), Some(true));
        assert_eq!(
            &topic::parse_topic(Path::new("t.yaml"), &yaml).unwrap(),
            spec
        );
        // The secret is the spec's rule, not written.
        assert!(!yaml.contains("sensitive"));
        let resolved = topic::resolve_topic(Path::new("t.yaml"), spec).unwrap();
        assert!(resolved.fields[2].sensitive);
        // A topic without fields says so.
        let empty =
            import_topic(Path::new("e.json"), br#"{"topic": "a_b_C", "fields": []}"#).unwrap();
        let yaml = to_topic_yaml(&empty.spec, "e.json", &[]);
        assert!(yaml.ends_with("topic: a_b_C\n\nfields: []\n"), "{yaml}");
        assert_eq!(
            topic::parse_topic(Path::new("e.yaml"), &yaml).unwrap(),
            empty.spec
        );
    }

    #[test]
    fn bad_definitions_name_the_place_and_what_was_expected() {
        let big = format!(
            r#"{{"topic": "a_b_C", "title": "{}", "fields": []}}"#,
            "x".repeat(limits::MAX_FILE_BYTES)
        );
        let many = format!(
            r#"{{"topic": "a_b_C", "fields": [{}]}}"#,
            vec![r#"{"name": "a", "type": "String"}"#; limits::MAX_FIELDS + 1].join(",")
        );
        for (what, text, expected) in [
            ("not JSON", "<html></html>".to_owned(), vec!["expected value at line 1 column 1", "expected a TMC topic definition"]),
            ("trailing text", r#"{"topic": "a_b_C", "fields": []} x"#.to_owned(), vec!["trailing characters at line 1 column 34"]),
            ("an API's metadata", r#"{"name": "taobao.time.get", "fields": []}"#.to_owned(), vec!["unknown field `name`", "expected a TMC topic definition"]),
            ("no fields", r#"{"topic": "a_b_C"}"#.to_owned(), vec!["missing field `fields`"]),
            ("required as text", r#"{"topic": "a_b_C", "fields": [{"name": "a", "type": "String", "required": "yes"}]}"#.to_owned(), vec!["t.json: fields[0].required: invalid type: string \"yes\", expected a boolean"]),
            ("unknown type", r#"{"topic": "a_b_C", "fields": [{"name": "a", "type": "Object"}]}"#.to_owned(), vec!["t.json: fields[0].type: unknown type \"Object\": expected one of String, Number, Boolean, Date, String[], Number[]"]),
            ("bad topic name", r#"{"topic": "taobao.trade.X", "fields": []}"#.to_owned(), vec!["t.json: topic: invalid topic name \"taobao.trade.X\""]),
            ("bad field name", r#"{"topic": "a_b_C", "fields": [{"name": "a b", "type": "String"}]}"#.to_owned(), vec!["t.json: fields[0].name: field name \"a b\" is not one TOP sends"]),
            ("too big", big, vec!["more than the limit of 262144 bytes"]),
            ("too many fields", many, vec!["t.json: fields: 1001 fields, more than the limit of 1000"]),
            // Nothing recurses into a value of another shape: 100,000 brackets are refused at
            // the first, not a stack overflow.
            (
                "deep",
                format!(
                    r#"{{"topic": "a_b_C", "fields": [{}{}]}}"#,
                    "[".repeat(100_000),
                    "]".repeat(100_000)
                ),
                vec!["t.json: fields[0][0]: invalid type: sequence, expected a string at line 1 column 31"],
            ),
        ] {
            let err = import_topic(Path::new("t.json"), text.as_bytes()).unwrap_err().to_string();
            assert!(err.starts_with("t.json"), "{what}: {err}");
            for part in expected {
                assert!(err.contains(part), "{what}: {err:?} lacks {part:?}");
            }
        }
    }
}
