//! The lenient scalars: `i64`, `bool`, `String` and [`Secret`], [`DateTime`], [`Decimal`] and
//! [`Json`], each read from any of the shapes TOP sends it in.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Lenient, scalar_opt};
use crate::{DateTime, Decimal, Json, Secret, time};

// ---------------------------------------------------------------------------------------
// i64

/// A 64-bit integer: a JSON integer or a numeric string.
pub(crate) fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(I64Visitor)
}

impl Lenient for i64 {
    /// A JSON integer, a float without fraction, or a numeric string (`"12"`, `" -3 "`,
    /// `"50.0"`); fractions and values outside the 64-bit range are errors.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_i64(d)
    }

    fn deserialize_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        scalar_opt(d, I64Visitor)
    }
}

struct I64Visitor;

impl Visitor<'_> for I64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 64-bit integer (a number or a numeric string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v)
            .map_err(|_| E::custom(format_args!("{v} does not fit in a 64-bit integer")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^63 is exactly representable; every integral f64 in [-2^63, 2^63) fits in an i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() != 0.0 || !v.is_finite() {
            Err(E::custom(format_args!("{v} is not an integer")))
        } else if (-LIMIT..LIMIT).contains(&v) {
            // Exact: integral and in range.
            Ok(v as i64)
        } else {
            Err(E::custom(format_args!(
                "{v} does not fit in a 64-bit integer"
            )))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        // Trimmed; `"50.0"`, an integer written with a zero fraction, as `50` (TOP's one rule).
        let t = topgen_spec::scalar::integer_text(v);
        t.parse::<i64>().map_err(|_| {
            if t.parse::<i128>().is_ok() {
                E::custom(format_args!("{t} does not fit in a 64-bit integer"))
            } else {
                E::custom(format_args!("expected a 64-bit integer, found {v:?}"))
            }
        })
    }
}

// ---------------------------------------------------------------------------------------
// bool

impl Lenient for bool {
    /// A JSON boolean, `"true"`/`"false"` (any case), or `1`/`0` as a number or string.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor)
    }

    fn deserialize_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        scalar_opt(d, BoolVisitor)
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (true/false, \"true\"/\"false\", 1/0)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!("expected a boolean, found {v}"))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!("expected a boolean, found {v}"))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        topgen_spec::scalar::bool_text(v)
            .ok_or_else(|| E::custom(format_args!("expected a boolean, found {v:?}")))
    }
}

// ---------------------------------------------------------------------------------------
// String, Secret

/// Any JSON scalar as text: strings as they are, numbers in decimal, booleans as
/// `true`/`false`.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringVisitor)
}

impl Lenient for String {
    /// Any JSON scalar: a string, a number (in decimal) or a boolean (`true`/`false`); an
    /// empty XML element is `""`.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_string(d)
    }
}

impl Lenient for Secret {
    /// Like `String`.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_string(d).map(Secret::from)
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a number or boolean)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // Shortest text that reads back as the same f64, never with an exponent.
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(if v { "true" } else { "false" }.to_owned())
    }

    /// An empty XML element (`<msg/>`) is an empty string.
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

// ---------------------------------------------------------------------------------------
// DateTime

impl Lenient for DateTime {
    /// `yyyy-MM-dd HH:mm:ss` at GMT+8 (optionally with a fraction of a second), a bare
    /// `yyyy-MM-dd` (midnight GMT+8), RFC 3339 (what `Serialize` writes), or epoch
    /// milliseconds as a number or numeric string. The result is at `+08:00`.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }

    fn deserialize_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        scalar_opt(d, DateVisitor)
    }
}

struct DateVisitor;

impl DateVisitor {
    fn millis<E: de::Error>(ms: i64) -> Result<DateTime, E> {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&time::GMT8))
            .ok_or_else(|| E::custom(format_args!("epoch milliseconds {ms} are out of range")))
    }
}

impl Visitor<'_> for DateVisitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date `yyyy-MM-dd HH:mm:ss` (GMT+8) or epoch milliseconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
        Self::millis(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
        i64::try_from(v)
            .map_err(|_| E::custom(format_args!("epoch milliseconds {v} are out of range")))
            .and_then(Self::millis)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
        let t = v.trim();
        if let Ok(date) = time::parse(t) {
            return Ok(date);
        }
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f") {
            if let Some(date) = naive.and_local_timezone(time::GMT8).single() {
                return Ok(date);
            }
        }
        if let Ok(day) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            if let Some(date) = day
                .and_hms_opt(0, 0, 0)
                .and_then(|naive| naive.and_local_timezone(time::GMT8).single())
            {
                return Ok(date);
            }
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc3339(t) {
            return Ok(date.with_timezone(&time::GMT8));
        }
        let digits = t.strip_prefix('-').unwrap_or(t);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return match t.parse::<i64>() {
                Ok(ms) => Self::millis(ms),
                Err(_) => Err(E::custom(format_args!(
                    "epoch milliseconds {t} are out of range"
                ))),
            };
        }
        Err(E::custom(format_args!(
            "invalid TOP date {v:?}: expected `yyyy-MM-dd HH:mm:ss` (GMT+8) or epoch milliseconds"
        )))
    }
}

// ---------------------------------------------------------------------------------------
// Decimal

impl Lenient for Decimal {
    /// A decimal string (`"0.10"` keeps its scale; exponents like `"1.5E3"` are accepted) or a
    /// JSON number. A JSON integer is exact; a JSON fraction has already become an `f64` in
    /// the parser, so it is read from that float's shortest round-trip text (`0.1` → `0.1`,
    /// never `0.1000000000000000055…`), which is the text TOP sent whenever it had at most
    /// 15 significant digits. TOP sends `Price`/`BigDecimal` as strings, which are always
    /// exact.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    fn deserialize_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        scalar_opt(d, DecimalVisitor)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number (a string or a number)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        let text = v.to_string();
        Decimal::from_str_exact(&text)
            .or_else(|_| text.parse::<Decimal>())
            .map_err(|_| E::custom(format_args!("{v} is out of range for a decimal")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        let t = v.trim();
        Decimal::from_str_exact(t)
            .or_else(|_| Decimal::from_scientific(t))
            .map_err(|_| E::custom(format_args!("expected a decimal number, found {v:?}")))
    }
}

// ---------------------------------------------------------------------------------------
// Json

impl Lenient for Json {
    /// Any JSON value, as it is.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Json::deserialize(d)
    }
}
