//! The running gateway, spoken to in raw HTTP/1.1 over a `TcpStream`, independently of any TOP
//! client: its checks, its answers in each format, its faults on the wire, and the official
//! SDKs' captured requests (shared/top/sign_vectors.json) replayed byte for byte.

use std::io::Read as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use topgen_gateway::sign::{SignMethod, sign};
use topgen_gateway::{Api, Fault, Format, Gateway, PATH, Recorded, Reply, TopErrorReply, Verdict};

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const SECRET: &str = "gateway-test-secret";
const SUCCESS: &str = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true,"tags":{"string":["a","b"]}}}}"#;
const SUCCESS_XML: &str = "<wdk_iot_wombat_common_gettoken_response><result><success>true</success></result></wdk_iot_wombat_common_gettoken_response>";
const UPLOAD: &str = "taobao.picture.upload";

/// Form-encodes like the official SDK: unreserved bytes as is, space as `+`, others `%XX`.
fn encode(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for (j, part) in [k, v].into_iter().enumerate() {
            if j == 1 {
                out.push('=');
            }
            for b in part.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                        out.push(char::from(b))
                    }
                    b' ' => out.push('+'),
                    _ => out.push_str(&format!("%{b:02X}")),
                }
            }
        }
    }
    out
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// What came back, as it came.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    /// The body as sent (chunked bodies de-chunked, nothing inflated).
    body: Vec<u8>,
    /// How many bytes the answer was (head and body); 0 when the connection was closed
    /// without one.
    wire_len: usize,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Parses a whole HTTP/1.1 answer read until the server closed the connection.
fn parse_answer(raw: &[u8]) -> Answer {
    if raw.is_empty() {
        return Answer {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            wire_len: 0,
        };
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.to_owned(), v.trim().to_owned())
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap(), 16).unwrap();
            if size == 0 {
                break;
            }
            let start = eol + 2;
            let end = (start + size).min(rest.len());
            out.extend_from_slice(&rest[start..end]);
            rest = &rest[(end + 2).min(rest.len())..];
        }
        body = out;
    }
    Answer {
        status,
        headers,
        body,
        wire_len: raw.len(),
    }
}

/// A raw call: every part can be broken on purpose.
#[derive(Clone)]
struct Call {
    http_method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
    content_type: Option<String>,
    raw_body: Option<Vec<u8>>,
    raw_query: Option<String>,
    extra_headers: Vec<String>,
}

impl Call {
    /// A correct, unsigned call of gettoken by app `12345678`, timestamped now, asking for JSON.
    fn good() -> Self {
        let now = topgen_runtime::time::format(&topgen_runtime::time::now());
        Self {
            http_method: "POST",
            path: PATH.to_owned(),
            query: owned(&[
                ("method", METHOD),
                ("app_key", "12345678"),
                ("timestamp", &now),
                ("format", "json"),
                ("v", "2.0"),
                ("sign_method", "md5"),
            ]),
            body: owned(&[("robot_sn", "机器人 A&B=1+2/é"), ("merchant_code", "HM")]),
            content_type: Some("application/x-www-form-urlencoded;charset=UTF-8".to_owned()),
            raw_body: None,
            raw_query: None,
            extra_headers: Vec::new(),
        }
    }

    fn set(mut self, name: &str, value: &str) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    fn remove(mut self, name: &str) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.body.retain(|(k, _)| k != name);
        self
    }

    fn body(mut self, name: &str, value: &str) -> Self {
        self.body.push((name.to_owned(), value.to_owned()));
        self
    }

    fn header(mut self, line: &str) -> Self {
        self.extra_headers.push(line.to_owned());
        self
    }

    /// Adds `sign`, computed with `secret` over the query (without sign) and the body.
    fn signed_with(mut self, secret: &str) -> Self {
        self.query.retain(|(k, _)| k != "sign");
        let method = self
            .query
            .iter()
            .find(|(k, _)| k == "sign_method")
            .and_then(|(_, v)| SignMethod::from_wire(v))
            .unwrap_or(SignMethod::Md5);
        let pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .chain(&self.body)
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sign = sign(&pairs, secret, method);
        self.query.push(("sign".to_owned(), sign));
        self
    }

    fn signed(self) -> Self {
        self.signed_with(SECRET)
    }

    fn bytes(&self, keep_alive: bool) -> Vec<u8> {
        let query = self
            .raw_query
            .clone()
            .unwrap_or_else(|| encode(&self.query));
        let body = self
            .raw_body
            .clone()
            .unwrap_or_else(|| encode(&self.body).into_bytes());
        let connection = if keep_alive { "keep-alive" } else { "close" };
        let mut head = format!(
            "{} {}?{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\nContent-Length: {}\r\n",
            self.http_method,
            self.path,
            query,
            body.len()
        );
        if let Some(ct) = &self.content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        for line in &self.extra_headers {
            head.push_str(line);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&body);
        bytes
    }

    /// Sends the call on a fresh connection and reads until the server closes it.
    async fn send(&self, addr: SocketAddr) -> Answer {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(&self.bytes(false)).await.unwrap();
        let mut raw = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw));
        read.await
            .expect("the gateway answers within 10 s")
            .unwrap();
        parse_answer(&raw)
    }
}

/// A multipart body in the official Java SDK's layout.
fn java_multipart(boundary: &str, text: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in text {
        out.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{name}\"\r\nContent-Type:text/plain\r\n\r\n{value}").as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        out.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{name}\";filename=\"{file_name}\"\r\nContent-Type:image/png\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

/// An upload call with a text param and a file part; signed over the text param only.
fn upload_call(text: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Call {
    let mut call = Call::good().set("method", UPLOAD);
    call.body = owned(text);
    let mut call = call.signed();
    call.content_type = Some("multipart/form-data;charset=UTF-8;boundary=XyZ123".to_owned());
    call.raw_body = Some(java_multipart("XyZ123", text, files));
    call
}

async fn start() -> Gateway {
    Gateway::builder()
        .app("12345678", SECRET)
        .api(
            Api::new(METHOD)
                .required(["robot_sn"])
                .response_json(SUCCESS)
                .error_json(r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数"}}"#),
        )
        .api(
            Api::new("taobao.trade.fullinfo.get")
                .needs_session(true)
                .response_json(r#"{"trade_fullinfo_get_response":{}}"#),
        )
        .api(
            Api::new(UPLOAD)
                .required(["title", "image"])
                .files(["image"])
                .response_json(r#"{"picture_upload_response":{"ok":true}}"#),
        )
        .session("user-session-1")
        .start()
        .await
        .unwrap()
}

fn only(gateway: &Gateway) -> Recorded {
    let mut requests = gateway.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.remove(0)
}

/// Sends `call` and checks it is refused with `code` and `sub_code` in JSON, recorded as such.
async fn refused(gateway: &Gateway, call: Call, code: i64, sub_code: &str) {
    gateway.clear_requests();
    let answer = call.send(gateway.addr()).await;
    let reply = answer.json();
    assert_eq!(answer.status, 200, "{reply}");
    let error = &reply["error_response"];
    assert_eq!(error["code"], code, "{reply}");
    assert_eq!(error["sub_code"], sub_code, "{reply}");
    assert!(
        error["msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{reply}"
    );
    assert!(
        error["sub_msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{reply}"
    );
    let recorded = only(gateway);
    assert_eq!(error["request_id"], recorded.request_id.as_str());
    match &recorded.verdict {
        Verdict::Rejected(r) => {
            assert_eq!((r.code, r.sub_code.as_str()), (code, sub_code));
            assert!(!r.sub_msg.contains(SECRET));
        }
        Verdict::Ok => panic!("recorded as OK: {reply}"),
    }
}

#[tokio::test]
async fn a_correct_call_gets_the_example_and_is_recorded() {
    let gateway = start().await;
    assert!(gateway.endpoint().starts_with("http://127.0.0.1:"));
    assert!(gateway.endpoint().ends_with("/router/rest"));
    for (i, method) in SignMethod::ALL.into_iter().enumerate() {
        gateway.clear_requests();
        let call = Call::good().set("sign_method", method.as_str()).signed();
        let answer = call.send(gateway.addr()).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.text(), SUCCESS);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json;charset=UTF-8")
        );
        let r = only(&gateway);
        assert_eq!(r.verdict, Verdict::Ok, "{method:?}");
        assert_eq!((r.http_method.as_str(), r.path.as_str()), ("POST", PATH));
        assert_eq!(r.query, call.query);
        assert_eq!(r.body, call.body);
        assert_eq!(r.body_param("robot_sn"), Some("机器人 A&B=1+2/é"));
        assert_eq!(r.query_param("sign_method"), Some(method.as_str()));
        assert_eq!(r.sign(), call.query.last().map(|(_, v)| v.as_str()));
        assert_eq!(r.timestamp(), call.query.get(2).map(|(_, v)| v.as_str()));
        assert_eq!(r.content_type, call.content_type);
        assert_eq!(r.header("HOST"), Some("127.0.0.1"));
        assert_eq!(r.reply_format, Format::Json);
        assert_eq!(r.fault, None);
        assert!(r.files.is_empty() && !r.is_multipart());
        assert_eq!(r.request_id, format!("gateway-{}", i + 1));
    }
    // A form without a charset is UTF-8 too.
    let mut call = Call::good().signed();
    call.content_type = Some("application/x-www-form-urlencoded".to_owned());
    gateway.clear_requests();
    assert_eq!(call.send(gateway.addr()).await.status, 200);
    assert_eq!(only(&gateway).verdict, Verdict::Ok);
}

#[tokio::test]
async fn every_format_gets_its_own_answer() {
    let gateway = start().await;
    // Wrapped JSON: the example verbatim.
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.text(), SUCCESS);
    // Simplified: no wrapper, bare lists.
    let simplified = Call::good()
        .set("simplify", "true")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(
        simplified.text(),
        r#"{"result":{"success":true,"tags":["a","b"]}}"#
    );
    assert_eq!(
        simplified.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let not_simplified = Call::good()
        .set("simplify", "false")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(not_simplified.text(), SUCCESS);
    // XML, derived from the JSON example (this API has no XML example).
    let xml = Call::good()
        .set("format", "xml")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(xml.header("content-type"), Some("text/xml;charset=UTF-8"));
    assert_eq!(
        xml.text(),
        r#"<?xml version="1.0" encoding="utf-8" ?><wdk_iot_wombat_common_gettoken_response><result><success>true</success><tags list="true"><string>a</string><string>b</string></tags></result></wdk_iot_wombat_common_gettoken_response>"#
    );
    let formats: Vec<Format> = gateway.requests().iter().map(|r| r.reply_format).collect();
    assert_eq!(
        formats,
        [
            Format::Json,
            Format::SimplifiedJson,
            Format::Json,
            Format::Xml
        ]
    );
    assert!(gateway.requests().iter().all(|r| r.verdict.is_ok()));

    // An XML example is answered verbatim.
    gateway.api(
        Api::new(METHOD)
            .response_json(SUCCESS)
            .response_xml(SUCCESS_XML),
    );
    let xml = Call::good()
        .set("format", "xml")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(xml.text(), SUCCESS_XML);

    // The error example, in each format.
    gateway.api(
        Api::new(METHOD)
            .error_json(r#"{"error_response":{"code":50,"msg":"m"}}"#)
            .error_xml("<error_response><code>50</code><msg>m</msg></error_response>")
            .reply(Reply::ErrorExample),
    );
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.text(), r#"{"error_response":{"code":50,"msg":"m"}}"#);
    let simplified = Call::good()
        .set("simplify", "true")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(
        simplified.text(),
        r#"{"error_response":{"code":50,"msg":"m"}}"#
    );
    let xml = Call::good()
        .set("format", "xml")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(
        xml.text(),
        "<error_response><code>50</code><msg>m</msg></error_response>"
    );

    // An XML-only API cannot answer JSON: a loud 500, not a made-up reply.
    gateway.api(Api::new(METHOD).response_xml(SUCCESS_XML));
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.status, 500);
    assert!(json.text().contains("no JSON example"), "{}", json.text());
}

#[tokio::test]
async fn errors_come_in_the_requested_format() {
    let gateway = start().await;
    let bad_sign = |c: Call| c.signed_with("wrong-secret");
    let xml = bad_sign(Call::good().set("format", "xml"))
        .send(gateway.addr())
        .await;
    assert_eq!(xml.status, 200);
    assert_eq!(xml.header("content-type"), Some("text/xml;charset=UTF-8"));
    let text = xml.text();
    assert!(text.starts_with(r#"<?xml version="1.0" encoding="utf-8" ?><error_response><code>25</code><msg>Invalid Signature</msg><sub_code>isv.invalid-signature</sub_code><sub_msg>"#), "{text}");
    assert!(
        text.ends_with("<request_id>gateway-1</request_id></error_response>"),
        "{text}"
    );
    let simplified = bad_sign(Call::good().set("simplify", "true"))
        .send(gateway.addr())
        .await;
    assert_eq!(simplified.json()["error_response"]["code"], 25);
    // No format at all: TOP answers XML, and refuses (clients must always send it).
    let none = Call::good()
        .remove("format")
        .signed()
        .send(gateway.addr())
        .await;
    assert!(
        none.text()
            .contains("<code>23</code><msg>Invalid Format</msg>"),
        "{}",
        none.text()
    );
    let formats: Vec<Format> = gateway.requests().iter().map(|r| r.reply_format).collect();
    assert_eq!(formats, [Format::Xml, Format::SimplifiedJson, Format::Xml]);
}

#[tokio::test]
async fn http_method_path_and_encoding_are_checked() {
    let gateway = start().await;
    let mut get = Call::good().signed();
    get.http_method = "GET";
    refused(&gateway, get, 9, "isv.http-action-not-allowed").await;
    let mut path = Call::good().signed();
    path.path = "/router/rest2".to_owned();
    refused(&gateway, path, 9, "isv.http-action-not-allowed").await;

    let mut json = Call::good().signed();
    json.content_type = Some("application/json".to_owned());
    refused(&gateway, json, 41, "isv.invalid-content-type").await;
    let mut none = Call::good().signed();
    none.content_type = None;
    refused(&gateway, none, 41, "isv.invalid-content-type").await;
    let mut gbk = Call::good().signed();
    gbk.content_type = Some("application/x-www-form-urlencoded; charset=GBK".to_owned());
    refused(&gateway, gbk, 47, "isv.invalid-encoding").await;
    let mut latin1 = Call::good().signed();
    latin1.raw_body = Some(b"robot_sn=%E9t%E9".to_vec());
    refused(&gateway, latin1, 47, "isv.invalid-encoding").await;
    let mut query = Call::good().signed();
    query.raw_query = Some(format!("{}&x=%FF", encode(&query.query)));
    refused(&gateway, query, 47, "isv.invalid-encoding").await;
}

#[tokio::test]
async fn params_must_be_in_their_place_once_and_not_empty() {
    let gateway = start().await;
    let mut business_in_query = Call::good();
    business_in_query
        .query
        .push(("ou_code".to_owned(), "8007".to_owned()));
    refused(
        &gateway,
        business_in_query.signed(),
        41,
        "isv.invalid-parameter:ou_code",
    )
    .await;
    let system_in_body = Call::good().body("session", "user-session-1").signed();
    refused(
        &gateway,
        system_in_body,
        41,
        "isv.invalid-parameter:session",
    )
    .await;
    let twice = Call::good().body("robot_sn", "again").signed();
    refused(&gateway, twice, 41, "isv.invalid-parameter:robot_sn").await;
    let mut twice_in_query = Call::good().signed();
    twice_in_query
        .query
        .push(("v".to_owned(), "2.0".to_owned()));
    refused(&gateway, twice_in_query, 41, "isv.invalid-parameter:v").await;
    let empty = Call::good().body("ou_code", "").signed();
    refused(&gateway, empty, 41, "isv.invalid-parameter:ou_code").await;
    let blank = Call::good().body("ou_code", "  ").signed();
    refused(&gateway, blank, 41, "isv.invalid-parameter:ou_code").await;
    let empty_system = Call::good().set("partner_id", "").signed();
    refused(
        &gateway,
        empty_system,
        41,
        "isv.invalid-parameter:partner_id",
    )
    .await;
}

#[tokio::test]
async fn system_params_are_checked() {
    let gateway = start().await;
    let cases = [
        (Call::good().remove("method"), 21, "isv.missing-method"),
        (
            Call::good().set("method", "taobao.no.such.api"),
            22,
            "isv.invalid-method",
        ),
        (Call::good().remove("app_key"), 28, "isv.missing-app-key"),
        (
            Call::good().set("app_key", "87654321"),
            29,
            "isv.invalid-app-key",
        ),
        (
            Call::good().remove("timestamp"),
            30,
            "isv.missing-timestamp",
        ),
        (
            Call::good().set("timestamp", "2026/11/28 12:00:00"),
            31,
            "isv.invalid-timestamp",
        ),
        (
            Call::good().set("timestamp", "2000-01-01 00:00:00"),
            31,
            "isv.invalid-timestamp",
        ),
        (Call::good().remove("v"), 32, "isv.missing-version"),
        (Call::good().set("v", "1.0"), 33, "isv.invalid-version"),
        (
            Call::good().set("simplify", "yes"),
            41,
            "isv.invalid-parameter:simplify",
        ),
        (
            Call::good().remove("sign_method"),
            25,
            "isv.invalid-signature",
        ),
        (
            Call::good().set("sign_method", "sha1"),
            25,
            "isv.invalid-signature",
        ),
    ];
    for (call, code, sub_code) in cases {
        refused(&gateway, call.signed(), code, sub_code).await;
    }
    refused(&gateway, Call::good(), 24, "isv.missing-signature").await;
    let wrong_secret = Call::good().signed_with("another-secret");
    refused(&gateway, wrong_secret, 25, "isv.invalid-signature").await;
    // Signed, then changed: a business value, a system value.
    let tampered = Call::good()
        .signed()
        .remove("merchant_code")
        .body("merchant_code", "XX");
    refused(&gateway, tampered, 25, "isv.invalid-signature").await;
    let mut lower = Call::good().signed();
    for (k, v) in &mut lower.query {
        if k == "sign" {
            *v = v.to_ascii_lowercase();
        }
    }
    refused(&gateway, lower, 25, "isv.invalid-signature").await;
    // Optional system params are signed like the others.
    let mut partner = Call::good().set("partner_id", "top-sdk-rust").signed();
    partner.query.retain(|(k, _)| k != "partner_id");
    partner
        .query
        .push(("partner_id".to_owned(), "other".to_owned()));
    refused(&gateway, partner, 25, "isv.invalid-signature").await;
    // An unknown format is refused in XML, TOP's default.
    gateway.clear_requests();
    let yaml = Call::good()
        .set("format", "yaml")
        .signed()
        .send(gateway.addr())
        .await;
    assert!(
        yaml.text()
            .contains("<sub_code>isv.invalid-format</sub_code>"),
        "{}",
        yaml.text()
    );
    assert_eq!(only(&gateway).verdict.code(), Some(23));
}

#[tokio::test]
async fn sessions_and_required_params_are_checked() {
    let gateway = start().await;
    let trade = || Call::good().set("method", "taobao.trade.fullinfo.get");
    refused(&gateway, trade().signed(), 26, "isv.missing-session").await;
    let other = trade().set("session", "someone-else").signed();
    refused(&gateway, other, 27, "isv.invalid-session").await;
    gateway.clear_requests();
    let ok = trade().set("session", "user-session-1").signed();
    assert_eq!(ok.send(gateway.addr()).await.status, 200);
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    let debug = format!("{recorded:?}");
    assert!(!debug.contains("user-session-1"), "{debug}");
    assert!(debug.contains("\"session\", \"***\""), "{debug}");

    let missing = Call::good().remove("robot_sn").signed();
    refused(&gateway, missing, 40, "isv.missing-parameter:robot_sn").await;
}

#[tokio::test]
async fn multipart_text_parts_are_signed_and_file_parts_are_not() {
    let gateway = start().await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0binary\r\n--not-a-boundary";
    let call = upload_call(&[("title", "图 1")], &[("image", "a.png", png)]);
    let answer = call.send(gateway.addr()).await;
    assert_eq!(answer.text(), r#"{"picture_upload_response":{"ok":true}}"#);
    let r = only(&gateway);
    assert_eq!(r.verdict, Verdict::Ok);
    assert!(r.is_multipart());
    assert_eq!(r.body, owned(&[("title", "图 1")]));
    let file = r.file("image").expect("the file part");
    assert_eq!(
        (file.file_name.as_str(), file.content_type.as_deref()),
        ("a.png", Some("image/png"))
    );
    assert_eq!(file.bytes, png);
    assert!(format!("{r:?}").contains(&format!("{} bytes", png.len())));

    // A sign that covers the file's content is wrong.
    let mut signed_file = Call::good().set("method", UPLOAD);
    signed_file.body = owned(&[("title", "图 1"), ("image", "PNGDATA")]);
    let mut signed_file = signed_file.signed();
    signed_file.content_type = Some("multipart/form-data; boundary=\"XyZ123\"".to_owned());
    signed_file.raw_body = Some(java_multipart(
        "XyZ123",
        &[("title", "图 1")],
        &[("image", "a.png", b"PNGDATA")],
    ));
    refused(&gateway, signed_file, 25, "isv.invalid-signature").await;

    // Files as files, and only files as files.
    let as_text = upload_call(&[("title", "t"), ("image", "PNGDATA")], &[]);
    refused(&gateway, as_text, 41, "isv.invalid-parameter:image").await;
    let stray_file = upload_call(
        &[("title", "t")],
        &[("image", "a.png", b"x"), ("thumb", "b.png", b"y")],
    );
    refused(&gateway, stray_file, 41, "isv.invalid-parameter:thumb").await;
    let no_file = upload_call(&[("title", "t")], &[]);
    refused(&gateway, no_file, 40, "isv.missing-parameter:image").await;
    let twice = upload_call(
        &[("title", "t")],
        &[("image", "a.png", b"x"), ("image", "b.png", b"y")],
    );
    refused(&gateway, twice, 41, "isv.invalid-parameter:image").await;

    // Broken bodies.
    let mut no_boundary = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    no_boundary.content_type = Some("multipart/form-data".to_owned());
    refused(&gateway, no_boundary, 41, "isv.invalid-content-type").await;
    let mut unterminated = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    if let Some(body) = &mut unterminated.raw_body {
        body.truncate(body.len() - 12);
    }
    refused(&gateway, unterminated, 41, "isv.invalid-multipart").await;
    let mut gbk = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    gbk.raw_body = Some(
        b"--XyZ123\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=GBK\r\n\r\nt\r\n--XyZ123--\r\n".to_vec(),
    );
    refused(&gateway, gbk, 47, "isv.invalid-encoding").await;
    let mut latin1 = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    latin1.raw_body = Some(
        b"--XyZ123\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\xe9t\xe9\r\n--XyZ123--\r\n".to_vec(),
    );
    refused(&gateway, latin1, 47, "isv.invalid-encoding").await;
}

#[tokio::test]
async fn the_official_sdks_captured_requests_pass() {
    // The wire captures of shared/top/sign_vectors.json, replayed byte for byte against a
    // gateway whose clock reads their timestamp.
    let now = topgen_runtime::time::parse("2026-11-28 12:00:00").unwrap();
    let gateway = Gateway::builder()
        .app("12345678", "helloworld")
        .api(Api::new(METHOD).response_json(SUCCESS).files(["image"]))
        .clock(now)
        .start()
        .await
        .unwrap();
    let java = "app_key=12345678&method=taobao.wdk.iot.wombat.common.gettoken&v=2.0&sign=SIGN&timestamp=2026-11-28+12%3A00%3A00&partner_id=top-sdk-java-dynamicVersionNo&format=json&sign_method=METHOD";
    let form = b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=xxxxx".to_vec();
    let captures: Vec<(String, &str, Vec<u8>, Format)> = vec![
        (java.replace("SIGN", "2211C3FCF8A614C835A908D30CDB40F1").replace("METHOD", "md5"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (java.replace("SIGN", "5B772061C17FFEB98A111D36E72BF66A").replace("METHOD", "hmac"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (java.replace("SIGN", "E01D45B8AFBC6ADCAC10672C52893CB7517F4F884F481C00833A02AA98EE1FBE").replace("METHOD", "hmac-sha256"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (
            java.replace("SIGN", "254AF2610B11823864E06FF4095E7DAF").replace("METHOD", "md5"),
            "application/x-www-form-urlencoded;charset=UTF-8",
            b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9".to_vec(),
            Format::Json,
        ),
        (format!("{}&simplify=true", java.replace("SIGN", "686D0086AD45EA40B9219859C682FAA7").replace("METHOD", "md5")), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::SimplifiedJson),
        (
            format!("{}&simplify=true", java.replace("SIGN", "CC35FE40B62DF1B2D295F4763DEC6641").replace("METHOD", "md5")),
            "multipart/form-data;charset=UTF-8;boundary=788495831173",
            b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n".to_vec(),
            Format::SimplifiedJson,
        ),
        (
            "format=json&app_key=12345678&timestamp=2026-11-28+12%3A00%3A00&sign=31C449616493B9BC6E44F02DAB4227550CB2B021192D2269CB7342B65CD12A09&method=taobao.wdk.iot.wombat.common.gettoken&simplify=true&sign_method=hmac-sha256&v=2.0".to_owned(),
            "application/x-www-form-urlencoded",
            b"robot_sn=xxxxx&ou_code=8007&scenes_code=1&merchant_code=HM".to_vec(),
            Format::SimplifiedJson,
        ),
    ];
    for (query, content_type, body, format) in captures {
        gateway.clear_requests();
        let mut call = Call::good();
        call.raw_query = Some(query.clone());
        call.content_type = Some(content_type.to_owned());
        call.raw_body = Some(body);
        let answer = call.send(gateway.addr()).await;
        assert_eq!(answer.status, 200);
        let recorded = only(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok, "{query}: {}", answer.text());
        assert_eq!(recorded.reply_format, format);
        let expected = if format == Format::SimplifiedJson {
            r#"{"result":{"success":true,"tags":["a","b"]}}"#
        } else {
            SUCCESS
        };
        assert_eq!(answer.text(), expected);
    }
    // The multipart capture's file is recorded, unsigned.
    // (The last multipart capture was the sixth; check it again on its own.)
    gateway.clear_requests();
    let mut call = Call::good();
    call.raw_query = Some(format!(
        "{}&simplify=true",
        java.replace("SIGN", "CC35FE40B62DF1B2D295F4763DEC6641")
            .replace("METHOD", "md5")
    ));
    call.content_type = Some("multipart/form-data;charset=UTF-8;boundary=788495831173".to_owned());
    call.raw_body = Some(b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n".to_vec());
    call.send(gateway.addr()).await;
    let recorded = only(&gateway);
    assert_eq!(
        recorded.file("image").map(|f| f.bytes.as_slice()),
        Some(&b"PNGDATA"[..])
    );
    assert_eq!(recorded.body, owned(&[("robot_sn", "xxxxx")]));

    // The same capture signed with another secret (the canonical vector) is refused; so are
    // the python SDK's millisecond timestamps.
    let mut call = Call::good();
    call.raw_query = Some(
        java.replace("SIGN", "7FA600ECB5499BD7B8B99D551CDE0D39")
            .replace("METHOD", "md5"),
    );
    call.raw_body = Some(form.clone());
    refused(&gateway, call, 25, "isv.invalid-signature").await;
    let mut python = Call::good();
    python.raw_query = Some("format=json&app_key=12345678&sign_method=md5&v=2.0&timestamp=1795838400000&partner_id=taobao-sdk-python-20160516&method=taobao.wdk.iot.wombat.common.gettoken&sign=930C131CD9B045E2DBA7488D812B2C7A".to_owned());
    python.raw_body = Some(form);
    refused(&gateway, python, 31, "isv.invalid-timestamp").await;
}

#[tokio::test]
async fn top_errors_replace_the_reply_of_accepted_requests_only() {
    let gateway = start().await;
    gateway.push_faults([
        Fault::top_error(
            TopErrorReply::new(7, "App Call Limited")
                .sub("accesscontrol.limited-by-app-access-count", "limited"),
        ),
        Fault::isp_error(),
        Fault::isv_error(),
    ]);
    assert_eq!(gateway.pending_faults(), 3);
    let limited = Call::good().signed().send(gateway.addr()).await.json();
    assert_eq!(limited["error_response"]["code"], 7);
    assert_eq!(limited["error_response"]["request_id"], "gateway-1");
    // A refused request takes the next fault, but gets its refusal.
    let refused = Call::good()
        .signed_with("wrong")
        .send(gateway.addr())
        .await
        .json();
    assert_eq!(refused["error_response"]["code"], 25);
    let isv = Call::good()
        .set("format", "xml")
        .signed()
        .send(gateway.addr())
        .await
        .text();
    assert!(isv.contains("<code>15</code><msg>Remote service error</msg><sub_code>isv.invalid-parameter</sub_code>"), "{isv}");
    assert!(isv.contains("<request_id>gateway-3</request_id>"), "{isv}");
    // The queue is empty: normal answers again.
    assert_eq!(gateway.pending_faults(), 0);
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
    let faults: Vec<Option<Fault>> = gateway.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(faults[1], Some(Fault::isp_error()));
    assert_eq!(faults[2], Some(Fault::isv_error()));
    assert_eq!(faults[3], None);
    let verdicts: Vec<Option<i64>> = gateway
        .requests()
        .iter()
        .map(|r| r.verdict.code())
        .collect();
    assert_eq!(verdicts, [None, Some(25), None, None]);

    // A default fault applies once the queue is empty; clearing removes it.
    gateway.push_fault(Fault::status(503));
    gateway.set_default_fault(Some(Fault::proxy_error_page(502)));
    let first = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(
        (first.status, first.text().as_str()),
        (503, "503 Service Unavailable")
    );
    for _ in 0..2 {
        let page = Call::good().signed().send(gateway.addr()).await;
        assert_eq!(page.status, 502);
        assert_eq!(page.header("content-type"), Some("text/html"));
        assert!(
            page.text().contains("<title>502 Bad Gateway</title>"),
            "{}",
            page.text()
        );
    }
    gateway.clear_faults();
    assert_eq!(Call::good().signed().send(gateway.addr()).await.status, 200);
}

#[tokio::test]
async fn delivery_faults_change_what_goes_over_the_wire() {
    let gateway = start().await;
    let call = Call::good().signed();

    // Delay: nothing before it.
    gateway.push_fault(Fault::delay(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(call.send(gateway.addr()).await.text(), SUCCESS);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // Drop mid-body: the full length announced, 10 bytes sent, then the connection closed.
    gateway.push_fault(Fault::drop_mid_body(10));
    let cut = call.send(gateway.addr()).await;
    assert_eq!(
        cut.header("content-length"),
        Some(SUCCESS.len().to_string().as_str())
    );
    assert_eq!(cut.body, SUCCESS.as_bytes()[..10]);

    // Truncate: a complete answer of 10 bytes.
    gateway.push_fault(Fault::truncate(10));
    let cut = call.send(gateway.addr()).await;
    assert_eq!(cut.header("content-length"), Some("10"));
    assert_eq!(cut.body, SUCCESS.as_bytes()[..10]);

    // Oversize: padded with spaces to the size, still the same JSON.
    gateway.push_fault(Fault::oversize(100_000));
    let big = call.send(gateway.addr()).await;
    assert_eq!(big.body.len(), 100_000);
    assert!(big.text().starts_with(SUCCESS));
    assert_eq!(
        big.json()["wdk_iot_wombat_common_gettoken_response"]["result"]["success"],
        true
    );

    // Chunked: no Content-Length.
    gateway.push_fault(Fault::oversize(50_000).and(Fault::chunked()));
    let chunked = call.send(gateway.addr()).await;
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
    assert_eq!(chunked.header("content-length"), None);
    assert_eq!(chunked.body.len(), 50_000);

    // Gzip: only when the request accepts it.
    gateway.push_faults([Fault::gzip(), Fault::gzip()]);
    let zipped = call
        .clone()
        .header("Accept-Encoding: gzip")
        .send(gateway.addr())
        .await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_string(&mut inflated)
        .unwrap();
    assert_eq!(inflated, SUCCESS);
    let plain = call.send(gateway.addr()).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), SUCCESS);
    let compressed: Vec<bool> = gateway.requests().iter().map(|r| r.compressed).collect();
    assert_eq!(compressed[compressed.len() - 2..], [true, false]);

    // Close: no answer at all, but the request is recorded.
    gateway.clear_requests();
    gateway.push_fault(Fault::close());
    let nothing = call.send(gateway.addr()).await;
    assert_eq!(nothing.wire_len, 0);
    assert_eq!(only(&gateway).fault, Some(Fault::Close));

    // Stall: the head and the first bytes arrive, then nothing for the pause.
    gateway.push_fault(Fault::stall_body(5, Duration::from_millis(800)));
    let mut stream = tokio::net::TcpStream::connect(gateway.addr())
        .await
        .unwrap();
    stream.write_all(&call.bytes(false)).await.unwrap();
    let mut first = Vec::new();
    let started = Instant::now();
    while !first.ends_with(&SUCCESS.as_bytes()[..5]) {
        let mut buf = [0u8; 1024];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed early");
        first.extend_from_slice(&buf[..n]);
    }
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "the first bytes came late"
    );
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(800));
    first.extend_from_slice(&rest);
    assert_eq!(parse_answer(&first).text(), SUCCESS);
}

#[tokio::test]
async fn the_builder_can_gzip_every_answer_and_queue_faults() {
    let gateway = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .gzip(true)
        .fault(Fault::isp_error())
        .faults([Fault::status(500)])
        .default_fault(Fault::delay(Duration::from_millis(1)))
        .start()
        .await
        .unwrap();
    let call = Call::good()
        .signed()
        .header("Accept-Encoding: deflate, gzip");
    let first = call.send(gateway.addr()).await;
    assert_eq!(first.header("content-encoding"), Some("gzip"));
    let second = call.send(gateway.addr()).await;
    assert_eq!(second.status, 500);
    let third = call.send(gateway.addr()).await;
    assert_eq!(third.status, 200);
    let faults: Vec<Option<Fault>> = gateway.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(
        faults,
        [
            Some(Fault::isp_error()),
            Some(Fault::status(500)),
            Some(Fault::delay(Duration::from_millis(1)))
        ]
    );
}

#[tokio::test]
async fn a_connection_serves_requests_one_after_the_other() {
    let gateway = start().await;
    let call = Call::good().signed();
    let mut stream = tokio::net::TcpStream::connect(gateway.addr())
        .await
        .unwrap();
    // Two requests pipelined, the second closing the connection.
    let mut bytes = call.bytes(true);
    bytes.extend_from_slice(&call.bytes(false));
    stream.write_all(&bytes).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert_eq!(text.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{text}");
    assert_eq!(text.matches(SUCCESS).count(), 2, "{text}");
    assert_eq!(gateway.request_count(), 2);

    // A chunked request body is read too.
    let body = encode(&call.body);
    let mut chunked = format!(
        "POST {PATH}?{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n",
        encode(&call.query)
    )
    .into_bytes();
    let (a, b) = body.as_bytes().split_at(7);
    for piece in [a, b] {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(gateway.addr())
        .await
        .unwrap();
    stream.write_all(&chunked).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    assert_eq!(parse_answer(&raw).text(), SUCCESS);
    assert_eq!(gateway.requests()[2].body, call.body);
}

#[tokio::test]
async fn what_is_not_http_gets_400_and_is_not_recorded() {
    let gateway = start().await;
    for garbage in [
        &b"HELLO\r\n\r\n"[..],
        b"POST /router/rest HTTP/2.0\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nno colon\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(gateway.addr())
            .await
            .unwrap();
        stream.write_all(garbage).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        assert_eq!(parse_answer(&raw).status, 400, "{garbage:?}");
    }
    let mut stream = tokio::net::TcpStream::connect(gateway.addr())
        .await
        .unwrap();
    let huge = format!("POST {PATH} HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n");
    stream.write_all(huge.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    assert_eq!(parse_answer(&raw).status, 413);
    assert_eq!(gateway.request_count(), 0);
}

async fn assert_stops(addr: SocketAddr) {
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting connections on {addr}");
}

#[tokio::test]
async fn dropping_the_gateway_stops_it() {
    let gateway = start().await;
    let addr = gateway.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(gateway);
    assert_stops(addr).await;
}

#[test]
fn a_spawned_gateway_serves_from_its_own_thread() {
    let gateway = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .spawn()
        .unwrap();
    let addr = gateway.addr();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime.block_on(Call::good().signed().send(addr));
    assert_eq!(answer.text(), SUCCESS);
    assert_eq!(gateway.request_count(), 1);
    drop(gateway);
    // Joined on drop: nothing listens any more.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let gateway = start().await;
    Call::good()
        .body("password", "pw-distinctive-1")
        .body("access_token", "tok-distinctive-2")
        .signed()
        .send(gateway.addr())
        .await;
    let debug = format!("{:?} {gateway:?}", gateway.requests());
    for secret in [
        "pw-distinctive-1",
        "tok-distinctive-2",
        SECRET,
        "user-session-1",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("robot_sn"), "{debug}");
}
