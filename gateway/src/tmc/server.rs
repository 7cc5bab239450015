//! The TMC server: WebSocket connections (signed in by a CONNECT, then SENDs with the
//! connection's Token), pushes, confirms, failures, publishes, faults, and the redelivery
//! timers.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use topgen_tmc::{Frame, MAX_FRAME_SIZE, Message, MessageType, Value, decode};

use super::connect::{self, SignedIn};
use super::fault::{Point, TmcFault};
use super::record::{ConnectionEnd, ConnectionRecord, Direction, Published, Undecodable};
use super::{Shared, State};

/// A TCP connection has this long to complete its WebSocket handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A WebSocket connection has this long to send its CONNECT.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// After sending a close frame, the server waits this long for the client's.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Accepts connections and runs the redelivery timers until shut down; every connection is
/// dropped then.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        let next_due = shared.read(|s| s.queues.next_due());
        let timer = async move {
            match next_due {
                Some(due) => tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await,
                None => std::future::pending().await,
            }
        };
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
            () = timer => {
                let now = Instant::now();
                shared.update(|s| s.queues.promote_due(now));
            }
            // A new timer: re-arm.
            () = shared.timers.notified() => {}
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One TCP connection: the WebSocket handshake, then the TMC session.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_SIZE))
        .max_frame_size(Some(MAX_FRAME_SIZE));
    let accepted = tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        tokio_tungstenite::accept_async_with_config(stream, Some(config)),
    )
    .await;
    // Not a WebSocket client, or too slow: not a TMC connection.
    let Ok(Ok(ws)) = accepted else {
        return;
    };
    let number = shared.update(|s| {
        let number = s.connections.seen() + 1;
        s.connections.push(ConnectionRecord {
            number,
            opened_at: Instant::now(),
            app_key: None,
            group: None,
            end: None,
        });
        s.active += 1;
        number
    });
    let mut conn = Conn {
        ws,
        number,
        shared: Arc::clone(&shared),
        session: None,
    };
    let end = match conn.run().await {
        Err(end) => end,
        Ok(never) => match never {},
    };
    // The socket is gone (reset, for a dropping fault) before the end is recorded, and the
    // end is recorded with the active count (no one sees one without the other). A server
    // that stops drops its connections' tasks before this; nobody looks then.
    drop(conn);
    shared.update(|s| {
        s.active = s.active.saturating_sub(1);
        if let Some(record) = s.connection(number) {
            record.end = Some(end);
        }
    });
}

/// A signed-in connection's app, group and Token.
struct Session {
    who: SignedIn,
    token: String,
}

struct Conn {
    ws: WebSocketStream<TcpStream>,
    number: u64,
    shared: Arc<Shared>,
    session: Option<Session>,
}

/// What ends a connection, from a WebSocket error.
fn ws_error(error: tungstenite::Error) -> ConnectionEnd {
    use tungstenite::Error as E;
    match error {
        E::ConnectionClosed | E::AlreadyClosed => ConnectionEnd::Closed,
        E::Protocol(ProtocolError::ResetWithoutClosingHandshake) => ConnectionEnd::Dropped,
        E::Io(e)
            if matches!(
                e.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
            ) =>
        {
            ConnectionEnd::Dropped
        }
        E::Capacity(e) => ConnectionEnd::Violation(format!(
            "{e} (the limit is topgen_tmc::MAX_FRAME_SIZE, {MAX_FRAME_SIZE} bytes)"
        )),
        E::Protocol(e) => ConnectionEnd::Violation(format!("a WebSocket protocol error: {e}")),
        other => ConnectionEnd::Error(other.to_string()),
    }
}

impl Conn {
    async fn run(&mut self) -> Result<Infallible, ConnectionEnd> {
        let first = match tokio::time::timeout(CONNECT_TIMEOUT, self.read()).await {
            Ok(read) => read?,
            Err(_) => {
                return Err(self
                    .violation(format!(
                        "no CONNECT within {} s of the WebSocket handshake",
                        CONNECT_TIMEOUT.as_secs()
                    ))
                    .await);
            }
        };
        if first.message_type != MessageType::Connect {
            return Err(self
                .violation(format!(
                    "the first frame is a {:?}; expected a CONNECT",
                    first.message_type
                ))
                .await);
        }
        self.sign_in(&first).await?;
        loop {
            let frame = self.read().await?;
            self.serve_send(&frame).await?;
        }
    }

    fn record(&self, direction: Direction, frame: Result<Frame, Undecodable>) {
        let number = self.number;
        self.shared.update(|s| s.record(number, direction, frame));
    }

    /// The fault at the head of the queue, if it applies at `point` (taken and recorded).
    fn fault(&self, point: Point) -> Option<TmcFault> {
        let due = self
            .shared
            .read(|s| s.faults.front().map(TmcFault::point) == Some(point));
        if !due {
            return None;
        }
        let number = self.number;
        self.shared.update(|s| s.take_fault(point, number))
    }

    /// The next frame from the client, recorded; pings are answered by tungstenite meanwhile.
    /// What is not a frame is recorded too, and ends the connection.
    async fn read(&mut self) -> Result<Frame, ConnectionEnd> {
        loop {
            let message = match self.ws.next().await {
                None => return Err(ConnectionEnd::Closed),
                Some(Err(e)) => return Err(ws_error(e)),
                Some(Ok(message)) => message,
            };
            match message {
                WsMessage::Binary(bytes) => match decode(&bytes) {
                    Ok(frame) => {
                        self.record(Direction::ClientToServer, Ok(frame.clone()));
                        return Ok(frame);
                    }
                    Err(e) => {
                        let error = e.to_string();
                        self.record(
                            Direction::ClientToServer,
                            Err(Undecodable {
                                bytes: bytes.to_vec(),
                                error: error.clone(),
                            }),
                        );
                        return Err(self
                            .violation(format!("an undecodable frame: {error}"))
                            .await);
                    }
                },
                WsMessage::Text(text) => {
                    let error = "a text WebSocket message; TMC frames are binary messages";
                    self.record(
                        Direction::ClientToServer,
                        Err(Undecodable {
                            bytes: text.as_bytes().to_vec(),
                            error: error.to_owned(),
                        }),
                    );
                    self.close(CloseCode::Unsupported, "TMC frames are binary")
                        .await;
                    return Err(ConnectionEnd::Violation(error.to_owned()));
                }
                // The client closes: tungstenite answers it, then the stream ends.
                WsMessage::Close(_) => {}
                WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => {}
            }
        }
    }

    /// Sends a frame, recorded first (so that a client holding it finds it recorded).
    async fn send(&mut self, frame: Frame, delivery: bool) -> Result<(), ConnectionEnd> {
        let bytes = frame.encode();
        let number = self.number;
        self.shared.update(|s: &mut State| {
            if delivery {
                s.deliveries += 1;
            }
            s.record(number, Direction::ServerToClient, Ok(frame));
        });
        self.ws
            .send(WsMessage::Binary(bytes.into()))
            .await
            .map_err(ws_error)
    }

    /// Sends bytes that may not be a frame ([`TmcFault::Garbage`]), recorded as what they
    /// decode to.
    async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<(), ConnectionEnd> {
        let recorded = decode(&bytes).map_err(|e| Undecodable {
            bytes: bytes.clone(),
            error: e.to_string(),
        });
        self.record(Direction::ServerToClient, recorded);
        self.ws
            .send(WsMessage::Binary(bytes.into()))
            .await
            .map_err(ws_error)
    }

    /// Closes politely: a close frame, then (briefly) the client's answer. Frames the client
    /// sent meanwhile are recorded.
    async fn close(&mut self, code: CloseCode, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        if self.ws.close(Some(frame)).await.is_err() {
            return;
        }
        let drain = async {
            while let Some(Ok(message)) = self.ws.next().await {
                if let WsMessage::Binary(bytes) = message {
                    let recorded = decode(&bytes).map_err(|e| Undecodable {
                        bytes: bytes.to_vec(),
                        error: e.to_string(),
                    });
                    self.record(Direction::ClientToServer, recorded);
                }
            }
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, drain).await;
    }

    /// Closes for a protocol violation (code 1008) and says what it was.
    async fn violation(&mut self, why: String) -> ConnectionEnd {
        self.close(CloseCode::Policy, "TMC protocol violation")
            .await;
        ConnectionEnd::Violation(why)
    }

    /// Answers the CONNECT: signs the connection in, or refuses it and closes.
    async fn sign_in(&mut self, frame: &Frame) -> Result<(), ConnectionEnd> {
        let now_millis = chrono::Utc::now().timestamp_millis();
        let checked = connect::check(&self.shared.config, frame, now_millis);
        let fault = self.fault(Point::Connect);
        let mut ack = Frame::new(MessageType::ConnectAck);
        // The .NET SDK matches the CONNECTACK to its CONNECT by the Flag.
        ack.flag = frame.flag;
        let refusal = match (&fault, checked) {
            (Some(TmcFault::RefuseConnect { status, phrase }), _) => {
                Err((*status, phrase.clone(), fault.clone()))
            }
            (_, Err((status, phrase))) => Err((status, phrase, None)),
            (_, Ok(who)) => Ok(who),
        };
        match refusal {
            Err((status, phrase, fault)) => {
                ack.status_code = Some(status);
                ack.status_phrase = Some(phrase.clone());
                self.send(ack, false).await?;
                self.close(CloseCode::Policy, "CONNECT refused").await;
                Err(match fault {
                    Some(fault) => ConnectionEnd::Fault(fault),
                    None => ConnectionEnd::Refused { status, phrase },
                })
            }
            Ok(who) => {
                let token = connect::token(self.number, &who.app_key);
                let number = self.number;
                self.shared.update(|s| {
                    if let Some(record) = s.connection(number) {
                        record.app_key = Some(who.app_key.clone());
                        record.group = Some(who.group.clone());
                    }
                });
                // Success: a Token and no StatusCode (TOP's codec writes a zero status as no
                // header at all).
                ack.token = Some(token.clone());
                self.session = Some(Session { who, token });
                self.send(ack, false).await
            }
        }
    }

    /// Serves one frame of a signed-in connection: a SEND with the connection's Token.
    async fn serve_send(&mut self, frame: &Frame) -> Result<(), ConnectionEnd> {
        let Some(session) = &self.session else {
            return Err(ConnectionEnd::Error("a SEND before the sign-in".to_owned()));
        };
        let (who, token) = (session.who.clone(), session.token.clone());
        let group = who.group.clone();
        match frame.message_type {
            MessageType::Send => {}
            MessageType::Connect => {
                return Err(self
                    .violation("a second CONNECT on a signed-in connection".to_owned())
                    .await);
            }
            other => {
                return Err(self
                    .violation(format!("a {other:?} frame from a client; expected a SEND"))
                    .await);
            }
        }
        match &frame.token {
            None => return Err(self.violation("a SEND without a Token".to_owned()).await),
            Some(sent) if *sent != token => {
                return Err(self
                    .violation("a SEND whose Token is not this connection's".to_owned())
                    .await);
            }
            Some(_) => {}
        }
        match self.fault(Point::Send) {
            Some(TmcFault::Stall(pause)) => tokio::time::sleep(pause).await,
            Some(fault @ TmcFault::Close) => {
                self.close(CloseCode::Away, "the server is going away")
                    .await;
                return Err(ConnectionEnd::Fault(fault));
            }
            _ => {}
        }
        let message = match Message::read(frame) {
            Ok(message) => message,
            Err(e) => return Err(self.violation(format!("an unreadable SEND: {e}")).await),
        };
        match message {
            Message::PullRequest => self.push(&group, &token).await,
            Message::Confirm { id } => {
                self.shared.update(|s| {
                    if s.queues.confirm(&group, id) {
                        s.confirmed.push(id);
                    }
                });
                Ok(())
            }
            Message::Failed { id, msg } => {
                let now = Instant::now();
                let delay = self.shared.config.failed_redeliver_after;
                let taken = self.shared.update(|s| {
                    let taken = s.queues.fail(&group, id, now, delay);
                    if taken {
                        s.failed.push((id, msg));
                    }
                    taken
                });
                if taken {
                    self.shared.timers.notify_one();
                }
                Ok(())
            }
            Message::Data(data) => {
                let session = match frame.get("session") {
                    Some(Value::CountedString(s)) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                };
                let missing = if data.topic.is_none() {
                    Some("topic")
                } else if data.content.is_none() {
                    Some("content")
                } else {
                    None
                };
                let published = Published {
                    connection: self.number,
                    app_key: who.app_key,
                    group: who.group,
                    data,
                    session,
                };
                self.shared.update(|s| s.published.push(published));
                // The SDKs publish with send-and-wait: a SENDACK with the Data's Flag.
                let mut ack = Frame::new(MessageType::SendAck);
                ack.flag = frame.flag;
                ack.token = Some(token);
                if let Some(key) = missing {
                    ack.status_code = Some(40);
                    ack.status_phrase = Some(format!(
                        "Missing Required Arguments: a published Data needs a {key}"
                    ));
                }
                self.send(ack, false).await
            }
        }
    }

    /// Answers a PullRequest: up to a batch of the group's ready messages as Data frames, and
    /// the push faults.
    async fn push(&mut self, group: &str, token: &str) -> Result<(), ConnectionEnd> {
        let now = Instant::now();
        let now_millis = chrono::Utc::now().timestamp_millis();
        let batch_size = self.shared.config.batch_size;
        let redeliver_after = self.shared.config.redeliver_after;
        let number = self.number;
        let (fault, batch) = self.shared.update(|s| {
            s.queues.promote_due(now);
            if !s.queues.has_ready(group) {
                return (None, Vec::new());
            }
            let fault = s.take_fault(Point::Push, number);
            let max = match fault {
                Some(TmcFault::DropAfter(n)) => n.min(batch_size),
                _ => batch_size,
            };
            let batch = s.queues.take(group, max, now, now_millis, redeliver_after);
            (fault, batch)
        });
        if !batch.is_empty() {
            self.shared.timers.notify_one();
        }
        if let Some(TmcFault::Garbage(bytes)) = &fault {
            self.send_raw(bytes.clone()).await?;
        }
        let duplicate = fault == Some(TmcFault::Duplicate);
        for (i, push) in batch.into_iter().enumerate() {
            let frame = Message::Data(push.data).to_frame(token);
            if duplicate && i == 0 {
                self.send(frame.clone(), true).await?;
            }
            self.send(frame, true).await?;
        }
        if let Some(fault @ TmcFault::DropAfter(_)) = fault {
            // A reset when the socket is dropped: no close frame, no FIN.
            let _ = self.ws.get_ref().set_zero_linger();
            return Err(ConnectionEnd::Fault(fault));
        }
        Ok(())
    }
}
