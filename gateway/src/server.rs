//! The server: [`Gateway`] and its [`GatewayBuilder`].

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

use crate::api::Api;
use crate::check::{Config, DEFAULT_MAX_SKEW, Hidden, PATH};
use crate::control;
use crate::fault::{Fault, TopErrorReply};
use crate::quota::{Quota, Quotas};
use crate::record::Recorded;
use crate::session::{self, Sessions};
use crate::wire::{self, MAX_HEAD, Watched};

mod answer;

#[cfg(test)]
use answer::accepts_gzip;
pub(crate) use answer::gzip_bytes;

/// [`Fault::Oversize`] pads a body to at most this many bytes.
pub(crate) const MAX_OVERSIZE: usize = 256 << 20;

/// A connection may wait this long for its next request (longer than HTTP clients keep idle
/// pooled connections, so that the client, not the gateway, closes them).
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// How many requests a gateway keeps in its record by default
/// ([`GatewayBuilder::record_capacity`]).
pub const DEFAULT_RECORD_CAPACITY: usize = 1_000;

/// Builds a [`Gateway`]; see the [crate docs](crate).
#[derive(Debug, Clone)]
pub struct GatewayBuilder {
    config: Config,
    faults: Faults,
    record_capacity: usize,
    quotas: Vec<Quota>,
    sessions: session::Settings,
    port: u16,
    listen: IpAddr,
    control_token: Option<String>,
    tmc: Option<crate::tmc::TmcLink>,
    log_requests: bool,
    print_warnings: bool,
}

impl GatewayBuilder {
    /// Adds an app: its `app_key` and the secret its requests are signed with.
    pub fn app(mut self, app_key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config
            .apps
            .insert(app_key.into(), Hidden(secret.into()));
        self
    }

    /// Adds an API (replacing a previous one of the same method).
    pub fn api(mut self, api: Api) -> Self {
        self.config.apis.insert(api.method().to_owned(), api);
        self
    }

    /// Adds a valid user session. Once any is declared, a request carrying another `session`
    /// gets error 27; without any, every non-empty session is accepted.
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.config.sessions.push(Hidden(session.into()));
        self
    }

    /// Adds a valid user session that expires `after` the gateway starts: from then on a
    /// request carrying it gets error 27 (`invalid-sessionkey`, "the session expired").
    /// `Duration::ZERO` declares an expired session.
    pub fn session_expiring(mut self, session: impl Into<String>, after: Duration) -> Self {
        let session = session.into();
        self.config.sessions.push(Hidden(session.clone()));
        self.sessions.expiring.push((session, after));
        self
    }

    /// Enforces a call quota (see [`Quota`]): a call over it gets TOP's code 7 with
    /// `This ban will last for N more seconds`.
    pub fn quota(mut self, quota: Quota) -> Self {
        self.quotas.push(quota);
        self
    }

    /// Declares an authorization code that `taobao.top.auth.token.create` turns, once, into a
    /// session for the user `user_id` (`nick`). Serves the two token APIs (see
    /// [`GatewayBuilder::token_lifetimes`]).
    pub fn auth_code(
        mut self,
        code: impl Into<String>,
        user_id: impl Into<String>,
        nick: impl Into<String>,
    ) -> Self {
        self.sessions
            .codes
            .insert(code.into(), (user_id.into(), nick.into()));
        self
    }

    /// Serves the token APIs `taobao.top.auth.token.create` and `taobao.top.auth.token.refresh`,
    /// their sessions lasting `expires_in` and their refresh tokens `re_expires_in` (whole
    /// seconds in the reply; default a day and 30 days). Issued sessions are valid sessions
    /// until they expire or are refreshed (a refresh invalidates the old session and refresh
    /// token). Issued sessions count as declared ones ([`GatewayBuilder::session`]): once one
    /// is issued, a session the gateway does not know gets error 27.
    pub fn token_lifetimes(mut self, expires_in: Duration, re_expires_in: Duration) -> Self {
        self.sessions.lifetimes = Some((expires_in, re_expires_in));
        self
    }

    /// Fixes the gateway's clock, against which timestamps are checked (default: the real
    /// time). Lets a test replay a captured request.
    pub fn clock(mut self, now: DateTime<FixedOffset>) -> Self {
        self.config.clock = Some(now);
        self
    }

    /// The seed of the replies the gateway makes up from response schemas, for the APIs
    /// without a success example (default 0; see [`Api`]): the same request to a gateway of
    /// the same seed gets the same reply, another seed other values.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// How far a request's `timestamp` may be from the gateway's clock (default 10 minutes,
    /// like TOP).
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.config.max_skew = skew;
        self
    }

    /// Compresses every answer with gzip when the request's `Accept-Encoding` allows it, like
    /// TOP (default: off; [`Fault::Gzip`] does it for one answer).
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.config.gzip = gzip;
        self
    }

    /// How many requests the record keeps ([`Gateway::requests`]): the last `capacity`, the
    /// older ones forgotten as new ones arrive (default [`DEFAULT_RECORD_CAPACITY`], 1,000), so
    /// that a long-running gateway (a benchmark, a soak test) does not grow without bound.
    /// [`Gateway::request_count`] counts every request all the same. 0 records none.
    pub fn record_capacity(mut self, capacity: usize) -> Self {
        self.record_capacity = capacity;
        self
    }

    /// What the gateway warns about as configured so far, one sentence each, naming the API:
    /// an API without any success example (it answers requests that pass with an empty
    /// success, `{"<name>_response":{}}`). The gateway prints them to stderr when it starts;
    /// [`Gateway::warnings`] gives them afterwards.
    pub fn warnings(&self) -> Vec<String> {
        warnings(&self.config)
    }

    /// Queues a fault for the next request without one (see [`Fault`]).
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.queue.push_back(fault);
        self
    }

    /// Queues faults, one per request, in order.
    pub fn faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.faults.queue.extend(faults);
        self
    }

    /// The fault of every request once the queue is empty.
    pub fn default_fault(mut self, fault: Fault) -> Self {
        self.faults.default = Some(fault);
        self
    }

    fn shared(mut self) -> Arc<Shared> {
        if self.sessions.serves_tokens() {
            for api in session::Settings::apis() {
                self.config
                    .apis
                    .entry(api.method().to_owned())
                    .or_insert(api);
            }
        }
        Arc::new(Shared {
            quotas: Quotas::new(self.quotas),
            sessions: Mutex::new(Sessions::new(&self.sessions, Instant::now())),
            config: Mutex::new(Arc::new(self.config)),
            log: Mutex::new(Log {
                records: VecDeque::with_capacity(self.record_capacity.min(DEFAULT_RECORD_CAPACITY)),
                capacity: self.record_capacity,
                seen: 0,
            }),
            faults: Mutex::new(self.faults),
            part_errors: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
            log_requests: self.log_requests,
            control: control::Settings::new(self.control_token, self.listen),
            tmc: self.tmc,
            replaced: Mutex::new(BTreeMap::new()),
        })
    }

    /// The port to listen on, on `127.0.0.1` (default 0: any free port; [`Gateway::addr`]
    /// says which).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default `127.0.0.1`): `0.0.0.0` or another interface's, to
    /// be reached from other machines or containers. Bound beyond loopback, the control API
    /// ([`CONTROL_PATH`](crate::CONTROL_PATH), see the [crate docs](crate#control-api)) requires a token: the one of
    /// [`GatewayBuilder::control_token`], or else a random one ([`Gateway::control_token`]).
    pub fn listen(mut self, address: IpAddr) -> Self {
        self.listen = address;
        self
    }

    /// The token the control API requires (`Authorization: Bearer TOKEN`), on any address;
    /// without one, it requires none on loopback and a random one beyond.
    pub fn control_token(mut self, token: impl Into<String>) -> Self {
        self.control_token = Some(token.into());
        self
    }

    /// Lets the control API queue messages on this TMC endpoint and read what its consumers
    /// confirmed, failed and published (`/__gateway/tmc/…`).
    pub fn tmc(mut self, tmc: &crate::TmcGateway) -> Self {
        self.tmc = Some(tmc.link());
        self
    }

    /// Writes a line per request to stderr: the HTTP method and path, the API, the verdict
    /// (`ok`, or the rejection's code, sub code and why) and the fault applied (default: off;
    /// the `serve` program turns it on unless `--quiet`).
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Whether [`GatewayBuilder::spawn`] prints each of [`GatewayBuilder::warnings`] to stderr
    /// (default: yes; the `serve` program prints their count instead).
    pub fn print_warnings(mut self, print: bool) -> Self {
        self.print_warnings = print;
        self
    }

    /// Binds a free port on `127.0.0.1` and starts serving; for async tests
    /// (`#[tokio::test]`). The same as [`GatewayBuilder::spawn`]: the server runs on a thread
    /// of its own, with its own tokio runtime and the real clock, so it neither needs nor
    /// disturbs the caller's runtime (a paused test clock, a blocked thread).
    pub async fn start(self) -> io::Result<Gateway> {
        self.spawn()
    }

    /// Binds a free port on `127.0.0.1` and serves from a thread of its own, with its own
    /// tokio runtime: for plain `#[test]`s, blocking clients and async tests alike. Dropping
    /// the [`Gateway`] stops the server and joins the thread.
    pub fn spawn(self) -> io::Result<Gateway> {
        if self.print_warnings {
            for warning in self.warnings() {
                eprintln!("topgen-gateway: warning: {warning}");
            }
        }
        let listener = std::net::TcpListener::bind((self.listen, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let shared = self.shared();
        let (tx, rx) = oneshot::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("topgen-gateway {addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    // Only fails outside a runtime with I/O, and this is inside one.
                    if let Ok(listener) = TcpListener::from_std(listener) {
                        serve(listener, serving, rx).await;
                    }
                });
            })?;
        Ok(Gateway {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

/// The fault queue, the queues of single APIs and the default fault.
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults {
    pub queue: VecDeque<Fault>,
    /// By method: taken by that API's requests before the common queue.
    pub by_api: BTreeMap<String, VecDeque<Fault>>,
    pub default: Option<Fault>,
}

impl Faults {
    /// The fault of the next request for `method` (`None` for a batch): that API's next one,
    /// or else the common queue's next one, or else the default.
    fn take(&mut self, method: Option<&str>) -> Option<Fault> {
        if let Some(method) = method
            && let Some(queue) = self.by_api.get_mut(method)
            && let Some(fault) = queue.pop_front()
        {
            if queue.is_empty() {
                self.by_api.remove(method);
            }
            return Some(fault);
        }
        self.queue.pop_front().or_else(|| self.default.clone())
    }

    /// How many queued faults wait, in the common queue and the queues of single APIs.
    pub fn pending(&self) -> usize {
        self.queue.len() + self.by_api.values().map(VecDeque::len).sum::<usize>()
    }
}

/// The warnings of a configuration: the APIs without a success example.
fn warnings(config: &Config) -> Vec<String> {
    config.apis.values().filter_map(Api::warning).collect()
}

/// The record: the last `capacity` requests, and how many were seen.
pub(crate) struct Log {
    pub records: VecDeque<Recorded>,
    pub capacity: usize,
    pub seen: usize,
}

/// State shared between the [`Gateway`] handle and the server task.
pub(crate) struct Shared {
    /// Read by every request (an `Arc` clone); changed by copy-on-write ([`Arc::make_mut`]).
    pub config: Mutex<Arc<Config>>,
    quotas: Quotas,
    sessions: Mutex<Sessions>,
    pub log: Mutex<Log>,
    pub faults: Mutex<Faults>,
    /// Errors the calls of the next batch answer, by index.
    part_errors: Mutex<Vec<(usize, TopErrorReply)>>,
    counter: AtomicU64,
    /// [`GatewayBuilder::log_requests`].
    log_requests: bool,
    /// Who may use the control API.
    pub control: control::Settings,
    /// [`GatewayBuilder::tmc`]: the TMC endpoint's URL and state.
    pub tmc: Option<crate::tmc::TmcLink>,
    /// The APIs whose reply the control API replaced, as they were before.
    pub replaced: Mutex<BTreeMap<String, Api>>,
}

/// Locks a mutex, recovering the data if a holder panicked (the data stays consistent: every
/// critical section is a single push, pop or replace).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running local TOP gateway; stops serving when dropped (and waits for its thread, a few
/// milliseconds). See the [crate docs](crate).
///
/// `Debug` shows the endpoint, the app keys and the APIs, never an app secret or a session.
pub struct Gateway {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("endpoint", &self.endpoint())
            .field("config", &*lock(&self.shared.config))
            .field("faults", &*lock(&self.shared.faults))
            .finish()
    }
}

impl Gateway {
    /// A gateway with no apps and no APIs; add them with the builder's methods.
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder {
            config: Config {
                apps: BTreeMap::new(),
                apis: BTreeMap::new(),
                sessions: Vec::new(),
                clock: None,
                max_skew: DEFAULT_MAX_SKEW,
                gzip: false,
                seed: 0,
            },
            faults: Faults::default(),
            record_capacity: DEFAULT_RECORD_CAPACITY,
            quotas: Vec::new(),
            sessions: session::Settings::default(),
            port: 0,
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            control_token: None,
            tmc: None,
            log_requests: false,
            print_warnings: true,
        }
    }

    /// The URL to give a TOP client: `http://127.0.0.1:PORT/router/rest`.
    pub fn endpoint(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }

    /// The address the gateway listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token the control API requires (`Authorization: Bearer TOKEN`), if it requires
    /// one: [`GatewayBuilder::control_token`]'s, or the random one of a gateway bound beyond
    /// loopback ([`GatewayBuilder::listen`]).
    pub fn control_token(&self) -> Option<&str> {
        self.shared.control.token()
    }

    /// The requests received so far, oldest first: every one, or the last
    /// [`GatewayBuilder::record_capacity`] (1,000 by default) when more arrived.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).records.iter().cloned().collect()
    }

    /// How many requests were received so far (since the last [`Gateway::clear_requests`]),
    /// exactly, including those the record no longer holds.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.log).seen
    }

    /// How many requests the record keeps ([`GatewayBuilder::record_capacity`]).
    pub fn record_capacity(&self) -> usize {
        lock(&self.shared.log).capacity
    }

    /// Forgets the requests received so far, and resets [`Gateway::request_count`].
    pub fn clear_requests(&self) {
        let mut log = lock(&self.shared.log);
        log.records.clear();
        log.seen = 0;
    }

    /// What the gateway warns about, for the APIs it serves now (those added while running
    /// included); see [`GatewayBuilder::warnings`].
    pub fn warnings(&self) -> Vec<String> {
        warnings(&lock(&self.shared.config))
    }

    /// Adds an API while running, or replaces the one of the same method (e.g. to change its
    /// reply between two calls); a warning about it ([`Gateway::warnings`]) is printed to
    /// stderr.
    pub fn api(&self, api: Api) {
        if let Some(warning) = api.warning() {
            eprintln!("topgen-gateway: warning: {warning}");
        }
        Arc::make_mut(&mut lock(&self.shared.config))
            .apis
            .insert(api.method().to_owned(), api);
    }

    /// Makes call `index` (from 0) of the next batch call (`/router/batch`) answer `error`
    /// instead of its API's reply, if it passes its checks; the batch's other calls answer as
    /// usual. Several may be pushed, for several calls of that batch; the next batch takes
    /// them all. A [`Fault`] applies to a batch as a whole.
    pub fn push_part_error(&self, index: usize, error: TopErrorReply) {
        lock(&self.shared.part_errors).push((index, error));
    }

    /// Queues a fault for the next request without one (see [`Fault`]).
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.shared.faults).queue.push_back(fault);
    }

    /// Queues faults, one per request, in order
    /// (`push_faults(std::iter::repeat_n(Fault::isp_error(), 2))`).
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.shared.faults).queue.extend(faults);
    }

    /// Sets (or, with `None`, removes) the fault of every request once the queue is empty.
    pub fn set_default_fault(&self, fault: Option<Fault>) {
        lock(&self.shared.faults).default = fault;
    }

    /// Empties the fault queue and removes the default fault.
    pub fn clear_faults(&self) {
        *lock(&self.shared.faults) = Faults::default();
    }

    /// Queues a fault for the next request of the API `method` without one: its requests
    /// take their API's queued faults before the common queue's ([`Gateway::push_fault`]).
    pub fn push_fault_for(&self, method: impl Into<String>, fault: Fault) {
        lock(&self.shared.faults)
            .by_api
            .entry(method.into())
            .or_default()
            .push_back(fault);
    }

    /// How many queued faults are still to be taken (common and per API).
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).pending()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already have stopped; nothing to do then.
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread ends as soon as its server has seen the shutdown.
            let _ = thread.join();
        }
    }
}

/// Accepts connections until shut down; every connection is aborted then.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // A message or the sender being dropped: stop.
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: wait a little, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves the requests of one connection with hyper (keep-alive, pipelining, `Expect:
/// 100-continue`, chunked bodies, the idle timeout: see [`crate::wire`]), then closes it
/// gently ([`Watched::close`]) — also after an error, a [`Fault::Close`] or a dropped body.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let watched = Watched::new(stream);
    let flushed = Arc::clone(watched.flushed());
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        let flushed = Arc::clone(&flushed);
        // Boxed: `poll_without_shutdown` wants an `Unpin` future.
        Box::pin(async move { respond(request, &shared, &flushed).await })
            as Pin<Box<dyn Future<Output = _> + Send>>
    });
    let mut served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // From the end of an answer (or the accept) to the end of the next request's head:
        // the idle timeout of a kept-alive connection, and the limit of a slow head.
        .header_read_timeout(IDLE_TIMEOUT)
        .max_header_size(MAX_HEAD)
        // `Content-Type`, as TOP writes it (hyper writes lower case by default).
        .title_case_headers(true)
        .serve_connection(TokioIo::new(watched), service);
    // Ends when the client closes, after an answer that closes, or on an error (a malformed
    // request, hyper's 400 sent; the idle timeout; a fault that drops the connection).
    let _ = std::future::poll_fn(|cx| served.poll_without_shutdown(cx)).await;
    served.into_parts().io.into_inner().close().await;
}

/// The answer to one request: hyper's request read ([`wire::read_request`]), judged and
/// recorded ([`Shared::answer`]), delayed, and turned into hyper's response
/// ([`wire::response`]). `Err` for [`Fault::Close`]: hyper closes the connection without an
/// answer. A request whose body cannot be read (too large, too slow, broken, the client gone)
/// gets a plain 4xx and is neither judged nor recorded.
async fn respond(
    request: hyper::Request<hyper::body::Incoming>,
    shared: &Shared,
    flushed: &Arc<Notify>,
) -> Result<hyper::Response<wire::AnswerBody>, NoAnswer> {
    let request = match wire::read_request(request, IDLE_TIMEOUT).await {
        Ok(request) => request,
        Err(refusal) => return Ok(wire::response(refusal, flushed)),
    };
    let plan = shared.answer(&request);
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match plan.outgoing {
        Some(outgoing) => Ok(wire::response(outgoing, flushed)),
        None => Err(NoAnswer),
    }
}

/// [`Fault::Close`]: the service's error, on which hyper closes the connection unanswered.
#[derive(Debug)]
struct NoAnswer;

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no answer (Fault::Close)")
    }
}

impl std::error::Error for NoAnswer {}

#[cfg(test)]
mod tests;
