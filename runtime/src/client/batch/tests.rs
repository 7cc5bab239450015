use super::*;
use crate::SignMethod;
use chrono::{FixedOffset, TimeZone};

/// `taobao.time.get`: no params.
struct TimeGet;
impl Request for TimeGet {
    type Response = serde_json::Value;
    const METHOD: &'static str = "taobao.time.get";
    const RESPONSE_KEY: &'static str = "time_get_response";
    const REQUIRES_SESSION: bool = false;
    fn encode(&self, _: &mut Params) -> Result<(), ParamError> {
        Ok(())
    }
}

/// A call with params, a limit and an optional file.
struct Token {
    robot_sn: String,
    file: Option<crate::FileItem>,
}
impl Request for Token {
    type Response = serde_json::Value;
    const METHOD: &'static str = "taobao.wdk.iot.wombat.common.gettoken";
    const RESPONSE_KEY: &'static str = "wdk_iot_wombat_common_gettoken_response";
    const REQUIRES_SESSION: bool = true;
    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        Params::check_max_length("robot_sn", &self.robot_sn, 8)?;
        params.push("merchant_code", "HM");
        params.push("robot_sn", self.robot_sn.as_str());
        if let Some(file) = &self.file {
            params.push_file("image", file);
        }
        Ok(())
    }
}

fn at() -> DateTime {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 12, 2, 10, 0, 0)
        .unwrap()
}

fn token(robot_sn: &str) -> Token {
    Token {
        robot_sn: robot_sn.to_owned(),
        file: None,
    }
}

#[test]
fn a_mixed_batch_is_laid_out_and_signed_like_the_official_sdk() {
    let client = Client::builder("12345678", "app-secret-value")
        .sign_method(SignMethod::Md5)
        .build()
        .unwrap();
    let mut batch = client.batch();
    batch.add(&TimeGet).unwrap();
    batch
        .add_with(
            &token("a b&c"),
            PartOptions::new().session("part-session-1"),
        )
        .unwrap();
    let prepared = batch.prepare(&at()).unwrap();
    assert_eq!(
        prepared.body,
        "method=taobao.time.get\r\n-S-\r\n\
         merchant_code=HM&robot_sn=a+b%26c&method=taobao.wdk.iot.wombat.common.gettoken&session=part-session-1"
    );
    let query: Vec<(&str, &str)> = prepared
        .query
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    // md5("app-secret-value" + "app_key12345678formatjsonsign_methodmd5timestamp
    // 2026-12-02 10:00:00v2.0" + body + "app-secret-value"), computed by hand (Python's
    // hashlib).
    assert_eq!(
        query,
        [
            ("app_key", "12345678"),
            ("sign_method", "md5"),
            ("timestamp", "2026-12-02 10:00:00"),
            ("v", "2.0"),
            ("format", "json"),
            ("sign", "26AA7D6B2A58B93C729D7AA83F3D27D9"),
        ]
    );
    assert!(prepared.headers.is_empty());
}

#[test]
fn one_api_goes_public_and_a_custom_separator_is_announced() {
    let client = Client::builder("12345678", "app-secret-value")
        .build()
        .unwrap();
    let mut batch = client
        .batch()
        .options(
            CallOptions::new()
                .session("batch-session")
                .format(Format::Xml),
        )
        .separator("|~|");
    batch.add(&TimeGet).unwrap();
    batch.add(&TimeGet).unwrap();
    let prepared = batch.prepare(&at()).unwrap();
    assert_eq!(prepared.body, "#PUBLIC#method=taobao.time.get|~|N|~|N");
    assert_eq!(
        prepared.headers,
        [("top-api-separator".to_owned(), "|~|".to_owned())]
    );
    assert_eq!(prepared.query_param("session"), Some("batch-session"));
    assert_eq!(prepared.query_param("method"), None);
    // hmac-sha256 over "app_key12345678formatxmlsessionbatch-sessionsign_method
    // hmac-sha256timestamp2026-12-02 10:00:00v2.0" + body, by hand (Python's hmac).
    assert_eq!(
        prepared.query_param("sign"),
        Some("C3C7B47D0A131F28DA7BF805343559C69C8CE4797C37705B680D4665F083318B")
    );
    let debug = format!("{prepared:?}");
    assert!(!debug.contains("batch-session"), "{debug}");
}

#[test]
fn bad_calls_are_refused_before_sending() {
    let client = Client::builder("k", "s").build().unwrap();
    let mut batch = client.batch();
    let Err(Error::Param(e)) = batch.add(&token("far too long")) else {
        panic!("a param over its limit is refused")
    };
    assert_eq!(e.param, "robot_sn");
    let upload = Token {
        robot_sn: "sn".to_owned(),
        file: Some(crate::FileItem::new("a.png", "image/png", b"PNG".to_vec())),
    };
    let Err(Error::Param(e)) = batch.add(&upload) else {
        panic!("an upload is refused")
    };
    assert_eq!(e.param, "image");
    assert!(e.to_string().contains("batch"), "{e}");
    assert!(batch.is_empty());
    assert!(matches!(batch.prepare(&at()), Err(Error::Config(_))));
    batch.add(&token("sn")).unwrap();
    let Err(Error::MissingSession { method }) = batch.prepare(&at()) else {
        panic!("a call that needs a session has none")
    };
    assert_eq!(method, Token::METHOD);
    let mut batch = client.batch().separator("HM");
    batch
        .add_with(&token("sn"), PartOptions::new().session("s"))
        .unwrap();
    let Err(Error::Config(message)) = batch.prepare(&at()) else {
        panic!("a separator inside the params is refused")
    };
    assert!(message.contains("occurs"), "{message}");
    let mut batch = client.batch().separator("a\r\nb");
    batch.add(&TimeGet).unwrap();
    assert!(matches!(batch.prepare(&at()), Err(Error::Config(_))));
}

#[test]
fn replies_split_and_a_count_mismatch_is_the_first_parts_error() {
    let ok = crate::HttpResponse::new(
        200,
        "{\"time_get_response\":{\"time\":\"x\"}}\r\n-S-\r\n{\"error_response\":{\"code\":15,\"msg\":\"Remote service error\"}}",
    );
    let (_, parts) =
        split_reply(Format::Json, &ok, DEFAULT_SEPARATOR, 2, "time_get_response").unwrap();
    assert_eq!(parts.len(), 2);
    // The first part is no error: the mismatch itself is the error.
    let Err(Error::Decode { message, .. }) =
        split_reply(Format::Json, &ok, DEFAULT_SEPARATOR, 3, "time_get_response")
    else {
        panic!("a count mismatch without an error first is a decode error")
    };
    assert!(message.contains("2 parts for 3 calls"), "{message}");
    let whole = crate::HttpResponse::new(
        200,
        r#"{"error_response":{"code":25,"msg":"Invalid signature"}}"#,
    );
    let Err(Error::Top(e)) = split_reply(
        Format::Json,
        &whole,
        DEFAULT_SEPARATOR,
        3,
        "time_get_response",
    ) else {
        panic!("a whole-batch error")
    };
    assert_eq!(e.code, 25);
    let neither = crate::HttpResponse::new(200, "{}");
    assert!(matches!(
        split_reply(
            Format::Json,
            &neither,
            DEFAULT_SEPARATOR,
            2,
            "time_get_response"
        ),
        Err(Error::Decode { .. })
    ));
    let status = crate::HttpResponse::new(502, "bad gateway");
    assert!(matches!(
        split_reply(
            Format::Json,
            &status,
            DEFAULT_SEPARATOR,
            2,
            "time_get_response"
        ),
        Err(Error::Status { status: 502, .. })
    ));
}

/// Answers every request with `reply`, keeping what it was sent.
struct Echo {
    reply: String,
    sent: std::sync::Mutex<Vec<crate::HttpRequest>>,
}

impl crate::Transport for Echo {
    fn send<'a>(
        &'a self,
        request: crate::HttpRequest,
    ) -> crate::transport::BoxFuture<'a, Result<crate::HttpResponse, crate::TransportError>> {
        self.sent.lock().unwrap().push(request);
        let reply = self.reply.clone();
        Box::pin(async move { Ok(crate::HttpResponse::new(200, reply)) })
    }
}

#[tokio::test]
async fn what_is_sent_is_what_prepare_shows_and_errors_quote_no_secret() {
    let echo = std::sync::Arc::new(Echo {
        reply: "{\"time_get_response\":{\"time\":\"x\"}}|~|\
            {\"error_response\":{\"code\":27,\"msg\":\"bad session part-session-secret-1 \
            for app-secret-value\"}}"
            .to_owned(),
        sent: std::sync::Mutex::new(Vec::new()),
    });
    struct Shared(std::sync::Arc<Echo>);
    impl crate::Transport for Shared {
        fn send<'a>(
            &'a self,
            request: crate::HttpRequest,
        ) -> crate::transport::BoxFuture<'a, Result<crate::HttpResponse, crate::TransportError>>
        {
            self.0.send(request)
        }
    }
    let client = Client::builder("12345678", "app-secret-value")
        .endpoint("http://127.0.0.1:9/router/rest")
        .transport(Shared(echo.clone()))
        .clock(at)
        .build()
        .unwrap();
    let build = || {
        let mut batch = client.batch().separator("|~|");
        let time = batch.add(&TimeGet).unwrap();
        let token = batch
            .add_with(
                &token("sn"),
                PartOptions::new().session("part-session-secret-1"),
            )
            .unwrap();
        (batch, time, token)
    };
    let prepared = build().0.prepare(&at()).unwrap();
    let (batch, time, token) = build();
    let replies = batch.send().await.unwrap();
    assert!(replies.get(&time).is_ok());
    let Err(Error::Top(e)) = replies.get(&token) else {
        panic!("the second call's error")
    };
    assert_eq!(e.code, 27);
    assert!(!e.msg.contains("part-session-secret-1"), "{}", e.msg);
    assert!(!e.msg.contains("app-secret-value"), "{}", e.msg);
    let debug = format!("{replies:?}");
    assert!(!debug.contains("secret"), "{debug}");

    let sent = echo.sent.lock().unwrap();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    let (base, query) = request.url.split_once('?').unwrap();
    assert_eq!(base, "http://127.0.0.1:9/router/batch");
    assert_eq!(
        query,
        crate::prepare::encode_form(
            &prepared
                .query
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(request.body, prepared.body.as_bytes());
    assert_eq!(request.content_type, "text/plain;charset=utf-8");
    assert!(
        request
            .headers
            .contains(&("top-api-separator".to_owned(), "|~|".to_owned()))
    );
}
