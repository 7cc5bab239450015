//! Writing decoded values back out in TOP's own text forms.
//!
//! Generated types derive `Serialize`, so a response can be stored or forwarded and read back
//! (their lenient decoding reads what is written here), and object types sent as params are
//! written as JSON. Most TOP scalars serialize as TOP writes them already (`Number` as a
//! number, `Boolean` as a boolean, `Price` / `BigDecimal` as a decimal string such as
//! `"12.50"`); a `Date` needs these helpers, because [`DateTime`]'s own `Serialize` writes
//! RFC 3339. Generated `Date` and `Date[]` fields use them:
//!
//! ```
//! # use topgen_runtime::{DateTime, time};
//! #[derive(serde::Serialize)]
//! struct Token {
//!     #[serde(serialize_with = "topgen_runtime::__private::ser::opt_date", skip_serializing_if = "Option::is_none")]
//!     expiration_time: Option<DateTime>,
//! }
//! let t = Token { expiration_time: Some(time::parse("2021-08-04 00:00:00")?) };
//! assert_eq!(serde_json::to_string(&t)?, r#"{"expiration_time":"2021-08-04 00:00:00"}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::{DateTime, time};

/// A date as TOP writes it: `yyyy-MM-dd HH:mm:ss` at GMT+8, whatever the value's offset; a
/// fraction of a second is kept (`2021-08-04 00:00:00.250`) when there is one, so the value
/// reads back exactly.
pub fn date_text(t: &DateTime) -> String {
    t.with_timezone(&time::GMT8)
        .format("%Y-%m-%d %H:%M:%S%.f")
        .to_string()
}

/// Serializes an optional `Date` field as [`date_text`] (`None` as `null`, for fields that
/// are not skipped when absent).
pub fn opt_date<S: Serializer>(value: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(t) => s.serialize_str(&date_text(t)),
        None => s.serialize_none(),
    }
}

/// Serializes an optional `Date[]` field as a list of [`date_text`]s.
pub fn opt_dates<S: Serializer>(value: &Option<Vec<DateTime>>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(list) => s.collect_seq(list.iter().map(date_text)),
        None => s.serialize_none(),
    }
}

/// Writes a generated struct field by field, for its `Serialize`: present fields in order,
/// absent ones skipped (as `skip_serializing_if = "Option::is_none"` does), dates as
/// [`date_text`]. What `#[derive(Serialize)]` with those attributes writes, with one call per
/// field instead of a wrapper type per date field, all shared here.
///
/// ```
/// use serde::{Serialize, Serializer};
/// use topgen_runtime::__private::ser::StructWriter;
/// use topgen_runtime::{DateTime, time};
///
/// struct Token {
///     name: Option<String>,
///     size: Option<i64>,
///     expires: Option<DateTime>,
/// }
///
/// impl Serialize for Token {
///     fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
///         let present = [self.name.is_some(), self.size.is_some(), self.expires.is_some()];
///         let mut w = StructWriter::begin(s, "Token", &present)?;
///         w.field("name", &self.name)?;
///         w.field("size", &self.size)?;
///         w.date("expires", &self.expires)?;
///         w.end()
///     }
/// }
///
/// let t = Token { name: Some("a".into()), size: None, expires: Some(time::parse("2021-08-04 00:00:00")?) };
/// assert_eq!(serde_json::to_string(&t)?, r#"{"name":"a","expires":"2021-08-04 00:00:00"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StructWriter<S: Serializer>(S::SerializeStruct);

impl<S: Serializer> StructWriter<S> {
    /// Starts the struct `name`; `present` says which fields have a value (their number is
    /// the struct's length for the serializer).
    pub fn begin(s: S, name: &'static str, present: &[bool]) -> Result<Self, S::Error> {
        let len = present.iter().filter(|p| **p).count();
        s.serialize_struct(name, len).map(StructWriter)
    }

    /// Writes an optional field, or skips it when it is `None`.
    pub fn field<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(_) => self.0.serialize_field(key, value),
            None => self.0.skip_field(key),
        }
    }

    /// Writes an optional `Date` field as [`date_text`], or skips it.
    pub fn date(&mut self, key: &'static str, value: &Option<DateTime>) -> Result<(), S::Error> {
        match value {
            Some(_) => self.0.serialize_field(key, &OptDate(value)),
            None => self.0.skip_field(key),
        }
    }

    /// Writes an optional `Date[]` field as a list of [`date_text`]s, or skips it.
    pub fn dates(
        &mut self,
        key: &'static str,
        value: &Option<Vec<DateTime>>,
    ) -> Result<(), S::Error> {
        match value {
            Some(_) => self.0.serialize_field(key, &OptDates(value)),
            None => self.0.skip_field(key),
        }
    }

    /// Ends the struct.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// An optional date written by [`opt_date`].
struct OptDate<'a>(&'a Option<DateTime>);

impl Serialize for OptDate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        opt_date(self.0, s)
    }
}

/// Optional dates written by [`opt_dates`].
struct OptDates<'a>(&'a Option<Vec<DateTime>>);

impl Serialize for OptDates<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        opt_dates(self.0, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::de;
    use chrono::{FixedOffset, TimeZone};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(
            default,
            serialize_with = "opt_date",
            deserialize_with = "de::opt",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<DateTime>,
        #[serde(
            default,
            serialize_with = "opt_dates",
            deserialize_with = "de::opt",
            skip_serializing_if = "Option::is_none"
        )]
        times: Option<Vec<DateTime>>,
    }

    #[test]
    fn dates_are_written_as_top_writes_them_and_read_back() {
        let at = time::parse("2021-08-04 00:00:00").unwrap();
        let h = Holder {
            at: Some(at),
            times: Some(vec![at, time::parse("1999-12-31 23:59:59").unwrap()]),
        };
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(
            json,
            r#"{"at":"2021-08-04 00:00:00","times":["2021-08-04 00:00:00","1999-12-31 23:59:59"]}"#
        );
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), h);
        let none = Holder {
            at: None,
            times: None,
        };
        assert_eq!(serde_json::to_string(&none).unwrap(), "{}");
    }

    #[test]
    fn other_offsets_are_converted_and_fractions_kept() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let t = utc.with_ymd_and_hms(2021, 8, 3, 16, 0, 0).unwrap();
        assert_eq!(date_text(&t), "2021-08-04 00:00:00");
        let t = t + chrono::Duration::milliseconds(250);
        assert_eq!(date_text(&t), "2021-08-04 00:00:00.250");
        let h = Holder {
            at: Some(t),
            times: None,
        };
        let back: Holder = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(back.at, Some(t));
    }
}
