//! No secret of the TMC consumer reaches the logs: a TRACE-level `tracing` subscriber captures
//! everything while a consumer signs in, handles, fails and publishes with a session, loses a
//! stalled connection and signs in again, and a second consumer is refused for a bad sign.
//! The capture must hold none of the app secret, the session, a CONNECT's sign or a
//! connection's token — and must hold the consumer's own events and spans, so the capture is
//! known to have worked. (tungstenite's own TRACE records are kept out: see the test.)
//!
//! One test in its own binary: the subscriber is process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use topgen_gateway::tmc::Direction;
use topgen_gateway::{QueuedMessage, TmcFault, TmcGateway};
use topgen_tmc::{Consumer, HandlerError, MessageType, Value};

const APP_KEY: &str = "12345678";
const SECRET: &str = "tmc-log-secret-Qz83";
const SESSION: &str = "tmc-log-session-Wd41";
const WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_sign_token_or_session_reaches_the_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    // Everything at TRACE but tungstenite's own `log` records, kept at DEBUG: at TRACE,
    // tungstenite prints whole WebSocket frames (tokens and signs included), which topgen
    // cannot change — the README ("Receiving messages") says so. When this binary is built
    // with the rest of the workspace, tracing-subscriber's `tracing-log` feature is on and
    // those records would be captured.
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let targets = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::TRACE)
        .with_target("tungstenite", tracing::Level::DEBUG)
        .with_target("tokio_tungstenite", tracing::Level::DEBUG);
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish()
        .with(targets)
        .try_init()
        .expect("the only subscriber in this binary");

    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .failed_redeliver_after(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
    gateway.queue(
        "default",
        QueuedMessage::new("taobao_trade_TradeCreate", "{}"),
    );
    gateway.queue(
        "default",
        QueuedMessage::new("taobao_trade_TradeClose", "{}"),
    );
    gateway.push_fault(TmcFault::stall(Duration::from_secs(30)));
    let running = Consumer::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .pull_interval(Duration::from_millis(50))
        .heartbeat_interval(Duration::from_millis(50))
        .dead_after(Duration::from_millis(300))
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(20))
        .on_topic("taobao_trade_TradeCreate", |_| async { Ok(()) })
        .on_topic("taobao_trade_TradeClose", |_| async {
            Err(HandlerError::new("refused by the handler"))
        })
        .build()
        .unwrap()
        .spawn();
    assert!(gateway.wait_confirmed(1, WAIT).await);
    assert!(gateway.wait_for(|g| g.failed_count() >= 1, WAIT).await);
    let session = topgen_runtime::Secret::new(SESSION);
    running
        .publisher()
        .publish_as("taobao_trade_TradeCreate", "{}", &session)
        .await
        .unwrap();
    assert!(gateway.wait_for(|g| g.published_count() == 1, WAIT).await);
    let report = running.shutdown(Duration::from_secs(2)).await.unwrap();
    assert!(report.stats.disconnects >= 1, "{report:?}");

    let refused = Consumer::builder(APP_KEY, "tmc-log-wrong-secret-Pp20")
        .endpoint(gateway.endpoint())
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap()
        .spawn()
        .wait()
        .await;
    assert!(refused.is_err());

    // What must not show: the secrets, every sign sent and every token given.
    let mut hidden = vec![
        SECRET.to_owned(),
        SESSION.to_owned(),
        "tmc-log-wrong-secret-Pp20".to_owned(),
    ];
    for recorded in gateway.frames() {
        let Some(frame) = recorded.decoded() else {
            continue;
        };
        if recorded.direction == Direction::ClientToServer
            && frame.message_type == MessageType::Connect
        {
            hidden.extend(frame.get("sign").and_then(Value::as_str).map(str::to_owned));
        }
        hidden.extend(frame.token.clone());
    }
    assert!(
        hidden.len() >= 6,
        "signs and tokens were recorded: {}",
        hidden.len()
    );
    let text = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    for needle in &hidden {
        assert!(!needle.is_empty());
        assert!(
            !text.contains(needle.as_str()),
            "the logs hold a secret, sign or token"
        );
    }
    // The capture worked: the consumer's events and its message spans are in it.
    for expected in [
        "tmc: connected",
        "tmc: connection lost",
        "tmc: the handler failed",
        "tmc.message",
        "taobao_trade_TradeClose",
        "tmc: CONNECT refused",
        "tmc: stopped",
    ] {
        assert!(
            text.contains(expected),
            "no `{expected}` in the logs:\n{text}"
        );
    }
}
