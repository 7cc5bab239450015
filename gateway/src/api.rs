//! The APIs a gateway serves: [`Api`].

use std::sync::Arc;

use topgen_runtime::Format;

use crate::reply::{self, ErrorFields};
use crate::synth::Schema;

/// What an API answers to a request that passes the checks (unless a [`Fault`](crate::Fault)
/// says otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reply {
    /// The success example, in the format the request asked for (the default); without one, a
    /// reply made up from the API's response schema (see [`Api`]).
    #[default]
    Example,
    /// The error example (`error_response`), in the format the request asked for.
    ErrorExample,
}

/// One API the gateway serves: its name, what its requests must carry, and what it answers.
///
/// # Reply examples
///
/// The examples are the API doc's, verbatim (a topgen spec's `examples` block). The gateway
/// answers the one in the format the request asks for:
///
/// | request | answer |
/// |---|---|
/// | `format=json` | the JSON example |
/// | `format=json&simplify=true` | the JSON example without its `<name>_response` wrapper, each wrapped list (`{"items":{"item":[…]}}`) a bare array |
/// | `format=xml` | the XML example, or else one derived from the JSON example (same nesting) |
///
/// With an XML example and no JSON one, JSON requests get an HTTP 500 saying the JSON example
/// is missing. The error example is answered the same way (`error_json`, `error_xml`);
/// without one, a generic `code 15 isv.invalid-parameter` error.
///
/// # Replies made up from the response schema
///
/// An API made [`from a spec`](Api::from_spec) without a success example (most of TOP's
/// catalog: 7 of the 4,234 shipped specs have one, 6 of them fitting the spec) answers a reply made up from the spec's
/// `response:` fields and `types:`, then rendered by the same rules as a JSON example (the
/// simplified form without wrappers, the XML form with the same nesting). The reply is
/// realistic for the generated clients — every field of the schema a value of its type: ids
/// as 64-bit integers above 2^53, dates as `yyyy-MM-dd HH:mm:ss` (GMT+8), prices as exact
/// decimal text (`"12.30"`), strings from the spec's `example`, lists of 1 to 3 items wrapped as
/// TOP wraps them, objects nested at most 4 deep (a recursive type stops where it recurs) —
/// and deterministic: a function of the gateway's seed ([`GatewayBuilder::seed`](crate::GatewayBuilder::seed),
/// `--seed`; default 0), the method and the request's business params, so the same request
/// gets the same bytes and another seed other values. A field named like a business param
/// echoes its value (`num_iid`, `page_no`), never a sensitive one, nor the session; a
/// `total_results` beside lists counts their items, `has_next` is false; a `request_id` is made
/// up too. [`Api::render_for`] is that reply for a given request.
///
/// A spec's success example that does not fit its own response schema (by the generator's fit
/// check, `topgen_spec::examples`: what the generated client decodes) is not answered — no
/// client could decode it; the API makes its replies up instead, and the gateway warns
/// ([`Api::example_misfit`]; one shipped spec, whose doc example lacks TOP's
/// `<name>_response` wrapper).
///
/// An API with neither a success example nor response fields (an API made with [`Api::new`]
/// and no example, or one of the 16 shipped specs without response fields) answers an empty
/// response (`{"<name>_response":{}}`) and is named in the gateway's warnings
/// ([`GatewayBuilder::warnings`](crate::GatewayBuilder::warnings), printed to stderr when it
/// starts).
///
/// ```
/// use topgen_gateway::Api;
///
/// let api = Api::new("taobao.wdk.iot.wombat.common.gettoken")
///     .required(["robot_sn"])
///     .response_json(r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true}}}"#);
/// assert_eq!(api.method(), "taobao.wdk.iot.wombat.common.gettoken");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    method: String,
    required: Vec<String>,
    files: Vec<String>,
    needs_session: bool,
    response_json: Option<String>,
    response_xml: Option<String>,
    error_json: Option<String>,
    error_xml: Option<String>,
    reply: Reply,
    /// The response schema replies are made up from when there is no success example
    /// (shared: a gateway clones its APIs per request).
    schema: Option<Arc<Schema>>,
    /// Why the spec gave no schema (it does not resolve), for the warning.
    schema_error: Option<String>,
    /// The spec's success example that does not fit its response schema, and why: replies
    /// are made up instead (and the gateway warns).
    example_misfit: Option<String>,
}

impl Api {
    /// The API named `method` (`taobao.wdk.iot.wombat.common.gettoken`), with no required
    /// params, no file params, no session needed, no examples, answering [`Reply::Example`].
    pub fn new(method: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            required: Vec::new(),
            files: Vec::new(),
            needs_session: false,
            response_json: None,
            response_xml: None,
            error_json: None,
            error_xml: None,
            reply: Reply::Example,
            schema: None,
            schema_error: None,
            example_misfit: None,
        }
    }

    /// The API a topgen spec describes: its name, its required params, its `byte[]` params as
    /// file params, whether it needs a session, its examples, and its response schema (what
    /// it makes replies up from without a success example; see [`Api`]).
    pub fn from_spec(spec: &topgen_spec::Spec) -> Self {
        let examples = &spec.examples;
        let mut api = Self::new(spec.name.as_str())
            .required(
                spec.request
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| p.name.clone()),
            )
            .files(
                spec.request
                    .iter()
                    .filter(|p| p.ty.trim() == "byte[]")
                    .map(|p| p.name.clone()),
            )
            .needs_session(spec.needs_session);
        api.response_json = examples.response_json.clone();
        api.response_xml = examples.response_xml.clone();
        api.error_json = examples.error_json.clone();
        api.error_xml = examples.error_xml.clone();
        match crate::synth::resolve(spec) {
            Ok(model) => {
                api.schema = Schema::from_model(&model).map(Arc::new);
                // A success example that does not fit the spec (the generator's fit check:
                // what the generated client decodes) is not answered: no client could use it.
                let misfit = topgen_spec::examples::check_api(&model)
                    .into_iter()
                    .find(|m| m.example.starts_with("response_"));
                if let (Some(misfit), Some(_)) = (misfit, &api.schema) {
                    api.response_json = None;
                    api.response_xml = None;
                    api.example_misfit = Some(format!("{}: {}", misfit.example, misfit.detail()));
                }
            }
            Err(why) => api.schema_error = Some(why),
        }
        api
    }

    /// [`Api::from_spec`] of the spec file at `path` (`specs/<method>.yaml`); a file that is
    /// not a valid spec is an error naming the file, the line and the field.
    pub fn from_spec_file(path: impl AsRef<std::path::Path>) -> Result<Self, topgen_spec::Error> {
        topgen_spec::load_spec(path.as_ref()).map(|spec| Self::from_spec(&spec))
    }

    /// Adds required business params: a request without one (as a text or a file part) gets
    /// error 40.
    pub fn required<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required.extend(names.into_iter().map(Into::into));
        self
    }

    /// Declares file (`byte[]`) params: they must arrive as file parts of a
    /// `multipart/form-data` body, and they are not signed. A file part of any other name, or
    /// one of these sent as text, gets error 41.
    pub fn files<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.files.extend(names.into_iter().map(Into::into));
        self
    }

    /// Whether the API needs a user's `session` (error 26 without one).
    pub fn needs_session(mut self, needs: bool) -> Self {
        self.needs_session = needs;
        self
    }

    /// The JSON success example (`{"<name>_response":{…}}`), verbatim.
    pub fn response_json(mut self, example: impl Into<String>) -> Self {
        self.response_json = Some(example.into());
        self
    }

    /// The XML success example (`<<name>_response>…</<name>_response>`), verbatim.
    pub fn response_xml(mut self, example: impl Into<String>) -> Self {
        self.response_xml = Some(example.into());
        self
    }

    /// The JSON error example (`{"error_response":{…}}`), verbatim.
    pub fn error_json(mut self, example: impl Into<String>) -> Self {
        self.error_json = Some(example.into());
        self
    }

    /// The XML error example (`<error_response>…</error_response>`), verbatim.
    pub fn error_xml(mut self, example: impl Into<String>) -> Self {
        self.error_xml = Some(example.into());
        self
    }

    /// What to answer to a request that passes the checks.
    pub fn reply(mut self, reply: Reply) -> Self {
        self.reply = reply;
        self
    }

    /// The API's method name.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The required business params.
    pub fn required_params(&self) -> &[String] {
        &self.required
    }

    /// The file params.
    pub fn file_params(&self) -> &[String] {
        &self.files
    }

    /// Whether the API needs a session.
    pub fn needs_a_session(&self) -> bool {
        self.needs_session
    }

    /// Whether a request that passes gets a reply made up from the response schema (no
    /// success example, and response fields to make one from).
    pub fn makes_up_replies(&self) -> bool {
        self.response_json.is_none() && self.response_xml.is_none() && self.schema.is_some()
    }

    /// Why the spec's success example is not answered, if it is not: it does not fit the
    /// spec's response schema (`response_json: `result.total`: expected …`), so replies are
    /// made up instead.
    pub fn example_misfit(&self) -> Option<&str> {
        self.example_misfit.as_deref()
    }

    /// Whether a request that passes gets an empty success (`{"<name>_response":{}}`): the
    /// API answers [`Reply::Example`] but has neither a success example nor a response schema.
    pub fn answers_empty(&self) -> bool {
        self.reply == Reply::Example
            && self.response_json.is_none()
            && self.response_xml.is_none()
            && self.schema.is_none()
    }

    /// Why the gateway warns about this API, if it does: it answers [`Reply::Example`] but has
    /// neither a success example nor response fields, so a request that passes gets an empty
    /// success.
    pub(crate) fn warning(&self) -> Option<String> {
        if let Some(misfit) = &self.example_misfit {
            return Some(format!(
                "{}'s reply example does not fit its spec ({misfit}): it answers replies made up from the response schema instead",
                self.method
            ));
        }
        let no_example = self.response_json.is_none() && self.response_xml.is_none();
        (self.reply == Reply::Example && no_example && self.schema.is_none()).then(|| {
            let why = match &self.schema_error {
                Some(e) => format!("its spec does not resolve ({e})"),
                None => "no response fields to make one up from".to_owned(),
            };
            format!(
                "{} has no reply example (neither JSON nor XML) and {why}: a request that passes gets an empty success, {}; give it one (Api::response_json, Api::response_xml, or the spec's examples or response fields)",
                self.method,
                reply::empty_response(&self.method, Format::Json)
            )
        })
    }

    /// The answer of [`Api::reply`] in `format` to a request without business params, from a
    /// gateway of seed 0: [`Api::render_for`]`(format, 0, &[])`.
    pub fn render(&self, format: Format) -> Result<String, String> {
        self.render_for(format, 0, &[])
    }

    /// The answer of [`Api::reply`] in `format` to a request with `params` (all of its params,
    /// in any order; the system params such as `timestamp`, `sign` and `session` are ignored)
    /// from a gateway of `seed`: `Ok(body)`, or `Err(why)` when it cannot be made (no JSON
    /// example for a JSON request while there is an XML one, an example that is not JSON).
    /// Without a success example, the reply is made up from the response schema (see
    /// [`Api`]): the same arguments give the same bytes.
    pub fn render_for(
        &self,
        format: Format,
        seed: u64,
        params: &[(String, String)],
    ) -> Result<String, String> {
        match self.reply {
            Reply::Example => self.render_example_for(format, seed, params),
            Reply::ErrorExample => self.render_error_example(format),
        }
    }

    /// The success example in `format` ([`Api::render_example_for`] with seed 0 and no
    /// params).
    pub fn render_example(&self, format: Format) -> Result<String, String> {
        self.render_example_for(format, 0, &[])
    }

    /// The success example in `format`, or without one the reply made up for a request with
    /// `params` from a gateway of `seed`.
    pub fn render_example_for(
        &self,
        format: Format,
        seed: u64,
        params: &[(String, String)],
    ) -> Result<String, String> {
        let json = self.response_json.as_deref();
        let xml = self.response_xml.as_deref();
        if let (None, None, Some(schema)) = (json, xml, &self.schema) {
            let made_up = schema.reply(&self.method, seed, params);
            return match format {
                Format::Json => Ok(made_up),
                Format::SimplifiedJson => reply::simplify_json(&made_up),
                Format::Xml => reply::json_to_xml(&made_up),
            }
            .map_err(|e| format!("the reply made up for {} is not JSON: {e}", self.method));
        }
        match (format, json, xml) {
            (Format::Xml, _, Some(xml)) => Ok(xml.to_owned()),
            (Format::Xml, Some(json), None) => reply::json_to_xml(json)
                .map_err(|e| format!("the JSON example of {} is not JSON: {e}", self.method)),
            (Format::SimplifiedJson, Some(json), _) => reply::simplify_json(json)
                .map_err(|e| format!("the JSON example of {} is not JSON: {e}", self.method)),
            (Format::Json, Some(json), _) => Ok(json.to_owned()),
            (_, None, Some(_)) => Err(format!(
                "{} has an XML example but no JSON example to answer a {format} request with",
                self.method
            )),
            (_, None, None) => Ok(reply::empty_response(&self.method, format)),
        }
    }

    /// The error example in `format`.
    pub fn render_error_example(&self, format: Format) -> Result<String, String> {
        let json = self.error_json.as_deref();
        match (format, json, self.error_xml.as_deref()) {
            (Format::Xml, _, Some(xml)) => Ok(xml.to_owned()),
            (Format::Xml, Some(json), None) => reply::json_to_xml(json)
                .map_err(|e| format!("the JSON error example of {} is not JSON: {e}", self.method)),
            // Errors are wrapped in simplified JSON too.
            (_, Some(json), _) => Ok(json.to_owned()),
            (_, None, Some(_)) => Err(format!(
                "{} has an XML error example but no JSON one to answer a {format} request with",
                self.method
            )),
            (_, None, None) => {
                let isv = crate::TopErrorReply::isv();
                Ok(reply::render_error(
                    &ErrorFields {
                        code: isv.code,
                        msg: &isv.msg,
                        sub_code: isv.sub_code.as_deref(),
                        sub_msg: isv.sub_msg.as_deref(),
                        request_id: None,
                    },
                    format,
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"x_get_response":{"names":{"string":["a"]}}}"#;
    const XML: &str = "<x_get_response><names><string>b</string></names></x_get_response>";

    #[test]
    fn examples_in_every_format() {
        let api = Api::new("taobao.x.get")
            .response_json(JSON)
            .response_xml(XML);
        assert_eq!(api.render(Format::Json).unwrap(), JSON);
        assert_eq!(
            api.render(Format::SimplifiedJson).unwrap(),
            r#"{"names":["a"]}"#
        );
        assert_eq!(api.render(Format::Xml).unwrap(), XML);
        // XML derived from JSON.
        let json_only = Api::new("taobao.x.get").response_json(JSON);
        assert!(json_only.render(Format::Xml).unwrap().ends_with(
            r#"<x_get_response><names list="true"><string>a</string></names></x_get_response>"#
        ));
        // No JSON to answer JSON with.
        let xml_only = Api::new("taobao.x.get").response_xml(XML);
        assert!(
            xml_only
                .render(Format::Json)
                .unwrap_err()
                .contains("no JSON example")
        );
        assert_eq!(xml_only.render(Format::Xml).unwrap(), XML);
        // Nothing at all: an empty response.
        let none = Api::new("taobao.x.get");
        assert_eq!(
            none.render(Format::Json).unwrap(),
            r#"{"x_get_response":{}}"#
        );
        assert_eq!(none.render(Format::SimplifiedJson).unwrap(), "{}");
        let warning = none.warning().expect("a warning");
        assert!(
            warning.starts_with("taobao.x.get has no reply example"),
            "{warning}"
        );
        assert!(warning.contains(r#"{"x_get_response":{}}"#), "{warning}");
        assert_eq!(json_only.warning(), None);
        assert_eq!(xml_only.warning(), None);
        // An API that answers its error example never answers the empty success.
        assert_eq!(
            Api::new("taobao.x.get")
                .reply(Reply::ErrorExample)
                .warning(),
            None
        );
        assert!(
            Api::new("x")
                .response_json("{")
                .render(Format::Xml)
                .is_err()
        );
    }

    #[test]
    fn error_examples_in_every_format() {
        let json = r#"{"error_response":{"code":50,"msg":"m"}}"#;
        let api = Api::new("taobao.x.get")
            .error_json(json)
            .reply(Reply::ErrorExample);
        assert_eq!(api.render(Format::Json).unwrap(), json);
        assert_eq!(api.render(Format::SimplifiedJson).unwrap(), json);
        assert!(
            api.render(Format::Xml)
                .unwrap()
                .ends_with("<error_response><code>50</code><msg>m</msg></error_response>")
        );
        let generic = Api::new("x").reply(Reply::ErrorExample);
        assert!(
            generic
                .render(Format::Json)
                .unwrap()
                .contains("isv.invalid-parameter")
        );
        assert!(
            generic
                .render(Format::Xml)
                .unwrap()
                .contains("<code>15</code>")
        );
    }
}
