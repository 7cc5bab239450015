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
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, StrDeserializer, StringDeserializer, U64Deserializer,
};
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::{DateTime, Decimal, Json, Secret, time};

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

/// A type TOP may send in more than one shape (see the [module docs](self)).
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

/// Marker implemented by generated object types (`impl ::topgen_runtime::__private::de::Object for Foo
/// {}`): their [`Lenient`] decoding is their `Deserialize`.
pub trait Object {}

impl<T: Object + DeserializeOwned> Lenient for T {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d)
    }
}

/// A struct decoded field by field: generated object types and responses implement it, and
/// their `Deserialize` is [`decode_struct`]. It decodes what `#[derive(Deserialize)]` with
/// `#[serde(default)]` on the struct and `deserialize_with = "de::opt"` on every field
/// decodes, the same way — a map (a JSON object, an XML element's children) whose known keys
/// fill their fields through [`Lenient`], unknown keys skipped, absent fields left `None`, a
/// key given twice an error; or a sequence holding the fields in order — with a fraction of
/// the code per struct: one `match` arm per field instead of a visitor, a field enum and a
/// wrapper type per field, all shared here.
///
/// ```
/// use topgen_runtime::__private::de::{self, Source, Struct};
///
/// #[derive(Debug, Default, PartialEq)]
/// struct Token {
///     total: Option<i64>,
///     names: Option<Vec<String>>,
/// }
///
/// impl Struct for Token {
///     const NAME: &'static str = "Token";
///     const FIELDS: &'static [&'static str] = &["total", "names"];
///     fn decode_field<'de, S: Source<'de>>(&mut self, index: usize, s: &mut S) -> Result<(), S::Error> {
///         match index {
///             0 => self.total = s.value()?,
///             _ => self.names = s.value()?,
///         }
///         Ok(())
///     }
/// }
///
/// impl<'de> serde::Deserialize<'de> for Token {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         de::decode_struct(d)
///     }
/// }
///
/// let t: Token = serde_json::from_str(r#"{"total": "2", "names": {"string": ["a"]}, "x": 1}"#)?;
/// assert_eq!(t, Token { total: Some(2), names: Some(vec!["a".into()]) });
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Struct: Default {
    /// The type's name, for errors (`invalid type: string, expected struct Token`).
    const NAME: &'static str;
    /// The wire names of the fields, in order.
    const FIELDS: &'static [&'static str];

    /// Decodes the value of the field `index` (of [`FIELDS`](Struct::FIELDS)) from `source`
    /// into its field, usually with [`Source::value`].
    fn decode_field<'de, S: Source<'de>>(
        &mut self,
        index: usize,
        source: &mut S,
    ) -> Result<(), S::Error>;
}

/// Implements [`Struct`] (with [`decode_struct`] as `Deserialize`) and `Serialize` (with
/// [`StructWriter`](crate::ser::StructWriter)) for a generated struct whose fields are all
/// `Option`s: one line per field, `rust_name: (index, "wire_name", writer)`, where `writer`
/// is `field`, or `date` / `dates` for `Date` and `Date[]` fields (the shape of a struct
/// expression, so that formatters lay it out as one). Generated code calls it for
/// every object type and response, so that the impls are written once, here.
///
/// ```
/// use topgen_runtime::{DateTime, time};
///
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Token {
///     pub type_: Option<String>,
///     pub expires: Option<DateTime>,
/// }
///
/// topgen_runtime::decoded_struct!(Token {
///     type_: (0, "type", field),
///     expires: (1, "expires", date),
/// });
///
/// let t: Token = serde_json::from_str(r#"{"type": 1, "expires": "2021-08-04 00:00:00"}"#)?;
/// assert_eq!(t.type_.as_deref(), Some("1"));
/// assert_eq!(serde_json::to_string(&t)?, r#"{"type":"1","expires":"2021-08-04 00:00:00"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! decoded_struct {
    ($name:ident { $($field:ident: ($index:literal, $wire:literal, $write:ident)),* $(,)? }) => {
        impl $crate::__private::de::Struct for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn decode_field<'de, S: $crate::__private::de::Source<'de>>(
                &mut self,
                index: usize,
                source: &mut S,
            ) -> ::core::result::Result<(), S::Error> {
                match index {
                    $($index => self.$field = source.value()?,)*
                    _ => {
                        let _ = source;
                    }
                }
                ::core::result::Result::Ok(())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::de::decode_struct(d)
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut w = $crate::__private::ser::StructWriter::begin(
                    s,
                    ::core::stringify!($name),
                    &[$(self.$field.is_some()),*],
                )?;
                $(w.$write($wire, &self.$field)?;)*
                w.end()
            }
        }
    };
}

/// Where [`Struct::decode_field`] reads a field's value: the value of a map entry, or the
/// next element of a sequence.
pub trait Source<'de> {
    /// The deserializer's error.
    type Error: de::Error;

    /// Decodes an optional field leniently, as [`opt`] does.
    fn value<T: Lenient>(&mut self) -> Result<Option<T>, Self::Error>;
}

/// The `Deserialize` of a [`Struct`]: see there.
pub fn decode_struct<'de, D: Deserializer<'de>, T: Struct>(d: D) -> Result<T, D::Error> {
    d.deserialize_struct(T::NAME, T::FIELDS, StructVisitor::<T>(PhantomData))
}

/// Decodes an optional lenient value as a seed.
struct OptSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> de::DeserializeSeed<'de> for OptSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient_opt(d)
    }
}

/// The value of the map entry whose key was just read.
struct MapSource<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Source<'de> for MapSource<'_, A> {
    type Error = A::Error;

    fn value<T: Lenient>(&mut self) -> Result<Option<T>, A::Error> {
        self.0.next_value_seed(OptSeed(PhantomData))
    }
}

/// The next element of a sequence; past its end, every field is absent.
struct SeqSource<'a, A>(&'a mut A);

impl<'de, A: SeqAccess<'de>> Source<'de> for SeqSource<'_, A> {
    type Error = A::Error;

    fn value<T: Lenient>(&mut self) -> Result<Option<T>, A::Error> {
        Ok(self.0.next_element_seed(OptSeed(PhantomData))?.flatten())
    }
}

/// A map key: the index of the field it names, `None` for a key the struct does not have.
struct FieldKey(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldKey {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(v).ok().filter(|&i| i < self.0.len()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| *f == v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.as_bytes() == v))
    }
}

/// The fields already given, to refuse a key given twice (as derived `Deserialize` does).
enum Seen {
    Bits(u128),
    Many(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Seen {
        if fields <= 128 {
            Seen::Bits(0)
        } else {
            Seen::Many(vec![false; fields])
        }
    }

    /// Marks field `i`; false when it was already marked.
    fn insert(&mut self, i: usize) -> bool {
        match self {
            Seen::Bits(bits) => {
                let bit = 1u128 << i;
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Seen::Many(seen) => !std::mem::replace(&mut seen[i], true),
        }
    }
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Struct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        let mut seen = Seen::new(T::FIELDS.len());
        while let Some(key) = map.next_key_seed(FieldKey(T::FIELDS))? {
            match key {
                Some(i) => {
                    if !seen.insert(i) {
                        return Err(de::Error::duplicate_field(T::FIELDS[i]));
                    }
                    value.decode_field(i, &mut MapSource(&mut map))?;
                }
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut value = T::default();
        for i in 0..T::FIELDS.len() {
            value.decode_field(i, &mut SeqSource(&mut seq))?;
        }
        Ok(value)
    }
}

/// A value decoded through [`Lenient`], so it can be nested in `Option`, sequences…
struct LenientValue<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for LenientValue<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(LenientValue)
    }
}

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
        let t = v.trim();
        // `"50.0"`: an integer written with a zero fraction.
        let t = match t.split_once('.') {
            Some((int, zeros))
                if !zeros.is_empty()
                    && zeros.bytes().all(|b| b == b'0')
                    && int.bytes().any(|b| b.is_ascii_digit()) =>
            {
                int
            }
            _ => t,
        };
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
        let t = v.trim();
        if t.eq_ignore_ascii_case("true") || t == "1" {
            Ok(true)
        } else if t.eq_ignore_ascii_case("false") || t == "0" {
            Ok(false)
        } else {
            Err(E::custom(format_args!("expected a boolean, found {v:?}")))
        }
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

// ---------------------------------------------------------------------------------------
// Vec

impl<T: Lenient> Lenient for Vec<T> {
    /// A bare array (`[…]`, as with `simplify=true`) or TOP's wrapped list: an object whose
    /// keys are all the same, named after the element type, each holding an array
    /// (`{"oss_token_d_os": […]}`) or a single element (`{"item": {…}}`, a one-element list;
    /// in XML the key repeats, once per element: `<items list="true"><item>…</item>
    /// <item>…</item></items>`). `{}`, `null`, an empty XML element and a wrapped `null` are
    /// an empty list.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Reads a bare or wrapped list.
struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, or an object with one key holding the list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        collect_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Vec::new());
        };
        let Items(mut items) = map.next_value::<Items<T>>()?;
        // XML repeats the key, once per element: `<items><item>…</item><item>…</item></items>`.
        while let Some(key) = map.next_key::<String>()? {
            if key != first {
                let (first, key): (String, String) = (
                    first.chars().take(64).collect(),
                    key.chars().take(64).collect(),
                );
                return Err(de::Error::custom(format_args!(
                    "expected a list, or an object with one key holding the list; found an object with keys `{first}`, `{key}`…"
                )));
            }
            let Items(more) = map.next_value::<Items<T>>()?;
            items.extend(more);
        }
        Ok(items)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
}

fn collect_seq<'de, T: Lenient, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    // Cap the pre-allocation: the hint comes from the peer.
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
    while let Some(LenientValue(item)) = seq.next_element::<LenientValue<T>>()? {
        out.push(item);
    }
    Ok(out)
}

/// The value inside a wrapped list: an array, or a single element.
struct Items<T>(Vec<T>);

impl<'de, T: Lenient> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Through `deserialize_option`, to tell JSON's `null` (`None`: no element) from an
        // empty XML element (`Some`, then a unit value: one empty element).
        d.deserialize_option(ItemsVisitor {
            present: false,
            _marker: PhantomData,
        })
        .map(Items)
    }
}

struct ItemsVisitor<T> {
    /// Whether the value is known to be present, so a unit value is an empty element.
    present: bool,
    _marker: PhantomData<T>,
}

impl<'de, T: Lenient> Visitor<'de> for ItemsVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or a single element")
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(ItemsVisitor {
            present: true,
            _marker: PhantomData,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        collect_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        T::deserialize_lenient(MapAccessDeserializer::new(map)).map(|t| vec![t])
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        if self.present {
            // An empty XML element in a list: `""` for a string, an object with every field
            // absent; nothing for types that have no empty value (numbers…).
            T::deserialize_lenient_opt(EmptyElement::<E>(PhantomData)).map(Vec::from_iter)
        } else {
            Ok(Vec::new())
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
        T::deserialize_lenient(BoolDeserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<T>, E> {
        T::deserialize_lenient(I64Deserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<T>, E> {
        T::deserialize_lenient(U64Deserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<T>, E> {
        T::deserialize_lenient(F64Deserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        T::deserialize_lenient(StrDeserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Vec<T>, E> {
        T::deserialize_lenient(BorrowedStrDeserializer::<E>::new(v)).map(|t| vec![t])
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<T>, E> {
        T::deserialize_lenient(StringDeserializer::<E>::new(v)).map(|t| vec![t])
    }
}

/// An empty element, present: `Some` of a unit value, an empty map or sequence, `""`.
struct EmptyElement<E>(PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for EmptyElement<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_map(de::value::MapDeserializer::<_, E>::new(
            std::iter::empty::<((), ())>(),
        ))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_seq(de::value::SeqDeserializer::<_, E>::new(
            std::iter::empty::<()>(),
        ))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_borrowed_str("")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_borrowed_str("")
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct newtype_struct tuple
        tuple_struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// Decodes `json` as an optional lenient `T`, like a generated field.
    fn field<T: Lenient>(json: &str) -> Result<Option<T>, String> {
        #[derive(Deserialize)]
        #[serde(bound = "T: Lenient")]
        struct Holder<T> {
            #[serde(default, deserialize_with = "opt")]
            v: Option<T>,
        }
        serde_json::from_str::<Holder<T>>(&format!(r#"{{"v": {json}}}"#))
            .map(|h| h.v)
            .map_err(|e| e.to_string())
    }

    fn ok<T: Lenient>(json: &str) -> T {
        match field::<T>(json) {
            Ok(Some(v)) => v,
            Ok(None) => panic!("{json}: decoded as None"),
            Err(e) => panic!("{json}: {e}"),
        }
    }

    fn err<T: Lenient + fmt::Debug>(json: &str) -> String {
        match field::<T>(json) {
            Ok(v) => panic!("{json}: decoded as {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn null_and_absent_are_none() {
        assert_eq!(field::<i64>("null"), Ok(None));
        assert_eq!(field::<Vec<String>>("null"), Ok(None));
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "opt")]
            v: Option<i64>,
        }
        let h: Holder = serde_json::from_str("{}").unwrap();
        assert_eq!(h.v, None);
    }

    #[test]
    fn integers() {
        assert_eq!(ok::<i64>("12"), 12);
        assert_eq!(ok::<i64>("-7"), -7);
        assert_eq!(ok::<i64>(r#""520000000001""#), 520_000_000_001);
        assert_eq!(ok::<i64>(r#"" 42 ""#), 42);
        assert_eq!(ok::<i64>("9223372036854775807"), i64::MAX);
        assert_eq!(ok::<i64>(r#""-9223372036854775808""#), i64::MIN);
        assert_eq!(ok::<i64>("3.0"), 3);
        assert_eq!(ok::<i64>(r#""50.0""#), 50);
        assert_eq!(ok::<i64>(r#"" -7.00 ""#), -7);
        for bad in [r#"".0""#, r#""-.0""#, r#""5.""#, r#""5.01""#] {
            let e = err::<i64>(bad);
            assert!(e.contains("expected a 64-bit integer"), "{bad}: {e}");
        }
        let e = err::<i64>("1.5");
        assert!(e.contains("1.5 is not an integer"), "{e}");
        let e = err::<i64>("9223372036854775808");
        assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
        let e = err::<i64>(r#""99999999999999999999""#);
        assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
        let e = err::<i64>("1e20");
        assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
        let e = err::<i64>(r#""12abc""#);
        assert!(
            e.contains(r#"expected a 64-bit integer, found "12abc""#),
            "{e}"
        );
        let e = err::<i64>(r#""1.5""#);
        assert!(e.contains("expected a 64-bit integer"), "{e}");
        let e = err::<i64>("true");
        assert!(e.contains("expected a 64-bit integer"), "{e}");
        let e = err::<i64>("[1]");
        assert!(e.contains("invalid type: sequence"), "{e}");
    }

    #[test]
    fn booleans() {
        assert!(ok::<bool>("true"));
        assert!(!ok::<bool>("false"));
        assert!(ok::<bool>(r#""true""#));
        assert!(!ok::<bool>(r#""False""#));
        assert!(ok::<bool>("1"));
        assert!(!ok::<bool>(r#""0""#));
        let e = err::<bool>(r#""yes""#);
        assert!(e.contains(r#"expected a boolean, found "yes""#), "{e}");
        let e = err::<bool>("2");
        assert!(e.contains("expected a boolean, found 2"), "{e}");
    }

    #[test]
    fn strings_from_any_scalar() {
        assert_eq!(ok::<String>(r#""abc""#), "abc");
        assert_eq!(ok::<String>(r#""a\"b\u00e9""#), "a\"bé");
        assert_eq!(ok::<String>("8007"), "8007");
        assert_eq!(ok::<String>("-1"), "-1");
        assert_eq!(ok::<String>("520000000000000001"), "520000000000000001");
        assert_eq!(ok::<String>("0.5"), "0.5");
        assert_eq!(ok::<String>("true"), "true");
        let e = err::<String>(r#"{"a":1}"#);
        assert!(e.contains("expected a string"), "{e}");
        let s: Secret = ok(r#""tok""#);
        assert_eq!(s.expose_secret(), "tok");
        let s: Secret = ok("123");
        assert_eq!(s.expose_secret(), "123");
    }

    #[test]
    fn dates() {
        let expected = time::parse("2026-11-28 12:00:00").unwrap();
        for json in [
            r#""2026-11-28 12:00:00""#,
            r#"" 2026-11-28 12:00:00 ""#,
            r#""2026-11-28 12:00:00.000""#,
            "1795838400000",
            r#""1795838400000""#,
            r#""2026-11-28T04:00:00Z""#,
            r#""2026-11-28T12:00:00+08:00""#,
        ] {
            let t: DateTime = ok(json);
            assert_eq!(t, expected, "{json}");
            assert_eq!(t.offset(), &time::GMT8, "{json}");
        }
        let day: DateTime = ok(r#""2021-08-04""#);
        assert_eq!(time::format(&day), "2021-08-04 00:00:00");
        // What `Serialize` writes reads back.
        let json = serde_json::to_string(&expected).unwrap();
        assert_eq!(ok::<DateTime>(&json), expected);
        let e = err::<DateTime>(r#""28/11/2026""#);
        assert!(e.contains(r#"invalid TOP date "28/11/2026""#), "{e}");
        let e = err::<DateTime>("9223372036854775807");
        assert!(e.contains("out of range"), "{e}");
        let e = err::<DateTime>(r#""99999999999999999999999""#);
        assert!(e.contains("out of range"), "{e}");
        let e = err::<DateTime>("true");
        assert!(e.contains("expected a date"), "{e}");
    }

    #[test]
    fn decimals_are_exact() {
        let d: Decimal = ok(r#""0.10""#);
        assert_eq!(d.to_string(), "0.10");
        assert_eq!(d.scale(), 2);
        assert_eq!(ok::<Decimal>(r#""12.50""#).to_string(), "12.50");
        assert_eq!(ok::<Decimal>(r#"" -3.5 ""#).to_string(), "-3.5");
        assert_eq!(ok::<Decimal>(r#""1.5E3""#).to_string(), "1500");
        assert_eq!(ok::<Decimal>("0.1").to_string(), "0.1");
        assert_eq!(ok::<Decimal>("0.3").to_string(), "0.3");
        assert_eq!(ok::<Decimal>("12345.67").to_string(), "12345.67");
        assert_eq!(ok::<Decimal>("100").to_string(), "100");
        assert_eq!(
            ok::<Decimal>("18446744073709551615").to_string(),
            "18446744073709551615"
        );
        assert_eq!(
            ok::<Decimal>(r#""12345678901234567890.123456""#).to_string(),
            "12345678901234567890.123456"
        );
        let e = err::<Decimal>(r#""12,5""#);
        assert!(
            e.contains(r#"expected a decimal number, found "12,5""#),
            "{e}"
        );
        let e = err::<Decimal>("1e300");
        assert!(e.contains("out of range for a decimal"), "{e}");
        let e = err::<Decimal>("false");
        assert!(e.contains("expected a decimal number"), "{e}");
    }

    #[test]
    fn json_is_kept_as_is() {
        let v: Json = ok(r#"{"k":[1,"2",null]}"#);
        assert_eq!(v, serde_json::json!({"k": [1, "2", null]}));
        assert_eq!(ok::<Json>("false"), Json::Bool(false));
    }

    #[derive(Debug, PartialEq, Deserialize, Serialize, Default)]
    #[serde(default)]
    struct Token {
        #[serde(deserialize_with = "opt")]
        id: Option<i64>,
        #[serde(deserialize_with = "opt")]
        tags: Option<Vec<String>>,
    }
    impl Object for Token {}

    #[test]
    fn lists_bare_and_wrapped() {
        assert_eq!(ok::<Vec<i64>>(r#"[1,"2"]"#), vec![1, 2]);
        assert_eq!(ok::<Vec<String>>(r#"{"string":["a","b"]}"#), vec!["a", "b"]);
        assert_eq!(
            ok::<Vec<bool>>(r#"{"boolean":[true,"false"]}"#),
            vec![true, false]
        );
        assert_eq!(ok::<Vec<String>>(r#"{"string":"only"}"#), vec!["only"]);
        assert_eq!(ok::<Vec<i64>>(r#"{"number":7}"#), vec![7]);
        assert_eq!(ok::<Vec<i64>>("{}"), Vec::<i64>::new());
        assert_eq!(ok::<Vec<i64>>("[]"), Vec::<i64>::new());
        assert_eq!(ok::<Vec<i64>>(r#"{"number":null}"#), Vec::<i64>::new());
        let tokens: Vec<Token> = ok(
            r#"{"oss_token_d_os":[{"id":"1","tags":{"string":["x"]}},{"id":2,"unknown":true}]}"#,
        );
        assert_eq!(
            tokens,
            vec![
                Token {
                    id: Some(1),
                    tags: Some(vec!["x".to_owned()])
                },
                Token {
                    id: Some(2),
                    tags: None
                }
            ]
        );
        let single: Vec<Token> = ok(r#"{"token":{"id":3}}"#);
        assert_eq!(
            single,
            vec![Token {
                id: Some(3),
                tags: None
            }]
        );
        // The key repeated, as XML lists arrive: each holds one element or an array.
        assert_eq!(
            ok::<Vec<i64>>(r#"{"number":1,"number":[2,"3"],"number":4}"#),
            vec![1, 2, 3, 4]
        );
        let e = err::<Vec<i64>>(r#"{"number":1,"string":"2"}"#);
        assert!(
            e.contains("found an object with keys `number`, `string`"),
            "{e}"
        );
        let nested: Vec<Vec<i64>> = ok(r#"[[1],{"number":[2,3]}]"#);
        assert_eq!(nested, vec![vec![1], vec![2, 3]]);
        let e = err::<Vec<i64>>(r#"{"a":[1],"b":[2]}"#);
        assert!(e.contains("found an object with keys `a`, `b`"), "{e}");
        let e = err::<Vec<i64>>(r#"{"number":["x"]}"#);
        assert!(e.contains(r#"found "x""#), "{e}");
        let e = err::<Vec<i64>>(r#""1,2""#);
        assert!(e.contains("expected a list"), "{e}");
        let e = err::<Vec<Token>>(r#"{"token":[{"id":"nope"}]}"#);
        assert!(
            e.contains(r#"expected a 64-bit integer, found "nope""#),
            "{e}"
        );
    }

    /// A deserializer of one unit value, like an empty XML element.
    struct Unit;

    impl<'de> Deserializer<'de> for Unit {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.visit_unit()
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.visit_some(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct newtype_struct seq tuple
            tuple_struct map struct enum identifier ignored_any
        }
    }

    #[test]
    fn a_present_unit_value_is_empty() {
        assert_eq!(opt::<_, i64>(Unit), Ok(None));
        assert_eq!(opt::<_, bool>(Unit), Ok(None));
        assert_eq!(opt::<_, DateTime>(Unit), Ok(None));
        assert_eq!(opt::<_, Decimal>(Unit), Ok(None));
        assert_eq!(opt::<_, String>(Unit), Ok(Some(String::new())));
        assert_eq!(opt::<_, Vec<i64>>(Unit), Ok(Some(Vec::new())));
        assert_eq!(opt::<_, Json>(Unit), Ok(Some(Json::Null)));
        // Required: a string is empty, a number has no value.
        assert_eq!(lenient::<_, String>(Unit), Ok(String::new()));
        let e = lenient::<_, i64>(Unit).unwrap_err().to_string();
        assert!(e.contains("invalid type: unit value"), "{e}");
        // JSON `""` is still not a number.
        let e = err::<i64>(r#""""#);
        assert!(e.contains("expected a 64-bit integer"), "{e}");
    }

    #[test]
    fn required_fields_decode_leniently_too() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(deserialize_with = "lenient")]
            n: i64,
        }
        let h: Holder = serde_json::from_str(r#"{"n":"5"}"#).unwrap();
        assert_eq!(h.n, 5);
    }

    /// The same struct twice: with serde's derives and the attributes generated code used to
    /// carry, and with [`Struct`] / [`crate::ser::StructWriter`] as generated code now does.
    mod twins {
        use super::super::*;
        use crate::ser::StructWriter;
        use serde::{Serialize, Serializer};

        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Inner {
            #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
            pub n: Option<i64>,
        }

        impl Object for Inner {}

        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Derived {
            #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            #[serde(
                rename = "type",
                deserialize_with = "opt",
                skip_serializing_if = "Option::is_none"
            )]
            pub type_: Option<i64>,
            #[serde(
                deserialize_with = "opt",
                serialize_with = "crate::ser::opt_date",
                skip_serializing_if = "Option::is_none"
            )]
            pub at: Option<DateTime>,
            #[serde(
                deserialize_with = "opt",
                serialize_with = "crate::ser::opt_dates",
                skip_serializing_if = "Option::is_none"
            )]
            pub times: Option<Vec<DateTime>>,
            #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
            pub items: Option<Vec<Inner>>,
            #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
            pub inner: Option<Inner>,
            #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
            pub price: Option<Decimal>,
        }

        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Generated {
            pub name: Option<String>,
            pub type_: Option<i64>,
            pub at: Option<DateTime>,
            pub times: Option<Vec<DateTime>>,
            pub items: Option<Vec<Inner>>,
            pub inner: Option<Inner>,
            pub price: Option<Decimal>,
        }

        impl Struct for Generated {
            const NAME: &'static str = "Derived";
            const FIELDS: &'static [&'static str] =
                &["name", "type", "at", "times", "items", "inner", "price"];
            fn decode_field<'de, S: Source<'de>>(
                &mut self,
                index: usize,
                source: &mut S,
            ) -> Result<(), S::Error> {
                match index {
                    0 => self.name = source.value()?,
                    1 => self.type_ = source.value()?,
                    2 => self.at = source.value()?,
                    3 => self.times = source.value()?,
                    4 => self.items = source.value()?,
                    5 => self.inner = source.value()?,
                    6 => self.price = source.value()?,
                    _ => {}
                }
                Ok(())
            }
        }

        impl<'de> Deserialize<'de> for Generated {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                decode_struct(d)
            }
        }

        impl Serialize for Generated {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let present = [
                    self.name.is_some(),
                    self.type_.is_some(),
                    self.at.is_some(),
                    self.times.is_some(),
                    self.items.is_some(),
                    self.inner.is_some(),
                    self.price.is_some(),
                ];
                let mut w = StructWriter::begin(s, "Derived", &present)?;
                w.field("name", &self.name)?;
                w.field("type", &self.type_)?;
                w.date("at", &self.at)?;
                w.dates("times", &self.times)?;
                w.field("items", &self.items)?;
                w.field("inner", &self.inner)?;
                w.field("price", &self.price)?;
                w.end()
            }
        }

        impl From<Generated> for Derived {
            fn from(g: Generated) -> Derived {
                Derived {
                    name: g.name,
                    type_: g.type_,
                    at: g.at,
                    times: g.times,
                    items: g.items,
                    inner: g.inner,
                    price: g.price,
                }
            }
        }
    }

    #[test]
    fn generated_structs_decode_and_write_like_derived_ones() {
        use twins::{Derived, Generated};
        let inputs = [
            r#"{}"#,
            r#"{"name": "a", "type": "7", "at": "2021-08-04 00:00:00", "price": "12.50"}"#,
            r#"{"times": {"date": ["2021-08-04 00:00:00", 1628006400000]}, "inner": {"n": "3"}}"#,
            r#"{"items": {"inner": [{"n": 1}, {"n": "2", "other": true}]}, "unknown": [1, {"x": 2}]}"#,
            r#"{"items": {"n": 1}}"#,
            r#"{"name": null, "type": null, "inner": null}"#,
            r#"{"name": 12, "type": 1.0}"#,
            r#"{"name": "a", "name": "b"}"#,
            r#"{"type": "x"}"#,
            r#"{"type": 1.5}"#,
            r#"{"inner": "text"}"#,
            r#"[]"#,
            r#"["a", 2]"#,
            r#"["a", 2, null, null, null, {"n": 4}, "1.5"]"#,
            r#""text""#,
            r#"12"#,
            r#"null"#,
        ];
        for json in inputs {
            let derived = serde_json::from_str::<Derived>(json).map_err(|e| e.to_string());
            let generated = serde_json::from_str::<Generated>(json)
                .map(Derived::from)
                .map_err(|e| e.to_string());
            assert_eq!(generated, derived, "{json}");
            if let (Ok(d), Ok(g)) = (&derived, serde_json::from_str::<Generated>(json)) {
                assert_eq!(
                    serde_json::to_string(&g).unwrap(),
                    serde_json::to_string(d).unwrap(),
                    "{json}"
                );
            }
        }
        let xml_inputs = [
            "<r/>",
            "<r><name>a</name><type>7</type><at>2021-08-04 00:00:00</at></r>",
            "<r><items><inner><n>1</n></inner><inner><n>2</n></inner></items><inner/></r>",
            "<r><name>a</name><name>b</name></r>",
            "<r><type>x</type></r>",
            "<r><unknown><deep>1</deep></unknown><price>1.50</price></r>",
            "<r>text</r>",
        ];
        for xml in xml_inputs {
            let derived = crate::xml::decode_document::<Derived>(xml, "r")
                .map(|r| match r {
                    crate::xml::Root::Response(d) => Some(d),
                    _ => None,
                })
                .map_err(|e| e.to_string());
            let generated = crate::xml::decode_document::<Generated>(xml, "r")
                .map(|r| match r {
                    crate::xml::Root::Response(g) => Some(Derived::from(g)),
                    _ => None,
                })
                .map_err(|e| e.to_string());
            assert_eq!(generated, derived, "{xml}");
        }
    }
}
