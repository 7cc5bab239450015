//! The consumer's task: connections one after another, the handlers' tasks, the
//! confirmations, the shutdown.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use topgen_runtime::{RetryPolicy, Secret};
use tracing::Instrument;

use super::connection::{self, Failure, Socket};
use super::dedup::{Dedup, Seen};
use super::handlers::{HandlerResult, Handlers, Unhandled, failed_text};
use super::received::{Received, Unreadable};
use super::{Config, Counters, ShutdownReport};
use crate::error::Error;
use crate::frame::{self, Value};
use crate::message::{Content, Data, Message};

/// What a [`Publisher`](super::Publisher) asks the task to do.
pub(crate) enum Command {
    Publish {
        topic: String,
        content: String,
        session: Option<Secret>,
        reply: oneshot::Sender<Result<(), Error>>,
    },
}

/// How a connection ended.
enum End {
    /// The shutdown is complete.
    Done,
    /// Lost: open another.
    Lost(String),
}

pub(crate) struct Runner {
    config: Arc<Config>,
    handlers: Arc<Handlers>,
    stats: Arc<Counters>,
    commands: mpsc::Receiver<Command>,
    shutdown: watch::Receiver<Option<Duration>>,
    connected: watch::Sender<bool>,
    /// Received, not yet handed to a handler.
    queue: VecDeque<Received>,
    tasks: JoinSet<(i64, HandlerResult)>,
    /// The message id of each running handler's task (a panicked task returns none).
    running: HashMap<tokio::task::Id, i64>,
    /// Confirm and Failed not yet written to a connection.
    acks: VecDeque<Message>,
    dedup: Option<Dedup>,
    /// The shutdown's deadline, once it began.
    draining: Option<Instant>,
    report: ShutdownReport,
}

impl Runner {
    pub(crate) fn new(
        config: Arc<Config>,
        handlers: Arc<Handlers>,
        stats: Arc<Counters>,
        commands: mpsc::Receiver<Command>,
        shutdown: watch::Receiver<Option<Duration>>,
        connected: watch::Sender<bool>,
    ) -> Runner {
        let dedup = config
            .dedup
            .map(|(window, capacity)| Dedup::new(window, capacity));
        Runner {
            config,
            handlers,
            stats,
            commands,
            shutdown,
            connected,
            queue: VecDeque::new(),
            tasks: JoinSet::new(),
            running: HashMap::new(),
            acks: VecDeque::new(),
            dedup,
            draining: None,
            report: ShutdownReport::default(),
        }
    }

    /// Connects, handles, reconnects, until the shutdown completes or TOP refuses the CONNECT.
    pub(crate) async fn run(mut self) -> Result<ShutdownReport, Error> {
        let mut attempt = 0u32;
        loop {
            if self.drain_complete() || self.deadline_passed() {
                return Ok(self.finish());
            }
            let config = self.config.clone();
            let opened = self.while_disconnected(connection::open(&config)).await;
            match opened {
                None => continue,
                Some(Ok((socket, token))) => {
                    attempt = 0;
                    Counters::add(&self.stats.connections);
                    tracing::info!(group = %self.config.group, "tmc: connected");
                    let _ = self.connected.send(true);
                    let end = self.connection(socket, &token).await;
                    let _ = self.connected.send(false);
                    match end {
                        End::Done => return Ok(self.finish()),
                        End::Lost(why) => {
                            Counters::add(&self.stats.disconnects);
                            tracing::warn!(reason = %why, "tmc: connection lost");
                        }
                    }
                }
                Some(Err(Failure::Refused { status, phrase })) => {
                    tracing::error!(status, phrase = %phrase, "tmc: CONNECT refused");
                    self.tasks.abort_all();
                    return Err(Error::Refused { status, phrase });
                }
                Some(Err(Failure::Lost(why))) => {
                    tracing::warn!(reason = %why, attempt, "tmc: connect failed");
                }
            }
            attempt = attempt.saturating_add(1);
            let delay = self.backoff(attempt);
            self.while_disconnected(tokio::time::sleep(delay)).await;
        }
    }

    /// `base × 2^(attempt−1)` capped at `max` (the runtime's [`RetryPolicy::backoff`]), less
    /// up to half at random.
    fn backoff(&self, attempt: u32) -> Duration {
        let policy = RetryPolicy::default()
            .with_base_delay(self.config.reconnect_base)
            .with_max_delay(self.config.reconnect_max);
        policy
            .backoff(attempt)
            .mul_f64(1.0 - 0.5 * topgen_runtime::__private::retry::jitter_sample())
    }

    /// Runs `future` while no connection is up: handlers keep running and finishing, the
    /// shutdown is watched. `None` if the shutdown began or its deadline passed meanwhile.
    async fn while_disconnected<F: Future>(&mut self, future: F) -> Option<F::Output> {
        tokio::pin!(future);
        loop {
            self.dispatch();
            if self.draining.is_some() && (self.drain_complete() || self.deadline_passed()) {
                return None;
            }
            let deadline = self.draining;
            tokio::select! {
                biased;
                changed = self.shutdown.changed() => {
                    if self.begin_drain(changed.is_err()) {
                        return None;
                    }
                }
                Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.finished(done);
                }
                () = sleep_until_opt(deadline) => return None,
                out = &mut future => return Some(out),
            }
        }
    }

    /// One signed-in connection, until it is lost or the shutdown completes.
    async fn connection(&mut self, mut socket: Socket, token: &str) -> End {
        let config = self.config.clone();
        let mut pull = tokio::time::interval(config.pull_interval);
        pull.set_missed_tick_behavior(MissedTickBehavior::Delay);
        pull.tick().await; // the first tick is now: the pull below covers it
        let mut heartbeat = tokio::time::interval_at(
            Instant::now() + config.heartbeat_interval,
            config.heartbeat_interval,
        );
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut pull_due = true;
        let mut answered = false;
        let mut last_frame = Instant::now();
        loop {
            self.dispatch();
            if let Err(e) = self.send_acks(&mut socket, token).await {
                return End::Lost(e);
            }
            if self.draining.is_some() && (self.drain_complete() || self.deadline_passed()) {
                let _ = socket.close(None).await;
                return End::Done;
            }
            // Pull on the timer when a handler is free, and as soon as the last pull's
            // messages are handed out and at least half of the handlers are free (a batch
            // handled; with one handler: when it is idle).
            let free = config.max_concurrency - self.tasks.len().min(config.max_concurrency);
            let due = (pull_due && free > 0) || (answered && free * 2 >= config.max_concurrency);
            if self.draining.is_none() && self.queue.is_empty() && due {
                let frame = Message::PullRequest.to_frame(token).encode();
                if let Err(e) = socket.send(WsMessage::binary(frame)).await {
                    return End::Lost(format!("sending PullRequest: {e}"));
                }
                pull_due = false;
                answered = false;
                pull.reset();
            }
            let reading = self.queue.len() < config.prefetch;
            if !reading {
                last_frame = Instant::now();
            }
            let deadline = self.draining;
            tokio::select! {
                biased;
                changed = self.shutdown.changed() => {
                    self.begin_drain(changed.is_err());
                }
                Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.finished(done);
                }
                message = socket.next(), if reading => {
                    last_frame = Instant::now();
                    let mut message = Some(message);
                    // Then the frames that arrived with it (the rest of a pushed batch), so
                    // that the next pull waits for the batch.
                    while let Some(next) = message {
                        match self.on_socket(next) {
                            Err(lost) => return End::Lost(lost),
                            Ok(data) => answered |= data,
                        }
                        message = if self.queue.len() < config.prefetch {
                            socket.next().now_or_never()
                        } else {
                            None
                        };
                    }
                }
                _ = pull.tick() => pull_due = true,
                _ = heartbeat.tick() => {
                    if let Err(e) = socket.send(WsMessage::Ping(Default::default())).await {
                        return End::Lost(format!("sending a ping: {e}"));
                    }
                }
                () = tokio::time::sleep_until(last_frame + config.dead_after), if reading => {
                    return End::Lost(format!("nothing received for {:?}", config.dead_after));
                }
                () = sleep_until_opt(deadline) => {}
                Some(command) = self.commands.recv(), if self.draining.is_none() => {
                    if let Err(e) = self.publish(&mut socket, token, command).await {
                        return End::Lost(e);
                    }
                }
            }
        }
    }

    /// What the socket gave: whether it was a Data message, or why the connection is lost.
    fn on_socket(
        &mut self,
        message: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<bool, String> {
        match message {
            None => Err("the server closed the connection".into()),
            Some(Err(e)) => Err(format!("reading: {e}")),
            Some(Ok(WsMessage::Binary(bytes))) => Ok(self.on_frame(&bytes)),
            Some(Ok(WsMessage::Close(_))) => Err("the server closed the connection".into()),
            Some(Ok(WsMessage::Text(_))) => {
                Counters::add(&self.stats.garbage_frames);
                tracing::warn!("tmc: a text message, skipped");
                Ok(false)
            }
            Some(Ok(_)) => Ok(false), // pings (answered by tungstenite), pongs
        }
    }

    /// Reads a frame from the server; whether it was a Data message.
    fn on_frame(&mut self, bytes: &[u8]) -> bool {
        let message = frame::decode(bytes)
            .map_err(|e| e.to_string())
            .and_then(|f| Message::read(&f).map_err(|e| e.to_string()));
        let data = match message {
            Ok(Message::Data(data)) => data,
            Ok(other) => {
                Counters::add(&self.stats.garbage_frames);
                tracing::warn!(kind = ?other.kind(), "tmc: an unexpected message from the server, skipped");
                return false;
            }
            Err(why) => {
                Counters::add(&self.stats.garbage_frames);
                tracing::warn!(error = %why, "tmc: a frame that does not decode, skipped");
                return false;
            }
        };
        Counters::add(&self.stats.received);
        match Received::from_data(data, self.config.max_content_size) {
            Ok(received) => self.arrive(received),
            Err(Unreadable::NoId) => {
                Counters::add(&self.stats.unreadable);
                tracing::warn!("tmc: a Data message without an id, skipped");
            }
            Err(Unreadable::Content(id, why)) => {
                Counters::add(&self.stats.unreadable);
                tracing::warn!(id, error = %why, "tmc: an unreadable content");
                self.fail(id, why);
            }
        }
        true
    }

    /// A message arrived: de-duplicated if asked, then queued for a handler.
    fn arrive(&mut self, message: Received) {
        if let Some(dedup) = &mut self.dedup {
            match dedup.arrive(message.id, std::time::Instant::now()) {
                Seen::New => {}
                Seen::Running => {
                    Counters::add(&self.stats.duplicates);
                    return;
                }
                Seen::Confirmed => {
                    Counters::add(&self.stats.duplicates);
                    self.confirm(message.id);
                    return;
                }
            }
        }
        if self.draining.is_some() {
            self.report.released += 1;
            self.fail(message.id, "the consumer is shutting down".into());
            return;
        }
        self.queue.push_back(message);
    }

    /// Hands queued messages to handlers while fewer than `max_concurrency` run.
    fn dispatch(&mut self) {
        while self.tasks.len() < self.config.max_concurrency {
            let Some(message) = self.queue.pop_front() else {
                return;
            };
            let Some(handler) = self.handlers.find(&message.topic).cloned() else {
                Counters::add(&self.stats.unhandled);
                tracing::warn!(id = message.id, topic = %message.topic, "tmc: no handler for the topic");
                match self.config.unhandled {
                    Unhandled::Confirm => self.confirm(message.id),
                    Unhandled::Fail => {
                        let why = format!("no handler for topic {}", message.topic);
                        self.finish_dedup(message.id, false);
                        self.fail(message.id, why);
                    }
                }
                continue;
            };
            let id = message.id;
            let span = tracing::info_span!("tmc.message", id, topic = %message.topic);
            let handled = async move {
                let result = handler(message).await;
                match &result {
                    Ok(()) => tracing::debug!("tmc: handled"),
                    Err(e) => tracing::warn!(error = %e, "tmc: the handler failed"),
                }
                (id, result)
            };
            let task = self.tasks.spawn(handled.instrument(span));
            self.running.insert(task.id(), id);
        }
    }

    /// A handler's task ended: its Confirm or Failed is queued.
    fn finished(&mut self, done: Result<(tokio::task::Id, (i64, HandlerResult)), JoinError>) {
        if self.draining.is_some() {
            self.report.finished += 1;
        }
        match done {
            Ok((task, (id, result))) => {
                self.running.remove(&task);
                match result {
                    Ok(()) => {
                        self.finish_dedup(id, true);
                        self.confirm(id);
                    }
                    Err(e) => {
                        self.finish_dedup(id, false);
                        self.fail(id, e.to_string());
                    }
                }
            }
            Err(e) => {
                let Some(id) = self.running.remove(&e.id()) else {
                    return;
                };
                if e.is_panic() {
                    Counters::add(&self.stats.panicked);
                    tracing::error!(id, "tmc: the handler panicked");
                }
                self.finish_dedup(id, false);
                self.fail(id, "the handler panicked".into());
            }
        }
    }

    fn finish_dedup(&mut self, id: i64, confirmed: bool) {
        if let Some(dedup) = &mut self.dedup {
            dedup.finish(id, confirmed, std::time::Instant::now());
        }
    }

    fn confirm(&mut self, id: i64) {
        self.acks.push_back(Message::Confirm { id });
    }

    fn fail(&mut self, id: i64, why: String) {
        self.acks.push_back(Message::Failed {
            id,
            msg: failed_text(&why),
        });
    }

    /// Writes the queued Confirm and Failed frames, then flushes; they leave the queue once
    /// flushed (a resend after a failed flush is harmless: TOP drops what it dropped).
    async fn send_acks(&mut self, socket: &mut Socket, token: &str) -> Result<(), String> {
        if self.acks.is_empty() {
            return Ok(());
        }
        for ack in &self.acks {
            socket
                .feed(WsMessage::binary(ack.to_frame(token).encode()))
                .await
                .map_err(|e| format!("sending Confirm/Failed: {e}"))?;
        }
        socket
            .flush()
            .await
            .map_err(|e| format!("sending Confirm/Failed: {e}"))?;
        for ack in self.acks.drain(..) {
            match ack {
                Message::Confirm { .. } => Counters::add(&self.stats.confirmed),
                _ => Counters::add(&self.stats.failed),
            }
        }
        Ok(())
    }

    async fn publish(
        &mut self,
        socket: &mut Socket,
        token: &str,
        command: Command,
    ) -> Result<(), String> {
        let Command::Publish {
            topic,
            content,
            session,
            reply,
        } = command;
        if reply.is_closed() {
            return Ok(()); // the publisher gave up waiting: not sent
        }
        let data = Data {
            topic: Some(topic),
            content: Some(Content::Text(content)),
            ..Data::default()
        };
        let mut frame = Message::Data(data).to_frame(token);
        if let Some(session) = &session {
            frame.set(
                "session",
                Value::CountedString(session.expose_secret().to_owned()),
            );
        }
        match socket.send(WsMessage::binary(frame.encode())).await {
            Ok(()) => {
                Counters::add(&self.stats.published);
                let _ = reply.send(Ok(()));
                Ok(())
            }
            Err(e) => {
                let why = format!("sending the message: {e}");
                let _ = reply.send(Err(Error::Publish(why.clone())));
                Err(why)
            }
        }
    }

    /// The shutdown began (or `Running` was dropped: `closed`). Whether to stop waiting for
    /// a connection.
    fn begin_drain(&mut self, closed: bool) -> bool {
        if self.draining.is_some() {
            return false;
        }
        let deadline = if closed {
            self.config.shutdown_deadline
        } else {
            self.shutdown
                .borrow()
                .unwrap_or(self.config.shutdown_deadline)
        };
        tracing::info!(?deadline, "tmc: shutting down");
        self.draining = Some(Instant::now() + deadline);
        for message in std::mem::take(&mut self.queue) {
            self.report.released += 1;
            self.finish_dedup(message.id, false);
            self.fail(message.id, "the consumer is shutting down".into());
        }
        true
    }

    fn drain_complete(&self) -> bool {
        self.draining.is_some() && self.tasks.is_empty() && self.acks.is_empty()
    }

    fn deadline_passed(&self) -> bool {
        self.draining.is_some_and(|d| Instant::now() >= d)
    }

    /// Ends the consumer: handlers still running are stopped, unsent confirmations counted.
    fn finish(&mut self) -> ShutdownReport {
        self.report.aborted = self.tasks.len();
        self.tasks.abort_all();
        self.report.unsent = self.acks.len();
        self.report.stats = self.stats.snapshot();
        tracing::info!(report = ?self.report, "tmc: stopped");
        self.report
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
