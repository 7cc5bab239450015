//! TOP dates: `yyyy-MM-dd HH:mm:ss` wall time in GMT+8.
//!
//! TOP reads and writes every date, the `timestamp` system param included, as Beijing wall
//! time. The host's time zone never matters here: [`now`] and [`format`](fn@format) convert to the fixed
//! `+08:00` offset, and [`parse`] reads text as `+08:00`.

use std::fmt;

use chrono::{FixedOffset, NaiveDateTime, Utc};

use crate::DateTime;

/// The fixed UTC+8 offset (China Standard Time) TOP uses for every date.
pub const GMT8: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    // Evaluated at compile time: 8 h is always a valid offset.
    None => panic!("UTC+8 is a valid offset"),
};

/// The `chrono` format of a TOP date: `yyyy-MM-dd HH:mm:ss`.
pub const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The current time at `+08:00` (never the host's local time zone).
pub fn now() -> DateTime {
    Utc::now().with_timezone(&GMT8)
}

/// Writes `t` as TOP does: converted to `+08:00` whatever its offset, then
/// `yyyy-MM-dd HH:mm:ss`.
pub fn format(t: &DateTime) -> String {
    t.with_timezone(&GMT8).format(FORMAT).to_string()
}

/// Reads `yyyy-MM-dd HH:mm:ss` as a wall time at `+08:00`.
pub fn parse(s: &str) -> Result<DateTime, ParseDateError> {
    NaiveDateTime::parse_from_str(s, FORMAT)
        .ok()
        .and_then(|naive| naive.and_local_timezone(GMT8).single())
        .ok_or_else(|| ParseDateError::new(s))
}

/// A text that is not a TOP date (`yyyy-MM-dd HH:mm:ss`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateError {
    text: String,
}

impl ParseDateError {
    /// At most this many characters of the text are kept for the message.
    const MAX_CHARS: usize = 64;

    fn new(text: &str) -> Self {
        let mut kept: String = text.chars().take(Self::MAX_CHARS).collect();
        if kept.len() < text.len() {
            kept.push('…');
        }
        ParseDateError { text: kept }
    }
}

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid TOP date {:?}: expected `yyyy-MM-dd HH:mm:ss` (GMT+8)",
            self.text
        )
    }
}

impl std::error::Error for ParseDateError {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    #[test]
    fn round_trip() {
        for text in [
            "2026-11-28 12:00:00",
            "2021-08-04 00:00:00",
            "1999-12-31 23:59:59",
        ] {
            let t = parse(text).unwrap();
            assert_eq!(t.offset(), &GMT8);
            assert_eq!(format(&t), text);
        }
    }

    #[test]
    fn utc_instants_are_written_as_gmt8() {
        let utc = Utc.with_ymd_and_hms(2026, 11, 28, 4, 0, 0).unwrap();
        let t: DateTime = utc.fixed_offset();
        assert_eq!(format(&t), "2026-11-28 12:00:00");
        // Same instant as the protocol's timestamp note: 1795838400000 ms.
        assert_eq!(
            parse("2026-11-28 12:00:00").unwrap().timestamp_millis(),
            1_795_838_400_000
        );
        // Another offset is converted too, across midnight.
        let west = FixedOffset::west_opt(5 * 3600).unwrap();
        let t = west.with_ymd_and_hms(2026, 11, 27, 20, 30, 0).unwrap();
        assert_eq!(format(&t), "2026-11-28 09:30:00");
    }

    #[test]
    fn now_is_at_gmt8_and_current() {
        let before = Utc::now();
        let t = now();
        assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
        assert!((t.with_timezone(&Utc) - before).num_seconds().abs() < 5);
        // Wall hour is UTC hour + 8 (mod 24), whatever the host's zone.
        assert_eq!(t.hour(), (t.with_timezone(&Utc).hour() + 8) % 24);
    }

    #[test]
    fn parse_errors_name_the_text_and_the_format() {
        for bad in [
            "",
            "2026-11-28",
            "2026-11-28T12:00:00",
            "2026-13-01 00:00:00",
            "2026-11-28 24:00:00",
            "2026-11-28 12:00:00 extra",
            "yesterday",
        ] {
            let err = parse(bad).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(&format!("{bad:?}")), "{msg}");
            assert!(msg.contains("yyyy-MM-dd HH:mm:ss"), "{msg}");
        }
        let long = "9".repeat(500);
        let msg = parse(&long).unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
    }
}
