//! Fields: the tree converted into spec fields and object types, with the catalog
//! importer's repairs: types, limits, defaults, examples and descriptions.

use super::naming::Converter;
use super::values::{fits, is_prose};
use super::{Cx, Origin};
use crate::Place;
use crate::catalog::{
    Limit, ObjectOf, ScalarRepair, bad_field_name, limit_applies, object_of, scalar_type,
};
use std::collections::BTreeMap;
use topgen_spec::model::{Scalar, looks_secret};
use topgen_spec::spec::{Field, TypeDef};

/// Where a converted field list goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Owner {
    Request,
    Response,
    Type(String),
}

impl Owner {
    pub(super) fn place(&self, field: &str) -> Place {
        match self {
            Owner::Request => Place::Request(field.to_owned()),
            Owner::Response => Place::Response(field.to_owned()),
            Owner::Type(t) => Place::TypeField(t.clone(), field.to_owned()),
        }
    }
}

impl Cx<'_> {
    pub(super) fn object(&self, node: usize) -> Option<ObjectOf> {
        let n = &self.nodes[node];
        object_of(&n.ty, &n.name, !n.children.is_empty())
    }

    pub(super) fn fields(
        &mut self,
        ids: &[usize],
        owner: &Owner,
        conv: &mut Converter,
    ) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for &id in ids {
            let name = self.nodes[id].name.clone();
            let line = self.nodes[id].line;
            if name.is_empty() {
                self.warn(
                    owner.place(""),
                    format!("line {line}: a row without a name dropped"),
                );
                continue;
            }
            if let Some(why) = bad_field_name(&name) {
                self.warn(owner.place(&name), format!("line {line}: {why}"));
                continue;
            }
            if let Some(first) = seen.get(&name) {
                self.warn(
                    owner.place(&name),
                    format!(
                        "line {line}: duplicate field {name:?} (first at line {first}): the first definition is kept"
                    ),
                );
                continue;
            }
            seen.insert(name.clone(), line);
            let field = self.field(id, owner, conv);
            out.push(field);
        }
        out
    }

    /// Adds to the already defined type `type_name` the fields that this other showing of it
    /// (node `id`, whose fields agree with it) has and it lacks, each with a warning.
    fn merge_fields(&mut self, id: usize, type_name: &str, conv: &mut Converter) {
        let known = |conv: &Converter, name: &str| {
            conv.types
                .iter()
                .find(|(t, _)| t == type_name)
                .is_some_and(|(_, d)| d.fields.iter().any(|f| f.name == name))
        };
        let new: Vec<usize> = self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(|&c| !known(conv, &self.nodes[c].name))
            .collect();
        if new.is_empty() {
            return;
        }
        let line = self.nodes[id].line;
        let owner = Owner::Type(type_name.to_owned());
        let added = self.fields(&new, &owner, conv);
        for f in &added {
            self.warn(
                owner.place(&f.name),
                format!(
                    "line {line}: type {type_name:?} is shown again here with field `{}`, which it lacked where first shown; the fields agree, so it is one type with both",
                    f.name
                ),
            );
        }
        if let Some((_, def)) = conv.types.iter_mut().find(|(t, _)| t == type_name) {
            def.fields.extend(added);
        }
    }

    fn field(&mut self, id: usize, owner: &Owner, conv: &mut Converter) -> Field {
        let name = self.nodes[id].name.clone();
        let line = self.nodes[id].line;
        let place = owner.place(&name);
        for note in std::mem::take(&mut self.nodes[id].notes) {
            self.warn(place.clone(), note);
        }
        let raw_ty = self.nodes[id].ty.clone();
        let ty = match self.object(id) {
            Some(object) => {
                let type_name = self.nodes[id]
                    .type_name
                    .clone()
                    .unwrap_or_else(|| object.base.clone());
                if object.derived {
                    let why = object.derived_why(&raw_ty, &type_name);
                    self.warn(place.clone(), format!("line {line}: {why}"));
                }
                if !conv.types.iter().any(|(t, _)| *t == type_name) {
                    if type_name != object.base {
                        self.warn(
                            Place::Type(type_name.clone()),
                            format!(
                                "line {line}: type {:?} is defined again with other fields; this one is named {type_name:?}",
                                object.base
                            ),
                        );
                    }
                    for note in std::mem::take(&mut self.nodes[id].type_notes) {
                        self.warn(
                            Place::Type(type_name.clone()),
                            format!("line {line}: {note}"),
                        );
                    }
                    // Reserve the slot so the type comes before the types of its fields.
                    let slot = conv.types.len();
                    conv.types.push((
                        type_name.clone(),
                        TypeDef {
                            description: self.nodes[id].description.clone(),
                            fields: Vec::new(),
                        },
                    ));
                    let children = self.nodes[id].children.clone();
                    let fields = self.fields(&children, &Owner::Type(type_name.clone()), conv);
                    conv.types[slot].1.fields = fields;
                } else {
                    self.merge_fields(id, &type_name, conv);
                }
                if object.list {
                    format!("{type_name}[]")
                } else {
                    type_name
                }
            }
            None => {
                if !self.nodes[id].children.is_empty() {
                    self.warn(
                        place.clone(),
                        format!(
                            "line {line}: the fields shown under scalar type {raw_ty:?} are ignored"
                        ),
                    );
                }
                let (ty, repair) = scalar_type(&raw_ty, *owner == Owner::Request);
                if let Some(repair) = repair {
                    let message = match &repair {
                        ScalarRepair::NoFields { base } => format!(
                            "type {base:?} shows no fields (the page's tree is collapsed or cut off, and no example shows them); imported as Json"
                        ),
                        other => other.to_string(),
                    };
                    self.warn(place.clone(), format!("line {line}: {message}"));
                }
                ty
            }
        };
        let (example, description) = self.example_and_description(id, &ty, &place);
        let mut field = Field {
            required: self.nodes[id].required,
            example,
            description,
            ..Field::new(name.clone(), ty)
        };
        self.limits(id, &mut field, &place);
        if field.ty == "String" && looks_secret(&field.name) {
            field.sensitive = Some(true);
        }
        field
    }

    /// The example and description cells, repaired: a lone value placed, swapped cells
    /// swapped back, `null` and wrong-typed examples dropped.
    fn example_and_description(
        &mut self,
        id: usize,
        ty: &str,
        place: &Place,
    ) -> (Option<String>, Option<String>) {
        let node = &self.nodes[id];
        let line = node.line;
        let origin = node.origin;
        let mut example = node.example.clone().filter(|e| !e.trim().is_empty());
        let mut description = node.description.clone().filter(|d| !d.trim().is_empty());
        let scalar = Scalar::from_top(ty);
        if node.lone
            && let Some(value) = description.clone()
        {
            let shown = node.values.contains(&value);
            let typed = scalar.is_some_and(|s| s != Scalar::String && s != Scalar::Json)
                && fits(&value, ty);
            if shown || typed {
                example = Some(value);
                description = None;
            }
        }
        if let (Some(e), Some(d)) = (&example, &description)
            && is_prose(e)
            && !is_prose(d)
            && !d.contains(char::is_whitespace)
            && scalar.is_some()
            && fits(d, ty)
        {
            let message = format!(
                "line {line}: example {e:?} and description {d:?} look swapped; swapped back"
            );
            self.warn(place.clone(), message);
            std::mem::swap(&mut example, &mut description);
        }
        if let Some(e) = example.clone() {
            if e.trim().eq_ignore_ascii_case("null") {
                self.warn(
                    place.clone(),
                    format!("line {line}: example `null` dropped"),
                );
                example = None;
            } else if scalar.is_some() && !fits(&e, ty) {
                let from = if origin == Origin::Row {
                    ""
                } else {
                    " (taken from the example)"
                };
                self.warn(
                    place.clone(),
                    format!(
                        "line {line}: example {e:?}{from} is not a {ty}; dropped (the page's type may be wrong)"
                    ),
                );
                example = None;
            }
        }
        (example, description)
    }

    /// 更多限制: limits that apply to the field's type, and the default.
    fn limits(&mut self, id: usize, f: &mut Field, place: &Place) {
        let line = self.nodes[id].line;
        for (label, value) in self.nodes[id].limits.clone() {
            let v = value.trim();
            let (limit, parsed) = match label.as_str() {
                "默认值" => {
                    f.default = (!v.is_empty()).then(|| v.to_owned());
                    continue;
                }
                "最大长度" => (Limit::Length, v.parse::<u64>().ok().map(i128::from)),
                "最大列表长度" => (Limit::ListSize, v.parse::<u64>().ok().map(i128::from)),
                // 最小值 is checked like 最大值: both apply to the numeric types.
                "最大值" | "最小值" => (Limit::Value, v.parse::<i64>().ok().map(i128::from)),
                _ => {
                    self.warn(
                        place.clone(),
                        format!("line {line}: unknown 更多限制 entry {label}:{v} dropped"),
                    );
                    continue;
                }
            };
            let Some(n) = parsed else {
                self.warn(
                    place.clone(),
                    format!("line {line}: {label} {v:?} is not a whole number in range; dropped"),
                );
                continue;
            };
            if !limit_applies(limit, &f.ty) {
                self.warn(
                    place.clone(),
                    format!(
                        "line {line}: {label} {n} does not apply to type {}; dropped",
                        f.ty
                    ),
                );
                continue;
            }
            // The parses above guarantee the ranges.
            match label.as_str() {
                "最大长度" => f.max_length = u64::try_from(n).ok(),
                "最大列表长度" => f.max_list_size = u64::try_from(n).ok(),
                "最大值" => f.max_value = i64::try_from(n).ok(),
                _ => f.min_value = i64::try_from(n).ok(),
            }
        }
        if let (Some(min), Some(max)) = (f.min_value, f.max_value)
            && min > max
        {
            self.warn(
                place.clone(),
                format!("line {line}: 最小值 {min} is greater than 最大值 {max}; both dropped"),
            );
            f.min_value = None;
            f.max_value = None;
        }
    }
}
