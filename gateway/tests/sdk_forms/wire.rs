//! What every SDK form of `sdk_forms.rs` is built with: the SDKs' signing rule (computed here,
//! not by the gateway), their form encodings, and raw HTTP requests.

use super::*;

// ---- Signing, by the SDKs' rule, computed here ----

#[derive(Clone, Copy)]
pub(super) enum Hash {
    Md5,
    Hmac,
    HmacSha256,
}

impl Hash {
    pub(super) fn wire(self) -> &'static str {
        match self {
            Hash::Md5 => "md5",
            Hash::Hmac => "hmac",
            Hash::HmacSha256 => "hmac-sha256",
        }
    }
}

/// HMAC (RFC 2104) over a 64-byte-block hash.
pub(super) fn hmac<D: Digest>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        let digest = D::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let mut inner = D::new();
    inner.update(pad(0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(pad(0x5c));
    outer.update(inner);
    outer.finalize().to_vec()
}

/// Every given (non-empty) param sorted by key bytes, `k1v1k2v2…`, hashed, upper-case hex.
pub(super) fn sign(params: &[(&str, &str)], secret: &str, hash: Hash) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().filter(|(_, v)| !v.is_empty()).collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: String = sorted.iter().map(|(k, v)| format!("{k}{v}")).collect();
    let bytes = match hash {
        Hash::Md5 => Md5::digest(format!("{secret}{joined}{secret}")).to_vec(),
        Hash::Hmac => hmac::<Md5>(secret.as_bytes(), joined.as_bytes()),
        Hash::HmacSha256 => hmac::<Sha256>(secret.as_bytes(), joined.as_bytes()),
    };
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn this_files_signing_matches_the_shared_vectors() {
    // shared/top/sign_vectors.json: canonical-md5, canonical-hmac, canonical-hmac-sha256.
    let with = |method| {
        vec![
            ("method", METHOD),
            ("app_key", "12345678"),
            ("timestamp", "2026-11-28 12:00:00"),
            ("format", "json"),
            ("v", "2.0"),
            ("merchant_code", "HM"),
            ("scenes_code", "1"),
            ("ou_code", "8007"),
            ("robot_sn", "xxxxx"),
            ("sign_method", method),
        ]
    };
    assert_eq!(
        sign(&with("md5"), "helloworld", Hash::Md5),
        "7FA600ECB5499BD7B8B99D551CDE0D39"
    );
    assert_eq!(
        sign(&with("hmac"), "helloworld", Hash::Hmac),
        "4B92E04FDAA7B1A3CC02D4646F26E2B0"
    );
    assert_eq!(
        sign(&with("hmac-sha256"), "helloworld", Hash::HmacSha256),
        "6605673976E7F8C81AEDBF67E437E54DC6D2A5E09D9DD3610091D2813FB10900"
    );
}

// ---- The SDKs' form encodings ----

/// How an SDK percent-encodes a value: the bytes it leaves as they are (besides ASCII letters
/// and digits), what a space becomes, and the case of its hex digits.
#[derive(Clone, Copy)]
pub(super) struct Encoding {
    unreserved: &'static [u8],
    space: &'static str,
    lower_hex: bool,
}

/// `java.net.URLEncoder` (Java SDK).
pub(super) const JAVA: Encoding = Encoding {
    unreserved: b"-_.*",
    space: "+",
    lower_hex: false,
};
/// `System.Web.HttpUtility.UrlEncode` (.NET SDK): lower-case hex.
pub(super) const DOTNET: Encoding = Encoding {
    unreserved: b"-_.!*()",
    space: "+",
    lower_hex: true,
};
/// PHP's `urlencode` (PHP SDK).
pub(super) const PHP: Encoding = Encoding {
    unreserved: b"-_.",
    space: "+",
    lower_hex: false,
};
/// Python's `urllib.parse.urlencode` (`quote_plus`; Python SDK).
pub(super) const PYTHON: Encoding = Encoding {
    unreserved: b"-_.~",
    space: "+",
    lower_hex: false,
};
/// `encodeURIComponent` / `querystring.stringify` (node-taobao-topclient): space as `%20`.
pub(super) const NODE: Encoding = Encoding {
    unreserved: b"-_.!~*'()",
    space: "%20",
    lower_hex: false,
};

pub(super) fn encode(text: &str, encoding: Encoding) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || encoding.unreserved.contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push_str(encoding.space);
        } else if encoding.lower_hex {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn form(pairs: &[(&str, &str)], encoding: Encoding) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k, encoding), encode(v, encoding)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_encodings_differ_where_the_sdks_differ() {
    assert_eq!(
        encode(ROBOT, JAVA),
        "%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9+%7E*%21%27%28%29"
    );
    assert_eq!(
        encode(ROBOT, DOTNET),
        "%e6%9c%ba%e5%99%a8%e4%ba%ba+A%26B%3d1%2b2%2f%c3%a9+%7e*!%27()"
    );
    assert_eq!(
        encode(ROBOT, PHP),
        "%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9+%7E%2A%21%27%28%29"
    );
    assert_eq!(
        encode(ROBOT, PYTHON),
        "%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9+~%2A%21%27%28%29"
    );
    assert_eq!(
        encode(ROBOT, NODE),
        "%E6%9C%BA%E5%99%A8%E4%BA%BA%20A%26B%3D1%2B2%2F%C3%A9%20~*!'()"
    );
}

// ---- Raw HTTP ----

/// An HTTP/1.1 request: the request line, `Host`, the SDK's headers in its order,
/// `Content-Length` (unless a GET without a body), `Connection: close`, then the body.
pub(super) fn http(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !(method == "GET" && body.is_empty()) {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends `bytes` and parses the final answer (after an interim `100 Continue`, if any).
pub(super) async fn send(gateway: &Gateway, bytes: &[u8]) -> support::Answer {
    let raw = exchange(gateway.addr(), bytes).await;
    let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
    let raw = raw.strip_prefix(&interim[..]).unwrap_or(&raw);
    parse_answer(raw)
}

/// Sends `bytes`; they must pass every check and get `reply` in `format`.
pub(super) async fn accepted(
    gateway: &Gateway,
    bytes: &[u8],
    reply: &str,
    format: Format,
) -> Recorded {
    gateway.clear_requests();
    let answer = send(gateway, bytes).await;
    let recorded = only(gateway);
    assert_eq!(recorded.verdict, Verdict::Ok, "{}", answer.text());
    assert_eq!(answer.status, 200);
    let expected = match format {
        Format::Xml => json_to_xml(reply).unwrap(),
        _ => reply.to_owned(),
    };
    assert_eq!(answer.text(), expected);
    assert_eq!(recorded.reply_format, format);
    recorded
}

/// Sends `bytes`; they must be refused with 25, `isv.invalid-signature`, in `format`.
pub(super) async fn wrong_sign(gateway: &Gateway, bytes: &[u8], format: Format) {
    gateway.clear_requests();
    let answer = send(gateway, bytes).await;
    let recorded = only(gateway);
    match &recorded.verdict {
        Verdict::Rejected(r) => {
            assert_eq!((r.code, r.sub_code.as_str()), (25, "isv.invalid-signature"));
        }
        Verdict::Ok => panic!("a wrong sign passed: {}", answer.text()),
    }
    assert_eq!(answer.status, 200);
    let text = answer.text();
    match format {
        Format::Xml => {
            assert!(text.contains("<code>25</code>"), "{text}");
            assert!(
                text.contains("<sub_code>isv.invalid-signature</sub_code>"),
                "{text}"
            );
        }
        _ => {
            let error = &answer.json()["error_response"];
            assert_eq!(error["code"], 25, "{text}");
            assert_eq!(error["sub_code"], "isv.invalid-signature", "{text}");
        }
    }
}

pub(super) fn gmt8_now() -> String {
    topgen_runtime::time::format(&topgen_runtime::time::now())
}

pub(super) fn epoch_ms_now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string()
}
