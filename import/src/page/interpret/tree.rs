//! Trees: the rows of one side nested into objects, the nesting decided by the side's example
//! where the page's marks cannot tell, and the fields the example shows that the rows lack.

use super::oracle::{Oracle, Shape, normalized, shape_of};
use super::values::{guess_scalar, looks_plural, scalar_item};
use super::{Cx, Node, Origin, Side};
use crate::Place;
use crate::catalog::{derived_name, split_type};
use crate::page::{MAX_DEPTH, Row, Section, java, xml};
use heck::ToSnakeCase;
use std::collections::BTreeSet;

impl Node {
    /// A node of this origin with nothing known of it but its name, type and line.
    fn new(name: String, ty: String, line: usize, origin: Origin) -> Node {
        Node {
            name,
            ty,
            required: false,
            example: None,
            description: None,
            limits: Vec::new(),
            lone: false,
            line,
            depth: 0,
            origin,
            children: Vec::new(),
            notes: Vec::new(),
            type_notes: Vec::new(),
            inst: Vec::new(),
            values: Vec::new(),
            type_name: None,
        }
    }
}

impl<'a> Cx<'a> {
    fn new_node(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn row_node(row: &Row) -> Node {
        Node {
            required: row.required.unwrap_or(false),
            example: row.example.clone(),
            description: row.description.clone(),
            limits: row.limits.clone(),
            lone: row.lone_value,
            depth: row.depth,
            ..Node::new(
                row.name.trim().to_owned(),
                row.ty.trim().to_owned(),
                row.line,
                Origin::Row,
            )
        }
    }

    /// Sets a node's example instances from what the example shows under its parent.
    fn attach_instances(&mut self, node: usize, parent_inst: &[usize], oracle: Oracle<'a>) {
        let shape = shape_of(&self.nodes[node].ty);
        let found = oracle.field(parent_inst, &self.nodes[node].name, shape);
        let mut things = found.things;
        if things.is_empty() && matches!(shape, Shape::Object | Shape::ObjectList) {
            things = oracle.by_class(&split_type(&self.nodes[node].ty).0);
        }
        self.nodes[node].inst = things;
        self.nodes[node].values = found.values;
    }

    fn has_child(&self, node: usize, name: &str) -> bool {
        self.nodes[node]
            .children
            .iter()
            .any(|&c| self.nodes[c].name == name)
    }

    /// Builds one side's tree from its rows, the nesting decided by the side's example where
    /// the page's marks cannot tell, then adds what the example shows and the rows do not.
    pub(super) fn build(&mut self, rows: &[Row], side: Side) -> Vec<usize> {
        let oracle_kind = match side {
            Side::Request => self.java.is_some(),
            Side::Response => self.xml.is_some(),
        };
        let mut roots: Vec<usize> = Vec::new();
        // Open objects, outermost first; the object rows since the current root.
        let mut stack: Vec<usize> = Vec::new();
        let mut recent: Vec<usize> = Vec::new();
        let mut unconfirmed: Vec<(usize, usize)> = Vec::new();
        let root_inst = self.oracle(side).roots();
        for (i, row) in rows.iter().enumerate() {
            // The row the cut-off text stops in, before its type: its name may be cut too.
            let last_section = match side {
                Side::Request => Section::Request,
                Side::Response => Section::Response,
            };
            if i + 1 == rows.len()
                && row.ty.trim().is_empty()
                && self.page.cut_off.is_some()
                && self.page.sections.last() == Some(&last_section)
            {
                let message = format!(
                    "line {}: the row `{}` is cut off before its type (its name may be cut too); dropped",
                    row.line, row.name
                );
                self.warn(Place::Spec, message);
                continue;
            }
            let id = self.new_node(Self::row_node(row));
            let is_object = matches!(shape_of(&row.ty), Shape::Object | Shape::ObjectList);
            if row.depth == 0 || stack.is_empty() {
                if row.depth > 0 {
                    self.nodes[id].notes.push(format!(
                        "line {}: a nested row with no table row above it; taken as a top-level field",
                        row.line
                    ));
                }
                let oracle = self.oracle(side);
                self.attach_instances(id, &root_inst, oracle);
                roots.push(id);
                stack = vec![id];
                recent.clear();
                if !is_object {
                    stack.clear();
                }
                continue;
            }
            let root = stack[0];
            // The page's reading: the last object row drawn shallower, else the table row;
            // but an object row drawn with nothing below it holds the row that follows it at
            // its depth (the marks draw every object at one depth; an object has fields).
            let previous = recent.last().copied().filter(|&p| {
                self.nodes[p].children.is_empty()
                    && self.nodes[p].depth >= row.depth
                    && self.nodes.len() >= 2
                    && p == self.nodes.len() - 2
            });
            let literal = previous.unwrap_or_else(|| {
                recent
                    .iter()
                    .rev()
                    .copied()
                    .find(|&r| self.nodes[r].depth < row.depth)
                    .unwrap_or(root)
            });
            let oracle = self.oracle(side);
            let evidence = stack.iter().rev().copied().find(|&cand| {
                !self.has_child(cand, &row.name)
                    && !self.nodes[cand].inst.is_empty()
                    && oracle
                        .field(&self.nodes[cand].inst, &row.name, Shape::Scalar)
                        .present
            });
            let parent = match evidence {
                Some(p) => p,
                None => {
                    // The marks' parent if it is still open; else the innermost open object
                    // (a row cannot go back into an object the example already closed). A
                    // name repeated there is a duplicate, reported when converting.
                    let fallback = if stack.contains(&literal) {
                        literal
                    } else {
                        stack.last().copied().unwrap_or(literal)
                    };
                    if stack.len() > 1 {
                        unconfirmed.push((root, row.line));
                        // The place is a guess: say so at the row, not only at its root.
                        let evidence = if oracle_kind {
                            "the example does not show this field"
                        } else {
                            "no example shows the real tree"
                        };
                        let message = format!(
                            "line {}: placed in `{}` by the page's `└` marks, which draw every object at the same depth; {evidence}",
                            row.line, self.nodes[fallback].name
                        );
                        self.nodes[id].notes.push(message);
                    }
                    fallback
                }
            };
            if evidence.is_some() && parent != literal {
                let shown = oracle
                    .field(&self.nodes[parent].inst, &row.name, Shape::Scalar)
                    .line
                    .map(|l| match side {
                        Side::Request => self.java_line(l),
                        Side::Response => self.xml_line_of(l),
                    })
                    .unwrap_or(0);
                let message = format!(
                    "line {}: the page's `└` marks put `{}` in `{}`, but {} (line {shown}) shows it in `{}`; placed there",
                    row.line,
                    row.name,
                    self.nodes[literal].name,
                    oracle.kind(),
                    self.nodes[parent].name
                );
                self.nodes[id].notes.push(message);
            }
            if let Some(pos) = stack.iter().position(|&p| p == parent) {
                stack.truncate(pos + 1);
            } else {
                stack.push(parent);
            }
            self.nodes[parent].children.push(id);
            let parent_inst = self.nodes[parent].inst.clone();
            self.attach_instances(id, &parent_inst, oracle);
            if is_object {
                stack.push(id);
                recent.push(id);
            }
            // Deeper than any TOP page: stop here (the page is refused), so that building
            // stays linear and what walks the tree later stays within its stack.
            if stack.len() > MAX_DEPTH {
                self.too_deep = Some(format!(
                    "line {}: the rows are nested more than {MAX_DEPTH} deep",
                    row.line
                ));
                return roots;
            }
        }
        for &root in &roots {
            let lines: Vec<usize> = unconfirmed
                .iter()
                .filter(|(r, _)| *r == root)
                .map(|(_, l)| *l)
                .collect();
            if let Some(first) = lines.first() {
                let evidence = if oracle_kind {
                    "the example does not show these fields"
                } else {
                    "no example shows the real tree"
                };
                let message = format!(
                    "line {first}: the nesting of {} nested row{} below `{}` follows the page's `└` marks, which draw every object at the same depth; {evidence}",
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" },
                    self.nodes[root].name
                );
                self.nodes[root].notes.push(message);
            }
        }
        // What the example shows that the rows do not.
        let oracle = self.oracle(side);
        let extra = self.infer_children(&root_inst, &roots, oracle, side, None);
        roots.extend(extra);
        let mut order: Vec<usize> = roots.clone();
        while let Some(n) = order.pop() {
            if matches!(
                shape_of(&self.nodes[n].ty),
                Shape::Object | Shape::ObjectList
            ) {
                let inst = self.nodes[n].inst.clone();
                let children = self.nodes[n].children.clone();
                let extra = self.infer_children(&inst, &children, oracle, side, Some(n));
                self.nodes[n].children.extend(extra.iter().copied());
            }
            order.extend(self.nodes[n].children.iter().copied());
        }
        roots
    }

    /// Nodes for the fields the example shows under `inst` that `known` lacks.
    fn infer_children(
        &mut self,
        inst: &[usize],
        known: &[usize],
        oracle: Oracle<'a>,
        side: Side,
        owner: Option<usize>,
    ) -> Vec<usize> {
        if inst.is_empty() {
            return Vec::new();
        }
        let known: BTreeSet<String> = known
            .iter()
            .map(|&k| normalized(&self.nodes[k].name))
            .collect();
        let mut out = Vec::new();
        let mut inferred_here: Vec<String> = Vec::new();
        match oracle {
            Oracle::Xml(doc, _) => {
                let mut names: Vec<&str> = Vec::new();
                for &c in &doc.children_of(inst) {
                    let n = doc.elems[c].name.as_str();
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                for name in names {
                    if known.contains(&normalized(name)) {
                        continue;
                    }
                    let node = self.xml_node(doc, inst, name);
                    inferred_here.push(format!("{} {}", node.name, node.ty.replace(" []", "[]")));
                    out.push(self.new_node(node));
                }
            }
            Oracle::Java(ex, _) => {
                let mut seen = BTreeSet::new();
                for &o in inst {
                    for s in &ex.objects[o].setters {
                        let Some(node) = self.java_node(ex, s) else {
                            continue;
                        };
                        if known.contains(&normalized(&node.name))
                            || !seen.insert(normalized(&node.name))
                        {
                            continue;
                        }
                        inferred_here.push(format!(
                            "{} {}",
                            node.name,
                            node.ty.replace(" []", "[]")
                        ));
                        out.push(self.new_node(node));
                    }
                }
            }
            Oracle::None => {}
        }
        if out.is_empty() {
            return out;
        }
        let source = oracle.name();
        match owner {
            Some(o) => {
                let message = if self.nodes[o].origin != Origin::Row {
                    format!(
                        "not on the page; inferred from {source} with the fields: {}",
                        inferred_here.join(", ")
                    )
                } else if known.is_empty() {
                    format!(
                        "the page shows no fields; inferred from {source}: {}",
                        inferred_here.join(", ")
                    )
                } else {
                    format!(
                        "fields shown by {source} but not on the page, added: {}",
                        inferred_here.join(", ")
                    )
                };
                self.nodes[o].type_notes.push(message);
            }
            None => {
                for &n in &out {
                    let note = format!(
                        "line {}: `{}` is not on the page: inferred from {source} as {}{}",
                        self.nodes[n].line,
                        self.nodes[n].name,
                        self.nodes[n].ty.replace(" []", "[]"),
                        if side == Side::Request {
                            " (required unknown; imported as optional)"
                        } else {
                            ""
                        }
                    );
                    self.nodes[n].notes.push(note);
                }
            }
        }
        out
    }

    /// A node for the XML elements named `name` under `inst`: object, list or scalar.
    fn xml_node(&self, doc: &xml::Doc, inst: &[usize], name: &str) -> Node {
        let elems = doc.children_named(inst, name);
        let line = elems.first().map_or(0, |&e| self.xml_line(e));
        let has_children = elems.iter().any(|&e| !doc.elems[e].children.is_empty());
        let mut node = Node::new(name.to_owned(), String::new(), line, Origin::Xml);
        if !has_children {
            let values: Vec<String> = elems
                .iter()
                .filter(|&&e| doc.elems[e].closed)
                .map(|&e| doc.elems[e].text.clone())
                .collect();
            node.ty = guess_scalar(&values).to_owned();
            node.example = values.iter().find(|v| !v.is_empty()).cloned();
            node.values = values;
            return node;
        }
        let items = doc.children_of(&elems);
        let mut item_names: Vec<&str> = items.iter().map(|&i| doc.elems[i].name.as_str()).collect();
        item_names.dedup();
        let one_name = item_names.len() == 1
            && items
                .iter()
                .all(|&i| doc.elems[i].name == doc.elems[items[0]].name);
        let repeated = elems.iter().any(|&e| doc.elems[e].children.len() >= 2);
        let items_are_objects = items.iter().any(|&i| !doc.elems[i].children.is_empty());
        let item_name = item_names.first().copied().unwrap_or_default();
        let is_list = one_name
            && (repeated
                || scalar_item(item_name).is_some()
                || (items_are_objects && looks_plural(name)));
        if is_list && items_are_objects {
            node.ty = format!("{} []", derived_name(item_name));
            node.inst = items;
        } else if is_list {
            let values: Vec<String> = items.iter().map(|&i| doc.elems[i].text.clone()).collect();
            let item_ty = scalar_item(item_name).unwrap_or_else(|| guess_scalar(&values));
            node.ty = format!("{item_ty} []");
            node.values = values;
        } else {
            node.ty = derived_name(name);
            node.inst = elems;
        }
        node
    }

    /// A node for a Java setter call.
    fn java_node(&self, ex: &java::Example, s: &java::Setter) -> Option<Node> {
        let mut name = s.name.to_snake_case();
        let mut ty = match &s.value {
            java::Value::Str(_) | java::Value::Decimal(_) | java::Value::Other(_) => {
                "String".into()
            }
            java::Value::Int(_) => "Number".into(),
            java::Value::Bool(_) => "Boolean".into(),
            java::Value::Date(_) => "Date".into(),
            java::Value::File => "byte[]".into(),
            java::Value::Object(i) => ex.objects[*i].class.clone(),
            java::Value::List(items) => {
                format!("{} []", ex.objects[*items.first()?].class)
            }
        };
        // The SDK's `setFooString(json)` sets the Json param `foo`.
        if let (Some(base), java::Value::Str(v)) = (s.name.strip_suffix("String"), &s.value)
            && v.trim_start().starts_with(['{', '['])
        {
            name = base.to_snake_case();
            ty = "Json".into();
        }
        let (inst, values) = match &s.value {
            java::Value::Object(i) => (vec![*i], Vec::new()),
            java::Value::List(items) => (items.clone(), Vec::new()),
            v => (
                Vec::new(),
                v.as_example().map(str::to_owned).into_iter().collect(),
            ),
        };
        Some(Node {
            example: values.first().cloned(),
            inst,
            values,
            ..Node::new(name, ty, self.java_line(s.line), Origin::Java)
        })
    }
}
