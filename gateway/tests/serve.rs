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
            "--seed",
            "3",
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
    let mut second = String::new();
    stdout.read_line(&mut second).unwrap();
    assert!(second.starts_with("serving 4234 APIs"), "{second}");
    // What the APIs answer: their examples, replies made up from their response schemas for
    // the seed, and (warned about) empty replies for the few with neither.
    let mut third = String::new();
    stdout.read_line(&mut third).unwrap();
    assert_eq!(
        third.trim_end(),
        "replies: 7 from the specs' examples, 4211 made up from the response schema (seed 3), 16 empty"
    );
    let mut fourth = String::new();
    stdout.read_line(&mut fourth).unwrap();
    assert!(
        fourth.starts_with("16 of the APIs have neither a reply example nor response fields"),
        "{fourth}"
    );

    let client = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/serve/client.py");
    let out = Command::new("python3")
        .args([client, &endpoint, APP_KEY, SECRET])
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
    assert!(rest.contains("stopped after 5 request(s)"), "{rest}");
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 5, "{log}");
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
        !log.contains(SECRET) && !log.contains("a-test-session"),
        "{log}"
    );
}
