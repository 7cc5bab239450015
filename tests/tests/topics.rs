//! The generated TMC topic structs decode messages' JSON content as TOP sends it: ids beyond
//! 2^53 exactly, as numbers or strings, `Price` fields as exact decimals, dates as TOP's text
//! or epoch milliseconds, lists bare or wrapped, secrets hidden; unknown fields ignored, missing
//! ones `None` (required or not), a wrong-typed value a serde error.

use chrono::TimeZone as _;
use topgen_runtime::{DateTime, Decimal};
use topgen_tmc::Topic;
use topgen_tmc_taobao::{DpaasAuthTokenCreate, TrainOrderNotify};
use topgen_tmc_taobao_trade::{TradePartlyConfirmPay, TradeSuccess};

/// The content of a `taobao_trade_TradeSuccess` message seen in the wild (`iid` and
/// `post_fee` are not in the topic's definition).
const WILD: &str = r#"{"buyer_nick":"…","payment":"0.10","status":"TRADE_NO_CREATE_PAY","iid":547297227206,"oid":58681907060570486,"tid":58681907060570486,"type":"guarantee_trade","post_fee":"0.00","seller_nick":"…"}"#;

const BIG_ID: i64 = 58_681_907_060_570_486;

/// A topic's content as a handler gets it: by the topic's type alone.
fn decode<T: Topic>(content: &str) -> serde_json::Result<T> {
    serde_json::from_str(content)
}

#[test]
fn the_wild_trade_success_content_decodes_with_exact_ids_and_money() {
    // The id is beyond what an f64 holds exactly: a float on the way would change it.
    const { assert!(BIG_ID > 1 << 53) };
    assert_ne!(BIG_ID as f64 as i64, BIG_ID);
    let t: TradeSuccess = decode(WILD).unwrap();
    assert_eq!(TradeSuccess::NAME, "taobao_trade_TradeSuccess");
    assert_eq!(t.tid, Some(BIG_ID));
    assert_eq!(t.oid, Some(BIG_ID));
    // `payment` is a Price (the importer's money guess): exact, with its scale.
    let payment = t.payment.unwrap();
    assert_eq!(payment, Decimal::new(10, 2));
    assert_eq!(payment.to_string(), "0.10");
    assert_eq!(t.status.as_deref(), Some("TRADE_NO_CREATE_PAY"));
    assert_eq!(t.type_.as_deref(), Some("guarantee_trade"));
    assert_eq!(t.buyer_nick.as_deref(), Some("…"));
    assert_eq!(t.seller_nick.as_deref(), Some("…"));
    // Absent from the content: `None`.
    assert_eq!(t.buyer_open_uid, None);
}

#[test]
fn ids_as_strings_decode_too() {
    let t: TradeSuccess =
        decode(r#"{"tid":"58681907060570486","oid":" 58681907060570486 "}"#).unwrap();
    assert_eq!((t.tid, t.oid), (Some(BIG_ID), Some(BIG_ID)));
    let p: TradeSuccess = decode(r#"{"payment":0.1}"#).unwrap();
    assert_eq!(
        p.payment,
        Some(Decimal::new(1, 1)),
        "money as a JSON number"
    );
}

#[test]
fn dates_as_top_text_and_as_epoch_milliseconds() {
    let expected: DateTime = chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2024, 1, 31, 12, 0, 0)
        .unwrap();
    for content in [
        r#"{"modified":"2024-01-31 12:00:00"}"#,
        r#"{"modified":1706673600000}"#,
        r#"{"modified":"1706673600000"}"#,
    ] {
        let t: TradePartlyConfirmPay = decode(content).unwrap();
        assert_eq!(t.modified, Some(expected), "{content}");
    }
}

#[test]
fn missing_fields_are_none_even_required_ones_and_unknown_ones_are_ignored() {
    // `tid`, `oid`, `buyer_nick` are required by the definition: absent, still decodable.
    let empty: TradeSuccess = decode("{}").unwrap();
    assert_eq!(empty, TradeSuccess::default());
    let extra: TradeSuccess =
        decode(r#"{"tid":1,"nested":{"a":[1,{"b":null}]},"flag":true,"tid_2":"x"}"#).unwrap();
    assert_eq!(extra.tid, Some(1));
    let nulls: TradeSuccess = decode(r#"{"tid":null,"payment":null}"#).unwrap();
    assert_eq!(nulls, TradeSuccess::default());
}

#[test]
fn a_wrong_typed_value_is_a_serde_error_not_a_panic() {
    for (content, says) in [
        (r#"{"tid":"abc"}"#, "abc"),
        (r#"{"tid":1.5}"#, "1.5"),
        (r#"{"payment":"0.1x"}"#, "expected a decimal number"),
        (r#"{"payment":{"a":1}}"#, "decimal"),
        (r#"{"tid":1,"tid":2}"#, "duplicate field `tid`"),
        (r#""text""#, "struct TradeSuccess"),
        (r#"{"tid":1"#, "EOF"),
    ] {
        let err = decode::<TradeSuccess>(content).unwrap_err().to_string();
        assert!(err.contains(says), "{content}: {err}");
    }
    let err = decode::<TradePartlyConfirmPay>(r#"{"modified":"yesterday"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid TOP date \"yesterday\""), "{err}");
}

#[test]
fn lists_bare_or_wrapped_and_secrets_hidden() {
    assert_eq!(TrainOrderNotify::NAME, "taobao_train_OrderNotify");
    for content in [
        r#"{"sub_order_ids":[58681907060570486,"2"]}"#,
        r#"{"sub_order_ids":{"number":[58681907060570486,2]}}"#,
    ] {
        let t: TrainOrderNotify = decode(content).unwrap();
        assert_eq!(t.sub_order_ids, Some(vec![BIG_ID, 2]), "{content}");
    }
    // `token` is a secret by its name (the one rule, `looks_secret`): `Debug` never prints it.
    let t: DpaasAuthTokenCreate =
        decode(r#"{"token":"s3cr3t-value","token_type":"bearer"}"#).unwrap();
    assert_eq!(t.token.as_ref().unwrap().expose_secret(), "s3cr3t-value");
    let debug = format!("{t:?}");
    assert!(
        !debug.contains("s3cr3t-value") && debug.contains("bearer"),
        "{debug}"
    );
}
