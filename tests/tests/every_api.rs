//! Every API of the shipped catalog (`specs/`, 4,234 APIs) answers the local gateway's reply —
//! its example, or the reply the gateway makes up from its response schema — in JSON,
//! simplified JSON and XML, and the generated typed client decodes each without losing
//! anything: `topgen_testkit::response_round_trip` decodes the reply like a real one, writes
//! the typed value back out and compares the two element by element.
//!
//! The table of every API and its generated request type is made by `build.rs` with codegen's
//! own names (`EVERY_API`); one generic instantiation per API, the format a runtime value.
//! Every reply of every API also passes the spec's fit check (`topgen_spec::examples`, the
//! decoder's rules as the spec model sees them, which compiles nothing). A failure lists every
//! API, format and seed that does not survive, with the reason.
//!
//! Cost: the typed round trip instantiates the whole reply decoding (JSON and XML) and the
//! write-back of an API's response types. Measured on the 2-core machine (other builds
//! running), the generated crates already built: for all 4,234 APIs
//! (`TOPGEN_EVERY_API=all cargo test -p topgen-tests --test every_api`) the test binary took
//! 5 min 45 s to 10 min 34 s to build, depending on the load (8 min 15 s of CPU), with this
//! package's profile (no debug info, not incremental: see the workspace `Cargo.toml`), and
//! more than 14 min without it (stopped); by default `build.rs` gives the typed round trip to
//! a sample (every API with an example, the first of each crate, every 10th: 535 APIs) and
//! the binary builds in 50 s (1 min 12 s of CPU). The test runs in 10 s (11 s with all).
//! A few APIs are also called over real HTTP through the gateway with the typed client.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use topgen_gateway::{Api, Gateway, Verdict};
use topgen_runtime::{CallOptions, Client, Format, Request};

/// The round trip of a reply through one API's request type.
type Check = fn(Format, &str) -> Result<(), String>;

fn check<R: Request>(format: Format, body: &str) -> Result<(), String>
where
    R::Response: serde::Serialize,
{
    topgen_testkit::response_round_trip::<R>(format, body)
        .map(drop)
        .map_err(|e| e.to_string())
}

include!(concat!(env!("OUT_DIR"), "/every_api.rs"));

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A value for each request param (not files): its example when it has one, else `1`; the
/// reply echoes some of them.
fn sample_params(spec: &topgen_spec::Spec) -> Vec<(String, String)> {
    spec.request
        .iter()
        .filter(|p| p.ty.trim() != "byte[]")
        .map(|p| {
            let value = p
                .example
                .clone()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| "1".to_owned());
            (p.name.clone(), value)
        })
        .collect()
}

/// The spec's fit check (`topgen_spec::examples::check_api`, the runtime's decoding as the
/// spec model sees it, compiling nothing) of a reply in `format`; the simplified form is
/// checked wrapped again (the check takes bare lists as lists).
fn fit(model: &topgen_spec::model::Api, format: Format, body: &str) -> Result<(), String> {
    let mut model = model.clone();
    model.examples = topgen_spec::spec::Examples::default();
    match format {
        Format::Xml => model.examples.response_xml = Some(body.to_owned()),
        Format::Json => model.examples.response_json = Some(body.to_owned()),
        Format::SimplifiedJson => {
            model.examples.response_json = Some(format!("{{\"{}\":{body}}}", model.response_key));
        }
    }
    let misfits = topgen_spec::examples::check_api(&model);
    if misfits.is_empty() {
        Ok(())
    } else {
        let details: Vec<String> = misfits.iter().map(|m| m.detail()).collect();
        Err(format!("the spec's fit check: {}", details.join("; ")))
    }
}

#[test]
fn every_api_decodes_its_gateway_reply_in_every_format() {
    let files = topgen_spec::spec_files(&root().join("specs")).expect("specs/ lists");
    let mut specs = BTreeMap::new();
    for file in &files {
        let spec = topgen_spec::load_spec(file).unwrap_or_else(|e| panic!("{e}"));
        let model = topgen_spec::model::resolve(file, &spec).unwrap_or_else(|e| panic!("{e}"));
        specs.insert(spec.name.clone(), (spec, model));
    }
    let table: BTreeSet<&str> = EVERY_API.iter().map(|(m, _, _)| *m).collect();
    let shipped: BTreeSet<&str> = specs.keys().map(String::as_str).collect();
    assert_eq!(
        table, shipped,
        "the table of build.rs is the catalog of specs/"
    );
    assert_eq!(EVERY_API.len(), 4_234);

    let mut failures = Vec::new();
    // The APIs whose doc example does not fit their own spec (the generator ignores its
    // example test for the same reason): the gateway makes their replies up instead.
    let mut misfit_examples = BTreeSet::new();
    let (mut made_up, mut examples, mut empty, mut typed) = (0, 0, 0, 0);
    for (method, crate_name, check) in EVERY_API {
        let (spec, model) = &specs[*method];
        let api = Api::from_spec(spec);
        let misfit = {
            let mut success_only = model.clone();
            success_only.examples.error_json = None;
            success_only.examples.error_xml = None;
            !topgen_spec::examples::check_api(&success_only).is_empty()
        };
        if misfit {
            misfit_examples.insert(*method);
            assert!(
                api.makes_up_replies(),
                "{method}: its misfit example is answered"
            );
            assert!(
                api.example_misfit().is_some(),
                "{method}: the misfit is not said"
            );
        }
        if api.makes_up_replies() {
            made_up += 1;
        } else if spec.response.is_empty() {
            empty += 1;
        } else {
            examples += 1;
        }
        typed += usize::from(check.is_some());
        // Seed 0 without business params; seed 1 with a value for every param.
        for (seed, params) in [(0, Vec::new()), (1, sample_params(spec))] {
            for format in Format::ALL {
                let mut fail = |why: String| {
                    failures.push(format!(
                        "{method} ({crate_name}), {format}, seed {seed}: {why}"
                    ));
                };
                let body = match api.render_for(format, seed, &params) {
                    Ok(body) => body,
                    Err(e) => {
                        fail(format!("the gateway cannot answer: {e}"));
                        continue;
                    }
                };
                if let Err(why) = fit(model, format, &body) {
                    fail(why);
                }
                if let Some(check) = check
                    && let Err(why) = check(format, &body)
                {
                    fail(format!("the typed round trip: {why}"));
                }
                // A made-up reply has every top-level field of the schema (and none is lost,
                // which the round trip proves).
                if api.makes_up_replies() && format == Format::Json {
                    for field in &spec.response {
                        if !body.contains(&format!("\"{}\":", field.name)) {
                            fail(format!("the made-up reply has no `{}`", field.name));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} replies (APIs × formats × seeds) do not survive decoding:\n{}",
        failures.len(),
        EVERY_API.len() * 6,
        failures.join("\n")
    );
    eprintln!(
        "every_api: examples that do not fit their spec (replies made up instead): {misfit_examples:?}"
    );
    // Examples for a few, empty replies for the APIs without response fields, made up for
    // all the others.
    assert_eq!(examples, 6, "APIs answering their examples");
    assert_eq!(misfit_examples.len(), 1, "{misfit_examples:?}");
    assert_eq!(empty, 16, "APIs without response fields");
    assert_eq!(made_up, 4_234 - 6 - 16);
    // The typed sample: at least one API of each crate and a tenth of the others (all with
    // TOPGEN_EVERY_API=all at build time).
    assert!(typed > 4_234 / 10, "{typed} typed round trips");
    eprintln!(
        "every_api: {typed} of {} APIs decoded by their typed client",
        EVERY_API.len()
    );
}

/// The API crates under `generated/` (not the `tmc-*` topic crates), by package name.
fn api_crates_in_generated() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("generated")).unwrap() {
        let path = entry.unwrap().path();
        let manifest = path.join("Cargo.toml");
        let dir = path.file_name().unwrap().to_string_lossy().into_owned();
        if !manifest.is_file() || dir.starts_with("tmc-") {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{}: no package name", manifest.display()));
        assert_eq!(name, format!("topgen-{dir}"), "{}", manifest.display());
        out.insert(name.to_owned());
    }
    out
}

#[test]
fn tests_cargo_toml_lists_exactly_the_api_crates_of_generated() {
    let manifest = root().join("tests/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let (_, rest) = text
        .split_once("# BEGIN every API crate\n")
        .expect("tests/Cargo.toml marks the list of API crates");
    let (block, _) = rest.split_once("# END every API crate").expect("an end");
    let mut listed = BTreeSet::new();
    for line in block.lines() {
        let (name, spec) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("tests/Cargo.toml: not a dependency line: {line:?}"));
        let dir = name.strip_prefix("topgen-").unwrap_or(name);
        assert_eq!(
            spec,
            format!("{{ path = \"../generated/{dir}\" }}"),
            "tests/Cargo.toml: {name} with its default features (`full`), from generated/{dir}"
        );
        assert!(listed.insert(name.to_owned()), "{name} listed twice");
    }
    let present = api_crates_in_generated();
    let missing: Vec<_> = present.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&present).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "tests/Cargo.toml lacks {missing:?} and has {extra:?} (not in generated/)"
    );
    assert_eq!(present.len(), 121);
    // And they are the crates of codegen's layout, which the table's crates come from.
    let layout =
        codegen::layout::Layout::read(codegen::layout::Scheme::Apis, &root().join("generated"))
            .unwrap();
    let laid_out: BTreeSet<String> = layout.crates.keys().cloned().collect();
    assert_eq!(laid_out, present);
    let in_table: BTreeSet<String> = EVERY_API.iter().map(|(_, c, _)| (*c).to_owned()).collect();
    assert_eq!(in_table, present);
}

const APP_KEY: &str = "12345678";
const SECRET: &str = "every-api-secret-51";
const SESSION: &str = "every-api-session-0001";
const SEED: u64 = 5;

fn api_of(method: &str) -> Api {
    Api::from_spec_file(root().join("specs").join(format!("{method}.yaml"))).unwrap()
}

/// A typed call over real HTTP gets the made-up reply, decoded as the library's rendering of
/// the same request is, in every format; the same call again gets the same reply.
async fn call_in_every_format<R>(gateway: &Gateway, request: &R) -> Vec<R::Response>
where
    R: Request,
    R::Response: serde::Serialize + PartialEq + std::fmt::Debug,
{
    let api = api_of(R::METHOD);
    assert!(api.makes_up_replies(), "{}", R::METHOD);
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .build()
        .unwrap();
    let mut out = Vec::new();
    for format in Format::ALL {
        let options = CallOptions::new().session(SESSION).format(format);
        let typed = client
            .execute_with(request, &options)
            .await
            .unwrap_or_else(|e| panic!("{} in {format}: {e}", R::METHOD));
        let again = client.execute_with(request, &options).await.unwrap();
        assert_eq!(typed, again, "{} in {format}: deterministic", R::METHOD);
        let recorded = gateway.requests().pop().unwrap();
        assert_eq!(recorded.verdict, Verdict::Ok);
        let params: Vec<(String, String)> = recorded
            .query
            .iter()
            .chain(&recorded.body)
            .cloned()
            .collect();
        let body = api.render_for(format, SEED, &params).unwrap();
        let expected = topgen_testkit::response_round_trip::<R>(format, &body)
            .unwrap_or_else(|e| panic!("{} in {format}: {e}\n{body}", R::METHOD));
        assert_eq!(typed, expected, "{} in {format}", R::METHOD);
        out.push(typed);
    }
    out
}

#[tokio::test]
async fn made_up_replies_over_http_with_the_typed_client() {
    use topgen_taobao::{
        ItemsSellerListGetTmallRequest, TradesSoldGetRequest, taobao_trades_sold_get,
    };
    let methods = [
        "taobao.trades.sold.get",
        "taobao.items.seller.list.get.tmall",
        "alibaba.aelophy.order.get",
    ];
    let mut builder = Gateway::builder()
        .app(APP_KEY, SECRET)
        .session(SESSION)
        .seed(SEED);
    for method in methods {
        builder = builder.api(api_of(method));
    }
    let gateway = builder.start().await.unwrap();

    // Trades: a page whose total counts its trades, no further page, ids beyond 2^53.
    let trades = call_in_every_format(&gateway, &TradesSoldGetRequest::new("tid,status")).await;
    for reply in &trades {
        let list: &[taobao_trades_sold_get::Trade] = reply.trades.as_deref().unwrap_or_default();
        assert!((1..=3).contains(&list.len()), "{reply:?}");
        assert_eq!(reply.total_results, Some(list.len() as i64));
        assert_eq!(reply.has_next, Some(false));
        for trade in list {
            assert!(trade.tid.is_some_and(|tid| tid > 1 << 53), "{trade:?}");
        }
        assert_eq!(reply.request_id.as_ref().map(String::len), Some(13));
    }
    // The three formats carry the same reply.
    assert_eq!(trades[0], trades[1]);
    assert_eq!(trades[0], trades[2]);

    let items = call_in_every_format(
        &gateway,
        &ItemsSellerListGetTmallRequest::new("num_iid,title", vec!["1".to_owned()]),
    )
    .await;
    assert_eq!(items[0], items[2]);

    let order = topgen_alibaba::alibaba_aelophy_order_get::OrderGetRequest {
        store_id: Some("store-1".to_owned()),
        biz_order_id: Some(9_007_199_254_740_993),
    };
    let orders = call_in_every_format(
        &gateway,
        &topgen_alibaba::AlibabaAelophyOrderGetRequest::new(order),
    )
    .await;
    assert_eq!(orders[0], orders[1]);

    // Another seed, other values.
    let other = Gateway::builder()
        .app(APP_KEY, SECRET)
        .session(SESSION)
        .seed(SEED + 1)
        .api(api_of("taobao.trades.sold.get"))
        .start()
        .await
        .unwrap();
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(other.endpoint())
        .build()
        .unwrap();
    let reply = client
        .execute_with(
            &TradesSoldGetRequest::new("tid,status"),
            &CallOptions::new().session(SESSION),
        )
        .await
        .unwrap();
    assert_ne!(reply, trades[0]);
}
