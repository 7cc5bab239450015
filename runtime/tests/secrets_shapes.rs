//! Redaction at the client's level, one test per class of leak (issue 11), each with the log
//! captured (a TRACE `tracing` subscriber, per test on its thread) as well as every error's
//! `Display` and `Debug`:
//!
//! - values of the generator's secret names the runtime once missed (`passwd`,
//!   `private_key`, `credential`) in decode errors, TOP errors and status errors;
//! - secrets whose value is an object, an array or a number, in JSON and XML;
//! - credentials in the free text of a 5xx page (`Authorization: Bearer …`,
//!   `app_secret=…`, the request's own URL and query);
//! - short app secrets and sessions (1 and 3 characters) leave messages readable, while a
//!   long one never appears.
//!
//! The transport is in memory (no network): it answers from a closure that sees the request,
//! so it can echo the request's URL the way a careless proxy does.

mod support;

use std::sync::{Arc, Mutex};

use topgen_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use topgen_runtime::{CallOptions, Client, Error, ParamError, Params, Request, RetryPolicy};

type Answer = dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync;

/// Answers every request with `answer(request)`.
#[derive(Clone)]
struct Scripted(Arc<Answer>);

impl Transport for Scripted {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
        let answer = (self.0)(&request);
        Box::pin(async move { answer })
    }
}

/// A call of a generated-style request needing a session; its reply has a `result` whose
/// `success` is a boolean (so `"maybe"` is a decode error).
struct Call;

#[derive(Debug, Default)]
struct Reply {
    #[allow(dead_code)]
    result: Option<Outcome>,
}

::topgen_runtime::decoded_struct!(Reply {
    result: (0, "result", field),
});

#[derive(Debug, Default)]
struct Outcome {
    #[allow(dead_code)]
    success: Option<bool>,
}

::topgen_runtime::decoded_struct!(Outcome {
    success: (0, "success", field),
});

impl topgen_runtime::__private::de::Object for Outcome {}

impl Request for Call {
    type Response = Reply;
    const METHOD: &'static str = "taobao.user.profile.get";
    const RESPONSE_KEY: &'static str = "user_profile_get_response";
    const REQUIRES_SESSION: bool = true;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push("nick", "n1");
        Ok(())
    }
}

/// One call per answer with `secret` and `session`, no retries: the errors, and the log.
fn run(secret: &str, session: &str, answers: Vec<Box<Answer>>) -> (Vec<Error>, String) {
    let capture = support::Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut errors = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        for answer in answers {
            let client = Client::builder("12345678", secret)
                .transport(Scripted(Arc::from(answer)))
                .retry(RetryPolicy::none())
                .build()
                .expect("client");
            let options = CallOptions::new().session(session);
            let error = runtime
                .block_on(client.execute_with(&Call, &options))
                .expect_err("every answer fails");
            errors.push(error);
        }
    });
    let log = capture.text();
    assert!(
        log.contains("TOP call failed"),
        "the capture worked:\n{log}"
    );
    (errors, log)
}

/// An error's `Display`, `Debug` and its sources', as one text.
fn shown(e: &Error) -> String {
    let mut text = format!("{e} {e:?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    text
}

fn reply(status: u16, body: impl Into<Vec<u8>>) -> Box<Answer> {
    let body = body.into();
    Box::new(move |_| Ok(HttpResponse::new(status, body.clone())))
}

fn assert_hidden(errors: &[Error], log: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!log.contains(secret), "the log leaks {secret}:\n{log}");
        for e in errors {
            let text = shown(e);
            assert!(!text.contains(secret), "an error leaks {secret}: {text}");
        }
    }
}

const SECRET: &str = "app-secret-long-7Qx";
const SESSION: &str = "session-long-6100e2";

#[test]
fn generator_secret_names_in_any_shape_are_redacted() {
    let (errors, log) = run(
        SECRET,
        SESSION,
        vec![
            // A decode error quoting a reply with the secrets.
            reply(
                200,
                r#"{"user_profile_get_response":{"passwd":"PW-passwd-1","private_key":{"pem":"PK-key-2","parts":["PK-part-3",4]},"credential":{"key":"CR-key-4","nested":{"deep":"CR-deep-5"}},"pin_credential":918273,"result":{"success":"maybe"}}}"#,
            ),
            // TOP's error, its sub_msg quoting a param.
            reply(
                200,
                r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"bad passwd=PW-sub-6 for credential: CR-sub-7"}}"#,
            ),
            // A status error whose XML page holds them.
            reply(
                502,
                "<error><private_key><k>PK-xml-8</k><v><![CDATA[PK-cdata-9]]></v></private_key><credential kind=\"sts\"><id>CR-xml-10</id></credential><passwd>PW-xml-11</passwd><code>x</code></error>",
            ),
        ],
    );
    assert!(matches!(errors[0], Error::Decode { .. }), "{:?}", errors[0]);
    assert!(
        matches!(&errors[1], Error::Top(e) if e.code == 50),
        "{:?}",
        errors[1]
    );
    assert!(
        matches!(errors[2], Error::Status { status: 502, .. }),
        "{:?}",
        errors[2]
    );
    assert_hidden(
        &errors,
        &log,
        &[
            "PW-passwd-1",
            "PK-key-2",
            "PK-part-3",
            "CR-key-4",
            "CR-deep-5",
            "918273",
            "PW-sub-6",
            "CR-sub-7",
            "PK-xml-8",
            "PK-cdata-9",
            "CR-xml-10",
            "PW-xml-11",
        ],
    );
    // What is not secret is still quoted.
    let Error::Decode { body_prefix, .. } = &errors[0] else {
        unreachable!("checked above")
    };
    assert_eq!(
        body_prefix,
        r#"{"user_profile_get_response":{"passwd":"***","private_key":***,"credential":***,"pin_credential":***,"result":{"success":"maybe"}}}"#
    );
    let top = errors[1].to_string();
    assert!(top.contains("bad passwd=*** for credential: ***"), "{top}");
    let Error::Status { body_prefix, .. } = &errors[2] else {
        unreachable!("checked above")
    };
    assert_eq!(
        body_prefix,
        "<error><private_key>***</private_key><credential kind=\"sts\">***</credential><passwd>***</passwd><code>x</code></error>"
    );
}

#[test]
fn credentials_in_the_free_text_of_error_pages_are_redacted() {
    let urls = Arc::new(Mutex::new(Vec::new()));
    let seen = urls.clone();
    let echo: Box<Answer> = Box::new(move |request: &HttpRequest| {
        seen.lock().expect("lock").push(request.url.clone());
        let query = request
            .url
            .split_once('?')
            .map_or("", |(_, q)| q)
            .to_owned();
        Ok(HttpResponse::new(
            502,
            format!("bad gateway: upstream refused {query} (from the proxy)"),
        ))
    });
    let seen = urls.clone();
    let echo_url: Box<Answer> = Box::new(move |request: &HttpRequest| {
        seen.lock().expect("lock").push(request.url.clone());
        Err(TransportError::new(
            TransportErrorKind::Other,
            format!("proxy said 407 for POST {}", request.url),
        ))
    });
    let (errors, log) = run(
        SECRET,
        SESSION,
        vec![
            reply(
                503,
                "<html><body><h1>503</h1><pre>Authorization: Bearer abc.def-ghi\r\nX-Debug: app_secret=xyz-1; client_secret: \"q w\"\r\nupstream Bearer eyJhbGciOi.eyJzdWIi.c2ln</pre></body></html>",
            ),
            reply(500, "Internal error. token=tk-2&nick=n1 session: ses-3"),
            echo,
            echo_url,
        ],
    );
    assert_hidden(
        &errors,
        &log,
        &[
            "abc.def-ghi",
            "xyz-1",
            "q w",
            "eyJhbGciOi",
            "tk-2",
            "ses-3",
            SECRET,
            SESSION,
        ],
    );
    // Nor the signs sent, nor the query as a whole.
    for url in urls.lock().expect("lock").iter() {
        let (_, query) = url.split_once('?').expect("a query");
        let sign = query.rsplit_once("sign=").expect("a sign").1;
        assert_hidden(&errors, &log, &[query, sign]);
    }
    let page = errors[0].to_string();
    assert!(
        page.contains("Authorization: ***")
            && page.contains("app_secret=***; client_secret: \\\"***\\\"")
            && page.contains("upstream Bearer ***"),
        "{page}"
    );
    assert!(
        errors[1]
            .to_string()
            .contains("token=***&nick=n1 session: ***"),
        "{}",
        errors[1]
    );
    // The echoed query, cut by the body prefix's length: its secrets go by their keys.
    let echoed = errors[2].to_string();
    assert!(
        echoed.contains("bad gateway: upstream refused method=taobao.user.profile.get")
            && echoed.contains("&session=***&sign=***"),
        "{echoed}"
    );
    // The URL the transport quoted goes as a whole.
    assert!(
        errors[3]
            .to_string()
            .contains("proxy said 407 for POST ***"),
        "{}",
        errors[3]
    );
}

#[test]
fn short_secrets_leave_messages_readable_and_long_ones_never_appear() {
    const PAGE: &str = "service is temporarily unavailable, please retry: sessions are safe";
    const CAUSE: &str = "connection reset by peer: status unknown, a basic message";
    let answers = || -> Vec<Box<Answer>> {
        vec![
            reply(503, PAGE),
            Box::new(|_: &HttpRequest| Err(TransportError::new(TransportErrorKind::Other, CAUSE))),
            reply(
                200,
                r#"{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey","sub_msg":"session is invalid, ask the user again"}}"#,
            ),
        ]
    };
    for (secret, session) in [("s", "a"), ("abc", "ses"), ("s", "abc")] {
        let (errors, log) = run(secret, session, answers());
        assert_eq!(
            errors[0].to_string(),
            format!("TOP answered HTTP 503; body: {PAGE:?}"),
            "secret {secret:?}, session {session:?}"
        );
        assert_eq!(
            errors[1].to_string(),
            format!("HTTP transport to TOP failed: {CAUSE}"),
            "secret {secret:?}, session {session:?}"
        );
        assert_eq!(
            errors[2].to_string(),
            "TOP error 27: Invalid session (invalid-sessionkey: session is invalid, ask the user again)",
            "secret {secret:?}, session {session:?}"
        );
        assert!(!log.contains("***"), "the log is garbled:\n{log}");
        assert!(
            log.contains(PAGE) || log.contains(&format!("{PAGE:?}")),
            "{log}"
        );
    }

    // A long secret and session are found wherever they are quoted, with no key to tell.
    let echo_page = format!("echo {SECRET} and {SESSION}, again:{SECRET}");
    let echo_cause = format!("failed with {SESSION}/{SECRET}");
    let (errors, log) = run(
        SECRET,
        SESSION,
        vec![
            reply(502, echo_page),
            Box::new(move |_: &HttpRequest| {
                Err(TransportError::new(
                    TransportErrorKind::Other,
                    echo_cause.clone(),
                ))
            }),
        ],
    );
    assert_hidden(&errors, &log, &[SECRET, SESSION]);
    assert_eq!(
        errors[0].to_string(),
        r#"TOP answered HTTP 502; body: "echo *** and ***, again:***""#
    );
    assert_eq!(
        errors[1].to_string(),
        "HTTP transport to TOP failed: failed with ***/***"
    );
}
