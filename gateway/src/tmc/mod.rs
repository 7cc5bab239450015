//! The TMC endpoint: [`TmcGateway`], a local TMC server (TOP's message channel, WebSocket
//! protocol v2) for the tests of TMC consumers. See the [crate docs](crate#tmc) for what it
//! checks and does.

mod connect;
mod fault;
mod queue;
mod record;
mod server;

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use topgen_tmc::Frame;

use crate::check::{DEFAULT_MAX_SKEW, Hidden};

pub use fault::TmcFault;
pub use queue::{FIRST_MESSAGE_ID, QueuedMessage};
pub use record::{
    AppliedFault, ConnectionEnd, ConnectionRecord, Direction, Published, RecordedFrame, Undecodable,
};

use fault::Point;
use queue::Queues;
use record::Ring;

/// How long a delivered message that is neither confirmed nor failed waits before it is
/// ready again by default: 5 minutes, what users report of TOP.
pub const DEFAULT_REDELIVER_AFTER: Duration = Duration::from_secs(5 * 60);

/// How long a failed message waits before it is ready again by default: 1 second.
pub const DEFAULT_FAILED_REDELIVER_AFTER: Duration = Duration::from_secs(1);

/// How many Data frames one PullRequest gets at most by default: 32. The SDKs do not say how
/// many TOP pushes per pull request; TOP's REST counterpart, `taobao.tmc.messages.consume`,
/// returns 100 by default (10 to 200).
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// How many frames (and published messages, confirms, failures, connections, applied faults)
/// the record keeps by default: the last 10,000 of each.
pub const DEFAULT_TMC_RECORD_CAPACITY: usize = 10_000;

/// What the endpoint is configured with.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub apps: BTreeMap<String, Hidden>,
    pub redeliver_after: Duration,
    pub failed_redeliver_after: Duration,
    pub batch_size: usize,
    pub max_skew: Duration,
}

/// What the endpoint knows and remembers; one lock.
#[derive(Debug)]
pub(crate) struct State {
    pub frames: Ring<RecordedFrame>,
    pub published: Ring<Published>,
    pub confirmed: Ring<i64>,
    pub failed: Ring<(i64, String)>,
    pub connections: Ring<ConnectionRecord>,
    pub applied: Ring<AppliedFault>,
    pub deliveries: u64,
    pub active: usize,
    pub faults: VecDeque<TmcFault>,
    pub queues: Queues,
}

impl State {
    /// The fault at the head of the queue, taken and recorded, if it applies at `point`.
    pub fn take_fault(&mut self, point: Point, connection: u64) -> Option<TmcFault> {
        if self.faults.front()?.point() != point {
            return None;
        }
        let fault = self.faults.pop_front()?;
        self.applied.push(AppliedFault {
            connection,
            fault: fault.clone(),
            at: Instant::now(),
        });
        Some(fault)
    }

    /// Records a frame (or bytes that are not one).
    pub fn record(
        &mut self,
        connection: u64,
        direction: Direction,
        frame: Result<Frame, Undecodable>,
    ) {
        self.frames.push(RecordedFrame {
            connection,
            direction,
            at: Instant::now(),
            frame,
        });
    }

    /// The record of connection `number`, if the ring still holds it.
    pub fn connection(&mut self, number: u64) -> Option<&mut ConnectionRecord> {
        self.connections.find_mut(|c| c.number == number)
    }
}

/// State shared between the [`TmcGateway`] handle and the server.
pub(crate) struct Shared {
    pub config: Config,
    state: Mutex<State>,
    /// Bumped on every change, for [`TmcGateway::wait_for_blocking`].
    generation: Mutex<u64>,
    changed: Condvar,
    /// Woken on every change, for [`TmcGateway::wait_for`].
    notify: Notify,
    /// Woken when a redelivery timer is added (the server re-arms its timer).
    pub timers: Notify,
}

/// Locks a mutex, recovering the data if a holder panicked (every critical section leaves the
/// state consistent).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&lock(&self.state))
    }

    /// Queues `message` for `group`, ready now ([`TmcGateway::queue`], and the HTTP
    /// gateway's control API); its id.
    pub fn queue(&self, group: &str, message: QueuedMessage) -> i64 {
        let now_millis = chrono::Utc::now().timestamp_millis();
        self.update(|s| s.queues.queue(group, message, now_millis))
    }

    /// Changes the state, then wakes whoever waits for a change.
    pub fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let result = f(&mut lock(&self.state));
        *lock(&self.generation) += 1;
        self.changed.notify_all();
        self.notify.notify_waiters();
        result
    }
}

/// A TMC endpoint's URL and state, held by an HTTP gateway's control API
/// ([`GatewayBuilder::tmc`](crate::GatewayBuilder::tmc)).
#[derive(Clone)]
pub(crate) struct TmcLink {
    pub endpoint: String,
    pub shared: Arc<Shared>,
}

impl fmt::Debug for TmcLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcLink")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Builds a [`TmcGateway`]; see the [crate docs](crate#tmc).
///
/// `Debug` shows the app keys, never their secrets.
#[derive(Debug, Clone)]
pub struct TmcGatewayBuilder {
    config: Config,
    faults: Vec<TmcFault>,
    record_capacity: usize,
    port: u16,
    listen: IpAddr,
}

impl TmcGatewayBuilder {
    /// Adds an app allowed to connect: its `app_key` and the secret its CONNECT is signed with.
    pub fn app(mut self, app_key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config
            .apps
            .insert(app_key.into(), Hidden(secret.into()));
        self
    }

    /// How long a delivered message that is neither confirmed nor failed stays in flight before
    /// it is ready again, counted from its delivery, whether or not its connection is still
    /// open (default [`DEFAULT_REDELIVER_AFTER`], 5 minutes, like TOP).
    pub fn redeliver_after(mut self, delay: Duration) -> Self {
        self.config.redeliver_after = delay;
        self
    }

    /// How long a failed message waits before it is ready again, counted from its Failed
    /// (default [`DEFAULT_FAILED_REDELIVER_AFTER`], 1 second).
    pub fn failed_redeliver_after(mut self, delay: Duration) -> Self {
        self.config.failed_redeliver_after = delay;
        self
    }

    /// At most this many Data frames per PullRequest (default [`DEFAULT_BATCH_SIZE`], 32); 0 is
    /// taken as 1.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.config.batch_size = size.max(1);
        self
    }

    /// How far a CONNECT's `timestamp` may be from the gateway's clock (default
    /// [`DEFAULT_MAX_SKEW`], 10 minutes, as for the HTTP gateway).
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.config.max_skew = skew;
        self
    }

    /// How many frames the record keeps ([`TmcGateway::frames`]): the last `capacity`
    /// (default [`DEFAULT_TMC_RECORD_CAPACITY`], 10,000); the same bound applies to the
    /// published messages, confirms, failures, connection records and applied faults kept.
    /// The counts ([`TmcGateway::frame_count`], …) stay exact. 0 keeps none.
    pub fn record_capacity(mut self, capacity: usize) -> Self {
        self.record_capacity = capacity;
        self
    }

    /// Queues a fault before the server starts (see [`TmcFault`]).
    pub fn fault(mut self, fault: TmcFault) -> Self {
        self.faults.push(fault);
        self
    }

    fn shared(self) -> Arc<Shared> {
        let capacity = self.record_capacity;
        Arc::new(Shared {
            config: self.config,
            state: Mutex::new(State {
                frames: Ring::new(capacity),
                published: Ring::new(capacity),
                confirmed: Ring::new(capacity),
                failed: Ring::new(capacity),
                connections: Ring::new(capacity),
                applied: Ring::new(capacity),
                deliveries: 0,
                active: 0,
                faults: self.faults.into(),
                queues: Queues::new(),
            }),
            generation: Mutex::new(0),
            changed: Condvar::new(),
            notify: Notify::new(),
            timers: Notify::new(),
        })
    }

    /// Binds a free port on `127.0.0.1` and starts serving; for async tests
    /// (`#[tokio::test]`). The same as [`TmcGatewayBuilder::spawn`]: the server runs on a
    /// thread of its own with its own tokio runtime and the real clock.
    pub async fn start(self) -> io::Result<TmcGateway> {
        self.spawn()
    }

    /// The port to listen on, on `127.0.0.1` (default 0: any free port;
    /// [`TmcGateway::endpoint`] says which).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default `127.0.0.1`), e.g. `0.0.0.0` to be reached from
    /// other machines or containers.
    pub fn listen(mut self, address: IpAddr) -> Self {
        self.listen = address;
        self
    }

    /// Binds a free port on `127.0.0.1` and serves from a thread of its own, with its own
    /// tokio runtime: for plain `#[test]`s and async tests alike. Dropping the [`TmcGateway`]
    /// stops the server (every connection is dropped) and joins the thread.
    pub fn spawn(self) -> io::Result<TmcGateway> {
        let listener = std::net::TcpListener::bind((self.listen, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let shared = self.shared();
        let (tx, rx) = oneshot::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("topgen-gateway tmc {addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    // Only fails outside a runtime with I/O, and this is inside one.
                    if let Ok(listener) = TcpListener::from_std(listener) {
                        server::serve(listener, serving, rx).await;
                    }
                });
            })?;
        Ok(TmcGateway {
            addr,
            shared,
            handle,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

/// A running local TMC endpoint; stops serving when dropped. See the
/// [crate docs](crate#tmc).
///
/// `Debug` shows the endpoint, the app keys and the settings, never an app secret.
pub struct TmcGateway {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// The server's runtime: it times [`TmcGateway::wait_for`] in real time.
    handle: tokio::runtime::Handle,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for TmcGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcGateway")
            .field("endpoint", &self.endpoint())
            .field("config", &self.shared.config)
            .field("pending_faults", &self.pending_faults())
            .finish_non_exhaustive()
    }
}

impl TmcGateway {
    /// A TMC endpoint with no apps; add them with [`TmcGatewayBuilder::app`].
    pub fn builder() -> TmcGatewayBuilder {
        TmcGatewayBuilder {
            config: Config {
                apps: BTreeMap::new(),
                redeliver_after: DEFAULT_REDELIVER_AFTER,
                failed_redeliver_after: DEFAULT_FAILED_REDELIVER_AFTER,
                batch_size: DEFAULT_BATCH_SIZE,
                max_skew: DEFAULT_MAX_SKEW,
            },
            faults: Vec::new(),
            record_capacity: DEFAULT_TMC_RECORD_CAPACITY,
            port: 0,
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }

    /// The endpoint's state, for the HTTP gateway's control API
    /// ([`GatewayBuilder::tmc`](crate::GatewayBuilder::tmc)).
    pub(crate) fn link(&self) -> TmcLink {
        TmcLink {
            endpoint: self.endpoint(),
            shared: Arc::clone(&self.shared),
        }
    }

    /// The URL to give a TMC consumer: `ws://127.0.0.1:PORT/`.
    pub fn endpoint(&self) -> String {
        format!("ws://{}/", self.addr)
    }

    /// The address the endpoint listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues `message` for the consumer group `group` (of any app), ready now; returns its
    /// id ([`FIRST_MESSAGE_ID`], then up by 2).
    pub fn queue(&self, group: &str, message: QueuedMessage) -> i64 {
        self.shared.queue(group, message)
    }

    /// The messages of `group` not confirmed yet: ready, in flight (delivered, neither
    /// confirmed nor failed) or failed (waiting to be ready again).
    pub fn pending(&self, group: &str) -> usize {
        self.shared.read(|s| s.queues.pending(group))
    }

    /// The messages of `group` ready to be pushed at the next PullRequest.
    pub fn ready(&self, group: &str) -> usize {
        self.shared.read(|s| s.queues.ready(group))
    }

    /// Queues a fault (see [`TmcFault`] for where each applies).
    pub fn push_fault(&self, fault: TmcFault) {
        self.shared.update(|s| s.faults.push_back(fault));
    }

    /// How many queued faults are still to be applied.
    pub fn pending_faults(&self) -> usize {
        self.shared.read(|s| s.faults.len())
    }

    /// Empties the fault queue.
    pub fn clear_faults(&self) {
        self.shared.update(|s| s.faults.clear());
    }

    /// The faults applied so far, oldest first.
    pub fn applied_faults(&self) -> Vec<AppliedFault> {
        self.shared.read(|s| s.applied.to_vec())
    }

    /// The frames read and sent so far, both ways, in order: every one, or the last
    /// [`TmcGatewayBuilder::record_capacity`] when more went by.
    pub fn frames(&self) -> Vec<RecordedFrame> {
        self.shared.read(|s| s.frames.to_vec())
    }

    /// How many frames went by so far (since [`TmcGateway::clear_frames`]), exactly,
    /// including those the record no longer holds.
    pub fn frame_count(&self) -> u64 {
        self.shared.read(|s| s.frames.seen())
    }

    /// Forgets the frames recorded so far and resets [`TmcGateway::frame_count`].
    pub fn clear_frames(&self) {
        self.shared.update(|s| s.frames.clear());
    }

    /// How many frames the record keeps ([`TmcGatewayBuilder::record_capacity`]).
    pub fn record_capacity(&self) -> usize {
        self.shared.read(|s| s.frames.capacity())
    }

    /// The ids confirmed so far, in order (a Confirm counts once: of a pending message that
    /// was delivered, from a connection of its group).
    pub fn confirmed(&self) -> Vec<i64> {
        self.shared.read(|s| s.confirmed.to_vec())
    }

    /// How many messages were confirmed, exactly.
    pub fn confirmed_count(&self) -> u64 {
        self.shared.read(|s| s.confirmed.seen())
    }

    /// The failures taken so far: the message id and the Failed's `msg`, as sent (a Failed
    /// counts for a message in flight, from a connection of its group).
    pub fn failed(&self) -> Vec<(i64, String)> {
        self.shared.read(|s| s.failed.to_vec())
    }

    /// How many failures were taken, exactly.
    pub fn failed_count(&self) -> u64 {
        self.shared.read(|s| s.failed.seen())
    }

    /// How many Data frames were pushed, duplicates included.
    pub fn deliveries(&self) -> u64 {
        self.shared.read(|s| s.deliveries)
    }

    /// What clients published (client→server Data), oldest first.
    pub fn published(&self) -> Vec<Published> {
        self.shared.read(|s| s.published.to_vec())
    }

    /// How many messages clients published, exactly.
    pub fn published_count(&self) -> u64 {
        self.shared.read(|s| s.published.seen())
    }

    /// How many WebSocket connections were accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.read(|s| s.connections.seen())
    }

    /// How many WebSocket connections are open now.
    pub fn active_connections(&self) -> usize {
        self.shared.read(|s| s.active)
    }

    /// Each connection accepted so far, oldest first: who signed in, and how it ended.
    pub fn connection_log(&self) -> Vec<ConnectionRecord> {
        self.shared.read(|s| s.connections.to_vec())
    }

    /// Waits until `condition` holds (it is given this gateway), re-checking it whenever the
    /// endpoint's state changes (a frame, a connection, a confirm, a message queued or ready
    /// again…); `false` if it still does not hold after `timeout`. The timeout is real time,
    /// measured by the gateway's own runtime, so this works in any async runtime, one with a
    /// paused clock too.
    pub async fn wait_for(
        &self,
        mut condition: impl FnMut(&TmcGateway) -> bool,
        timeout: Duration,
    ) -> bool {
        let (tx, mut expired) = oneshot::channel::<()>();
        let timer = self.handle.spawn(async move {
            tokio::time::sleep(timeout).await;
            let _ = tx.send(());
        });
        let met = loop {
            let notified = self.shared.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so that no change between the two is missed.
            notified.as_mut().enable();
            if condition(self) {
                break true;
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = &mut expired => break condition(self),
            }
        };
        timer.abort();
        met
    }

    /// [`TmcGateway::wait_for`] for synchronous tests: blocks the thread.
    pub fn wait_for_blocking(
        &self,
        mut condition: impl FnMut(&TmcGateway) -> bool,
        timeout: Duration,
    ) -> bool {
        let deadline = queue::later(Instant::now(), timeout);
        loop {
            let seen = *lock(&self.shared.generation);
            if condition(self) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let generation = lock(&self.shared.generation);
            if *generation == seen {
                // Woken by a change or the deadline; the loop checks again either way.
                let _ = self
                    .shared
                    .changed
                    .wait_timeout(generation, deadline - now)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        }
    }

    /// Waits until at least `n` messages were confirmed ([`TmcGateway::wait_for`]).
    pub async fn wait_confirmed(&self, n: u64, timeout: Duration) -> bool {
        self.wait_for(|t| t.confirmed_count() >= n, timeout).await
    }

    /// Waits until at least `n` Data frames were pushed ([`TmcGateway::wait_for`]).
    pub async fn wait_deliveries(&self, n: u64, timeout: Duration) -> bool {
        self.wait_for(|t| t.deliveries() >= n, timeout).await
    }

    /// Waits until connection `number` has ended ([`TmcGateway::wait_for`]); how it ended.
    pub async fn wait_closed(&self, number: u64, timeout: Duration) -> Option<ConnectionEnd> {
        let end = |t: &TmcGateway| {
            t.shared.read(|s| {
                s.connections
                    .to_vec()
                    .into_iter()
                    .find(|c| c.number == number)
                    .and_then(|c| c.end)
            })
        };
        self.wait_for(|t| end(t).is_some(), timeout).await;
        end(self)
    }
}

impl Drop for TmcGateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already have stopped; nothing to do then.
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let builder = TmcGateway::builder().app("12345678", "very-secret-value");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(debug.contains("12345678"), "{debug}");
        let gateway = builder.spawn().unwrap();
        let debug = format!("{gateway:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(debug.contains(&gateway.endpoint()), "{debug}");
    }

    #[test]
    fn batch_size_is_at_least_one() {
        let builder = TmcGateway::builder().batch_size(0);
        assert_eq!(builder.config.batch_size, 1);
    }

    #[test]
    fn blocking_waits_see_changes_and_time_out() {
        let gateway = TmcGateway::builder().spawn().unwrap();
        assert!(!gateway.wait_for_blocking(|t| t.pending("g") > 0, Duration::from_millis(20)));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(10));
                gateway.queue("g", QueuedMessage::new("t", "{}"));
            });
            assert!(gateway.wait_for_blocking(|t| t.pending("g") == 1, Duration::from_secs(5)));
        });
    }
}
