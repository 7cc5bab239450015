//! Lenient decoding of TOP replies, like the official SDK's.
//!
//! TOP is loose about types: a `Number` may arrive as `"12"`, a `Boolean` as `"true"`, a
//! `String` as any scalar, a `Date` as `yyyy-MM-dd HH:mm:ss` or epoch milliseconds, and a list
//! is usually wrapped in an object named after its element type:
//! `"items": {"oss_token_d_os": [ … ]}`. Generated fields decode through [`opt`]:
//!
//! ```
//! # use topgen_runtime::__private::de;
//! #[derive(serde::Deserialize)]
//! struct Reply {
//!     #[serde(default, deserialize_with = "de::opt")]
//!     total: Option<i64>,
//!     #[serde(default, deserialize_with = "de::opt")]
//!     names: Option<Vec<String>>,
//! }
//! let r: Reply = serde_json::from_str(r#"{"total": "2", "names": {"string": ["a", "b"]}}"#)?;
//! assert_eq!(r.total, Some(2));
//! assert_eq!(r.names, Some(vec!["a".to_owned(), "b".to_owned()]));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Object types opt in with `impl Object for Foo {}` and then decode with their own
//! `Deserialize`, so they can appear in lists too.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

mod lists;
mod scalars;
mod structs;

pub(crate) use scalars::{lenient_i64, lenient_string};
pub use structs::{Object, Source, Struct, decode_struct};

/// Decodes an optional field leniently: `null` (or an absent field, with `#[serde(default)]`)
/// is `None`, anything else goes through [`Lenient`].
///
/// Use as `#[serde(default, deserialize_with = "::topgen_runtime::__private::de::opt")]` on an
/// `Option<T>` field.
pub fn opt<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize_lenient_opt(d)
}

/// Decodes a required field leniently, for `#[serde(deserialize_with = "…::de::lenient")]`.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::deserialize_lenient(d)
}

/// A type TOP may send in more than one shape (see the module docs of `de`).
pub trait Lenient: Sized {
    /// Decodes `Self` from any of the shapes TOP uses for it.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Decodes an optional `Self`: `null` is `None`, anything else goes through
    /// [`deserialize_lenient`](Lenient::deserialize_lenient). Numbers, booleans, dates and
    /// decimals also read an empty XML element (`<total/>`, a unit value) as `None`; strings
    /// read it as `""`, lists as `[]` and objects as an object with every field absent.
    fn deserialize_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Option::<LenientValue<Self>>::deserialize(d).map(|v| v.map(|LenientValue(t)| t))
    }
}

/// Decodes an optional scalar read by `visitor`, a unit value (an empty XML element) being
/// `None` like `null`.
fn scalar_opt<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    d: D,
    visitor: V,
) -> Result<Option<V::Value>, D::Error> {
    d.deserialize_option(UnitIsNone(visitor))
}

/// Wraps a scalar visitor: `null`, a unit value and an absent value are `None`, everything
/// else is the inner visitor's.
struct UnitIsNone<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for UnitIsNone<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.0.visit_bool(v).map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.0.visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.0.visit_u64(v).map(Some)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        self.0.visit_i128(v).map(Some)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        self.0.visit_u128(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.visit_f64(v).map(Some)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<Self::Value, E> {
        self.0.visit_char(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.0.visit_str(v).map(Some)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.0.visit_borrowed_str(v).map(Some)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.0.visit_string(v).map(Some)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        self.0.visit_bytes(v).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }
}

/// A value decoded through [`Lenient`], so it can be nested in `Option`, sequences…
pub(super) struct LenientValue<T>(pub(super) T);

impl<'de, T: Lenient> Deserialize<'de> for LenientValue<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(LenientValue)
    }
}
#[cfg(test)]
mod tests;
