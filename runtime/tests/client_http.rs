//! The client over real HTTP, against a tiny HTTP/1.1 responder on 127.0.0.1 that records
//! each request and answers a canned reply.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use topgen_runtime::__private::sign::sign;
use topgen_runtime::{
    CallOptions, Client, ClientBuilder, Error, FileItem, ParamError, Params, Request, Secret,
    SignMethod, time,
};

const APP_KEY: &str = "12345678";
const APP_SECRET: &str = "app-secret-7Yq9wZ";
const SESSION: &str = "session-tok-3Xk8vB";

// ---------------------------------------------------------------------------------------
// The responder

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn query(&self) -> Vec<(String, String)> {
        let (_, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        decode_form(query.as_bytes())
    }
}

fn decode_form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// The canned reply.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type", "application/json;charset=UTF-8")],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }
}

struct Server {
    endpoint: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    async fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (recorded, accepted) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let (recorded, reply) = (recorded.clone(), reply.clone());
                tokio::spawn(async move {
                    let _ = handle(stream, recorded, reply).await;
                });
            }
        });
        Server {
            endpoint: format!("http://{addr}/router/rest"),
            requests,
            connections,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    fn client(&self) -> ClientBuilder {
        Client::builder(APP_KEY, APP_SECRET).endpoint(&self.endpoint)
    }
}

async fn handle(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    reply: Reply,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        if read_more(&mut stream, &mut buf).await? == 0 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_owned();
    let target = request_line.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let body = if let Some(len) = get("content-length") {
        let len: usize = len.parse().unwrap_or(0);
        while buf.len() < head_end + len {
            if read_more(&mut stream, &mut buf).await? == 0 {
                break;
            }
        }
        buf[head_end..(head_end + len).min(buf.len())].to_vec()
    } else if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            if let Some(body) = dechunk(&buf[head_end..]) {
                break body;
            }
            if read_more(&mut stream, &mut buf).await? == 0 {
                break Vec::new();
            }
        }
    } else {
        Vec::new()
    };
    recorded.lock().expect("lock").push(Recorded {
        method,
        target,
        headers,
        body,
    });
    tokio::time::sleep(reply.delay).await;
    let mut out = format!("HTTP/1.1 {} Canned\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(out.as_bytes()).await?;
    stream.write_all(&reply.body).await?;
    stream.shutdown().await
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete chunked body, decoded; `None` while incomplete.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return find(data, b"\r\n").map(|_| out);
        }
        if data.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

// ---------------------------------------------------------------------------------------
// Requests, as the generator writes them

#[derive(Debug, Default, PartialEq)]
struct TokenResponse {
    result: Option<IotResult>,
    request_id: Option<String>,
}

::topgen_runtime::decoded_struct!(TokenResponse {
    result: (0, "result", field),
    request_id: (1, "request_id", field),
});

#[derive(Debug, Default, PartialEq)]
struct IotResult {
    success: Option<bool>,
    data: Option<OssToken>,
}

::topgen_runtime::decoded_struct!(IotResult {
    success: (0, "success", field),
    data: (1, "data", field),
});

impl topgen_runtime::__private::de::Object for IotResult {}

#[derive(Debug, Default, PartialEq)]
struct OssToken {
    access_key_secret: Option<Secret>,
    expiration_time: Option<topgen_runtime::DateTime>,
}

::topgen_runtime::decoded_struct!(OssToken {
    access_key_secret: (0, "access_key_secret", field),
    expiration_time: (1, "expiration_time", field),
});

impl topgen_runtime::__private::de::Object for OssToken {}

struct GetToken {
    robot_sn: String,
    image: Option<FileItem>,
}

impl GetToken {
    fn new(robot_sn: &str) -> Self {
        GetToken {
            robot_sn: robot_sn.to_owned(),
            image: None,
        }
    }
}

impl Request for GetToken {
    type Response = TokenResponse;
    const METHOD: &'static str = "taobao.wdk.iot.wombat.common.gettoken";
    const RESPONSE_KEY: &'static str = "wdk_iot_wombat_common_gettoken_response";
    const REQUIRES_SESSION: bool = false;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push("merchant_code", "HM");
        Params::check_max_length("robot_sn", &self.robot_sn, 64)?;
        params.push_required("robot_sn", &self.robot_sn)?;
        if let Some(image) = &self.image {
            params.push_file("image", image);
        }
        Ok(())
    }
}

/// An API that needs a session.
struct TradeGet;

impl Request for TradeGet {
    type Response = TokenResponse;
    const METHOD: &'static str = "taobao.trade.fullinfo.get";
    const RESPONSE_KEY: &'static str = "trade_fullinfo_get_response";
    const REQUIRES_SESSION: bool = true;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push("tid", &42_i64);
        Ok(())
    }
}

const SUCCESS: &str = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":"true","data":{"access_key_secret":"AKS-reply-secret","expiration_time":"2021-08-04 00:00:00"}},"request_id":"rid-1"}}"#;

/// Every text a user could log: Debug and Display.
fn assert_no_secrets(what: &str, text: &str) {
    for secret in [APP_SECRET, SESSION, "AKS-reply-secret"] {
        assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
    }
}

fn assert_error_has_no_secrets(e: &Error) {
    assert_no_secrets("error Debug", &format!("{e:?}"));
    assert_no_secrets("error Display", &e.to_string());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        assert_no_secrets("error source", &format!("{s} {s:?}"));
        source = s.source();
    }
}

/// Checks the signature the server received against the params it received.
fn assert_signed(r: &Recorded, text_params: &[(String, String)], method: SignMethod) {
    let query = r.query();
    let sent = query
        .iter()
        .find(|(k, _)| k == "sign")
        .map(|(_, v)| v.clone())
        .expect("a sign");
    let signed: Vec<(&str, &str)> = query
        .iter()
        .chain(text_params)
        .filter(|(k, _)| k != "sign")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(sign(&signed, None, APP_SECRET, method), sent);
}

// ---------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn success_is_signed_sent_and_decoded() {
    let server = Server::start(Reply::json(200, SUCCESS)).await;
    let client = server.client().build().expect("client");
    let before = time::now();
    let reply = client
        .execute_with(
            &GetToken::new("机器人 A&B"),
            &CallOptions::new().session(SESSION),
        )
        .await
        .expect("success");
    let result = reply.result.expect("result");
    assert_eq!(result.success, Some(true));
    let data = result.data.expect("data");
    assert_eq!(
        data.access_key_secret.as_ref().map(Secret::expose_secret),
        Some("AKS-reply-secret")
    );
    assert_eq!(
        data.expiration_time,
        Some(time::parse("2021-08-04 00:00:00").expect("date"))
    );
    assert_eq!(reply.request_id.as_deref(), Some("rid-1"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert!(r.target.starts_with("/router/rest?method=taobao.wdk.iot.wombat.common.gettoken&app_key=12345678&sign_method=hmac-sha256&timestamp="), "{}", r.target);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded;charset=UTF-8")
    );
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("topgen/", env!("CARGO_PKG_VERSION")))
    );
    assert!(
        r.header("accept-encoding")
            .is_some_and(|v| v.contains("gzip"))
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "merchant_code=HM&robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B"
    );
    let query = r.query();
    let names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "method",
            "app_key",
            "sign_method",
            "timestamp",
            "v",
            "format",
            "session",
            "sign"
        ]
    );
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("session"), Some(SESSION));
    assert_eq!(get("v"), Some("2.0"));
    assert_eq!(get("format"), Some("json"));
    // The timestamp is the current GMT+8 wall time.
    let sent = time::parse(get("timestamp").expect("timestamp")).expect("GMT+8 timestamp");
    assert!(
        (sent - before).num_seconds().abs() <= 5,
        "{sent} vs {before}"
    );
    assert_signed(r, &decode_form(&r.body), SignMethod::HmacSha256);
}

#[tokio::test]
async fn every_sign_method_is_accepted_by_a_verifying_server() {
    for method in SignMethod::ALL {
        let server = Server::start(Reply::json(200, SUCCESS)).await;
        let client = server.client().sign_method(method).build().expect("client");
        client
            .execute(&GetToken::new("xxxxx"))
            .await
            .expect("success");
        let r = &server.requests()[0];
        assert!(
            r.query()
                .contains(&("sign_method".to_owned(), method.as_str().to_owned()))
        );
        assert_signed(r, &decode_form(&r.body), method);
    }
}

#[tokio::test]
async fn files_are_sent_as_multipart_and_not_signed() {
    let server = Server::start(Reply::json(200, SUCCESS)).await;
    let client = server.client().build().expect("client");
    let mut request = GetToken::new("xxxxx");
    request.image = Some(FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()));
    client.execute(&request).await.expect("success");
    let r = &server.requests()[0];
    // The official Java SDK's layout (sign_vectors.json's multipart capture), byte for byte
    // but for the random boundary.
    let content_type = r.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data;charset=UTF-8;boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let body = String::from_utf8_lossy(&r.body).replace(boundary, "B");
    assert_eq!(
        body,
        "\r\n--B\r\nContent-Disposition:form-data;name=\"merchant_code\"\r\nContent-Type:text/plain\r\n\r\nHM\
         \r\n--B\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\
         \r\n--B\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\
         \r\n--B--\r\n"
    );
    let text = [
        ("merchant_code".to_owned(), "HM".to_owned()),
        ("robot_sn".to_owned(), "xxxxx".to_owned()),
    ];
    assert_signed(r, &text, SignMethod::HmacSha256);
}

#[tokio::test]
async fn gzip_replies_are_inflated() {
    let mut reply = Reply::json(200, "");
    reply.body = gzip_stored(SUCCESS.as_bytes());
    reply.headers.push(("Content-Encoding", "gzip"));
    let server = Server::start(reply).await;
    let client = server.client().build().expect("client");
    let reply = client
        .execute(&GetToken::new("xxxxx"))
        .await
        .expect("success");
    assert_eq!(reply.request_id.as_deref(), Some("rid-1"));
}

#[tokio::test]
async fn error_response_is_a_top_error() {
    let body = r#"{"error_response":{"code":"15","msg":"Remote service error","sub_code":"isp.unknown-error","request_id":"rid-2"}}"#;
    let server = Server::start(Reply::json(200, body)).await;
    let client = server.client().build().expect("client");
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    let top = err.top().expect("a TOP error");
    assert_eq!(top.code, 15);
    assert_eq!(top.sub_code.as_deref(), Some("isp.unknown-error"));
    assert_eq!(top.sub_msg, None);
    assert!(err.is_retryable());
    assert!(!err.is_timeout());
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn non_2xx_statuses() {
    // A TOP error body with an error status is still TOP's error.
    let body =
        r#"{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey"}}"#;
    let server = Server::start(Reply::json(403, body)).await;
    let client = server.client().build().expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Top(e) if e.code == 27), "{err:?}");
    assert!(!err.is_retryable());
    assert_error_has_no_secrets(&err);

    // Anything else is a status error with a short, redacted prefix: this gateway page
    // echoes the request line, session and all.
    let page = format!(
        "<html><body>502 Bad Gateway: POST /router/rest?method=taobao.trade.fullinfo.get&session={SESSION}&app_secret={APP_SECRET}</body></html>"
    );
    let server = Server::start(Reply {
        status: 502,
        headers: vec![("Content-Type", "text/html")],
        body: page.into_bytes(),
        delay: Duration::ZERO,
    })
    .await;
    let client = server.client().build().expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    let Error::Status {
        status,
        body_prefix,
    } = &err
    else {
        panic!("expected a status error: {err:?}");
    };
    assert_eq!(*status, 502);
    assert!(
        body_prefix.starts_with("<html><body>502 Bad Gateway"),
        "{body_prefix}"
    );
    assert!(body_prefix.contains("session=***"), "{body_prefix}");
    // A 5xx without a TOP error body is retried: the default policy's 4 attempts.
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 4);
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn undecodable_replies_are_decode_errors() {
    for body in ["", "<xml>not json</xml>", r#"{"other_response":{}}"#] {
        let server = Server::start(Reply::json(200, body)).await;
        let client = server.client().build().expect("client");
        let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
        let Error::Decode {
            status,
            body_prefix,
            ..
        } = &err
        else {
            panic!("expected a decode error: {err:?}");
        };
        assert_eq!((*status, body_prefix.as_str()), (200, body));
        assert_error_has_no_secrets(&err);
    }
    // A reply with a secret in it that does not decode: the secret is redacted.
    let body = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":"maybe","data":{"access_key_secret":"AKS-reply-secret"}}}}"#;
    let server = Server::start(Reply::json(200, body)).await;
    let client = server.client().build().expect("client");
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("expected a boolean")),
        "{err:?}"
    );
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn missing_session_and_bad_params_send_nothing() {
    let server = Server::start(Reply::json(200, SUCCESS)).await;
    let client = server.client().build().expect("client");
    let err = client.execute(&TradeGet).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingSession {
                method: "taobao.trade.fullinfo.get"
            }
        ),
        "{err:?}"
    );
    assert_error_has_no_secrets(&err);
    // A blank session is no session.
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session("  "))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingSession { .. }), "{err:?}");

    let err = client
        .execute(&GetToken::new(&"x".repeat(65)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Param(p) if p.param == "robot_sn" && p.code() == 41),
        "{err:?}"
    );
    let err = client.execute(&GetToken::new(" ")).await.unwrap_err();
    assert!(matches!(&err, Error::Param(p) if p.code() == 40), "{err:?}");

    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn per_call_timeout_fires() {
    let mut reply = Reply::json(200, SUCCESS);
    reply.delay = Duration::from_secs(10);
    let server = Server::start(reply).await;
    let client = server.client().build().expect("client");
    let started = Instant::now();
    let err = client
        .execute_with(
            &TradeGet,
            &CallOptions::new()
                .session(SESSION)
                .timeout(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_retryable(), "the call may have taken effect");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
    // The URL (whose query has the session and sign) was stripped.
    assert!(!format!("{err:?}").contains("router/rest"), "{err:?}");
    assert_error_has_no_secrets(&err);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn client_timeout_applies_without_call_options() {
    let mut reply = Reply::json(200, SUCCESS);
    reply.delay = Duration::from_secs(10);
    let server = Server::start(reply).await;
    let client = server
        .client()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder(APP_KEY, APP_SECRET)
        .endpoint(format!("http://127.0.0.1:{port}/router/rest"))
        .build()
        .expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.is_timeout());
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert!(!format!("{err:?}").contains("router/rest"), "{err:?}");
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn a_custom_http_client_is_used() {
    let server = Server::start(Reply::json(200, SUCCESS)).await;
    topgen_runtime::client::install_crypto_provider();
    let http = topgen_runtime::reqwest::Client::builder()
        .user_agent("my-app/1")
        .build()
        .expect("reqwest client");
    let client = server
        .client()
        .partner_id("partner-1")
        .target_app_key("87654321")
        .http_client(http)
        .build()
        .expect("client");
    client
        .execute(&GetToken::new("xxxxx"))
        .await
        .expect("success");
    let r = &server.requests()[0];
    assert_eq!(r.header("user-agent"), Some("my-app/1"));
    let query = r.query();
    assert!(query.contains(&("partner_id".to_owned(), "partner-1".to_owned())));
    assert!(query.contains(&("target_app_key".to_owned(), "87654321".to_owned())));
    assert_signed(r, &decode_form(&r.body), SignMethod::HmacSha256);
}

#[test]
fn configuration_is_never_printed_with_secrets() {
    let builder = Client::builder(APP_KEY, APP_SECRET)
        .endpoint("http://127.0.0.1:9/router/rest")
        .sign_method(SignMethod::Md5)
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(2))
        .partner_id("p");
    assert_no_secrets("builder Debug", &format!("{builder:?}"));
    let client = builder.build().expect("client");
    assert_no_secrets("client Debug", &format!("{client:?}"));
    let options = CallOptions::new()
        .session(SESSION)
        .timeout(Duration::from_secs(1));
    assert_no_secrets("options Debug", &format!("{options:?}"));
    let prepared = client
        .prepare(&TradeGet, &options, &time::now())
        .expect("prepared");
    assert_no_secrets("prepared Debug", &format!("{prepared:?}"));
    // The session is in the query itself, of course: it is sent and signed.
    assert_eq!(prepared.query_param("session"), Some(SESSION));
    let err = Client::builder(APP_KEY, APP_SECRET)
        .endpoint(format!("https://user:{APP_SECRET}@/router/rest"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_error_has_no_secrets(&err);
}

// ---------------------------------------------------------------------------------------
// gzip without a compression dependency: stored (uncompressed) deflate blocks.

fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let chunks: Vec<&[u8]> = data.chunks(0xffff).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = u16::try_from(chunk.len()).expect("chunk");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&u32::try_from(data.len()).expect("size").to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn clients_and_futures_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Client>();
    send_sync::<CallOptions>();
    send_sync::<Error>();
    send_sync::<topgen_runtime::PreparedRequest>();
    let client = Client::builder(APP_KEY, APP_SECRET)
        .build()
        .expect("client");
    let request = GetToken::new("xxxxx");
    // Not polled: only its type matters (a spawned task needs a `Send` future).
    let future = client.execute(&request);
    send(&future);
}

// ---------------------------------------------------------------------------------------
// What an attempt sends is what `Client::prepare` gives at the same time.

/// Keeps the requests it is given and answers `SUCCESS`.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<topgen_runtime::HttpRequest>>>);

impl topgen_runtime::Transport for Capture {
    fn send<'a>(
        &'a self,
        request: topgen_runtime::HttpRequest,
    ) -> topgen_runtime::transport::BoxFuture<
        'a,
        Result<topgen_runtime::HttpResponse, topgen_runtime::TransportError>,
    > {
        self.0.lock().expect("lock").push(request);
        Box::pin(async { Ok(topgen_runtime::HttpResponse::new(200, SUCCESS)) })
    }
}

#[tokio::test]
async fn an_attempt_sends_what_prepare_gives() {
    use topgen_runtime::Body;
    use topgen_runtime::Format;
    let at = time::parse("2026-11-28 12:00:00").expect("date");
    for method in SignMethod::ALL {
        for format in Format::ALL {
            for session in [None, Some(SESSION), Some("  ")] {
                let capture = Capture::default();
                let mut builder = Client::builder(APP_KEY, APP_SECRET)
                    .endpoint("https://gw.example.test:8443/router/rest")
                    .sign_method(method)
                    .format(format)
                    .clock(move || at)
                    .transport(capture.clone());
                if session.is_some() {
                    builder = builder.partner_id("p 1").target_app_key("t&2");
                }
                let client = builder.build().expect("client");
                let mut options = CallOptions::new();
                if let Some(session) = session {
                    options = options.session(session);
                }
                let request = GetToken::new("机器人 A&B=1+2");
                client
                    .execute_with(&request, &options)
                    .await
                    .expect("the canned reply decodes");
                let prepared = client.prepare(&request, &options, &at).expect("prepared");
                let sent = capture.0.lock().expect("lock").pop().expect("one request");
                assert_eq!(
                    sent.url,
                    format!(
                        "https://gw.example.test:8443/router/rest?{}",
                        prepared.query_string()
                    ),
                    "{method} {format} {session:?}"
                );
                let Body::Form(form) = &prepared.body else {
                    panic!("a form body");
                };
                assert_eq!(sent.body, form.as_bytes());
                assert_eq!(
                    sent.content_type,
                    "application/x-www-form-urlencoded;charset=UTF-8"
                );
            }
        }
    }
}
