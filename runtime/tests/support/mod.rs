//! Shared by the tests that call over real HTTP: a scripted HTTP/1.1 responder on 127.0.0.1
//! and a generated-style request. The responder runs on its own thread (its own tokio
//! runtime), so blocking clients can call it too; the n-th request it reads gets the n-th step
//! of its script (the last step repeats). It records every request with the time it arrived,
//! and counts the connections it accepted.

#![allow(dead_code)] // Each test file uses a different part.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use topgen_runtime::__private::sign::sign;
use topgen_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use topgen_runtime::{
    Client, ClientBuilder, Error, FileItem, ParamError, Params, Request, RetryPolicy, Secret,
    SignMethod,
};

pub const APP_KEY: &str = "12345678";

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query(&self) -> Vec<(String, String)> {
        let (_, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        decode_form(query.as_bytes())
    }

    pub fn query_string(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Checks the sign against the received params (query and form body) and returns it.
    pub fn assert_signed(&self, secret: &str, method: SignMethod) -> String {
        self.assert_signed_with(secret, method, &decode_form(&self.body))
    }

    /// Checks the sign against the received query and these text params (a multipart body's
    /// text parts, say) and returns it.
    pub fn assert_signed_with(
        &self,
        secret: &str,
        method: SignMethod,
        text_params: &[(String, String)],
    ) -> String {
        let query = self.query();
        let sent = self.param("sign").expect("a sign");
        let signed: Vec<(&str, &str)> = query
            .iter()
            .chain(text_params)
            .filter(|(k, _)| k != "sign")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(sign(&signed, None, secret, method), sent, "{}", self.target);
        sent
    }
}

pub fn decode_form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// What the server does with one request.
#[derive(Clone)]
pub enum Step {
    /// An HTTP reply with a correct `Content-Length`, after `delay`.
    Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// These bytes as they are, then the connection is held open for `hold`.
    Raw { bytes: Vec<u8>, hold: Duration },
    /// The connection is closed without an answer.
    Close,
}

impl Step {
    /// A reply of `status` with this `Content-Type` and body, at once.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Step {
        Step::Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn json(status: u16, body: &str) -> Step {
        Step::new(status, "application/json;charset=UTF-8", body)
    }

    pub fn with_delay(mut self, d: Duration) -> Step {
        if let Step::Reply { delay, .. } = &mut self {
            *delay = d;
        }
        self
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Step {
        if let Step::Reply { headers, .. } = &mut self {
            headers.push((name, value.to_owned()));
        }
        self
    }

    /// A JSON 200 head with these header lines (each ending in CRLF), the start of a body,
    /// then nothing for 5 s: a reply that never ends.
    pub fn stalled(headers: &str, body_start: &[u8]) -> Step {
        let mut bytes =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{headers}\r\n")
                .into_bytes();
        bytes.extend_from_slice(body_start);
        Step::Raw {
            bytes,
            hold: Duration::from_secs(5),
        }
    }

    /// The body gzip-compressed, with `Content-Encoding: gzip`.
    pub fn gzipped(mut self) -> Step {
        if let Step::Reply { body, .. } = &mut self {
            *body = gzip(body);
        }
        self.with_header("Content-Encoding", "gzip")
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}

pub struct Server {
    pub endpoint: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// Starts a responder with `script` on a thread of its own; it serves until the test
    /// process ends.
    pub fn start(script: Vec<Step>) -> Server {
        assert!(!script.is_empty());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let (recorded, accepted) = (requests.clone(), connections.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener).expect("listener");
                let script = Arc::new(script);
                while let Ok((stream, _)) = listener.accept().await {
                    accepted.fetch_add(1, Ordering::SeqCst);
                    let (recorded, script) = (recorded.clone(), script.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, recorded, script).await;
                    });
                }
            });
        });
        Server {
            endpoint: format!("http://{addr}/router/rest"),
            requests,
            connections,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Vec<Step>>,
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
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        if read_more(&mut stream, &mut buf).await? == 0 {
            break;
        }
    }
    let body = buf[head_end..(head_end + len).min(buf.len())].to_vec();
    let step = {
        let mut requests = recorded.lock().expect("lock");
        let index = requests.len().min(script.len() - 1);
        requests.push(Recorded {
            method,
            target,
            headers,
            body,
            at: Instant::now(),
        });
        script[index].clone()
    };
    match step {
        Step::Reply {
            status,
            headers,
            body,
            delay,
        } => {
            tokio::time::sleep(delay).await;
            let mut out = format!("HTTP/1.1 {status} Scripted\r\n");
            for (k, v) in &headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            stream.write_all(out.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Step::Raw { bytes, hold } => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            tokio::time::sleep(hold).await;
            Ok(())
        }
        Step::Close => Ok(()),
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------
// Clients and transports

pub const MS: fn(u64) -> Duration = Duration::from_millis;

/// Fast retries, so the tests do not wait long: 4 attempts, 20 ms, 40 ms, 80 ms.
pub fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(MS(20))
        .with_jitter(0.0)
}

/// A client for `server`'s endpoint with `fast` retries.
pub fn fast_client(server: &Server, secret: &str) -> ClientBuilder {
    Client::builder(APP_KEY, secret)
        .endpoint(&server.endpoint)
        .retry(fast())
}

/// An in-memory TOP: records each request and answers from a script; counts its timer uses.
#[derive(Clone, Default)]
pub struct InMemory {
    script: Arc<Mutex<Vec<Result<HttpResponse, TransportErrorKind>>>>,
    seen: Arc<Mutex<Vec<HttpRequest>>>,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl InMemory {
    pub fn new(script: Vec<Result<HttpResponse, TransportErrorKind>>) -> Self {
        InMemory {
            script: Arc::new(Mutex::new(script)),
            ..InMemory::default()
        }
    }

    pub fn seen(&self) -> Vec<HttpRequest> {
        self.seen.lock().expect("lock").clone()
    }

    /// The retry waits it was asked for (timers under a second).
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().expect("lock").clone()
    }
}

impl Transport for InMemory {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
        let url = request.url.clone();
        self.seen.lock().expect("lock").push(request);
        let next = {
            let mut script = self.script.lock().expect("lock");
            if script.len() > 1 {
                script.remove(0)
            } else {
                script[0].clone()
            }
        };
        Box::pin(async move {
            // A careless transport: its errors quote the whole URL.
            next.map_err(|kind| TransportError::new(kind, format!("failed to post {url}")))
        })
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        // Timers for the attempt timeout are long; record only the retry waits.
        if duration < Duration::from_secs(1) {
            self.sleeps.lock().expect("lock").push(duration);
        }
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A port with nothing listening on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

// ---------------------------------------------------------------------------------------
// A request, as the generator writes it

#[derive(Debug, Default, PartialEq)]
pub struct TokenResponse {
    pub result: Option<IotResult>,
    pub request_id: Option<String>,
}

::topgen_runtime::decoded_struct!(TokenResponse {
    result: (0, "result", field),
    request_id: (1, "request_id", field),
});

#[derive(Debug, Default, PartialEq)]
pub struct IotResult {
    pub success: Option<bool>,
    pub data: Option<OssToken>,
}

::topgen_runtime::decoded_struct!(IotResult {
    success: (0, "success", field),
    data: (1, "data", field),
});

impl topgen_runtime::__private::de::Object for IotResult {}

#[derive(Debug, Default, PartialEq)]
pub struct OssToken {
    pub access_key_secret: Option<Secret>,
    pub security_token: Option<Secret>,
    pub bucket_name: Option<String>,
    pub expiration_time: Option<topgen_runtime::DateTime>,
}

::topgen_runtime::decoded_struct!(OssToken {
    access_key_secret: (0, "access_key_secret", field),
    security_token: (1, "security_token", field),
    bucket_name: (2, "bucket_name", field),
    expiration_time: (3, "expiration_time", field),
});

impl topgen_runtime::__private::de::Object for OssToken {}

/// `taobao.wdk.iot.wombat.common.gettoken`; needs no session. `GetToken::default()` asks
/// for robot `xxxxx`, without an image.
pub struct GetToken {
    pub robot_sn: String,
    pub image: Option<FileItem>,
}

impl GetToken {
    pub fn new(robot_sn: &str) -> Self {
        GetToken {
            robot_sn: robot_sn.to_owned(),
            image: None,
        }
    }
}

impl Default for GetToken {
    fn default() -> Self {
        GetToken::new("xxxxx")
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

/// `taobao.trade.fullinfo.get`: an API that needs a session.
pub struct TradeGet;

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

pub const SUCCESS: &str = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true,"data":{"bucket_name":"b1"}},"request_id":"rid-ok"}}"#;

pub fn top_error(code: i64, sub_code: &str) -> String {
    format!(
        r#"{{"error_response":{{"code":{code},"msg":"m","sub_code":"{sub_code}","request_id":"rid-{code}"}}}}"#
    )
}

pub fn expect_top(result: Result<TokenResponse, Error>) -> topgen_runtime::TopError {
    match result {
        Err(Error::Top(e)) => e,
        other => panic!("expected a TOP error: {other:?}"),
    }
}

/// What a `tracing_subscriber` writes, for the tests that read the log.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}
