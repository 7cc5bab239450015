//! Structs decoded field by field: the [`Struct`] trait that generated object types and
//! responses implement through [`decoded_struct!`](crate::decoded_struct), and the [`Object`]
//! marker that makes an object type [`Lenient`].

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};

use super::Lenient;

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

    /// Decodes an optional field leniently, as [`opt`](super::opt) does.
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
