//! The running gateway's request checks, spoken to in raw HTTP/1.1 over a `TcpStream`,
//! independently of any TOP client: method, path, encoding, params sent once, system params,
//! signing (multipart included), and the official SDKs' captured requests
//! (shared/top/sign_vectors.json) replayed byte for byte.

mod support;

use support::{
    Call, METHOD, SUCCESS, UPLOAD, encode, java_multipart, only, owned, refused, send_with, start,
    upload_call,
};
use topgen_gateway::sign::SignMethod;
use topgen_gateway::{Api, Format, Gateway, PATH, Verdict};

#[tokio::test]
async fn a_correct_call_gets_the_example_and_is_recorded() {
    let gateway = start().await;
    assert!(gateway.endpoint().starts_with("http://127.0.0.1:"));
    assert!(gateway.endpoint().ends_with("/router/rest"));
    for (i, method) in SignMethod::ALL.into_iter().enumerate() {
        gateway.clear_requests();
        let call = Call::good().set("sign_method", method.as_str()).signed();
        let answer = call.send(gateway.addr()).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.text(), SUCCESS);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json;charset=UTF-8")
        );
        let r = only(&gateway);
        assert_eq!(r.verdict, Verdict::Ok, "{method:?}");
        assert_eq!((r.http_method.as_str(), r.path.as_str()), ("POST", PATH));
        assert_eq!(r.query, call.query);
        assert_eq!(r.body, call.body);
        assert_eq!(r.body_param("robot_sn"), Some("机器人 A&B=1+2/é"));
        assert_eq!(r.query_param("sign_method"), Some(method.as_str()));
        assert_eq!(r.sign(), call.query.last().map(|(_, v)| v.as_str()));
        assert_eq!(r.timestamp(), call.query.get(2).map(|(_, v)| v.as_str()));
        assert_eq!(r.content_type, call.content_type);
        assert_eq!(r.header("HOST"), Some("127.0.0.1"));
        assert_eq!(r.reply_format, Format::Json);
        assert_eq!(r.fault, None);
        assert!(r.files.is_empty() && !r.is_multipart());
        assert_eq!(r.request_id, format!("gateway-{}", i + 1));
    }
    // A form without a charset is UTF-8 too.
    let mut call = Call::good().signed();
    call.content_type = Some("application/x-www-form-urlencoded".to_owned());
    gateway.clear_requests();
    assert_eq!(call.send(gateway.addr()).await.status, 200);
    assert_eq!(only(&gateway).verdict, Verdict::Ok);
}

#[tokio::test]
async fn http_method_path_and_encoding_are_checked() {
    let gateway = start().await;
    // GET and POST are TOP's methods (a GET with everything in its query: tests/layouts.rs);
    // a GET's body is not read, so one with a body is refused rather than half-read.
    let mut put = Call::good().signed();
    put.http_method = "PUT";
    refused(&gateway, put, 9, "isv.http-action-not-allowed").await;
    let mut get_with_body = Call::good().signed();
    get_with_body.http_method = "GET";
    refused(&gateway, get_with_body, 9, "isv.http-action-not-allowed").await;
    let mut path = Call::good().signed();
    path.path = "/router/rest2".to_owned();
    refused(&gateway, path, 9, "isv.http-action-not-allowed").await;

    let mut json = Call::good().signed();
    json.content_type = Some("application/json".to_owned());
    refused(&gateway, json, 41, "isv.invalid-content-type").await;
    let mut none = Call::good().signed();
    none.content_type = None;
    refused(&gateway, none, 41, "isv.invalid-content-type").await;
    let mut gbk = Call::good().signed();
    gbk.content_type = Some("application/x-www-form-urlencoded; charset=GBK".to_owned());
    refused(&gateway, gbk, 47, "isv.invalid-encoding").await;
    let mut latin1 = Call::good().signed();
    latin1.raw_body = Some(b"robot_sn=%E9t%E9".to_vec());
    refused(&gateway, latin1, 47, "isv.invalid-encoding").await;
    let mut query = Call::good().signed();
    query.raw_query = Some(format!("{}&x=%FF", encode(&query.query)));
    refused(&gateway, query, 47, "isv.invalid-encoding").await;
}

#[tokio::test]
async fn params_must_be_sent_once_and_not_empty() {
    // Where a param goes is free (TOP reads the query and the body alike: tests/layouts.rs);
    // sending one in both places is not.
    let gateway = start().await;
    let mut business_in_both = Call::good();
    business_in_both
        .query
        .push(("robot_sn".to_owned(), "机器人 A&B=1+2/é".to_owned()));
    refused(
        &gateway,
        business_in_both.signed(),
        41,
        "isv.invalid-parameter:robot_sn",
    )
    .await;
    let system_in_both = Call::good().body("v", "2.0").signed();
    refused(&gateway, system_in_both, 41, "isv.invalid-parameter:v").await;
    gateway.clear_requests();
    let answer = Call::good()
        .body("app_key", "12345678")
        .signed()
        .send(gateway.addr())
        .await;
    let error = &answer.json()["error_response"];
    assert_eq!(
        error["sub_code"], "isv.invalid-parameter:app_key",
        "{error}"
    );
    assert_eq!(
        error["sub_msg"],
        "param app_key is sent both in the URL query and in the body; send each param once, in either place"
    );
    let twice = Call::good().body("robot_sn", "again").signed();
    refused(&gateway, twice, 41, "isv.invalid-parameter:robot_sn").await;
    let mut twice_in_query = Call::good().signed();
    twice_in_query
        .query
        .push(("v".to_owned(), "2.0".to_owned()));
    refused(&gateway, twice_in_query, 41, "isv.invalid-parameter:v").await;
    let empty = Call::good().body("ou_code", "").signed();
    refused(&gateway, empty, 41, "isv.invalid-parameter:ou_code").await;
    let blank = Call::good().body("ou_code", "  ").signed();
    refused(&gateway, blank, 41, "isv.invalid-parameter:ou_code").await;
    let empty_system = Call::good().set("partner_id", "").signed();
    refused(
        &gateway,
        empty_system,
        41,
        "isv.invalid-parameter:partner_id",
    )
    .await;
}

#[tokio::test]
async fn system_params_are_checked() {
    let gateway = start().await;
    let cases = [
        (Call::good().remove("method"), 21, "isv.missing-method"),
        (
            Call::good().set("method", "taobao.no.such.api"),
            22,
            "isv.invalid-method",
        ),
        (Call::good().remove("app_key"), 28, "isv.missing-app-key"),
        (
            Call::good().set("app_key", "87654321"),
            29,
            "isv.invalid-app-key",
        ),
        (
            Call::good().remove("timestamp"),
            30,
            "isv.missing-timestamp",
        ),
        (
            Call::good().set("timestamp", "2026/11/28 12:00:00"),
            31,
            "isv.invalid-timestamp",
        ),
        (
            Call::good().set("timestamp", "2000-01-01 00:00:00"),
            31,
            "isv.invalid-timestamp",
        ),
        (Call::good().remove("v"), 32, "isv.missing-version"),
        (Call::good().set("v", "1.0"), 33, "isv.invalid-version"),
        (
            Call::good().set("simplify", "yes"),
            41,
            "isv.invalid-parameter:simplify",
        ),
        (
            Call::good().remove("sign_method"),
            25,
            "isv.invalid-signature",
        ),
        (
            Call::good().set("sign_method", "sha1"),
            25,
            "isv.invalid-signature",
        ),
    ];
    for (call, code, sub_code) in cases {
        refused(&gateway, call.signed(), code, sub_code).await;
    }
    refused(&gateway, Call::good(), 24, "isv.missing-signature").await;
    let wrong_secret = Call::good().signed_with("another-secret");
    refused(&gateway, wrong_secret, 25, "isv.invalid-signature").await;
    // Signed, then changed: a business value, a system value.
    let tampered = Call::good()
        .signed()
        .remove("merchant_code")
        .body("merchant_code", "XX");
    refused(&gateway, tampered, 25, "isv.invalid-signature").await;
    let mut lower = Call::good().signed();
    for (k, v) in &mut lower.query {
        if k == "sign" {
            *v = v.to_ascii_lowercase();
        }
    }
    refused(&gateway, lower, 25, "isv.invalid-signature").await;
    // Optional system params are signed like the others.
    let mut partner = Call::good().set("partner_id", "top-sdk-rust").signed();
    partner.query.retain(|(k, _)| k != "partner_id");
    partner
        .query
        .push(("partner_id".to_owned(), "other".to_owned()));
    refused(&gateway, partner, 25, "isv.invalid-signature").await;
    // An unknown format is refused in XML, TOP's default.
    gateway.clear_requests();
    let yaml = send_with(&gateway, "format", "yaml").await;
    assert!(
        yaml.text()
            .contains("<sub_code>isv.invalid-format</sub_code>"),
        "{}",
        yaml.text()
    );
    assert_eq!(only(&gateway).verdict.code(), Some(23));
}

#[tokio::test]
async fn sessions_and_required_params_are_checked() {
    let gateway = start().await;
    let trade = || Call::good().set("method", "taobao.trade.fullinfo.get");
    refused(&gateway, trade().signed(), 26, "isv.missing-session").await;
    let other = trade().set("session", "someone-else").signed();
    refused(&gateway, other, 27, "isv.invalid-session").await;
    gateway.clear_requests();
    let ok = trade().set("session", "user-session-1").signed();
    assert_eq!(ok.send(gateway.addr()).await.status, 200);
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    let debug = format!("{recorded:?}");
    assert!(!debug.contains("user-session-1"), "{debug}");
    assert!(debug.contains("\"session\", \"***\""), "{debug}");

    let missing = Call::good().remove("robot_sn").signed();
    refused(&gateway, missing, 40, "isv.missing-parameter:robot_sn").await;
}

#[tokio::test]
async fn multipart_text_parts_are_signed_and_file_parts_are_not() {
    let gateway = start().await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0binary\r\n--not-a-boundary";
    let call = upload_call(&[("title", "图 1")], &[("image", "a.png", png)]);
    let answer = call.send(gateway.addr()).await;
    assert_eq!(answer.text(), r#"{"picture_upload_response":{"ok":true}}"#);
    let r = only(&gateway);
    assert_eq!(r.verdict, Verdict::Ok);
    assert!(r.is_multipart());
    assert_eq!(r.body, owned(&[("title", "图 1")]));
    let file = r.file("image").expect("the file part");
    assert_eq!(
        (file.file_name.as_str(), file.content_type.as_deref()),
        ("a.png", Some("image/png"))
    );
    assert_eq!(file.bytes, png);
    assert!(format!("{r:?}").contains(&format!("{} bytes", png.len())));

    // A sign that covers the file's content is wrong.
    let mut signed_file = Call::good().set("method", UPLOAD);
    signed_file.body = owned(&[("title", "图 1"), ("image", "PNGDATA")]);
    let mut signed_file = signed_file.signed();
    signed_file.content_type = Some("multipart/form-data; boundary=\"XyZ123\"".to_owned());
    signed_file.raw_body = Some(java_multipart(
        "XyZ123",
        &[("title", "图 1")],
        &[("image", "a.png", b"PNGDATA")],
    ));
    refused(&gateway, signed_file, 25, "isv.invalid-signature").await;

    // Files as files, and only files as files.
    let as_text = upload_call(&[("title", "t"), ("image", "PNGDATA")], &[]);
    refused(&gateway, as_text, 41, "isv.invalid-parameter:image").await;
    let stray_file = upload_call(
        &[("title", "t")],
        &[("image", "a.png", b"x"), ("thumb", "b.png", b"y")],
    );
    refused(&gateway, stray_file, 41, "isv.invalid-parameter:thumb").await;
    let no_file = upload_call(&[("title", "t")], &[]);
    refused(&gateway, no_file, 40, "isv.missing-parameter:image").await;
    let twice = upload_call(
        &[("title", "t")],
        &[("image", "a.png", b"x"), ("image", "b.png", b"y")],
    );
    refused(&gateway, twice, 41, "isv.invalid-parameter:image").await;

    // Broken bodies.
    let mut no_boundary = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    no_boundary.content_type = Some("multipart/form-data".to_owned());
    refused(&gateway, no_boundary, 41, "isv.invalid-content-type").await;
    let mut unterminated = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    if let Some(body) = &mut unterminated.raw_body {
        body.truncate(body.len() - 12);
    }
    refused(&gateway, unterminated, 41, "isv.invalid-multipart").await;
    let mut gbk = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    gbk.raw_body = Some(
        b"--XyZ123\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=GBK\r\n\r\nt\r\n--XyZ123--\r\n".to_vec(),
    );
    refused(&gateway, gbk, 47, "isv.invalid-encoding").await;
    let mut latin1 = upload_call(&[("title", "t")], &[("image", "a.png", b"x")]);
    latin1.raw_body = Some(
        b"--XyZ123\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\xe9t\xe9\r\n--XyZ123--\r\n".to_vec(),
    );
    refused(&gateway, latin1, 47, "isv.invalid-encoding").await;
}

/// A gateway for the captures of shared/top/sign_vectors.json: their app, the gettoken API
/// (with its `image` file param) and a clock that reads their timestamp.
async fn capture_gateway() -> Gateway {
    let now = topgen_runtime::time::parse("2026-11-28 12:00:00").unwrap();
    Gateway::builder()
        .app("12345678", "helloworld")
        .api(Api::new(METHOD).response_json(SUCCESS).files(["image"]))
        .clock(now)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_official_sdks_captured_requests_pass() {
    // The wire captures of shared/top/sign_vectors.json, replayed byte for byte against a
    // gateway whose clock reads their timestamp.
    let gateway = capture_gateway().await;
    let java = "app_key=12345678&method=taobao.wdk.iot.wombat.common.gettoken&v=2.0&sign=SIGN&timestamp=2026-11-28+12%3A00%3A00&partner_id=top-sdk-java-dynamicVersionNo&format=json&sign_method=METHOD";
    let form = b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=xxxxx".to_vec();
    let captures: Vec<(String, &str, Vec<u8>, Format)> = vec![
        (java.replace("SIGN", "2211C3FCF8A614C835A908D30CDB40F1").replace("METHOD", "md5"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (java.replace("SIGN", "5B772061C17FFEB98A111D36E72BF66A").replace("METHOD", "hmac"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (java.replace("SIGN", "E01D45B8AFBC6ADCAC10672C52893CB7517F4F884F481C00833A02AA98EE1FBE").replace("METHOD", "hmac-sha256"), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::Json),
        (
            java.replace("SIGN", "254AF2610B11823864E06FF4095E7DAF").replace("METHOD", "md5"),
            "application/x-www-form-urlencoded;charset=UTF-8",
            b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9".to_vec(),
            Format::Json,
        ),
        (format!("{}&simplify=true", java.replace("SIGN", "686D0086AD45EA40B9219859C682FAA7").replace("METHOD", "md5")), "application/x-www-form-urlencoded;charset=UTF-8", form.clone(), Format::SimplifiedJson),
        (
            format!("{}&simplify=true", java.replace("SIGN", "CC35FE40B62DF1B2D295F4763DEC6641").replace("METHOD", "md5")),
            "multipart/form-data;charset=UTF-8;boundary=788495831173",
            b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n".to_vec(),
            Format::SimplifiedJson,
        ),
        (
            "format=json&app_key=12345678&timestamp=2026-11-28+12%3A00%3A00&sign=31C449616493B9BC6E44F02DAB4227550CB2B021192D2269CB7342B65CD12A09&method=taobao.wdk.iot.wombat.common.gettoken&simplify=true&sign_method=hmac-sha256&v=2.0".to_owned(),
            "application/x-www-form-urlencoded",
            b"robot_sn=xxxxx&ou_code=8007&scenes_code=1&merchant_code=HM".to_vec(),
            Format::SimplifiedJson,
        ),
    ];
    for (query, content_type, body, format) in captures {
        gateway.clear_requests();
        let mut call = Call::good();
        call.raw_query = Some(query.clone());
        call.content_type = Some(content_type.to_owned());
        call.raw_body = Some(body);
        let answer = call.send(gateway.addr()).await;
        assert_eq!(answer.status, 200);
        let recorded = only(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok, "{query}: {}", answer.text());
        assert_eq!(recorded.reply_format, format);
        let expected = if format == Format::SimplifiedJson {
            r#"{"result":{"success":true,"tags":["a","b"]}}"#
        } else {
            SUCCESS
        };
        assert_eq!(answer.text(), expected);
    }
    // The multipart capture's file is recorded, unsigned.
    // (The last multipart capture was the sixth; check it again on its own.)
    gateway.clear_requests();
    let mut call = Call::good();
    call.raw_query = Some(format!(
        "{}&simplify=true",
        java.replace("SIGN", "CC35FE40B62DF1B2D295F4763DEC6641")
            .replace("METHOD", "md5")
    ));
    call.content_type = Some("multipart/form-data;charset=UTF-8;boundary=788495831173".to_owned());
    call.raw_body = Some(b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n".to_vec());
    call.send(gateway.addr()).await;
    let recorded = only(&gateway);
    assert_eq!(
        recorded.file("image").map(|f| f.bytes.as_slice()),
        Some(&b"PNGDATA"[..])
    );
    assert_eq!(recorded.body, owned(&[("robot_sn", "xxxxx")]));

    // The same capture signed with another secret (the canonical vector) is refused.
    let mut call = Call::good();
    call.raw_query = Some(
        java.replace("SIGN", "7FA600ECB5499BD7B8B99D551CDE0D39")
            .replace("METHOD", "md5"),
    );
    call.raw_body = Some(form.clone());
    refused(&gateway, call, 25, "isv.invalid-signature").await;
}

#[tokio::test]
async fn the_node_and_python_sdks_captured_requests_pass() {
    // The other captures of shared/top/sign_vectors.json, replayed byte for byte: Taobao's
    // Node SDK (every param in the form body; and a GET with every param in the query) and its
    // Python SDK (the timestamp as epoch milliseconds; form and multipart). They were refused
    // before (code 41 for the layouts, 31 for the timestamps), though TOP takes them.
    let gateway = capture_gateway().await;
    let node_form = "timestamp=2026-11-28%2012%3A00%3A00&format=json&app_key=12345678&v=2.0&sign_method=md5&merchant_code=HM&scenes_code=1&ou_code=8007&robot_sn=xxxxx&method=taobao.wdk.iot.wombat.common.gettoken&sign=7FA600ECB5499BD7B8B99D551CDE0D39";
    let python_query = "format=json&app_key=12345678&sign_method=md5&v=2.0&timestamp=1795838400000&partner_id=taobao-sdk-python-20160516&method=taobao.wdk.iot.wombat.common.gettoken&sign=";
    // (http method, query, content type, body, robot_sn as decoded)
    type Capture<'a> = (&'a str, String, Option<&'a str>, Vec<u8>, &'a str);
    let captures: Vec<Capture> = vec![
        ("POST", String::new(), Some("application/x-www-form-urlencoded"), node_form.as_bytes().to_vec(), "xxxxx"),
        (
            "POST",
            String::new(),
            Some("application/x-www-form-urlencoded"),
            b"timestamp=2026-11-28%2012%3A00%3A00&format=json&app_key=12345678&v=2.0&sign_method=md5&merchant_code=HM&scenes_code=1&ou_code=8007&robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA%20A%26B%3D1%2B2%2F%C3%A9&method=taobao.wdk.iot.wombat.common.gettoken&sign=D1C2584F7B9DF8A8AF0A8C16E5D7E71A".to_vec(),
            "机器人 A&B=1+2/é",
        ),
        ("GET", node_form.to_owned(), None, Vec::new(), "xxxxx"),
        (
            "POST",
            format!("{python_query}930C131CD9B045E2DBA7488D812B2C7A"),
            Some("application/x-www-form-urlencoded;charset=UTF-8"),
            b"merchant_code=HM&scenes_code=1&ou_code=8007&robot_sn=xxxxx".to_vec(),
            "xxxxx",
        ),
        (
            "POST",
            format!("{python_query}E50D75E4124B91BC4925C9D61B2C0122"),
            Some("multipart/form-data; boundary=PYTHON_SDK_BOUNDARY"),
            b"--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: form-data; name=\"robot_sn\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nxxxxx\r\n--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: file; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\nPNGDATA\r\n--PYTHON_SDK_BOUNDARY--\r\n".to_vec(),
            "xxxxx",
        ),
    ];
    for (http_method, query, content_type, body, robot_sn) in captures {
        gateway.clear_requests();
        let mut call = Call::good();
        call.http_method = http_method;
        call.raw_query = Some(query.clone());
        call.content_type = content_type.map(str::to_owned);
        call.raw_body = Some(body);
        let answer = call.send(gateway.addr()).await;
        assert_eq!(answer.status, 200);
        let recorded = only(&gateway);
        assert_eq!(
            recorded.verdict,
            Verdict::Ok,
            "{http_method} {query}: {}",
            answer.text()
        );
        assert_eq!(recorded.reply_format, Format::Json);
        assert_eq!(answer.text(), SUCCESS);
        assert_eq!(recorded.param("robot_sn"), Some(robot_sn));
        assert!(recorded.sign().is_some() && recorded.timestamp().is_some());
    }
    assert_eq!(
        only(&gateway).file("image").map(|f| f.bytes.as_slice()),
        Some(&b"PNGDATA"[..])
    );
    // Signed with another secret, the Python capture is refused.
    let mut python = Call::good();
    python.raw_query = Some(format!("{python_query}7FA600ECB5499BD7B8B99D551CDE0D39"));
    python.raw_body = Some(b"merchant_code=HM&scenes_code=1&ou_code=8007&robot_sn=xxxxx".to_vec());
    refused(&gateway, python, 25, "isv.invalid-signature").await;
}
