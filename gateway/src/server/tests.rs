use super::*;

#[test]
fn accept_encoding() {
    assert!(accepts_gzip(Some("gzip")));
    assert!(accepts_gzip(Some("deflate, GZIP;q=0.5")));
    assert!(accepts_gzip(Some("*")));
    assert!(accepts_gzip(Some("x-gzip")));
    assert!(!accepts_gzip(None));
    assert!(!accepts_gzip(Some("identity")));
    assert!(!accepts_gzip(Some("gzip;q=0")));
    assert!(!accepts_gzip(Some("*;q=0.0")));
    assert!(!accepts_gzip(Some("gzip;q=0, *")));
}

#[test]
fn gzip_round_trips() {
    use std::io::Read as _;
    let compressed = gzip_bytes(b"hello hello hello").unwrap();
    assert_eq!(&compressed[..2], &[0x1f, 0x8b]);
    let mut out = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, "hello hello hello");
}

#[test]
fn debug_output_hides_secrets_and_sessions() {
    let builder = Gateway::builder()
        .app("key", "very-secret-value")
        .session("session-value-42");
    let debug = format!("{builder:?}");
    assert!(!debug.contains("very-secret-value"), "{debug}");
    assert!(!debug.contains("session-value-42"), "{debug}");
    assert!(debug.contains("key"), "{debug}");
}
