//! Hostile and broken replies, run through `decode_reply_in` the way the client does: each
//! has one exact expected error, none panics or overflows the stack, and no secret from a
//! body reaches an error's `Display`, `Debug` or body prefix.

use topgen_runtime::__private::de;
use topgen_runtime::__private::response::{BODY_PREFIX_LEN, decode_reply_in};
use topgen_runtime::{DateTime, Error, Format, Json, RetryClass};

const KEY: &str = "x_get_response";

/// Marks every secret value in the bodies below: it must never appear in an error.
const SECRET: &str = "SEKRIT";

#[derive(Debug, Clone, PartialEq, Default)]
struct Reply {
    n: Option<i64>,
    when: Option<DateTime>,
    data: Option<Json>,
    items: Option<Vec<Item>>,
}

::topgen_runtime::decoded_struct!(Reply {
    n: (0, "n", field),
    when: (1, "when", date),
    data: (2, "data", field),
    items: (3, "items", field),
});

#[derive(Debug, Clone, PartialEq, Default)]
struct Item {
    id: Option<i64>,
}

::topgen_runtime::decoded_struct!(Item {
    id: (0, "id", field),
});

impl de::Object for Item {}

/// The error a case must produce.
enum Expect {
    /// `Error::Top` with this code, sub code and retry class.
    Top {
        code: i64,
        msg: &'static str,
        sub_code: Option<&'static str>,
        retry: RetryClass,
    },
    /// `Error::Decode` whose message contains this.
    Decode(&'static str),
    /// `Error::Status` whose body prefix starts with this.
    Status(&'static str),
}

struct Case {
    name: &'static str,
    body: Vec<u8>,
    status: u16,
    format: Format,
    expect: Expect,
}

fn case(
    name: &'static str,
    body: impl Into<Vec<u8>>,
    status: u16,
    format: Format,
    expect: Expect,
) -> Case {
    Case {
        name,
        body: body.into(),
        status,
        format,
        expect,
    }
}

fn top(code: i64, msg: &'static str, sub_code: Option<&'static str>, retry: RetryClass) -> Expect {
    Expect::Top {
        code,
        msg,
        sub_code,
        retry,
    }
}

fn cases() -> Vec<Case> {
    use Expect::{Decode, Status};
    use Format::{Json, SimplifiedJson, Xml};
    use RetryClass::{AfterDelay, Immediately, Never};

    let deep_json_value = format!(
        r#"{{"{KEY}":{{"data":{}1{}}}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let deep_json_ignored = format!(
        r#"{{"{KEY}":{{"unknown":{}1{}}}}}"#,
        r#"{"a":"#.repeat(10_000),
        "}".repeat(10_000)
    );
    let deep_xml = format!(
        "<{KEY}><data>{}1{}</data></{KEY}>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    let deep_xml_ignored = format!(
        "<{KEY}><unknown>{}1{}</unknown></{KEY}>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    let billion_laughs = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<{KEY}><data>&lol9;</data></{KEY}>"#
    );

    vec![
        case(
            "empty body",
            "",
            200,
            Json,
            Decode("empty body, not a TOP reply"),
        ),
        case(
            "whitespace only",
            " \r\n\t ",
            200,
            Xml,
            Decode("empty body (whitespace only), not a TOP reply"),
        ),
        case(
            "HTML 502 page from a proxy",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
            502,
            Json,
            Status("<html>\r\n<head><title>502 Bad Gateway</title>"),
        ),
        case(
            "HTML page with 200",
            "<!DOCTYPE html><html><body>Login required</body></html>",
            200,
            Json,
            Decode("an HTML page, not a TOP reply"),
        ),
        case(
            "XHTML page with 200, asked for XML",
            r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>"#,
            200,
            Xml,
            Decode("an HTML page, not a TOP reply"),
        ),
        case(
            "plain text",
            "Service Unavailable",
            200,
            Json,
            Decode("the body is neither JSON nor XML (plain text?), not a TOP reply"),
        ),
        case(
            "JSON array",
            "[1,2,3]",
            200,
            Json,
            Decode(
                "a JSON array, not a TOP reply (expected an object with `x_get_response` or `error_response`)",
            ),
        ),
        case(
            "JSON string",
            r#""ok""#,
            200,
            SimplifiedJson,
            Decode("a JSON string, not a TOP reply"),
        ),
        case(
            "JSON number",
            "42",
            200,
            Json,
            Decode("a JSON number, not a TOP reply"),
        ),
        case(
            "JSON null",
            "null",
            200,
            Json,
            Decode("JSON null, not a TOP reply"),
        ),
        case(
            "truncated JSON",
            format!(r#"{{"{KEY}":{{"n":1,"items":{{"item":[{{"id":"#),
            200,
            Json,
            Decode("truncated JSON: EOF while parsing"),
        ),
        case(
            "truncated XML, inside an element",
            format!("<{KEY}><n>1</n><items list=\"true\"><item><id>2</id>"),
            200,
            Xml,
            Decode("truncated XML: the body ends with 3 elements still open"),
        ),
        case(
            "truncated XML, inside a tag",
            format!("<{KEY}><n>1</n"),
            200,
            Xml,
            Decode("truncated XML: syntax error: tag not closed"),
        ),
        case(
            "JSON with trailing garbage",
            format!(r#"{{"{KEY}":{{"n":1}}}} <html>"#),
            200,
            Json,
            Decode("invalid JSON: trailing characters"),
        ),
        case(
            "XML with a second root",
            format!("<{KEY}/><{KEY}/>"),
            200,
            Xml,
            Decode("invalid XML: content after the root element"),
        ),
        case(
            "XML with mismatched tags",
            format!("<{KEY}><n>1</x></{KEY}>"),
            200,
            Xml,
            Decode(
                "invalid XML: ill-formed document: expected `</n>`, but `</x>` was found (at byte 20)",
            ),
        ),
        case(
            "wrong wrapper key",
            r#"{"y_get_response":{"n":1},"request_id":"r"}"#,
            200,
            Json,
            Decode(
                "expected `x_get_response` or `error_response` at the top level, found keys `y_get_response`, `request_id`",
            ),
        ),
        case(
            "XML with the wrong root",
            "<y_get_response><n>1</n></y_get_response>",
            200,
            Xml,
            Decode(
                "expected the root element `<x_get_response>` or `<error_response>`, found `<y_get_response>`",
            ),
        ),
        case(
            "both wrapper and error: the error wins",
            format!(
                r#"{{"{KEY}":{{"n":1}},"error_response":{{"code":15,"msg":"Remote service error","sub_code":"isp.remote-service-timeout"}}}}"#
            ),
            200,
            Json,
            top(
                15,
                "Remote service error",
                Some("isp.remote-service-timeout"),
                Immediately,
            ),
        ),
        case(
            "error code as a string",
            r#"{"error_response":{"code":"7","msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count"}}"#,
            200,
            Json,
            top(
                7,
                "App Call Limited",
                Some("accesscontrol.limited-by-app-access-count"),
                AfterDelay,
            ),
        ),
        case(
            "error code as a float-like string",
            r#"{"error_response":{"code":"50.0","msg":"Remote service error","sub_code":"isv.invalid-parameter"}}"#,
            200,
            Json,
            top(
                50,
                "Remote service error",
                Some("isv.invalid-parameter"),
                Never,
            ),
        ),
        case(
            "error code missing",
            r#"{"error_response":{"msg":"Remote service error"}}"#,
            200,
            Json,
            Decode("missing field `code`"),
        ),
        case(
            "error code not a number",
            r#"{"error_response":{"code":"E50","msg":"m"}}"#,
            200,
            Json,
            Decode(r#"expected a 64-bit integer, found "E50""#),
        ),
        case(
            "error msg missing",
            "<error_response><code>25</code></error_response>",
            200,
            Xml,
            top(25, "", None, Never),
        ),
        case(
            "sub_code absent",
            r#"{"error_response":{"code":50,"msg":"Remote service error"}}"#,
            200,
            Json,
            top(50, "Remote service error", None, Never),
        ),
        case(
            "sub_code isp.* is retryable",
            r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isp.remote-service-error"}}"#,
            200,
            SimplifiedJson,
            top(
                50,
                "Remote service error",
                Some("isp.remote-service-error"),
                Immediately,
            ),
        ),
        case(
            "sub_code isv.* is not",
            "<error_response><code>50</code><msg>Remote service error</msg><sub_code>isv.invalid-parameter</sub_code></error_response>",
            200,
            Xml,
            top(
                50,
                "Remote service error",
                Some("isv.invalid-parameter"),
                Never,
            ),
        ),
        case(
            "non-2xx with a TOP error body",
            r#"{"error_response":{"code":10,"msg":"Service currently unavailable"}}"#,
            503,
            Json,
            top(10, "Service currently unavailable", None, Immediately),
        ),
        case(
            "non-2xx with a TOP error body in XML",
            "<?xml version=\"1.0\"?><error_response><code>7</code><msg>App Call Limited</msg></error_response>",
            429,
            Json,
            top(7, "App Call Limited", None, AfterDelay),
        ),
        case(
            "non-2xx with a non-TOP body",
            "404 page not found",
            404,
            Xml,
            Status("404 page not found"),
        ),
        case(
            "non-2xx with a success envelope",
            format!(r#"{{"{KEY}":{{"n":1}}}}"#),
            500,
            Json,
            Status(r#"{"x_get_response":{"n":1}}"#),
        ),
        case(
            "invalid UTF-8",
            b"{\"x_get_response\":{\"n\":\"\xff\xfe\"}}".to_vec(),
            200,
            Json,
            Decode("the body is not valid UTF-8 (invalid byte at offset 24), not a TOP reply"),
        ),
        case(
            "JSON nested 10,000 levels in a value",
            deep_json_value,
            200,
            Json,
            Decode("invalid JSON: arrays and objects nested more than 128 levels deep"),
        ),
        case(
            "JSON nested 10,000 levels in an ignored key",
            deep_json_ignored,
            200,
            SimplifiedJson,
            Decode("invalid JSON: arrays and objects nested more than 128 levels deep"),
        ),
        case(
            "XML nested 10,000 levels in a value",
            deep_xml,
            200,
            Xml,
            Decode("invalid XML: elements nested more than 128 levels deep"),
        ),
        case(
            "XML nested 10,000 levels in an ignored element",
            deep_xml_ignored,
            200,
            Xml,
            Decode("invalid XML: elements nested more than 128 levels deep"),
        ),
        case(
            "a huge number where a Number is expected",
            format!(r#"{{"{KEY}":{{"n":123456789012345678901234567890}}}}"#),
            200,
            Json,
            Decode("does not fit in a 64-bit integer"),
        ),
        case(
            "a huge number in XML",
            format!("<{KEY}><n>123456789012345678901234567890</n></{KEY}>"),
            200,
            Xml,
            Decode(
                "unexpected value in the XML reply: 123456789012345678901234567890 does not fit in a 64-bit integer",
            ),
        ),
        case(
            "a date in a wrong format",
            format!(r#"{{"{KEY}":{{"when":"04/08/2021 00:00"}}}}"#),
            200,
            Json,
            Decode(r#"invalid TOP date "04/08/2021 00:00""#),
        ),
        case(
            "a date in a wrong format in XML",
            format!("<{KEY}><when>yesterday</when></{KEY}>"),
            200,
            Xml,
            Decode(r#"invalid TOP date "yesterday""#),
        ),
        case(
            "a list that is text",
            format!("<{KEY}><items>1,2</items></{KEY}>"),
            200,
            Xml,
            Decode("expected a list"),
        ),
        case(
            "a secret in a truncated JSON body",
            format!(r#"{{"{KEY}":{{"access_token":"{SECRET}-1","refresh_token":"{SECRET}-2","n":"#),
            200,
            Json,
            Decode("truncated JSON"),
        ),
        case(
            "a secret in a broken XML body",
            format!("<{KEY}><session_key>{SECRET}-3</session_key><n>abc</n></{KEY}>"),
            200,
            Xml,
            Decode(r#"expected a 64-bit integer, found "abc""#),
        ),
        case(
            "a secret in a non-2xx body",
            format!("upstream said: app_secret={SECRET}-4&sign=ABCDEF"),
            502,
            Json,
            Status("upstream said: app_secret=***&sign=***"),
        ),
        case(
            "XML billion laughs",
            billion_laughs,
            200,
            Xml,
            Decode("invalid XML: a DOCTYPE declaration"),
        ),
        case(
            "XML entity without a DTD",
            format!("<{KEY}><data>&lol9;</data></{KEY}>"),
            200,
            Xml,
            Decode("invalid XML: unknown entity `&lol9;`"),
        ),
        case(
            "XML error_response with extra elements and attributes",
            r#"<error_response xmlns:x="urn:x" kind="top"><extra><deep><er/></deep></extra><code type="int">15</code><msg>Remote service error</msg><sub_code>isp.top-remote-connection-timeout</sub_code><flag/><x:other>1</x:other></error_response>"#,
            200,
            Xml,
            top(
                15,
                "Remote service error",
                Some("isp.top-remote-connection-timeout"),
                Immediately,
            ),
        ),
    ]
}

#[test]
fn every_hostile_reply_has_its_exact_error() {
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for c in cases {
        let name = c.name;
        let result = decode_reply_in::<Reply>(c.format, &c.body, KEY, c.status);
        let err = match result {
            Ok(r) => panic!("{name}: decoded as {r:?}"),
            Err(e) => e,
        };
        let display = err.to_string();
        let debug = format!("{err:?}");
        assert!(!display.contains(SECRET), "{name}: secret in Display");
        assert!(!debug.contains(SECRET), "{name}: secret in Debug");
        match (&c.expect, &err) {
            (
                Expect::Top {
                    code,
                    msg,
                    sub_code,
                    retry,
                },
                Error::Top(e),
            ) => {
                assert_eq!(e.code, *code, "{name}");
                assert_eq!(e.msg, *msg, "{name}");
                assert_eq!(e.sub_code.as_deref(), *sub_code, "{name}");
                assert_eq!(e.retry_class(), *retry, "{name}");
                assert_eq!(err.is_retryable(), *retry != RetryClass::Never, "{name}");
            }
            (
                Expect::Decode(part),
                Error::Decode {
                    message,
                    status,
                    body_prefix,
                },
            ) => {
                assert!(message.contains(part), "{name}: {message}");
                assert_eq!(*status, c.status, "{name}");
                assert!(body_prefix.len() <= BODY_PREFIX_LEN, "{name}");
                assert!(
                    !body_prefix.contains(SECRET),
                    "{name}: secret in the prefix"
                );
                assert!(display.contains(part), "{name}: {display}");
                assert!(!err.is_retryable(), "{name}");
            }
            (
                Expect::Status(prefix),
                Error::Status {
                    status,
                    body_prefix,
                },
            ) => {
                assert_eq!(*status, c.status, "{name}");
                assert!(body_prefix.starts_with(prefix), "{name}: {body_prefix}");
                assert!(body_prefix.len() <= BODY_PREFIX_LEN, "{name}");
                assert!(
                    !body_prefix.contains(SECRET),
                    "{name}: secret in the prefix"
                );
            }
            (_, other) => panic!("{name}: unexpected error {other}"),
        }
    }
}

#[test]
fn decode_errors_quote_the_start_of_the_body_redacted() {
    let body =
        format!(r#"{{"{KEY}":{{"access_token":"{SECRET}-1","refresh_token":"{SECRET}-2","n":"#);
    let err = decode_reply_in::<Reply>(Format::Json, body.as_bytes(), KEY, 200).unwrap_err();
    let Error::Decode { body_prefix, .. } = &err else {
        panic!("not a decode error: {err}");
    };
    assert_eq!(
        body_prefix,
        r#"{"x_get_response":{"access_token":"***","refresh_token":"***","n":"#
    );
    assert!(err.to_string().ends_with(&format!("body: {body_prefix:?}")));

    let xml = format!("<{KEY}><session_key>{SECRET}-3</session_key><n>abc</n></{KEY}>");
    let err = decode_reply_in::<Reply>(Format::Xml, xml.as_bytes(), KEY, 200).unwrap_err();
    let Error::Decode { body_prefix, .. } = &err else {
        panic!("not a decode error: {err}");
    };
    assert_eq!(
        body_prefix,
        "<x_get_response><session_key>***</session_key><n>abc</n></x_get_response>"
    );

    // A huge body is quoted by its first 256 bytes only.
    let big = format!("<html>{}</html>", "x".repeat(1 << 20));
    let err = decode_reply_in::<Reply>(Format::Json, big.as_bytes(), KEY, 200).unwrap_err();
    let Error::Decode { body_prefix, .. } = &err else {
        panic!("not a decode error: {err}");
    };
    assert_eq!(body_prefix.len(), BODY_PREFIX_LEN);
    assert!(body_prefix.starts_with("<html>xxx"));
}

#[test]
fn limits_are_not_too_tight_for_real_replies() {
    // Nesting within the limits still decodes, in both syntaxes.
    let json = format!(
        r#"{{"{KEY}":{{"data":{}1{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let r: Reply = decode_reply_in(Format::Json, json.as_bytes(), KEY, 200).unwrap();
    assert!(r.data.is_some());
    let xml = format!(
        "<{KEY}><data>{}1{}</data></{KEY}>",
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    let r: Reply = decode_reply_in(Format::Xml, xml.as_bytes(), KEY, 200).unwrap();
    let mut v = r.data.unwrap();
    let mut levels = 0;
    while let Some(inner) = v.get("a") {
        v = inner.clone();
        levels += 1;
    }
    assert_eq!((levels, v), (100, topgen_runtime::serde_json::json!("1")));
    // A UTF-8 byte-order mark is skipped.
    let bom = format!("\u{FEFF}<{KEY}><n>3</n></{KEY}>");
    let r: Reply = decode_reply_in(Format::Xml, bom.as_bytes(), KEY, 200).unwrap();
    assert_eq!(r.n, Some(3));
}
