//! The messages queued for consumer groups ([`QueuedMessage`]), and what becomes of each:
//! ready, delivered (in flight), confirmed, failed, redelivered.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use topgen_tmc::{Content, Data};

/// The id of the first message queued: 2^53 + 1, the first integer an `f64` cannot hold.
/// Ids go up by 2 (2^53 + 3, 2^53 + 5, …): every one is odd and above 2^53, so none survives a
/// trip through a float (a client that parses ids as JSON numbers into `f64`, as JavaScript
/// does, confirms a wrong id).
pub const FIRST_MESSAGE_ID: i64 = (1 << 53) + 1;

/// A message to queue for a consumer group ([`TmcGateway::queue`](super::TmcGateway::queue)):
/// its topic and JSON content, and the optional fields of TMC's Data message.
///
/// The gateway gives it its `id`; `time` is when it was queued (unless set), `outtime` when it
/// is pushed. Fields not set are not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    pub(crate) topic: String,
    pub(crate) content: String,
    pub(crate) user_id: Option<i64>,
    pub(crate) nick: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) data_id: Option<i64>,
    pub(crate) time: Option<i64>,
    pub(crate) gzip: bool,
}

impl QueuedMessage {
    /// A message of `topic` (`taobao_trade_TradeCreate`) with this content, JSON text (sent as
    /// given: invalid JSON too, to test a consumer with it).
    pub fn new(topic: impl Into<String>, content: impl Into<String>) -> Self {
        QueuedMessage {
            topic: topic.into(),
            content: content.into(),
            user_id: None,
            nick: None,
            publisher: None,
            data_id: None,
            time: None,
            gzip: false,
        }
    }

    /// `userid` (Int64): the user the event is about.
    pub fn user_id(mut self, user_id: i64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// `nick`: that user's nick.
    pub fn nick(mut self, nick: impl Into<String>) -> Self {
        self.nick = Some(nick.into());
        self
    }

    /// `publisher`: the app key of the publisher.
    pub fn publisher(mut self, publisher: impl Into<String>) -> Self {
        self.publisher = Some(publisher.into());
        self
    }

    /// `dataid` (Int64).
    pub fn data_id(mut self, data_id: i64) -> Self {
        self.data_id = Some(data_id);
        self
    }

    /// `time` (Date), milliseconds since the Unix epoch: when it was published (default: when
    /// it is queued).
    pub fn time(mut self, epoch_millis: i64) -> Self {
        self.time = Some(epoch_millis);
        self
    }

    /// Sends `content` as a ByteArray of gzip-compressed JSON instead of a CountedString, as
    /// TOP may (default: off).
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The content, as queued (before any compression).
    pub fn content(&self) -> &str {
        &self.content
    }
}

/// Where a pending message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    /// Waiting to be pushed.
    Ready,
    /// Pushed, neither confirmed nor failed yet: ready again at `due`.
    InFlight { due: Instant },
    /// Failed: ready again at `due`.
    Failed { due: Instant },
}

#[derive(Debug)]
struct Entry {
    message: QueuedMessage,
    time: i64,
    at: Where,
    deliveries: u64,
}

#[derive(Debug, Default)]
struct Group {
    /// Ids ready to push, in order; may hold ids that are no longer ready (skipped).
    ready: VecDeque<i64>,
    pending: HashMap<i64, Entry>,
}

/// When a message becomes ready again (checked against its entry when due: stale timers of
/// confirmed or re-delivered messages are dropped).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    due: Instant,
    id: i64,
    group: String,
}

/// Every group's messages.
#[derive(Debug)]
pub(crate) struct Queues {
    groups: BTreeMap<String, Group>,
    timers: BinaryHeap<Reverse<Timer>>,
    next_id: i64,
}

/// A Data message to push, with its id.
pub(crate) struct Push {
    pub id: i64,
    pub data: Data,
}

/// `now + delay`, or far in the future if that is not representable.
pub(crate) fn later(now: Instant, delay: Duration) -> Instant {
    now.checked_add(delay)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

impl Queues {
    pub(crate) fn new() -> Self {
        Queues {
            groups: BTreeMap::new(),
            timers: BinaryHeap::new(),
            next_id: FIRST_MESSAGE_ID,
        }
    }

    /// Queues `message` for `group`, ready now; its id.
    pub(crate) fn queue(&mut self, group: &str, message: QueuedMessage, now_millis: i64) -> i64 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(2);
        let group = self.groups.entry(group.to_owned()).or_default();
        group.ready.push_back(id);
        group.pending.insert(
            id,
            Entry {
                time: message.time.unwrap_or(now_millis),
                message,
                at: Where::Ready,
                deliveries: 0,
            },
        );
        id
    }

    /// Makes ready the messages whose delay is over; whether any became ready.
    pub(crate) fn promote_due(&mut self, now: Instant) -> bool {
        let mut changed = false;
        while self.timers.peek().is_some_and(|t| t.0.due <= now) {
            let Some(Reverse(timer)) = self.timers.pop() else {
                break;
            };
            let Some(group) = self.groups.get_mut(&timer.group) else {
                continue;
            };
            let Some(entry) = group.pending.get_mut(&timer.id) else {
                continue;
            };
            if matches!(entry.at, Where::InFlight { due } | Where::Failed { due } if due == timer.due)
            {
                entry.at = Where::Ready;
                group.ready.push_back(timer.id);
                changed = true;
            }
        }
        changed
    }

    /// When the next message becomes ready again, if one will.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.timers.peek().map(|t| t.0.due)
    }

    fn timer(&mut self, group: &str, id: i64, due: Instant) {
        self.timers.push(Reverse(Timer {
            due,
            id,
            group: group.to_owned(),
        }));
    }

    /// Whether `group` has a message ready now (after [`Queues::promote_due`]).
    pub(crate) fn has_ready(&self, group: &str) -> bool {
        self.ready(group) > 0
    }

    /// Takes up to `max` ready messages of `group` for a push: each is in flight until `due`.
    pub(crate) fn take(
        &mut self,
        group_name: &str,
        max: usize,
        now: Instant,
        now_millis: i64,
        redeliver_after: Duration,
    ) -> Vec<Push> {
        let due = later(now, redeliver_after);
        let mut out = Vec::new();
        let Some(group) = self.groups.get_mut(group_name) else {
            return out;
        };
        while out.len() < max {
            let Some(id) = group.ready.pop_front() else {
                break;
            };
            let Some(entry) = group.pending.get_mut(&id) else {
                continue;
            };
            if entry.at != Where::Ready {
                continue;
            }
            entry.at = Where::InFlight { due };
            entry.deliveries += 1;
            out.push(Push {
                id,
                data: data(id, entry, now_millis),
            });
        }
        for push in &out {
            self.timer(group_name, push.id, due);
        }
        out
    }

    /// A Confirm of message `id` from a connection of `group`: accepted (the message is gone)
    /// if it is pending there and was delivered at least once.
    pub(crate) fn confirm(&mut self, group: &str, id: i64) -> bool {
        let Some(g) = self.groups.get_mut(group) else {
            return false;
        };
        if g.pending.get(&id).is_some_and(|e| e.deliveries > 0) {
            g.pending.remove(&id);
            return true;
        }
        false
    }

    /// A Failed of message `id` from a connection of `group`: accepted (ready again after
    /// `delay`) if it is in flight.
    pub(crate) fn fail(&mut self, group: &str, id: i64, now: Instant, delay: Duration) -> bool {
        let due = later(now, delay);
        let Some(entry) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.pending.get_mut(&id))
        else {
            return false;
        };
        if !matches!(entry.at, Where::InFlight { .. }) {
            return false;
        }
        entry.at = Where::Failed { due };
        self.timer(group, id, due);
        true
    }

    /// Messages of `group` not confirmed yet: ready, in flight or failed.
    pub(crate) fn pending(&self, group: &str) -> usize {
        self.groups.get(group).map_or(0, |g| g.pending.len())
    }

    /// Each group that ever had a message, with its pending count, in name order.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (&str, usize)> {
        self.groups
            .iter()
            .map(|(name, g)| (name.as_str(), g.pending.len()))
    }

    /// Messages of `group` ready to push.
    pub(crate) fn ready(&self, group: &str) -> usize {
        self.groups.get(group).map_or(0, |g| {
            g.pending.values().filter(|e| e.at == Where::Ready).count()
        })
    }
}

/// The Data message of a push.
fn data(id: i64, entry: &Entry, now_millis: i64) -> Data {
    let m = &entry.message;
    let content = if m.gzip {
        // Compressing into memory does not fail; if it did, the text is sent as is.
        crate::server::gzip_bytes(m.content.as_bytes())
            .map_or_else(|| Content::Text(m.content.clone()), Content::Bytes)
    } else {
        Content::Text(m.content.clone())
    };
    Data {
        id: Some(id),
        topic: Some(m.topic.clone()),
        content: Some(content),
        time: Some(entry.time),
        publisher: m.publisher.clone(),
        user_id: m.user_id,
        nick: m.nick.clone(),
        data_id: m.data_id,
        out_time: Some(now_millis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ids_are_odd_above_two_to_the_53() {
        let mut q = Queues::new();
        let a = q.queue("g", QueuedMessage::new("t", "{}"), 0);
        let b = q.queue("g", QueuedMessage::new("t", "{}"), 0);
        assert_eq!(a, 9_007_199_254_740_993);
        assert_eq!(b, a + 2);
        for id in [a, b] {
            assert_ne!(id as f64 as i64, id, "{id} survives f64");
        }
    }

    #[test]
    fn a_message_goes_ready_in_flight_failed_ready_confirmed() {
        let mut q = Queues::new();
        let t0 = Instant::now();
        let id = q.queue("g", QueuedMessage::new("t", r#"{"a":1}"#).user_id(7), 1000);
        assert_eq!((q.pending("g"), q.ready("g")), (1, 1));
        // A confirm before any delivery is not one.
        assert!(!q.confirm("g", id));

        let pushed = q.take("g", 10, t0, 2000, 100 * MS);
        assert_eq!(pushed.len(), 1);
        let data = &pushed[0].data;
        assert_eq!(
            (data.id, data.time, data.out_time),
            (Some(id), Some(1000), Some(2000))
        );
        assert_eq!(data.user_id, Some(7));
        assert_eq!(data.content, Some(Content::Text(r#"{"a":1}"#.to_owned())));
        assert_eq!((q.pending("g"), q.ready("g")), (1, 0));
        assert!(q.take("g", 10, t0, 0, 100 * MS).is_empty());

        // Failed: ready again after its delay, not before; the in-flight timer is stale.
        assert!(q.fail("g", id, t0, 10 * MS));
        assert!(
            !q.fail("g", id, t0, 10 * MS),
            "a second Failed is not taken"
        );
        assert!(!q.promote_due(t0 + 5 * MS));
        assert!(q.promote_due(t0 + 10 * MS));
        assert_eq!(q.ready("g"), 1);
        assert!(
            !q.promote_due(t0 + 200 * MS),
            "the in-flight timer was stale"
        );
        assert_eq!(q.next_due(), None);

        let again = q.take("g", 10, t0 + 20 * MS, 0, 100 * MS);
        assert_eq!(again.len(), 1);
        assert!(!q.confirm("other", id));
        assert!(q.confirm("g", id));
        assert!(!q.confirm("g", id));
        assert_eq!(q.pending("g"), 0);
    }

    #[test]
    fn unconfirmed_messages_come_back_after_the_redelivery_delay() {
        let mut q = Queues::new();
        let t0 = Instant::now();
        let ids: Vec<i64> = (0..3)
            .map(|_| q.queue("g", QueuedMessage::new("t", "{}"), 0))
            .collect();
        let first = q.take("g", 2, t0, 0, 50 * MS);
        assert_eq!(first.iter().map(|p| p.id).collect::<Vec<_>>(), ids[..2]);
        assert_eq!(q.next_due(), Some(t0 + 50 * MS));
        assert!(q.promote_due(t0 + 50 * MS));
        // The third first (it was ready before), then the two redelivered.
        let second: Vec<i64> = q
            .take("g", 5, t0 + 60 * MS, 0, 50 * MS)
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(second, vec![ids[2], ids[0], ids[1]]);
        // A late confirm of a redelivered message still counts.
        assert!(q.confirm("g", ids[0]));
    }

    #[test]
    fn gzip_content_is_a_byte_array_that_inflates_to_the_json() {
        use std::io::Read as _;
        let mut q = Queues::new();
        q.queue("g", QueuedMessage::new("t", r#"{"tid":1}"#).gzip(true), 0);
        let pushed = q.take("g", 1, Instant::now(), 0, MS);
        let Some(Content::Bytes(bytes)) = &pushed[0].data.content else {
            panic!("not bytes: {:?}", pushed[0].data.content);
        };
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, r#"{"tid":1}"#);
    }

    #[test]
    fn huge_delays_do_not_overflow() {
        let now = Instant::now();
        assert!(later(now, Duration::MAX) > now);
    }
}
