//! Every signing vector and wire capture in `fixtures/sign_vectors.json` (a copy of the
//! protocol notes' vectors: the official Java SDK, Python SDK, node and Rust peers, all
//! agreeing) is reproduced by `topgen_runtime::__private::sign`.

use topgen_runtime::__private::sign::{sign, string_to_sign};
use topgen_runtime::SignMethod;
use topgen_runtime::serde_json::{self, Value};

const FIXTURE: &str = include_str!("fixtures/sign_vectors.json");

/// Vectors whose sign method the client does not offer, by id. Each must exist and really
/// use an unsupported method; any other vector must be reproduced.
const SKIPPED_VECTORS: &[&str] = &[
    // `sign_method` null: the Java SDK's legacy `md5(params + secret)`, which TOP 2.0 and
    // this client do not use.
    "legacy-no-sign_method-java",
];

/// Wire captures of peers that send no `sign_method` (a pre-2.0 md5 variant), by peer.
const SKIPPED_CAPTURES: &[&str] = &["pyTOP@0.1.2 (2011, 2to3-ported)"];

/// The secret the captures were made with (`sign_vectors.json` description).
const CAPTURE_SECRET: &str = "helloworld";

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("sign_vectors.json is JSON")
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

/// The string-valued params of an object, in file order.
fn params(v: &Value) -> Vec<(&str, &str)> {
    v.as_object()
        .expect("params are an object")
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().expect("param values are strings")))
        .collect()
}

fn method(name: &str) -> SignMethod {
    name.parse()
        .unwrap_or_else(|e| panic!("fixture uses an unknown method: {e}"))
}

#[test]
fn every_signing_vector_is_reproduced() {
    let fixture = fixture();
    let vectors = fixture["vectors"].as_array().expect("vectors");
    let mut checked = Vec::new();
    let mut skipped = Vec::new();
    for v in vectors {
        let id = str_field(v, "id");
        let Some(method_name) = v["sign_method"].as_str() else {
            assert!(
                SKIPPED_VECTORS.contains(&id),
                "vector `{id}` has no supported sign method and is not in SKIPPED_VECTORS"
            );
            skipped.push(id);
            continue;
        };
        assert!(
            !SKIPPED_VECTORS.contains(&id),
            "vector `{id}` is skipped but uses `{method_name}`"
        );
        let m = method(method_name);
        let secret = str_field(v, "secret");
        let body = v["body"].as_str();
        let p = params(&v["params"]);
        let s = string_to_sign(&p, body);
        let expected_string = str_field(v, "string_to_sign");
        match m {
            // The fixture's md5 string includes the secret wrapping.
            SignMethod::Md5 => assert_eq!(format!("{secret}{s}{secret}"), expected_string, "{id}"),
            SignMethod::Hmac | SignMethod::HmacSha256 => assert_eq!(s, expected_string, "{id}"),
        }
        assert_eq!(
            sign(&p, body, secret, m),
            str_field(v, "expected_sign"),
            "{id}"
        );
        checked.push(id);
    }
    assert_eq!(
        skipped, SKIPPED_VECTORS,
        "every skipped id must exist in the fixture"
    );
    assert_eq!(checked.len() + skipped.len(), vectors.len());
    // All three methods and the body variants are covered.
    for id in [
        "canonical-md5",
        "canonical-hmac",
        "canonical-hmac-sha256",
        "with-body-md5",
        "with-body-hmac",
        "with-body-hmac-sha256",
        "unicode-and-empty-values-md5",
        "key-ordering-md5",
        "published-doc-example-md5",
    ] {
        assert!(checked.contains(&id), "{id} was not checked");
    }
}

#[test]
fn every_wire_capture_sign_is_reproduced() {
    let fixture = fixture();
    let captures = fixture["wire_captures"].as_array().expect("wire_captures");
    let mut java = 0;
    let mut skipped = Vec::new();
    for c in captures {
        let peer = str_field(c, "peer");
        let seen = &c["params_seen_by_server"];
        let Some(method_name) = seen["sign_method"].as_str() else {
            assert!(
                SKIPPED_CAPTURES.contains(&peer),
                "capture of `{peer}` has no sign_method and is not in SKIPPED_CAPTURES"
            );
            skipped.push(peer);
            continue;
        };
        assert_eq!(c["match"], Value::Bool(true), "{peer}");
        // Everything the server saw except `sign`; file parts never reach this map.
        let p: Vec<(&str, &str)> = params(seen)
            .into_iter()
            .filter(|(k, _)| *k != "sign")
            .collect();
        let sent = str_field(c, "sign_sent");
        assert_eq!(str_field(seen, "sign"), sent, "{peer}");
        assert_eq!(
            sign(&p, None, CAPTURE_SECRET, method(method_name)),
            sent,
            "{peer}: {}",
            str_field(c, "path_and_query")
        );
        if peer.starts_with("official Java SDK") {
            java += 1;
        }
    }
    assert_eq!(
        skipped, SKIPPED_CAPTURES,
        "every skipped capture must exist"
    );
    assert_eq!(java, 6, "the six official Java SDK captures");
}
