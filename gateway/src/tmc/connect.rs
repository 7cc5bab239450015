//! The checks of a CONNECT, in order, and the Token of a signed-in connection.
//!
//! The sign is recomputed with this crate's own md5 signing ([`crate::sign`]), not the
//! consumer's (`topgen_tmc::connect_sign`): the gateway must not share the consumer's mistakes.

use std::time::Duration;

use md5::{Digest, Md5};
use topgen_tmc::{Frame, Value};

use super::Config;
use crate::sign::{SignMethod, sign};

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedIn {
    pub app_key: String,
    pub group: String,
}

/// Why a CONNECT is refused: the CONNECTACK's StatusCode and StatusPhrase.
pub(crate) type Refusal = (i32, String);

/// A text header of the CONNECT: `Ok(None)` when absent, Void or blank; refused with
/// `invalid` when it is not a CountedString.
fn text<'f>(frame: &'f Frame, key: &str, invalid: i32) -> Result<Option<&'f str>, Refusal> {
    match frame.get(key) {
        None | Some(Value::Void) => Ok(None),
        Some(Value::CountedString(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::CountedString(s)) => Ok(Some(s)),
        Some(other) => Err((
            invalid,
            format!(
                "the CONNECT's {key} header is a {}, expected a CountedString",
                other.format_name()
            ),
        )),
    }
}

/// Checks a CONNECT (`now_millis`: the gateway's clock, ms since the Unix epoch):
///
/// | check | StatusCode |
/// |---|---|
/// | `app_key` present / one of the apps | 28 / 29 |
/// | `group_name` present | 40 (41 if not text) |
/// | `timestamp` present / epoch milliseconds within `max_skew` of now | 30 / 31 |
/// | `sign` present / the md5 sign of the three with the app's secret | 24 / 25 |
///
/// The codes are TOP's REST error codes for the same faults (the TMC SDKs do not document
/// the server's); each StatusPhrase starts with TOP's message for the code.
pub(crate) fn check(config: &Config, frame: &Frame, now_millis: i64) -> Result<SignedIn, Refusal> {
    let app_key = text(frame, "app_key", 29)?.ok_or_else(|| {
        (
            28,
            "Missing App Key: the CONNECT has no app_key header".to_owned(),
        )
    })?;
    let Some(secret) = config.apps.get(app_key) else {
        return Err((
            29,
            format!("Invalid App Key: app_key {app_key:?} is not one of this gateway's apps"),
        ));
    };
    let group = text(frame, "group_name", 41)?.ok_or_else(|| {
        (
            40,
            "Missing Required Arguments: the CONNECT has no group_name header".to_owned(),
        )
    })?;
    let timestamp = text(frame, "timestamp", 31)?.ok_or_else(|| {
        (
            30,
            "Missing Timestamp: the CONNECT has no timestamp header".to_owned(),
        )
    })?;
    check_timestamp(timestamp, now_millis, config.max_skew)?;
    let sent = text(frame, "sign", 25)?.ok_or_else(|| {
        (
            24,
            "Missing Signature: the CONNECT has no sign header".to_owned(),
        )
    })?;
    let expected = sign(
        &[
            ("app_key", app_key),
            ("group_name", group),
            ("timestamp", timestamp),
        ],
        &secret.0,
        SignMethod::Md5,
    );
    if sent != expected {
        return Err((
            25,
            "Invalid Signature: the sign is not the upper-case hex md5 of secret + \"app_key\" + app_key + \"group_name\" + group_name + \"timestamp\" + timestamp + secret".to_owned(),
        ));
    }
    Ok(SignedIn {
        app_key: app_key.to_owned(),
        group: group.to_owned(),
    })
}

/// `timestamp`: epoch milliseconds (digits only), within `max_skew` of `now_millis`.
fn check_timestamp(timestamp: &str, now_millis: i64, max_skew: Duration) -> Result<(), Refusal> {
    let millis = (timestamp.len() <= 15 && timestamp.bytes().all(|b| b.is_ascii_digit()))
        .then(|| timestamp.parse::<i64>().ok())
        .flatten()
        .ok_or_else(|| {
            (
                31,
                format!(
                    "Invalid Timestamp: the CONNECT's timestamp must be epoch milliseconds (digits); got {timestamp:?}"
                ),
            )
        })?;
    let skew = Duration::from_millis(now_millis.abs_diff(millis));
    if skew > max_skew {
        return Err((
            31,
            format!(
                "Invalid Timestamp: timestamp {timestamp} is {} ms away from the gateway's clock ({now_millis}); at most {} ms allowed",
                skew.as_millis(),
                max_skew.as_millis()
            ),
        ));
    }
    Ok(())
}

/// A fresh Token for connection `number`: UUID-shaped hex (TOP's Java server gives a random
/// UUID), unique per connection and per gateway run.
pub(crate) fn token(number: u64, salt: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let digest = Md5::digest(format!("{salt}/{number}/{nanos}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::check::Hidden;

    const NOW: i64 = 1_700_000_000_000;

    fn config() -> Config {
        let mut apps = BTreeMap::new();
        apps.insert("12345678".to_owned(), Hidden("test_secret".to_owned()));
        Config {
            apps,
            redeliver_after: Duration::from_secs(300),
            failed_redeliver_after: Duration::from_secs(1),
            batch_size: 32,
            max_skew: Duration::from_secs(600),
        }
    }

    /// The CONNECT vector of topgen-tmc's codec tests (secret `test_secret`), computed there
    /// by the runtime's signing and here by the gateway's own.
    const SIGN: &str = "0817D5DA9A361347F7AD4574C6950661";

    fn connect(app: &str, group: &str, timestamp: &str, sign: &str) -> Frame {
        Frame::connect(app, group, timestamp, sign)
    }

    #[test]
    fn a_good_connect_signs_in() {
        let frame = connect("12345678", "default", "1700000000000", SIGN);
        assert_eq!(
            check(&config(), &frame, NOW),
            Ok(SignedIn {
                app_key: "12345678".to_owned(),
                group: "default".to_owned()
            })
        );
    }

    #[test]
    fn each_check_has_its_status() {
        let code = |frame: &Frame| check(&config(), frame, NOW).map_err(|e| e.0);
        let good = connect("12345678", "default", "1700000000000", SIGN);
        let without = |key: &str| {
            let mut f = good.clone();
            f.remove(key);
            f
        };
        let with = |key: &str, value: Value| good.clone().with(key, value);
        let text = |s: &str| Value::CountedString(s.to_owned());
        assert_eq!(code(&without("app_key")), Err(28));
        assert_eq!(code(&with("app_key", text("  "))), Err(28));
        assert_eq!(code(&with("app_key", text("999"))), Err(29));
        assert_eq!(code(&with("app_key", Value::Int64(12345678))), Err(29));
        assert_eq!(code(&without("group_name")), Err(40));
        assert_eq!(code(&with("group_name", Value::Byte(1))), Err(41));
        assert_eq!(code(&without("timestamp")), Err(30));
        assert_eq!(
            code(&with("timestamp", text("2023-11-14 22:13:20"))),
            Err(31)
        );
        assert_eq!(code(&with("timestamp", text("-1700000000000"))), Err(31));
        assert_eq!(
            code(&with("timestamp", text("99999999999999999999"))),
            Err(31)
        );
        // 10 minutes and 1 ms away.
        assert_eq!(code(&with("timestamp", text("1699999399999"))), Err(31));
        assert_eq!(code(&without("sign")), Err(24));
        assert_eq!(code(&with("sign", text(&SIGN.to_lowercase()))), Err(25));
        // The sign covers the group.
        assert_eq!(code(&with("group_name", text("other"))), Err(25));
        // Exactly 10 minutes away is fine (the sign is then another one).
        let ts = "1699999400000";
        let sign = sign(
            &[
                ("app_key", "12345678"),
                ("group_name", "default"),
                ("timestamp", ts),
            ],
            "test_secret",
            SignMethod::Md5,
        );
        assert!(check(&config(), &connect("12345678", "default", ts, &sign), NOW).is_ok());
    }

    #[test]
    fn phrases_say_which_check() {
        let phrase = |frame: &Frame| check(&config(), frame, NOW).unwrap_err().1;
        assert!(
            phrase(&connect("999", "default", "1700000000000", SIGN))
                .starts_with("Invalid App Key")
        );
        assert!(
            phrase(&connect("12345678", "default", "1700000000000", "X"))
                .starts_with("Invalid Signature")
        );
        assert!(
            phrase(&connect("12345678", "default", "1", SIGN)).starts_with("Invalid Timestamp")
        );
    }

    #[test]
    fn tokens_are_uuid_shaped_and_differ() {
        let a = token(1, "x");
        let b = token(2, "x");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
