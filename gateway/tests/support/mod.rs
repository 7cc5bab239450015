//! What the raw-HTTP tests share: a gateway with the test APIs, a [`Call`] whose every part
//! can be broken on purpose, the SDK's form encoding and multipart layout, and the parsed
//! [`Answer`]. Each test file uses a part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use topgen_gateway::sign::{SignMethod, sign};
use topgen_gateway::{Api, Gateway, PATH, Recorded, Verdict};

pub const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
pub const SECRET: &str = "gateway-test-secret";
pub const SUCCESS: &str = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true,"tags":{"string":["a","b"]}}}}"#;
pub const SUCCESS_XML: &str = "<wdk_iot_wombat_common_gettoken_response><result><success>true</success></result></wdk_iot_wombat_common_gettoken_response>";
pub const UPLOAD: &str = "taobao.picture.upload";

/// Form-encodes like the official SDK: unreserved bytes as is, space as `+`, others `%XX`.
pub fn encode(pairs: &[(String, String)]) -> String {
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

pub fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// What came back, as it came.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as sent (chunked bodies de-chunked, nothing inflated).
    pub body: Vec<u8>,
    /// How many bytes the answer was (head and body); 0 when the connection was closed
    /// without one.
    pub wire_len: usize,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Writes `bytes` on a fresh connection and reads until the server closes it (10 s at most).
pub async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut raw = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw));
    read.await
        .expect("the gateway answers within 10 s")
        .unwrap();
    raw
}

/// Parses a whole HTTP/1.1 answer read until the server closed the connection.
pub fn parse_answer(raw: &[u8]) -> Answer {
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
pub struct Call {
    pub http_method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub raw_body: Option<Vec<u8>>,
    pub raw_query: Option<String>,
    pub extra_headers: Vec<String>,
}

impl Call {
    /// A correct, unsigned call of gettoken by app `12345678`, timestamped now, asking for JSON.
    pub fn good() -> Self {
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

    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn remove(mut self, name: &str) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.body.retain(|(k, _)| k != name);
        self
    }

    pub fn body(mut self, name: &str, value: &str) -> Self {
        self.body.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn header(mut self, line: &str) -> Self {
        self.extra_headers.push(line.to_owned());
        self
    }

    /// Adds `sign`, computed with `secret` over the query (without sign) and the body.
    pub fn signed_with(mut self, secret: &str) -> Self {
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

    pub fn signed(self) -> Self {
        self.signed_with(SECRET)
    }

    /// The timestamp as epoch milliseconds, as Taobao's Python SDK sends it (sign afterwards).
    pub fn epoch_ms_timestamp(self) -> Self {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        self.set("timestamp", &millis.to_string())
    }

    /// Every param, `sign` included, moved into the form body, with an empty URL query and
    /// the Node SDK's content type: how `node-taobao-topclient` posts (sign before).
    pub fn all_in_body(mut self) -> Self {
        let mut body = std::mem::take(&mut self.query);
        body.append(&mut self.body);
        self.body = body;
        self.content_type = Some("application/x-www-form-urlencoded".to_owned());
        self
    }

    /// Every param in the URL query of a GET without a body (sign before).
    pub fn all_in_query(mut self) -> Self {
        self.query.append(&mut self.body);
        self.http_method = "GET";
        self.content_type = None;
        self
    }

    pub fn bytes(&self, keep_alive: bool) -> Vec<u8> {
        let query = self
            .raw_query
            .clone()
            .unwrap_or_else(|| encode(&self.query));
        let body = self
            .raw_body
            .clone()
            .unwrap_or_else(|| encode(&self.body).into_bytes());
        let connection = if keep_alive { "keep-alive" } else { "close" };
        // No `?` without a query (the Node SDK's POST); no Content-Length on a GET without a
        // body (its GET).
        let target = if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        };
        let mut head = format!(
            "{} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n",
            self.http_method,
        );
        if !(body.is_empty() && self.http_method == "GET") {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
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
    pub async fn send(&self, addr: SocketAddr) -> Answer {
        parse_answer(&exchange(addr, &self.bytes(false)).await)
    }
}

/// Sends a correct call with the query param `name` set to `value`, signed.
pub async fn send_with(gateway: &Gateway, name: &str, value: &str) -> Answer {
    Call::good()
        .set(name, value)
        .signed()
        .send(gateway.addr())
        .await
}

/// A multipart body in the official Java SDK's layout.
pub fn java_multipart(
    boundary: &str,
    text: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Vec<u8> {
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
pub fn upload_call(text: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Call {
    let mut call = Call::good().set("method", UPLOAD);
    call.body = owned(text);
    let mut call = call.signed();
    call.content_type = Some("multipart/form-data;charset=UTF-8;boundary=XyZ123".to_owned());
    call.raw_body = Some(java_multipart("XyZ123", text, files));
    call
}

pub async fn start() -> Gateway {
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

pub fn only(gateway: &Gateway) -> Recorded {
    let mut requests = gateway.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.remove(0)
}

/// Sends `call` and checks it is refused with `code` and `sub_code` in JSON, recorded as such.
pub async fn refused(gateway: &Gateway, call: Call, code: i64, sub_code: &str) {
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
