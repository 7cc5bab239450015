//! TOP metadata JSON (the doc site's `getDocument.json`, as saved in `shared/catalog/`) → [`Spec`].
//!
//! The catalog is dirty in known ways; each is repaired and reported as a warning rather than
//! rejected:
//!
//! - `X []` is written `X[]` (silently: it is only spelling);
//! - `byte` (a Java byte: flags, statuses, ports) becomes `Number`; `byte[]` stays a file upload
//!   as a top-level request param and becomes `String` (base64 text) anywhere else; `byte[][]`
//!   becomes `String[]`;
//! - an object type without `subParams`, a missing type, or an unknown scalar-looking type
//!   (`Map`, `Long`, `null`…) becomes `Json` (or a known scalar for Java names like `Long`);
//! - `subParams` on a scalar type (`Price` with `amount` / `currency`) make an object type
//!   named after the field;
//! - the same type name with different fields at two places becomes `Foo`, `Foo2`, …;
//! - a duplicate field keeps its first definition; a field whose name cannot become an
//!   identifier is dropped;
//! - limits that do not apply to the field's type (`maxLength` on a `Number`) are dropped.

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;
use topgen_spec::Error;
use topgen_spec::spec::{Examples, Field, Spec, TypeDef};

pub use super::{Imported, Place, Warning};

mod types;

pub(crate) use types::{
    Limit, MAX_NAME, ObjectOf, ScalarRepair, TypeNames, bad_field_name, derived_name, java_alias,
    limit_applies, object_of, order_types, scalar_type, split_type,
};

#[derive(Deserialize)]
struct RawApi {
    #[serde(default)]
    name: Option<serde_json::Value>,
    /// The doc page's id (`docId` of `api.htm?docId=…`).
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default, rename = "apiChineseName")]
    title: Option<serde_json::Value>,
    #[serde(default)]
    description: Option<serde_json::Value>,
    #[serde(default, rename = "requestParams")]
    request: Option<Vec<RawParam>>,
    #[serde(default, rename = "responseParams")]
    response: Option<Vec<RawParam>>,
}

#[derive(Deserialize)]
struct RawParam {
    #[serde(default)]
    name: Option<serde_json::Value>,
    #[serde(default, rename = "type")]
    ty: Option<serde_json::Value>,
    #[serde(default)]
    description: Option<serde_json::Value>,
    #[serde(default)]
    required: Option<serde_json::Value>,
    #[serde(default, rename = "maxLength")]
    max_length: Option<serde_json::Value>,
    #[serde(default, rename = "maxListSize")]
    max_list_size: Option<serde_json::Value>,
    #[serde(default, rename = "maxValue")]
    max_value: Option<serde_json::Value>,
    #[serde(default, rename = "minValue")]
    min_value: Option<serde_json::Value>,
    #[serde(default, rename = "subParams")]
    sub_params: Option<Vec<RawParam>>,
}

/// Imports one catalog file. `path` is only used in errors. Fails only when the text is not a
/// catalog entry at all (not JSON, not an object of the catalog's shape, no usable `name`).
pub fn import(path: &Path, text: &str) -> Result<Imported, Error> {
    if text.trim().is_empty() {
        return Err(invalid(
            path,
            "",
            "the file is empty; expected a TOP metadata JSON object",
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Err(invalid(
            path,
            "",
            "not a TOP metadata JSON file; expected a JSON object starting with `{`",
        ));
    }
    let syntax = |field: String, e: serde_json::Error| {
        let location = (e.line() > 0).then(|| (e.line(), e.column()));
        Error::Syntax {
            path: path.to_owned(),
            location,
            field,
            message: strip_location(&e.to_string()),
        }
    };
    // A byte order mark is no part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let raw: RawApi = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        syntax(field, e.into_inner())
    })?;
    // Text after the object is an error, as in any JSON reader.
    de.end().map_err(|e| syntax(String::new(), e))?;
    check_shape(path, &raw)?;
    let mut cx = Importer {
        types: Vec::new(),
        warnings: Vec::new(),
        names: TypeNames::default(),
    };
    cx.name_types(raw.request.as_deref().unwrap_or_default());
    cx.name_types(raw.response.as_deref().unwrap_or_default());
    let request = cx.params(
        raw.request.as_deref().unwrap_or_default(),
        "requestParams",
        &Owner::Request,
    );
    let response = cx.params(
        raw.response.as_deref().unwrap_or_default(),
        "responseParams",
        &Owner::Response,
    );
    let types = order_types(cx.types, &request, &response);
    let spec = Spec {
        name: raw
            .name
            .as_ref()
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .trim()
            .to_owned(),
        // A positive integer, or a string of one; anything else is no doc id.
        doc_id: raw
            .id
            .as_ref()
            .and_then(|v| match v {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .filter(|&id| id > 0),
        title: non_empty(text_of(raw.title.as_ref())),
        description: non_empty(text_of(raw.description.as_ref())),
        needs_session: false,
        request,
        response,
        types,
        examples: Examples::default(),
    };
    Ok(Imported {
        spec,
        warnings: cx.warnings,
    })
}

/// Refuses JSON that is not a TOP metadata entry: every entry of the catalog has a `name`
/// string that is an API name, and `requestParams`, `responseParams` or (an entry without
/// params) `apiChineseName`; another JSON file (a `package.json`) has none of them.
fn check_shape(path: &Path, raw: &RawApi) -> Result<(), Error> {
    if raw.request.is_none() && raw.response.is_none() && raw.title.is_none() {
        return Err(invalid(
            path,
            "",
            "not a TOP metadata entry: it has no `requestParams`, `responseParams` or \
             `apiChineseName`; expected an object like {\"name\": \"taobao.trade.fullinfo.get\", \
             \"apiChineseName\": \"…\", \"requestParams\": […], \"responseParams\": […]}",
        ));
    }
    let name = match &raw.name {
        None | Some(serde_json::Value::Null) => {
            return Err(invalid(
                path,
                "name",
                "missing API name; expected e.g. `taobao.trade.fullinfo.get`",
            ));
        }
        Some(serde_json::Value::String(s)) => s.trim(),
        Some(other) => {
            let kind = match other {
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Array(_) => "a list",
                _ => "an object",
            };
            return Err(invalid(
                path,
                "name",
                &format!(
                    "`name` must be a string (the API name, such as `taobao.trade.fullinfo.get`); found {kind}"
                ),
            ));
        }
    };
    if name.is_empty() {
        return Err(invalid(
            path,
            "name",
            "missing API name; expected e.g. `taobao.trade.fullinfo.get`",
        ));
    }
    check_api_name(name).map_err(|why| invalid(path, "name", &why))
}

/// An API name both importers accept: TOP's rule ([`topgen_spec::rules::check_method`]) and
/// at most [`MAX_NAME`] characters.
pub(crate) fn check_api_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars > MAX_NAME {
        let head: String = name.chars().take(40).collect();
        return Err(format!(
            "API name \"{head}…\" is too long ({chars} characters; at most {MAX_NAME})"
        ));
    }
    topgen_spec::rules::check_method(name)
}

fn invalid(path: &Path, field: &str, message: &str) -> Error {
    Error::Invalid {
        path: path.to_owned(),
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

struct Importer {
    types: Vec<(String, TypeDef)>,
    warnings: Vec<Warning>,
    /// The object types' names.
    names: TypeNames,
}

/// The structure of a list of params (names, types, nesting), to tell types of one name apart.
fn shape_key(subs: &[RawParam]) -> String {
    let mut out = String::new();
    for p in subs {
        out.push_str(&text_of(p.name.as_ref()).unwrap_or_default());
        out.push(':');
        out.push_str(&split_type(&text_of(p.ty.as_ref()).unwrap_or_default()).0);
        if let Some(s) = p.sub_params.as_deref().filter(|s| !s.is_empty()) {
            out.push('{');
            out.push_str(&shape_key(s));
            out.push('}');
        }
        out.push(';');
    }
    out
}

/// What a catalog type string denotes, before limits are checked.
enum Kind {
    /// A spec type string for a scalar (or list of scalars).
    Scalar(String),
    /// An object type of this base name, `lists` deep (0 or 1).
    Object { base: String, list: bool },
}

/// Whose fields a list of params are.
enum Owner {
    /// The top-level request params.
    Request,
    /// The top-level response fields.
    Response,
    /// The fields of this object type.
    Type(String),
}

impl Owner {
    /// The place of the field `name` of this owner in the spec.
    fn field(&self, name: &str) -> Place {
        match self {
            Owner::Request => Place::Request(name.to_owned()),
            Owner::Response => Place::Response(name.to_owned()),
            Owner::Type(t) => Place::TypeField(t.clone(), name.to_owned()),
        }
    }

    /// The place of the owner as a whole.
    fn whole(&self) -> Place {
        match self {
            Owner::Request | Owner::Response => Place::Spec,
            Owner::Type(t) => Place::Type(t.clone()),
        }
    }
}

/// Where a warning is: the param's path in the catalog file, and its place in the spec.
struct At {
    path: String,
    place: Place,
}

impl Importer {
    fn warn(&mut self, at: &At, message: impl std::fmt::Display) {
        self.warnings.push(Warning {
            place: at.place.clone(),
            message: format!("{}: {message}", at.path),
        });
    }

    fn params(&mut self, raw: &[RawParam], at: &str, owner: &Owner) -> Vec<Field> {
        let top_request = matches!(owner, Owner::Request);
        let mut out: Vec<Field> = Vec::with_capacity(raw.len());
        let mut seen = BTreeSet::new();
        for (i, p) in raw.iter().enumerate() {
            let mut here = At {
                path: format!("{at}[{i}]"),
                place: owner.whole(),
            };
            let name = text_of(p.name.as_ref())
                .unwrap_or_default()
                .trim()
                .to_owned();
            if name.is_empty() {
                self.warn(&here, "field without a name dropped");
                continue;
            }
            if let Some(why) = bad_field_name(&name) {
                self.warn(&here, why);
                continue;
            }
            here.place = owner.field(&name);
            if !seen.insert(name.clone()) {
                self.warn(
                    &here,
                    format_args!("duplicate field {name:?}: the first definition is kept"),
                );
                continue;
            }
            here.path = format!("{} ({name})", here.path);
            let field = self.param(p, name, &here, top_request);
            out.push(field);
        }
        out
    }

    fn param(&mut self, p: &RawParam, name: String, here: &At, top_request: bool) -> Field {
        let description = non_empty(text_of(p.description.as_ref()));
        let raw_ty = text_of(p.ty.as_ref()).unwrap_or_default();
        let subs = p.sub_params.as_deref().unwrap_or_default();
        let ty = match self.kind(&raw_ty, &name, !subs.is_empty(), top_request, here) {
            Kind::Scalar(t) => {
                if !subs.is_empty() {
                    self.warn(
                        here,
                        format_args!("subParams of scalar type {raw_ty:?} ignored"),
                    );
                }
                t
            }
            Kind::Object { base, list } => {
                let owner = Owner::Type(self.type_name(&base, subs));
                let fields = self.params(subs, &format!("{}.subParams", here.path), &owner);
                let name = self.define(&base, subs, fields, description.clone(), here);
                if list { format!("{name}[]") } else { name }
            }
        };
        let mut field = Field {
            required: flag(p.required.as_ref()),
            description,
            ..Field::new(name, ty)
        };
        self.limits(p, &mut field, here);
        field
    }

    /// Classifies a catalog type string.
    fn kind(
        &mut self,
        raw: &str,
        field: &str,
        has_subs: bool,
        top_request: bool,
        here: &At,
    ) -> Kind {
        if let Some(object) = object_of(raw, field, has_subs) {
            if object.derived {
                let why = object.derived_why(raw, &object.base);
                self.warn(here, why.replace("has fields;", "with subParams"));
            }
            return Kind::Object {
                base: object.base,
                list: object.list,
            };
        }
        let (ty, repair) = scalar_type(raw, top_request);
        if let Some(repair) = repair {
            let message = match &repair {
                ScalarRepair::NoFields { base } => {
                    format!("type {base:?} has no subParams (fields unknown); imported as Json")
                }
                other => other.to_string(),
            };
            self.warn(here, message);
        }
        Kind::Scalar(ty)
    }

    /// Names every object type in document order (pre-order, request before response): the
    /// first shape of a name keeps it, later different shapes get `Foo2`, `Foo3`…
    fn name_types(&mut self, raw: &[RawParam]) {
        for p in raw {
            let subs = p.sub_params.as_deref().unwrap_or_default();
            let field = text_of(p.name.as_ref()).unwrap_or_default();
            let raw_ty = text_of(p.ty.as_ref()).unwrap_or_default();
            if let Some(object) = object_of(&raw_ty, field.trim(), !subs.is_empty()) {
                self.names.name(&object.base, shape_key(subs));
            }
            self.name_types(subs);
        }
    }

    /// The name [`Importer::name_types`] gave the object type of this base name and fields.
    fn type_name(&self, base: &str, subs: &[RawParam]) -> String {
        self.names
            .given(base, shape_key(subs))
            .unwrap_or(base)
            .to_owned()
    }

    /// Registers the object type of a param with these fields and returns its name (given by
    /// [`Importer::name_types`]).
    fn define(
        &mut self,
        base: &str,
        subs: &[RawParam],
        fields: Vec<Field>,
        description: Option<String>,
        here: &At,
    ) -> String {
        let name = self.type_name(base, subs);
        if !self.types.iter().any(|(t, _)| *t == name) {
            if name != base {
                self.warn(
                    here,
                    format_args!(
                        "type {base:?} is defined again with other fields; this one is named {name:?}"
                    ),
                );
            }
            self.types.push((
                name.clone(),
                TypeDef {
                    description,
                    fields,
                },
            ));
        }
        name
    }

    /// Copies the param's limits that apply to the field's type; warns about the rest.
    fn limits(&mut self, p: &RawParam, f: &mut Field, here: &At) {
        let ty = f.ty.as_str();
        let take_u = |this: &mut Self, key: &str, v: Option<&serde_json::Value>, applies: bool| {
            let v = v?;
            let Some(n) = v.as_u64().or_else(|| text_of(Some(v))?.trim().parse().ok()) else {
                this.warn(
                    here,
                    format_args!("{key} {} is not a count; dropped", show(v)),
                );
                return None;
            };
            if !applies {
                this.warn(
                    here,
                    format_args!("{key} {n} does not apply to type {ty}; dropped"),
                );
                return None;
            }
            Some(n)
        };
        f.max_length = take_u(
            self,
            "maxLength",
            p.max_length.as_ref(),
            limit_applies(Limit::Length, ty),
        );
        f.max_list_size = take_u(
            self,
            "maxListSize",
            p.max_list_size.as_ref(),
            limit_applies(Limit::ListSize, ty),
        );
        let take_i = |this: &mut Self, key: &str, v: Option<&serde_json::Value>| {
            let v = v?;
            let Some(n) = v.as_i64().or_else(|| text_of(Some(v))?.trim().parse().ok()) else {
                this.warn(
                    here,
                    format_args!("{key} {} is not an integer; dropped", show(v)),
                );
                return None;
            };
            if !limit_applies(Limit::Value, ty) {
                this.warn(
                    here,
                    format_args!("{key} {n} does not apply to type {ty}; dropped"),
                );
                return None;
            }
            Some(n)
        };
        f.max_value = take_i(self, "maxValue", p.max_value.as_ref());
        f.min_value = take_i(self, "minValue", p.min_value.as_ref());
        if let (Some(min), Some(max)) = (f.min_value, f.max_value)
            && min > max
        {
            self.warn(
                here,
                format_args!("minValue {min} is greater than maxValue {max}; both dropped"),
            );
            f.min_value = None;
            f.max_value = None;
        }
    }
}

/// serde_json ends its messages with " at line L column C"; the error prints the location up
/// front.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// A scalar value as text (`"x"`, `1`, `true`); `None` for null, sequences and mappings.
fn text_of(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn show(v: &serde_json::Value) -> String {
    text_of(Some(v)).map_or_else(|| "(not a scalar)".to_owned(), |t| format!("{t:?}"))
}

fn flag(v: Option<&serde_json::Value>) -> bool {
    match v {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        Some(serde_json::Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types_of(json: &str) -> Imported {
        import(Path::new("t.json"), json).expect("imports")
    }

    #[test]
    fn list_spelling_and_byte() {
        let i = types_of(
            r#"{"name":"taobao.a.b","requestParams":[
                {"name":"f","type":"byte[]"},{"name":"g","type":"String []"},{"name":"h","type":"byte"}],
              "responseParams":[{"name":"d","type":"byte[]"}]}"#,
        );
        let tys: Vec<&str> = i.spec.request.iter().map(|f| f.ty.as_str()).collect();
        assert_eq!(tys, ["byte[]", "String[]", "Number"]);
        assert_eq!(i.spec.response[0].ty, "String");
        assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    }

    #[test]
    fn scalar_with_sub_params_becomes_named_object() {
        let i = types_of(
            r#"{"name":"taobao.a.b","responseParams":[{"name":"moq_price","type":"Price",
                "subParams":[{"name":"amount","type":"String"}]}]}"#,
        );
        assert_eq!(i.spec.response[0].ty, "MoqPrice");
        assert_eq!(i.spec.types[0].0, "MoqPrice");
        assert_eq!(i.warnings.len(), 1);
    }

    #[test]
    fn inapplicable_limits_dropped() {
        let i = types_of(
            r#"{"name":"taobao.a.b","requestParams":[
               {"name":"n","type":"Number","maxLength":5,"minValue":1,"maxValue":9},
               {"name":"s","type":"String","maxLength":"12","maxListSize":3},
               {"name":"m","type":"Number","minValue":10,"maxValue":1}]}"#,
        );
        let r = &i.spec.request;
        assert_eq!(
            (r[0].max_length, r[0].min_value, r[0].max_value),
            (None, Some(1), Some(9))
        );
        assert_eq!((r[1].max_length, r[1].max_list_size), (Some(12), Some(3)));
        assert_eq!((r[2].min_value, r[2].max_value), (None, None));
        assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    }

    #[test]
    fn unusable_inputs_fail() {
        for bad in [
            "",
            "  ",
            "<html>",
            "{\"name\": \"taobao.a\"",
            "{\"description\":\"x\"}",
            "\u{0}\u{1}",
        ] {
            assert!(import(Path::new("x.json"), bad).is_err(), "{bad:?}");
        }
    }
}
