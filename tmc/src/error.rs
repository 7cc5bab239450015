//! The consumer's errors.

use std::fmt;

/// Why a consumer could not be built, could not connect for good, or could not publish.
///
/// Only [`Error::Refused`] ends a running consumer: every other failure of a connection
/// (refused TCP, a failed TLS or WebSocket handshake, a dropped or silent connection, a
/// garbage frame) is retried with backoff, and shows in the logs and in [`Stats`](crate::Stats).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot work: which setting, and what was expected.
    Config(String),
    /// TOP answered the CONNECT with a non-zero status (a bad sign, an unknown app key, …).
    /// Not retried: the same credentials would be refused again.
    Refused {
        /// The CONNECTACK's StatusCode.
        status: i32,
        /// Its StatusPhrase (empty if it had none).
        phrase: String,
    },
    /// The consumer has stopped: nothing more can be published through it.
    Stopped,
    /// A blocking call (`blocking::Running`, feature `blocking`) made inside an async runtime,
    /// where blocking would stall it: use the async [`Running`](crate::Running) there.
    InsideAsyncRuntime,
    /// A message to publish could not be sent: not connected within the publish timeout, or
    /// the connection failed while sending it (it may or may not have reached TOP).
    Publish(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "TMC consumer configuration: {message}"),
            Error::Refused { status, phrase } if phrase.is_empty() => {
                write!(f, "TMC refused the connection: status {status}")
            }
            Error::Refused { status, phrase } => {
                write!(f, "TMC refused the connection: status {status}: {phrase}")
            }
            Error::Stopped => f.write_str("the TMC consumer has stopped"),
            Error::InsideAsyncRuntime => f.write_str(
                "a blocking TMC call inside an async runtime (use the async consumer there)",
            ),
            Error::Publish(message) => write!(f, "TMC publish: {message}"),
        }
    }
}

impl std::error::Error for Error {}
