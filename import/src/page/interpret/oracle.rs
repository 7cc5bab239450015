//! The examples as evidence about a side's tree: which fields an instance has, and with
//! which values.

use crate::catalog::{java_alias, split_type};
use crate::page::{java, xml};
use topgen_spec::model::Scalar;

/// What shape a type string has, for walking the examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Scalar,
    ScalarList,
    Object,
    ObjectList,
}

pub(super) fn shape_of(ty: &str) -> Shape {
    let (base, depth) = split_type(ty);
    let scalar = base.is_empty()
        || base == "byte"
        || Scalar::from_top(&base).is_some()
        || java_alias(&base).is_some();
    match (scalar, depth) {
        (true, 0) => Shape::Scalar,
        (true, _) => Shape::ScalarList,
        (false, 0) => Shape::Object,
        (false, _) => Shape::ObjectList,
    }
}

/// The examples' evidence about one side's tree.
#[derive(Clone, Copy)]
pub(super) enum Oracle<'a> {
    Xml(&'a xml::Doc, usize),
    Java(&'a java::Example, usize),
    None,
}

/// What an example shows for one field of some instances.
#[derive(Default)]
pub(super) struct Found {
    /// XML elements, or Java objects (the items, for a list of objects).
    pub(super) things: Vec<usize>,
    /// Scalar values.
    pub(super) values: Vec<String>,
    /// Whether the field appears at all.
    pub(super) present: bool,
    /// The example's own line (1-based, in the example) of the first place it appears.
    pub(super) line: Option<usize>,
}

/// `requestId`, `request_id`, `RequestIdString` all compare as `requestid(string)`.
pub(super) fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Oracle<'_> {
    pub(super) fn name(&self) -> String {
        match self {
            Oracle::Xml(_, line) => format!("the XML response example (line {line})"),
            Oracle::Java(_, line) => format!("the Java request example (line {line})"),
            Oracle::None => "no example".into(),
        }
    }

    pub(super) fn kind(&self) -> &'static str {
        match self {
            Oracle::Xml(..) => "the XML response example",
            Oracle::Java(..) => "the Java request example",
            Oracle::None => "no example",
        }
    }

    pub(super) fn roots(&self) -> Vec<usize> {
        match self {
            Oracle::Xml(doc, _) => doc.root.into_iter().collect(),
            Oracle::Java(..) => vec![0],
            Oracle::None => Vec::new(),
        }
    }

    /// What the example shows for field `name` (of shape `shape`) of the instances `of`.
    pub(super) fn field(&self, of: &[usize], name: &str, shape: Shape) -> Found {
        let mut found = Found::default();
        match self {
            Oracle::Xml(doc, _) => {
                let elems = doc.children_named(of, name);
                found.present = !elems.is_empty();
                found.line = elems.first().map(|&e| doc.elems[e].line);
                match shape {
                    Shape::Object => found.things = elems,
                    Shape::ObjectList => found.things = doc.children_of(&elems),
                    Shape::Scalar => {
                        found.values = elems.iter().map(|&e| doc.elems[e].text.clone()).collect();
                    }
                    Shape::ScalarList => {
                        found.values = doc
                            .children_of(&elems)
                            .iter()
                            .map(|&e| doc.elems[e].text.clone())
                            .collect();
                    }
                }
            }
            Oracle::Java(ex, _) => {
                let want = normalized(name);
                for &o in of {
                    for s in &ex.objects[o].setters {
                        let got = normalized(&s.name);
                        if got != want && got != format!("{want}string") {
                            continue;
                        }
                        found.present = true;
                        found.line.get_or_insert(s.line);
                        match &s.value {
                            java::Value::Object(i) => found.things.push(*i),
                            java::Value::List(items) => found.things.extend(items),
                            v => found.values.extend(v.as_example().map(str::to_owned)),
                        }
                    }
                }
            }
            Oracle::None => {}
        }
        found
    }

    /// Instances of an object type the example builds but never attaches (a cut-off Java
    /// example): by class name.
    pub(super) fn by_class(&self, class: &str) -> Vec<usize> {
        match self {
            Oracle::Java(ex, _) => (1..ex.objects.len())
                .filter(|&i| ex.objects[i].class == class)
                .collect(),
            _ => Vec::new(),
        }
    }
}
