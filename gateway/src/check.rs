//! The checks TOP makes of a request, in order; the first violation is the verdict.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use topgen_runtime::Format;

use crate::api::Api;
use crate::body::{decode_form, decode_form_lossy, media_type, parse_multipart};
use crate::record::{RecordedFile, Rejection, find};
use crate::sign::{SignMethod, sign_with_body};
use crate::wire::HttpRequest;

/// The path of every TOP call.
pub const PATH: &str = "/router/rest";

/// TOP's system params. The official Java SDK sends them in the URL query and the business
/// params in the body; TOP, and this gateway, read every param from the query or the body alike.
pub const SYSTEM_PARAMS: &[&str] = &[
    "method",
    "app_key",
    "timestamp",
    "v",
    "sign",
    "sign_method",
    "format",
    "session",
    "partner_id",
    "target_app_key",
    "simplify",
];

/// TOP's allowed clock skew between a request's `timestamp` and the server.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(10 * 60);

/// A text that is never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Hidden(pub String);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What the gateway knows: apps, APIs, sessions, clock.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub apps: BTreeMap<String, Hidden>,
    pub apis: BTreeMap<String, Api>,
    pub sessions: Vec<Hidden>,
    pub clock: Option<DateTime<FixedOffset>>,
    pub max_skew: Duration,
    pub gzip: bool,
    /// The seed of the replies made up from response schemas.
    pub seed: u64,
}

/// The fixed UTC+8 offset of TOP's timestamps.
pub(crate) const GMT8: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    // Evaluated at compile time: 8 h is always a valid offset.
    None => panic!("UTC+8 is a valid offset"),
};

/// The current time at GMT+8.
pub(crate) fn now_gmt8() -> DateTime<FixedOffset> {
    chrono::Utc::now().with_timezone(&GMT8)
}

/// A request as judged: what could be decoded of it, the format to answer in, and the verdict.
pub(crate) struct Judged {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<(String, String)>,
    pub files: Vec<RecordedFile>,
    pub reply_format: Format,
    /// The API that will answer (`None` for a batch, whose calls answer), or why the request
    /// is refused.
    pub outcome: Result<Option<Api>, Rejection>,
}

/// Checks a request like TOP does.
pub(crate) fn judge(config: &Config, req: &HttpRequest, now: DateTime<FixedOffset>) -> Judged {
    let (path, raw_query) = req.path_and_query();
    let mut judged = Judged {
        path,
        query: Vec::new(),
        body: Vec::new(),
        files: Vec::new(),
        reply_format: Format::Xml,
        outcome: Err(Rejection::new(0, "", "", "")),
    };
    judged.outcome = check(config, req, raw_query.as_deref(), now, &mut judged).map(Some);
    judged
}

/// The format the `format` and `simplify` params ask for: `json` (with `simplify=true`:
/// simplified) or `xml`.
pub(crate) fn requested_format(format: Option<&str>, simplify: Option<&str>) -> Option<Format> {
    match format {
        Some("json") if simplify == Some("true") => Some(Format::SimplifiedJson),
        Some("json") => Some(Format::Json),
        Some("xml") => Some(Format::Xml),
        _ => None,
    }
}

pub(crate) fn http_action(sub_msg: String) -> Rejection {
    Rejection::new(
        9,
        "Http Action Not Allowed",
        "isv.http-action-not-allowed",
        sub_msg,
    )
}

fn invalid_param(name: &str, sub_msg: String) -> Rejection {
    Rejection::new(
        41,
        "Invalid Arguments",
        format!("isv.invalid-parameter:{name}"),
        sub_msg,
    )
}

pub(crate) fn invalid_encoding(sub_msg: String) -> Rejection {
    Rejection::new(47, "Invalid Encoding", "isv.invalid-encoding", sub_msg)
}

pub(crate) fn invalid_content_type(sub_msg: String) -> Rejection {
    Rejection::new(41, "Invalid Arguments", "isv.invalid-content-type", sub_msg)
}

/// A `charset` param, if any, must name UTF-8.
pub(crate) fn check_charset(params: &[(String, String)], what: &str) -> Result<(), Rejection> {
    for (name, value) in params {
        if name == "charset" && !value.eq_ignore_ascii_case("utf-8") {
            return Err(invalid_encoding(format!(
                "{what} must be UTF-8; got charset {value}"
            )));
        }
    }
    Ok(())
}

fn check(
    config: &Config,
    req: &HttpRequest,
    raw_query: Option<&str>,
    now: DateTime<FixedOffset>,
    judged: &mut Judged,
) -> Result<Api, Rejection> {
    // The query, and from it the format to answer in until the body is read (even a refusal).
    let query = match raw_query {
        Some(q) => decode_form(q.as_bytes()),
        None => Ok(Vec::new()),
    };
    judged.query = match &query {
        Ok(query) => query.clone(),
        // Recorded as far as it reads; refused below.
        Err(_) => decode_form_lossy(raw_query.unwrap_or("").as_bytes()),
    };
    judged.reply_format = requested_format(
        find(&judged.query, "format"),
        find(&judged.query, "simplify"),
    )
    .unwrap_or(Format::Xml);

    // HTTP method and path.
    if req.method != "POST" && req.method != "GET" {
        return Err(http_action(format!(
            "TOP calls are POSTs, or GETs with every param in the URL query; got {}",
            req.method
        )));
    }
    if judged.path != PATH {
        return Err(http_action(format!(
            "TOP calls go to {PATH}; got {}",
            judged.path
        )));
    }
    if req.method == "GET" && !req.body.is_empty() {
        return Err(http_action(format!(
            "a GET carries every param in its URL query, and TOP does not read a GET's body ({} bytes here): POST a body",
            req.body.len()
        )));
    }
    if query.is_err() {
        return Err(invalid_encoding("the URL query is not UTF-8".to_owned()));
    }

    // The body: a UTF-8 form, or multipart with UTF-8 text parts.
    if !req.body.is_empty() {
        decode_body(req, judged)?;
    }
    let query = &judged.query;
    let body = &judged.body;
    let files = &judged.files;
    // TOP reads every param, system or business, from the URL query and the body alike.
    let param = |name: &str| find(query, name).or_else(|| find(body, name));
    judged.reply_format =
        requested_format(param("format"), param("simplify")).unwrap_or(Format::Xml);

    check_once(query, body, files)?;
    let api = find_api(config, &param)?;
    // Every text param, wherever it was sent: all signed, all looked at for file names.
    let every: Vec<(String, String)> = query.iter().chain(body).cloned().collect();
    check_system(config, &param, now, &every, None)?;
    check_api(config, api, &param, &every, files)?;
    Ok(api.clone())
}

/// Each param once: not twice in `query`, nor in `body` (its text params and `files`), not in
/// both; no empty names or values.
pub(crate) fn check_once(
    query: &[(String, String)],
    body: &[(String, String)],
    files: &[RecordedFile],
) -> Result<(), Rejection> {
    for (i, (k, _)) in query.iter().enumerate() {
        if query[..i].iter().any(|(seen, _)| seen == k) {
            return Err(invalid_param(
                k,
                format!("param {k} is sent twice in the URL query"),
            ));
        }
    }
    let body_names: Vec<&str> = body
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(files.iter().map(|f| f.name.as_str()))
        .collect();
    for (i, k) in body_names.iter().enumerate() {
        if body_names[..i].contains(k) {
            return Err(invalid_param(
                k,
                format!("param {k} is sent twice in the body"),
            ));
        }
        if find(query, k).is_some() {
            return Err(invalid_param(
                k,
                format!(
                    "param {k} is sent both in the URL query and in the body; send each param once, in either place"
                ),
            ));
        }
        if k.trim().is_empty() {
            return Err(invalid_param(k, "a param has an empty name".to_owned()));
        }
    }
    for (k, v) in query.iter().chain(body) {
        if k.trim().is_empty() {
            return Err(invalid_param(k, "a param has an empty name".to_owned()));
        }
        if v.trim().is_empty() {
            return Err(invalid_param(
                k,
                format!("param {k} has an empty value; TOP clients must not send empty params"),
            ));
        }
    }

    Ok(())
}

/// The API the `method` param names (21, 22).
pub(crate) fn find_api<'c, 'p>(
    config: &'c Config,
    param: &impl Fn(&str) -> Option<&'p str>,
) -> Result<&'c Api, Rejection> {
    let method = param("method").ok_or_else(|| {
        Rejection::new(
            21,
            "Missing Method",
            "isv.missing-method",
            "the request has no method (in the URL query or the body)",
        )
    })?;
    let api = config.apis.get(method).ok_or_else(|| {
        Rejection::new(
            22,
            "Invalid Method",
            "isv.invalid-method",
            format!("this gateway serves no API named {method}"),
        )
    })?;
    Ok(api)
}

/// The system params but `method`: `app_key`, `timestamp`, `v`, `format`, `simplify`,
/// `sign_method`, and `sign` over `signed` (every text param; `sign` itself is left out) with
/// `signed_body` appended (a batch's body).
pub(crate) fn check_system<'p>(
    config: &Config,
    param: &impl Fn(&str) -> Option<&'p str>,
    now: DateTime<FixedOffset>,
    signed: &[(String, String)],
    signed_body: Option<&str>,
) -> Result<(), Rejection> {
    let app_key = param("app_key").ok_or_else(|| {
        Rejection::new(
            28,
            "Missing App Key",
            "isv.missing-app-key",
            "the request has no app_key (in the URL query or the body)",
        )
    })?;
    let secret = config.apps.get(app_key).ok_or_else(|| {
        Rejection::new(
            29,
            "Invalid App Key",
            "isv.invalid-app-key",
            format!("this gateway knows no app with app_key {app_key}"),
        )
    })?;
    check_timestamp(param("timestamp"), now, config.max_skew)?;
    match param("v") {
        None => {
            return Err(Rejection::new(
                32,
                "Missing Version",
                "isv.missing-version",
                "the request has no v (in the URL query or the body)",
            ));
        }
        Some("2.0") => {}
        Some(v) => {
            return Err(Rejection::new(
                33,
                "Invalid Version",
                "isv.invalid-version",
                format!("v must be 2.0; got {v}"),
            ));
        }
    }
    match param("format") {
        Some("json" | "xml") => {}
        other => {
            return Err(Rejection::new(
                23,
                "Invalid Format",
                "isv.invalid-format",
                format!(
                    "format must be json or xml (TOP answers XML without it, so clients always send it); got {}",
                    other.unwrap_or("none")
                ),
            ));
        }
    }
    match param("simplify") {
        None | Some("true" | "false") => {}
        Some(other) => {
            return Err(invalid_param(
                "simplify",
                format!("simplify must be true or false; got {other}"),
            ));
        }
    }
    let sign_method = param("sign_method")
        .and_then(SignMethod::from_wire)
        .ok_or_else(|| {
            Rejection::new(
                25,
                "Invalid Signature",
                "isv.invalid-signature",
                "sign_method must be md5, hmac or hmac-sha256",
            )
        })?;
    let sent_sign = param("sign").ok_or_else(|| {
        Rejection::new(
            24,
            "Missing Signature",
            "isv.missing-signature",
            "the request has no sign (in the URL query or the body)",
        )
    })?;
    // Every text param but `sign`, wherever it was sent; file parts are not signed.
    let signed: Vec<(&str, &str)> = signed
        .iter()
        .filter(|(k, _)| k != "sign")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if sign_with_body(&signed, signed_body, &secret.0, sign_method) != sent_sign {
        return Err(Rejection::new(
            25,
            "Invalid Signature",
            "isv.invalid-signature",
            format!(
                "sign does not match the params and the app's secret (sign_method {}; every param but sign and the file parts is signed, wherever it is sent)",
                sign_method.as_str()
            ),
        ));
    }

    Ok(())
}

/// What a call to `api` must carry: a session if it needs one (one of the declared ones, if
/// any), its file params as `files` and no other, its required params among `params` or
/// `files`.
pub(crate) fn check_api<'p>(
    config: &Config,
    api: &Api,
    param: &impl Fn(&str) -> Option<&'p str>,
    params: &[(String, String)],
    files: &[RecordedFile],
) -> Result<(), Rejection> {
    let method = api.method();
    // Session.
    match param("session") {
        None if api.needs_a_session() => {
            return Err(Rejection::new(
                26,
                "Missing Session",
                "isv.missing-session",
                format!("{method} needs a user's session"),
            ));
        }
        Some(session)
            if !config.sessions.is_empty() && !config.sessions.iter().any(|s| s.0 == session) =>
        {
            return Err(Rejection::new(
                27,
                "Invalid Session",
                "isv.invalid-session",
                "the session is not one this gateway issued",
            ));
        }
        _ => {}
    }

    // Business params: files as files, required ones present.
    let declared = api.file_params();
    if let Some((name, _)) = params.iter().find(|(k, _)| declared.contains(k)) {
        return Err(invalid_param(
            name,
            format!(
                "{name} is a file (byte[]) param of {method}: send it as a file part of a multipart/form-data body"
            ),
        ));
    }
    if let Some(file) = files.iter().find(|f| !declared.contains(&f.name)) {
        return Err(invalid_param(
            &file.name,
            format!(
                "{} is not a file (byte[]) param of {method}; text params are text parts, without a filename",
                file.name
            ),
        ));
    }
    let missing = api
        .required_params()
        .iter()
        .find(|name| param(name).is_none() && !files.iter().any(|f| &f.name == *name));
    if let Some(missing) = missing {
        return Err(Rejection::new(
            40,
            "Missing Required Arguments",
            format!("isv.missing-parameter:{missing}"),
            format!("required param {missing} is missing"),
        ));
    }
    Ok(())
}

/// Decodes a non-empty body into `judged.body` (text params) and `judged.files`.
fn decode_body(req: &HttpRequest, judged: &mut Judged) -> Result<(), Rejection> {
    let content_type = req.header("content-type").unwrap_or("");
    let (media, params) = media_type(content_type);
    match media.as_str() {
        "application/x-www-form-urlencoded" => {
            check_charset(&params, "the body")?;
            judged.body = decode_form(&req.body)
                .map_err(|_| invalid_encoding("the body is not UTF-8".to_owned()))?;
            Ok(())
        }
        "multipart/form-data" => {
            check_charset(&params, "the body")?;
            let Some((_, boundary)) = params.iter().find(|(k, _)| k == "boundary") else {
                return Err(invalid_content_type(format!(
                    "a multipart/form-data body needs a boundary; got content type {content_type:?}"
                )));
            };
            let parts = parse_multipart(&req.body, boundary).map_err(|why| {
                Rejection::new(41, "Invalid Arguments", "isv.invalid-multipart", why)
            })?;
            for part in parts {
                match part.file_name {
                    Some(file_name) => judged.files.push(RecordedFile {
                        name: part.name,
                        file_name,
                        content_type: part.content_type,
                        bytes: part.data,
                    }),
                    None => {
                        if let Some(ct) = &part.content_type {
                            check_charset(&media_type(ct).1, &format!("part {}", part.name))?;
                        }
                        let value = String::from_utf8(part.data).map_err(|_| {
                            invalid_encoding(format!("the text part {} is not UTF-8", part.name))
                        })?;
                        judged.body.push((part.name, value));
                    }
                }
            }
            Ok(())
        }
        _ => Err(invalid_content_type(format!(
            "business params go in an application/x-www-form-urlencoded body, or multipart/form-data with files; got content type {content_type:?}"
        ))),
    }
}

/// Checks `timestamp`: present, either exactly `yyyy-MM-dd HH:mm:ss` at GMT+8 or epoch
/// milliseconds (as Taobao's Python SDK sends it), and within `max_skew` of `now`.
pub(crate) fn check_timestamp(
    timestamp: Option<&str>,
    now: DateTime<FixedOffset>,
    max_skew: Duration,
) -> Result<(), Rejection> {
    let Some(timestamp) = timestamp else {
        return Err(Rejection::new(
            30,
            "Missing Timestamp",
            "isv.missing-timestamp",
            "the request has no timestamp (in the URL query or the body)",
        ));
    };
    let invalid =
        |why: String| Rejection::new(31, "Invalid Timestamp", "isv.invalid-timestamp", why);
    let Some(parsed) = parse_timestamp(timestamp) else {
        return Err(invalid(format!(
            "timestamp must be yyyy-MM-dd HH:mm:ss at GMT+8, or epoch milliseconds; got {timestamp:?}"
        )));
    };
    let skew = Duration::from_millis((parsed - now).num_milliseconds().unsigned_abs());
    if skew > max_skew {
        return Err(invalid(format!(
            "timestamp {timestamp} ({}, GMT+8) is {} s away from the gateway's clock ({}, GMT+8); at most {} s allowed",
            parsed.format("%Y-%m-%d %H:%M:%S"),
            skew.as_secs(),
            now.with_timezone(&GMT8).format("%Y-%m-%d %H:%M:%S"),
            max_skew.as_secs()
        )));
    }
    Ok(())
}

/// A timestamp as TOP reads it: `yyyy-MM-dd HH:mm:ss` at GMT+8 (exactly that shape), or the
/// milliseconds since the Unix epoch (digits only).
fn parse_timestamp(timestamp: &str) -> Option<DateTime<FixedOffset>> {
    if !timestamp.is_empty()
        && timestamp.len() <= 15
        && timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        let millis: i64 = timestamp.parse().ok()?;
        return DateTime::from_timestamp_millis(millis).map(|t| t.with_timezone(&GMT8));
    }
    let shape_ok = timestamp.len() == 19
        && timestamp.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDateTime::parse_from_str(timestamp, "%Y-%m-%d %H:%M:%S")
        .ok()
        .and_then(|naive| naive.and_local_timezone(GMT8).single())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_local_timezone(GMT8)
            .unwrap()
    }

    #[test]
    fn gmt8_is_eight_hours_east() {
        assert_eq!(GMT8.local_minus_utc(), 8 * 3600);
        assert_eq!(now_gmt8().offset().local_minus_utc(), 8 * 3600);
    }

    #[test]
    fn timestamps_must_have_the_exact_shape_and_be_near() {
        let now = at("2026-11-28 12:00:00");
        let skew = DEFAULT_MAX_SKEW;
        assert!(check_timestamp(Some("2026-11-28 12:00:00"), now, skew).is_ok());
        assert!(check_timestamp(Some("2026-11-28 12:10:00"), now, skew).is_ok());
        assert!(check_timestamp(Some("2026-11-28 11:50:00"), now, skew).is_ok());
        assert_eq!(check_timestamp(None, now, skew).unwrap_err().code, 30);
        // Epoch milliseconds (Taobao's Python SDK): the same instant, and the same bounds.
        assert!(check_timestamp(Some("1795838400000"), now, skew).is_ok());
        assert!(check_timestamp(Some("1795839000000"), now, skew).is_ok());
        assert!(check_timestamp(Some("1795837800000"), now, skew).is_ok());
        for bad in [
            "2026-11-28 12:10:01",
            "2026-11-28 11:49:59",
            "2026-11-28T12:00:00",
            "2026-11-28 12:00",
            "2026-11-28 12:00:00.000",
            "2026-11-28 12:00:00+08:00",
            "2026-13-28 12:00:00",
            "2026-11-28 1:00:000",
            "1795838400000.0",
            "+1795838400000",
            "-1795838400000",
            "1795838400000 ",
            "1795839000001",
            "1795837799999",
            "1795838400",
            "9999999999999999",
        ] {
            assert_eq!(
                check_timestamp(Some(bad), now, skew).unwrap_err().code,
                31,
                "{bad}"
            );
        }
        // The clock is compared as an instant: a UTC clock reading the same moment agrees.
        let utc_now = now.with_timezone(&FixedOffset::east_opt(0).unwrap());
        assert!(check_timestamp(Some("2026-11-28 12:00:00"), utc_now, skew).is_ok());
    }

    #[test]
    fn requested_formats() {
        assert_eq!(requested_format(Some("json"), None), Some(Format::Json));
        assert_eq!(
            requested_format(Some("json"), Some("true")),
            Some(Format::SimplifiedJson)
        );
        assert_eq!(
            requested_format(Some("json"), Some("false")),
            Some(Format::Json)
        );
        assert_eq!(
            requested_format(Some("xml"), Some("true")),
            Some(Format::Xml)
        );
        assert_eq!(requested_format(Some("yaml"), None), None);
        assert_eq!(requested_format(None, None), None);
    }
}
