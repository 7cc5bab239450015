//! What the gateway remembers of each request: [`Recorded`].

use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use topgen_runtime::Format;

use crate::fault::Fault;

/// Whether a param's value is a secret that `Debug` prints as `***`: `session`, and business
/// params named like secrets, by the rule generated code follows (`topgen_spec`'s
/// `looks_secret`: `*secret*`, `*password*`, `*token`, …).
pub(crate) fn is_secret_param(name: &str) -> bool {
    topgen_spec::model::looks_secret(name)
}

/// Whether a header's value may be a credential.
pub(crate) fn is_secret_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

/// Why a request was refused: the fields of the `error_response` that was sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// TOP's error code (25 for a bad sign, 40 for a missing param, …).
    pub code: i64,
    /// TOP's message for the code (`Invalid Signature`).
    pub msg: String,
    /// `isv.*` detail code (`isv.missing-parameter:robot_sn`).
    pub sub_code: String,
    /// What exactly was wrong, in words.
    pub sub_msg: String,
}

impl Rejection {
    pub(crate) fn new(
        code: i64,
        msg: &str,
        sub_code: impl Into<String>,
        sub_msg: impl Into<String>,
    ) -> Self {
        Self {
            code,
            msg: msg.to_owned(),
            sub_code: sub_code.into(),
            sub_msg: sub_msg.into(),
        }
    }
}

/// The gateway's judgement of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It passed every check (its sign is valid, its timestamp near, …).
    Ok,
    /// It broke a rule and got this `error_response`.
    Rejected(Rejection),
}

impl Verdict {
    /// The error code of a rejection, `None` for [`Verdict::Ok`].
    pub fn code(&self) -> Option<i64> {
        match self {
            Verdict::Ok => None,
            Verdict::Rejected(r) => Some(r.code),
        }
    }

    /// Whether the request passed every check.
    pub fn is_ok(&self) -> bool {
        *self == Verdict::Ok
    }
}

/// A file part of a `multipart/form-data` request.
///
/// `Debug` shows the size of the content, not the content.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedFile {
    /// The param name.
    pub name: String,
    /// The part's file name.
    pub file_name: String,
    /// The part's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for RecordedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedFile")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// One request the gateway received, as it arrived, with its verdict.
///
/// `Debug` hides sessions and credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The HTTP method (`POST`).
    pub http_method: String,
    /// The URL path (`/router/rest`).
    pub path: String,
    /// The URL query params, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The text params of the body, decoded, in the order sent: the fields of a form body or
    /// the text parts of a multipart body (business params in the official Java SDK's layout;
    /// every param in the Node SDK's).
    pub body: Vec<(String, String)>,
    /// The file parts of a multipart body.
    pub files: Vec<RecordedFile>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Every header, names in lower case, in the order sent (a name sent twice: both values,
    /// at the place of the first).
    pub headers: Vec<(String, String)>,
    /// The `request_id` the gateway gave the call (in its error replies).
    pub request_id: String,
    /// The format the reply was written in: the one the request asked for, or XML (TOP's
    /// default) when it asked for none or for an unknown one.
    pub reply_format: Format,
    /// What the gateway made of it.
    pub verdict: Verdict,
    /// The fault applied to its answer, if any.
    pub fault: Option<Fault>,
    /// Whether its answer was gzip-compressed (`Content-Encoding: gzip`).
    pub compressed: bool,
    /// When it was read (the whole request, body included).
    pub received_at: Instant,
    /// The gateway's clock (GMT+8) when it was read, against which `timestamp` was checked.
    pub gateway_time: DateTime<FixedOffset>,
    /// For a batch call (`/router/batch`) that got as far as its calls: its separator, public
    /// params and calls, each with its verdict.
    pub batch: Option<crate::RecordedBatch>,
}

impl Recorded {
    /// The first value of a URL query param.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    /// The value of a param wherever it was sent: the URL query, else the body's text params
    /// (TOP reads both; a request sending one param in both places is refused).
    pub fn param(&self, name: &str) -> Option<&str> {
        find(&self.query, name).or_else(|| find(&self.body, name))
    }

    /// The first value of a body text param.
    pub fn body_param(&self, name: &str) -> Option<&str> {
        find(&self.body, name)
    }

    /// The body's text params as a map (the last value wins if one was sent twice).
    pub fn body_map(&self) -> BTreeMap<&str, &str> {
        self.body
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The first file part named `name`.
    pub fn file(&self, name: &str) -> Option<&RecordedFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The first value of a header (`name` in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `sign` param, wherever it was sent ([`Recorded::param`]).
    pub fn sign(&self) -> Option<&str> {
        self.param("sign")
    }

    /// The `timestamp` param, wherever it was sent ([`Recorded::param`]).
    pub fn timestamp(&self) -> Option<&str> {
        self.param("timestamp")
    }

    /// Whether the body was `multipart/form-data`.
    pub fn is_multipart(&self) -> bool {
        self.content_type.as_deref().is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
    }
}

pub(crate) fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Pairs as `Debug` shows them: the values of `secret` names replaced by `***`.
pub(crate) struct Redacted<'a> {
    pub(crate) pairs: &'a [(String, String)],
    pub(crate) secret: fn(&str) -> bool,
}

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (k, v) in self.pairs {
            if (self.secret)(k) {
                list.entry(&(k, "***"));
            } else {
                list.entry(&(k, v));
            }
        }
        list.finish()
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("http_method", &self.http_method)
            .field("path", &self.path)
            .field(
                "query",
                &Redacted {
                    pairs: &self.query,
                    secret: is_secret_param,
                },
            )
            .field(
                "body",
                &Redacted {
                    pairs: &self.body,
                    secret: is_secret_param,
                },
            )
            .field("files", &self.files)
            .field("content_type", &self.content_type)
            .field(
                "headers",
                &Redacted {
                    pairs: &self.headers,
                    secret: is_secret_header,
                },
            )
            .field("request_id", &self.request_id)
            .field("reply_format", &self.reply_format)
            .field("verdict", &self.verdict)
            .field("fault", &self.fault)
            .field("compressed", &self.compressed)
            .field("gateway_time", &self.gateway_time)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}
