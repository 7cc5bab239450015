//! The logic of the `tmc` example program: [`config`] reads the environment, [`run`] consumes
//! TMC messages, printing typed contents for two trade topics and the raw JSON of every other
//! topic, until asked to stop (or after `TMC_MAX_MESSAGES` messages). `tmc/main.rs` only wires
//! these to the real process; `tests/tests/example_tmc.rs` runs them against the local
//! gateway.
//!
//! ```sh
//! TOP_APP_KEY=… TOP_APP_SECRET=… cargo run -p topgen-examples --example tmc
//! ```
//!
//! Optional: `TMC_GROUP` (the consumer group, default `default`), `TMC_ENDPOINT` (default
//! TOP's production `ws://mc.api.taobao.com/`), `TMC_MAX_MESSAGES` (stop after that many).
//! Exit codes: 0 stopped, 1 TOP refused the connection (bad app key or secret), 64 usage.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use topgen_runtime::Secret;
use topgen_tmc::{Consumer, Error, Received, ShutdownReport};
use topgen_tmc_taobao_trade::{TradeCreate, TradeSuccess};

/// The consumer's settings, from the environment.
#[derive(Debug)]
pub struct Config {
    /// `TOP_APP_KEY`.
    pub app_key: String,
    /// `TOP_APP_SECRET` (never printed).
    pub app_secret: Secret,
    /// `TMC_GROUP`.
    pub group: String,
    /// `TMC_ENDPOINT`.
    pub endpoint: String,
    /// `TMC_MAX_MESSAGES`.
    pub max_messages: Option<u64>,
}

/// Reads the settings from `env` (a lookup of environment variables); `Err` says what is
/// missing or wrong.
pub fn config(env: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    let required = |name: &str| {
        env(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| format!("{name} is not set"))
    };
    let max_messages = match env("TMC_MAX_MESSAGES") {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse::<u64>()
                .map_err(|_| format!("TMC_MAX_MESSAGES is `{text}`, expected a whole number"))?,
        ),
    };
    Ok(Config {
        app_key: required("TOP_APP_KEY")?,
        app_secret: Secret::new(required("TOP_APP_SECRET")?),
        group: env("TMC_GROUP").unwrap_or_else(|| topgen_tmc::DEFAULT_GROUP.to_owned()),
        endpoint: env("TMC_ENDPOINT").unwrap_or_else(|| topgen_tmc::DEFAULT_ENDPOINT.to_owned()),
        max_messages,
    })
}

/// One line for a message: its topic, id and user, then its content.
fn line(message: &Received, content: &str) -> String {
    let user = message.nick.as_deref().unwrap_or("-");
    format!("{} #{} ({user}): {content}", message.topic, message.id)
}

/// Consumes messages, giving each printed line to `print`, until `stop` completes or
/// `max_messages` were handled; then shuts down (10 s for running handlers).
pub async fn run(
    config: Config,
    stop: impl Future<Output = ()>,
    print: impl Fn(String) + Send + Sync + 'static,
) -> Result<ShutdownReport, Error> {
    let print = Arc::new(print);
    let handled = Arc::new(AtomicU64::new(0));
    let enough = Arc::new(Notify::new());
    let counted = {
        let (handled, enough, max) = (handled.clone(), enough.clone(), config.max_messages);
        move || {
            if Some(handled.fetch_add(1, Ordering::SeqCst) + 1) == max {
                enough.notify_one();
            }
        }
    };
    let counted = Arc::new(counted);
    let (p1, p2, p3) = (print.clone(), print.clone(), print.clone());
    let (c1, c2, c3) = (counted.clone(), counted.clone(), counted.clone());
    let running = Consumer::builder(config.app_key, config.app_secret.expose_secret())
        .endpoint(config.endpoint)
        .group(config.group)
        .on::<TradeCreate, _, _>(move |message, trade| {
            p1(line(
                &message,
                &format!(
                    "trade {} created by {}, paying {}",
                    trade.tid.unwrap_or_default(),
                    trade.buyer_nick.as_deref().unwrap_or("?"),
                    trade
                        .payment
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "?".into())
                ),
            ));
            c1();
            async { Ok(()) }
        })
        .on::<TradeSuccess, _, _>(move |message, trade| {
            p2(line(
                &message,
                &format!("trade {} succeeded", trade.tid.unwrap_or_default()),
            ));
            c2();
            async { Ok(()) }
        })
        .on_any(move |message| {
            p3(line(&message, &message.content));
            c3();
            async { Ok(()) }
        })
        .build()?
        .spawn();
    tokio::select! {
        () = stop => {}
        () = enough.notified() => {}
        // A refusal ends the consumer by itself; `shutdown` below then returns it.
        () = async {
            while !running.is_finished() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        } => {}
    }
    running.shutdown(Duration::from_secs(10)).await
}
