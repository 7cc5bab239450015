//! Every request form that Taobao's own SDKs send, built here byte for byte the way each SDK
//! builds it (its URL, which params go in the query and which in the body, its form encoding,
//! content type, multipart layout, headers, timestamp form, `partner_id`, default
//! `sign_method` and `format`), timestamped now and signed by the SDK's rule (signed here with
//! this file's own hashing, not the gateway's): each is accepted with the API's reply, and the
//! same bytes signed with another secret are refused with 25.
//!
//! The SDKs read (their request-building code; nothing of it is in this file):
//! - Java: `com.taobao.api.DefaultTaobaoClient` and `internal.util.WebV2Utils`
//!   (opendingtalk/alibaba-dingtalk-service-sdk, `top-sdk-java-dynamicVersionNo`).
//! - .NET: `DefaultTopClient.cs`, `Util/WebUtils.cs`, `TopDictionary.cs` (bosima/TopSdk,
//!   `top-sdk-net-20230831`).
//! - PHP: `TopClient.php` (`top-sdk-php-20180326`: `curl` and `curl_with_memory_file`).
//! - Python: `top/api/base.py` (`taobao-sdk-python-20200924`: `http.client`, `MultiPartForm`).
//! - Node: `ali-topsdk` 2.0.5 `lib/api/topClient.js` + `network.js` (taoyuan/ali-topapi, on the
//!   npm package `form-data`), and `node-taobao-topclient` 0.1.7 (its wire capture in
//!   shared/top/sign_vectors.json).
//!
//! Every request here says `Connection: close` (the SDKs keep connections alive; that is the
//! HTTP layer's matter, and reading the answer to the end needs the close).

mod support;

use md5::{Digest, Md5};
use sha2::Sha256;
use support::{METHOD, SECRET, SUCCESS, UPLOAD, exchange, only, parse_answer, start};
use topgen_gateway::{Format, Gateway, Recorded, Verdict, json_to_xml};

/// The reply of the upload API of `support::start`.
const UPLOADED: &str = r#"{"picture_upload_response":{"ok":true}}"#;
/// A secret that is not the app's: a request signed with it carries a wrong sign.
const WRONG: &str = "not-the-app-secret";
/// A text value that every encoder treats differently: space, `&`, `=`, `+`, `/`, `~`, `*`,
/// `!`, `'`, `(`, `)` and non-ASCII.
const ROBOT: &str = "机器人 A&B=1+2/é ~*!'()";
/// A file's bytes, with CRLFs and a NUL inside.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\r\n--not-a-boundary\r\n";

#[path = "sdk_forms/wire.rs"]
mod wire;

use wire::*;

// ---- Java: DefaultTaobaoClient ----

/// A file part: param name, file name, MIME type, bytes.
type File<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

/// The Java SDK: POST to `/router/rest?` + the system params (`sign` included, URLEncoder,
/// its order: the "must" params, then the optional ones); the business params in the body,
/// `application/x-www-form-urlencoded;charset=UTF-8` — or, with a file,
/// `multipart/form-data;charset=UTF-8;boundary=<nanoTime>`, each part opened by
/// `\r\n--boundary\r\n`, headers without a space after the colon, text parts `text/plain`.
/// Timestamp GMT+8 text; `sign_method` hmac-sha256 by default; `format` json;
/// `partner_id` `top-sdk-java-dynamicVersionNo`.
fn java(
    secret: &str,
    method: &str,
    optional: &[(&str, &str)],
    business: &[(&str, &str)],
    file: Option<File<'_>>,
) -> Vec<u8> {
    let timestamp = gmt8_now();
    let hash = Hash::HmacSha256;
    let mut system: Vec<(&str, &str)> = vec![
        ("app_key", "12345678"),
        ("method", method),
        ("v", "2.0"),
        ("timestamp", &timestamp),
        ("partner_id", "top-sdk-java-dynamicVersionNo"),
        ("format", "json"),
        ("sign_method", hash.wire()),
    ];
    system.extend_from_slice(optional);
    let all: Vec<(&str, &str)> = system.iter().chain(business).copied().collect();
    let sign = sign(&all, secret, hash);
    // Must params (sign among them, after v), then the optional ones.
    let mut query = system[..3].to_vec();
    query.push(("sign", &sign));
    query.extend_from_slice(&system[3..]);
    let target = format!("/router/rest?{}", form(&query, JAVA));
    let headers = |content_type: &str| -> Vec<(String, String)> {
        vec![
            ("Content-Type".into(), content_type.into()),
            ("Accept".into(), "text/xml,text/javascript".into()),
            ("User-Agent".into(), "top-sdk-java".into()),
            ("Accept-Encoding".into(), "gzip".into()),
        ]
    };
    let (headers, body) = match file {
        None => (
            headers("application/x-www-form-urlencoded;charset=UTF-8"),
            form(business, JAVA).into_bytes(),
        ),
        Some((name, file_name, mime, bytes)) => {
            let boundary = "1733120561094711";
            let mut body = Vec::new();
            for (k, v) in business {
                body.extend_from_slice(
                    format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{k}\"\r\nContent-Type:text/plain\r\n\r\n{v}").as_bytes(),
                );
            }
            body.extend_from_slice(
                format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{name}\";filename=\"{file_name}\"\r\nContent-Type:{mime}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (
                headers(&format!(
                    "multipart/form-data;charset=UTF-8;boundary={boundary}"
                )),
                body,
            )
        }
    };
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    http("POST", &target, &headers, &body)
}

#[tokio::test]
async fn the_java_sdks_forms_are_accepted() {
    let gateway = start().await;
    // Booleans `true`/`false`, lists comma-joined, dates GMT+8 text (TaobaoHashMap).
    let business = [
        ("robot_sn", ROBOT),
        ("merchant_code", "HM"),
        ("tags", "a,b"),
        ("dry_run", "true"),
    ];
    let bytes = java(SECRET, METHOD, &[], &business, None);
    let r = accepted(&gateway, &bytes, SUCCESS, Format::Json).await;
    assert_eq!(
        r.query_param("partner_id"),
        Some("top-sdk-java-dynamicVersionNo")
    );
    assert_eq!(r.query_param("sign_method"), Some("hmac-sha256"));
    assert_eq!(r.body_param("robot_sn"), Some(ROBOT));
    assert_eq!(r.header("user-agent"), Some("top-sdk-java"));
    wrong_sign(
        &gateway,
        &java(WRONG, METHOD, &[], &business, None),
        Format::Json,
    )
    .await;

    // With a session, `target_app_key` and `simplify=true` (optional system params, signed).
    let trade = "taobao.trade.fullinfo.get";
    let optional = [
        ("session", "user-session-1"),
        ("target_app_key", "23456789"),
        ("simplify", "true"),
    ];
    let bytes = java(
        SECRET,
        trade,
        &optional,
        &[("tid", "58681907060570486")],
        None,
    );
    let r = accepted(&gateway, &bytes, "{}", Format::SimplifiedJson).await;
    assert_eq!(r.query_param("target_app_key"), Some("23456789"));
    let bytes = java(
        WRONG,
        trade,
        &optional,
        &[("tid", "58681907060570486")],
        None,
    );
    wrong_sign(&gateway, &bytes, Format::Json).await;

    // The upload: multipart, the text parts signed, the file part not.
    let file = ("image", "a.png", "image/png", PNG);
    let text = [("title", "图 1")];
    let r = accepted(
        &gateway,
        &java(SECRET, UPLOAD, &[], &text, Some(file)),
        UPLOADED,
        Format::Json,
    )
    .await;
    let image = r.file("image").expect("the file part");
    assert_eq!(
        (image.file_name.as_str(), image.bytes.as_slice()),
        ("a.png", PNG)
    );
    assert_eq!(r.body_param("title"), Some("图 1"));
    wrong_sign(
        &gateway,
        &java(WRONG, UPLOAD, &[], &text, Some(file)),
        Format::Json,
    )
    .await;
}

// ---- .NET: DefaultTopClient ----

/// The .NET SDK: POST to the bare `/router/rest` (no query) with every param, system and
/// business and `sign`, in the body, in its dictionary's order (business params first, then
/// method, v, sign_method, app_key, format, partner_id, timestamp, target_app_key, session,
/// sign), `HttpUtility.UrlEncode`d (lower-case hex), as
/// `application/x-www-form-urlencoded;charset=utf-8` — or, with a file,
/// `multipart/form-data;charset=utf-8;boundary=<ticks in hex>`, every param a `text/plain`
/// part (`\r\n--boundary\r\n` before each part). Always `sign_method=hmac`; `format` xml by
/// default; `partner_id` `top-sdk-net-20230831`; `Expect: 100-continue` turned off.
fn dotnet(
    secret: &str,
    method: &str,
    session: Option<&str>,
    business: &[(&str, &str)],
    file: Option<File<'_>>,
) -> Vec<u8> {
    let timestamp = gmt8_now();
    let mut params: Vec<(&str, &str)> = business.to_vec();
    params.extend_from_slice(&[
        ("method", method),
        ("v", "2.0"),
        ("sign_method", "hmac"),
        ("app_key", "12345678"),
        ("format", "xml"),
        ("partner_id", "top-sdk-net-20230831"),
        ("timestamp", &timestamp),
    ]);
    if let Some(session) = session {
        params.push(("session", session));
    }
    let sign = sign(&params, secret, Hash::Hmac);
    params.push(("sign", &sign));
    let (content_type, body) = match file {
        None => (
            "application/x-www-form-urlencoded;charset=utf-8".to_owned(),
            params
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v, DOTNET)))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes(),
        ),
        Some((name, file_name, mime, bytes)) => {
            let boundary = "8DD12C4B1F0E2A7";
            let mut body = Vec::new();
            for (k, v) in &params {
                body.extend_from_slice(
                    format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{k}\"\r\nContent-Type:text/plain\r\n\r\n{v}").as_bytes(),
                );
            }
            body.extend_from_slice(
                format!("\r\n--{boundary}\r\nContent-Disposition:form-data;name=\"{name}\";filename=\"{file_name}\"\r\nContent-Type:{mime}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (
                format!("multipart/form-data;charset=utf-8;boundary={boundary}"),
                body,
            )
        }
    };
    let headers = [
        ("Accept-Encoding", "gzip"),
        ("User-Agent", "top-sdk-net"),
        ("Accept", "text/xml,text/javascript"),
        ("Content-Type", content_type.as_str()),
    ];
    http("POST", "/router/rest", &headers, &body)
}

#[tokio::test]
async fn the_dotnet_sdks_forms_are_accepted() {
    let gateway = start().await;
    // TopDictionary: bool → `true`, DateTime → `yyyy-MM-dd HH:mm:ss`.
    let business = [
        ("robot_sn", ROBOT),
        ("merchant_code", "HM"),
        ("dry_run", "true"),
        ("start", "2026-11-28 12:00:00"),
    ];
    let bytes = dotnet(SECRET, METHOD, None, &business, None);
    assert!(!String::from_utf8_lossy(&bytes).contains("Expect:"));
    let r = accepted(&gateway, &bytes, SUCCESS, Format::Xml).await;
    assert!(r.query.is_empty());
    assert_eq!(r.body_param("robot_sn"), Some(ROBOT));
    assert_eq!(r.body_param("partner_id"), Some("top-sdk-net-20230831"));
    assert_eq!(r.body_param("sign_method"), Some("hmac"));
    wrong_sign(
        &gateway,
        &dotnet(WRONG, METHOD, None, &business, None),
        Format::Xml,
    )
    .await;

    // With a session: in the body and signed like any param.
    let trade = "taobao.trade.fullinfo.get";
    let session = Some("user-session-1");
    let bytes = dotnet(SECRET, trade, session, &[("tid", "1")], None);
    let r = accepted(
        &gateway,
        &bytes,
        "{\"trade_fullinfo_get_response\":{}}",
        Format::Xml,
    )
    .await;
    assert_eq!(r.body_param("session"), Some("user-session-1"));
    let bytes = dotnet(WRONG, trade, session, &[("tid", "1")], None);
    wrong_sign(&gateway, &bytes, Format::Xml).await;

    // The upload: every param a text part, the file part not signed.
    let file = ("image", "a.png", "image/png", PNG);
    let text = [("title", "图 1")];
    let r = accepted(
        &gateway,
        &dotnet(SECRET, UPLOAD, None, &text, Some(file)),
        UPLOADED,
        Format::Xml,
    )
    .await;
    assert!(r.query.is_empty() && r.is_multipart());
    assert_eq!(r.body_param("sign_method"), Some("hmac"));
    assert_eq!(r.file("image").map(|f| f.bytes.as_slice()), Some(PNG));
    wrong_sign(
        &gateway,
        &dotnet(WRONG, UPLOAD, None, &text, Some(file)),
        Format::Xml,
    )
    .await;
}

// ---- PHP: TopClient.php ----

/// How the PHP SDK sends a file.
#[derive(Clone, Copy)]
enum PhpUpload {
    /// `curl()`: a `@path` value becomes a `CURLFile` and curl builds the multipart body:
    /// boundary `------------------------<hex>`, text parts without a `Content-Type`, and
    /// `Expect: 100-continue` from curl (above its size threshold; sent at once here).
    Curl,
    /// `curl_with_memory_file()`: a body built by hand, boundary `-------------<uniqid>`, text
    /// parts without a `Content-Type`, a space after the file name's closing quote, and no CRLF
    /// after the closing delimiter.
    MemoryFile,
}

/// The PHP SDK: POST to `/router/rest?` + the system params in its order (app_key, v, format,
/// sign_method, method, timestamp, session, partner_id, sign), PHP `urlencode`d; the business
/// params in the body, `content-type: application/x-www-form-urlencoded; charset=UTF-8` (the
/// header as the SDK names it) — or multipart with a file (see [`PhpUpload`]). `md5` (its
/// only method), `format` xml by default, timestamp `date("Y-m-d H:i:s")` (the server's zone:
/// GMT+8 here), `partner_id` `top-sdk-php-20180326`, `User-Agent: top-sdk-php`, curl's
/// `Accept: */*`. A file param is not signed (not a string, or a `@path`).
fn php(
    secret: &str,
    method: &str,
    session: Option<&str>,
    business: &[(&str, &str)],
    file: Option<(File<'_>, PhpUpload)>,
) -> Vec<u8> {
    let timestamp = gmt8_now();
    let mut system: Vec<(&str, &str)> = vec![
        ("app_key", "12345678"),
        ("v", "2.0"),
        ("format", "xml"),
        ("sign_method", "md5"),
        ("method", method),
        ("timestamp", &timestamp),
    ];
    if let Some(session) = session {
        system.push(("session", session));
    }
    system.push(("partner_id", "top-sdk-php-20180326"));
    let all: Vec<(&str, &str)> = business.iter().chain(&system).copied().collect();
    let sign = sign(&all, secret, Hash::Md5);
    system.push(("sign", &sign));
    let target = format!("/router/rest?{}", form(&system, PHP));
    let mut headers: Vec<(String, String)> = vec![
        ("User-Agent".into(), "top-sdk-php".into()),
        ("Accept".into(), "*/*".into()),
    ];
    let body = match file {
        None => {
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=UTF-8".into(),
            ));
            form(business, PHP).into_bytes()
        }
        Some(((name, file_name, mime, bytes), PhpUpload::Curl)) => {
            let boundary = "------------------------d74496d66958873e";
            headers.push((
                "Content-Type".into(),
                format!("multipart/form-data; boundary={boundary}"),
            ));
            headers.push(("Expect".into(), "100-continue".into()));
            let mut body = Vec::new();
            for (k, v) in business {
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
                );
            }
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            body
        }
        Some(((name, file_name, mime, bytes), PhpUpload::MemoryFile)) => {
            let delimiter = "-------------656f1a2b3c4d5";
            headers.push((
                "Content-Type".into(),
                format!("multipart/form-data; boundary={delimiter}"),
            ));
            let mut body = Vec::new();
            for (k, v) in business {
                body.extend_from_slice(
                    format!("--{delimiter}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
                );
            }
            body.extend_from_slice(
                format!("--{delimiter}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\" \r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{delimiter}--").as_bytes());
            body
        }
    };
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    http("POST", &target, &headers, &body)
}

#[tokio::test]
async fn the_php_sdks_forms_are_accepted() {
    let gateway = start().await;
    // PHP sends a setter's value as PHP makes it a string: `true` → `1`.
    let business = [
        ("robot_sn", ROBOT),
        ("merchant_code", "HM"),
        ("dry_run", "1"),
    ];
    let bytes = php(SECRET, METHOD, None, &business, None);
    let r = accepted(&gateway, &bytes, SUCCESS, Format::Xml).await;
    assert_eq!(r.query_param("partner_id"), Some("top-sdk-php-20180326"));
    assert_eq!(r.query_param("sign_method"), Some("md5"));
    assert_eq!(r.body_param("robot_sn"), Some(ROBOT));
    assert_eq!(r.header("user-agent"), Some("top-sdk-php"));
    wrong_sign(
        &gateway,
        &php(WRONG, METHOD, None, &business, None),
        Format::Xml,
    )
    .await;

    let trade = "taobao.trade.fullinfo.get";
    let session = Some("user-session-1");
    let bytes = php(SECRET, trade, session, &[("tid", "1")], None);
    let r = accepted(
        &gateway,
        &bytes,
        r#"{"trade_fullinfo_get_response":{}}"#,
        Format::Xml,
    )
    .await;
    assert_eq!(r.query_param("session"), Some("user-session-1"));
    let bytes = php(WRONG, trade, session, &[("tid", "1")], None);
    wrong_sign(&gateway, &bytes, Format::Xml).await;

    let file = ("image", "a.png", "image/png", PNG);
    let text = [("title", "图 1")];
    for upload in [PhpUpload::Curl, PhpUpload::MemoryFile] {
        let bytes = php(SECRET, UPLOAD, None, &text, Some((file, upload)));
        let r = accepted(&gateway, &bytes, UPLOADED, Format::Xml).await;
        let image = r.file("image").expect("the file part");
        assert_eq!(
            (image.file_name.as_str(), image.bytes.as_slice()),
            ("a.png", PNG)
        );
        assert_eq!(image.content_type.as_deref(), Some("image/png"));
        assert_eq!(r.body_param("title"), Some("图 1"));
        let bytes = php(WRONG, UPLOAD, None, &text, Some((file, upload)));
        wrong_sign(&gateway, &bytes, Format::Xml).await;
    }
}

// ---- Python: top/api/base.py ----

/// The Python SDK (`http.client`): POST to `/router/rest?` + `urlencode` of the system params
/// in its dict's order (format, app_key, sign_method, v, timestamp, partner_id, method,
/// session, sign); the business params `urlencode`d in the body with
/// `Content-type: application/x-www-form-urlencoded;charset=UTF-8` — or, with a file,
/// `multipart/form-data; boundary=PYTHON_SDK_BOUNDARY`, text parts
/// `Content-Type: text/plain; charset=UTF-8`, the file part `Content-Disposition: file; …`
/// with `Content-Transfer-Encoding: binary`. md5 only; `format` json; timestamp epoch
/// milliseconds; `partner_id` `taobao-sdk-python-20200924`; `http.client` adds
/// `Accept-Encoding: identity`; the SDK adds `Cache-Control: no-cache`.
fn python(
    secret: &str,
    method: &str,
    session: Option<&str>,
    business: &[(&str, &str)],
    file: Option<File<'_>>,
) -> Vec<u8> {
    let timestamp = epoch_ms_now();
    let mut system: Vec<(&str, &str)> = vec![
        ("format", "json"),
        ("app_key", "12345678"),
        ("sign_method", "md5"),
        ("v", "2.0"),
        ("timestamp", &timestamp),
        ("partner_id", "taobao-sdk-python-20200924"),
        ("method", method),
    ];
    if let Some(session) = session {
        system.push(("session", session));
    }
    let all: Vec<(&str, &str)> = system.iter().chain(business).copied().collect();
    let sign = sign(&all, secret, Hash::Md5);
    system.push(("sign", &sign));
    let target = format!("/router/rest?{}", form(&system, PYTHON));
    let (content_type, body) = match file {
        None => (
            "application/x-www-form-urlencoded;charset=UTF-8".to_owned(),
            form(business, PYTHON).into_bytes(),
        ),
        Some((name, file_name, mime, bytes)) => {
            let boundary = "PYTHON_SDK_BOUNDARY";
            let mut body = Vec::new();
            for (k, v) in business {
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{v}\r\n").as_bytes(),
                );
            }
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: file; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {mime}\r\nContent-Transfer-Encoding: binary\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (format!("multipart/form-data; boundary={boundary}"), body)
        }
    };
    let headers = [
        ("Accept-Encoding", "identity"),
        ("Content-type", content_type.as_str()),
        ("Cache-Control", "no-cache"),
    ];
    http("POST", &target, &headers, &body)
}

#[tokio::test]
async fn the_python_sdks_forms_are_accepted() {
    let gateway = start().await;
    // Python sends `str(value)`: a bool is `True`.
    let business = [
        ("robot_sn", ROBOT),
        ("merchant_code", "HM"),
        ("dry_run", "True"),
    ];
    let bytes = python(SECRET, METHOD, None, &business, None);
    let r = accepted(&gateway, &bytes, SUCCESS, Format::Json).await;
    let millis = r.query_param("timestamp").unwrap();
    assert!(millis.len() == 13 && millis.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        r.query_param("partner_id"),
        Some("taobao-sdk-python-20200924")
    );
    assert_eq!(r.body_param("robot_sn"), Some(ROBOT));
    wrong_sign(
        &gateway,
        &python(WRONG, METHOD, None, &business, None),
        Format::Json,
    )
    .await;

    let trade = "taobao.trade.fullinfo.get";
    let session = Some("user-session-1");
    let bytes = python(SECRET, trade, session, &[("tid", "1")], None);
    accepted(
        &gateway,
        &bytes,
        r#"{"trade_fullinfo_get_response":{}}"#,
        Format::Json,
    )
    .await;
    let bytes = python(WRONG, trade, session, &[("tid", "1")], None);
    wrong_sign(&gateway, &bytes, Format::Json).await;

    let file = ("image", "a.png", "image/png", PNG);
    let text = [("title", "图 1")];
    let r = accepted(
        &gateway,
        &python(SECRET, UPLOAD, None, &text, Some(file)),
        UPLOADED,
        Format::Json,
    )
    .await;
    assert_eq!(r.file("image").map(|f| f.bytes.as_slice()), Some(PNG));
    assert_eq!(r.body_param("title"), Some("图 1"));
    let bytes = python(WRONG, UPLOAD, None, &text, Some(file));
    wrong_sign(&gateway, &bytes, Format::Json).await;
}

// ---- Node: ali-topsdk and node-taobao-topclient ----

/// `ali-topsdk` (Alibaba's npm SDK): POST to the bare `/router/rest`, every param (timestamp,
/// format, app_key, v, sign_method, the business params with method last, then sign) a text
/// part of a `form-data` multipart body, boundary `--------------------------<24 digits>`,
/// parts `Content-Disposition: form-data; name="…"` with no `Content-Type`; a `Buffer` param
/// is attached first, as `filename="<its name>"`, `Content-Type: application/octet-stream`;
/// objects (lists) are sent as JSON. md5; `format` json; timestamp GMT+8 text (host clock);
/// no `partner_id`.
fn ali_topsdk(
    secret: &str,
    method: &str,
    business: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Vec<u8> {
    let timestamp = gmt8_now();
    let mut params: Vec<(&str, &str)> = vec![
        ("timestamp", &timestamp),
        ("format", "json"),
        ("app_key", "12345678"),
        ("v", "2.0"),
        ("sign_method", "md5"),
    ];
    params.extend_from_slice(business);
    params.push(("method", method));
    let sign = sign(&params, secret, Hash::Md5);
    params.push(("sign", &sign));
    let boundary = "--------------------------515890814546601021194782";
    let mut body = Vec::new();
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for (k, v) in &params {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    http(
        "POST",
        "/router/rest",
        &[("content-type", content_type.as_str())],
        &body,
    )
}

/// `node-taobao-topclient`: every param (timestamp, format, app_key, v, sign_method, the
/// business params, method, sign) `querystring`-encoded (space `%20`), in a POST body of
/// `application/x-www-form-urlencoded` (no charset), or in the query of a GET without a body.
/// md5; `format` json; `Accept: application/json`.
fn node_topclient(secret: &str, http_method: &str, business: &[(&str, &str)]) -> Vec<u8> {
    let timestamp = gmt8_now();
    let mut params: Vec<(&str, &str)> = vec![
        ("timestamp", &timestamp),
        ("format", "json"),
        ("app_key", "12345678"),
        ("v", "2.0"),
        ("sign_method", "md5"),
    ];
    params.extend_from_slice(business);
    params.push(("method", METHOD));
    let sign = sign(&params, secret, Hash::Md5);
    params.push(("sign", &sign));
    let encoded = form(&params, NODE);
    if http_method == "GET" {
        let target = format!("/router/rest?{encoded}");
        http("GET", &target, &[("Accept", "application/json")], b"")
    } else {
        let headers = [
            ("Accept", "application/json"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        http("POST", "/router/rest", &headers, encoded.as_bytes())
    }
}

#[tokio::test]
async fn the_node_sdks_forms_are_accepted() {
    let gateway = start().await;
    // ali-topsdk: objects as JSON (`JSON.stringify`), booleans as `true`.
    let business = [
        ("robot_sn", ROBOT),
        ("merchant_code", "HM"),
        ("tags", r#"["a","b"]"#),
        ("dry_run", "true"),
    ];
    let bytes = ali_topsdk(SECRET, METHOD, &business, None);
    let r = accepted(&gateway, &bytes, SUCCESS, Format::Json).await;
    assert!(r.query.is_empty() && r.is_multipart() && r.files.is_empty());
    assert_eq!(r.param("sign_method"), Some("md5"));
    assert_eq!(r.body_param("robot_sn"), Some(ROBOT));
    assert_eq!(r.body_param("tags"), Some(r#"["a","b"]"#));
    wrong_sign(
        &gateway,
        &ali_topsdk(WRONG, METHOD, &business, None),
        Format::Json,
    )
    .await;

    let text = [("title", "图 1")];
    let file = Some(("image", PNG));
    let r = accepted(
        &gateway,
        &ali_topsdk(SECRET, UPLOAD, &text, file),
        UPLOADED,
        Format::Json,
    )
    .await;
    let image = r.file("image").expect("the file part");
    assert_eq!(
        (image.file_name.as_str(), image.bytes.as_slice()),
        ("image", PNG)
    );
    assert_eq!(
        image.content_type.as_deref(),
        Some("application/octet-stream")
    );
    wrong_sign(
        &gateway,
        &ali_topsdk(WRONG, UPLOAD, &text, file),
        Format::Json,
    )
    .await;

    // node-taobao-topclient, POST and GET.
    let business = [("robot_sn", ROBOT), ("merchant_code", "HM")];
    for method in ["POST", "GET"] {
        let r = accepted(
            &gateway,
            &node_topclient(SECRET, method, &business),
            SUCCESS,
            Format::Json,
        )
        .await;
        assert_eq!(r.http_method, method);
        assert_eq!(r.param("robot_sn"), Some(ROBOT));
        assert_eq!(r.query.is_empty(), method == "POST");
        wrong_sign(
            &gateway,
            &node_topclient(WRONG, method, &business),
            Format::Json,
        )
        .await;
    }
}

/// No SDK compresses a request (none sends `Content-Encoding`); the Java and .NET SDKs ask
/// for gzip replies (`Accept-Encoding: gzip`) and inflate them, the Python SDK asks for none.
#[tokio::test]
async fn the_sdks_accept_gzip_replies_and_send_plain_bodies() {
    let gateway = topgen_gateway::Gateway::builder()
        .app("12345678", SECRET)
        .api(
            topgen_gateway::Api::new(METHOD)
                .required(["robot_sn"])
                .response_json(SUCCESS),
        )
        .gzip(true)
        .start()
        .await
        .unwrap();
    let business = [("robot_sn", ROBOT)];
    // The Java and .NET SDKs ask for gzip and get it.
    for bytes in [
        java(SECRET, METHOD, &[], &business, None),
        dotnet(SECRET, METHOD, None, &business, None),
    ] {
        gateway.clear_requests();
        let answer = send(&gateway, &bytes).await;
        assert_eq!(only(&gateway).verdict, Verdict::Ok);
        assert_eq!(answer.header("content-encoding"), Some("gzip"));
        assert!(answer.body.starts_with(&[0x1f, 0x8b]));
    }
    // Python's `Accept-Encoding: identity` gets a plain reply.
    gateway.clear_requests();
    let answer = send(&gateway, &python(SECRET, METHOD, None, &business, None)).await;
    assert_eq!(only(&gateway).verdict, Verdict::Ok);
    assert_eq!(answer.header("content-encoding"), None);
    assert_eq!(answer.text(), SUCCESS);
}
