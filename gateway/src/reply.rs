//! Replies in the format a request asks for: the API's examples as given, their simplified-JSON
//! form, an XML form derived from JSON when no XML example is given, and TOP's
//! `error_response` in JSON or XML.

use topgen_runtime::Format;

use crate::json::{Json, write_string};

/// `Content-Type` of JSON replies.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// `Content-Type` of XML replies.
pub(crate) const XML_CONTENT_TYPE: &str = "text/xml;charset=UTF-8";
/// The declaration TOP puts before an XML reply.
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8" ?>"#;

/// The content type of a reply in `format`.
pub(crate) fn content_type(format: Format) -> &'static str {
    match format {
        Format::Xml => XML_CONTENT_TYPE,
        _ => JSON_CONTENT_TYPE,
    }
}

pub use topgen_spec::model::response_key;

/// The simplified form (`format=json&simplify=true`) of a wrapped JSON reply: the value of its
/// single `<name>_response` key (an `error_response` stays as it is), with every wrapped list
/// (a field whose value is an object with one key holding an array, `{"item": […]}`) replaced
/// by the bare array.
pub fn simplify_json(wrapped: &str) -> Result<String, String> {
    let json = Json::parse(wrapped)?;
    let inner = match json {
        Json::Object(mut fields)
            if fields.len() == 1
                && fields[0].0.ends_with("_response")
                && fields[0].0 != "error_response" =>
        {
            match fields.pop() {
                Some((_, inner)) => inner,
                None => Json::Object(Vec::new()),
            }
        }
        other => other,
    };
    Ok(unwrap_lists(inner).to_text())
}

fn unwrap_lists(value: Json) -> Json {
    match value {
        Json::Object(fields) => Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Json::Object(mut inner)
                            if inner.len() == 1 && matches!(inner[0].1, Json::Array(_)) =>
                        {
                            match inner.pop() {
                                Some((_, list)) => unwrap_lists(list),
                                None => Json::Null,
                            }
                        }
                        other => unwrap_lists(other),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(unwrap_lists).collect()),
        other => other,
    }
}

/// The XML form of a wrapped JSON reply, nested the same way: the top-level key is the root
/// element, each field an element, each array item an element named like the array's field
/// (`{"item":[1,2]}` → `<item>1</item><item>2</item>`), a wrapped list's element marked
/// `list="true"` as TOP does, `null` fields left out.
pub fn json_to_xml(wrapped: &str) -> Result<String, String> {
    let json = Json::parse(wrapped)?;
    let Json::Object(fields) = json else {
        return Err("a TOP reply is a JSON object".to_owned());
    };
    let mut out = String::from(XML_DECLARATION);
    for (key, value) in &fields {
        element(key, value, &mut out);
    }
    Ok(out)
}

fn element(name: &str, value: &Json, out: &mut String) {
    let name = xml_name(name);
    match value {
        Json::Null => {}
        Json::Array(items) => {
            for item in items {
                element(&name, item, out);
            }
        }
        Json::Object(fields) => {
            // TOP marks a wrapped list's element: `<items list="true"><item>…`.
            let list = fields.len() == 1 && matches!(fields[0].1, Json::Array(_));
            let attribute = if list { r#" list="true""# } else { "" };
            out.push_str(&format!("<{name}{attribute}>"));
            for (k, v) in fields {
                element(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Json::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
        Json::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
        Json::String(s) => out.push_str(&format!("<{name}>{}</{name}>", xml_escape(s))),
    }
}

/// An element name from a JSON key: characters XML names cannot hold become `_`, and a name
/// that cannot start an XML name (a digit, `-`, `.`, nothing) gets a leading `_`.
fn xml_name(key: &str) -> String {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match name.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => name,
        _ => format!("_{name}"),
    }
}

/// Escapes text for XML content.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters XML 1.0 cannot hold at all.
            c if u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The fields of an `error_response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorFields<'a> {
    pub code: i64,
    pub msg: &'a str,
    pub sub_code: Option<&'a str>,
    pub sub_msg: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

/// TOP's `error_response` in `format` (the same JSON in both JSON formats).
pub(crate) fn render_error(e: &ErrorFields<'_>, format: Format) -> String {
    let fields = [
        ("msg", Some(e.msg)),
        ("sub_code", e.sub_code),
        ("sub_msg", e.sub_msg),
        ("request_id", e.request_id),
    ];
    if format == Format::Xml {
        let mut out = format!("{XML_DECLARATION}<error_response><code>{}</code>", e.code);
        for (name, value) in fields {
            if let Some(value) = value {
                out.push_str(&format!("<{name}>{}</{name}>", xml_escape(value)));
            }
        }
        out.push_str("</error_response>");
        out
    } else {
        let mut out = format!("{{\"error_response\":{{\"code\":{}", e.code);
        for (name, value) in fields {
            if let Some(value) = value {
                out.push_str(&format!(",\"{name}\":"));
                write_string(value, &mut out);
            }
        }
        out.push_str("}}");
        out
    }
}

/// A reply with no fields: `{"<key>":{}}` in JSON, `{}` simplified, `<key></key>` in XML.
pub(crate) fn empty_response(method: &str, format: Format) -> String {
    let key = response_key(method);
    match format {
        Format::Xml => format!("{XML_DECLARATION}<{key}></{key}>"),
        Format::SimplifiedJson => "{}".to_owned(),
        _ => format!("{{\"{key}\":{{}}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRAPPED: &str = r#"{"topgen_x_get_response":{"items":{"item":[{"id":1,"skus":{"sku":[{"p":"1.50"}]}}]},"names":{"string":["a","b"]},"result":{"tags":{"string":[]},"total":12},"request_id":"r1"}}"#;

    #[test]
    fn simplified_json_drops_the_wrapper_and_list_wrappers() {
        assert_eq!(
            simplify_json(WRAPPED).unwrap(),
            r#"{"items":[{"id":1,"skus":[{"p":"1.50"}]}],"names":["a","b"],"result":{"tags":[],"total":12},"request_id":"r1"}"#
        );
        // An object whose one field is a wrapped list is not itself a list wrapper.
        assert_eq!(
            simplify_json(r#"{"k_response":{"match":{"dyn":{"string":["a"]}}}}"#).unwrap(),
            r#"{"match":{"dyn":["a"]}}"#
        );
        // Errors keep their wrapper.
        let error = r#"{"error_response":{"code":50}}"#;
        assert_eq!(simplify_json(error).unwrap(), error);
        assert!(simplify_json("{").is_err());
    }

    #[test]
    fn xml_nests_like_json() {
        assert_eq!(
            json_to_xml(WRAPPED).unwrap(),
            format!(
                "{XML_DECLARATION}<topgen_x_get_response><items list=\"true\"><item><id>1</id><skus list=\"true\"><sku><p>1.50</p></sku></skus></item></items><names list=\"true\"><string>a</string><string>b</string></names><result><tags list=\"true\"></tags><total>12</total></result><request_id>r1</request_id></topgen_x_get_response>"
            )
        );
        assert_eq!(
            json_to_xml(r#"{"a_response":{"s":"<&>\"'","n":null,"b":true,"3d x":1}}"#).unwrap(),
            format!(
                "{XML_DECLARATION}<a_response><s>&lt;&amp;&gt;&quot;&apos;</s><b>true</b><_3d_x>1</_3d_x></a_response>"
            )
        );
        assert!(json_to_xml("[1]").is_err());
    }

    #[test]
    fn errors_in_every_format() {
        let e = ErrorFields {
            code: 25,
            msg: "Invalid Signature",
            sub_code: Some("isv.invalid-signature"),
            sub_msg: Some("a \"b\" <c>"),
            request_id: Some("gateway-1"),
        };
        let json = r#"{"error_response":{"code":25,"msg":"Invalid Signature","sub_code":"isv.invalid-signature","sub_msg":"a \"b\" <c>","request_id":"gateway-1"}}"#;
        assert_eq!(render_error(&e, Format::Json), json);
        assert_eq!(render_error(&e, Format::SimplifiedJson), json);
        assert_eq!(
            render_error(&e, Format::Xml),
            format!(
                "{XML_DECLARATION}<error_response><code>25</code><msg>Invalid Signature</msg><sub_code>isv.invalid-signature</sub_code><sub_msg>a &quot;b&quot; &lt;c&gt;</sub_msg><request_id>gateway-1</request_id></error_response>"
            )
        );
        let bare = ErrorFields {
            sub_code: None,
            sub_msg: None,
            request_id: None,
            ..e
        };
        assert_eq!(
            render_error(&bare, Format::Json),
            r#"{"error_response":{"code":25,"msg":"Invalid Signature"}}"#
        );
        assert_eq!(
            empty_response("taobao.a.b", Format::Json),
            r#"{"a_b_response":{}}"#
        );
        assert_eq!(
            empty_response("taobao.a.b", Format::Xml),
            format!("{XML_DECLARATION}<a_b_response></a_b_response>")
        );
    }
}
