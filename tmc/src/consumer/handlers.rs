//! Handlers: which one a topic goes to, and what they return.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::Received;

/// Why a handler did not handle a message: the consumer sends Failed with this text (its
/// first 128 characters, what TOP keeps) and TOP delivers the message again later.
///
/// Any error converts into it, so a handler can use `?`; or build one from text with
/// [`HandlerError::new`].
pub struct HandlerError(Box<dyn std::error::Error + Send + Sync>);

impl HandlerError {
    /// An error with this text.
    pub fn new(message: impl Into<String>) -> HandlerError {
        HandlerError(message.into().into())
    }

    /// The error the handler returned.
    pub fn source(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for HandlerError {
    fn from(error: E) -> HandlerError {
        HandlerError(error.into())
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// What a handler returns: `Ok` confirms the message, `Err` fails it (TOP redelivers).
pub type HandlerResult = Result<(), HandlerError>;

pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send + 'static>>;

/// A registered handler.
pub(crate) type Handler = Arc<dyn Fn(Received) -> BoxFuture + Send + Sync + 'static>;

pub(crate) fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(Received) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    Arc::new(move |message| Box::pin(f(message)))
}

/// What the consumer does with a message of a topic no handler takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unhandled {
    /// Send Failed (`no handler for topic …`), so TOP delivers it again later — to this
    /// consumer, or to another of the group that handles it. Nothing is lost. The default.
    #[default]
    Fail,
    /// Confirm it: TOP drops it. For consumers that subscribe to more than they handle.
    Confirm,
}

/// The handlers of a consumer: per topic, per group prefix, and one for everything.
#[derive(Clone, Default)]
pub(crate) struct Handlers {
    topics: HashMap<String, Handler>,
    /// Longest prefix first.
    groups: Vec<(String, Handler)>,
    any: Option<Handler>,
}

impl Handlers {
    pub(crate) fn topic(&mut self, topic: String, handler: Handler) {
        self.topics.insert(topic, handler);
    }

    pub(crate) fn group(&mut self, prefix: String, handler: Handler) {
        self.groups.retain(|(p, _)| *p != prefix);
        self.groups.push((prefix, handler));
        self.groups
            .sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }

    pub(crate) fn any(&mut self, handler: Handler) {
        self.any = Some(handler);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.topics.is_empty() && self.groups.is_empty() && self.any.is_none()
    }

    /// The handler of `topic`: its own, else the longest group prefix it falls in (a prefix
    /// `taobao_trade` takes `taobao_trade` and `taobao_trade_*`), else the one for
    /// everything.
    pub(crate) fn find(&self, topic: &str) -> Option<&Handler> {
        self.topics
            .get(topic)
            .or_else(|| {
                self.groups
                    .iter()
                    .find(|(prefix, _)| in_group(topic, prefix))
                    .map(|(_, h)| h)
            })
            .or(self.any.as_ref())
    }
}

fn in_group(topic: &str, prefix: &str) -> bool {
    topic
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
}

/// The first 128 characters of a Failed message's text (TOP keeps no more).
pub(crate) fn failed_text(text: &str) -> String {
    const MAX_CHARS: usize = 128;
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(tag: &'static str) -> Handler {
        handler(move |_| async move { Err(HandlerError::new(tag)) })
    }

    async fn which(handlers: &Handlers, topic: &str) -> Option<String> {
        let handler = handlers.find(topic)?;
        let message = Received {
            id: 1,
            topic: topic.to_owned(),
            content: String::new(),
            time: None,
            out_time: None,
            publisher: None,
            user_id: None,
            nick: None,
            data_id: None,
        };
        Some(handler(message).await.unwrap_err().to_string())
    }

    #[tokio::test]
    async fn a_topic_goes_to_its_own_handler_then_the_longest_group_then_any() {
        let mut handlers = Handlers::default();
        assert!(handlers.is_empty());
        handlers.group("taobao".into(), tagged("taobao"));
        handlers.group("taobao_trade".into(), tagged("trade"));
        handlers.topic("taobao_trade_TradeCreate".into(), tagged("create"));
        let w = |t: &'static str| which(&handlers, t);
        assert_eq!(
            w("taobao_trade_TradeCreate").await.as_deref(),
            Some("create")
        );
        assert_eq!(
            w("taobao_trade_TradeSuccess").await.as_deref(),
            Some("trade")
        );
        assert_eq!(w("taobao_trade").await.as_deref(), Some("trade"));
        // A prefix is whole segments: `taobao_tradex_*` is not in group `taobao_trade`.
        assert_eq!(w("taobao_tradex_A").await.as_deref(), Some("taobao"));
        assert_eq!(w("tmall_trade_A").await, None);
        handlers.any(tagged("any"));
        assert_eq!(
            which(&handlers, "tmall_trade_A").await.as_deref(),
            Some("any")
        );
        // Registering a group again replaces it.
        handlers.group("taobao".into(), tagged("taobao2"));
        assert_eq!(
            which(&handlers, "taobao_item_A").await.as_deref(),
            Some("taobao2")
        );
    }

    #[test]
    fn failed_texts_keep_128_characters() {
        assert_eq!(failed_text("short"), "short");
        let long: String = "错".repeat(200);
        assert_eq!(failed_text(&long).chars().count(), 128);
        assert_eq!(failed_text(&long), "错".repeat(128));
        let exact = "a".repeat(128);
        assert_eq!(failed_text(&exact), exact);
    }

    #[test]
    fn any_error_converts_with_question_mark() {
        fn parse(text: &str) -> HandlerResult {
            let _: i64 = text.parse()?;
            Ok(())
        }
        assert!(parse("12").is_ok());
        assert_eq!(
            parse("x").unwrap_err().to_string(),
            "invalid digit found in string"
        );
    }
}
