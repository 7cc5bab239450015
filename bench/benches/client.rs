//! Criterion benches of the client's per-call work (see BENCHMARKS.md):
//!
//! - `sign/{md5,hmac,hmac-sha256}`: the sign of the gettoken call's params;
//! - `encode/gettoken`: the gettoken request → business params → signed query string + form
//!   body (what `Client` does before sending, signing included);
//! - `decode_gettoken/{json,simplified-json,xml}` and `decode_gettoken/serde_json_plain`;
//! - `decode_list_10k/…`: the same for a 10,000-item list reply;
//! - `call_gettoken/{json,simplified-json,xml}`: sign + encode + decode of one gettoken call,
//!   the timestamp taken and formatted as a call does.
//!
//! `cargo bench -p topgen-bench --bench client`; `cargo test -p topgen-bench --benches` runs
//! each once (CI).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use topgen_bench::{
    APP_KEY, SECRET, TIMESTAMP, gettoken_json, gettoken_params, gettoken_reply, gettoken_request,
    gettoken_sign_params, list, list_json, list_reply, plain,
};
use topgen_runtime::__private::prepare::{CallContext, prepare};
use topgen_runtime::__private::response::decode;
use topgen_runtime::Body;
use topgen_runtime::{CallOptions, Client, Format, Request, Secret, SignMethod, time};
use topgen_taobao_wdk::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};

/// Items in the large list reply.
const LIST_ITEMS: usize = 10_000;

fn sign(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    for method in SignMethod::ALL {
        let params = gettoken_sign_params(method.as_str());
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        group.bench_function(method.as_str(), |b| {
            b.iter(|| {
                topgen_runtime::__private::sign::sign(black_box(&pairs), None, SECRET, method)
            })
        });
    }
    group.finish();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    let secret = Secret::new(SECRET);
    let request = gettoken_request();
    group.bench_function("gettoken", |b| {
        b.iter(|| {
            let mut params = topgen_runtime::Params::new();
            black_box(&request)
                .encode(&mut params)
                .expect("valid request");
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
            let query = prepared.query_string();
            let Body::Form(body) = prepared.body else {
                unreachable!("gettoken has no file param")
            };
            (query, body)
        })
    });
    // The business params alone, for reference.
    group.bench_function("gettoken_params_only", |b| {
        b.iter(|| black_box(gettoken_params()))
    });
    group.finish();
}

fn decode_gettoken(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_gettoken");
    for format in Format::ALL {
        let body = gettoken_reply(format);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(format.as_str(), |b| {
            b.iter(|| {
                decode::<WdkIotWombatCommonGettokenResponse>(
                    format,
                    black_box(body.as_bytes()),
                    WdkIotWombatCommonGettokenRequest::RESPONSE_KEY,
                    200,
                )
                .expect("decodes")
            })
        });
    }
    let body = gettoken_json();
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_plain", |b| {
        b.iter(|| {
            serde_json::from_slice::<plain::GettokenEnvelope>(black_box(body.as_bytes()))
                .expect("decodes")
        })
    });
    group.finish();
}

fn decode_list(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_list_10k");
    group.sample_size(20);
    for format in Format::ALL {
        let body = list_reply(LIST_ITEMS, format);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(format.as_str(), |b| {
            b.iter(|| {
                let r = decode::<list::ListTokensResponse>(
                    format,
                    black_box(body.as_bytes()),
                    list::RESPONSE_KEY,
                    200,
                )
                .expect("decodes");
                debug_assert_eq!(
                    r.result
                        .as_ref()
                        .and_then(|r| r.data.as_ref())
                        .map(Vec::len),
                    Some(LIST_ITEMS)
                );
                r
            })
        });
    }
    let body = list_json(LIST_ITEMS);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_plain", |b| {
        b.iter(|| {
            serde_json::from_slice::<plain::ListEnvelope>(black_box(body.as_bytes()))
                .expect("decodes")
        })
    });
    group.finish();
}

fn call_gettoken(c: &mut Criterion) {
    let mut group = c.benchmark_group("call_gettoken");
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint("http://127.0.0.1:9/router/rest")
        .build()
        .expect("client builds");
    let request = gettoken_request();
    for format in Format::ALL {
        let options = CallOptions::new().format(format);
        let reply = gettoken_reply(format);
        group.bench_function(format.as_str(), |b| {
            b.iter(|| {
                let prepared = client
                    .prepare(black_box(&request), &options, &time::now())
                    .expect("valid request");
                let query = prepared.query_string();
                black_box(&query);
                black_box(&prepared.body);
                decode::<WdkIotWombatCommonGettokenResponse>(
                    format,
                    black_box(reply.as_bytes()),
                    WdkIotWombatCommonGettokenRequest::RESPONSE_KEY,
                    200,
                )
                .expect("decodes")
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    sign,
    encode,
    decode_gettoken,
    decode_list,
    call_gettoken
);
criterion_main!(benches);
