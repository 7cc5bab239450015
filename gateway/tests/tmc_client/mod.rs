//! A raw TMC client for the TMC endpoint's tests: tokio-tungstenite's `client_async` over a
//! `TcpStream`, and frames built by hand with topgen-tmc's codec (there is no consumer to use
//! yet). Every read has a timeout, so that a broken server fails a test instead of hanging it.
//! Each test file uses a part of it.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message as Ws};
use topgen_gateway::{QueuedMessage, TmcGateway};
use topgen_tmc::{Data, Frame, Message, MessageType, connect_sign, decode};

pub const APP: &str = "12345678";
pub const SECRET: &str = "tmc-test-secret";
pub const GROUP: &str = "default";

/// How long a test waits for the endpoint's state ([`TmcGateway::wait_for`]).
pub const WAIT: Duration = Duration::from_secs(5);

pub const TOPIC: &str = "taobao_trade_TradeCreate";

/// An endpoint with two apps, [`APP`] and `87654321` (secret `other-secret`).
pub async fn start() -> TmcGateway {
    TmcGateway::builder()
        .app(APP, SECRET)
        .app("87654321", "other-secret")
        .start()
        .await
        .expect("starts")
}

/// A message of [`TOPIC`] with content `{"tid":n}`.
pub fn message(n: u32) -> QueuedMessage {
    QueuedMessage::new(TOPIC, format!(r#"{{"tid":{n}}}"#))
}

/// How long a read waits before the test fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long to wait for something that must not come.
pub const QUIET: Duration = Duration::from_millis(150);

pub type Socket = WebSocketStream<TcpStream>;

pub fn now_millis() -> String {
    chrono::Utc::now().timestamp_millis().to_string()
}

/// A CONNECT for `app` in `group`, signed with `secret` by topgen-tmc's `connect_sign` (the
/// gateway checks it with its own signing: these tests also show that the two agree).
pub fn connect_frame(app: &str, secret: &str, group: &str, timestamp: &str) -> Frame {
    let sign = connect_sign(secret, app, group, timestamp);
    Frame::connect(app, group, timestamp, &sign)
}

/// A WebSocket connection to the endpoint, not signed in.
pub async fn open(tmc: &TmcGateway) -> Socket {
    let tcp = TcpStream::connect(tmc.addr()).await.expect("connects");
    let (ws, _) = tokio_tungstenite::client_async(tmc.endpoint(), tcp)
        .await
        .expect("WebSocket handshake");
    ws
}

pub async fn send(ws: &mut Socket, frame: &Frame) {
    send_bytes(ws, frame.encode()).await;
}

pub async fn send_bytes(ws: &mut Socket, bytes: Vec<u8>) {
    ws.send(Ws::Binary(bytes.into())).await.expect("sends");
}

/// The next WebSocket message (pings and pongs included); `None` when the stream ended.
pub async fn next(ws: &mut Socket) -> Option<Result<Ws, tungstenite::Error>> {
    tokio::time::timeout(READ_TIMEOUT, ws.next())
        .await
        .expect("the server answers in time")
}

/// The next binary message, decoded.
pub async fn recv(ws: &mut Socket) -> Frame {
    loop {
        match next(ws).await {
            Some(Ok(Ws::Binary(bytes))) => return decode(&bytes).expect("a TMC frame"),
            Some(Ok(Ws::Ping(_) | Ws::Pong(_))) => {}
            other => panic!("expected a frame, got {other:?}"),
        }
    }
}

/// The next frame, which must be a Data message.
pub async fn recv_data(ws: &mut Socket) -> Data {
    let frame = recv(ws).await;
    match Message::read(&frame) {
        Ok(Message::Data(data)) => data,
        other => panic!("expected a Data message, got {other:?} in {frame:?}"),
    }
}

/// Whether nothing arrives for [`QUIET`].
pub async fn quiet(ws: &mut Socket) -> bool {
    tokio::time::timeout(QUIET, ws.next()).await.is_err()
}

/// Reads until the server's close frame, then completes the closing handshake (the next
/// read sends the client's close frame and sees the stream end); panics if the stream ends
/// without a close frame.
pub async fn expect_close(ws: &mut Socket) -> CloseFrame {
    let frame = loop {
        match next(ws).await {
            Some(Ok(Ws::Close(Some(frame)))) => break frame,
            Some(Ok(Ws::Binary(_) | Ws::Ping(_) | Ws::Pong(_))) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    while let Some(Ok(_)) = next(ws).await {}
    frame
}

/// Reads until the stream fails or ends; panics on a close frame (the server must have
/// dropped the connection, not closed it).
pub async fn expect_dropped(ws: &mut Socket) {
    loop {
        match next(ws).await {
            None | Some(Err(_)) => return,
            Some(Ok(Ws::Close(frame))) => panic!("a close frame: {frame:?}"),
            Some(Ok(_)) => {}
        }
    }
}

/// A signed-in connection.
pub struct Client {
    pub ws: Socket,
    pub token: String,
}

impl Client {
    /// Signs in as [`APP`] in `group`.
    pub async fn sign_in(tmc: &TmcGateway, group: &str) -> Client {
        let mut ws = open(tmc).await;
        send(&mut ws, &connect_frame(APP, SECRET, group, &now_millis())).await;
        let ack = recv(&mut ws).await;
        assert_eq!(ack.message_type, MessageType::ConnectAck);
        assert_eq!(ack.status_code, None, "{ack:?}: {:?}", ack.status_phrase);
        let token = ack.token.expect("a Token");
        Client { ws, token }
    }

    pub async fn message(&mut self, message: Message) {
        let frame = message.to_frame(&self.token);
        send(&mut self.ws, &frame).await;
    }

    pub async fn pull(&mut self) {
        self.message(Message::PullRequest).await;
    }

    pub async fn confirm(&mut self, id: i64) {
        self.message(Message::Confirm { id }).await;
    }

    pub async fn fail(&mut self, id: i64, msg: &str) {
        self.message(Message::Failed {
            id,
            msg: msg.to_owned(),
        })
        .await;
    }

    pub async fn recv(&mut self) -> Frame {
        recv(&mut self.ws).await
    }

    pub async fn recv_data(&mut self) -> Data {
        recv_data(&mut self.ws).await
    }

    /// The ids of the next `n` Data messages.
    pub async fn recv_ids(&mut self, n: usize) -> Vec<i64> {
        let mut ids = Vec::new();
        for _ in 0..n {
            ids.push(self.recv_data().await.id.expect("an id"));
        }
        ids
    }

    pub async fn quiet(&mut self) -> bool {
        quiet(&mut self.ws).await
    }
}
