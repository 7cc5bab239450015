//! No secret reaches the logs: a TRACE-level `tracing` subscriber (which also takes reqwest's
//! `log` records) captures everything while calls go through success, TOP error, decode
//! error, retry, status, body-limit, timeout and connection failures with a distinctive app
//! secret, session and a reply holding an OSS access_key_secret and security_token. The
//! captured text, and every error's Debug and Display, must hold none of them, nor any sign
//! or query that was sent — and must hold the method and the attempt numbers, so the capture
//! is known to have worked.
//!
//! One test in its own binary: the subscriber is process-wide.

mod support;

use std::time::Duration;

use support::*;
use topgen_runtime::{CallOptions, Client, Error, RetryPolicy};

const APP_SECRET: &str = "log-app-secret-Hk29";
const SESSION: &str = "log-session-Jq71";
const ACCESS_KEY_SECRET: &str = "AKS-log-Vb55";
const SECURITY_TOKEN: &str = "STS-log-Nn83";

fn oss_token_reply(success: &str) -> String {
    format!(
        r#"{{"wdk_iot_wombat_common_gettoken_response":{{"result":{{"success":{success},"data":{{"access_key_secret":"{ACCESS_KEY_SECRET}","security_token":"{SECURITY_TOKEN}","bucket_name":"b"}}}},"request_id":"rid-log-ok"}}}}"#
    )
}

#[test]
fn no_secret_reaches_the_logs_or_the_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber in this binary");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let isp = format!(
        r#"{{"error_response":{{"code":15,"msg":"Remote service error","sub_code":"isp.unknown-error","request_id":"rid-log-isp","security_token":"{SECURITY_TOKEN}"}}}}"#
    );
    let echo_page = format!(
        "<html>502: POST /router/rest?session={SESSION}&app_secret={APP_SECRET}&access_key_secret={ACCESS_KEY_SECRET}</html>"
    );
    let server = Server::start(vec![
        // 1: a retry (isp error), then success with OSS secrets.
        Step::json(200, &isp),
        Step::json(200, &oss_token_reply("true")),
        // 2: a TOP error that is not retried.
        Step::json(200, &top_error(50, "isv.invalid-parameter")),
        // 3: a decode error of a reply that holds the secrets.
        Step::json(200, &oss_token_reply(r#""maybe""#)),
        // 4: an error page that echoes them, retried once, then refused.
        Step::Reply {
            status: 502,
            headers: vec![("Content-Type", "text/html".to_owned())],
            body: echo_page.clone().into_bytes(),
            delay: Duration::ZERO,
        },
        Step::Reply {
            status: 502,
            headers: vec![],
            body: echo_page.into_bytes(),
            delay: Duration::ZERO,
        },
        // 5: over the body limit.
        Step::json(200, &oss_token_reply("true").repeat(20)),
        // 6: too slow.
        Step::json(200, &oss_token_reply("true")).with_delay(Duration::from_secs(5)),
    ]);
    let policy = RetryPolicy::default()
        .with_base_delay(Duration::from_millis(10))
        .with_max_attempts(2);
    let client = Client::builder(APP_KEY, APP_SECRET)
        .endpoint(&server.endpoint)
        .retry(policy.clone())
        .max_body_size(1024)
        .build()
        .expect("client");
    let options = CallOptions::new().session(SESSION);

    let mut errors: Vec<Error> = Vec::new();
    runtime.block_on(async {
        let reply = client
            .execute_with(&GetToken::default(), &options)
            .await
            .expect("success on attempt 2");
        let token = reply.result.and_then(|r| r.data).expect("data");
        // The secrets did arrive, and print redacted.
        assert_eq!(
            token.access_key_secret.as_ref().map(|s| s.expose_secret()),
            Some(ACCESS_KEY_SECRET)
        );
        let debug = format!("{token:?}");
        assert!(
            !debug.contains(ACCESS_KEY_SECRET) && !debug.contains(SECURITY_TOKEN),
            "{debug}"
        );

        let top = client
            .execute_with(&GetToken::default(), &options)
            .await
            .unwrap_err();
        assert!(matches!(&top, Error::Top(e) if e.code == 50), "{top:?}");
        errors.push(top);

        let decode = client
            .execute_with(&GetToken::default(), &options)
            .await
            .unwrap_err();
        assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
        errors.push(decode);

        let status = client
            .execute_with(&GetToken::default(), &options)
            .await
            .unwrap_err();
        assert!(
            matches!(status, Error::Status { status: 502, .. }),
            "{status:?}"
        );
        errors.push(status);

        let too_large = client
            .execute_with(&GetToken::default(), &options)
            .await
            .unwrap_err();
        assert!(
            matches!(too_large, Error::BodyTooLarge { .. }),
            "{too_large:?}"
        );
        errors.push(too_large);

        let timeout = client
            .execute_with(
                &GetToken::default(),
                &options.clone().timeout(Duration::from_millis(200)),
            )
            .await
            .unwrap_err();
        assert!(timeout.is_timeout(), "{timeout:?}");
        errors.push(timeout);

        // Connection refused, retried once.
        let unreachable = Client::builder(APP_KEY, APP_SECRET)
            .endpoint(format!("http://127.0.0.1:{}/router/rest", closed_port()))
            .retry(policy.clone())
            .build()
            .expect("client");
        let refused = unreachable
            .execute_with(&GetToken::default(), &options)
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Transport { .. }), "{refused:?}");
        errors.push(refused);
    });
    let requests = server.requests();
    assert_eq!(requests.len(), 8, "every scripted step was used");

    let log = capture.text();
    let mut forbidden: Vec<String> = [APP_SECRET, SESSION, ACCESS_KEY_SECRET, SECURITY_TOKEN]
        .map(str::to_owned)
        .to_vec();
    for r in &requests {
        forbidden.push(r.param("sign").expect("sign"));
        forbidden.push(r.query_string().to_owned());
    }
    forbidden.push("sign=".to_owned());
    for secret in &forbidden {
        assert!(
            !log.contains(secret.as_str()),
            "the log leaks {secret}:\n{log}"
        );
    }
    for e in &errors {
        let mut shown = format!("{e} {e:?}");
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            shown.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        for secret in &forbidden {
            assert!(
                !shown.contains(secret.as_str()),
                "an error leaks {secret}: {shown}"
            );
        }
    }

    // The capture really worked: the client's spans and events, and reqwest's records.
    for expected in [
        "top.call",
        "method=\"taobao.wdk.iot.wombat.common.gettoken\"",
        "sign_method=\"hmac-sha256\"",
        "top.attempt{attempt=1}",
        "top.attempt{attempt=2}",
        "TOP call succeeded",
        "request_id=\"rid-log-ok\"",
        "TOP call failed",
        "request_id=\"rid-log-isp\"",
        "sub_code=\"isp.unknown-error\"",
        "retry=true",
        "delay_ms=",
        "retry=false",
        "status=502",
        "reqwest::connect",
    ] {
        assert!(log.contains(expected), "the log lacks {expected}:\n{log}");
    }
}
