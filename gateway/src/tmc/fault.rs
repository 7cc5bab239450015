//! What the TMC endpoint does to a connection instead of, or besides, serving it normally:
//! [`TmcFault`].

use std::time::Duration;

/// A fault of the TMC endpoint, applied once, at its point.
///
/// Faults wait in one FIFO queue ([`TmcGateway::push_fault`](super::TmcGateway::push_fault)):
/// the fault at its head is applied at the next occurrence of its point, on whichever
/// connection meets it first; the ones behind it wait their turn (so `push_fault(a)` then
/// `push_fault(b)` applies `a` first, always). Each occurrence takes at most one fault. The
/// points are:
///
/// - a CONNECT read: [`TmcFault::RefuseConnect`];
/// - a SEND read on a signed-in connection, before it is handled: [`TmcFault::Stall`],
///   [`TmcFault::Close`];
/// - a push: a PullRequest that finds at least one message ready for its group, before the
///   Data frames are sent: [`TmcFault::DropAfter`], [`TmcFault::Garbage`],
///   [`TmcFault::Duplicate`].
///
/// Every application is recorded ([`TmcGateway::applied_faults`](super::TmcGateway::applied_faults)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TmcFault {
    /// The next CONNECT, valid or not, gets a CONNECTACK with this StatusCode and StatusPhrase
    /// (sent as given, without a Token), then the server closes the connection.
    RefuseConnect {
        /// The StatusCode (TOP's refusals are non-zero).
        status: i32,
        /// The StatusPhrase.
        phrase: String,
    },
    /// During the next push, after this many Data frames are sent (fewer if fewer are ready),
    /// the TCP connection is dropped abruptly: a TCP reset, no WebSocket close frame. The
    /// messages sent are delivered (and redelivered later, being unconfirmed); the others stay
    /// queued.
    DropAfter(usize),
    /// At the next SEND read, the server stops reading and writing on that connection for this
    /// long (no pong either: a dead-looking connection), then handles the SEND and goes on.
    Stall(Duration),
    /// Before the next push's Data frames, a binary WebSocket message with these bytes (not a
    /// valid TMC frame, unless the bytes happen to be one).
    Garbage(Vec<u8>),
    /// The next push sends its first Data frame twice (two deliveries of one message id).
    Duplicate,
    /// At the next SEND read, the server closes the connection politely instead of handling
    /// it: a WebSocket close frame, code 1001 (going away), as a server that restarts.
    Close,
}

/// Where a fault applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Point {
    Connect,
    Send,
    Push,
}

impl TmcFault {
    /// [`TmcFault::RefuseConnect`].
    pub fn refuse_connect(status: i32, phrase: impl Into<String>) -> Self {
        TmcFault::RefuseConnect {
            status,
            phrase: phrase.into(),
        }
    }

    /// [`TmcFault::DropAfter`].
    pub fn drop_after(frames: usize) -> Self {
        TmcFault::DropAfter(frames)
    }

    /// [`TmcFault::Stall`].
    pub fn stall(duration: Duration) -> Self {
        TmcFault::Stall(duration)
    }

    /// [`TmcFault::Garbage`].
    pub fn garbage(bytes: impl Into<Vec<u8>>) -> Self {
        TmcFault::Garbage(bytes.into())
    }

    /// [`TmcFault::Duplicate`].
    pub fn duplicate() -> Self {
        TmcFault::Duplicate
    }

    /// [`TmcFault::Close`].
    pub fn close() -> Self {
        TmcFault::Close
    }

    pub(crate) fn point(&self) -> Point {
        match self {
            TmcFault::RefuseConnect { .. } => Point::Connect,
            TmcFault::Stall(_) | TmcFault::Close => Point::Send,
            TmcFault::DropAfter(_) | TmcFault::Garbage(_) | TmcFault::Duplicate => Point::Push,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_has_its_point() {
        assert_eq!(TmcFault::refuse_connect(29, "no").point(), Point::Connect);
        assert_eq!(TmcFault::stall(Duration::from_secs(1)).point(), Point::Send);
        assert_eq!(TmcFault::close().point(), Point::Send);
        assert_eq!(TmcFault::drop_after(2).point(), Point::Push);
        assert_eq!(TmcFault::garbage(vec![1, 2]).point(), Point::Push);
        assert_eq!(TmcFault::duplicate().point(), Point::Push);
        assert_eq!(
            TmcFault::refuse_connect(7, "x"),
            TmcFault::RefuseConnect {
                status: 7,
                phrase: "x".to_owned()
            }
        );
    }
}
