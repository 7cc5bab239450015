//! TOP dates: `yyyy-MM-dd HH:mm:ss` wall time in GMT+8.
//!
//! TOP reads and writes every date, the `timestamp` system param included, as Beijing wall
//! time. The host's time zone never matters here: [`now`] and [`format`](fn@format) convert to the fixed
//! `+08:00` offset, and [`parse`] reads text as `+08:00`.

use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

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
    let mut out = String::with_capacity(19);
    format_into(t, &mut out);
    out
}

/// Appends `t` as [`format`](fn@format) writes it to `out`.
pub(crate) fn format_into(t: &DateTime, out: &mut String) {
    let wall = t.with_timezone(&GMT8).naive_local();
    let year = wall.year();
    // chrono's `%Y` signs years outside 0..=9999, and `%S` writes a leap second as `60`:
    // leave those rare cases to chrono. Everything else is written digit by digit, the same
    // text without the cost of interpreting FORMAT on every call.
    if !(0..=9999).contains(&year) || wall.nanosecond() >= 1_000_000_000 {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", wall.format(FORMAT));
        return;
    }
    let mut text = *b"0000-00-00 00:00:00";
    let mut put = |at: usize, width: usize, mut value: u32| {
        for i in (at..at + width).rev() {
            // A digit: `value % 10` is below 10.
            text[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, wall.month());
    put(8, 2, wall.day());
    put(11, 2, wall.hour());
    put(14, 2, wall.minute());
    put(17, 2, wall.second());
    // ASCII digits and separators only.
    out.push_str(std::str::from_utf8(&text).unwrap_or_default());
}

/// Reads `yyyy-MM-dd HH:mm:ss` as a wall time at `+08:00`.
pub fn parse(s: &str) -> Result<DateTime, ParseDateError> {
    parse_canonical(s)
        .or_else(|| NaiveDateTime::parse_from_str(s, FORMAT).ok())
        .and_then(|naive| naive.and_local_timezone(GMT8).single())
        .ok_or_else(|| ParseDateError::new(s))
}

/// The common case of [`parse`] without chrono's format interpreter: exactly
/// `dddd-dd-dd dd:dd:dd` with a valid date and time. Anything else (`None`) goes to chrono,
/// which accepts and refuses the same texts it always did.
fn parse_canonical(s: &str) -> Option<NaiveDateTime> {
    let b: &[u8; 19] = s.as_bytes().try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 7)?, num(8, 10)?)?;
    let time = NaiveTime::from_hms_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?)?;
    Some(NaiveDateTime::new(date, time))
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

    /// The fast paths write and read exactly what chrono's `FORMAT` does.
    #[test]
    fn fast_paths_agree_with_chrono() {
        let chrono_format = |t: &DateTime| t.with_timezone(&GMT8).format(FORMAT).to_string();
        let chrono_parse = |s: &str| {
            NaiveDateTime::parse_from_str(s, FORMAT)
                .ok()
                .and_then(|n| n.and_local_timezone(GMT8).single())
        };
        // Every ~37 hours and 7 seconds over 1900..2100, at several offsets.
        let step = 37 * 3600 + 7;
        let mut seconds = Utc
            .with_ymd_and_hms(1900, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let end = Utc
            .with_ymd_and_hms(2100, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let offsets = [0, 8 * 3600, -5 * 3600, 5 * 3600 + 45 * 60];
        let mut checked = 0;
        while seconds < end {
            let utc = chrono::DateTime::from_timestamp(seconds, 0).unwrap();
            let offset = FixedOffset::east_opt(offsets[checked % offsets.len()]).unwrap();
            let t = utc.with_timezone(&offset);
            let text = format(&t);
            assert_eq!(text, chrono_format(&t));
            assert_eq!(parse(&text).ok(), chrono_parse(&text));
            assert_eq!(parse(&text).unwrap(), t);
            seconds += step;
            checked += 1;
        }
        assert!(checked > 40_000, "{checked}");
        // Texts the fast path leaves to chrono, or refuses, are judged as chrono judges them.
        for text in [
            "2026-02-29 00:00:00",
            "2024-02-29 23:59:59",
            "2026-11-28 23:59:60",
            "2026-11-28 24:00:00",
            "2026-00-10 00:00:00",
            "0000-01-01 00:00:00",
            "9999-12-31 23:59:59",
            "2026-1-5 1:02:03",
            "2026-11-28  12:00:00",
            "+2026-11-28 12:00:00",
            "2026-11-28 12:00:0x",
            "２０２６-11-28 12:00",
        ] {
            assert_eq!(parse(text).ok(), chrono_parse(text), "{text}");
        }
        // Years chrono writes with a sign, and a leap second.
        for t in [
            GMT8.with_ymd_and_hms(10_000, 1, 2, 3, 4, 5).unwrap(),
            GMT8.with_ymd_and_hms(-1, 1, 2, 3, 4, 5).unwrap(),
            GMT8.from_local_datetime(
                &NaiveDate::from_ymd_opt(2016, 12, 31)
                    .unwrap()
                    .and_hms_milli_opt(23, 59, 59, 1_000)
                    .unwrap(),
            )
            .unwrap(),
        ] {
            assert_eq!(format(&t), chrono_format(&t));
        }
        assert_eq!(
            format(&GMT8.with_ymd_and_hms(10_000, 1, 2, 3, 4, 5).unwrap()),
            "+10000-01-02 03:04:05"
        );
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
