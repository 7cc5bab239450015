//! TOP type strings → spec types, the rules both importers share: object types and their
//! names, scalar repairs, which limits apply, the order of the types.

use std::collections::{BTreeMap, BTreeSet};
use topgen_spec::model::Scalar;
use topgen_spec::sanitize;
use topgen_spec::spec::{Field, TypeDef};

/// An object type a param's type denotes.
pub(crate) struct ObjectOf {
    /// The type's name: TOP's, or one made from the field's name.
    pub(crate) base: String,
    /// A list of the type (`Foo[]`).
    pub(crate) list: bool,
    /// The name was made from the field's name.
    pub(crate) derived: bool,
}

impl ObjectOf {
    /// Why the name was made from the field's name, for the warning: `raw` is the type as
    /// written, `name` the name given.
    pub(crate) fn derived_why(&self, raw: &str, name: &str) -> String {
        let base = split_type(raw).0;
        if base.chars().count() > MAX_NAME {
            format!(
                "type name of {} characters is too long (at most {MAX_NAME}); imported as object type {name:?}",
                base.chars().count()
            )
        } else {
            format!("type {raw:?} has fields; imported as object type {name:?}")
        }
    }
}

/// The longest type or field name the importers keep (TOP's longest are 49 and 64
/// characters; YAML cannot read a plain key back of over 1,024).
pub(crate) const MAX_NAME: usize = 128;

/// Why a field of this name is dropped, if it is: its name is too long, or cannot become a
/// Rust identifier.
pub(crate) fn bad_field_name(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if chars > MAX_NAME {
        let head: String = name.chars().take(24).collect();
        Some(format!(
            "field \"{head}…\" dropped: its name is too long ({chars} characters; at most {MAX_NAME})"
        ))
    } else if sanitize::snake(name).is_err() {
        Some(format!(
            "field {name:?} dropped: its name cannot become a Rust identifier"
        ))
    } else {
        None
    }
}

/// `Foo []` → (`Foo`, 1).
pub(crate) fn split_type(raw: &str) -> (String, usize) {
    let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let mut base = squeezed.as_str();
    let mut depth = 0usize;
    while let Some(b) = base.strip_suffix("[]") {
        base = b;
        depth += 1;
    }
    (base.to_owned(), depth)
}

/// The object type of a param with subParams: its type name, or a name made from the field
/// when the type is missing, a scalar, or not an identifier. `None` for scalars, `byte`, and
/// lists of lists.
pub(crate) fn object_of(raw: &str, field: &str, has_subs: bool) -> Option<ObjectOf> {
    let (base, depth) = split_type(raw);
    if !has_subs || depth > 1 || base == "byte" {
        return None;
    }
    let keep = !base.is_empty() && Scalar::from_top(&base).is_none() && valid_type_name(&base);
    Some(if keep {
        ObjectOf {
            base,
            list: depth == 1,
            derived: false,
        }
    } else {
        ObjectOf {
            base: derived_name(field),
            list: depth == 1,
            derived: true,
        }
    })
}

/// A repair [`scalar_type`] made to a type string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScalarRepair {
    /// No type given: `Json`.
    NoType,
    /// `byte` (a Java byte): `Number`.
    Byte,
    /// `byte[]` below the top level of the request: `String` (base64).
    BytesNotTopLevel,
    /// `byte[][]` and deeper: `String[]`.
    ListOfBytes(String),
    /// A list of lists: `Json`.
    ListOfLists(String),
    /// A Java or JSON name for a scalar (`Long`): the scalar.
    Alias {
        /// The name as written.
        base: String,
        /// The TOP scalar it stands for.
        alias: &'static str,
    },
    /// An object-looking type without known fields (`Map`, `SomeDto`): `Json`.
    NoFields {
        /// The name as written.
        base: String,
    },
}

impl std::fmt::Display for ScalarRepair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScalarRepair::NoType => f.write_str("no type given; imported as Json"),
            ScalarRepair::Byte => f.write_str("type `byte` (a Java byte) imported as Number"),
            ScalarRepair::BytesNotTopLevel => f.write_str(
                "byte[] is a file upload only as a top-level request param; imported as String (base64)",
            ),
            ScalarRepair::ListOfBytes(raw) => {
                write!(f, "type {raw:?} imported as String[] (base64 items)")
            }
            ScalarRepair::ListOfLists(raw) => write!(f, "list of lists {raw:?} imported as Json"),
            ScalarRepair::Alias { base, alias } => {
                write!(f, "unknown type {base:?} imported as {alias}")
            }
            ScalarRepair::NoFields { base } => {
                write!(f, "type {base:?} has no known fields; imported as Json")
            }
        }
    }
}

/// The spec type of a TOP type string that is not an object with known fields (see
/// [`object_of`]), with the repair made, if any. `top_request`: the string is the type of a
/// top-level request param, the only place a `byte[]` file upload is allowed.
pub(crate) fn scalar_type(raw: &str, top_request: bool) -> (String, Option<ScalarRepair>) {
    let (base, depth) = split_type(raw);
    if base.is_empty() {
        return ("Json".into(), Some(ScalarRepair::NoType));
    }
    if base == "byte" {
        return match (depth, top_request) {
            (1, true) => ("byte[]".into(), None),
            (0, _) => ("Number".into(), Some(ScalarRepair::Byte)),
            (1, false) => ("String".into(), Some(ScalarRepair::BytesNotTopLevel)),
            _ => (
                "String[]".into(),
                Some(ScalarRepair::ListOfBytes(raw.to_owned())),
            ),
        };
    }
    if depth > 1 {
        return (
            "Json".into(),
            Some(ScalarRepair::ListOfLists(raw.to_owned())),
        );
    }
    let (known, repair) = if Scalar::from_top(&base).is_some() {
        (base, None)
    } else if let Some(alias) = java_alias(&base) {
        (alias.to_owned(), Some(ScalarRepair::Alias { base, alias }))
    } else {
        ("Json".to_owned(), Some(ScalarRepair::NoFields { base }))
    };
    (list_of(&known, depth), repair)
}

/// A limit of the doc's 更多限制 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// 最大长度.
    Length,
    /// 最大列表长度.
    ListSize,
    /// 最大值 / 最小值.
    Value,
}

/// Whether `limit` applies to a field of spec type `ty` (the model rejects it otherwise).
pub(crate) fn limit_applies(limit: Limit, ty: &str) -> bool {
    let is_list = ty.ends_with("[]") && ty != "byte[]";
    match limit {
        Limit::Length => ty == "String",
        Limit::ListSize => is_list || ty == "String",
        Limit::Value => matches!(ty, "Number" | "Price" | "BigDecimal"),
    }
}

/// Types in order of first use (request params first, then the response tree), like the
/// hand-written specs: a type comes before the types of its fields.
pub(crate) fn order_types(
    types: Vec<(String, TypeDef)>,
    request: &[Field],
    response: &[Field],
) -> Vec<(String, TypeDef)> {
    fn visit(fields: &[Field], types: &[(String, TypeDef)], order: &mut Vec<usize>) {
        for f in fields {
            let base = f.ty.strip_suffix("[]").unwrap_or(&f.ty);
            if let Some(i) = types.iter().position(|(n, _)| n == base)
                && !order.contains(&i)
            {
                order.push(i);
                visit(&types[i].1.fields, types, order);
            }
        }
    }
    let mut order = Vec::with_capacity(types.len());
    visit(request, &types, &mut order);
    visit(response, &types, &mut order);
    let mut slots: Vec<Option<(String, TypeDef)>> = types.into_iter().map(Some).collect();
    let mut out: Vec<(String, TypeDef)> = order.iter().filter_map(|&i| slots[i].take()).collect();
    // Every type is used by the field that defined it; keep any stragglers anyway.
    out.extend(slots.into_iter().flatten());
    out
}

fn list_of(base: &str, depth: usize) -> String {
    if depth > 0 {
        format!("{base}[]")
    } else {
        base.to_owned()
    }
}

/// Java and JSON names seen in TOP docs for what TOP calls a scalar.
pub(crate) fn java_alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "Long" | "long" | "Integer" | "int" | "Short" | "short" | "Byte" | "number" => "Number",
        "Double" | "double" | "Float" | "float" => "BigDecimal",
        "string" | "str" | "Character" | "char" => "String",
        "boolean" | "bool" => "Boolean",
        "date" | "Datetime" | "DateTime" => "Date",
        _ => return None,
    })
}

/// A type name the model accepts as an object type.
fn valid_type_name(name: &str) -> bool {
    name.len() <= MAX_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && java_alias(name).is_none()
        && !matches!(name, "Map" | "Object" | "null" | "List")
}

/// An object type name made from a field name: `moq_unit_price` → `MoqUnitPrice`.
pub(crate) fn derived_name(field: &str) -> String {
    let camel = sanitize::camel(field).unwrap_or_else(|_| "Object".to_owned());
    let camel: String = camel
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match camel.chars().next() {
        Some(c) if c.is_ascii_alphabetic() && Scalar::from_top(&camel).is_none() => camel,
        Some(c) if c.is_ascii_alphabetic() => format!("{camel}Object"),
        _ => format!("Object{camel}"),
    }
}

/// The names of the object types, by base name and shape (the fields and their nesting): the
/// first shape of a base name keeps it, later different shapes get `Foo2`, `Foo3`…
#[derive(Default)]
pub(crate) struct TypeNames {
    /// (base name, shape) → the type's name.
    names: BTreeMap<(String, String), String>,
    /// Type names given out.
    taken: BTreeSet<String>,
    /// Base name → the types given by [`TypeNames::name_agreeing`]: name, fields' types.
    agreeing: BTreeMap<String, Vec<(String, FieldTypes)>>,
}

/// A type's fields: name → type.
type FieldTypes = BTreeMap<String, String>;

impl TypeNames {
    /// The name of the type of this base name and shape: the one given before, else the
    /// first of `base`, `base2`, `base3`… not given out yet.
    pub(crate) fn name(&mut self, base: &str, shape: String) -> String {
        let key = (base.to_owned(), shape);
        if let Some(name) = self.names.get(&key) {
            return name.clone();
        }
        let name = self.take_free(base);
        self.names.insert(key, name.clone());
        name
    }

    /// The name of a type of this base name with these fields (name, type) for a source that
    /// may show one type in parts (a doc page whose rows were placed by guess): the first
    /// type of that base whose fields agree (every field both have has one type) — it gains
    /// the fields it lacked — else a new name as [`TypeNames::name`] gives.
    pub(crate) fn name_agreeing(&mut self, base: &str, fields: &[(String, String)]) -> String {
        let variants = self.agreeing.entry(base.to_owned()).or_default();
        for (name, known) in variants.iter_mut() {
            let agree = fields
                .iter()
                .all(|(f, t)| known.get(f).is_none_or(|k| k == t));
            if agree {
                for (f, t) in fields {
                    known.entry(f.clone()).or_insert_with(|| t.clone());
                }
                return name.clone();
            }
        }
        let name = self.take_free(base);
        let variants = self.agreeing.entry(base.to_owned()).or_default();
        variants.push((name.clone(), fields.iter().cloned().collect()));
        name
    }

    /// The first of `base`, `base2`, `base3`… not given out yet, now given out.
    fn take_free(&mut self, base: &str) -> String {
        let mut n = 1usize;
        loop {
            let candidate = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{n}")
            };
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// The name [`TypeNames::name`] gave the type of this base name and shape, if any.
    pub(crate) fn given(&self, base: &str, shape: String) -> Option<&str> {
        self.names
            .get(&(base.to_owned(), shape))
            .map(String::as_str)
    }
}
