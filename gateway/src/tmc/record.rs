//! What the TMC endpoint remembers: the frames both ways ([`RecordedFrame`]), what clients
//! published ([`Published`]), each connection ([`ConnectionRecord`]) and the faults applied
//! ([`AppliedFault`]); kept in rings ([`Ring`]) with exact counts.

use std::collections::VecDeque;
use std::fmt;
use std::time::Instant;

use topgen_tmc::{Data, Frame, Message, MessageKind};

use super::fault::TmcFault;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Read from a client.
    ClientToServer,
    /// Sent to a client.
    ServerToClient,
}

/// A WebSocket message that is not a TMC frame: its bytes and why [`topgen_tmc::decode`]
/// refused them (or why it is not one at all, such as a text message).
///
/// `Debug` shows the size of the bytes, not the bytes (they may hold a CONNECT's sign).
#[derive(Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// The message's bytes.
    pub bytes: Vec<u8>,
    /// Why they are not a frame.
    pub error: String,
}

impl fmt::Debug for Undecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Undecodable")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("error", &self.error)
            .finish()
    }
}

/// One WebSocket message of a TMC connection, either way, as a frame or as undecodable bytes.
///
/// `Debug` hides Tokens, signs and sessions (the [`Frame`]'s own `Debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFrame {
    /// The connection's number ([`ConnectionRecord::number`]), from 1.
    pub connection: u64,
    /// Which way it went.
    pub direction: Direction,
    /// When it was read, or sent.
    pub at: Instant,
    /// The frame, or the bytes that are not one.
    pub frame: Result<Frame, Undecodable>,
}

impl RecordedFrame {
    /// The frame, if the bytes were one.
    pub fn decoded(&self) -> Option<&Frame> {
        self.frame.as_ref().ok()
    }

    /// The message of a SEND frame, if it holds a readable one.
    pub fn message(&self) -> Option<Message> {
        self.decoded().and_then(|f| Message::read(f).ok())
    }

    /// The kind of the message of a SEND frame, if it holds a readable one.
    pub fn kind(&self) -> Option<MessageKind> {
        self.message().map(|m| m.kind())
    }
}

/// A message a client published: a client→server Data.
///
/// `Debug` does not show the `session`.
#[derive(Clone, PartialEq, Eq)]
pub struct Published {
    /// The connection it came on.
    pub connection: u64,
    /// The app key of that connection.
    pub app_key: String,
    /// The group of that connection.
    pub group: String,
    /// Its fields (`topic`, `content`, …), as the frame carried them.
    pub data: Data,
    /// The `session` custom header of the frame (a user's session: publishing on a user's
    /// behalf), if any.
    pub session: Option<String>,
}

impl fmt::Debug for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Published")
            .field("connection", &self.connection)
            .field("app_key", &self.app_key)
            .field("group", &self.group)
            .field("data", &self.data)
            .field(
                "session",
                &self.session.as_ref().map(|_| format_args!("***")),
            )
            .finish()
    }
}

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionEnd {
    /// The client closed it with a WebSocket close frame.
    Closed,
    /// The client's TCP connection ended (or was reset) without a WebSocket close frame.
    Dropped,
    /// The CONNECT was refused with this CONNECTACK (a check failed), then the server closed.
    Refused {
        /// The StatusCode sent.
        status: i32,
        /// The StatusPhrase sent.
        phrase: String,
    },
    /// The client broke the protocol (a SEND without the connection's Token, a frame that is
    /// not one…): the server closed the connection (close code 1008, or 1003 for a text
    /// message). Says what.
    Violation(String),
    /// A fault ended it ([`TmcFault::RefuseConnect`], [`TmcFault::DropAfter`],
    /// [`TmcFault::Close`]).
    Fault(TmcFault),
    /// A socket or WebSocket error.
    Error(String),
}

/// One WebSocket connection to the TMC endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    /// Its number: 1 for the first WebSocket connection accepted, then 2, …
    pub number: u64,
    /// When its WebSocket handshake completed.
    pub opened_at: Instant,
    /// The app key it signed in with, once signed in.
    pub app_key: Option<String>,
    /// The group it signed in to, once signed in.
    pub group: Option<String>,
    /// How it ended; `None` while it is open.
    pub end: Option<ConnectionEnd>,
}

impl ConnectionRecord {
    /// Whether its CONNECT was accepted.
    pub fn signed_in(&self) -> bool {
        self.app_key.is_some()
    }
}

/// A fault applied, where and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFault {
    /// The connection it was applied to.
    pub connection: u64,
    /// The fault.
    pub fault: TmcFault,
    /// When.
    pub at: Instant,
}

/// The last `capacity` items, and how many were pushed in all.
#[derive(Debug)]
pub(crate) struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
    seen: u64,
}

impl<T: Clone> Ring<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            seen: 0,
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        self.seen += 1;
        if self.capacity == 0 {
            return;
        }
        if self.items.len() >= self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.items.iter().cloned().collect()
    }

    pub(crate) fn seen(&self) -> u64 {
        self.seen
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.seen = 0;
    }

    /// The newest item that `pick` accepts.
    pub(crate) fn find_mut(&mut self, mut pick: impl FnMut(&T) -> bool) -> Option<&mut T> {
        self.items.iter_mut().rev().find(|item| pick(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_keeps_the_last_items_and_counts_all() {
        let mut ring = Ring::new(3);
        for i in 0..10 {
            ring.push(i);
        }
        assert_eq!(ring.to_vec(), vec![7, 8, 9]);
        assert_eq!(ring.seen(), 10);
        assert_eq!(ring.find_mut(|i| *i < 9).map(|i| *i), Some(8));
        ring.clear();
        assert_eq!((ring.to_vec(), ring.seen()), (vec![], 0));

        let mut none = Ring::new(0);
        none.push(1);
        assert_eq!((none.to_vec(), none.seen()), (vec![], 1));
    }

    #[test]
    fn debug_hides_sessions_and_raw_bytes() {
        let published = Published {
            connection: 1,
            app_key: "12345678".to_owned(),
            group: "default".to_owned(),
            data: Data {
                topic: Some("t".to_owned()),
                ..Data::default()
            },
            session: Some("session-value-42".to_owned()),
        };
        let debug = format!("{published:?}");
        assert!(!debug.contains("session-value-42"), "{debug}");
        assert!(
            debug.contains("***") && debug.contains("12345678"),
            "{debug}"
        );

        let undecodable = Undecodable {
            bytes: b"sign-value-42".to_vec(),
            error: "bad".to_owned(),
        };
        let debug = format!("{undecodable:?}");
        assert!(!debug.contains("sign-value-42"), "{debug}");
        assert!(debug.contains("13 bytes"), "{debug}");
    }
}
