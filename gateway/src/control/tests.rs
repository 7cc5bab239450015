use super::*;

#[test]
fn control_paths() {
    assert!(is_control("/__gateway"));
    assert!(is_control("/__gateway/faults"));
    assert!(!is_control("/__gatewayx"));
    assert!(!is_control("/router/rest"));
}

#[test]
fn tokens() {
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let any: IpAddr = "0.0.0.0".parse().unwrap();
    assert_eq!(Settings::new(None, loopback).token(), None);
    let random = Settings::new(None, any);
    let token = random.token().expect("a token beyond loopback");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(Settings::new(None, any).token(), Some(token));
    assert_eq!(Settings::new(Some("t".into()), loopback).token(), Some("t"));
    assert!(!format!("{random:?}").contains(token));
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}

#[test]
fn fault_specs() {
    let parse = |text: &str| {
        let value: Value = serde_json::from_str(text).unwrap();
        parse_fault(&value, "fault", 0)
    };
    assert_eq!(parse(r#"{"kind":"isp_error"}"#), Ok(Fault::isp_error()));
    assert_eq!(
        parse(r#"{"kind":"all","faults":[{"kind":"delay","ms":5},{"kind":"gzip"}]}"#),
        Ok(Fault::delay(std::time::Duration::from_millis(5)).and(Fault::gzip()))
    );
    assert_eq!(
        parse(r#"{"kind":"http","status":502}"#),
        Ok(Fault::status(502))
    );
    assert_eq!(
        parse(r#"{"kind":"top_error","code":7,"msg":"App Call Limited"}"#),
        Ok(Fault::TopError(TopErrorReply::new(7, "App Call Limited")))
    );
    for (text, expected) in [
        (
            r#"{"kind":"http","status":99}"#,
            "`fault.status`: 99 is not an HTTP status",
        ),
        (
            r#"{"kind":"nope"}"#,
            "`fault.kind`: \"nope\" is not a fault; expected one of isp_error",
        ),
        (r#"{"ms":5}"#, "`fault.kind`: expected one of"),
        (r#"[]"#, "`fault`: expected an object"),
        (
            r#"{"kind":"delay","ms":5,"extra":1}"#,
            "`fault.extra`: a delay fault has no such field (it has: ms)",
        ),
        (r#"{"kind":"delay"}"#, "`fault.ms`: missing"),
        (
            r#"{"kind":"all","faults":[{"kind":"gzip"},{"kind":"delay","ms":"5"}]}"#,
            "`fault.faults[1].ms`: expected a non-negative integer, found \"5\"",
        ),
        (
            r#"{"kind":"top_error","code":"x","msg":"m"}"#,
            "`fault.code`: expected an integer",
        ),
        (
            r#"{"kind":"all","faults":{}}"#,
            "`fault.faults`: expected an array",
        ),
    ] {
        let why = parse(text).unwrap_err();
        assert!(why.starts_with(expected), "{text}: {why}");
    }
    let mut deep = r#"{"kind":"gzip"}"#.to_owned();
    for _ in 0..10 {
        deep = format!(r#"{{"kind":"all","faults":[{deep}]}}"#);
    }
    assert!(
        parse(&deep)
            .unwrap_err()
            .contains("nested more than 8 deep")
    );
}
