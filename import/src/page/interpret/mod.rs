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

mod examples;
mod fields;
mod naming;
mod oracle;
#[cfg(test)]
mod tests;
mod tree;
mod values;

use super::{DocPage, MAX_DEPTH, Rendering, Section, java, xml};
use crate::catalog::order_types;
use crate::{Imported, Place, Warning};
use fields::Owner;
use naming::Converter;
use oracle::Oracle;
use std::path::Path;
use topgen_spec::Error;
use topgen_spec::spec::{Examples, Spec};

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
        too_deep: None,
    };
    let too_deep = |message: String| Error::Invalid {
        path: path.to_owned(),
        field: String::new(),
        message: format!(
            "{message}; TOP's pages nest a few levels, so this is not a page to import"
        ),
    };
    if let Some(message) = cx.too_deep_example() {
        return Err(too_deep(message));
    }
    let name = cx.api_name(path)?;
    cx.page_warnings();
    let request_roots = cx.build(&page.request, Side::Request);
    let response_roots = cx.build(&page.response, Side::Response);
    if let Some(message) = cx.too_deep.take() {
        return Err(too_deep(message));
    }
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
        doc_id: None,
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

/// How deep a JSON text's arrays and objects nest (brackets outside strings), in one pass.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'[' | b'{') => {
                depth += 1;
                max = max.max(depth);
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
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

struct Cx<'a> {
    page: &'a DocPage,
    warnings: Vec<Warning>,
    nodes: Vec<Node>,
    /// The XML response example, read (also when cut off).
    xml: Option<&'a xml::Doc>,
    /// The Java request example, read (also when cut off).
    java: Option<&'a java::Example>,
    /// Why a tree being built is nested too deep to import (more than [`MAX_DEPTH`]).
    too_deep: Option<String>,
}

impl<'a> Cx<'a> {
    /// Why the page's examples or rows are nested too deep to import, if they are: checked
    /// before anything walks them.
    fn too_deep_example(&self) -> Option<String> {
        let page = self.page;
        for (what, section, text) in [
            (
                "XML response example",
                Section::ResponseExample,
                &page.response_xml,
            ),
            ("XML error example", Section::ErrorExample, &page.error_xml),
        ] {
            if let Some(line) = text.as_deref().and_then(|t| xml::parse(t).too_deep) {
                return Some(format!(
                    "line {}: the {what} has elements nested more than {MAX_DEPTH} deep",
                    self.example_line(section, line)
                ));
            }
        }
        for (what, section, text) in [
            (
                "JSON response example",
                Section::ResponseExample,
                &page.response_json,
            ),
            (
                "JSON error example",
                Section::ErrorExample,
                &page.error_json,
            ),
        ] {
            if text.as_deref().is_some_and(|t| json_depth(t) > MAX_DEPTH) {
                return Some(format!(
                    "{}the {what} has values nested more than {MAX_DEPTH} deep",
                    self.prefix(section)
                ));
            }
        }
        page.request
            .iter()
            .chain(&page.response)
            .find(|r| r.depth as usize > MAX_DEPTH)
            .map(|r| {
                format!(
                    "line {}: the row `{}` is nested more than {MAX_DEPTH} deep ({} `└` marks)",
                    r.line,
                    r.name.chars().take(40).collect::<String>(),
                    r.depth.saturating_sub(1)
                )
            })
    }

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

    /// The page line of a line (1-based, in the example) of the example in `section`; a
    /// one-line pipe example (or an HTML one) gives its section's line.
    fn example_line(&self, section: Section, line: usize) -> usize {
        let start = self.section_line(section);
        match self.page.rendering {
            Rendering::Bullet => start + line.saturating_sub(1),
            _ => start,
        }
    }

    /// The page line of a line of the XML response example.
    fn xml_line_of(&self, line: usize) -> usize {
        self.example_line(Section::ResponseExample, line)
    }

    /// The page line of a line of the Java request example.
    fn java_line(&self, line: usize) -> usize {
        self.example_line(Section::RequestExample, line)
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
