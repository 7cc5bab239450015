//! The consumer for synchronous programs (feature `blocking`): plain-function handlers, run
//! on a thread pool, by the same consumer as the async one.
//!
//! ```no_run
//! use std::time::Duration;
//! use topgen_tmc::blocking;
//!
//! # fn run() -> Result<(), topgen_tmc::Error> {
//! let running = blocking::Consumer::new(topgen_tmc::Consumer::builder("12345678", "app secret"))
//!     .on_topic("taobao_trade_TradeCreate", |message| {
//!         println!("order created: {}", message.content);
//!         Ok(())
//!     })
//!     .start()?;
//! // … until the program should stop:
//! let report = running.shutdown(Duration::from_secs(10))?;
//! # Ok(()) }
//! ```
//!
//! Settings (endpoint, group, timings, limits, de-duplication) are those of the
//! [`ConsumerBuilder`](crate::ConsumerBuilder) it starts from; its async handlers, if any,
//! stay registered. Each blocking handler runs on tokio's blocking thread pool, at most
//! `max_concurrency` at once, and the consumer itself on one runtime thread of its own.
//! Calls made inside an async runtime return [`Error::InsideAsyncRuntime`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::consumer::{self, HandlerError, HandlerResult, Received, ShutdownReport, Stats};
use crate::error::Error;
use crate::topic::Topic;

/// Builds a blocking consumer: a [`ConsumerBuilder`](crate::ConsumerBuilder)'s settings and
/// plain-function handlers.
pub struct Consumer {
    builder: consumer::ConsumerBuilder,
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Consumer").field(&self.builder).finish()
    }
}

/// Runs a blocking handler on the blocking pool; its panic stays a panic of the handler's
/// task (the consumer counts it and sends Failed).
async fn off_thread<F>(f: Arc<F>, message: Received) -> HandlerResult
where
    F: Fn(Received) -> HandlerResult + Send + Sync + 'static,
{
    match tokio::task::spawn_blocking(move || f(message)).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(HandlerError::new("the handler was cancelled")),
    }
}

impl Consumer {
    /// A blocking consumer with these settings.
    pub fn new(builder: consumer::ConsumerBuilder) -> Consumer {
        Consumer { builder }
    }

    /// Handles the messages of `topic`; see
    /// [`ConsumerBuilder::on_topic`](crate::ConsumerBuilder::on_topic).
    pub fn on_topic<F>(mut self, topic: impl Into<String>, f: F) -> Self
    where
        F: Fn(Received) -> HandlerResult + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.builder = self
            .builder
            .on_topic(topic, move |m| off_thread(f.clone(), m));
        self
    }

    /// Handles a group of topics; see
    /// [`ConsumerBuilder::on_group`](crate::ConsumerBuilder::on_group).
    pub fn on_group<F>(mut self, prefix: impl Into<String>, f: F) -> Self
    where
        F: Fn(Received) -> HandlerResult + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.builder = self
            .builder
            .on_group(prefix, move |m| off_thread(f.clone(), m));
        self
    }

    /// Handles what no other handler takes; see
    /// [`ConsumerBuilder::on_any`](crate::ConsumerBuilder::on_any).
    pub fn on_any<F>(mut self, f: F) -> Self
    where
        F: Fn(Received) -> HandlerResult + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.builder = self.builder.on_any(move |m| off_thread(f.clone(), m));
        self
    }

    /// Handles topic `T` with its content decoded; see
    /// [`ConsumerBuilder::on`](crate::ConsumerBuilder::on).
    pub fn on<T, F>(mut self, f: F) -> Self
    where
        T: Topic,
        F: Fn(Received, T) -> HandlerResult + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.builder = self.builder.on::<T, _, _>(move |message, content| {
            let f = f.clone();
            async move {
                match tokio::task::spawn_blocking(move || f(message, content)).await {
                    Ok(result) => result,
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(_) => Err(HandlerError::new("the handler was cancelled")),
                }
            }
        });
        self
    }

    /// Checks the settings ([`ConsumerBuilder::build`](crate::ConsumerBuilder::build)) and
    /// starts the consumer on a runtime of its own.
    pub fn start(self) -> Result<Running, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InsideAsyncRuntime);
        }
        let consumer = self.builder.build()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("topgen-tmc")
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("starting the consumer's runtime: {e}")))?;
        let running = {
            let _entered = runtime.enter();
            consumer.spawn()
        };
        Ok(Running {
            running: Some(running),
            runtime: Some(runtime),
        })
    }
}

/// A running blocking consumer; dropping it shuts it down with the default deadline and
/// waits for that.
pub struct Running {
    running: Option<consumer::Running>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Running").field(&self.running).finish()
    }
}

impl Running {
    fn parts(&self) -> (&consumer::Running, &tokio::runtime::Runtime) {
        match (&self.running, &self.runtime) {
            (Some(running), Some(runtime)) => (running, runtime),
            _ => unreachable!("taken only by shutdown and drop"),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.parts().0.stats()
    }

    /// Whether a connection is signed in now.
    pub fn is_connected(&self) -> bool {
        self.parts().0.is_connected()
    }

    /// Waits until a connection is signed in, at most `timeout`; whether it is.
    pub fn wait_connected(&self, timeout: Duration) -> Result<bool, Error> {
        let (running, runtime) = self.parts();
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InsideAsyncRuntime);
        }
        Ok(runtime.block_on(running.wait_connected(timeout)))
    }

    /// Publishes `content` on `topic`; see
    /// [`Publisher::publish`](crate::Publisher::publish).
    pub fn publish(&self, topic: &str, content: &str) -> Result<(), Error> {
        let (running, runtime) = self.parts();
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InsideAsyncRuntime);
        }
        let publisher = running.publisher();
        runtime.block_on(publisher.publish(topic, content))
    }

    /// Shuts down; see [`Running::shutdown`](crate::Running::shutdown).
    pub fn shutdown(mut self, deadline: Duration) -> Result<ShutdownReport, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InsideAsyncRuntime);
        }
        let running = self.running.take().ok_or(Error::Stopped)?;
        let runtime = self.runtime.take().ok_or(Error::Stopped)?;
        runtime.block_on(running.shutdown(deadline))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let (Some(running), Some(runtime)) = (self.running.take(), self.runtime.take()) else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Blocking here would stall the caller's runtime: the shutdown goes on in the
            // background, on the consumer's own thread, for as long as the runtime lives.
            drop(running);
            runtime.shutdown_background();
        } else {
            let _ = runtime.block_on(running.wait_after_drop());
        }
    }
}
