//! The one interpreter of doc pages: a [`DocPage`] (what the page says) → an [`Imported`]
//! spec (what it means), whichever reader produced the page.
//!
//! - **Name**: the title line's, else the Java example's request class
//!   (`AlibabaIotDeviceCorpusGetRequest` → `alibaba.iot.device.corpus.get`; TOP drops a
//!   leading `Taobao`), else the XML example's root (`…_response`). The sources are
//!   cross-checked; a name that is not the title line's is a guess.
//! - **Trees**: the page draws every nested object row at the same depth, so its `└` marks
//!   cannot say whether a row belongs to the object just above it or to an outer one. The
//!   examples can: the XML response example for the response, the Java request example (its
//!   `objN.setX(…)` calls) for the request. Each row goes into the innermost open object the
//!   example shows it in; without example evidence the marks are taken literally. Objects the
//!   page shows without fields (the pipe rendering collapses trees) get their fields from the
//!   examples: element names → fields, wrapped or repeated elements → lists, values → scalar
//!   type guesses.
//! - **Repairs**, the catalog importer's rules where they apply ([`crate::catalog`]):
//!   `X []` → `X[]`; `byte` → Number; `byte[]` below the top level → String; unknown or
//!   fieldless types → Json; the same type name with other fields → `Foo2`; duplicate fields
//!   keep the first; names that cannot become identifiers are dropped; limits that do not
//!   apply to the type are dropped. Page-specific: a lone value is the example when the
//!   examples or the type show it; swapped example / description cells are swapped back;
//!   `null` and wrong-typed examples are dropped.
//! - **Examples**: the Java, XML and JSON examples as on the page (cut-off ones are not kept);
//!   the JSON ones the text lacks are derived from the XML ones and the typed tree, in TOP's
//!   JSON shape (`{"<name>_response": {…}}`, typed numbers and booleans, lists wrapped as
//!   `{"<item>": […]}`).
//!
//! Every repair and guess is a [`Warning`] at the most precise [`Place`], naming the source
//! line. Only an unusable page (no API name anywhere) is an error.

use super::{DocPage, Rendering, Row, Section, java, json::Json, xml};
use crate::catalog::{
    Limit, ObjectOf, ScalarRepair, derived_name, java_alias, limit_applies, object_of, order_types,
    scalar_type, split_type,
};
use crate::{Imported, Place, Warning};
use heck::ToSnakeCase;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use topgen_spec::Error;
use topgen_spec::model::{Scalar, looks_secret, response_key};
use topgen_spec::sanitize;
use topgen_spec::spec::{Examples, Field, Spec, TypeDef};

/// Interprets a doc page. `path` is only used in errors. Fails only when the page gives no
/// API name at all (no title line, no Java request example, no XML or JSON response example).
pub fn interpret(path: &Path, page: &DocPage) -> Result<Imported, Error> {
    let xml_doc = page.response_xml.as_deref().map(xml::parse);
    let java_ex = page.request_example.as_deref().and_then(java::read);
    let mut cx = Cx {
        page,
        warnings: Vec::new(),
        nodes: Vec::new(),
        xml: xml_doc.as_ref(),
        java: java_ex.as_ref(),
    };
    let name = cx.api_name(path)?;
    cx.page_warnings();
    let request_roots = cx.build(&page.request, Side::Request);
    let response_roots = cx.build(&page.response, Side::Response);
    let mut conv = Converter::default();
    cx.name_types(&request_roots, &mut conv);
    cx.name_types(&response_roots, &mut conv);
    let request = cx.fields(&request_roots, &Owner::Request, &mut conv);
    let response = cx.fields(&response_roots, &Owner::Response, &mut conv);
    let types = order_types(conv.types, &request, &response);
    let needs_session = match cx.java.and_then(|j| j.session) {
        Some(session) => session,
        None => {
            cx.warn(
                Place::Spec,
                format!(
                    "{}needs_session assumed false: no whole Java request example shows whether \
                     the call passes a session (`client.execute(req, sessionKey)`)",
                    cx.prefix(Section::RequestExample)
                ),
            );
            false
        }
    };
    let mut spec = Spec {
        name,
        title: page.title.clone(),
        description: page.description.clone(),
        needs_session,
        request,
        response,
        types,
        examples: Examples::default(),
    };
    spec.examples = cx.examples(&spec);
    // Code blocks end with one newline, whichever reader the page came through.
    let e = &mut spec.examples;
    for code in [
        &mut e.request,
        &mut e.response_xml,
        &mut e.response_json,
        &mut e.error_xml,
        &mut e.error_json,
    ]
    .into_iter()
    .flatten()
    {
        let end = code.trim_end().len();
        code.truncate(end);
        code.push('\n');
    }
    // An example that does not fit the spec built from the same page means the page is wrong
    // somewhere: say where, rather than let the generated example test find it later.
    // Examples already reported by the reader (not TOP's reply shape…) are not reported twice.
    let mut warnings = cx.warnings;
    let known: Vec<Place> = warnings
        .iter()
        .filter(|w| matches!(w.place, Place::Example(_)))
        .map(|w| w.place.clone())
        .collect();
    warnings.extend(
        crate::example_check::check_examples(path, &spec)
            .into_iter()
            .filter(|w| !known.contains(&w.place)),
    );
    Ok(Imported { spec, warnings })
}

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Where a node came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Row,
    Xml,
    Java,
}

/// A field of the tree being built: a page row, or a field an example shows.
#[derive(Debug, Clone)]
struct Node {
    name: String,
    /// The type as the page writes it, or as inferred (`String`, `Foo []`).
    ty: String,
    required: bool,
    example: Option<String>,
    description: Option<String>,
    limits: Vec<(String, String)>,
    lone: bool,
    /// Source line (the row's, or the example element's).
    line: usize,
    /// The page's depth (rows only).
    depth: u32,
    origin: Origin,
    children: Vec<usize>,
    /// Warnings about the field, placed when the field's place is known.
    notes: Vec<String>,
    /// Warnings about the object type the node defines.
    type_notes: Vec<String>,
    /// The example's instances of this object (XML elements or Java objects) whose children
    /// are this node's fields.
    inst: Vec<usize>,
    /// Scalar values the example shows for this field.
    values: Vec<String>,
    /// The spec type name given to this node's object type.
    type_name: Option<String>,
}

/// What shape a type string has, for walking the examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    ScalarList,
    Object,
    ObjectList,
}

fn shape_of(ty: &str) -> Shape {
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
enum Oracle<'a> {
    Xml(&'a xml::Doc, usize),
    Java(&'a java::Example, usize),
    None,
}

/// What an example shows for one field of some instances.
#[derive(Default)]
struct Found {
    /// XML elements, or Java objects (the items, for a list of objects).
    things: Vec<usize>,
    /// Scalar values.
    values: Vec<String>,
    /// Whether the field appears at all.
    present: bool,
    /// The example's own line (1-based, in the example) of the first place it appears.
    line: Option<usize>,
}

/// `requestId`, `request_id`, `RequestIdString` all compare as `requestid(string)`.
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Oracle<'_> {
    fn name(&self) -> String {
        match self {
            Oracle::Xml(_, line) => format!("the XML response example (line {line})"),
            Oracle::Java(_, line) => format!("the Java request example (line {line})"),
            Oracle::None => "no example".into(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Oracle::Xml(..) => "the XML response example",
            Oracle::Java(..) => "the Java request example",
            Oracle::None => "no example",
        }
    }

    fn roots(&self) -> Vec<usize> {
        match self {
            Oracle::Xml(doc, _) => doc.root.into_iter().collect(),
            Oracle::Java(..) => vec![0],
            Oracle::None => Vec::new(),
        }
    }

    /// What the example shows for field `name` (of shape `shape`) of the instances `of`.
    fn field(&self, of: &[usize], name: &str, shape: Shape) -> Found {
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
    fn by_class(&self, class: &str) -> Vec<usize> {
        match self {
            Oracle::Java(ex, _) => (1..ex.objects.len())
                .filter(|&i| ex.objects[i].class == class)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Where a converted field list goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Request,
    Response,
    Type(String),
}

impl Owner {
    fn place(&self, field: &str) -> Place {
        match self {
            Owner::Request => Place::Request(field.to_owned()),
            Owner::Response => Place::Response(field.to_owned()),
            Owner::Type(t) => Place::TypeField(t.clone(), field.to_owned()),
        }
    }
}

/// The object types being named and defined.
#[derive(Default)]
struct Converter {
    types: Vec<(String, TypeDef)>,
    /// (base name, shape) → type name.
    names: BTreeMap<(String, String), String>,
    taken: BTreeSet<String>,
}

struct Cx<'a> {
    page: &'a DocPage,
    warnings: Vec<Warning>,
    nodes: Vec<Node>,
    /// The XML response example, read (also when cut off).
    xml: Option<&'a xml::Doc>,
    /// The Java request example, read (also when cut off).
    java: Option<&'a java::Example>,
}

/// The platforms whose API names keep their first word in class names and XML roots; any
/// other first word means the name starts with `taobao.`, which TOP drops there.
const PLATFORMS: &[&str] = &[
    "alibaba",
    "tmall",
    "alitrip",
    "yunos",
    "cainiao",
    "aliexpress",
    "aliyun",
    "youku",
    "xiami",
    "alipay",
    "qimen",
    "taobao",
];

/// `AlibabaIotDeviceCorpusGetRequest` → `alibaba.iot.device.corpus.get`;
/// `TradeMemoAddRequest` → `taobao.trade.memo.add`.
fn name_from_class(class: &str) -> Option<String> {
    let base = class.strip_suffix("Request")?;
    let mut words: Vec<String> = Vec::new();
    for c in base.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(c.to_ascii_lowercase().to_string());
        } else if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
    }
    with_platform(words)
}

/// `alibaba_iot_device_corpus_get_response` → `alibaba.iot.device.corpus.get`.
fn name_from_root(root: &str) -> Option<String> {
    let base = root.strip_suffix("_response")?;
    if base.is_empty() || base == "error" {
        return None;
    }
    with_platform(base.split('_').map(str::to_owned).collect())
}

fn with_platform(words: Vec<String>) -> Option<String> {
    if words.is_empty()
        || words
            .iter()
            .any(|w| w.is_empty() || !w.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return None;
    }
    let joined = words.join(".");
    Some(if PLATFORMS.contains(&words[0].as_str()) {
        joined
    } else {
        format!("taobao.{joined}")
    })
}

/// Two API names TOP would send under the same response key (`wdk.a.b` and
/// `taobao.wdk.a.b`), ignoring how words are split.
fn same_api(a: &str, b: &str) -> bool {
    let key = |n: &str| response_key(n).replace(['_', '.'], "");
    key(a) == key(b)
}

impl<'a> Cx<'a> {
    fn warn(&mut self, place: Place, message: String) {
        self.warnings.push(Warning { place, message });
    }

    /// `line N` of a section, or where it would be.
    fn at(&self, section: Section) -> String {
        match self.page.section_lines.get(&section) {
            Some(line) => format!("line {line}"),
            None => "the page".into(),
        }
    }

    /// `line N: ` of a section, or nothing when the page lacks it.
    fn prefix(&self, section: Section) -> String {
        match self.page.section_lines.get(&section) {
            Some(line) => format!("line {line}: "),
            None => String::new(),
        }
    }

    fn section_line(&self, section: Section) -> usize {
        self.page.section_lines.get(&section).copied().unwrap_or(0)
    }

    fn xml_oracle(&self) -> Oracle<'a> {
        match self.xml {
            Some(doc) if doc.root.is_some() => {
                Oracle::Xml(doc, self.section_line(Section::ResponseExample))
            }
            _ => Oracle::None,
        }
    }

    fn java_oracle(&self) -> Oracle<'a> {
        match self.java {
            Some(ex) => Oracle::Java(ex, self.section_line(Section::RequestExample)),
            None => Oracle::None,
        }
    }

    fn oracle(&self, side: Side) -> Oracle<'a> {
        match side {
            Side::Request => self.java_oracle(),
            Side::Response => self.xml_oracle(),
        }
    }

    /// The page line of an XML element of the response example.
    fn xml_line(&self, elem: usize) -> usize {
        match self.xml {
            Some(doc) => self.xml_line_of(doc.elems[elem].line),
            None => self.section_line(Section::ResponseExample),
        }
    }

    /// The page line of a line of the XML response example (one-line pipe examples: their
    /// line).
    fn xml_line_of(&self, line: usize) -> usize {
        let start = self.section_line(Section::ResponseExample);
        match self.page.rendering {
            Rendering::Bullet => start + line.saturating_sub(1),
            _ => start,
        }
    }

    fn java_line(&self, line: usize) -> usize {
        let start = self.section_line(Section::RequestExample);
        match self.page.rendering {
            Rendering::Bullet => start + line.saturating_sub(1),
            _ => start,
        }
    }

    // -----------------------------------------------------------------------------------
    // Name

    fn api_name(&mut self, path: &Path) -> Result<String, Error> {
        let mut candidates: Vec<(String, String)> = Vec::new();
        if let Some(name) = &self.page.name {
            candidates.push((
                name.clone(),
                format!("the title line ({})", self.at(Section::Header)),
            ));
        }
        if let Some((class, line)) = self.java.and_then(|j| j.request_class.clone())
            && let Some(name) = name_from_class(&class)
        {
            candidates.push((
                name,
                format!(
                    "the Java example's request class `{class}` (line {})",
                    self.java_line(line)
                ),
            ));
        }
        if let Some(root) = self.xml.and_then(|d| d.root_name())
            && let Some(name) = name_from_root(root)
        {
            candidates.push((
                name,
                format!(
                    "the XML example's root `<{root}>` ({})",
                    self.at(Section::ResponseExample)
                ),
            ));
        }
        if let Some(key) = self
            .page
            .response_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| {
                v.as_object()?
                    .keys()
                    .find(|k| k.ends_with("_response"))
                    .cloned()
            })
            && let Some(name) = name_from_root(&key)
        {
            candidates.push((
                name,
                format!(
                    "the JSON example's key `{key}` ({})",
                    self.at(Section::ResponseExample)
                ),
            ));
        }
        let Some((name, source)) = candidates.first().cloned() else {
            return Err(Error::Invalid {
                path: path.to_owned(),
                field: "name".into(),
                message: "no API name: the page has no title line (`api.name (中文名)`), no \
                          Java request example and no XML or JSON response example to take it \
                          from"
                    .into(),
            });
        };
        let agree: Vec<&str> = candidates[1..]
            .iter()
            .filter(|(n, _)| same_api(n, &name))
            .map(|(_, s)| s.as_str())
            .collect();
        if self.page.name.is_none() {
            let mut message = format!("no title line: API name `{name}` guessed from {source}");
            if !agree.is_empty() {
                message.push_str(&format!(", matching {}", agree.join(" and ")));
            }
            message.push_str("; no title (Chinese name)");
            self.warn(Place::Spec, message);
        }
        for (other, other_source) in candidates[1..].iter().filter(|(n, _)| !same_api(n, &name)) {
            self.warn(
                Place::Spec,
                format!(
                    "{other_source} is for `{other}`, not `{name}` from {source}; `{name}` kept"
                ),
            );
        }
        Ok(name)
    }

    /// What the page as a whole lacks.
    fn page_warnings(&mut self) {
        if let Some(line) = self.page.cut_off {
            let mut message = format!("line {line}: the page text stops here (cut off");
            if let Some(last) = self.page.sections.last() {
                message.push_str(&format!(" in its {}", section_name(*last)));
            }
            message.push_str("); everything after it is missing");
            let last_row = match self.page.sections.last() {
                Some(Section::Request) => self.page.request.last(),
                Some(Section::Response) => self.page.response.last(),
                _ => None,
            };
            if let Some(row) = last_row.filter(|r| !r.ty.trim().is_empty()) {
                message.push_str(&format!(
                    ", and its last row `{}` (line {}) may be incomplete",
                    row.name, row.line
                ));
            }
            self.warn(Place::Spec, message);
        }
        if !self.page.sections.contains(&Section::Request) {
            let inferred = self.java.is_some_and(|j| !j.objects[0].setters.is_empty());
            self.warn(
                Place::Spec,
                format!(
                    "the page has no 请求参数 table{}",
                    if inferred {
                        "; the request params are taken from the Java request example"
                    } else {
                        ""
                    }
                ),
            );
        }
        if !self.page.sections.contains(&Section::Response) {
            self.warn(Place::Spec, "the page has no 响应参数 table".into());
        }
    }

    // -----------------------------------------------------------------------------------
    // Trees

    fn new_node(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn row_node(row: &Row) -> Node {
        Node {
            name: row.name.trim().to_owned(),
            ty: row.ty.trim().to_owned(),
            required: row.required.unwrap_or(false),
            example: row.example.clone(),
            description: row.description.clone(),
            limits: row.limits.clone(),
            lone: row.lone_value,
            line: row.line,
            depth: row.depth,
            origin: Origin::Row,
            children: Vec::new(),
            notes: Vec::new(),
            type_notes: Vec::new(),
            inst: Vec::new(),
            values: Vec::new(),
            type_name: None,
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
    fn build(&mut self, rows: &[Row], side: Side) -> Vec<usize> {
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
        let mut node = Node {
            name: name.to_owned(),
            ty: String::new(),
            required: false,
            example: None,
            description: None,
            limits: Vec::new(),
            lone: false,
            line,
            depth: 0,
            origin: Origin::Xml,
            children: Vec::new(),
            notes: Vec::new(),
            type_notes: Vec::new(),
            inst: Vec::new(),
            values: Vec::new(),
            type_name: None,
        };
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
            name,
            ty,
            required: false,
            example: values.first().cloned(),
            description: None,
            limits: Vec::new(),
            lone: false,
            line: self.java_line(s.line),
            depth: 0,
            origin: Origin::Java,
            children: Vec::new(),
            notes: Vec::new(),
            type_notes: Vec::new(),
            inst,
            values,
            type_name: None,
        })
    }

    // -----------------------------------------------------------------------------------
    // Conversion

    fn object(&self, node: usize) -> Option<ObjectOf> {
        let n = &self.nodes[node];
        object_of(&n.ty, &n.name, !n.children.is_empty())
    }

    /// The structure below a node (names, types, nesting), to tell types of one name apart.
    fn shape_key(&self, node: usize) -> String {
        let mut out = String::new();
        for &c in &self.nodes[node].children {
            out.push_str(&self.nodes[c].name);
            out.push(':');
            out.push_str(&split_type(&self.nodes[c].ty).0);
            if !self.nodes[c].children.is_empty() {
                out.push('{');
                out.push_str(&self.shape_key(c));
                out.push('}');
            }
            out.push(';');
        }
        out
    }

    /// Names every object type in document order: the first shape of a name keeps it, later
    /// different shapes get `Foo2`, `Foo3`… (the catalog importer's rule).
    fn name_types(&mut self, ids: &[usize], conv: &mut Converter) {
        for &id in ids {
            if let Some(object) = self.object(id) {
                let key = (object.base.clone(), self.shape_key(id));
                let name = match conv.names.get(&key) {
                    Some(name) => name.clone(),
                    None => {
                        let name = (1usize..)
                            .map(|n| {
                                if n == 1 {
                                    object.base.clone()
                                } else {
                                    format!("{}{n}", object.base)
                                }
                            })
                            .find(|c| conv.taken.insert(c.clone()))
                            .unwrap_or_else(|| object.base.clone());
                        conv.names.insert(key, name.clone());
                        name
                    }
                };
                self.nodes[id].type_name = Some(name);
            }
            let children = self.nodes[id].children.clone();
            self.name_types(&children, conv);
        }
    }

    fn fields(&mut self, ids: &[usize], owner: &Owner, conv: &mut Converter) -> Vec<Field> {
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
            if sanitize::snake(&name).is_err() {
                self.warn(
                    owner.place(&name),
                    format!(
                        "line {line}: field {name:?} dropped: its name cannot become a Rust identifier"
                    ),
                );
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
                    self.warn(
                        place.clone(),
                        format!(
                            "line {line}: type {raw_ty:?} has fields; imported as object type {type_name:?}"
                        ),
                    );
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

    // -----------------------------------------------------------------------------------
    // Examples

    fn examples(&mut self, spec: &Spec) -> Examples {
        let mut ex = Examples::default();
        let key = response_key(&spec.name);
        // The Java request example.
        let request_at = self.at(Section::RequestExample);
        match (&self.page.request_example, &self.java) {
            (Some(code), Some(java)) if java.complete => ex.request = Some(code.clone()),
            (Some(_), Some(_)) => self.warn(
                Place::Example("request".into()),
                format!(
                    "{request_at}: the Java request example is cut off (it never prints the response); not kept"
                ),
            ),
            (Some(code), None) => {
                if serde_json::from_str::<serde_json::Value>(code).is_ok() {
                    ex.request = Some(code.clone());
                } else {
                    self.warn(
                        Place::Example("request".into()),
                        format!("{request_at}: the request example is neither Java nor whole JSON (cut off?); not kept"),
                    );
                }
            }
            (None, _) => self.warn(
                Place::Example("request".into()),
                "the page has no request example".into(),
            ),
        }
        // XML and JSON, response and error.
        let response_at = self.at(Section::ResponseExample);
        let error_at = self.at(Section::ErrorExample);
        let response_xml = self.page.response_xml.clone();
        let error_xml = self.page.error_xml.clone();
        ex.response_xml = self.keep_xml(
            "response_xml",
            response_xml.as_deref(),
            &response_at,
            Some(&key),
        );
        ex.error_xml = self.keep_xml(
            "error_xml",
            error_xml.as_deref(),
            &error_at,
            Some("error_response"),
        );
        let response_json = self.page.response_json.clone();
        ex.response_json = match response_json {
            Some(json) => self.keep_json("response_json", &json, &response_at, &key),
            None => match &ex.response_xml {
                Some(xml_text) => {
                    let doc = xml::parse(xml_text);
                    let derived = response_json_of(&doc, spec).pretty();
                    self.warn(
                        Place::Example("response_json".into()),
                        format!(
                            "{response_at}: the page's text has no JSON response example; derived from the XML one and the field types"
                        ),
                    );
                    Some(derived)
                }
                None => {
                    self.warn(
                        Place::Example("response_json".into()),
                        "no JSON response example: the page shows none and has no whole XML one to derive it from".into(),
                    );
                    None
                }
            },
        };
        let error_json = self.page.error_json.clone();
        ex.error_json = match error_json {
            Some(json) => self.keep_json("error_json", &json, &error_at, "error_response"),
            None => match &ex.error_xml {
                Some(xml_text) => {
                    let doc = xml::parse(xml_text);
                    let derived = error_json_of(&doc).pretty();
                    self.warn(
                        Place::Example("error_json".into()),
                        format!(
                            "{error_at}: the page's text has no JSON error example; derived from the XML one"
                        ),
                    );
                    Some(derived)
                }
                None => {
                    self.warn(
                        Place::Example("error_json".into()),
                        "no JSON error example: the page shows none and has no whole XML one to derive it from".into(),
                    );
                    None
                }
            },
        };
        ex
    }

    fn keep_xml(
        &mut self,
        key: &str,
        text: Option<&str>,
        at: &str,
        root: Option<&str>,
    ) -> Option<String> {
        let what = if key == "error_xml" {
            "error"
        } else {
            "response"
        };
        let Some(text) = text else {
            self.warn(
                Place::Example(key.into()),
                format!("the page has no XML {what} example"),
            );
            return None;
        };
        let doc = xml::parse(text);
        if let Some((line, problem)) = &doc.problem {
            let section = if what == "response" {
                Section::ResponseExample
            } else {
                Section::ErrorExample
            };
            let line = match self.page.rendering {
                Rendering::Bullet => self.section_line(section) + line.saturating_sub(1),
                _ => self.section_line(section),
            };
            self.warn(
                Place::Example(key.into()),
                format!(
                    "{at}: the XML {what} example is not whole (line {line}: {problem}); not kept{}",
                    if what == "response" {
                        ", but what it shows was used for the response tree"
                    } else {
                        ""
                    }
                ),
            );
            return None;
        }
        if let (Some(want), Some(got)) = (root, doc.root_name())
            && want != got
        {
            self.warn(
                Place::Example(key.into()),
                format!(
                    "{at}: the XML {what} example's root is <{got}>, not <{want}>; kept as shown"
                ),
            );
        }
        Some(text.to_owned())
    }

    fn keep_json(&mut self, key: &str, text: &str, at: &str, want: &str) -> Option<String> {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            self.warn(
                Place::Example(key.into()),
                format!("{at}: the JSON example is not whole JSON (cut off?); not kept"),
            );
            return None;
        };
        if value.get(want).is_none() {
            self.warn(
                Place::Example(key.into()),
                format!("{at}: the JSON example has no `{want}` key (not TOP's reply shape); kept as shown"),
            );
        }
        Some(text.to_owned())
    }
}

/// The Chinese heading of a section, for messages.
fn section_name(s: Section) -> &'static str {
    match s {
        Section::Header => "title and description",
        Section::Request => "请求参数 table",
        Section::Response => "响应参数 table",
        Section::RequestExample => "request example",
        Section::ResponseExample => "response example",
        Section::ErrorExample => "error example",
    }
}

/// Text with CJK characters: a description rather than a value.
fn is_prose(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    })
}

/// Whether `value` is a value of spec type `ty`.
fn fits(value: &str, ty: &str) -> bool {
    let v = value.trim();
    match ty {
        "Number" => v.parse::<i64>().is_ok(),
        "Boolean" => matches!(v, "true" | "false"),
        "Date" => is_date(v),
        "Price" | "BigDecimal" => is_decimal(v),
        _ => true,
    }
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    let date = |b: &[u8]| {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    let time = |b: &[u8]| {
        b.len() == 8
            && b.iter().enumerate().all(|(i, c)| match i {
                2 | 5 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    (b.len() == 10 && date(b))
        || (b.len() == 19 && date(&b[..10]) && b[10] == b' ' && time(&b[11..]))
}

fn is_decimal(v: &str) -> bool {
    let d = v.strip_prefix('-').unwrap_or(v);
    let (a, b) = d.split_once('.').unwrap_or((d, "0"));
    !a.is_empty()
        && !b.is_empty()
        && a.chars().all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
}

/// A scalar type for the values an example shows: all booleans → Boolean, all integers
/// (without leading zeros, fitting 64 bits) → Number, all date-times → Date, else String.
fn guess_scalar(values: &[String]) -> &'static str {
    let shown: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if shown.is_empty() {
        return "String";
    }
    if shown.iter().all(|v| matches!(*v, "true" | "false")) {
        "Boolean"
    } else if shown.iter().all(|v| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        v.parse::<i64>().is_ok()
            && (digits == "0" || !digits.starts_with('0'))
            && !v.starts_with('+')
    }) {
        "Number"
    } else if shown.iter().all(|v| v.len() == 19 && is_date(v)) {
        "Date"
    } else {
        "String"
    }
}

/// The scalar a list's item element names (`<string>`, `<number>`).
fn scalar_item(item: &str) -> Option<&'static str> {
    Some(match item {
        "string" => "String",
        "number" | "long" | "integer" => "Number",
        "boolean" => "Boolean",
        "date" => "Date",
        "price" => "Price",
        "big_decimal" => "BigDecimal",
        "json" => "Json",
        _ => return None,
    })
}

/// `items`, `ret_values`, `corpus_list`: a name that holds a list.
fn looks_plural(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with('s') && !n.ends_with("ss")) || n.ends_with("list")
}

// ---------------------------------------------------------------------------------------
// JSON derived from XML

/// The JSON response of an XML response example: `{"<root>": {…}}` with the spec's types.
fn response_json_of(doc: &xml::Doc, spec: &Spec) -> Json {
    let Some(root) = doc.root else {
        return Json::Object(Vec::new());
    };
    Json::Object(vec![(
        doc.elems[root].name.clone(),
        object_json(doc, root, Some(&spec.response), spec),
    )])
}

/// The JSON error of an XML error example (`code` a number, the rest strings).
fn error_json_of(doc: &xml::Doc) -> Json {
    let field = Field::new;
    let fields = [
        field("code", "Number"),
        field("msg", "String"),
        field("sub_code", "String"),
        field("sub_msg", "String"),
        field("request_id", "String"),
    ];
    let spec = Spec {
        name: "error".into(),
        title: None,
        description: None,
        needs_session: false,
        request: Vec::new(),
        response: fields.to_vec(),
        types: Vec::new(),
        examples: Examples::default(),
    };
    response_json_of(doc, &spec)
}

fn object_json(doc: &xml::Doc, elem: usize, fields: Option<&[Field]>, spec: &Spec) -> Json {
    let mut out: Vec<(String, Vec<Json>)> = Vec::new();
    for &c in &doc.elems[elem].children {
        let name = &doc.elems[c].name;
        let ty = fields
            .and_then(|fs| fs.iter().find(|f| f.name == *name))
            .map(|f| f.ty.as_str());
        let Some(value) = value_json(doc, c, ty, spec) else {
            continue;
        };
        match out.iter_mut().find(|(k, _)| k == name) {
            Some((_, values)) => values.push(value),
            None => out.push((name.clone(), vec![value])),
        }
    }
    Json::Object(
        out.into_iter()
            .map(|(k, mut v)| {
                let value = if v.len() == 1 {
                    v.remove(0)
                } else {
                    Json::Array(v)
                };
                (k, value)
            })
            .collect(),
    )
}

/// A field's JSON value; `None` for an empty element of a type with no empty value.
fn value_json(doc: &xml::Doc, elem: usize, ty: Option<&str>, spec: &Spec) -> Option<Json> {
    let e = &doc.elems[elem];
    let Some(ty) = ty else {
        // Not in the spec (an error reply's extra element): typed by its text.
        if !e.children.is_empty() {
            return Some(object_json(doc, elem, None, spec));
        }
        let guess = guess_scalar(std::slice::from_ref(&e.text));
        return scalar_json(&e.text, guess);
    };
    if let Some(item) = ty.strip_suffix("[]").filter(|_| ty != "byte[]") {
        // TOP wraps lists: `{"<item>": [ … ]}`, the key the XML's item element.
        let mut groups: Vec<(String, Vec<Json>)> = Vec::new();
        for &c in &e.children {
            let name = &doc.elems[c].name;
            let Some(v) = value_json(doc, c, Some(item), spec) else {
                continue;
            };
            match groups.iter_mut().find(|(k, _)| k == name) {
                Some((_, items)) => items.push(v),
                None => groups.push((name.clone(), vec![v])),
            }
        }
        return Some(Json::Object(
            groups
                .into_iter()
                .map(|(k, items)| (k, Json::Array(items)))
                .collect(),
        ));
    }
    if let Some((_, def)) = spec.types.iter().find(|(n, _)| n == ty) {
        return Some(object_json(doc, elem, Some(&def.fields), spec));
    }
    scalar_json(&e.text, ty)
}

fn scalar_json(text: &str, ty: &str) -> Option<Json> {
    let t = text.trim();
    match ty {
        "Number" if t.parse::<i64>().is_ok() => Some(Json::Number(
            t.parse::<i64>().map(|n| n.to_string()).unwrap_or_default(),
        )),
        "Boolean" if matches!(t, "true" | "false") => Some(Json::Bool(t == "true")),
        "String" | "Date" | "Price" | "BigDecimal" | "Json" => Some(Json::String(text.to_owned())),
        _ if t.is_empty() => None,
        _ => Some(Json::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::text;

    fn import(text_: &str) -> Imported {
        let page = text::read(Path::new("t.txt"), text_).unwrap();
        interpret(Path::new("t.txt"), &page).unwrap()
    }

    fn messages(i: &Imported) -> Vec<&str> {
        i.warnings.iter().map(|w| w.message.as_str()).collect()
    }

    #[test]
    fn names_from_class_and_root() {
        assert_eq!(
            name_from_class("AlibabaIotDeviceCorpusGetRequest").as_deref(),
            Some("alibaba.iot.device.corpus.get")
        );
        assert_eq!(
            name_from_class("ItemSellerGetRequest").as_deref(),
            Some("taobao.item.seller.get")
        );
        assert_eq!(
            name_from_class("ItemcatsGetV2Request").as_deref(),
            Some("taobao.itemcats.get.v2")
        );
        assert_eq!(name_from_class("DefaultTaobaoClient"), None);
        assert_eq!(
            name_from_root("alibaba_iot_device_corpus_get_response").as_deref(),
            Some("alibaba.iot.device.corpus.get")
        );
        assert_eq!(
            name_from_root("wdk_iot_wombat_common_gettoken_response").as_deref(),
            Some("taobao.wdk.iot.wombat.common.gettoken")
        );
        assert_eq!(name_from_root("error_response"), None);
        assert!(same_api("wdk.a.b", "taobao.wdk.a.b"));
        assert!(!same_api("taobao.a.b", "taobao.a.c"));
    }

    const PIPE: &str = "说明\n名称 | 类型 | 是否必须 | 示例值 | 更多限制 | 描述 |\n---|\n\
        dev_id | String | 可选 | 780f | iot设备id |\n名称 | 类型 | 示例值 | 描述 |\n---|\n\
        ret_values | DeviceCorpusTopDto [] | 返回结构体 | |\n\
        1 2 | TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret); AlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest(); req.setDevId( \"780f\" ); AlibabaIotDeviceCorpusGetResponse rsp = client.execute(req); System.out.println(rsp.getBody()); |\n\
        1 2 | < alibaba_iot_device_corpus_get_response > < ret_values > < device_corpus_top_dto > < corpus_list > < string >a</ string > < string >b</ string > </ corpus_list > < function_name >开关</ function_name > < count >3</ count > < on >true</ on > < info > < code >x</ code > </ info > </ device_corpus_top_dto > </ ret_values > </ alibaba_iot_device_corpus_get_response > |\n\
        1 2 | < error_response > < code >50</ code > < msg >Remote service error</ msg > </ error_response > |\n错误码 | 错误描述 | 解决方案 |\n";

    #[test]
    fn pipe_page_name_and_tree_from_the_examples() {
        let i = import(PIPE);
        let spec = &i.spec;
        assert_eq!(spec.name, "alibaba.iot.device.corpus.get");
        assert_eq!(spec.title, None);
        assert_eq!(spec.response[0].ty, "DeviceCorpusTopDto[]");
        let (name, def) = &spec.types[0];
        assert_eq!(name, "DeviceCorpusTopDto");
        let fields: Vec<(&str, &str)> = def
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("corpus_list", "String[]"),
                ("function_name", "String"),
                ("count", "Number"),
                ("on", "Boolean"),
                ("info", "Info"),
            ]
        );
        assert_eq!(spec.types[1].0, "Info");
        let m = messages(&i);
        assert!(
            m[0].starts_with("no title line: API name `alibaba.iot.device.corpus.get` guessed from the Java example's request class `AlibabaIotDeviceCorpusGetRequest` (line 8), matching the XML example's root"),
            "{m:#?}"
        );
        assert!(
            i.warnings
                .iter()
                .any(|w| w.place == Place::Type("DeviceCorpusTopDto".into())
                    && w.message.contains("corpus_list String[]")),
            "{m:#?}"
        );
        // The derived JSON: wrapped lists, typed scalars.
        let json: serde_json::Value =
            serde_json::from_str(spec.examples.response_json.as_deref().unwrap()).unwrap();
        let item = &json["alibaba_iot_device_corpus_get_response"]["ret_values"]["device_corpus_top_dto"]
            [0];
        assert_eq!(item["corpus_list"]["string"], serde_json::json!(["a", "b"]));
        assert_eq!(item["count"], 3);
        assert_eq!(item["on"], true);
        assert_eq!(item["info"]["code"], "x");
        let error: serde_json::Value =
            serde_json::from_str(spec.examples.error_json.as_deref().unwrap()).unwrap();
        assert_eq!(error["error_response"]["code"], 50);
        assert!(!spec.needs_session);
        topgen_spec::model::resolve(Path::new("t.yaml"), spec).unwrap();
    }

    const BULLET: &str = "taobao.a.b (标题)\n\n说明\n\n公共参数\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
        p P 必须 入参\n  • └ n\n  • Number\n  • 可选\n  • abc\n  • 数量\n  • q\n  • Q\n  • 可选\n  • 子对象\n  • └ k\n  • String\n  • 可选\n  • v\n  • 键\n  • └ after\n  • String\n  • 可选\n  • w\n  • 在P里\n\
        len String 可选 x\n  • 最大长度:5\n  • 长度\n    num Number 可选 1\n  • 最小值:9\n  • 最大值:3\n  • 数\n    img byte[] 必须 null 图片\n\n\
        响应参数\n\n名称 类型 示例值 描述\nresult R result 结果\n  • data\n  • D\n  • data\n  • 数据\n  • └ type\n  • String\n  • t\n  • 类型\n  • └ ok\n  • String\n  • 是否成功\n  • true\n  • └ n\n  • Number\n  • 1\n  • 个数\n  • └ n\n  • Number\n  • 2\n  • 重复\n  • └ when\n  • Date\n  • 2000-01-01 00:00:00\n\n\
        请求示例\n\nTaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nABRequest req = new ABRequest();\nAB.P obj1 = new AB.P();\nAB.Q obj2 = new AB.Q();\nobj2.setK(\"v\");\nobj1.setQ(obj2);\nobj1.setAfter(\"w\");\nreq.setP(obj1);\nABResponse rsp = client.execute(req, sessionKey);\nSystem.out.println(rsp.getBody());\n\n\
        响应示例\n\n<a_b_response>\n    <result>\n        <data>\n            <type>t</type>\n        </data>\n        <ok>true</ok>\n        <n>1</n>\n        <when>2000-01-01 00:00:00</when>\n    </result>\n</a_b_response>\n\n\
        异常示例\n\n<error_response>\n    <code>50</code>\n</error_response>\n\n错误码解释\n";

    #[test]
    fn nesting_from_the_examples_and_repairs() {
        let i = import(BULLET);
        let spec = &i.spec;
        assert!(spec.needs_session);
        let ty = |name: &str| &spec.types.iter().find(|(n, _)| n == name).unwrap().1;
        let names =
            |def: &TypeDef| -> Vec<String> { def.fields.iter().map(|f| f.name.clone()).collect() };
        // Java: `after` is set on obj1 (P), not on obj2 (Q) as the marks say.
        assert_eq!(names(ty("P")), ["n", "q", "after"]);
        assert_eq!(names(ty("Q")), ["k"]);
        // XML: `ok`, `n`, `when` belong to `result`, beside `data`.
        assert_eq!(names(ty("R")), ["data", "ok", "n", "when"]);
        assert_eq!(names(ty("D")), ["type"]);
        let m = messages(&i);
        for w in [
            "line 25: the page's `└` marks put `after` in `q`, but the Java request example (line 75) shows it in `p`; placed there",
            "line 51: the page's `└` marks put `ok` in `data`, but the XML response example (line 87) shows it in `result`; placed there",
            "line 11: example \"abc\" is not a Number; dropped (the page's type may be wrong)",
            "line 51: example \"是否成功\" and description \"true\" look swapped; swapped back",
            "line 59: duplicate field \"n\" (first at line 55): the first definition is kept",
            "line 33: 最小值 9 is greater than 最大值 3; both dropped",
            "line 37: example `null` dropped",
            "line 82: the page's text has no JSON response example; derived from the XML one",
        ] {
            assert!(m.iter().any(|x| x.starts_with(w)), "{w}\n{m:#?}");
        }
        let len = &spec.request[1];
        assert_eq!(
            (len.max_length, len.example.as_deref()),
            (Some(5), Some("x"))
        );
        let ok = &ty("R").fields[1];
        assert_eq!(
            (ok.example.as_deref(), ok.description.as_deref()),
            (Some("true"), Some("是否成功"))
        );
        // A lone value that fits a Date is the example.
        assert_eq!(
            ty("R").fields[3].example.as_deref(),
            Some("2000-01-01 00:00:00")
        );
        assert_eq!(spec.request[3].ty, "byte[]");
        assert_eq!(spec.request[3].example, None);
        let place = |w: &str| {
            i.warnings
                .iter()
                .find(|x| x.message.contains(w))
                .map(|x| x.place.clone())
        };
        assert_eq!(
            place("`ok`"),
            Some(Place::TypeField("R".into(), "ok".into()))
        );
        assert_eq!(
            place("not a Number"),
            Some(Place::TypeField("P".into(), "n".into()))
        );
        assert_eq!(place("`null`"), Some(Place::Request("img".into())));
        let json: serde_json::Value =
            serde_json::from_str(spec.examples.response_json.as_deref().unwrap()).unwrap();
        assert_eq!(json["a_b_response"]["result"]["n"], 1);
        assert_eq!(
            json["a_b_response"]["result"]["ok"], "true",
            "ok is a String"
        );
        topgen_spec::model::resolve(Path::new("t.yaml"), spec).unwrap();
    }

    #[test]
    fn no_name_anywhere_is_an_error() {
        let page = text::read(
            Path::new("n.txt"),
            "说明\n名称 | 类型 | 示例值 | 描述 |\n---|\nx | String | 1 | 说明 |\n",
        )
        .unwrap();
        let err = interpret(Path::new("n.txt"), &page)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("n.txt: name: no API name"), "{err}");
    }

    #[test]
    fn type_guesses() {
        let s = |v: &[&str]| guess_scalar(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(s(&["1", "-2"]), "Number");
        assert_eq!(
            s(&["057123222"]),
            "String",
            "a leading zero is not a number"
        );
        assert_eq!(s(&["true", ""]), "Boolean");
        assert_eq!(s(&["2000-01-01 00:00:00"]), "Date");
        assert_eq!(s(&["15.5"]), "String");
        assert_eq!(s(&[]), "String");
        assert!(
            looks_plural("ret_values") && looks_plural("corpus_list") && !looks_plural("address")
        );
    }
}
