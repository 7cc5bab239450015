//! Request signing: the `sign` system param.
//!
//! TOP signs every call (PROTOCOL.md, "Signing"):
//!
//! 1. take every param, system and business, except `sign` and file params, dropping those
//!    whose value is empty or whitespace-only;
//! 2. sort them by key, byte order;
//! 3. concatenate `key1value1key2value2…` with the raw UTF-8 values (not URL-encoded), and
//!    append the raw body for calls that post one;
//! 4. hash: md5 is `MD5(secret + s + secret)`, hmac is `HMAC-MD5(key = secret, s)`,
//!    hmac-sha256 is `HMAC-SHA256(key = secret, s)`;
//! 5. write the digest as uppercase hex.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// How a call is signed: the `sign_method` system param.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// `md5`: `MD5(secret + s + secret)`.
    Md5,
    /// `hmac`: HMAC-MD5 keyed with the app secret.
    Hmac,
    /// `hmac-sha256`: HMAC-SHA256 keyed with the app secret (the default).
    #[default]
    HmacSha256,
}

impl SignMethod {
    /// Every sign method, in the order of the protocol's table.
    pub const ALL: [SignMethod; 3] = [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256];

    /// The value of the `sign_method` param: `md5`, `hmac` or `hmac-sha256`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Md5 => "md5",
            SignMethod::Hmac => "hmac",
            SignMethod::HmacSha256 => "hmac-sha256",
        }
    }
}

impl fmt::Display for SignMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignMethod {
    type Err = ParseSignMethodError;

    /// Reads `md5`, `hmac` or `hmac-sha256` (exactly as TOP spells them).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| ParseSignMethodError {
                text: s.chars().take(64).collect(),
            })
    }
}

/// A text that is not one of TOP's sign methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseSignMethodError {
    text: String,
}

impl fmt::Display for ParseSignMethodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown sign method `{}`: expected `md5`, `hmac` or `hmac-sha256`",
            self.text
        )
    }
}

impl std::error::Error for ParseSignMethodError {}

/// Whether a param value counts as absent: empty or whitespace-only values are neither signed
/// nor sent (the official SDK's `StringUtils.isEmpty`).
pub(crate) fn is_blank(value: &str) -> bool {
    // Most values start with a visible ASCII character: no need to trim them.
    let visible = |b: &u8| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ');
    if value.as_bytes().first().is_some_and(visible) {
        return false;
    }
    value.trim().is_empty()
}

/// Calls `f` with the params that are signed, in signing order: the non-blank ones (except
/// `sign` and an empty key), sorted by key in byte order. Stable: equal keys keep their order,
/// so the result is deterministic. Up to [`ON_STACK`] params are sorted without allocating.
fn with_signed_pairs<'a, T>(
    params: impl Iterator<Item = (&'a str, &'a str)>,
    f: impl FnOnce(&[(&'a str, &'a str)]) -> T,
) -> T {
    let mut stack = [("", ""); ON_STACK];
    let mut len = 0;
    let mut heap: Vec<(&str, &str)> = Vec::new();
    for pair in params.filter(|(k, v)| !k.is_empty() && *k != "sign" && !is_blank(v)) {
        if len < ON_STACK {
            stack[len] = pair;
            len += 1;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack);
            }
            heap.push(pair);
        }
    }
    let kept: &mut [(&str, &str)] = if heap.is_empty() {
        &mut stack[..len]
    } else {
        &mut heap
    };
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    f(kept)
}

/// How many signed params are sorted on the stack (a call has 6 to 10 system params).
const ON_STACK: usize = 24;

/// Gives `update` the string to sign, part by part: each kept key and value, then `body`.
fn each_part(kept: &[(&str, &str)], body: Option<&str>, mut update: impl FnMut(&[u8])) {
    for (k, v) in kept {
        update(k.as_bytes());
        update(v.as_bytes());
    }
    if let Some(body) = body {
        update(body.as_bytes());
    }
}

/// The string that is hashed, without the md5 method's secret wrapping: the non-blank params
/// (except `sign`) sorted by key in byte order, as `key1value1key2value2…`, then `body`.
///
/// For diagnosis and tests; [`sign`] is what a call uses (it hashes the same parts without
/// building this string).
pub fn string_to_sign(params: &[(&str, &str)], body: Option<&str>) -> String {
    with_signed_pairs(params.iter().copied(), |kept| {
        let len =
            kept.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() + body.map_or(0, str::len);
        let mut s = Vec::with_capacity(len);
        each_part(kept, body, |part| s.extend_from_slice(part));
        // Whole `str`s were appended.
        String::from_utf8(s).unwrap_or_default()
    })
}

/// Signs a call per PROTOCOL.md: drops empty and whitespace-only values (and any `sign`),
/// sorts the keys by bytes, concatenates `key` + `value`, appends `body` if given, then
/// hashes with `MD5(secret + s + secret)`, HMAC-MD5 or HMAC-SHA256 keyed with `secret`, and
/// returns the digest as uppercase hex.
pub fn sign(
    params: &[(&str, &str)],
    body: Option<&str>,
    secret: &str,
    method: SignMethod,
) -> String {
    sign_pairs(params.iter().copied(), body, secret, method)
}

/// [`sign`] of params given one by one (the client's system and business params, without
/// collecting them first).
pub(crate) fn sign_pairs<'a>(
    params: impl Iterator<Item = (&'a str, &'a str)>,
    body: Option<&str>,
    secret: &str,
    method: SignMethod,
) -> String {
    with_signed_pairs(params, |kept| match method {
        SignMethod::Md5 => {
            let mut md5 = Md5::new();
            md5.update(secret.as_bytes());
            each_part(kept, body, |part| md5.update(part));
            md5.update(secret.as_bytes());
            upper_hex(&md5.finalize())
        }
        SignMethod::Hmac => {
            let key = block_key::<Md5>(secret.as_bytes());
            let mut mac = <Hmac<Md5> as KeyInit>::new(&key.into());
            each_part(kept, body, |part| mac.update(part));
            upper_hex(&mac.finalize().into_bytes())
        }
        SignMethod::HmacSha256 => {
            let key = block_key::<Sha256>(secret.as_bytes());
            let mut mac = <Hmac<Sha256> as KeyInit>::new(&key.into());
            each_part(kept, body, |part| mac.update(part));
            upper_hex(&mac.finalize().into_bytes())
        }
    })
}

/// The block size of MD5 and SHA-256, in bytes.
const BLOCK: usize = 64;

/// An HMAC key of exactly one block, as RFC 2104 defines it: a key longer than a block is
/// replaced by its digest, then the key is padded with zeros. HMAC with this key equals HMAC
/// with the original key; building it here keeps key setup infallible.
fn block_key<D: Digest>(secret: &[u8]) -> [u8; BLOCK] {
    let mut key = [0u8; BLOCK];
    if secret.len() > BLOCK {
        let digest = D::digest(secret);
        for (k, d) in key.iter_mut().zip(digest.iter()) {
            *k = *d;
        }
    } else {
        for (k, s) in key.iter_mut().zip(secret) {
            *k = *s;
        }
    }
    key
}

/// Uppercase hexadecimal digits of `bytes`.
fn upper_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    // Hex digits are ASCII.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_method_names_round_trip() {
        for m in SignMethod::ALL {
            assert_eq!(m.as_str().parse::<SignMethod>(), Ok(m));
            assert_eq!(m.to_string(), m.as_str());
        }
        assert_eq!(SignMethod::default(), SignMethod::HmacSha256);
        let err = "MD5".parse::<SignMethod>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown sign method `MD5`: expected `md5`, `hmac` or `hmac-sha256`"
        );
        assert!("hmac_sha256".parse::<SignMethod>().is_err());
        assert!("".parse::<SignMethod>().is_err());
    }

    #[test]
    fn blank_values_and_sign_are_not_signed() {
        let s = string_to_sign(
            &[
                ("b", "2"),
                ("empty", ""),
                ("blank", " \t\n"),
                ("sign", "OLD"),
                ("a", " x "),
                ("", "no key"),
            ],
            None,
        );
        assert_eq!(s, "a x b2");
    }

    #[test]
    fn blank_is_unicode_whitespace_only() {
        for blank in ["", " ", "\t\n\x0B\x0C\r ", "\u{3000}", " \u{A0}\u{2028}"] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for kept in ["a", " a", "\u{3000}x", "\x1F", "\u{200B}", "é", "0"] {
            assert!(!is_blank(kept), "{kept:?}");
            assert_eq!(is_blank(kept), kept.trim().is_empty());
        }
    }

    #[test]
    fn keys_sort_by_bytes_not_by_locale() {
        let s = string_to_sign(&[("é", "1"), ("z", "2"), ("Z", "3"), ("_", "4")], None);
        assert_eq!(s, "Z3_4z2é1");
    }

    #[test]
    fn more_params_than_the_stack_holds() {
        let names: Vec<String> = (0..ON_STACK * 2 + 3)
            .rev()
            .map(|i| format!("k{i:03}"))
            .collect();
        let params: Vec<(&str, &str)> = names.iter().map(|k| (k.as_str(), "v")).collect();
        let mut expected = names.clone();
        expected.sort();
        let expected: String = expected.iter().map(|k| format!("{k}v")).collect();
        assert_eq!(string_to_sign(&params, None), expected);
        // Equal keys keep their order, past the stack too.
        let mut dup = vec![("a", "1"); ON_STACK];
        dup.extend([("a", "2"), ("a", "3")]);
        assert!(string_to_sign(&dup, None).ends_with("a1a2a3"));
    }

    #[test]
    fn body_is_appended_after_the_pairs() {
        assert_eq!(string_to_sign(&[("a", "1")], Some("{}")), "a1{}");
        assert_eq!(string_to_sign(&[], Some("BODY")), "BODY");
    }

    #[test]
    fn md5_wraps_the_string_in_the_secret() {
        // python3 -c 'import hashlib; print(hashlib.md5(b"sa1s").hexdigest().upper())'
        assert_eq!(
            sign(&[("a", "1")], None, "s", SignMethod::Md5),
            "585B98956D9738EDEC5CBD8443F7A228"
        );
    }

    #[test]
    fn hmac_keys_longer_than_a_block_are_hashed_first() {
        // Expected values from Python's hmac module.
        let long = "k".repeat(100);
        assert_eq!(
            hmac_of(&long, SignMethod::Hmac),
            "F8EEB41003AC23A4D3D46D3EA22DD7CF"
        );
        assert_eq!(
            hmac_of(&long, SignMethod::HmacSha256),
            "1C28735416D320163F56F81BDBB83D651EED508D184E6B8B03662740A533293E"
        );
        let block = "k".repeat(64);
        assert_eq!(
            hmac_of(&block, SignMethod::Hmac),
            "5B3E99B172F3C3B5AED9A324C65BA911"
        );
        assert_eq!(
            hmac_of(&block, SignMethod::HmacSha256),
            "890F3A16E0CA0AAA3BF180F70FA8E3970B3FD6505E98FDE157988DCC19D1685C"
        );
        assert_eq!(
            hmac_of("", SignMethod::HmacSha256),
            "EB08C1F56D5DDEE07F7BDF80468083DA06B64CF4FAC64FE3A90883DF5FEACAE4"
        );
    }

    /// HMAC of the string `message`, which is what `string_to_sign` gives for a body alone.
    fn hmac_of(secret: &str, method: SignMethod) -> String {
        sign(&[], Some("message"), secret, method)
    }

    /// Hashing the parts one by one is hashing the string to sign.
    #[test]
    fn parts_hash_like_the_whole_string() {
        let params = [
            ("timestamp", "2026-11-28 12:00:00"),
            ("method", "taobao.wdk.iot.wombat.common.gettoken"),
            ("robot_sn", "机器人 A&B"),
            ("blank", "  "),
            ("sign", "OLD"),
            ("app_key", "12345678"),
        ];
        let secret = "helloworld";
        for body in [None, Some(r#"{"a":1}"#)] {
            let s = string_to_sign(&params, body);
            let mut md5 = Md5::new();
            md5.update(format!("{secret}{s}{secret}").as_bytes());
            assert_eq!(
                sign(&params, body, secret, SignMethod::Md5),
                upper_hex(&md5.finalize())
            );
            assert_eq!(
                sign(&params, body, secret, SignMethod::Hmac),
                sign(&[], Some(&s), secret, SignMethod::Hmac)
            );
            assert_eq!(
                sign(&params, body, secret, SignMethod::HmacSha256),
                sign(&[], Some(&s), secret, SignMethod::HmacSha256)
            );
        }
    }

    #[test]
    fn hex_is_uppercase() {
        assert_eq!(upper_hex(&[0x00, 0xab, 0x0f, 0xf0]), "00AB0FF0");
    }
}
