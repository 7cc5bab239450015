//! The messages of Send frames: the `__kind` custom header and the fields of each kind
//! (PullRequest, Confirm, Data, Failed), read from and written to [`Frame`]s.

use std::fmt;

use crate::frame::{Frame, MessageType, Value};

/// The kind of a message: the custom header `__kind` (a Byte) of a Send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// 0: no message.
    None,
    /// 1: the client asks the server to push what is queued.
    PullRequest,
    /// 2: the client handled message `id`; the server drops it.
    Confirm,
    /// 3: a message (server → client), or one the client publishes.
    Data,
    /// 20: the client failed to handle message `id`; the server delivers it again later.
    Failed,
}

impl MessageKind {
    /// The byte of this kind.
    pub fn byte(self) -> u8 {
        match self {
            MessageKind::None => 0,
            MessageKind::PullRequest => 1,
            MessageKind::Confirm => 2,
            MessageKind::Data => 3,
            MessageKind::Failed => 20,
        }
    }

    /// The kind of a byte, if it is one.
    pub fn from_byte(byte: u8) -> Option<MessageKind> {
        match byte {
            0 => Some(MessageKind::None),
            1 => Some(MessageKind::PullRequest),
            2 => Some(MessageKind::Confirm),
            3 => Some(MessageKind::Data),
            20 => Some(MessageKind::Failed),
            _ => None,
        }
    }
}

/// The content of a Data message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// JSON text (a CountedString).
    Text(String),
    /// A ByteArray: gzip-compressed JSON, as the server may send it. Not inflated here.
    Bytes(Vec<u8>),
}

/// The fields of a Data message; each is absent when the frame does not carry it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Data {
    /// `id` (Int64): the message id, which Confirm and Failed name.
    pub id: Option<i64>,
    /// `topic`: `taobao_trade_TradeCreate`.
    pub topic: Option<String>,
    /// `content`: the event, JSON.
    pub content: Option<Content>,
    /// `time` (Date): when it was published, ms since the Unix epoch.
    pub time: Option<i64>,
    /// `publisher`: the app key of the publisher.
    pub publisher: Option<String>,
    /// `userid` (Int64): the user the event is about.
    pub user_id: Option<i64>,
    /// `nick`: that user's nick.
    pub nick: Option<String>,
    /// `dataid` (Int64).
    pub data_id: Option<i64>,
    /// `outtime` (Date): when it left the server, ms since the Unix epoch.
    pub out_time: Option<i64>,
}

/// A message of a Send frame, by its [`MessageKind`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Asks the server to push what is queued.
    PullRequest,
    /// Message `id` was handled.
    Confirm {
        /// The message id.
        id: i64,
    },
    /// Handling message `id` failed: deliver it again later.
    Failed {
        /// The message id.
        id: i64,
        /// Why (TOP keeps 128 characters).
        msg: String,
    },
    /// A message.
    Data(Data),
}

/// A Send frame whose message cannot be read: which header, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageError {
    message: String,
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MessageError {}

fn message_error(message: String) -> MessageError {
    MessageError { message }
}

/// The custom header `key`, absent when the frame lacks it or it is Void.
fn field<'f>(frame: &'f Frame, key: &str) -> Option<&'f Value> {
    frame.get(key).filter(|v| **v != Value::Void)
}

fn mismatch(key: &str, value: &Value, expected: &str) -> MessageError {
    message_error(format!(
        "custom header `{key}` is a {}, expected {expected}",
        value.format_name()
    ))
}

/// An integer field: any integer format, read exactly as an `i64`.
fn int_field(frame: &Frame, key: &str) -> Result<Option<i64>, MessageError> {
    field(frame, key)
        .map(|v| {
            v.as_i64()
                .ok_or_else(|| mismatch(key, v, "an integer (Byte, Int16, Int32 or Int64)"))
        })
        .transpose()
}

/// A time field: a Date, or an Int64 of milliseconds.
fn time_field(frame: &Frame, key: &str) -> Result<Option<i64>, MessageError> {
    field(frame, key)
        .map(|v| match *v {
            Value::Date(ms) | Value::Int64(ms) => Ok(ms),
            _ => Err(mismatch(key, v, "a Date")),
        })
        .transpose()
}

fn text_field(frame: &Frame, key: &str) -> Result<Option<String>, MessageError> {
    field(frame, key)
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| mismatch(key, v, "a CountedString"))
        })
        .transpose()
}

fn required<T>(value: Option<T>, key: &str, kind: &str) -> Result<T, MessageError> {
    value.ok_or_else(|| message_error(format!("{kind} has no custom header `{key}`")))
}

impl Message {
    /// The kind of this message.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::PullRequest => MessageKind::PullRequest,
            Message::Confirm { .. } => MessageKind::Confirm,
            Message::Failed { .. } => MessageKind::Failed,
            Message::Data(_) => MessageKind::Data,
        }
    }

    /// Reads the message of a Send frame. Integer fields are read from any integer format
    /// (each fits an `i64` exactly), times from a Date or an Int64; a Void field is absent.
    /// Refused: another frame type, no `__kind` or one that is not a Byte of a known kind
    /// other than None, a missing `id` (Confirm, Failed) or `msg` (Failed), a field of
    /// another format. Headers the kind does not name are ignored.
    pub fn read(frame: &Frame) -> Result<Message, MessageError> {
        if frame.message_type != MessageType::Send {
            return Err(message_error(format!(
                "a {:?} frame carries no message (expected Send)",
                frame.message_type
            )));
        }
        let kind = match frame.get("__kind") {
            None => return Err(message_error("no custom header `__kind`".to_owned())),
            Some(Value::Byte(b)) => MessageKind::from_byte(*b).ok_or_else(|| {
                message_error(format!(
                    "`__kind` {b} is not one of 0, 1, 2, 3, 20 (None, PullRequest, Confirm, Data, Failed)"
                ))
            })?,
            Some(other) => return Err(mismatch("__kind", other, "a Byte")),
        };
        Ok(match kind {
            MessageKind::None => {
                return Err(message_error(
                    "`__kind` is None (0): expected PullRequest, Confirm, Data or Failed"
                        .to_owned(),
                ));
            }
            MessageKind::PullRequest => Message::PullRequest,
            MessageKind::Confirm => Message::Confirm {
                id: required(int_field(frame, "id")?, "id", "a Confirm")?,
            },
            MessageKind::Failed => Message::Failed {
                id: required(int_field(frame, "id")?, "id", "a Failed")?,
                msg: required(text_field(frame, "msg")?, "msg", "a Failed")?,
            },
            MessageKind::Data => Message::Data(Data {
                id: int_field(frame, "id")?,
                topic: text_field(frame, "topic")?,
                content: field(frame, "content")
                    .map(|v| match v {
                        Value::CountedString(s) => Ok(Content::Text(s.clone())),
                        Value::ByteArray(b) => Ok(Content::Bytes(b.clone())),
                        _ => Err(mismatch("content", v, "a CountedString or a ByteArray")),
                    })
                    .transpose()?,
                time: time_field(frame, "time")?,
                publisher: text_field(frame, "publisher")?,
                user_id: int_field(frame, "userid")?,
                nick: text_field(frame, "nick")?,
                data_id: int_field(frame, "dataid")?,
                out_time: time_field(frame, "outtime")?,
            }),
        })
    }

    /// The Send frame of this message, with the connection's `token`: `__kind` (a Byte)
    /// first, then the fields present (ids Int64, times Date, text CountedString).
    pub fn to_frame(&self, token: &str) -> Frame {
        let mut frame = Frame::new(MessageType::Send);
        frame.token = Some(token.to_owned());
        frame.set("__kind", Value::Byte(self.kind().byte()));
        match self {
            Message::PullRequest => {}
            Message::Confirm { id } => {
                frame.set("id", Value::Int64(*id));
            }
            Message::Failed { id, msg } => {
                frame.set("id", Value::Int64(*id));
                frame.set("msg", Value::CountedString(msg.clone()));
            }
            Message::Data(data) => {
                let fields = [
                    ("id", data.id.map(Value::Int64)),
                    ("topic", data.topic.clone().map(Value::CountedString)),
                    (
                        "content",
                        data.content.clone().map(|c| match c {
                            Content::Text(s) => Value::CountedString(s),
                            Content::Bytes(b) => Value::ByteArray(b),
                        }),
                    ),
                    ("time", data.time.map(Value::Date)),
                    (
                        "publisher",
                        data.publisher.clone().map(Value::CountedString),
                    ),
                    ("userid", data.user_id.map(Value::Int64)),
                    ("nick", data.nick.clone().map(Value::CountedString)),
                    ("dataid", data.data_id.map(Value::Int64)),
                    ("outtime", data.out_time.map(Value::Date)),
                ];
                for (key, value) in fields {
                    if let Some(value) = value {
                        frame.set(key, value);
                    }
                }
            }
        }
        frame
    }
}
