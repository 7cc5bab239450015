//! The TMC consumer (`topgen-tmc`) against the local gateway's TMC endpoint
//! (`topgen_gateway::TmcGateway`) over real WebSockets on 127.0.0.1: the handshake, dispatch
//! by topic, group and type, Confirm and Failed, redelivery, handler errors and panics,
//! bounded concurrency, de-duplication, publishing, dead connections, garbage, shutdown.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use topgen_gateway::{QueuedMessage, TmcFault, TmcGateway};
use topgen_tmc::{
    Consumer, ConsumerBuilder, Error, HandlerError, MessageKind, Received, Unhandled,
};

const APP_KEY: &str = "12345678";
const SECRET: &str = "tmc-consumer-secret-7c1d";
const GROUP: &str = "default";
const WAIT: Duration = Duration::from_secs(10);

async fn gateway() -> TmcGateway {
    TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .failed_redeliver_after(Duration::from_millis(20))
        .redeliver_after(Duration::from_millis(200))
        .start()
        .await
        .expect("the TMC gateway starts")
}

/// A consumer of the gateway with test timings: pulls every 50 ms, reconnects within 20 ms.
fn consumer(gateway: &TmcGateway) -> ConsumerBuilder {
    Consumer::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .pull_interval(Duration::from_millis(50))
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(20))
}

/// What the handlers saw: (handler tag, message).
type Seen = Arc<Mutex<Vec<(&'static str, Received)>>>;

fn recorder(
    seen: &Seen,
    tag: &'static str,
) -> impl Fn(Received) -> std::future::Ready<topgen_tmc::HandlerResult> + Send + Sync + 'static {
    let seen = seen.clone();
    move |message| {
        seen.lock().unwrap().push((tag, message));
        std::future::ready(Ok(()))
    }
}

/// Waits (polling, at most [`WAIT`]) until the consumer's stats satisfy `condition`.
async fn wait_stats(
    running: &topgen_tmc::Running,
    condition: impl Fn(&topgen_tmc::Stats) -> bool,
) -> bool {
    let deadline = Instant::now() + WAIT;
    while !condition(&running.stats()) {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    true
}

fn queue(gateway: &TmcGateway, topic: &str, content: &str) -> i64 {
    gateway.queue(GROUP, QueuedMessage::new(topic, content))
}

#[tokio::test]
async fn the_consumer_signs_in_pulls_handles_and_confirms_with_exact_ids() {
    let gateway = gateway().await;
    let seen = Seen::default();
    let id = gateway.queue(
        GROUP,
        QueuedMessage::new("taobao_trade_TradeCreate", r#"{"tid":58681907060570486}"#)
            .user_id(2_207_263_456_789)
            .nick("买家")
            .time(1_700_000_000_000),
    );
    assert!(id > 1 << 53, "the gateway's ids do not fit an f64");
    let running = consumer(&gateway)
        .on_topic("taobao_trade_TradeCreate", recorder(&seen, "create"))
        .build()
        .unwrap()
        .spawn();
    assert!(running.wait_connected(WAIT).await);
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert_eq!(gateway.confirmed(), vec![id]);
    assert_eq!(gateway.pending(GROUP), 0);
    {
        let seen = seen.lock().unwrap();
        let (tag, message) = &seen[0];
        assert_eq!(*tag, "create");
        assert_eq!(message.id, id);
        assert_eq!(message.content, r#"{"tid":58681907060570486}"#);
        assert_eq!(message.user_id, Some(2_207_263_456_789));
        assert_eq!(message.nick.as_deref(), Some("买家"));
        assert_eq!(
            message.time.unwrap().to_rfc3339(),
            "2023-11-15T06:13:20+08:00"
        );
    }
    // The CONNECT was signed right, and every later frame carried the token.
    let log = gateway.connection_log();
    assert_eq!(log.len(), 1);
    assert!(log[0].signed_in());
    assert_eq!(log[0].group.as_deref(), Some(GROUP));
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();
    assert_eq!(report.stats.received, 1);
    assert_eq!(report.stats.confirmed, 1);
    assert_eq!((report.aborted, report.unsent), (0, 0));
}

#[tokio::test]
async fn a_bad_sign_is_a_typed_refusal_and_is_not_retried() {
    let gateway = gateway().await;
    let running = Consumer::builder(APP_KEY, "not-the-secret")
        .endpoint(gateway.endpoint())
        .reconnect_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    let error = tokio::time::timeout(WAIT, running.wait())
        .await
        .expect("a refusal ends the consumer")
        .unwrap_err();
    let Error::Refused { status, phrase } = &error else {
        panic!("expected a refusal, got {error:?}");
    };
    assert_ne!(*status, 0);
    assert!(!phrase.is_empty());
    assert!(!error.to_string().contains("not-the-secret"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(gateway.connections(), 1, "a refused CONNECT is not retried");
}

#[tokio::test]
async fn a_refusal_fault_carries_its_status_and_phrase() {
    let gateway = gateway().await;
    gateway.push_fault(TmcFault::refuse_connect(29, "Invalid app Key"));
    let running = consumer(&gateway)
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    let error = tokio::time::timeout(WAIT, running.wait())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        error,
        Error::Refused {
            status: 29,
            phrase: "Invalid app Key".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "TMC refused the connection: status 29: Invalid app Key"
    );
}

#[tokio::test]
async fn topics_go_to_their_handler_then_the_longest_group_then_any() {
    let gateway = gateway().await;
    let seen = Seen::default();
    let ids: Vec<i64> = [
        "taobao_trade_TradeCreate",
        "taobao_trade_TradeSuccess",
        "taobao_refund_RefundCreated",
        "tmall_unknown_Topic",
    ]
    .iter()
    .map(|t| queue(&gateway, t, "{}"))
    .collect();
    let running = consumer(&gateway)
        .on_topic("taobao_trade_TradeCreate", recorder(&seen, "topic"))
        .on_group("taobao_trade", recorder(&seen, "trade"))
        .on_group("taobao", recorder(&seen, "taobao"))
        .on_any(recorder(&seen, "any"))
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(4, WAIT).await);
    let by_topic: HashMap<String, &str> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(tag, m)| (m.topic.clone(), *tag))
        .collect();
    assert_eq!(by_topic["taobao_trade_TradeCreate"], "topic");
    assert_eq!(by_topic["taobao_trade_TradeSuccess"], "trade");
    assert_eq!(by_topic["taobao_refund_RefundCreated"], "taobao");
    assert_eq!(by_topic["tmall_unknown_Topic"], "any");
    let mut confirmed = gateway.confirmed();
    confirmed.sort();
    assert_eq!(confirmed, ids);
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn an_error_sends_failed_with_128_characters_and_the_message_comes_again() {
    let gateway = gateway().await;
    let id = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    let running = consumer(&gateway)
        .on_any(move |_| {
            let attempt = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt == 0 {
                    Err(HandlerError::new("库存不足".repeat(100)))
                } else {
                    Ok(())
                }
            }
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    let failed = gateway.failed();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, id);
    assert_eq!(
        failed[0].1,
        "库存不足".repeat(32),
        "TOP keeps 128 characters"
    );
    assert_eq!(gateway.confirmed(), vec![id]);
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    // The consumer counts a Confirm once it is flushed: the gateway may read it first.
    assert!(wait_stats(&running, |s| s.confirmed == 1).await);
    let stats = running.stats();
    assert_eq!((stats.failed, stats.confirmed, stats.received), (1, 1, 2));
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn a_panicking_handler_is_a_failed_message_and_the_consumer_goes_on() {
    let gateway = gateway().await;
    let boom = queue(&gateway, "taobao_item_ItemAdd", "{}");
    let fine = queue(&gateway, "taobao_item_ItemUpdate", "{}");
    let running = consumer(&gateway)
        .on_topic("taobao_item_ItemAdd", |_| async { panic!("handler bug") })
        .on_topic("taobao_item_ItemUpdate", |_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert!(gateway.wait_for(|g| !g.failed().is_empty(), WAIT).await);
    assert_eq!(gateway.confirmed(), vec![fine]);
    assert_eq!(
        gateway.failed()[0],
        (boom, "the handler panicked".to_owned())
    );
    assert!(running.stats().panicked >= 1);
    assert!(!running.is_finished());
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn a_topic_without_a_handler_is_failed_or_confirmed_as_configured() {
    let gateway = gateway().await;
    let id = queue(&gateway, "alibaba_nobody_Handles", "{}");
    let running = consumer(&gateway)
        .on_topic("taobao_trade_TradeCreate", |_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_for(|g| !g.failed().is_empty(), WAIT).await);
    assert_eq!(
        gateway.failed()[0],
        (id, "no handler for topic alibaba_nobody_Handles".to_owned())
    );
    running.shutdown(Duration::from_secs(5)).await.unwrap();

    let gateway = self::gateway().await;
    let id = queue(&gateway, "alibaba_nobody_Handles", "{}");
    let running = consumer(&gateway)
        .unhandled(Unhandled::Confirm)
        .on_topic("taobao_trade_TradeCreate", |_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert_eq!(gateway.confirmed(), vec![id]);
    assert_eq!(running.stats().unhandled, 1);
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn gzip_contents_are_inflated_for_the_handler() {
    let gateway = gateway().await;
    let content = format!(r#"{{"tid":1,"memo":"{}"}}"#, "x".repeat(5_000));
    gateway.queue(
        GROUP,
        QueuedMessage::new("taobao_trade_TradeMemoModified", &content).gzip(true),
    );
    let seen = Seen::default();
    let running = consumer(&gateway)
        .on_any(recorder(&seen, "any"))
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert_eq!(seen.lock().unwrap()[0].1.content, content);
    // The frame really carried a ByteArray.
    let data = gateway
        .frames()
        .into_iter()
        .find(|f| f.kind() == Some(MessageKind::Data))
        .unwrap();
    assert!(matches!(
        data.decoded().unwrap().get("content"),
        Some(topgen_tmc::Value::ByteArray(_))
    ));
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn at_most_max_concurrency_handlers_run_at_once() {
    let gateway = gateway().await;
    for _ in 0..24 {
        queue(&gateway, "taobao_trade_TradeCreate", "{}");
    }
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (n, p) = (now.clone(), peak.clone());
    let running = consumer(&gateway)
        .max_concurrency(4)
        .prefetch(4)
        .on_any(move |_| {
            let (n, p) = (n.clone(), p.clone());
            async move {
                let running = n.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                n.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(24, WAIT).await);
    assert_eq!(peak.load(Ordering::SeqCst), 4, "4 at once, never more");
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn the_dedup_window_runs_a_redelivered_id_once() {
    let gateway = gateway().await;
    let id = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    gateway.push_fault(TmcFault::duplicate());
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let running = consumer(&gateway)
        .dedup_window(Duration::from_secs(60), 1_000)
        .on_any(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_for(|g| g.deliveries() == 2, WAIT).await);
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert!(wait_stats(&running, |s| s.received == 2).await);
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the handler ran once");
    assert_eq!(report.stats.received, 2);
    assert_eq!(report.stats.duplicates, 1);
    assert!(gateway.confirmed().iter().all(|c| *c == id));

    // Without the window, both deliveries reach the handler (at least once).
    let gateway = self::gateway().await;
    queue(&gateway, "taobao_trade_TradeCreate", "{}");
    gateway.push_fault(TmcFault::duplicate());
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let running = consumer(&gateway)
        .on_any(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert!(wait_stats(&running, |s| s.confirmed == 2).await);
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!((report.stats.received, report.stats.confirmed), (2, 2));
    assert_eq!(report.stats.duplicates, 0);
}

#[tokio::test]
async fn published_messages_reach_the_gateway_and_sessions_stay_hidden() {
    let gateway = gateway().await;
    let running = consumer(&gateway)
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    let publisher = running.publisher();
    publisher
        .publish("taobao_trade_TradeCreate", r#"{"tid":1}"#)
        .await
        .unwrap();
    let session = topgen_runtime::Secret::new("6100e23657fb0b2aaa-user-session");
    publisher
        .publish_as("taobao_trade_TradeClose", r#"{"tid":2}"#, &session)
        .await
        .unwrap();
    assert!(gateway.wait_for(|g| g.published_count() == 2, WAIT).await);
    let published = gateway.published();
    assert_eq!(
        published[0].data.topic.as_deref(),
        Some("taobao_trade_TradeCreate")
    );
    assert_eq!(
        published[0].data.content,
        Some(topgen_tmc::Content::Text(r#"{"tid":1}"#.into()))
    );
    assert_eq!(published[0].session, None);
    assert_eq!(
        published[1].session.as_deref(),
        Some(session.expose_secret())
    );
    for shown in [
        format!("{running:?}"),
        format!("{publisher:?}"),
        format!("{:?}", gateway.frames()),
        format!("{:?}", published),
    ] {
        assert!(!shown.contains(session.expose_secret()), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
    assert!(wait_stats(&running, |s| s.published == 2).await);
    running.shutdown(Duration::from_secs(5)).await.unwrap();
    // After the shutdown nothing can be published.
    assert_eq!(
        publisher.publish("taobao_trade_TradeCreate", "{}").await,
        Err(Error::Stopped)
    );
}

#[tokio::test]
async fn a_stalled_connection_is_found_dead_and_opened_again() {
    let gateway = gateway().await;
    gateway.push_fault(TmcFault::stall(Duration::from_secs(30)));
    let id = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    let running = consumer(&gateway)
        .heartbeat_interval(Duration::from_millis(50))
        .dead_after(Duration::from_millis(300))
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    assert!(
        gateway.wait_confirmed(1, WAIT).await,
        "handled on a second connection"
    );
    assert_eq!(gateway.confirmed(), vec![id]);
    let stats = running.stats();
    assert!(stats.disconnects >= 1, "{stats:?}");
    assert!(stats.connections >= 2, "{stats:?}");
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_loses_nothing_and_garbage_is_skipped() {
    let gateway = gateway().await;
    let ids: Vec<i64> = (0..10)
        .map(|i| {
            queue(
                &gateway,
                "taobao_trade_TradeCreate",
                &format!(r#"{{"n":{i}}}"#),
            )
        })
        .collect();
    // One fault per push, in this order: the first push drops the connection after 3
    // messages, the next one (on the new connection) starts with a garbage frame.
    gateway.push_fault(TmcFault::drop_after(3));
    gateway.push_fault(TmcFault::garbage(vec![2, 9, 9, 9]));
    let running = consumer(&gateway)
        .max_concurrency(1)
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn();
    assert!(
        gateway.wait_for(|g| g.pending(GROUP) == 0, WAIT).await,
        "every message confirmed after the drop"
    );
    let mut confirmed = gateway.confirmed();
    confirmed.sort();
    confirmed.dedup();
    assert_eq!(confirmed, ids);
    let stats = running.stats();
    assert_eq!(stats.garbage_frames, 1, "{stats:?}");
    assert!(
        stats.disconnects >= 1 && stats.connections >= 2,
        "{stats:?}"
    );
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn shutdown_waits_for_running_handlers_and_confirms_what_they_finish() {
    let gateway = gateway().await;
    let id = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    let started = Arc::new(tokio::sync::Notify::new());
    let s = started.clone();
    let running = consumer(&gateway)
        .on_any(move |_| {
            s.notify_one();
            async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Ok(())
            }
        })
        .build()
        .unwrap()
        .spawn();
    tokio::time::timeout(WAIT, started.notified())
        .await
        .unwrap();
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();
    assert_eq!((report.finished, report.aborted, report.unsent), (1, 0, 0));
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert_eq!(gateway.confirmed(), vec![id]);
    assert!(
        gateway
            .wait_for(|g| g.active_connections() == 0, WAIT)
            .await
    );
}

#[tokio::test]
async fn shutdown_keeps_its_deadline_and_leaves_unfinished_messages_to_top() {
    let gateway = gateway().await;
    let slow = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    let waiting = queue(&gateway, "taobao_trade_TradeCreate", "{}");
    let started = Arc::new(tokio::sync::Notify::new());
    let s = started.clone();
    let running = consumer(&gateway)
        .max_concurrency(1)
        .on_any(move |_| {
            s.notify_one();
            async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(())
            }
        })
        .build()
        .unwrap()
        .spawn();
    tokio::time::timeout(WAIT, started.notified())
        .await
        .unwrap();
    assert!(gateway.wait_deliveries(2, WAIT).await);
    let begun = Instant::now();
    let report = running.shutdown(Duration::from_millis(300)).await.unwrap();
    let took = begun.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!((report.aborted, report.released), (1, 1));
    assert!(gateway.confirmed().is_empty());
    // The waiting message was released at once; the slow one is TOP's to deliver again.
    assert_eq!(
        gateway.failed(),
        vec![(waiting, "the consumer is shutting down".to_owned())]
    );
    assert!(gateway.pending(GROUP) == 2 && slow != waiting);
}

#[tokio::test]
async fn settings_that_cannot_work_are_refused_when_built() {
    let cases: Vec<(ConsumerBuilder, &str)> = vec![
        (Consumer::builder("", SECRET), "app key is empty"),
        (Consumer::builder(APP_KEY, ""), "app secret is empty"),
        (
            Consumer::builder(APP_KEY, SECRET).group(" "),
            "group name is empty",
        ),
        (
            Consumer::builder(APP_KEY, SECRET).endpoint("http://mc.api.taobao.com/"),
            "expected `ws` or `wss`",
        ),
        (
            Consumer::builder(APP_KEY, SECRET)
                .heartbeat_interval(Duration::from_secs(60))
                .dead_after(Duration::from_secs(60)),
            "longer than heartbeat_interval",
        ),
        (
            Consumer::builder(APP_KEY, SECRET).max_concurrency(0),
            "at least 1",
        ),
        (
            Consumer::builder(APP_KEY, SECRET).pull_interval(Duration::ZERO),
            "pull_interval is zero",
        ),
    ];
    for (builder, why) in cases {
        let error = builder.on_any(|_| async { Ok(()) }).build().unwrap_err();
        assert!(error.to_string().contains(why), "{error} / {why}");
        assert!(!error.to_string().contains(SECRET));
    }
    let error = Consumer::builder(APP_KEY, SECRET).build().unwrap_err();
    assert!(error.to_string().contains("no handler"), "{error}");
    let shown = format!("{:?}", Consumer::builder(APP_KEY, SECRET));
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn the_blocking_consumer_handles_publishes_and_shuts_down() {
    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .spawn()
        .expect("the TMC gateway starts");
    let id = gateway.queue(GROUP, QueuedMessage::new("taobao_trade_TradeCreate", "{}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let running = topgen_tmc::blocking::Consumer::new(
        Consumer::builder(APP_KEY, SECRET)
            .endpoint(gateway.endpoint())
            .pull_interval(Duration::from_millis(50)),
    )
    .on_topic("taobao_trade_TradeCreate", move |message| {
        // A plain function: blocking here is fine, it runs on a thread of its own.
        std::thread::sleep(Duration::from_millis(5));
        s.lock().unwrap().push(message.id);
        Ok(())
    })
    .start()
    .unwrap();
    assert!(running.wait_connected(WAIT).unwrap());
    assert!(gateway.wait_for_blocking(|g| g.confirmed_count() == 1, WAIT));
    assert_eq!(*seen.lock().unwrap(), vec![id]);
    running.publish("taobao_trade_TradeCreate", "{}").unwrap();
    assert!(gateway.wait_for_blocking(|g| g.published_count() == 1, WAIT));
    let report = running.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(report.stats.confirmed, 1);
    assert_eq!(report.stats.published, 1);
}

#[tokio::test]
async fn the_blocking_consumer_refuses_to_start_inside_an_async_runtime() {
    let error = topgen_tmc::blocking::Consumer::new(Consumer::builder(APP_KEY, SECRET))
        .on_any(|_| Ok(()))
        .start()
        .unwrap_err();
    assert_eq!(error, Error::InsideAsyncRuntime);
}

#[tokio::test]
async fn typed_handlers_get_the_decoded_content_and_undecodable_contents_are_failed() {
    use topgen_tmc_taobao_trade::TradeCreate;
    let gateway = gateway().await;
    let good = queue(
        &gateway,
        "taobao_trade_TradeCreate",
        r#"{"tid":"58681907060570486","oid":58681907060570487,"payment":"0.10","buyer_nick":"买家","not_in_the_definition":[1]}"#,
    );
    let bad = queue(
        &gateway,
        "taobao_trade_TradeCreate",
        r#"{"tid":"not a number"}"#,
    );
    let trades = Arc::new(Mutex::new(Vec::new()));
    let t = trades.clone();
    let running = consumer(&gateway)
        .on::<TradeCreate, _, _>(move |message, trade| {
            t.lock().unwrap().push((message.id, trade));
            async { Ok(()) }
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert!(gateway.wait_for(|g| g.failed_count() >= 1, WAIT).await);
    assert_eq!(gateway.confirmed(), vec![good]);
    let (id, trade) = trades.lock().unwrap()[0].clone();
    assert_eq!(id, good);
    assert_eq!(trade.tid, Some(58_681_907_060_570_486));
    assert_eq!(trade.oid, Some(58_681_907_060_570_487));
    assert_eq!(trade.payment, Some("0.10".parse().unwrap()));
    assert_eq!(trade.payment.unwrap().to_string(), "0.10");
    assert_eq!(trade.buyer_nick.as_deref(), Some("买家"));
    let (failed_id, why) = gateway.failed()[0].clone();
    assert_eq!(failed_id, bad);
    assert!(
        why.starts_with("the content of taobao_trade_TradeCreate does not decode: tid: "),
        "{why}"
    );
    running.shutdown(Duration::from_secs(5)).await.unwrap();
}
