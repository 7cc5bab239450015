//! The JSON side of reading a reply: the nesting scan that holds a body to the XML reader's
//! depth limit, and the readers of the top-level object (wrapped and simplified).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

use super::Found;
use crate::error::TopError;

/// Whether arrays and objects nest more than `max` levels deep in `json` (brackets inside
/// strings do not count; a backslash in a string escapes the byte after it).
pub(super) fn json_nesting_exceeds(json: &[u8], max: usize) -> bool {
    // Nothing can nest deeper than there are opening brackets, which a vectorised count
    // finds at once: most replies need no scan.
    if opening_brackets(json) <= max {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                // Skip the string: jump from quote or backslash to the next one.
                i += 1;
                loop {
                    let Some(at) = json.get(i..).and_then(find_quote_or_backslash) else {
                        // An unterminated string: nothing nests after it.
                        return false;
                    };
                    i += at;
                    if json[i] == b'\\' {
                        i += 2;
                    } else {
                        break;
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// How many `[` and `{` bytes `json` holds, counted in a way the compiler vectorises: per
/// chunk of 255 bytes into a byte-sized counter (`b | 0x20 == b'{'` is true for `[` and `{`
/// only).
fn opening_brackets(json: &[u8]) -> usize {
    json.chunks(255)
        .map(|chunk| {
            let n = chunk
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b | 0x20 == b'{')));
            usize::from(n)
        })
        .sum()
}

/// The first `"` or `\\` in `text`, eight bytes at a time (a byte equal to either is found
/// with the "has a zero byte" bit trick on `chunk ^ pattern`).
fn find_quote_or_backslash(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut chunks = text.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            // The lowest flagged byte is exact (false flags only appear above a true one).
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// Errors for a JSON body that is not an object.
fn not_an_object<E: de::Error>(what: &str, response_key: &str) -> E {
    E::custom(format_args!(
        "{what}, not a TOP reply (expected an object with `{response_key}` or `error_response`)"
    ))
}

macro_rules! reject_non_objects {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON boolean", self.response_key))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON number", self.response_key))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(not_an_object("a JSON string", self.response_key))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(not_an_object("JSON null", self.response_key))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(not_an_object("a JSON array", self.response_key))
        }
    };
}

/// The top-level keys of an unexpected reply, for the error message.
#[derive(Default)]
struct KeyList {
    shown: Vec<String>,
    more: usize,
}

impl KeyList {
    const MAX_SHOWN: usize = 5;

    fn add(&mut self, key: &str) {
        if self.shown.len() < Self::MAX_SHOWN {
            self.shown.push(key.chars().take(64).collect());
        } else {
            self.more += 1;
        }
    }
}

impl fmt::Display for KeyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shown.is_empty() {
            return f.write_str("an empty object");
        }
        f.write_str("keys ")?;
        for (i, key) in self.shown.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{key}`")?;
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

/// A map key: borrowed from the body when it has no escapes, so reading it allocates nothing.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Reads the top-level map, keeping the response key's value as `T` and `error_response` as
/// a [`TopError`].
pub(super) struct Envelope<'k, T> {
    pub(super) response_key: &'k str,
    pub(super) _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a JSON object with `{}` or `error_response`",
            self.response_key
        )
    }

    reject_non_objects!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<T>, A::Error> {
        let mut response = None;
        let mut error = None;
        let mut keys = KeyList::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if key == "error_response" && error.is_none() {
                error = Some(map.next_value::<TopError>()?);
            } else if key == self.response_key && response.is_none() {
                response = Some(map.next_value::<T>()?);
            } else {
                keys.add(&key);
                map.next_value::<IgnoredAny>()?;
            }
        }
        match (error, response) {
            (Some(e), _) => Ok(Found::Error(e)),
            (None, Some(t)) => Ok(Found::Response(t)),
            (None, None) => Ok(Found::Neither(format!(
                "expected `{}` or `error_response` at the top level, found {keys}",
                self.response_key
            ))),
        }
    }
}

/// Reads a simplified reply: the top-level object is `T` itself, except for an
/// `error_response` key (the reply is an error) and the response key (a wrapped reply after
/// all: its value is `T`).
pub(super) struct Simplified<'k, T> {
    pub(super) response_key: &'k str,
    pub(super) _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Simplified<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Simplified<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (the response, or `error_response`)")
    }

    reject_non_objects!();

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Found<T>, A::Error> {
        let mut error = None;
        let mut wrapped = None;
        let bare = T::deserialize(MapAccessDeserializer::new(Intercept {
            map,
            response_key: self.response_key,
            error: &mut error,
            wrapped: &mut wrapped,
        }))?;
        Ok(match (error, wrapped) {
            (Some(e), _) => Found::Error(e),
            (None, Some(t)) => Found::Response(t),
            (None, None) => Found::Response(bare),
        })
    }
}

/// The top-level map of a simplified reply with `error_response` and the response key taken
/// out.
struct Intercept<'r, 'k, A, T> {
    map: A,
    response_key: &'k str,
    error: &'r mut Option<TopError>,
    wrapped: &'r mut Option<T>,
}

impl<'de, A: MapAccess<'de>, T: DeserializeOwned> MapAccess<'de> for Intercept<'_, '_, A, T> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            if key == "error_response" && self.error.is_none() {
                *self.error = Some(self.map.next_value()?);
            } else if key == self.response_key && self.wrapped.is_none() {
                *self.wrapped = Some(self.map.next_value()?);
            } else {
                return match key {
                    Cow::Borrowed(key) => {
                        seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(key))
                    }
                    Cow::Owned(key) => seed.deserialize(StringDeserializer::<A::Error>::new(key)),
                }
                .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nesting_scan() {
        assert!(!json_nesting_exceeds(br#"{"a":[[1]]}"#, 3));
        assert!(json_nesting_exceeds(br#"{"a":[[1]]}"#, 2));
        // Brackets in strings, escaped quotes included, do not count.
        assert!(!json_nesting_exceeds(br#"{"a":"[[[{\"[["}"#, 1));
        assert!(json_nesting_exceeds(br#"{"a":"\\",[]}"#, 1));
        assert!(!json_nesting_exceeds(b"]]]]{", 1));
        // Strings longer than the plain look, escapes across it, unterminated strings.
        let long = format!(r#"{{"a":"{}\"[[[","b":[[1]]}}"#, "x".repeat(100));
        assert!(!json_nesting_exceeds(long.as_bytes(), 3));
        assert!(json_nesting_exceeds(long.as_bytes(), 2));
        assert!(!json_nesting_exceeds(br#"{"a":"[[[[["#, 1));
        assert!(!json_nesting_exceeds(b"{\"\\", 1));
    }

    #[test]
    fn opening_brackets_are_counted() {
        assert_eq!(opening_brackets(b""), 0);
        assert_eq!(opening_brackets(b"[{;:[]}{\x7b\x5b\xfb\xdb"), 6);
        let big = "[{a}]".repeat(1000);
        assert_eq!(opening_brackets(big.as_bytes()), 2000);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(opening_brackets(&all), 2);
    }

    #[test]
    fn quotes_and_backslashes_are_found() {
        assert_eq!(find_quote_or_backslash(b""), None);
        assert_eq!(find_quote_or_backslash(b"abc"), None);
        assert_eq!(find_quote_or_backslash(&[b'a'; 100]), None);
        for len in 0..40 {
            for (i, c) in [(0, b'"'), (len / 2, b'\\'), (len, b'"')] {
                let mut text = vec![b'x'; len + 1];
                text[i] = c;
                // Bytes close to the targets (0x21, 0x5B, 0xA2, 0xDC) are not matches.
                for (j, b) in text.iter_mut().enumerate() {
                    if j != i && j % 3 == 0 {
                        *b = [0x21, 0x5B, 0xA2, 0xDC][j % 4];
                    }
                }
                assert_eq!(find_quote_or_backslash(&text), Some(i), "{len} {i}");
            }
        }
    }

    /// The scan agrees with a byte-by-byte reference on generated texts.
    #[test]
    fn json_nesting_scan_matches_a_plain_scan() {
        fn reference(json: &[u8], max: usize) -> bool {
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            for &b in json {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > max {
                            return true;
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            false
        }
        let alphabet = b"\"\\[]{}ab ";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [0, 1, 5, 30, 80, 300] {
            for _ in 0..400 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for max in [0, 1, 2, 4] {
                    assert_eq!(
                        json_nesting_exceeds(&text, max),
                        reference(&text, max),
                        "{:?} {max}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }
}
