//! Lenient lists: bare arrays and TOP's wrapped lists (`{"string": […]}`, `<items><item>…`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, StrDeserializer, StringDeserializer, U64Deserializer,
};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Lenient, LenientValue};

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
