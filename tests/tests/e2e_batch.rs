//! Batch calls (`client.batch()`) against the local gateway's `/router/batch` over HTTP: mixed
//! APIs with typed replies, per-call sessions, every format, a call's own error, whole-batch
//! faults and retries, checks before sending, and the blocking client.

use std::path::Path;
use std::time::Duration;

use topgen_gateway::{Api, Fault, Gateway, GatewayBuilder, TopErrorReply, Verdict};
use topgen_runtime::batch::PartOptions;
use topgen_runtime::{
    CallOptions, Client, Error, FileItem, Format, ParamErrorKind, RetryPolicy, SignMethod,
};
use topgen_taobao::{
    ItemsSellerListGetTmallRequest, ProductImgUploadTmallRequest, RdsDbDeleteRequest,
    TimeGetRequest,
};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

const APP_KEY: &str = "12345678";
const SECRET: &str = "batch-app-secret-81c4";
const USER_A: &str = "session-of-user-a-0001";
const USER_B: &str = "session-of-user-b-0002";

fn spec(method: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{method}.yaml"));
    Api::from_spec_file(&path).expect("the spec loads")
}

fn gateway_builder() -> GatewayBuilder {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .session(USER_A)
        .session(USER_B)
        .api(spec("taobao.time.get"))
        .api(spec("taobao.wdk.iot.wombat.common.gettoken"))
        .api(spec("taobao.items.seller.list.get.tmall"))
}

async fn gateway() -> Gateway {
    gateway_builder().start().await.expect("the gateway starts")
}

fn client(gateway: &Gateway, format: Format) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .sign_method(SignMethod::Hmac)
        .format(format)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(5)),
        )
        .build()
        .expect("the client builds")
}

fn gettoken() -> WdkIotWombatCommonGettokenRequest {
    WdkIotWombatCommonGettokenRequest::new().robot_sn("robot 7&8")
}

fn items() -> ItemsSellerListGetTmallRequest {
    ItemsSellerListGetTmallRequest::new("num_iid,title", vec!["1".to_owned(), "2".to_owned()])
}

fn the_year_2000() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn mixed_apis_go_as_one_call_and_come_back_typed_in_every_format() {
    let gateway = gateway().await;
    for format in [Format::Json, Format::SimplifiedJson, Format::Xml] {
        gateway.clear_requests();
        let client = client(&gateway, format);
        let mut batch = client.batch();
        let time = batch.add(&TimeGetRequest::new()).unwrap();
        let token = batch.add(&gettoken()).unwrap();
        let listed = batch
            .add_with(&items(), PartOptions::new().session(USER_A))
            .unwrap();
        let (replies, meta) = batch.send_with_meta().await.expect("the batch succeeds");
        assert_eq!(replies.len(), 3);
        assert_eq!(meta.attempts, 1);
        assert_eq!(meta.status, Some(200));

        let time = replies.get(&time).expect("taobao.time.get answers");
        assert_eq!(
            time.time.map(|t| t.naive_local()),
            Some(the_year_2000()),
            "{format}"
        );
        let token = replies.get(&token).expect("gettoken answers");
        let data = token.result.and_then(|r| r.data).expect("a token");
        assert_eq!(data.bucket_name.as_deref(), Some("abc"), "{format}");
        replies.get(&listed).expect("the session API answers");

        let recorded = gateway.requests();
        assert_eq!(recorded.len(), 1, "one HTTP call for three API calls");
        let call = &recorded[0];
        assert_eq!(call.path, "/router/batch");
        assert_eq!(call.verdict, Verdict::Ok);
        assert_eq!(call.query_param("method"), None);
        assert_eq!(call.query_param("sign_method"), Some("hmac"));
        assert_eq!(call.reply_format, format);
        let batch = call.batch.as_ref().expect("recorded as a batch");
        assert_eq!(batch.separator, "\r\n-S-\r\n");
        assert!(batch.public.is_empty(), "three APIs share no method");
        let methods: Vec<Option<&str>> = batch.parts.iter().map(|p| p.method.as_deref()).collect();
        assert_eq!(
            methods,
            [
                Some("taobao.time.get"),
                Some("taobao.wdk.iot.wombat.common.gettoken"),
                Some("taobao.items.seller.list.get.tmall"),
            ]
        );
        assert!(batch.parts.iter().all(|p| p.verdict == Verdict::Ok));
        assert_eq!(batch.parts[1].param("robot_sn"), Some("robot 7&8"));
        assert_eq!(batch.parts[2].param("session"), Some(USER_A));
        assert_eq!(batch.parts[2].param("num_iids"), Some("1,2"));
        assert_eq!(batch.parts[0].param("session"), None);
    }
}

#[tokio::test]
async fn one_api_is_public_and_a_custom_separator_is_announced() {
    let gateway = gateway().await;
    let client = client(&gateway, Format::Json);
    let mut batch = client
        .batch()
        .options(CallOptions::new().session(USER_B))
        .separator("~~next~~");
    let first = batch.add(&items()).unwrap();
    let second = batch
        .add_with(&items(), PartOptions::new().session(USER_A))
        .unwrap();
    let replies = batch.send().await.unwrap();
    replies.get(&first).unwrap();
    replies.get(&second).unwrap();
    let call = &gateway.requests()[0];
    assert_eq!(call.header("top-api-separator"), Some("~~next~~"));
    assert_eq!(call.query_param("session"), Some(USER_B));
    let batch = call.batch.as_ref().unwrap();
    assert_eq!(batch.separator, "~~next~~");
    assert_eq!(
        batch.public,
        [(
            "method".to_owned(),
            "taobao.items.seller.list.get.tmall".to_owned()
        )]
    );
    assert_eq!(
        batch.parts[0].param("method"),
        None,
        "the public method is not repeated"
    );
    assert_eq!(batch.parts[0].param("session"), None);
    assert_eq!(batch.parts[1].param("session"), Some(USER_A));
    // Handles are typed and tied to their batch: another batch's handle is refused.
    let mut other = client.batch();
    let foreign = other.add(&items()).unwrap();
    assert!(matches!(replies.get(&foreign), Err(Error::Config(_))));
}

#[tokio::test]
async fn a_call_failing_on_its_own_leaves_the_others() {
    let gateway = gateway().await;
    let client = client(&gateway, Format::Xml);
    gateway.push_part_error(1, TopErrorReply::isv());
    let mut batch = client.batch();
    let time = batch.add(&TimeGetRequest::new()).unwrap();
    let token = batch.add(&gettoken()).unwrap();
    // A session the gateway never issued: that call alone is refused (27).
    let listed = batch
        .add_with(
            &items(),
            PartOptions::new().session("a-session-nobody-issued"),
        )
        .unwrap();
    let (replies, meta) = batch.send_with_meta().await.unwrap();
    assert_eq!(meta.attempts, 1, "a call's own error is never retried");
    assert!(replies.get(&time).is_ok());
    let Err(Error::Top(e)) = replies.get(&token) else {
        panic!("the injected error")
    };
    assert_eq!(
        e.sub_code.as_deref(),
        TopErrorReply::isv().sub_code.as_deref()
    );
    let Err(Error::Top(e)) = replies.get(&listed) else {
        panic!("the unknown session")
    };
    assert_eq!(e.code, 27);
    let text = format!("{e}");
    assert!(!text.contains("a-session-nobody-issued"), "{text}");
    let recorded = gateway.requests();
    assert_eq!(recorded.len(), 1);
    let parts = &recorded[0].batch.as_ref().unwrap().parts;
    assert_eq!(parts[1].injected, Some(TopErrorReply::isv()));
    assert_eq!(parts[2].verdict.code(), Some(27));
}

#[tokio::test]
async fn whole_batch_failures_are_one_error_retried_only_when_nothing_ran() {
    let gateway = gateway().await;
    let client = client(&gateway, Format::Json);
    let batch = || {
        let mut batch = client.batch();
        let time = batch.add(&TimeGetRequest::new()).unwrap();
        batch.add(&gettoken()).unwrap();
        (batch, time)
    };

    // TOP refused the batch as a whole with a platform error: nothing ran, it is retried.
    gateway.push_fault(Fault::isp_error());
    let (b, time) = batch();
    let (replies, meta) = b.send_with_meta().await.expect("the retry succeeds");
    assert_eq!(meta.attempts, 2);
    assert!(replies.get(&time).is_ok());
    assert_eq!(gateway.request_count(), 2);
    let signs: Vec<_> = gateway
        .requests()
        .iter()
        .map(|r| r.sign().map(str::to_owned))
        .collect();
    assert!(signs.iter().all(Option::is_some));

    // A caller's error: one error, not retried.
    gateway.clear_requests();
    gateway.push_fault(Fault::isv_error());
    let Err(Error::Top(e)) = batch().0.send().await else {
        panic!("the whole batch's error")
    };
    assert_eq!(
        e.sub_code.as_deref(),
        TopErrorReply::isv().sub_code.as_deref()
    );
    assert_eq!(gateway.request_count(), 1);

    // HTTP 503: some calls may have run, so it is not retried.
    gateway.clear_requests();
    gateway.push_fault(Fault::status(503));
    let result = batch().0.send().await;
    assert!(
        matches!(result, Err(Error::Status { status: 503, .. })),
        "{result:?}"
    );
    assert_eq!(gateway.request_count(), 1);

    // A batch signed with the wrong secret is refused as a whole, by the gateway's own check.
    gateway.clear_requests();
    let wrong = Client::builder(APP_KEY, "not-the-secret-at-all")
        .endpoint(gateway.endpoint())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut b = wrong.batch();
    b.add(&TimeGetRequest::new()).unwrap();
    b.add(&TimeGetRequest::new()).unwrap();
    let Err(Error::Top(e)) = b.send().await else {
        panic!("a bad sign")
    };
    assert_eq!(e.code, 25);
    assert_eq!(gateway.requests()[0].verdict.code(), Some(25));
}

#[tokio::test]
async fn limits_sessions_and_uploads_are_refused_before_sending() {
    let gateway = gateway().await;
    let client = client(&gateway, Format::Json);
    let mut batch = client.batch();
    // `instance_name` is at most 30 characters.
    let Err(Error::Param(e)) = batch.add(&RdsDbDeleteRequest::new("i".repeat(31), "db")) else {
        panic!("over the limit")
    };
    assert_eq!(e.param, "instance_name");
    assert!(matches!(
        e.kind,
        ParamErrorKind::MaxLength {
            max: 30,
            actual: 31
        }
    ));
    let Err(Error::Param(e)) = batch.add(&ItemsSellerListGetTmallRequest::new(" ", vec![])) else {
        panic!("a required param is blank")
    };
    assert_eq!(e.param, "fields");
    let upload = ProductImgUploadTmallRequest::new(
        1,
        FileItem::new("a.png", "image/png", b"\x89PNG".to_vec()),
    );
    let Err(Error::Param(e)) = batch.add_with(&upload, PartOptions::new().session(USER_A)) else {
        panic!("an upload")
    };
    assert_eq!(e.param, "image");
    assert!(e.to_string().contains("batch"), "{e}");
    assert!(batch.is_empty(), "nothing refused was added");
    // A call that needs a session, with none of its own nor the batch's.
    batch.add(&items()).unwrap();
    let Err(Error::MissingSession { method }) = batch.send().await else {
        panic!("no session")
    };
    assert_eq!(method, "taobao.items.seller.list.get.tmall");
    assert!(matches!(client.batch().send().await, Err(Error::Config(_))));
    assert_eq!(gateway.request_count(), 0, "nothing was sent");
}

#[test]
fn the_blocking_client_sends_batches_too() {
    let gateway = gateway_builder().spawn().expect("the gateway starts");
    let client = topgen_runtime::blocking::Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .format(Format::SimplifiedJson)
        .build()
        .unwrap();
    let mut batch = client.batch();
    let time = batch.add(&TimeGetRequest::new()).unwrap();
    let listed = batch
        .add_with(&items(), PartOptions::new().session(USER_B))
        .unwrap();
    let replies = batch.send().expect("the batch succeeds");
    let time = replies.get(&time).unwrap();
    assert_eq!(time.time.map(|t| t.naive_local()), Some(the_year_2000()));
    replies.get(&listed).unwrap();
    let recorded = gateway.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].query_param("simplify"), Some("true"));
    assert_eq!(recorded[0].batch.as_ref().unwrap().parts.len(), 2);
}
