//! What the topgen benchmarks share (see `BENCHMARKS.md` at the repository root):
//!
//! - the gettoken call: its app, secret, request ([`gettoken_request`]) and reply
//!   ([`gettoken_reply`]) in each [`Format`], the body being exactly what the local gateway
//!   sends ([`in_format`] uses the gateway's own JSON → simplified JSON / XML conversions);
//! - a list reply of any number of items ([`list_reply`]), decoded into [`list`] types written
//!   the way codegen writes them around the generated `OssTokenDto` item type;
//! - [`plain`] structs with the same fields and no lenient scalars, for the side-by-side
//!   `serde_json::from_slice` baseline;
//! - [`Summary`] (min / median / max) and the machine facts a report states ([`machine`],
//!   [`vm_kib`]).
//!
//! The benches live in this crate, not in `runtime/`, because they need the generated
//! gettoken types (`generated/` is written only by codegen).

#![forbid(unsafe_code)]

use std::fmt::{self, Write as _};
use std::path::Path;

use topgen_runtime::{Format, Params, Request};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

/// The app key every bench uses.
pub const APP_KEY: &str = "12345678";

/// The app secret every bench uses (the signing vectors' secret).
pub const SECRET: &str = "helloworld";

/// The timestamp of the benches that sign at a fixed time (the signing vectors').
pub const TIMESTAMP: &str = "2026-11-28 12:00:00";

/// The gettoken request of the spec's example: `merchant_code=HM`, `scenes_code=1`,
/// `ou_code=8007`, `robot_sn=xxxxx`.
pub fn gettoken_request() -> WdkIotWombatCommonGettokenRequest {
    WdkIotWombatCommonGettokenRequest::new()
        .merchant_code("HM")
        .scenes_code(1)
        .ou_code("8007")
        .robot_sn("xxxxx")
}

/// The business params of [`gettoken_request`], encoded.
pub fn gettoken_params() -> Params {
    let mut params = Params::new();
    gettoken_request()
        .encode(&mut params)
        .expect("the gettoken example passes its own checks");
    params
}

/// Every param the gettoken call signs at [`TIMESTAMP`] with `sign_method` (system and
/// business), in the order the client lists them; with [`SECRET`] and md5 this is the
/// signing vectors' `canonical-md5`.
pub fn gettoken_sign_params(sign_method: &'static str) -> Vec<(&'static str, String)> {
    let mut params = vec![
        (
            "method",
            WdkIotWombatCommonGettokenRequest::METHOD.to_owned(),
        ),
        ("app_key", APP_KEY.to_owned()),
        ("sign_method", sign_method.to_owned()),
        ("timestamp", TIMESTAMP.to_owned()),
        ("v", "2.0".to_owned()),
        ("format", "json".to_owned()),
    ];
    params.extend(
        gettoken_params()
            .text()
            .iter()
            .map(|(k, v)| (*k, v.clone())),
    );
    params
}

/// The gettoken reply (the spec's example, with TOP's `request_id`) as compact wrapped JSON.
pub fn gettoken_json() -> String {
    format!(
        r#"{{"{}":{{"result":{{"data":{},"success":true,"msg_info":"success","msg_code":"success"}},"request_id":"0ba2f1a417009875432101055e"}}}}"#,
        WdkIotWombatCommonGettokenRequest::RESPONSE_KEY,
        token_json(0),
    )
}

/// The gettoken reply in `format`.
pub fn gettoken_reply(format: Format) -> String {
    in_format(&gettoken_json(), format)
}

/// A wrapped JSON reply in `format`: as it is for JSON, else converted the way the local
/// gateway converts it (`topgen_gateway::simplify_json`, `topgen_gateway::json_to_xml`).
pub fn in_format(wrapped_json: &str, format: Format) -> String {
    let converted = match format {
        Format::Json => return wrapped_json.to_owned(),
        Format::SimplifiedJson => topgen_gateway::simplify_json(wrapped_json),
        Format::Xml => topgen_gateway::json_to_xml(wrapped_json),
    };
    converted.expect("the benches' replies are valid JSON")
}

/// One `OssTokenDto` of a list as JSON, its values made distinct by `i` and about as long as
/// real STS credentials' (an STS security token is several hundred characters; 120 here).
fn token_json(i: usize) -> String {
    let mut token = String::with_capacity(120);
    while token.len() < 120 {
        let _ = write!(token, "CAIS{i:08}q6Ft5B2yfSjIr5");
    }
    token.truncate(120);
    format!(
        r#"{{"access_key_id":"STS.NTb1x{i:08}","access_key_secret":"9sJkQp7f3LmZ{i:08}x2Wd","bucket_name":"wdk-iot-robot","expiration_time":"2021-08-04 00:00:00","m_request_id":"0b5d4c8a-{i:08}","scene":"robot-upload","security_token":"{token}","endpoint":"oss-cn-hangzhou.aliyuncs.com","dir":"robot/8007/xxxxx/{i:08}"}}"#
    )
}

/// The wrapped JSON reply of [`list::METHOD`] with `items` tokens.
pub fn list_json(items: usize) -> String {
    let mut out = String::with_capacity(64 + items * 420);
    let _ = write!(
        out,
        r#"{{"{}":{{"result":{{"data":{{"oss_token_dto":["#,
        list::RESPONSE_KEY
    );
    for i in 0..items {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&token_json(i));
    }
    let _ = write!(
        out,
        r#"]}},"total":{items},"success":true,"msg_info":"success","msg_code":"success"}},"request_id":"0ba2f1a417009875432101055e"}}}}"#
    );
    out
}

/// The list reply of `items` tokens in `format`.
pub fn list_reply(items: usize, format: Format) -> String {
    in_format(&list_json(items), format)
}

/// The smallest list whose JSON reply has at least `bytes` bytes.
pub fn list_items_for(bytes: usize) -> usize {
    let per_item = token_json(0).len() + 1;
    bytes.div_ceil(per_item).max(1)
}

/// A list API's response types, written exactly as codegen writes them (every field
/// optional, a plain struct and one `topgen_runtime::decoded_struct!` call), around the
/// generated `OssTokenDto`.
/// gettoken has no list, and `generated/` holds only what the specs produce.
pub mod list {
    use topgen_taobao_wdk::taobao_wdk_iot_wombat_common_gettoken::OssTokenDto;

    /// The list API's name (a bench fixture, not a real TOP API).
    pub const METHOD: &str = "taobao.wdk.iot.wombat.common.listtokens";

    /// Its reply's top-level key.
    pub const RESPONSE_KEY: &str = "wdk_iot_wombat_common_listtokens_response";

    /// The reply: the fields inside `wdk_iot_wombat_common_listtokens_response`.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ListTokensResponse {
        /// The result.
        pub result: Option<ListResult>,
        /// TOP's id of this call.
        pub request_id: Option<String>,
    }

    ::topgen_runtime::decoded_struct!(ListTokensResponse {
        result: (0, "result", field),
        request_id: (1, "request_id", field),
    });

    /// The result: the tokens and the usual flags.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ListResult {
        /// The tokens (`{"oss_token_dto": […]}` in JSON, a bare array simplified).
        pub data: Option<Vec<OssTokenDto>>,
        /// How many tokens.
        pub total: Option<i64>,
        /// Success.
        pub success: Option<bool>,
        /// Call description.
        pub msg_info: Option<String>,
        /// Call code.
        pub msg_code: Option<String>,
    }

    ::topgen_runtime::decoded_struct!(ListResult {
        data: (0, "data", field),
        total: (1, "total", field),
        success: (2, "success", field),
        msg_info: (3, "msg_info", field),
        msg_code: (4, "msg_code", field),
    });

    impl ::topgen_runtime::__private::de::Object for ListResult {}
}

/// The baseline: plain serde structs with the same fields as the generated ones and no
/// lenient scalars (no numbers-as-strings, no wrapped-or-bare lists: the JSON wrapper is a
/// struct of its own), decoded with `serde_json::from_slice`. Dates stay text (plain serde
/// has no TOP date type), so the baseline does less work than the client, never more.
pub mod plain {
    use serde::Deserialize;

    /// `{"wdk_iot_wombat_common_gettoken_response": {…}}`.
    #[derive(Debug, Deserialize)]
    pub struct GettokenEnvelope {
        /// The response.
        pub wdk_iot_wombat_common_gettoken_response: GettokenResponse,
    }

    /// gettoken's response.
    #[derive(Debug, Deserialize)]
    pub struct GettokenResponse {
        /// The result.
        pub result: Option<IotResult>,
        /// TOP's id of this call.
        pub request_id: Option<String>,
    }

    /// `IotResult`.
    #[derive(Debug, Deserialize)]
    pub struct IotResult {
        /// The token.
        pub data: Option<OssTokenDto>,
        /// Success.
        pub success: Option<bool>,
        /// Call description.
        pub msg_info: Option<String>,
        /// Call code.
        pub msg_code: Option<String>,
    }

    /// `OssTokenDto`.
    #[derive(Debug, Deserialize)]
    pub struct OssTokenDto {
        /// Key id.
        pub access_key_id: Option<String>,
        /// Key secret.
        pub access_key_secret: Option<String>,
        /// Bucket.
        pub bucket_name: Option<String>,
        /// Expiry, as text.
        pub expiration_time: Option<String>,
        /// Request id.
        pub m_request_id: Option<String>,
        /// Scene.
        pub scene: Option<String>,
        /// STS token.
        pub security_token: Option<String>,
        /// OSS endpoint.
        pub endpoint: Option<String>,
        /// OSS folder.
        pub dir: Option<String>,
    }

    /// `{"wdk_iot_wombat_common_listtokens_response": {…}}`.
    #[derive(Debug, Deserialize)]
    pub struct ListEnvelope {
        /// The response.
        pub wdk_iot_wombat_common_listtokens_response: ListResponse,
    }

    /// The list response.
    #[derive(Debug, Deserialize)]
    pub struct ListResponse {
        /// The result.
        pub result: Option<ListResult>,
        /// TOP's id of this call.
        pub request_id: Option<String>,
    }

    /// The list result.
    #[derive(Debug, Deserialize)]
    pub struct ListResult {
        /// The wrapped list.
        pub data: Option<TokenList>,
        /// How many tokens.
        pub total: Option<i64>,
        /// Success.
        pub success: Option<bool>,
        /// Call description.
        pub msg_info: Option<String>,
        /// Call code.
        pub msg_code: Option<String>,
    }

    /// `{"oss_token_dto": […]}`.
    #[derive(Debug, Deserialize)]
    pub struct TokenList {
        /// The tokens.
        pub oss_token_dto: Vec<OssTokenDto>,
    }
}

/// The minimum, median and maximum of some samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The smallest sample.
    pub min: f64,
    /// The median (the mean of the two middle samples for an even count).
    pub median: f64,
    /// The largest sample.
    pub max: f64,
}

impl Summary {
    /// The summary of `samples`; `None` when there are none (or one is NaN).
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() || samples.iter().any(|s| s.is_nan()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            min: sorted[0],
            median,
            max: sorted[n - 1],
        })
    }
}

impl fmt::Display for Summary {
    /// `min / median / max`, with the formatter's precision (default 0 decimals).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(0);
        write!(
            f,
            "{:.p$} / {:.p$} / {:.p$}",
            self.min, self.median, self.max
        )
    }
}

/// A `VmHWM` (peak resident set) or `VmRSS` (resident set) line of `/proc/self/status`, in
/// KiB; `None` when the file or the line is missing (not Linux) or malformed.
pub fn vm_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_kib(&status, field)
}

/// The `field:   123 kB` line of a `/proc/*/status` text, in KiB.
pub fn parse_vm_kib(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// The machine, for a report: CPU count, CPU model and load average.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{cpus} CPUs ({model}), load average {load}")
}

/// Whether `dir` holds an installed `node-taobao-topclient` (`node_modules/…/package.json`).
pub fn peer_installed(dir: &Path) -> bool {
    dir.join("node_modules/node-taobao-topclient/package.json")
        .is_file()
}

/// One call of a minimal HTTP/1.1 client on a kept-alive connection: writes `request` (a whole
/// pre-built request) and reads the answer by its `Content-Length`. `Some(true)` for a 200
/// whose body is `reply_len` bytes long, `Some(false)` for another answer, `None` when the
/// connection broke (or the answer is not HTTP/1.1 with a length). The answer is left in
/// `buf` (head and body).
pub async fn raw_call(
    stream: &mut tokio::net::TcpStream,
    request: &[u8],
    reply_len: usize,
    buf: &mut Vec<u8>,
) -> Option<bool> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request).await.ok()?;
    buf.clear();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let ok_status = head.starts_with("HTTP/1.1 200");
    let length: usize = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })?;
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(ok_status && length == reply_len)
}

/// A gettoken call signed once and sent as is, many times: by the benches' plain-reqwest
/// and raw HTTP/1.1 clients ([`prebuild`]).
pub struct Prebuilt {
    /// The endpoint with the signed query.
    pub url: String,
    /// The form body.
    pub body: Vec<u8>,
    /// The whole HTTP/1.1 request, for the raw client ([`raw_call`]).
    pub http: Vec<u8>,
    /// The reply's expected length.
    pub reply_len: usize,
}

/// The content type of the prebuilt form bodies.
pub const FORM: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// The `Accept` header of the prebuilt requests (the official Java SDK's).
pub const ACCEPT: &str = "text/xml,text/javascript";

/// The gettoken call as `client` signs it now (its format, its sign method), for `endpoint`
/// (`http://HOST/router/rest`); its reply expected to be `reply_len` bytes long.
pub fn prebuild(
    client: &topgen_runtime::Client,
    endpoint: &str,
    reply_len: usize,
) -> Result<Prebuilt, Box<dyn std::error::Error>> {
    let now = topgen_runtime::time::now();
    let prepared = client.prepare(
        &gettoken_request(),
        &topgen_runtime::CallOptions::new(),
        &now,
    )?;
    let topgen_runtime::Body::Form(body) = prepared.body.clone() else {
        return Err("gettoken has no file param".into());
    };
    let query = prepared.query_string();
    let url = format!("{endpoint}?{query}");
    let (host, path) = endpoint
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or("the gateway's endpoint is http://HOST/PATH")?;
    let http = format!(
        "POST /{path}?{query} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {FORM}\r\nAccept: {ACCEPT}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    Ok(Prebuilt {
        url,
        body: body.into_bytes(),
        http,
        reply_len,
    })
}

/// The raw HTTP/1.1 client for `seconds`: `concurrency` keep-alive connections to `addr`,
/// each sending `prebuilt` call after call (reconnecting when a connection breaks); the counts
/// of calls answered as expected ([`raw_call`]) and of the others.
pub async fn raw_window(
    addr: std::net::SocketAddr,
    prebuilt: std::sync::Arc<Prebuilt>,
    concurrency: usize,
    seconds: f64,
) -> (u64, u64) {
    use std::time::{Duration, Instant};
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let prebuilt = std::sync::Arc::clone(&prebuilt);
        tasks.spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut conn: Option<tokio::net::TcpStream> = None;
            let mut buf = Vec::with_capacity(4096);
            while Instant::now() < until {
                let stream = match &mut conn {
                    Some(stream) => stream,
                    None => match tokio::net::TcpStream::connect(addr).await {
                        Ok(s) => {
                            let _ = s.set_nodelay(true);
                            conn.insert(s)
                        }
                        Err(_) => {
                            failed += 1;
                            continue;
                        }
                    },
                };
                match raw_call(stream, &prebuilt.http, prebuilt.reply_len, &mut buf).await {
                    Some(true) => ok += 1,
                    Some(false) => failed += 1,
                    None => {
                        failed += 1;
                        conn = None;
                    }
                }
            }
            (ok, failed)
        });
    }
    join_counts(tasks).await
}

/// The sums of the loops' (ok, failed) counts; a loop that panicked counts as one failure.
pub async fn join_counts(mut tasks: tokio::task::JoinSet<(u64, u64)>) -> (u64, u64) {
    let (mut ok, mut failed) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (o, f) = done.unwrap_or((0, 1));
        ok += o;
        failed += f;
    }
    (ok, failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use topgen_runtime::__private::response::decode;
    use topgen_taobao_wdk::WdkIotWombatCommonGettokenResponse;

    #[test]
    fn sign_params_are_the_signing_vector() {
        let params = gettoken_sign_params("md5");
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // sign_vectors.json, canonical-md5.
        assert_eq!(
            topgen_runtime::__private::sign::sign(
                &pairs,
                None,
                SECRET,
                topgen_runtime::SignMethod::Md5
            ),
            "7FA600ECB5499BD7B8B99D551CDE0D39"
        );
    }

    #[test]
    fn gettoken_reply_decodes_the_same_in_every_format_and_in_the_baseline() {
        let mut decoded = Vec::new();
        for format in Format::ALL {
            let body = gettoken_reply(format);
            let r: WdkIotWombatCommonGettokenResponse = decode(
                format,
                body.as_bytes(),
                WdkIotWombatCommonGettokenRequest::RESPONSE_KEY,
                200,
            )
            .unwrap_or_else(|e| panic!("{format}: {e}"));
            decoded.push(r);
        }
        assert_eq!(decoded[0], decoded[1]);
        assert_eq!(decoded[0], decoded[2]);
        let result = decoded[0].result.clone().unwrap();
        assert_eq!(result.success, Some(true));
        let data = result.data.unwrap();
        assert_eq!(data.access_key_id.as_deref(), Some("STS.NTb1x00000000"));
        assert_eq!(
            data.expiration_time
                .map(|t| topgen_runtime::time::format(&t)),
            Some("2021-08-04 00:00:00".to_owned())
        );

        let plain: plain::GettokenEnvelope = serde_json::from_str(&gettoken_json()).unwrap();
        let p = plain.wdk_iot_wombat_common_gettoken_response;
        let pdata = p.result.unwrap().data.unwrap();
        assert_eq!(pdata.access_key_id.as_deref(), Some("STS.NTb1x00000000"));
        assert_eq!(
            pdata.security_token.as_deref(),
            data.security_token.as_ref().map(|s| s.expose_secret())
        );
        assert_eq!(p.request_id, decoded[0].request_id);
    }

    #[test]
    fn list_reply_decodes_the_same_in_every_format_and_in_the_baseline() {
        let n = 25;
        let mut decoded = Vec::new();
        for format in Format::ALL {
            let body = list_reply(n, format);
            let r: list::ListTokensResponse =
                decode(format, body.as_bytes(), list::RESPONSE_KEY, 200)
                    .unwrap_or_else(|e| panic!("{format}: {e}"));
            decoded.push(r);
        }
        assert_eq!(decoded[0], decoded[1]);
        assert_eq!(decoded[0], decoded[2]);
        let result = decoded[0].result.clone().unwrap();
        let data = result.data.unwrap();
        assert_eq!(data.len(), n);
        assert_eq!(result.total, Some(25));
        assert_eq!(data[24].dir.as_deref(), Some("robot/8007/xxxxx/00000024"));

        let plain: plain::ListEnvelope = serde_json::from_str(&list_json(n)).unwrap();
        let tokens = plain
            .wdk_iot_wombat_common_listtokens_response
            .result
            .unwrap()
            .data
            .unwrap()
            .oss_token_dto;
        assert_eq!(tokens.len(), n);
        for (p, t) in tokens.iter().zip(&data) {
            assert_eq!(p.access_key_id, t.access_key_id);
            assert_eq!(p.dir, t.dir);
        }
    }

    #[test]
    fn list_sizes() {
        // The 10,000-item list is a few MB; a list sized for N bytes is at least N bytes.
        let items = list_items_for(1 << 20);
        let body = list_json(items);
        assert!(body.len() >= 1 << 20, "{}", body.len());
        assert!(list_json(items - 10).len() < (1 << 20) + 600);
        assert!(list_json(0).contains(r#""oss_token_dto":[]"#));
    }

    #[test]
    fn summaries() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.5);
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[1.0, f64::NAN]), None);
        assert_eq!(format!("{s:.1}"), "1.0 / 2.0 / 3.0");
    }

    #[test]
    fn proc_status_lines() {
        let status = "Name:\tx\nVmHWM:\t  20480 kB\nVmRSS:\t   1024 kB\n";
        assert_eq!(parse_vm_kib(status, "VmHWM"), Some(20480));
        assert_eq!(parse_vm_kib(status, "VmRSS"), Some(1024));
        assert_eq!(parse_vm_kib(status, "VmPeak"), None);
        assert_eq!(parse_vm_kib("VmHWM: lots kB", "VmHWM"), None);
    }
}
