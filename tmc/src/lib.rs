//! TMC (淘宝消息服务, "TOP's message channel"): how the Taobao Open Platform pushes events — an
//! order created, a refund, an item changed — to an app, instead of the app polling the REST
//! APIs. A consumer keeps a WebSocket open to `ws://mc.api.taobao.com/`, signs in with a
//! CONNECT frame (its app key, a consumer group and a `sign`), asks for messages with pull
//! requests and confirms each message it handled; each message has a topic
//! (`taobao_trade_TradeCreate`) and JSON content.
//!
//! The WebSocket's binary frames are in a small binary protocol (version 2). For now this
//! crate holds its codec, [`frame`]: the [`Frame`] type, [`decode`] (bounded and strict on
//! hostile input: it refuses, never panics) and [`Frame::encode`], the typed
//! [`Message`]s carried by SEND frames, and the CONNECT [`connect_sign`]. The consumer (the
//! socket, the handshake, pulling and confirming) is not here yet.
//!
//! `Debug` of a frame never prints its Token, the `sign` of a CONNECT, or the value of a
//! custom header whose name is a secret's (`topgen_spec::rules::looks_secret`, such as
//! `session`).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod frame;
pub mod message;
pub mod topic;

pub use frame::{
    Frame, FrameError, MAX_FRAME_SIZE, MAX_HEADERS, MessageType, Value, connect_sign, decode,
};
pub use message::{Content, Data, Message, MessageError, MessageKind};
pub use topic::Topic;
