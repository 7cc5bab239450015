//! The consumer: one WebSocket connection to TMC, kept up, with handlers run off its read
//! loop.
//!
//! ```no_run
//! use std::time::Duration;
//! use topgen_tmc::{Consumer, HandlerError};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let consumer = Consumer::builder("12345678", "app secret")
//!     .group("default")
//!     .on_topic("taobao_trade_TradeCreate", |message| async move {
//!         println!("order created: {}", message.content);
//!         Ok(())
//!     })
//!     .on_group("taobao_refund", |message| async move {
//!         Err(HandlerError::new(format!("not yet: {}", message.topic)))
//!     })
//!     .build()?;
//! let running = consumer.spawn();
//! # let until_asked_to_stop = std::future::ready(());
//! until_asked_to_stop.await; // e.g. tokio::signal::ctrl_c()
//! let report = running.shutdown(Duration::from_secs(10)).await?;
//! println!("{report:?}");
//! # Ok(())
//! # }
//! ```
//!
//! What it does, with the SDKs' defaults (every interval is a [`ConsumerBuilder`] setting):
//!
//! - **Connect**: TCP (then TLS for `wss://`), the WebSocket handshake, a signed CONNECT and
//!   its CONNECTACK, each within [`ConsumerBuilder::connect_timeout`] (10 s). A CONNECTACK
//!   with a non-zero status (a bad sign, an unknown app) ends the consumer with
//!   [`Error::Refused`]: retrying would be refused again.
//! - **Pull**: a PullRequest right after connecting, every
//!   [`ConsumerBuilder::pull_interval`] (5 s, the Node SDK's), and as soon as the messages
//!   of the last pull are handed to handlers while fewer than
//!   [`ConsumerBuilder::max_concurrency`] run.
//! - **Handle**: each message goes to its handler ([`ConsumerBuilder::on_topic`],
//!   [`ConsumerBuilder::on_group`], [`ConsumerBuilder::on`], [`ConsumerBuilder::on_any`]);
//!   `Ok` sends Confirm, `Err` sends Failed with the error's first 128 characters (TOP
//!   delivers it again later), a panic is a Failed too and the consumer goes on. At most
//!   `max_concurrency` handlers (16) run at once; at most [`ConsumerBuilder::prefetch`]
//!   received messages (64) wait for one, and while that many wait the consumer stops
//!   reading the socket (back-pressure: TCP's window, then the server, hold the rest).
//! - **Stay up**: a WebSocket ping every [`ConsumerBuilder::heartbeat_interval`] (45 s, the
//!   Java and .NET SDKs'); a connection on which nothing arrives for
//!   [`ConsumerBuilder::dead_after`] (60 s) while the consumer reads is dead. A lost
//!   connection is opened again after a backoff ([`ConsumerBuilder::reconnect_backoff`]: 3 s
//!   doubling up to 60 s, less up to half of it at random so that a group's consumers do
//!   not come back together), with a new CONNECT; confirmations of messages handled
//!   meanwhile are sent on the new connection.
//! - **De-duplicate** (optional, [`ConsumerBuilder::dedup_window`]): TOP delivers at least
//!   once; an id seen again while its handler runs is dropped, and one confirmed within the
//!   window is confirmed again without running the handler.
//! - **Stop** ([`Running::shutdown`]): no more pulls, messages not yet started are released
//!   with Failed (so the group's other consumers get them at once), running handlers get up
//!   to the deadline, what they finish is confirmed, then the connection is closed.
//!
//! Each message is handled in a [`tracing`](https://docs.rs/tracing/0.1) span `tmc.message`
//! (fields `id`, `topic`); connections log events (connected, lost, refused). Neither the app
//! secret, the sign, the token nor a session is ever logged or in `Debug`.

mod connection;
mod dedup;
mod handlers;
mod received;
mod run;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use topgen_runtime::Secret;

pub use handlers::{HandlerError, HandlerResult, Unhandled};
pub use received::Received;

use crate::error::Error;
use crate::topic::Topic;
use connection::Endpoint;
use handlers::{Handler, Handlers, handler};

/// TOP's production TMC endpoint, the SDKs' default.
pub const DEFAULT_ENDPOINT: &str = "ws://mc.api.taobao.com/";
/// TOP's sandbox TMC endpoint.
pub const SANDBOX_ENDPOINT: &str = "ws://mc.api.tbsandbox.com/";
/// The consumer group TOP uses when none is named.
pub const DEFAULT_GROUP: &str = "default";

/// The settings of a consumer; see [`ConsumerBuilder`].
pub(crate) struct Config {
    pub(crate) app_key: String,
    pub(crate) app_secret: Secret,
    pub(crate) group: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
    pub(crate) sdk: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) pull_interval: Duration,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) dead_after: Duration,
    pub(crate) reconnect_base: Duration,
    pub(crate) reconnect_max: Duration,
    pub(crate) max_concurrency: usize,
    pub(crate) prefetch: usize,
    pub(crate) dedup: Option<(Duration, usize)>,
    pub(crate) unhandled: Unhandled,
    pub(crate) max_content_size: usize,
    pub(crate) publish_timeout: Duration,
    pub(crate) shutdown_deadline: Duration,
}

/// A consumer of TMC messages, ready to [`spawn`](Consumer::spawn). See the [module
/// docs](self).
pub struct Consumer {
    config: Arc<Config>,
    handlers: Handlers,
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("app_key", &self.config.app_key)
            .field("app_secret", &self.config.app_secret)
            .field("group", &self.config.group)
            .finish_non_exhaustive()
    }
}

impl Consumer {
    /// A consumer of the app `app_key` (signed with `app_secret`) in the group `default` of
    /// TOP's production endpoint.
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<String>) -> ConsumerBuilder {
        ConsumerBuilder::new(app_key.into(), Secret::new(app_secret))
    }

    /// Starts the consumer on the current tokio runtime: it connects, pulls and handles
    /// messages until [`Running::shutdown`], or until TOP refuses its CONNECT.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn spawn(self) -> Running {
        let (commands_tx, commands) = mpsc::channel(64);
        let (shutdown_tx, shutdown) = watch::channel(None);
        let (connected_tx, connected) = watch::channel(false);
        let stats = Arc::new(Counters::default());
        let runner = run::Runner::new(
            self.config.clone(),
            Arc::new(self.handlers),
            stats.clone(),
            commands,
            shutdown,
            connected_tx,
        );
        let task = tokio::spawn(runner.run());
        Running {
            task: Some(task),
            shutdown: shutdown_tx,
            connected,
            stats,
            publisher: Publisher {
                commands: commands_tx,
                timeout: self.config.publish_timeout,
            },
            default_deadline: self.config.shutdown_deadline,
        }
    }
}

/// Builds a [`Consumer`]: where, who, the handlers, and the timings.
pub struct ConsumerBuilder {
    app_key: String,
    app_secret: Secret,
    group: String,
    endpoint: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    connect_timeout: Duration,
    pull_interval: Duration,
    heartbeat_interval: Duration,
    dead_after: Duration,
    reconnect: (Duration, Duration),
    max_concurrency: usize,
    prefetch: usize,
    dedup: Option<(Duration, usize)>,
    unhandled: Unhandled,
    max_content_size: usize,
    publish_timeout: Duration,
    shutdown_deadline: Duration,
    handlers: Handlers,
}

impl fmt::Debug for ConsumerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumerBuilder")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field("group", &self.group)
            .field("endpoint", &"…")
            .finish_non_exhaustive()
    }
}

impl ConsumerBuilder {
    fn new(app_key: String, app_secret: Secret) -> ConsumerBuilder {
        ConsumerBuilder {
            app_key,
            app_secret,
            group: DEFAULT_GROUP.to_owned(),
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            tls: None,
            connect_timeout: Duration::from_secs(10),
            pull_interval: Duration::from_secs(5),
            heartbeat_interval: Duration::from_secs(45),
            dead_after: Duration::from_secs(60),
            reconnect: (Duration::from_secs(3), Duration::from_secs(60)),
            max_concurrency: 16,
            prefetch: 64,
            dedup: None,
            unhandled: Unhandled::Fail,
            max_content_size: crate::frame::MAX_FRAME_SIZE,
            publish_timeout: Duration::from_secs(10),
            shutdown_deadline: Duration::from_secs(30),
            handlers: Handlers::default(),
        }
    }

    /// The endpoint: `ws://` or `wss://` ([`DEFAULT_ENDPOINT`] by default,
    /// [`SANDBOX_ENDPOINT`] for the sandbox).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The consumer group (`default` by default): the group's consumers share its messages.
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.group = name.into();
        self
    }

    /// The TLS configuration of `wss://` endpoints (by default rustls with ring and the
    /// platform's certificate verifier).
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// The bound of each step of a connection: TCP, TLS, WebSocket handshake, CONNECTACK
    /// (10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How often to ask for messages when none come (5 s).
    pub fn pull_interval(mut self, interval: Duration) -> Self {
        self.pull_interval = interval;
        self
    }

    /// How often to ping the server (45 s).
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// A connection on which nothing arrives for this long, pongs included, is dead and is
    /// opened again (60 s; more than the heartbeat interval).
    pub fn dead_after(mut self, silence: Duration) -> Self {
        self.dead_after = silence;
        self
    }

    /// The delay before opening a lost connection again: `base` doubling with each failed
    /// attempt up to `max`, less up to half of it at random (3 s and 60 s).
    pub fn reconnect_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.reconnect = (base, max);
        self
    }

    /// At most this many handlers run at once (16).
    pub fn max_concurrency(mut self, handlers: usize) -> Self {
        self.max_concurrency = handlers;
        self
    }

    /// At most this many received messages wait for a handler (64); the socket is not read
    /// while they do.
    pub fn prefetch(mut self, messages: usize) -> Self {
        self.prefetch = messages;
        self
    }

    /// De-duplicates redelivered ids seen within `window`, remembering at most `capacity` ids
    /// (off by default).
    pub fn dedup_window(mut self, window: Duration, capacity: usize) -> Self {
        self.dedup = Some((window, capacity));
        self
    }

    /// What to do with a message no handler takes ([`Unhandled::Fail`]).
    pub fn unhandled(mut self, policy: Unhandled) -> Self {
        self.unhandled = policy;
        self
    }

    /// The largest content a gzip content may inflate to (16 MiB); a larger one is Failed.
    pub fn max_content_size(mut self, bytes: usize) -> Self {
        self.max_content_size = bytes;
        self
    }

    /// How long [`Publisher::publish`] waits for a connection (10 s).
    pub fn publish_timeout(mut self, timeout: Duration) -> Self {
        self.publish_timeout = timeout;
        self
    }

    /// The deadline of the shutdown that dropping [`Running`] starts (30 s).
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Self {
        self.shutdown_deadline = deadline;
        self
    }

    /// Handles the messages of `topic` (`taobao_trade_TradeCreate`). A topic's own handler
    /// comes before any group's.
    pub fn on_topic<F, Fut>(mut self, topic: impl Into<String>, f: F) -> Self
    where
        F: Fn(Received) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.handlers.topic(topic.into(), handler(f));
        self
    }

    /// Handles the messages of every topic in the group `prefix`, whole `_` segments:
    /// `taobao` takes `taobao_*`, `taobao_trade` takes `taobao_trade_*`. The longest prefix
    /// that matches wins.
    pub fn on_group<F, Fut>(mut self, prefix: impl Into<String>, f: F) -> Self
    where
        F: Fn(Received) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.handlers.group(prefix.into(), handler(f));
        self
    }

    /// Handles every message no topic or group handler takes, unknown topics included.
    pub fn on_any<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Received) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.handlers.any(handler(f));
        self
    }

    /// Handles topic `T` with its content decoded (a generated topic struct, e.g.
    /// `topgen_tmc_taobao_trade::TradeCreate`). A content that does not decode is Failed, naming
    /// the field, without calling `f`.
    pub fn on<T, F, Fut>(mut self, f: F) -> Self
    where
        T: Topic,
        F: Fn(Received, T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let f = Arc::new(f);
        let typed: Handler = handler(move |message: Received| {
            let mut json = serde_json::Deserializer::from_str(&message.content);
            let decoded = serde_path_to_error::deserialize::<_, T>(&mut json);
            let f = f.clone();
            async move {
                match decoded {
                    Ok(content) => f(message, content).await,
                    Err(e) => Err(HandlerError::new(format!(
                        "the content of {} does not decode: {}: {}",
                        T::NAME,
                        e.path(),
                        e.inner()
                    ))),
                }
            }
        });
        self.handlers.topic(T::NAME.to_owned(), typed);
        self
    }

    /// Checks the settings: an endpoint `ws://` or `wss://` with a host, an app key and
    /// secret, a group, non-zero intervals and limits, `dead_after` longer than the heartbeat
    /// interval, at least one handler.
    pub fn build(self) -> Result<Consumer, Error> {
        let config = |m: &str| Err(Error::Config(m.to_owned()));
        if self.app_key.trim().is_empty() {
            return config("the app key is empty");
        }
        if self.app_secret.is_empty() {
            return config("the app secret is empty");
        }
        if self.group.trim().is_empty() {
            return config("the group name is empty");
        }
        let endpoint = Endpoint::parse(&self.endpoint)?;
        for (name, value) in [
            ("connect_timeout", self.connect_timeout),
            ("pull_interval", self.pull_interval),
            ("heartbeat_interval", self.heartbeat_interval),
            ("dead_after", self.dead_after),
            ("publish_timeout", self.publish_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::Config(format!("{name} is zero")));
            }
        }
        if self.dead_after <= self.heartbeat_interval {
            return Err(Error::Config(format!(
                "dead_after ({:?}) must be longer than heartbeat_interval ({:?}): a pong has to have a chance to arrive",
                self.dead_after, self.heartbeat_interval
            )));
        }
        if self.reconnect.0 > self.reconnect.1 {
            return config("the reconnect backoff's base is longer than its max");
        }
        if self.max_concurrency == 0 || self.prefetch == 0 || self.max_content_size == 0 {
            return config("max_concurrency, prefetch and max_content_size must be at least 1");
        }
        if self.dedup.is_some_and(|(w, c)| w.is_zero() || c == 0) {
            return config("the dedup window and its capacity must be non-zero");
        }
        if self.handlers.is_empty() {
            return config("no handler: add one with on_topic, on_group, on or on_any");
        }
        let tls = match (self.tls, endpoint.is_tls()) {
            (Some(tls), _) => Some(tls),
            (None, true) => Some(connection::default_tls()?),
            (None, false) => None,
        };
        Ok(Consumer {
            config: Arc::new(Config {
                app_key: self.app_key.trim().to_owned(),
                app_secret: self.app_secret,
                group: self.group.trim().to_owned(),
                endpoint,
                tls,
                sdk: concat!("topgen-tmc/", env!("CARGO_PKG_VERSION")).to_owned(),
                connect_timeout: self.connect_timeout,
                pull_interval: self.pull_interval,
                heartbeat_interval: self.heartbeat_interval,
                dead_after: self.dead_after,
                reconnect_base: self.reconnect.0,
                reconnect_max: self.reconnect.1,
                max_concurrency: self.max_concurrency,
                prefetch: self.prefetch,
                dedup: self.dedup,
                unhandled: self.unhandled,
                max_content_size: self.max_content_size,
                publish_timeout: self.publish_timeout,
                shutdown_deadline: self.shutdown_deadline,
            }),
            handlers: self.handlers,
        })
    }
}

/// The consumer's counters, exact, since it started.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) connections: AtomicU64,
    pub(crate) disconnects: AtomicU64,
    pub(crate) received: AtomicU64,
    pub(crate) confirmed: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) panicked: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) unhandled: AtomicU64,
    pub(crate) unreadable: AtomicU64,
    pub(crate) garbage_frames: AtomicU64,
    pub(crate) published: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            connections: get(&self.connections),
            disconnects: get(&self.disconnects),
            received: get(&self.received),
            confirmed: get(&self.confirmed),
            failed: get(&self.failed),
            panicked: get(&self.panicked),
            duplicates: get(&self.duplicates),
            unhandled: get(&self.unhandled),
            unreadable: get(&self.unreadable),
            garbage_frames: get(&self.garbage_frames),
            published: get(&self.published),
        }
    }
}

/// What a consumer has done since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Connections signed in (CONNECTACK with status 0).
    pub connections: u64,
    /// Connections lost: closed, dropped, dead (silent), or failed while sending.
    pub disconnects: u64,
    /// Data messages received, duplicates included.
    pub received: u64,
    /// Confirm sent (a handler returned `Ok`, a duplicate of a confirmed id, or
    /// [`Unhandled::Confirm`]).
    pub confirmed: u64,
    /// Failed sent (a handler's `Err` or panic, no handler, an unreadable content, released
    /// at shutdown).
    pub failed: u64,
    /// Handlers that panicked.
    pub panicked: u64,
    /// Messages the de-duplication window dropped or confirmed again without a handler.
    pub duplicates: u64,
    /// Messages no handler took.
    pub unhandled: u64,
    /// Messages whose content could not be read (not gzip, too big, not UTF-8), or without
    /// an id.
    pub unreadable: u64,
    /// Frames that did not decode, or were not a message the consumer expects; skipped.
    pub garbage_frames: u64,
    /// Messages published.
    pub published: u64,
}

/// A running consumer: its stats, its publisher, and how to stop it.
///
/// Dropping it starts a graceful shutdown in the background with the
/// [`ConsumerBuilder::shutdown_deadline`].
pub struct Running {
    task: Option<tokio::task::JoinHandle<Result<ShutdownReport, Error>>>,
    shutdown: watch::Sender<Option<Duration>>,
    connected: watch::Receiver<bool>,
    stats: Arc<Counters>,
    publisher: Publisher,
    default_deadline: Duration,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("connected", &*self.connected.borrow())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// What a shutdown did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Handlers that finished after the shutdown began (their Confirm or Failed was sent if
    /// the connection was up).
    pub finished: usize,
    /// Handlers still running at the deadline: stopped, their messages not confirmed (TOP
    /// delivers them again).
    pub aborted: usize,
    /// Received messages not yet handed to a handler: released with Failed.
    pub released: usize,
    /// Confirm or Failed that could not be sent (no connection by the deadline): TOP delivers
    /// those messages again.
    pub unsent: usize,
    /// The consumer's stats at the end.
    pub stats: Stats,
}

impl Running {
    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats.snapshot()
    }

    /// Whether a connection is signed in now.
    pub fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    /// Waits until a connection is signed in, at most `timeout`; whether it is.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut connected = self.connected.clone();
        tokio::time::timeout(timeout, connected.wait_for(|c| *c))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Whether the consumer has ended (shut down, or refused by TOP).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|t| t.is_finished())
    }

    /// A handle to publish messages through this consumer's connection.
    pub fn publisher(&self) -> Publisher {
        self.publisher.clone()
    }

    /// Stops pulling, releases the messages not yet handed to a handler, waits up to
    /// `deadline` for running handlers, sends their Confirm or Failed, and closes the
    /// connection. `Err` if the consumer had ended already because TOP refused it.
    pub async fn shutdown(mut self, deadline: Duration) -> Result<ShutdownReport, Error> {
        let _ = self.shutdown.send(Some(deadline));
        self.join().await
    }

    /// Waits for the consumer to end by itself: only a refused CONNECT does that
    /// ([`Error::Refused`]).
    pub async fn wait(mut self) -> Result<ShutdownReport, Error> {
        self.join().await
    }

    /// The shutdown dropping does, waited for (the blocking consumer's drop).
    #[cfg(feature = "blocking")]
    pub(crate) async fn wait_after_drop(mut self) -> Result<ShutdownReport, Error> {
        let _ = self.shutdown.send(Some(self.default_deadline));
        self.join().await
    }

    async fn join(&mut self) -> Result<ShutdownReport, Error> {
        let Some(task) = self.task.take() else {
            return Err(Error::Stopped);
        };
        match task.await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::Stopped),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.task.is_some() {
            let _ = self.shutdown.send(Some(self.default_deadline));
        }
    }
}

/// Publishes messages to TOP (a Data message with a topic, a content and optionally a
/// user's session) through a running consumer's connection. Cheap to clone.
#[derive(Clone)]
pub struct Publisher {
    commands: mpsc::Sender<run::Command>,
    timeout: Duration,
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher").finish_non_exhaustive()
    }
}

impl Publisher {
    /// Publishes `content` (JSON text) on `topic`. Returns once the frame is written to a
    /// connection, waiting up to the publish timeout for one.
    pub async fn publish(&self, topic: &str, content: &str) -> Result<(), Error> {
        self.send(topic, content, None).await
    }

    /// Publishes on behalf of the user of `session` (never logged nor in `Debug`).
    pub async fn publish_as(
        &self,
        topic: &str,
        content: &str,
        session: &Secret,
    ) -> Result<(), Error> {
        self.send(topic, content, Some(session.clone())).await
    }

    async fn send(&self, topic: &str, content: &str, session: Option<Secret>) -> Result<(), Error> {
        let (reply, answer) = oneshot::channel();
        let command = run::Command::Publish {
            topic: topic.to_owned(),
            content: content.to_owned(),
            session,
            reply,
        };
        let sent = tokio::time::timeout(self.timeout, async {
            self.commands
                .send(command)
                .await
                .map_err(|_| Error::Stopped)?;
            answer.await.map_err(|_| Error::Stopped)?
        })
        .await;
        sent.unwrap_or_else(|_| {
            Err(Error::Publish(format!(
                "not sent within the publish timeout ({:?})",
                self.timeout
            )))
        })
    }
}
