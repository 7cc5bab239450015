//! Examples: the Java, XML and JSON examples kept as on the page when whole, and the JSON
//! ones the page lacks derived from the XML ones and the typed tree.

use super::Cx;
use super::values::guess_scalar;
use crate::Place;
use crate::page::{Section, json::Json, xml};
use topgen_spec::model::response_key;
use topgen_spec::spec::{Examples, Field, Spec};

impl Cx<'_> {
    pub(super) fn examples(&mut self, spec: &Spec) -> Examples {
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
            let line = self.example_line(section, *line);
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
        doc_id: None,
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
