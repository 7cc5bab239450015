//! The YAML spec format: one file per TOP API, the source of truth for generation.
//!
//! This module only reads the file into these structs (syntax, unknown fields, field kinds);
//! [`crate::model`] checks that the spec is consistent and resolves it into Rust names.
//!
//! ```yaml
//! name: taobao.wdk.iot.wombat.common.gettoken
//! title: 获取oss临时token
//! description: 机器人端请求oss上传用的临时token
//! needs_session: false
//! request:
//!   - name: merchant_code
//!     type: String
//!     example: HM
//!     max_length: 64
//!     description: 商家code
//! response:
//!   - name: result
//!     type: IotResult
//! types:
//!   IotResult:
//!     fields:
//!       - name: success
//!         type: Boolean
//! examples:
//!   response_json: '{"wdk_iot_wombat_common_gettoken_response": {...}}'
//! ```

use serde::{Deserialize, Deserializer};

/// One TOP API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The API's method name, e.g. `taobao.wdk.iot.wombat.common.gettoken`.
    pub name: String,
    /// TOP's id of the API's doc page (the metadata's `id`): its page is
    /// `https://open.taobao.com/api.htm?docId=<doc_id>&docType=2`.
    #[serde(default)]
    pub doc_id: Option<u64>,
    /// The page's Chinese title (`获取oss临时token`).
    #[serde(default)]
    pub title: Option<String>,
    /// What the API does.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the call needs a user's session (授权).
    #[serde(default)]
    pub needs_session: bool,
    /// Request (business) params, in the doc's order.
    #[serde(default)]
    pub request: Vec<Field>,
    /// Top-level response fields, in the doc's order.
    #[serde(default)]
    pub response: Vec<Field>,
    /// The named object types of this API (`IotResult`, `OssTokenDto`), keyed by TOP's name.
    /// Types are scoped to the API: another API may define a type of the same name.
    #[serde(default, deserialize_with = "unique_types")]
    pub types: Vec<(String, TypeDef)>,
    /// The doc page's examples, verbatim.
    #[serde(default)]
    pub examples: Examples,
}

/// A named object type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// What the type is.
    #[serde(default)]
    pub description: Option<String>,
    /// Its fields, in the doc's order.
    pub fields: Vec<Field>,
}

/// A request param, a response field, or a field of an object type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The wire name (`merchant_code`).
    pub name: String,
    /// A TOP type: `String`, `Number`, `Boolean`, `Date`, `Price`, `BigDecimal`, `Json`,
    /// `byte[]`, the name of an entry of `types`, or a list of one of these written `X[]`.
    #[serde(rename = "type")]
    pub ty: String,
    /// 是否必须: a required request param becomes an argument of the request's `new`.
    #[serde(default)]
    pub required: bool,
    /// 示例值, as text (a value of the field's type; a list's items comma-separated). One of
    /// the format's two text fields with `default`: write it quoted when YAML would read it as
    /// a number or boolean of another spelling (`'10.50'`, `'0x1F'`, `'007'`, `'True'`);
    /// unquoted, such a value is refused rather than silently changed.
    #[serde(default, deserialize_with = "scalar_text")]
    pub example: Option<String>,
    /// 默认值: what the server assumes when the param is not sent (documentation only), as
    /// text like `example`; only optional request params have one, of the param's type.
    #[serde(default, deserialize_with = "scalar_text")]
    pub default: Option<String>,
    /// 描述.
    #[serde(default)]
    pub description: Option<String>,
    /// 最大长度 (characters), for `String` params.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// 最大值, for `Number`, `Price` and `BigDecimal` params.
    #[serde(default)]
    pub max_value: Option<i64>,
    /// 最小值, for `Number`, `Price` and `BigDecimal` params.
    #[serde(default)]
    pub min_value: Option<i64>,
    /// 最大列表长度, for list params and comma-separated `String` params.
    #[serde(default)]
    pub max_list_size: Option<u64>,
    /// Whether the value is a secret that must never be printed. When absent, `String` fields
    /// whose names say so (`*secret*`, `*password*`, `*token`, `session`) are secret.
    #[serde(default)]
    pub sensitive: Option<bool>,
}

impl Field {
    /// A field of this name and type, optional, with no example, description or limit.
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            ty: ty.into(),
            required: false,
            example: None,
            default: None,
            description: None,
            max_length: None,
            max_value: None,
            min_value: None,
            max_list_size: None,
            sensitive: None,
        }
    }
}

/// The examples of a doc page, verbatim.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// 请求示例: the page's request example (Java SDK code).
    #[serde(default)]
    pub request: Option<String>,
    /// 响应示例, XML tab.
    #[serde(default)]
    pub response_xml: Option<String>,
    /// 响应示例, JSON tab.
    #[serde(default)]
    pub response_json: Option<String>,
    /// 异常示例, XML tab.
    #[serde(default)]
    pub error_xml: Option<String>,
    /// 异常示例, JSON tab.
    #[serde(default)]
    pub error_json: Option<String>,
}

/// Accepts any YAML scalar as text: `example: 1` and `example: "1"` both give `"1"`. A plain
/// scalar YAML reads as a number or boolean gives that value's canonical text; where that is
/// not the text written (`10.50` → `10.5`), [`crate::load::parse_spec`] refuses the spec.
fn scalar_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string, number or boolean")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// `types` is a YAML mapping; unlike a plain map, a type defined twice is an error, and the
/// file's order is kept.
fn unique_types<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, TypeDef)>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<(String, TypeDef)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a mapping from type names to type definitions")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut types: Vec<(String, TypeDef)> = Vec::new();
            while let Some(name) = map.next_key::<String>()? {
                if types.iter().any(|(n, _)| *n == name) {
                    return Err(serde::de::Error::custom(format_args!(
                        "type {name:?} is defined twice; expected each type name once"
                    )));
                }
                let def = map.next_value::<TypeDef>()?;
                types.push((name, def));
            }
            Ok(types)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_map(V)
}
