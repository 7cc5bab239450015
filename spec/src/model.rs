//! The resolved model: a consistent spec with Rust names, ready to be turned into tokens.
//!
//! [`resolve`] checks everything a spec can get wrong beyond its YAML shape (unknown or unused
//! types, duplicate params, impossible limits, names that cannot become identifiers) and
//! reports the first problem with its field path.

use crate::error::Error;
use crate::sanitize::{self, Scope};
use crate::spec::{self, Spec};

use crate::rules::check_method;
pub use crate::rules::{doc_url, looks_secret, response_key};
pub use crate::scalar::Scalar;
use std::collections::BTreeMap;
use std::path::Path;

/// One API, resolved.
#[derive(Debug, Clone)]
pub struct Api {
    /// The method name, `taobao.wdk.iot.wombat.common.gettoken`.
    pub method: String,
    /// The spec's file name, for the generated header.
    pub source: String,
    /// Module name: the method with `.` → `_`.
    pub module: String,
    /// `WdkIotWombatCommonGettokenRequest`.
    pub request_name: String,
    /// `WdkIotWombatCommonGettokenResponse`.
    pub response_name: String,
    /// `wdk_iot_wombat_common_gettoken_response`.
    pub response_key: String,
    /// TOP's id of the API's doc page ([`doc_url`]).
    pub doc_id: Option<u64>,
    /// Chinese title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Whether a user session is required.
    pub needs_session: bool,
    /// Request params.
    pub params: Vec<Field>,
    /// Top-level response fields (without `request_id`, which every response gets).
    pub response: Vec<Field>,
    /// Whether the spec declares `request_id` itself.
    pub response_has_request_id: bool,
    /// Object types, in order of first use (request params first, then the response tree).
    pub types: Vec<Object>,
    /// The spec's examples.
    pub examples: spec::Examples,
    /// What is doubtful but not wrong enough to refuse, as (field path, message): an `example`
    /// that is not a value of its field's type (doc pages often show one; the example is only
    /// documentation). The generator prints them as warnings.
    pub warnings: Vec<(String, String)>,
}

/// A field or param.
#[derive(Debug, Clone)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust identifier (snake_case, keyword-safe, unique in its struct).
    pub rust: String,
    /// Resolved type.
    pub ty: Ty,
    /// Required (request params: a `new` argument).
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Example value as text.
    pub example: Option<String>,
    /// Server-side default, as text.
    pub default: Option<String>,
    /// Client-side limits.
    pub limits: Limits,
    /// Never printed.
    pub sensitive: bool,
}

/// Limits from the doc's 更多限制 column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// Max length in characters.
    pub max_length: Option<u64>,
    /// Max value.
    pub max_value: Option<i64>,
    /// Min value.
    pub min_value: Option<i64>,
    /// Max list size.
    pub max_list_size: Option<u64>,
}

impl Limits {
    /// Whether any limit is set.
    pub fn any(&self) -> bool {
        *self != Limits::default()
    }
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A scalar.
    Scalar(Scalar),
    /// An object type: index into [`Api::types`].
    Object(usize),
    /// A list of scalars or objects.
    List(Box<Ty>),
}

/// A named object type.
#[derive(Debug, Clone)]
pub struct Object {
    /// TOP's name (`OssTokenDto`).
    pub top_name: String,
    /// Rust name (UpperCamelCase, unique in the module).
    pub rust: String,
    /// Description.
    pub description: Option<String>,
    /// Fields.
    pub fields: Vec<Field>,
}

const TYPE_EXPECTED: &str = "expected String, Number, Boolean, Date, Price, BigDecimal, Json, byte[], a type defined under `types`, or a list of one of these written `X[]`";

/// Names a generated module must not give its types: the request and response types, and the
/// prelude names the generated code itself uses unqualified (`impl Into<String>` in setters).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "String", "Vec", "Result", "Default", "Box", "Into",
];

/// The module name the generated crate's `lib.rs` gives its re-export of the runtime.
const RUNTIME_REEXPORT: &str = "topgen_runtime";

/// Method names a setter of a request type must not take: its own `new`, and the methods of
/// the traits it derives or implements (`Default::default`, which `new` calls, `Clone::clone`,
/// `PartialEq::eq`, `Debug::fmt`, `Request::encode`); a param of such a name gets a setter
/// with a trailing `_` (`default_`).
const RESERVED_SETTERS: &[&str] = &[
    "new",
    "default",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "encode",
];

/// Module names that would shadow the crates every module's paths start from
/// (`::std`, `core::…`), or the runtime's re-export.
const RESERVED_MODULES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    RUNTIME_REEXPORT,
];

/// The features the generated `Cargo.toml` defines besides one per API.
const RESERVED_FEATURES: &[&str] = &["default", "full"];

/// Whether a wire name is one TOP uses: [`wire_chars_ok`], with at least one letter.
fn wire_name_ok(name: &str) -> bool {
    wire_chars_ok(name) && name.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Whether a wire name has only the characters TOP's names have: ASCII letters, digits, `_`,
/// and `.` or `-` between them; not empty. (TMC topic contents also have keys of digits
/// alone: [`crate::topic`].)
pub(crate) fn wire_chars_ok(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_alphanumeric()
                || c == b'_'
                || (matches!(c, b'.' | b'-') && i > 0 && i + 1 < b.len())
        })
}

const WIRE_EXPECTED: &str = "expected ASCII letters, digits and `_` (a `.` or `-` only inside the name), with at least one letter, as TOP's names are";

struct Resolver<'a> {
    path: &'a Path,
    spec: &'a Spec,
    /// TOP type name → index in `objects` once resolved.
    index: BTreeMap<&'a str, usize>,
    objects: Vec<Option<Object>>,
    type_scope: Scope,
    warnings: Vec<(String, String)>,
}

/// Checks a spec and resolves it into the model.
pub fn resolve(path: &Path, spec: &Spec) -> Result<Api, Error> {
    let invalid = |field: &str, message: String| Error::Invalid {
        path: path.to_owned(),
        field: field.to_owned(),
        message,
    };
    check_method(&spec.name).map_err(|m| invalid("name", m))?;
    let base = spec.name.strip_prefix("taobao.").unwrap_or(&spec.name);
    let camel = sanitize::camel(base).map_err(|e| invalid("name", e.to_string()))?;
    let request_name = format!("{camel}Request");
    let response_name = format!("{camel}Response");
    let module = sanitize::snake(&spec.name).map_err(|e| invalid("name", e.to_string()))?;
    if module == RUNTIME_REEXPORT {
        return Err(invalid(
            "name",
            format!(
                "API {:?} would become module `{module}`, the name under which the generated crate re-exports the runtime; expected another API name",
                spec.name
            ),
        ));
    }
    if RESERVED_MODULES.contains(&module.as_str()) {
        return Err(invalid(
            "name",
            format!(
                "API {:?} would become module `{module}`, which shadows the crate of that name in generated paths; expected another API name",
                spec.name
            ),
        ));
    }
    if RESERVED_FEATURES.contains(&spec.name.as_str()) {
        return Err(invalid(
            "name",
            format!(
                "API {:?} would become cargo feature `{}`, which the generated crate defines itself; expected another API name",
                spec.name, spec.name
            ),
        ));
    }

    let mut type_scope = Scope::for_types(RESERVED_TYPE_NAMES);
    type_scope.claim(request_name.clone());
    type_scope.claim(response_name.clone());
    let mut r = Resolver {
        path,
        spec,
        index: BTreeMap::new(),
        objects: Vec::new(),
        type_scope,
        warnings: Vec::new(),
    };
    for (i, (name, _)) in spec.types.iter().enumerate() {
        if Scalar::from_top(name).is_some() || name.ends_with("[]") {
            return Err(invalid(
                &format!("types.{name}"),
                format!("type name {name:?} is a built-in TOP type; expected a new name"),
            ));
        }
        r.index.insert(name.as_str(), i);
    }
    r.objects = vec![None; spec.types.len()];

    let mut order = Vec::new();
    let params = r.fields(&spec.request, "request", true, &[], &mut order)?;
    let response = r.fields(&spec.response, "response", false, &[], &mut order)?;
    for (name, _) in &spec.types {
        if !order.iter().any(|&i| spec.types[i].0 == *name) {
            return Err(invalid(
                &format!("types.{name}"),
                format!("type {name:?} is defined but no param or field uses it"),
            ));
        }
    }
    // Renumber objects into order of first use.
    let mut renumber = vec![0; spec.types.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    let mut types = Vec::with_capacity(order.len());
    for &old in &order {
        let mut object = r.objects[old].take().ok_or_else(|| Error::Internal {
            path: path.to_owned(),
            message: format!("type {} was not resolved", spec.types[old].0),
        })?;
        renumber_fields(&mut object.fields, &renumber);
        types.push(object);
    }
    let mut params = params;
    let mut response = response;
    renumber_fields(&mut params, &renumber);
    renumber_fields(&mut response, &renumber);
    let response_has_request_id = response.iter().any(|f| f.wire == "request_id");

    Ok(Api {
        method: spec.name.clone(),
        source: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        module,
        request_name,
        response_name,
        response_key: response_key(&spec.name),
        doc_id: spec.doc_id,
        title: spec.title.clone(),
        description: spec.description.clone(),
        needs_session: spec.needs_session,
        params,
        response,
        response_has_request_id,
        types,
        examples: spec.examples.clone(),
        warnings: r.warnings,
    })
}

fn renumber_fields(fields: &mut [Field], renumber: &[usize]) {
    fn ty(t: &mut Ty, renumber: &[usize]) {
        match t {
            Ty::Object(i) => *i = renumber[*i],
            Ty::List(inner) => ty(inner, renumber),
            Ty::Scalar(_) => {}
        }
    }
    for f in fields {
        ty(&mut f.ty, renumber);
    }
}

impl Resolver<'_> {
    fn invalid(&self, field: &str, message: String) -> Error {
        Error::Invalid {
            path: self.path.to_owned(),
            field: field.to_owned(),
            message,
        }
    }

    /// Resolves a field list. `stack` holds the types being resolved (to reject recursion that
    /// no list breaks); `order` collects object types in order of first use.
    fn fields(
        &mut self,
        fields: &[spec::Field],
        at: &str,
        is_request: bool,
        stack: &[usize],
        order: &mut Vec<usize>,
    ) -> Result<Vec<Field>, Error> {
        let mut scope = match at {
            "request" => Scope::with_reserved(RESERVED_SETTERS),
            // Every response gets `request_id`; a spec field of that wire name takes its place.
            "response" if !fields.iter().any(|f| f.name == "request_id") => {
                Scope::with_reserved(&["request_id"])
            }
            _ => Scope::default(),
        };
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut out = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            let here = format!("{at}[{i}]");
            if !wire_name_ok(&f.name) {
                return Err(self.invalid(
                    &format!("{here}.name"),
                    format!(
                        "wire name {:?} is not one TOP uses: {WIRE_EXPECTED}",
                        f.name
                    ),
                ));
            }
            if let Some(first) = seen.insert(f.name.as_str(), i) {
                return Err(self.invalid(
                    &format!("{here}.name"),
                    format!(
                        "duplicate {} {:?} (first at {at}[{first}]); expected each name once",
                        if at == "request" { "param" } else { "field" },
                        f.name
                    ),
                ));
            }
            let mut rust = sanitize::snake(&f.name)
                .map_err(|e| self.invalid(&format!("{here}.name"), e.to_string()))?;
            if at == "request" && RESERVED_SETTERS.contains(&rust.as_str()) {
                rust.push('_');
            }
            let rust = scope.claim(rust);
            let ty = self.ty(&f.ty, &format!("{here}.type"), false, stack, order)?;
            let top_level_request = is_request && at == "request";
            if ty == Ty::Scalar(Scalar::File) && !top_level_request {
                return Err(self.invalid(
                    &format!("{here}.type"),
                    "byte[] (a file upload) is only allowed as a top-level request param".into(),
                ));
            }
            if let Ty::List(inner) = &ty
                && **inner == Ty::Scalar(Scalar::File)
            {
                return Err(self.invalid(
                    &format!("{here}.type"),
                    "a list of byte[] is not supported; expected one file per param".into(),
                ));
            }
            let limits = Limits {
                max_length: f.max_length,
                max_value: f.max_value,
                min_value: f.min_value,
                max_list_size: f.max_list_size,
            };
            self.check_limits(&here, &ty, &limits)?;
            self.check_values(&here, f, &ty, is_request && at == "request")?;
            let sensitive = match f.sensitive {
                Some(explicit) => explicit,
                None => ty == Ty::Scalar(Scalar::String) && looks_secret(&f.name),
            };
            if sensitive && ty != Ty::Scalar(Scalar::String) {
                return Err(self.invalid(
                    &format!("{here}.sensitive"),
                    "only String fields can be sensitive".into(),
                ));
            }
            out.push(Field {
                wire: f.name.clone(),
                rust,
                ty,
                required: f.required,
                description: f.description.clone(),
                example: f.example.clone(),
                default: f.default.clone(),
                limits,
                sensitive,
            });
        }
        Ok(out)
    }

    /// `example` and `default` are text that must be a value of the field's type; a default
    /// is the server's value for a param that is not sent, so only optional request params
    /// have one.
    fn check_values(
        &mut self,
        here: &str,
        f: &spec::Field,
        ty: &Ty,
        is_param: bool,
    ) -> Result<(), Error> {
        if let Some(default) = &f.default {
            if !is_param {
                return Err(self.invalid(
                    &format!("{here}.default"),
                    "a default applies to request params only (the server's value of a param that is not sent)".into(),
                ));
            }
            if f.required {
                return Err(self.invalid(
                    &format!("{here}.default"),
                    format!("param {:?} is required, so it is always sent and its default {default:?} is never used; expected `required: false` or no default", f.name),
                ));
            }
            self.check_value(&format!("{here}.default"), "default", default, ty)?;
        }
        if let Some(example) = &f.example {
            let at = format!("{here}.example");
            if let Err(Error::Invalid { message, .. }) =
                self.check_value(&at, "example", example, ty)
            {
                self.warnings.push((at, message));
            }
        }
        Ok(())
    }

    fn check_value(&self, at: &str, what: &str, text: &str, ty: &Ty) -> Result<(), Error> {
        // A list's example or default is its items, comma-separated, as TOP writes them.
        let (scalar, items): (Scalar, Vec<&str>) = match ty {
            Ty::Scalar(s) => (*s, vec![text]),
            Ty::List(inner) => match **inner {
                Ty::Scalar(s) => (s, text.split(',').collect()),
                _ => return Ok(()),
            },
            Ty::Object(_) => return Ok(()),
        };
        if matches!(scalar, Scalar::String | Scalar::Json | Scalar::File) {
            return Ok(());
        }
        if let Some(bad) = items.iter().find(|t| !scalar.fits_text(t)) {
            return Err(self.invalid(
                at,
                format!(
                    "{what} {bad:?} is not a {}; expected {}",
                    scalar.top_name(),
                    match scalar {
                        Scalar::Number => "an integer such as `42`",
                        Scalar::Boolean => "`true` or `false`",
                        Scalar::Date => "a date such as `2024-01-31 12:00:00`",
                        _ => "a decimal number such as `10.50`",
                    }
                ),
            ));
        }
        Ok(())
    }

    fn check_limits(&self, here: &str, ty: &Ty, limits: &Limits) -> Result<(), Error> {
        for (key, value) in [
            ("max_length", limits.max_length),
            ("max_list_size", limits.max_list_size),
        ] {
            if value == Some(0) {
                return Err(self.invalid(
                    &format!("{here}.{key}"),
                    format!("{key} 0 allows no value at all; expected at least 1, or no limit"),
                ));
            }
        }
        let scalar = match ty {
            Ty::Scalar(s) => Some(*s),
            _ => None,
        };
        let is_list = matches!(ty, Ty::List(_));
        if limits.max_length.is_some() && scalar != Some(Scalar::String) {
            return Err(self.invalid(
                &format!("{here}.max_length"),
                "max_length applies to String only".into(),
            ));
        }
        for (key, value) in [
            ("max_value", limits.max_value),
            ("min_value", limits.min_value),
        ] {
            if value.is_some() && !scalar.is_some_and(Scalar::is_numeric) {
                return Err(self.invalid(
                    &format!("{here}.{key}"),
                    format!("{key} applies to Number, Price and BigDecimal only"),
                ));
            }
        }
        if limits.max_list_size.is_some() && !is_list && scalar != Some(Scalar::String) {
            return Err(self.invalid(
                &format!("{here}.max_list_size"),
                "max_list_size applies to lists (`X[]`) and comma-separated String params only"
                    .into(),
            ));
        }
        if let (Some(min), Some(max)) = (limits.min_value, limits.max_value)
            && min > max
        {
            return Err(self.invalid(
                &format!("{here}.min_value"),
                format!("min_value {min} is greater than max_value {max}"),
            ));
        }
        Ok(())
    }

    fn ty(
        &mut self,
        text: &str,
        at: &str,
        in_list: bool,
        stack: &[usize],
        order: &mut Vec<usize>,
    ) -> Result<Ty, Error> {
        let text = text.trim();
        if let Some(s) = Scalar::from_top(text) {
            return Ok(Ty::Scalar(s));
        }
        if let Some(inner) = text.strip_suffix("[]") {
            let inner = inner.trim_end();
            if inner.ends_with("[]") {
                return Err(self.invalid(
                    at,
                    format!(
                        "unknown type {text:?}: lists of lists are not supported; {TYPE_EXPECTED}"
                    ),
                ));
            }
            if inner == "byte" {
                return Ok(Ty::Scalar(Scalar::File));
            }
            let inner = self.ty(inner, at, true, stack, order)?;
            return Ok(Ty::List(Box::new(inner)));
        }
        let Some(&index) = self.index.get(text) else {
            return Err(self.invalid(at, format!("unknown type {text:?}: {TYPE_EXPECTED}")));
        };
        if stack.contains(&index) {
            // A type may hold a list of itself (a tree); holding itself directly has no size.
            return if in_list {
                Ok(Ty::Object(index))
            } else {
                Err(self.invalid(
                    at,
                    format!("type {text:?} contains itself other than through a list (`{text}[]`); expected a list for recursive types"),
                ))
            };
        }
        if !order.contains(&index) {
            order.push(index);
            let (name, def) = &self.spec.types[index];
            let rust = sanitize::camel(name)
                .map_err(|e| self.invalid(&format!("types.{name}"), e.to_string()))?;
            let rust = self.type_scope.claim(rust);
            let mut inner_stack = stack.to_vec();
            inner_stack.push(index);
            let fields = self.fields(
                &def.fields,
                &format!("types.{name}.fields"),
                false,
                &inner_stack,
                order,
            )?;
            self.objects[index] = Some(Object {
                top_name: name.clone(),
                rust,
                description: def.description.clone(),
                fields,
            });
        }
        Ok(Ty::Object(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dashed_spec() -> Spec {
        Spec {
            name: "account.aliyuncs.com.CreateAliyunAccount.2013-07-01".into(),
            doc_id: None,
            title: None,
            description: None,
            needs_session: false,
            request: Vec::new(),
            response: Vec::new(),
            types: Vec::new(),
            examples: spec::Examples::default(),
        }
    }

    #[test]
    fn runtime_reexport_is_not_a_module_name() {
        let spec = Spec {
            name: "topgen.runtime".into(),
            ..dashed_spec()
        };
        let e = resolve(Path::new("a.yaml"), &spec).unwrap_err().to_string();
        assert!(e.contains("re-exports the runtime"), "{e}");
    }

    #[test]
    fn types_named_like_prelude_items_are_renamed() {
        let field = spec::Field::new;
        let def = |f: spec::Field| spec::TypeDef {
            description: None,
            fields: vec![f],
        };
        let spec = Spec {
            response: vec![field("a", "Into"), field("b", "Result")],
            types: vec![
                ("Into".into(), def(field("x", "String"))),
                ("Result".into(), def(field("y", "String"))),
            ],
            ..dashed_spec()
        };
        let api = resolve(Path::new("a.yaml"), &spec).unwrap();
        let names: Vec<&str> = api.types.iter().map(|o| o.rust.as_str()).collect();
        assert_eq!(names, ["Into2", "Result2"]);
    }

    #[test]
    fn dashed_aliyuncs_names_resolve() {
        let api = resolve(Path::new("a.yaml"), &dashed_spec()).unwrap();
        assert_eq!(
            api.method,
            "account.aliyuncs.com.CreateAliyunAccount.2013-07-01"
        );
        assert_eq!(
            api.module,
            "account_aliyuncs_com_create_aliyun_account_2013_07_01"
        );
        assert_eq!(
            api.request_name,
            "AccountAliyuncsComCreateAliyunAccount20130701Request"
        );
        assert_eq!(
            api.response_name,
            "AccountAliyuncsComCreateAliyunAccount20130701Response"
        );
        assert_eq!(
            api.response_key,
            "account_aliyuncs_com_CreateAliyunAccount_2013-07-01_response"
        );
        for ident in [&api.module, &api.request_name, &api.response_name] {
            syn::parse_str::<syn::Ident>(ident).unwrap_or_else(|e| panic!("{ident}: {e}"));
        }
    }
}
