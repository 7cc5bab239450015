//! TOP's batch calls (`/router/batch`): several calls in one request, checked like TOP does,
//! answered call by call. See [the crate docs](crate#batch-calls).

use std::fmt;

use chrono::{DateTime, FixedOffset};
use topgen_runtime::Format;

use crate::body::{decode_form, decode_form_lossy, media_type};
use crate::check::{
    Config, Judged, check_api, check_charset, check_once, check_system, find_api, http_action,
    invalid_content_type, invalid_encoding, requested_format,
};
use crate::fault::TopErrorReply;
use crate::record::{Redacted, Rejection, Verdict, find, is_secret_param};
use crate::reply::{self, ErrorFields};
use crate::wire::HttpRequest;

/// The path of batch calls.
pub const BATCH_PATH: &str = "/router/batch";

/// The separator of a batch's calls when the request names none in [`SEPARATOR_HEADER`].
pub const DEFAULT_SEPARATOR: &str = "\r\n-S-\r\n";

/// The header in which a batch announces its own separator.
pub const SEPARATOR_HEADER: &str = "top-api-separator";

/// What opens a batch's part of params shared by every call.
pub const PUBLIC_MARKER: &str = "#PUBLIC#";

/// One call of a recorded batch.
///
/// `Debug` hides sessions and params named like secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedPart {
    /// Its params as sent in its part of the body (none for `N`), decoded, in order.
    pub params: Vec<(String, String)>,
    /// The API it called: its own `method`, else the public one.
    pub method: Option<String>,
    /// What the gateway made of it.
    pub verdict: Verdict,
    /// The error it was made to answer ([`Gateway::push_part_error`](crate::Gateway::push_part_error)).
    pub injected: Option<TopErrorReply>,
}

impl RecordedPart {
    /// The first value of one of its params (its own, not the public ones).
    pub fn param(&self, name: &str) -> Option<&str> {
        find(&self.params, name)
    }
}

impl fmt::Debug for RecordedPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedPart")
            .field(
                "params",
                &Redacted {
                    pairs: &self.params,
                    secret: is_secret_param,
                },
            )
            .field("method", &self.method)
            .field("verdict", &self.verdict)
            .field("injected", &self.injected)
            .finish()
    }
}

/// A batch as the gateway received it: [`Recorded::batch`](crate::Recorded::batch).
///
/// `Debug` hides sessions and params named like secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedBatch {
    /// The separator used: the default or the one of the header `top-api-separator`.
    pub separator: String,
    /// The `#PUBLIC#` params, if the body had them.
    pub public: Vec<(String, String)>,
    /// The calls, in order.
    pub parts: Vec<RecordedPart>,
}

impl fmt::Debug for RecordedBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedBatch")
            .field("separator", &self.separator)
            .field(
                "public",
                &Redacted {
                    pairs: &self.public,
                    secret: is_secret_param,
                },
            )
            .field("parts", &self.parts)
            .finish()
    }
}

/// A batch request as judged: the request's [`Judged`] (its outcome `Ok(None)` when the batch
/// as a whole passed), what was read of its calls, and the reply to send when it passed.
pub(crate) struct BatchJudged {
    pub judged: Judged,
    pub record: Option<RecordedBatch>,
    pub reply: Option<String>,
}

/// Checks a batch like TOP does, and answers each of its calls; the calls of `injected`
/// (by index) answer their error instead.
pub(crate) fn judge(
    config: &Config,
    req: &HttpRequest,
    now: DateTime<FixedOffset>,
    request_id: &str,
    injected: &[(usize, TopErrorReply)],
) -> BatchJudged {
    let (path, raw_query) = req.path_and_query();
    let mut judged = Judged {
        path,
        query: Vec::new(),
        body: Vec::new(),
        files: Vec::new(),
        reply_format: Format::Xml,
        outcome: Ok(None),
    };
    let mut record = None;
    let reply = match check(
        config,
        req,
        raw_query.as_deref(),
        now,
        &mut judged,
        &mut record,
        request_id,
        injected,
    ) {
        Ok(reply) => Some(reply),
        Err(rejection) => {
            judged.outcome = Err(rejection);
            None
        }
    };
    BatchJudged {
        judged,
        record,
        reply,
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    config: &Config,
    req: &HttpRequest,
    raw_query: Option<&str>,
    now: DateTime<FixedOffset>,
    judged: &mut Judged,
    record: &mut Option<RecordedBatch>,
    request_id: &str,
    injected: &[(usize, TopErrorReply)],
) -> Result<String, Rejection> {
    let query = match raw_query {
        Some(q) => decode_form(q.as_bytes()),
        None => Ok(Vec::new()),
    };
    judged.query = match &query {
        Ok(query) => query.clone(),
        Err(_) => decode_form_lossy(raw_query.unwrap_or("").as_bytes()),
    };
    let format = requested_format(
        find(&judged.query, "format"),
        find(&judged.query, "simplify"),
    )
    .unwrap_or(Format::Xml);
    judged.reply_format = format;
    if req.method != "POST" {
        return Err(http_action(format!(
            "batch calls are POSTs with the calls in the body; got {}",
            req.method
        )));
    }
    if query.is_err() {
        return Err(invalid_encoding("the URL query is not UTF-8".to_owned()));
    }
    let content_type = req.header("content-type").unwrap_or("");
    let (media, media_params) = media_type(content_type);
    if media != "text/plain" {
        return Err(invalid_content_type(format!(
            "a batch body is text/plain;charset=utf-8; got content type {content_type:?}"
        )));
    }
    check_charset(&media_params, "the batch body")?;
    let body = std::str::from_utf8(&req.body)
        .map_err(|_| invalid_encoding("the batch body is not UTF-8".to_owned()))?;
    let query = &judged.query;
    check_once(query, &[], &[])?;
    let param = |name: &str| find(query, name);
    check_system(config, &param, now, query, Some(body))?;

    let separator = match req.header(SEPARATOR_HEADER) {
        None => DEFAULT_SEPARATOR.to_owned(),
        Some(s) if !s.is_empty() => s.to_owned(),
        Some(_) => {
            return Err(Rejection::new(
                41,
                "Invalid Arguments",
                "isv.invalid-parameter:top-api-separator",
                "the header top-api-separator is empty",
            ));
        }
    };
    let mut segments: Vec<&str> = body.split(separator.as_str()).collect();
    let mut public = Vec::new();
    if let Some(first) = segments.first()
        && let Some(rest) = first.strip_prefix(PUBLIC_MARKER)
    {
        public = decode_form(rest.as_bytes())
            .map_err(|_| invalid_encoding("the #PUBLIC# params are not UTF-8".to_owned()))?;
        check_once(&public, &[], &[])?;
        segments.remove(0);
    }
    if body.is_empty() || segments.is_empty() {
        return Err(Rejection::new(
            40,
            "Missing Required Arguments",
            "isv.missing-parameter:batch",
            "the batch has no call",
        ));
    }
    let mut parts = Vec::with_capacity(segments.len());
    let mut replies = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let params = if *segment == "N" {
            Ok(Vec::new())
        } else {
            decode_form(segment.as_bytes())
        };
        let params = params.unwrap_or_else(|_| decode_form_lossy(segment.as_bytes()));
        let lookup = |name: &str| {
            find(&params, name)
                .or_else(|| find(&public, name))
                .or_else(|| find(query, name))
        };
        let injected = injected
            .iter()
            .find(|(at, _)| *at == i)
            .map(|(_, e)| e.clone());
        let checked = check_part(config, &params, &public, &lookup);
        let reply = match &checked {
            Ok(api) => match &injected {
                Some(e) => reply::render_error(
                    &ErrorFields {
                        code: e.code,
                        msg: &e.msg,
                        sub_code: e.sub_code.as_deref(),
                        sub_msg: e.sub_msg.as_deref(),
                        request_id: Some(request_id),
                    },
                    format,
                ),
                None => {
                    let business: Vec<(String, String)> =
                        public.iter().chain(&params).cloned().collect();
                    api.render_for(format, config.seed, &business)
                }
                .unwrap_or_else(|why| {
                    reply::render_error(
                        &ErrorFields {
                            code: 15,
                            msg: "Remote service error",
                            sub_code: Some("isp.gateway-example"),
                            sub_msg: Some(&why),
                            request_id: Some(request_id),
                        },
                        format,
                    )
                }),
            },
            Err(rejection) => reply::render_error(
                &ErrorFields {
                    code: rejection.code,
                    msg: &rejection.msg,
                    sub_code: Some(&rejection.sub_code),
                    sub_msg: Some(&rejection.sub_msg),
                    request_id: Some(request_id),
                },
                format,
            ),
        };
        replies.push(reply);
        let (verdict, injected) = match checked {
            Ok(_) => (Verdict::Ok, injected),
            Err(rejection) => (Verdict::Rejected(rejection), None),
        };
        parts.push(RecordedPart {
            method: lookup("method").map(str::to_owned),
            params: params.clone(),
            verdict,
            injected,
        });
    }
    *record = Some(RecordedBatch {
        separator: separator.clone(),
        public,
        parts,
    });
    Ok(replies.join(&separator))
}

/// One call's checks, as a single call's after its system params: its params once each, its
/// API, its session, files and required params.
fn check_part<'c, 'p>(
    config: &'c Config,
    params: &[(String, String)],
    public: &[(String, String)],
    lookup: &impl Fn(&str) -> Option<&'p str>,
) -> Result<&'c crate::Api, Rejection> {
    check_once(params, &[], &[])?;
    let api = find_api(config, lookup)?;
    let business: Vec<(String, String)> = public.iter().chain(params).cloned().collect();
    check_api(config, api, lookup, &business, &[])?;
    Ok(api)
}
