//! `topgen-gateway serve` driven from outside Rust: the program serves the whole shipped
//! catalog, and a client written in plain Python (`serve/client.py`, the standard library
//! only) signs and sends calls the way Taobao's SDKs do — md5 and hmac-sha256, GMT+8 text and
//! epoch-millisecond timestamps, a POSTed form and a GET — and checks accepted and rejected
//! answers; then Ctrl-C (SIGINT) stops the program cleanly, and its request log is checked.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const APP_KEY: &str = "12345678";
const SECRET: &str = "serve-test-secret-4d";

#[test]
fn a_python_client_calls_the_served_catalog_and_ctrl_c_stops_it() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: no python3 on this machine");
        return;
    }
    let mut server = Command::new(env!("CARGO_BIN_EXE_topgen-gateway"))
        .args([
            "serve",
            "--app",
            &format!("{APP_KEY}:{SECRET}"),
            "--port",
            "0",
            "--tmc-port",
            "0",
            "--seed",
            "3",
            "--auth-code",
            "serve-test-code:2200000001:tester",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let endpoint = first
        .trim()
        .strip_prefix("endpoint: ")
        .unwrap_or_else(|| panic!("the first line says where: {first:?}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:") && endpoint.ends_with("/router/rest"));
    let mut next = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line
    };
    let tmc = next();
    assert!(tmc.starts_with("tmc: ws://127.0.0.1:"), "{tmc}");
    let control = next();
    let control = control
        .trim()
        .strip_prefix("control: ")
        .unwrap_or_else(|| panic!("the third line says where the control API is: {control:?}"))
        .to_owned();
    assert_eq!(
        control,
        endpoint.replace("/router/rest", topgen_gateway::CONTROL_PATH)
    );
    let serving = next();
    assert!(serving.starts_with("serving 4234 APIs"), "{serving}");
    // What the APIs answer: their examples, replies made up from their response schemas for
    // the seed, and (warned about) empty replies for the few with neither.
    let replies = next();
    assert_eq!(
        replies.trim_end(),
        "replies: 6 from the specs' examples, 4212 made up from the response schema (seed 3), 16 empty"
    );
    let empty = next();
    assert!(
        empty.starts_with("16 of the APIs have neither a reply example nor response fields"),
        "{empty}"
    );
    let misfit = next();
    assert!(
        misfit.starts_with(
            "warning: qimen.alibaba.idle.open.live.item.info.batch.query's reply example does not fit its spec"
        ),
        "{misfit}"
    );

    let client = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/serve/client.py");
    let out = Command::new("python3")
        .args([client, &endpoint, APP_KEY, SECRET, &control, "tmc"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "accepted md5 POST",
            "accepted hmac-sha256 GET",
            "rejected a wrong sign with 25 isv.invalid-signature",
            "rejected an unknown app with 29 isv.invalid-app-key",
            "rejected a missing param with 40 isv.missing-parameter:memo",
            "queued a fault for taobao.time.get",
            "rejected the queued fault with 15 isp.remote-service-error",
            "replaced the reply of taobao.time.get",
            "got the replaced reply",
            "restored the reply",
            "recorded 7 requests",
            "the session is hidden in the record",
            "queued two HTTP 503s",
            "cleared the faults",
            "refused a bad fault with 400",
            "queued a TMC message",
            "the TMC message is pending",
            "the auth code became a session",
            "accepted a call with the issued session",
        ]
    );

    // Ctrl-C: the program stops by itself and says how many requests it served.
    let stopped = Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stopped after 9 request(s)"), "{rest}");
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 9, "{log}");
    assert_eq!(
        lines[0],
        "topgen-gateway: POST /router/rest taobao.time.get ok"
    );
    assert_eq!(
        lines[1],
        "topgen-gateway: GET /router/rest taobao.time.get ok"
    );
    assert!(
        lines[2].starts_with(
            "topgen-gateway: POST /router/rest taobao.time.get rejected 25 isv.invalid-signature"
        ),
        "{}",
        lines[2]
    );
    assert!(
        !log.contains(SECRET)
            && !log.contains("a-test-session")
            && !log.contains("serve-test-code"),
        "{log}"
    );
}

/// One HTTP/1.1 request over a fresh connection; the status and the body.
fn http(addr: &str, request_line: &str, headers: &str) -> (u16, String) {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[test]
fn bound_beyond_loopback_the_control_api_needs_the_printed_token() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_topgen-gateway"))
        .args([
            "serve",
            "--app",
            &format!("{APP_KEY}:{SECRET}"),
            "--listen",
            "0.0.0.0",
            "--quiet",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the program starts");
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line);
    }
    let endpoint = lines[0].trim().strip_prefix("endpoint: ").unwrap();
    // Printed with the loopback address, which reaches a gateway bound on 0.0.0.0.
    let addr = endpoint
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix("/router/rest"))
        .unwrap_or_else(|| panic!("{endpoint}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let control = lines[1].trim();
    let token = control
        .split("Authorization: Bearer ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix("`)"))
        .unwrap_or_else(|| panic!("the control line prints the token: {control}"));
    assert_eq!(token.len(), 32, "{control}");

    let (status, body) = http(&addr, "GET /__gateway/requests", "");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("Authorization: Bearer TOKEN"), "{body}");
    let wrong = "Authorization: Bearer 0123456789abcdef0123456789abcdef\r\n";
    assert_eq!(http(&addr, "GET /__gateway/requests", wrong).0, 401);
    let right = format!("Authorization: Bearer {token}\r\n");
    let (status, body) = http(&addr, "GET /__gateway/requests", &right);
    assert_eq!(status, 200, "{body}");
    let record: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(record["count"], 0);
    // TOP calls need no token: an unsigned one gets TOP's answer, not a 401.
    let (status, body) = http(
        &addr,
        "GET /router/rest?method=taobao.time.get&format=json",
        "",
    );
    assert_eq!(status, 200);
    assert!(body.contains("\"error_response\""), "{body}");
    let (_, body) = http(&addr, "GET /__gateway/requests", &right);
    let record: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(record["count"], 1, "{body}");
    assert_eq!(record["requests"][0]["verdict"], "rejected");

    server.kill().unwrap();
    server.wait().unwrap();
}
