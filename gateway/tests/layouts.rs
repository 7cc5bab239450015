//! The request layouts TOP accepts besides the official Java SDK's (system params in the URL
//! query, business params in the body), built by hand the way Taobao's other SDKs build them,
//! timestamped now: the Python SDK's (epoch-millisecond timestamps), the Node SDK's POST
//! (every param, `sign` included, in the form body) and GET (every param in the URL query, no
//! body). Each is answered like the Java layout, and every other check still applies to it.

mod support;

use support::{Call, SUCCESS, UPLOAD, java_multipart, only, owned, refused, start};
use topgen_gateway::{Format, Verdict};

/// Sends `call` and checks it gets gettoken's JSON example, recorded as OK.
async fn accepted(gateway: &topgen_gateway::Gateway, call: Call) -> topgen_gateway::Recorded {
    gateway.clear_requests();
    let answer = call.send(gateway.addr()).await;
    let recorded = only(gateway);
    assert_eq!(recorded.verdict, Verdict::Ok, "{}", answer.text());
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), SUCCESS);
    assert_eq!(recorded.reply_format, Format::Json);
    recorded
}

#[tokio::test]
async fn the_python_sdks_layout_with_epoch_milliseconds_is_accepted() {
    let gateway = start().await;
    let call = Call::good()
        .set("partner_id", "taobao-sdk-python-20160516")
        .epoch_ms_timestamp()
        .signed();
    let r = accepted(&gateway, call.clone()).await;
    let millis = r.timestamp().expect("a timestamp");
    assert!(millis.len() == 13 && millis.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(r.body_param("robot_sn"), Some("机器人 A&B=1+2/é"));

    // Its multipart layout: text parts signed, the file part not.
    let mut upload = Call::good().set("method", UPLOAD).epoch_ms_timestamp();
    upload.body = owned(&[("title", "图 1")]);
    let mut upload = upload.signed();
    upload.content_type = Some("multipart/form-data; boundary=PYTHON_SDK_BOUNDARY".to_owned());
    upload.raw_body = Some(
        b"--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\xe5\x9b\xbe 1\r\n--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: file; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\nPNGDATA\r\n--PYTHON_SDK_BOUNDARY--\r\n".to_vec(),
    );
    gateway.clear_requests();
    let answer = upload.send(gateway.addr()).await;
    assert_eq!(answer.text(), r#"{"picture_upload_response":{"ok":true}}"#);
    let r = only(&gateway);
    assert_eq!(r.verdict, Verdict::Ok);
    assert_eq!(
        r.file("image").map(|f| f.bytes.as_slice()),
        Some(&b"PNGDATA"[..])
    );

    // Milliseconds are held to the same skew, and are signed like any timestamp.
    let old = Call::good().set("timestamp", "1000000000000").signed();
    refused(&gateway, old, 31, "isv.invalid-timestamp").await;
    let mut resigned = call.clone();
    for (k, v) in &mut resigned.query {
        if k == "timestamp" {
            *v = (v.parse::<u64>().unwrap() + 1).to_string();
        }
    }
    refused(&gateway, resigned, 25, "isv.invalid-signature").await;
}

#[tokio::test]
async fn the_node_sdks_post_with_every_param_in_the_body_is_accepted() {
    let gateway = start().await;
    let call = Call::good().signed().all_in_body();
    assert!(call.query.is_empty());
    let r = accepted(&gateway, call.clone()).await;
    assert!(r.query.is_empty());
    assert_eq!(r.body, call.body);
    assert_eq!(r.param("method"), Some(support::METHOD));
    let sent_sign = call.body.iter().find(|(k, _)| k == "sign");
    assert_eq!(r.sign(), sent_sign.map(|(_, v)| v.as_str()));
    assert_eq!(r.param("robot_sn"), Some("机器人 A&B=1+2/é"));

    // The same checks, wherever the params are.
    let tampered = Call::good()
        .signed()
        .remove("merchant_code")
        .body("merchant_code", "XX")
        .all_in_body();
    refused(&gateway, tampered, 25, "isv.invalid-signature").await;
    let wrong_secret = Call::good().signed_with("another-secret").all_in_body();
    refused(&gateway, wrong_secret, 25, "isv.invalid-signature").await;
    let unsigned = Call::good().all_in_body();
    refused(&gateway, unsigned, 24, "isv.missing-signature").await;
    let missing = Call::good().remove("robot_sn").signed().all_in_body();
    refused(&gateway, missing, 40, "isv.missing-parameter:robot_sn").await;
    let skewed = Call::good()
        .set("timestamp", "2000-01-01 00:00:00")
        .signed()
        .all_in_body();
    refused(&gateway, skewed, 31, "isv.invalid-timestamp").await;
    let app = Call::good()
        .set("app_key", "87654321")
        .signed()
        .all_in_body();
    refused(&gateway, app, 29, "isv.invalid-app-key").await;
    let trade = || Call::good().set("method", "taobao.trade.fullinfo.get");
    refused(
        &gateway,
        trade().signed().all_in_body(),
        26,
        "isv.missing-session",
    )
    .await;
    let stranger = trade()
        .set("session", "someone-else")
        .signed()
        .all_in_body();
    refused(&gateway, stranger, 27, "isv.invalid-session").await;
    gateway.clear_requests();
    let session = trade()
        .set("session", "user-session-1")
        .signed()
        .all_in_body();
    assert_eq!(session.send(gateway.addr()).await.status, 200);
    assert_eq!(only(&gateway).verdict, Verdict::Ok);
    // The reply format is read from the body too: XML when the body asks for it.
    gateway.clear_requests();
    let xml = Call::good().set("format", "xml").signed().all_in_body();
    let answer = xml.send(gateway.addr()).await;
    assert!(
        answer
            .text()
            .contains("<wdk_iot_wombat_common_gettoken_response>"),
        "{}",
        answer.text()
    );
    assert_eq!(only(&gateway).reply_format, Format::Xml);

    // A multipart body with every param as a text part: signed all the same, file not.
    let mut upload = Call::good().set("method", UPLOAD);
    upload.body = owned(&[("title", "t")]);
    let signed = upload.signed();
    let text: Vec<(&str, &str)> = signed
        .query
        .iter()
        .chain(&signed.body)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut upload = signed.clone();
    upload.query.clear();
    upload.content_type = Some("multipart/form-data; boundary=XyZ123".to_owned());
    upload.raw_body = Some(java_multipart("XyZ123", &text, &[("image", "a.png", b"x")]));
    gateway.clear_requests();
    let answer = upload.send(gateway.addr()).await;
    assert_eq!(answer.text(), r#"{"picture_upload_response":{"ok":true}}"#);
}

#[tokio::test]
async fn a_get_with_every_param_in_the_query_is_accepted() {
    let gateway = start().await;
    let call = Call::good().signed().all_in_query();
    assert!(call.body.is_empty() && call.content_type.is_none());
    let r = accepted(&gateway, call.clone()).await;
    assert_eq!(r.http_method, "GET");
    assert!(r.body.is_empty() && r.content_type.is_none());
    assert_eq!(r.query, call.query);
    assert_eq!(r.param("robot_sn"), Some("机器人 A&B=1+2/é"));
    // With the Python SDK's timestamp too.
    accepted(
        &gateway,
        Call::good().epoch_ms_timestamp().signed().all_in_query(),
    )
    .await;

    let tampered = Call::good()
        .signed()
        .remove("merchant_code")
        .body("merchant_code", "XX")
        .all_in_query();
    refused(&gateway, tampered, 25, "isv.invalid-signature").await;
    let missing = Call::good().remove("robot_sn").signed().all_in_query();
    refused(&gateway, missing, 40, "isv.missing-parameter:robot_sn").await;
    // A file param cannot travel in a query.
    let mut upload = Call::good().set("method", UPLOAD);
    upload.body = owned(&[("title", "t"), ("image", "PNGDATA")]);
    refused(
        &gateway,
        upload.signed().all_in_query(),
        41,
        "isv.invalid-parameter:image",
    )
    .await;
}

#[tokio::test]
async fn a_param_in_both_places_is_refused_in_every_layout() {
    let gateway = start().await;
    // The Node layout with `format` left in the query as well.
    let mut both = Call::good().signed().all_in_body();
    both.query.push(("format".to_owned(), "json".to_owned()));
    refused(&gateway, both, 41, "isv.invalid-parameter:format").await;
    // The Python layout with the business param repeated in the query.
    let mut both = Call::good().epoch_ms_timestamp().signed();
    both.query
        .push(("merchant_code".to_owned(), "HM".to_owned()));
    refused(&gateway, both, 41, "isv.invalid-parameter:merchant_code").await;
    // `sign` in both places.
    let mut both = Call::good().signed();
    let sign = both.query.last().cloned().unwrap();
    both.body.push(sign);
    refused(&gateway, both, 41, "isv.invalid-parameter:sign").await;
}
