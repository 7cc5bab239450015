//! A blocking TOP client, for synchronous programs (feature `blocking`).
//!
//! [`Client`] wraps the async [`crate::Client`] and runs each call to completion on its own
//! current-thread tokio runtime: the same configuration ([`ClientBuilder`] has every option
//! of [`crate::ClientBuilder`]), the same retries, timeouts, limits and logs.
//!
//! ```no_run
//! # fn run<R: topgen_runtime::Request>(request: R) -> Result<(), topgen_runtime::Error> {
//! use topgen_runtime::CallOptions;
//! use topgen_runtime::blocking::Client;
//! let client = Client::builder("your-app-key", "your-app-secret").build()?;
//! let reply = client.execute_with(&request, &CallOptions::new().session("the-user-session"))?;
//! # Ok(()) }
//! ```
//!
//! **Do not call it from async code.** Blocking inside an async runtime stalls it (and tokio
//! forbids starting a runtime there), so a call made where a tokio runtime is current —
//! inside a task, `block_on`, or a `spawn_blocking` closure — returns
//! [`Error::InsideAsyncRuntime`] at once and sends nothing; use the async client there.
//! Other async runtimes cannot be detected: do not call it from them either.
//!
//! The client is `Send + Sync`; calls from several threads at once share the one runtime
//! and take turns driving its IO, which is fine for a few threads (use the async client for
//! many concurrent calls). Dropping it inside an async context is safe.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::batch::{BatchReplies, Handle, PartOptions, PreparedBatch};
use crate::error::Error;
use crate::format::Format;
use crate::prepare::PreparedRequest;
use crate::request::Request;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::sign::SignMethod;
use crate::transport::Transport;
use crate::{CallOptions, DateTime, ReplyMeta};

/// A blocking TOP client; see the [module docs](self). Cheap to clone.
#[derive(Clone)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<OwnedRuntime>,
}

/// The runtime, shut down without blocking when dropped inside an async context (where
/// dropping a runtime the usual way panics).
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            } else {
                drop(runtime);
            }
        }
    }
}

impl Client {
    /// Starts configuring a client for the app `app_key` with its secret.
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(app_key, app_secret),
        }
    }

    /// A blocking client making its calls with `client`.
    ///
    /// Fails with [`Error::Config`] if the runtime cannot be started.
    pub fn from_async(client: crate::Client) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::Config(format!("cannot start the blocking client's runtime: {e}"))
            })?;
        Ok(Client {
            client,
            runtime: Arc::new(OwnedRuntime(Some(runtime))),
        })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }

    /// The gateway URL calls are posted to.
    pub fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        self.client.app_key()
    }

    /// How calls are signed.
    pub fn sign_method(&self) -> SignMethod {
        self.client.sign_method()
    }

    /// Sends `request` with default options (no session); see
    /// [`crate::Client::execute`]. Inside an async runtime: [`Error::InsideAsyncRuntime`].
    pub fn execute<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.execute_with(request, &CallOptions::new())
    }

    /// Sends `request` with `options`; see [`crate::Client::execute_with`]. Inside an async
    /// runtime: [`Error::InsideAsyncRuntime`], and nothing is sent.
    pub fn execute_with<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        self.block_on(self.client.execute_with(request, options))?
    }

    /// Runs `future` on the client's runtime; [`Error::InsideAsyncRuntime`] inside an async
    /// runtime, without polling it.
    fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::InsideAsyncRuntime);
        }
        let Some(runtime) = &self.runtime.0 else {
            // Only `Drop` takes the runtime out.
            return Err(Error::Config(
                "the blocking client's runtime is gone".to_owned(),
            ));
        };
        Ok(runtime.block_on(future))
    }

    /// [`crate::Client::execute_with_meta`]: the reply with its [`ReplyMeta`]. Inside an
    /// async runtime: [`Error::InsideAsyncRuntime`].
    pub fn execute_with_meta<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<(R::Response, ReplyMeta), Error> {
        self.block_on(self.client.execute_with_meta(request, options))?
    }

    /// [`crate::Client::execute_raw`]: an API outside the catalog, its reply as JSON.
    /// Inside an async runtime: [`Error::InsideAsyncRuntime`].
    pub fn execute_raw(
        &self,
        method: &str,
        params: &[(&str, &str)],
        options: &CallOptions,
    ) -> Result<serde_json::Value, Error> {
        self.block_on(self.client.execute_raw(method, params, options))?
    }

    /// [`crate::Client::execute_raw_with_meta`]. Inside an async runtime:
    /// [`Error::InsideAsyncRuntime`].
    pub fn execute_raw_with_meta(
        &self,
        method: &str,
        params: &[(&str, &str)],
        options: &CallOptions,
    ) -> Result<(serde_json::Value, ReplyMeta), Error> {
        self.block_on(self.client.execute_raw_with_meta(method, params, options))?
    }

    /// Starts a batch of calls sent as one HTTP request: [`crate::batch`], sent with
    /// [`Batch::send`].
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            batch: self.client.batch(),
            client: self,
        }
    }

    /// Encodes and signs `request` at `timestamp` without sending it; see
    /// [`crate::Client::prepare`].
    pub fn prepare<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        timestamp: &DateTime,
    ) -> Result<PreparedRequest, Error> {
        self.client.prepare(request, options, timestamp)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.client)
            .finish()
    }
}

/// Configures a blocking [`Client`]: the options of [`crate::ClientBuilder`].
///
/// `Debug` redacts the secret.
#[derive(Debug)]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, $($arg: $ty),*) -> Self {
                ClientBuilder { inner: self.inner.$name($($arg),*) }
            }
        )*
    };
}

impl ClientBuilder {
    delegate! {
        /// See [`crate::ClientBuilder::endpoint`].
        endpoint(url: impl Into<String>);
        /// See [`crate::ClientBuilder::sign_method`].
        sign_method(m: SignMethod);
        /// See [`crate::ClientBuilder::format`].
        format(format: Format);
        /// See [`crate::ClientBuilder::connect_timeout`].
        connect_timeout(d: Duration);
        /// See [`crate::ClientBuilder::timeout`].
        timeout(d: Duration);
        /// See [`crate::ClientBuilder::max_body_size`].
        max_body_size(bytes: usize);
        /// See [`crate::ClientBuilder::retry`].
        retry(policy: RetryPolicy);
        /// See [`crate::ClientBuilder::rate_limit`].
        rate_limit(limit: crate::limits::RateLimit);
        /// See [`crate::ClientBuilder::partner_id`].
        partner_id(s: impl Into<String>);
        /// See [`crate::ClientBuilder::target_app_key`].
        target_app_key(s: impl Into<String>);
        /// See [`crate::ClientBuilder::http_client`].
        http_client(c: reqwest::Client);
        /// See [`crate::ClientBuilder::transport`].
        transport(transport: impl Transport);
        /// See [`crate::ClientBuilder::clock`].
        clock(clock: impl Fn() -> DateTime + Send + Sync + 'static);
    }

    /// Validates the configuration, builds the async client and starts the runtime.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_async(self.inner.build()?)
    }
}

impl From<crate::ClientBuilder> for ClientBuilder {
    fn from(inner: crate::ClientBuilder) -> Self {
        ClientBuilder { inner }
    }
}

/// A batch of the blocking client: [`crate::batch::Batch`], sent by blocking.
///
/// `Debug` shows the calls' APIs only.
#[derive(Debug)]
pub struct Batch<'c> {
    batch: crate::batch::Batch<'c>,
    client: &'c Client,
}

impl Batch<'_> {
    /// The batch's options; see [`crate::batch::Batch::options`].
    pub fn options(mut self, options: CallOptions) -> Self {
        self.batch = self.batch.options(options);
        self
    }

    /// A custom separator; see [`crate::batch::Batch::separator`].
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.batch = self.batch.separator(separator);
        self
    }

    /// How many calls the batch has.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether the batch has no call yet.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Adds `request`; see [`crate::batch::Batch::add`].
    pub fn add<R: Request>(&mut self, request: &R) -> Result<Handle<R>, Error> {
        self.batch.add(request)
    }

    /// Adds `request` with its own options; see [`crate::batch::Batch::add_with`].
    pub fn add_with<R: Request>(
        &mut self,
        request: &R,
        options: PartOptions,
    ) -> Result<Handle<R>, Error> {
        self.batch.add_with(request, options)
    }

    /// Encodes and signs the batch without sending it; see
    /// [`crate::batch::Batch::prepare`].
    pub fn prepare(&self, timestamp: &DateTime) -> Result<PreparedBatch, Error> {
        self.batch.prepare(timestamp)
    }

    /// Sends the batch; see [`crate::batch::Batch::send`]. Inside an async runtime:
    /// [`Error::InsideAsyncRuntime`], and nothing is sent.
    pub fn send(self) -> Result<BatchReplies, Error> {
        self.client.block_on(self.batch.send())?
    }

    /// Sends the batch; see [`crate::batch::Batch::send_with_meta`].
    pub fn send_with_meta(self) -> Result<(BatchReplies, ReplyMeta), Error> {
        self.client.block_on(self.batch.send_with_meta())?
    }
}
