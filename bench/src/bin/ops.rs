//! Runs one of the criterion benches' operations a given number of times, for counting
//! instructions with valgrind (`bench/instructions.sh`): on shared, noisy machines an
//! instruction count is the stable measure, and the difference between N and 2N runs is the
//! cost of N operations, set-up excluded.
//!
//! `cargo run --release -p topgen-bench --bin ops -- OP N`, OP one of: sign-md5, sign-hmac,
//! sign-hmac-sha256, encode, decode-json, decode-simplified-json, decode-xml, decode-plain,
//! list-json, list-simplified-json, list-xml, list-plain, call-json, call-simplified-json,
//! call-xml.

#![forbid(unsafe_code)]

use std::hint::black_box;

use topgen_bench::{
    APP_KEY, SECRET, TIMESTAMP, gettoken_json, gettoken_reply, gettoken_request,
    gettoken_sign_params, list, list_json, list_reply, plain,
};
use topgen_runtime::__private::prepare::{CallContext, prepare};
use topgen_runtime::__private::response::decode;
use topgen_runtime::{CallOptions, Client, Format, Request, Secret, SignMethod, time};
use topgen_taobao_wdk::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};

/// Items in the large list reply (as in the criterion benches).
const LIST_ITEMS: usize = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, n] = args.as_slice() else {
        return Err("usage: ops OP N (see the source for the operations)".into());
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let key = WdkIotWombatCommonGettokenRequest::RESPONSE_KEY;
    let format_of =
        |name: &str| -> Result<Format, Box<dyn std::error::Error>> { Ok(name.parse::<Format>()?) };
    if let Some(method) = op.strip_prefix("sign-") {
        let method: SignMethod = method.parse()?;
        let params = gettoken_sign_params(method.as_str());
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for _ in 0..n {
            black_box(topgen_runtime::__private::sign::sign(
                black_box(&pairs),
                None,
                SECRET,
                method,
            ));
        }
    } else if op == "encode" {
        let secret = Secret::new(SECRET);
        let request = gettoken_request();
        for _ in 0..n {
            let mut params = topgen_runtime::Params::new();
            black_box(&request).encode(&mut params)?;
            let ctx = CallContext {
                method: WdkIotWombatCommonGettokenRequest::METHOD,
                app_key: APP_KEY,
                secret: &secret,
                sign_method: SignMethod::HmacSha256,
                timestamp: TIMESTAMP.to_owned(),
                session: None,
                partner_id: None,
                target_app_key: None,
                format: Format::Json,
            };
            let prepared = prepare(&ctx, &params);
            black_box((prepared.query_string(), prepared.body));
        }
    } else if op == "decode-plain" {
        let body = gettoken_json();
        for _ in 0..n {
            black_box(serde_json::from_slice::<plain::GettokenEnvelope>(
                black_box(body.as_bytes()),
            )?);
        }
    } else if op == "list-plain" {
        let body = list_json(LIST_ITEMS);
        for _ in 0..n {
            black_box(serde_json::from_slice::<plain::ListEnvelope>(black_box(
                body.as_bytes(),
            ))?);
        }
    } else if let Some(format) = op.strip_prefix("decode-") {
        let format = format_of(format)?;
        let body = gettoken_reply(format);
        for _ in 0..n {
            black_box(decode::<WdkIotWombatCommonGettokenResponse>(
                format,
                black_box(body.as_bytes()),
                key,
                200,
            )?);
        }
    } else if let Some(format) = op.strip_prefix("list-") {
        let format = format_of(format)?;
        let body = list_reply(LIST_ITEMS, format);
        for _ in 0..n {
            black_box(decode::<list::ListTokensResponse>(
                format,
                black_box(body.as_bytes()),
                list::RESPONSE_KEY,
                200,
            )?);
        }
    } else if let Some(format) = op.strip_prefix("call-") {
        let format = format_of(format)?;
        let client = Client::builder(APP_KEY, SECRET)
            .endpoint("http://127.0.0.1:9/router/rest")
            .build()?;
        let request = gettoken_request();
        let options = CallOptions::new().format(format);
        let body = gettoken_reply(format);
        for _ in 0..n {
            let prepared = client.prepare(black_box(&request), &options, &time::now())?;
            black_box(prepared.query_string());
            black_box(&prepared.body);
            black_box(decode::<WdkIotWombatCommonGettokenResponse>(
                format,
                black_box(body.as_bytes()),
                key,
                200,
            )?);
        }
    } else {
        return Err(format!("unknown operation `{op}`").into());
    }
    Ok(())
}
