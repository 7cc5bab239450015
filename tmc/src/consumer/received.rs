//! [`Received`]: a Data message as handlers see it, its content inflated.

use std::io::Read;

use topgen_runtime::DateTime;

use crate::message::{Content, Data};

/// A message TOP pushed, as a handler receives it.
///
/// `content` is JSON text: a gzip-compressed content (a ByteArray on the wire) is inflated
/// before the handler sees it. Times are at GMT+8, TOP's zone.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The message id: what Confirm and Failed name. TOP may deliver one id more than once.
    pub id: i64,
    /// The topic, `taobao_trade_TradeCreate` (empty if the frame had none).
    pub topic: String,
    /// The content: the event's JSON text.
    pub content: String,
    /// When it was published.
    pub time: Option<DateTime>,
    /// When it left TOP's server.
    pub out_time: Option<DateTime>,
    /// The publisher's app key.
    pub publisher: Option<String>,
    /// The user the event is about.
    pub user_id: Option<i64>,
    /// That user's nick.
    pub nick: Option<String>,
    /// `dataid`.
    pub data_id: Option<i64>,
}

/// Why a Data message cannot be handed to a handler.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// No `id`: it cannot be confirmed nor failed.
    NoId,
    /// An id, but a content that cannot be read: the message is Failed with this reason.
    Content(i64, String),
}

impl Received {
    /// A Data message as a handler sees it; a gzip content is inflated to at most
    /// `max_content_size` bytes.
    pub(crate) fn from_data(data: Data, max_content_size: usize) -> Result<Received, Unreadable> {
        let id = data.id.ok_or(Unreadable::NoId)?;
        let content = match data.content {
            None => String::new(),
            Some(Content::Text(text)) => text,
            Some(Content::Bytes(bytes)) => {
                inflate(&bytes, max_content_size).map_err(|why| Unreadable::Content(id, why))?
            }
        };
        Ok(Received {
            id,
            topic: data.topic.unwrap_or_default(),
            content,
            time: data.time.and_then(gmt8),
            out_time: data.out_time.and_then(gmt8),
            publisher: data.publisher,
            user_id: data.user_id,
            nick: data.nick,
            data_id: data.data_id,
        })
    }
}

/// Milliseconds since the Unix epoch as a GMT+8 date-time, if in chrono's range.
fn gmt8(ms: i64) -> Option<DateTime> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600)?;
    chrono::DateTime::from_timestamp_millis(ms).map(|utc| utc.with_timezone(&offset))
}

/// Inflates a gzip-compressed UTF-8 content, refusing one larger than `limit` bytes inflated
/// (a small hostile frame must not inflate to gigabytes).
pub(crate) fn inflate(bytes: &[u8], limit: usize) -> Result<String, String> {
    let mut text = Vec::new();
    let read = flate2::read::GzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut text);
    if let Err(e) = read {
        return Err(format!("the content is a ByteArray that is not gzip: {e}"));
    }
    if text.len() > limit {
        return Err(format!(
            "the gzip content inflates to more than {limit} bytes"
        ));
    }
    String::from_utf8(text).map_err(|e| {
        format!(
            "the inflated content is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_content_is_inflated_within_its_bound() {
        assert_eq!(inflate(&gzip(b"{\"tid\":1}"), 100).unwrap(), "{\"tid\":1}");
        let big = gzip(&vec![b' '; 10_000]);
        assert!(big.len() < 100);
        assert_eq!(
            inflate(&big, 9_999).unwrap_err(),
            "the gzip content inflates to more than 9999 bytes"
        );
        assert_eq!(inflate(&big, 10_000).unwrap().len(), 10_000);
        assert!(
            inflate(b"{\"tid\":1}", 100)
                .unwrap_err()
                .contains("not gzip")
        );
        assert!(
            inflate(&gzip(&[0xff, 0xfe]), 100)
                .unwrap_err()
                .contains("not UTF-8")
        );
    }

    #[test]
    fn a_data_message_becomes_received() {
        let data = Data {
            id: Some(9_007_199_254_740_993),
            topic: Some("taobao_trade_TradeCreate".into()),
            content: Some(Content::Bytes(gzip(b"{}"))),
            time: Some(0),
            ..Data::default()
        };
        let received = Received::from_data(data, 100).unwrap();
        assert_eq!(received.id, 9_007_199_254_740_993);
        assert_eq!(received.content, "{}");
        assert_eq!(
            received.time.unwrap().to_rfc3339(),
            "1970-01-01T08:00:00+08:00"
        );
        assert!(matches!(
            Received::from_data(Data::default(), 100),
            Err(Unreadable::NoId)
        ));
        let bad = Data {
            id: Some(7),
            content: Some(Content::Bytes(vec![1, 2, 3])),
            ..Data::default()
        };
        assert!(matches!(
            Received::from_data(bad, 100),
            Err(Unreadable::Content(7, _))
        ));
    }
}
