//! The `gettoken` example program (`examples/`), run through its library entry point
//! `topgen_examples::main_with` (what `examples/gettoken.rs` calls with the real environment
//! and arguments) against the local TOP gateway (`topgen-gateway`): every sign method and
//! reply format, retries (`TOP_RETRIES`), the call's time bound (`TOP_TIMEOUT_MS`), and the
//! exit codes that tell a TOP error (1), a transport failure (2) and an unreadable reply (3)
//! apart.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use topgen_examples::{
    EXIT_BAD_REPLY, EXIT_OK, EXIT_TOP_ERROR, EXIT_TRANSPORT, EXIT_USAGE, Outcome, main_with,
};
use topgen_gateway::{Api, Fault, Gateway, Reply, Verdict};
use topgen_runtime::{Format, RetryPolicy, SignMethod};

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const APP_KEY: &str = "12345678";
const SECRET: &str = "example-app-secret-5e0d2b";
const EXAMPLE_ARGS: [&str; 8] = [
    "--merchant-code",
    "HM",
    "--scenes-code",
    "1",
    "--ou-code",
    "8007",
    "--robot-sn",
    "xxxxx",
];

fn spec() -> topgen_spec::spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{METHOD}.yaml"));
    topgen_spec::load_spec(&path).expect("the gettoken spec loads")
}

/// The gettoken API with the spec's examples.
fn api() -> Api {
    Api::from_spec(&spec())
}

async fn gateway(api: Api) -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(api)
        .start()
        .await
        .expect("the gateway starts")
}

/// The environment of a correctly configured run against `endpoint`.
fn env(endpoint: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("TOP_APP_KEY", APP_KEY.to_owned()),
        ("TOP_APP_SECRET", SECRET.to_owned()),
        ("TOP_ENDPOINT", endpoint.to_owned()),
    ])
}

/// Runs the program with `env` and `args` (without the program name), checking on the way
/// that the app secret is in none of its output.
async fn run(env: &HashMap<&'static str, String>, args: &[&str]) -> Outcome {
    let argv = std::iter::once("gettoken").chain(args.iter().copied());
    let outcome = main_with(|name| env.get(name).cloned(), argv).await;
    for text in [&outcome.stdout, &outcome.stderr] {
        assert!(!text.contains(SECRET), "the app secret is printed:\n{text}");
    }
    outcome
}

/// What a run prints for the doc's example reply.
const EXAMPLE_OUTPUT: [&str; 13] = [
    "result.success: true\n",
    "result.msg_code: success\n",
    "result.msg_info: success\n",
    "result.data.access_key_id: abc\n",
    "result.data.access_key_secret: ***\n",
    "result.data.bucket_name: abc\n",
    "result.data.expiration_time: 2021-08-04 00:00:00 (GMT+8)\n",
    "result.data.m_request_id: abc\n",
    "result.data.scene: abc\n",
    "result.data.security_token: ***\n",
    "result.data.endpoint: abc\n",
    "result.data.dir: abc\n",
    "request_id: (absent)\n",
];

#[tokio::test]
async fn the_example_call_prints_the_typed_response_and_exits_0() {
    let gateway = gateway(api()).await;
    for sign_method in SignMethod::ALL {
        gateway.clear_requests();
        let mut env = env(&gateway.endpoint());
        env.insert("TOP_SIGN_METHOD", sign_method.as_str().to_owned());
        let outcome = run(&env, &EXAMPLE_ARGS).await;
        assert_eq!(outcome.code, EXIT_OK, "{outcome:#?}");
        assert_eq!(outcome.stderr, "");
        let out = &outcome.stdout;
        for expected in EXAMPLE_OUTPUT {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
        let requests = gateway.requests();
        assert_eq!(requests.len(), 1);
        let recorded = &requests[0];
        assert_eq!(recorded.verdict, Verdict::Ok);
        assert_eq!(
            recorded.query_param("sign_method"),
            Some(sign_method.as_str())
        );
        let body = recorded.body_map();
        assert_eq!(
            body.into_iter().collect::<Vec<_>>(),
            [
                ("merchant_code", "HM"),
                ("ou_code", "8007"),
                ("robot_sn", "xxxxx"),
                ("scenes_code", "1"),
            ]
        );
    }
}

#[tokio::test]
async fn every_format_prints_the_same_typed_response() {
    let gateway = gateway(api()).await;
    let mut outputs = Vec::new();
    for format in Format::ALL {
        gateway.clear_requests();
        let mut env = env(&gateway.endpoint());
        env.insert("TOP_FORMAT", format.as_str().to_owned());
        let outcome = run(&env, &EXAMPLE_ARGS).await;
        assert_eq!(outcome.code, EXIT_OK, "{format}: {outcome:#?}");
        for expected in EXAMPLE_OUTPUT {
            assert!(
                outcome.stdout.contains(expected),
                "{format}: missing {expected:?} in\n{}",
                outcome.stdout
            );
        }
        let requests = gateway.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].verdict, Verdict::Ok);
        assert_eq!(requests[0].reply_format, format);
        assert_eq!(
            requests[0].query_param("format"),
            Some(format.wire_format())
        );
        outputs.push(outcome.stdout);
    }
    assert!(outputs.iter().all(|o| *o == outputs[0]), "{outputs:#?}");
    // The error example, in XML, is a TOP error all the same.
    let gateway = gateway_with_error_example().await;
    let mut env = env(&gateway.endpoint());
    env.insert("TOP_FORMAT", "xml".to_owned());
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TOP_ERROR, "{outcome:#?}");
    assert!(
        outcome.stderr.contains("sub_msg: 非法参数\n"),
        "{}",
        outcome.stderr
    );
    assert_eq!(gateway.requests()[0].reply_format, Format::Xml);
}

async fn gateway_with_error_example() -> Gateway {
    gateway(api().reply(Reply::ErrorExample)).await
}

#[tokio::test]
async fn an_isp_error_is_retried_as_top_retries_allows() {
    let gateway = gateway(api()).await;
    let mut env = env(&gateway.endpoint());

    env.insert("TOP_RETRIES", "3".to_owned());
    gateway.push_fault(Fault::isp_error());
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_OK, "{outcome:#?}");
    let attempts = gateway.requests();
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    assert_eq!(attempts[0].fault, Some(Fault::isp_error()));
    assert!(attempts.iter().all(|a| a.verdict == Verdict::Ok));

    gateway.clear_requests();
    env.insert("TOP_RETRIES", "1".to_owned());
    gateway.push_fault(Fault::isp_error());
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TOP_ERROR, "{outcome:#?}");
    for expected in [
        "code: 15\n",
        "sub_code: isp.remote-service-error\n",
        "request_id: gateway-3\n",
        "retryable: yes\n",
    ] {
        assert!(
            outcome.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            outcome.stderr
        );
    }
    assert_eq!(gateway.request_count(), 1, "no retry with TOP_RETRIES=1");

    // Without TOP_RETRIES: the runtime's policy, which the help text quotes.
    assert_eq!(RetryPolicy::default().max_attempts(), 4);
    gateway.clear_requests();
    env.remove("TOP_RETRIES");
    gateway.set_default_fault(Some(Fault::isp_error()));
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TOP_ERROR, "{outcome:#?}");
    assert_eq!(gateway.request_count(), 4);
}

#[tokio::test]
async fn top_timeout_ms_bounds_the_whole_call() {
    let gateway = gateway(api()).await;
    gateway.set_default_fault(Some(Fault::delay(Duration::from_secs(10))));
    let mut env = env(&gateway.endpoint());
    env.insert("TOP_TIMEOUT_MS", "300".to_owned());
    let started = Instant::now();
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    let elapsed = started.elapsed();
    assert_eq!(outcome.code, EXIT_TRANSPORT, "{outcome:#?}");
    assert!(outcome.stderr.contains("timed out"), "{}", outcome.stderr);
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(gateway.request_count(), 1);

    // The bound covers the retries too: 5xx answers 200 ms late, retried until the time is up.
    gateway.clear_requests();
    gateway.set_default_fault(Some(
        Fault::delay(Duration::from_millis(200)).and(Fault::status(503)),
    ));
    env.insert("TOP_TIMEOUT_MS", "700".to_owned());
    env.insert("TOP_RETRIES", "10".to_owned());
    let started = Instant::now();
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    let elapsed = started.elapsed();
    // The last attempt's 503, or the attempt the bound cut short.
    assert!(
        [EXIT_BAD_REPLY, EXIT_TRANSPORT].contains(&outcome.code),
        "{outcome:#?}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    let attempts = gateway.request_count();
    assert!(
        (1..10).contains(&attempts),
        "{attempts} attempts in {elapsed:?}"
    );

    // A bound the reply fits in changes nothing.
    gateway.clear_faults();
    env.insert("TOP_TIMEOUT_MS", "10000".to_owned());
    assert_eq!(run(&env, &EXAMPLE_ARGS).await.code, EXIT_OK);
}

#[tokio::test]
async fn secrets_of_the_response_are_shown_only_with_show_secrets() {
    let spec = spec();
    let reply = spec
        .examples
        .response_json
        .unwrap()
        .replacen(
            "\"access_key_secret\": \"abc\"",
            "\"access_key_secret\": \"AKS-shown-6a1f\"",
            1,
        )
        .replacen(
            "\"security_token\": \"abc\"",
            "\"security_token\": \"STS-shown-8c2e\"",
            1,
        );
    assert!(reply.contains("AKS-shown-6a1f") && reply.contains("STS-shown-8c2e"));
    let gateway = gateway(Api::new(METHOD).response_json(reply)).await;
    let env = env(&gateway.endpoint());

    let hidden = run(&env, &["--robot-sn", "xxxxx"]).await;
    assert_eq!(hidden.code, EXIT_OK, "{hidden:#?}");
    assert!(
        !hidden.stdout.contains("AKS-shown-6a1f"),
        "{}",
        hidden.stdout
    );
    assert!(
        !hidden.stdout.contains("STS-shown-8c2e"),
        "{}",
        hidden.stdout
    );
    assert!(
        hidden
            .stdout
            .contains("result.data.access_key_secret: ***\n")
    );

    let shown = run(&env, &["--robot-sn", "xxxxx", "--show-secrets"]).await;
    assert_eq!(shown.code, EXIT_OK, "{shown:#?}");
    assert!(
        shown
            .stdout
            .contains("result.data.access_key_secret: AKS-shown-6a1f\n"),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("result.data.security_token: STS-shown-8c2e\n"),
        "{}",
        shown.stdout
    );
    // Only the flag given was sent.
    for recorded in gateway.requests() {
        assert_eq!(recorded.verdict, Verdict::Ok);
        assert_eq!(recorded.body, [("robot_sn".to_owned(), "xxxxx".to_owned())]);
    }
}

#[tokio::test]
async fn the_error_example_prints_the_typed_error_and_exits_1() {
    let gateway = gateway_with_error_example().await;
    let outcome = run(&env(&gateway.endpoint()), &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TOP_ERROR, "{outcome:#?}");
    assert_eq!(outcome.stdout, "");
    let err = &outcome.stderr;
    for expected in [
        "code: 50\n",
        "msg: Remote service error\n",
        "sub_code: isv.invalid-parameter\n",
        "sub_msg: 非法参数\n",
        "request_id: (absent)\n",
        "retryable: no\n",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
}

#[tokio::test]
async fn a_wrong_secret_is_a_top_error_25() {
    let gateway = gateway(api()).await;
    let mut env = env(&gateway.endpoint());
    env.insert("TOP_APP_SECRET", "some-other-secret".to_owned());
    let outcome = run(&env, &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TOP_ERROR, "{outcome:#?}");
    assert!(outcome.stderr.contains("code: 25\n"), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("request_id: gateway-1\n"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("some-other-secret"));
}

#[tokio::test]
async fn an_unreachable_endpoint_exits_2() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let endpoint = format!("http://127.0.0.1:{port}/router/rest");
    let outcome = run(&env(&endpoint), &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TRANSPORT, "{outcome:#?}");
    assert_eq!(outcome.stdout, "");
    assert!(outcome.stderr.contains(&endpoint), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("retryable: "), "{}", outcome.stderr);
}

#[tokio::test]
async fn an_unreadable_reply_exits_3() {
    for fault in [
        Fault::http(200, "text/html", "<html>not TOP</html>"),
        Fault::proxy_error_page(502),
        Fault::http(
            200,
            "application/json",
            r#"{"wdk_iot_wombat_common_gettoken_response": 42"#,
        ),
        Fault::truncate(30),
    ] {
        let gateway = gateway(api()).await;
        gateway.set_default_fault(Some(fault.clone()));
        let mut env = env(&gateway.endpoint());
        env.insert("TOP_RETRIES", "2".to_owned());
        let outcome = run(&env, &EXAMPLE_ARGS).await;
        assert_eq!(outcome.code, EXIT_BAD_REPLY, "{fault:?}: {outcome:#?}");
        assert_eq!(outcome.stdout, "");
        assert!(
            outcome.stderr.contains("not a readable TOP reply"),
            "{}",
            outcome.stderr
        );
    }
}

#[tokio::test]
async fn a_closed_connection_exits_2() {
    let gateway = gateway(api()).await;
    gateway.push_fault(Fault::close());
    let outcome = run(&env(&gateway.endpoint()), &EXAMPLE_ARGS).await;
    assert_eq!(outcome.code, EXIT_TRANSPORT, "{outcome:#?}");
    assert_eq!(outcome.stdout, "");
    assert_eq!(gateway.request_count(), 1);
}

#[tokio::test]
async fn missing_or_bad_configuration_exits_64_with_usage() {
    let gateway = gateway(api()).await;
    let good = env(&gateway.endpoint());
    let mut no_key = good.clone();
    no_key.remove("TOP_APP_KEY");
    let mut empty_key = good.clone();
    empty_key.insert("TOP_APP_KEY", String::new());
    let mut no_secret = good.clone();
    no_secret.remove("TOP_APP_SECRET");
    let mut bad_method = good.clone();
    bad_method.insert("TOP_SIGN_METHOD", "sha1".to_owned());
    let with = |name: &'static str, value: &str| {
        let mut env = good.clone();
        env.insert(name, value.to_owned());
        env
    };
    let bad_values = [
        with("TOP_FORMAT", "yaml"),
        with("TOP_FORMAT", "JSON"),
        with("TOP_TIMEOUT_MS", "0"),
        with("TOP_TIMEOUT_MS", "-5"),
        with("TOP_TIMEOUT_MS", "1.5"),
        with("TOP_TIMEOUT_MS", "soon"),
        with("TOP_TIMEOUT_MS", "86400001"),
        with("TOP_RETRIES", "0"),
        with("TOP_RETRIES", "11"),
        with("TOP_RETRIES", "three"),
    ];
    for env in &bad_values {
        let (name, value) = env
            .iter()
            .find(|(k, v)| good.get(*k) != Some(v))
            .expect("one changed variable");
        let outcome = run(env, &EXAMPLE_ARGS).await;
        assert_eq!(outcome.code, EXIT_USAGE, "{name}={value}: {outcome:#?}");
        assert!(outcome.stderr.contains(name), "{}", outcome.stderr);
        assert!(outcome.stderr.contains("Usage"), "{}", outcome.stderr);
    }
    for (env, args, mentions) in [
        (&no_key, &EXAMPLE_ARGS[..], "TOP_APP_KEY"),
        (&empty_key, &EXAMPLE_ARGS[..], "TOP_APP_KEY"),
        (&no_secret, &EXAMPLE_ARGS[..], "TOP_APP_SECRET"),
        (&bad_method, &EXAMPLE_ARGS[..], "TOP_SIGN_METHOD"),
        (&good, &["--scenes-code", "one"][..], "--scenes-code"),
        (&good, &["--robot"][..], "--robot"),
    ] {
        let outcome = run(env, args).await;
        assert_eq!(outcome.code, EXIT_USAGE, "{args:?}: {outcome:#?}");
        assert_eq!(outcome.stdout, "");
        assert!(outcome.stderr.contains(mentions), "{}", outcome.stderr);
        assert!(outcome.stderr.contains("Usage"), "{}", outcome.stderr);
    }
    assert!(
        gateway.requests().is_empty(),
        "nothing is sent on a usage error"
    );
}

#[tokio::test]
async fn help_prints_usage_and_exits_0() {
    // Needs no configuration at all.
    let outcome = run(&HashMap::new(), &["--help"]).await;
    assert_eq!(outcome.code, EXIT_OK, "{outcome:#?}");
    for expected in [
        "--merchant-code",
        "--scenes-code",
        "--ou-code",
        "--robot-sn",
        "--show-secrets",
        "TOP_APP_KEY",
        "TOP_APP_SECRET",
        "TOP_ENDPOINT",
        "TOP_SIGN_METHOD",
        "TOP_FORMAT",
        "TOP_TIMEOUT_MS",
        "TOP_RETRIES",
        "1 = no retry",
        "(default: 4)",
    ] {
        assert!(
            outcome.stdout.contains(expected),
            "{expected} in\n{}",
            outcome.stdout
        );
    }
}

#[test]
fn the_new_variables_are_read() {
    let mut env = env("http://127.0.0.1:1/router/rest");
    env.insert("TOP_FORMAT", " simplified-json ".to_owned());
    env.insert("TOP_TIMEOUT_MS", "1500".to_owned());
    env.insert("TOP_RETRIES", "1".to_owned());
    let config = topgen_examples::configure(|name| env.get(name).cloned(), ["gettoken"]).unwrap();
    assert_eq!(config.format, Format::SimplifiedJson);
    assert_eq!(config.timeout, Some(Duration::from_millis(1500)));
    assert_eq!(config.max_attempts, Some(1));
}

#[test]
fn the_config_debug_hides_the_app_secret() {
    let env = env("http://127.0.0.1:1/router/rest");
    let config = topgen_examples::configure(|name| env.get(name).cloned(), ["gettoken"]).unwrap();
    assert_eq!(config.app_secret.expose_secret(), SECRET);
    // The defaults of the new variables.
    assert_eq!(config.format, Format::Json);
    assert_eq!(config.timeout, None);
    assert_eq!(config.max_attempts, None);
    let debug = format!("{config:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains(APP_KEY), "{debug}");
}
