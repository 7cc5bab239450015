//! The `tmc` example program (`examples/tmc/`), run through its library entry points
//! (`topgen_examples::tmc::config` and `run`, what `examples/tmc/main.rs` calls with the real
//! environment) against the local gateway's TMC endpoint.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use topgen_examples::tmc;
use topgen_gateway::{QueuedMessage, TmcGateway};

const APP_KEY: &str = "12345678";
const SECRET: &str = "tmc-example-secret-3f";

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[tokio::test]
async fn the_example_prints_typed_trades_and_raw_other_topics() {
    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .start()
        .await
        .unwrap();
    let create = gateway.queue(
        "default",
        QueuedMessage::new(
            "taobao_trade_TradeCreate",
            r#"{"tid":"58681907060570486","buyer_nick":"买家","payment":"0.10","extra":1}"#,
        )
        .nick("卖家"),
    );
    let success = gateway.queue(
        "default",
        QueuedMessage::new("taobao_trade_TradeSuccess", r#"{"tid":42}"#),
    );
    let other = gateway.queue(
        "default",
        QueuedMessage::new("taobao_item_ItemAdd", r#"{"num_iid":7}"#),
    );
    let endpoint = gateway.endpoint();
    let config = tmc::config(env(&[
        ("TOP_APP_KEY", APP_KEY),
        ("TOP_APP_SECRET", SECRET),
        ("TMC_ENDPOINT", &endpoint),
        ("TMC_MAX_MESSAGES", "3"),
    ]))
    .unwrap();
    assert!(!format!("{config:?}").contains(SECRET));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let report = tokio::time::timeout(
        Duration::from_secs(10),
        tmc::run(config, std::future::pending(), move |line| {
            l.lock().unwrap().push(line)
        }),
    )
    .await
    .expect("stops after 3 messages")
    .unwrap();
    assert_eq!(report.stats.confirmed, 3);
    let mut lines = lines.lock().unwrap().clone();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            format!("taobao_item_ItemAdd #{other} (-): {{\"num_iid\":7}}"),
            format!(
                "taobao_trade_TradeCreate #{create} (卖家): trade 58681907060570486 created by 买家, paying 0.10"
            ),
            format!("taobao_trade_TradeSuccess #{success} (-): trade 42 succeeded"),
        ]
    );
    assert!(gateway.wait_confirmed(3, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn the_example_stops_when_asked_and_reports_a_refusal() {
    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .start()
        .await
        .unwrap();
    let endpoint = gateway.endpoint();
    let vars = [
        ("TOP_APP_KEY", APP_KEY),
        ("TOP_APP_SECRET", SECRET),
        ("TMC_ENDPOINT", endpoint.as_str()),
    ];
    let report = tmc::run(
        tmc::config(env(&vars)).unwrap(),
        tokio::time::sleep(Duration::from_millis(200)),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.stats.connections, 1);

    let wrong = [
        ("TOP_APP_KEY", APP_KEY),
        ("TOP_APP_SECRET", "wrong"),
        ("TMC_ENDPOINT", endpoint.as_str()),
    ];
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        tmc::run(
            tmc::config(env(&wrong)).unwrap(),
            std::future::pending(),
            |_| {},
        ),
    )
    .await
    .expect("a refusal ends the run")
    .unwrap_err();
    assert!(
        matches!(error, topgen_tmc::Error::Refused { .. }),
        "{error:?}"
    );
}

#[test]
fn the_example_says_what_is_missing() {
    assert_eq!(tmc::config(env(&[])).unwrap_err(), "TOP_APP_KEY is not set");
    assert_eq!(
        tmc::config(env(&[("TOP_APP_KEY", "1")])).unwrap_err(),
        "TOP_APP_SECRET is not set"
    );
    assert_eq!(
        tmc::config(env(&[
            ("TOP_APP_KEY", "1"),
            ("TOP_APP_SECRET", "s"),
            ("TMC_MAX_MESSAGES", "many")
        ]))
        .unwrap_err(),
        "TMC_MAX_MESSAGES is `many`, expected a whole number"
    );
    let config = tmc::config(env(&[("TOP_APP_KEY", "1"), ("TOP_APP_SECRET", "s")])).unwrap();
    assert_eq!(config.endpoint, "ws://mc.api.taobao.com/");
    assert_eq!(config.group, "default");
    assert_eq!(config.max_messages, None);
}
