//! TMC (淘宝消息服务, "TOP's message channel"): how the Taobao Open Platform pushes events — an
//! order created, a refund, an item changed — to an app, instead of the app polling the REST
//! APIs. A consumer keeps a WebSocket open to `ws://mc.api.taobao.com/`, signs in with a
//! CONNECT frame (its app key, a consumer group and a `sign`), asks for messages with pull
//! requests and confirms each message it handled; each message has a topic
//! (`taobao_trade_TradeCreate`) and JSON content.
//!
//! - [`Consumer`] ([`consumer`]): the consumer, reliable under faults — reconnects with
//!   backoff, bounded concurrency with back-pressure, at-least-once handling (Confirm after
//!   `Ok`, Failed after `Err` or a panic), optional de-duplication, graceful shutdown — and
//!   [`Publisher`] to publish messages.
//! - [`Topic`]: typed contents. The generated crates `topgen-tmc-*` have a struct per
//!   documented topic; [`ConsumerBuilder::on`] decodes it for the handler.
//! - [`frame`], [`message`]: the WebSocket's binary protocol (version 2): the [`Frame`] type,
//!   [`decode`] (bounded and strict on hostile input: it refuses, never panics),
//!   [`Frame::encode`], the typed [`Message`]s carried by SEND frames, and the CONNECT
//!   [`connect_sign`].
//! - With the `blocking` feature, `blocking::Consumer` runs plain-function handlers for
//!   synchronous programs.
//!
//! `Debug` of a frame never prints its Token, the `sign` of a CONNECT, or the value of a
//! custom header whose name is a secret's (`topgen_spec::rules::looks_secret`, such as
//! `session`); the consumer never logs them.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod consumer;
mod error;
pub mod frame;
pub mod message;
pub mod topic;

pub use consumer::{
    Consumer, ConsumerBuilder, DEFAULT_ENDPOINT, DEFAULT_GROUP, HandlerError, HandlerResult,
    Publisher, Received, Running, SANDBOX_ENDPOINT, ShutdownReport, Stats, Unhandled,
};
pub use error::Error;
pub use frame::{
    Frame, FrameError, MAX_FRAME_SIZE, MAX_HEADERS, MessageType, Value, connect_sign, decode,
};
pub use message::{Content, Data, Message, MessageError, MessageKind};
pub use topic::Topic;
