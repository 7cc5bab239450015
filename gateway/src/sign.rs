//! TOP's signature, computed independently of the client runtime (so that the gateway does not
//! share the client's mistakes): every param except `sign` with a non-blank value, sorted by key
//! in byte order, concatenated as `key1value1key2value2…`, then `MD5(secret + s + secret)`,
//! HMAC-MD5 or HMAC-SHA256 keyed with the secret, as uppercase hex.

use md5::{Digest, Md5};
use sha2::Sha256;

/// A `sign_method` the gateway accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// `md5`: `MD5(secret + s + secret)`.
    Md5,
    /// `hmac`: HMAC-MD5 keyed with the secret.
    Hmac,
    /// `hmac-sha256`: HMAC-SHA256 keyed with the secret.
    HmacSha256,
}

impl SignMethod {
    /// The three methods.
    pub const ALL: [SignMethod; 3] = [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256];

    /// The method named by a `sign_method` value (exact, lower case), if any.
    pub fn from_wire(name: &str) -> Option<SignMethod> {
        match name {
            "md5" => Some(SignMethod::Md5),
            "hmac" => Some(SignMethod::Hmac),
            "hmac-sha256" => Some(SignMethod::HmacSha256),
            _ => None,
        }
    }

    /// The `sign_method` value: `md5`, `hmac` or `hmac-sha256`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Md5 => "md5",
            SignMethod::Hmac => "hmac",
            SignMethod::HmacSha256 => "hmac-sha256",
        }
    }
}

/// The string that is hashed: non-blank params except `sign`, sorted by key bytes (stable),
/// as `key1value1key2value2…`.
pub fn string_to_sign(params: &[(&str, &str)]) -> String {
    let mut kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, v)| !k.is_empty() && *k != "sign" && !v.trim().is_empty())
        .collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut s = String::new();
    for (k, v) in kept {
        s.push_str(k);
        s.push_str(v);
    }
    s
}

/// The sign of `params` (see the [module docs](self)).
pub fn sign(params: &[(&str, &str)], secret: &str, method: SignMethod) -> String {
    sign_with_body(params, None, secret, method)
}

/// The sign of `params` with `body` appended to the string that is hashed (a batch call's
/// body, as TOP's `/router/batch` signs it).
pub fn sign_with_body(
    params: &[(&str, &str)],
    body: Option<&str>,
    secret: &str,
    method: SignMethod,
) -> String {
    let mut s = string_to_sign(params);
    if let Some(body) = body {
        s.push_str(body);
    }
    let digest: Vec<u8> = match method {
        SignMethod::Md5 => {
            let mut md5 = Md5::new();
            md5.update(secret.as_bytes());
            md5.update(s.as_bytes());
            md5.update(secret.as_bytes());
            md5.finalize().to_vec()
        }
        SignMethod::Hmac => hmac::<Md5>(secret.as_bytes(), s.as_bytes()),
        SignMethod::HmacSha256 => hmac::<Sha256>(secret.as_bytes(), s.as_bytes()),
    };
    upper_hex(&digest)
}

/// HMAC (RFC 2104) over a 64-byte-block hash: `H((K ^ opad) || H((K ^ ipad) || m))`, where a
/// key longer than a block is first replaced by its digest.
fn hmac<D: Digest>(key: &[u8], message: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        for (b, d) in block.iter_mut().zip(D::digest(key).iter()) {
            *b = *d;
        }
    } else {
        for (b, k) in block.iter_mut().zip(key) {
            *b = *k;
        }
    }
    let mut inner = D::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(&inner);
    outer.finalize().to_vec()
}

fn upper_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical vectors of shared/top/sign_vectors.json (secret `helloworld`).
    const CANONICAL: [(&str, &str); 9] = [
        ("method", "taobao.wdk.iot.wombat.common.gettoken"),
        ("app_key", "12345678"),
        ("timestamp", "2026-11-28 12:00:00"),
        ("format", "json"),
        ("v", "2.0"),
        ("merchant_code", "HM"),
        ("scenes_code", "1"),
        ("ou_code", "8007"),
        ("robot_sn", "xxxxx"),
    ];

    fn canonical(method: SignMethod) -> String {
        let mut params = CANONICAL.to_vec();
        params.push(("sign_method", method.as_str()));
        sign(&params, "helloworld", method)
    }

    #[test]
    fn the_shared_vectors() {
        assert_eq!(
            canonical(SignMethod::Md5),
            "7FA600ECB5499BD7B8B99D551CDE0D39"
        );
        assert_eq!(
            canonical(SignMethod::Hmac),
            "4B92E04FDAA7B1A3CC02D4646F26E2B0"
        );
        assert_eq!(
            canonical(SignMethod::HmacSha256),
            "6605673976E7F8C81AEDBF67E437E54DC6D2A5E09D9DD3610091D2813FB10900"
        );
        assert_eq!(
            string_to_sign(&[
                ("b", "2"),
                ("a", "1"),
                ("sign", "X"),
                ("c", "  "),
                ("", "x")
            ]),
            "a1b2"
        );
    }

    #[test]
    fn hmac_keys_longer_than_a_block_are_hashed_first() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaa_u8; 131];
        let mac = hmac::<Sha256>(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            upper_hex(&mac),
            "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54"
        );
        // RFC 2202 test case 6 for HMAC-MD5: an 80-byte key.
        let key = [0xaa_u8; 80];
        let mac = hmac::<Md5>(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(upper_hex(&mac), "6B1AB7FE4BD7BF8F0B62E6CE61B9D0CD");
    }

    #[test]
    fn method_names() {
        for m in SignMethod::ALL {
            assert_eq!(SignMethod::from_wire(m.as_str()), Some(m));
        }
        assert_eq!(SignMethod::from_wire("MD5"), None);
        assert_eq!(SignMethod::from_wire("sha1"), None);
    }
}
