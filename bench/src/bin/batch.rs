//! 50 small calls as one batch call (`client.batch()`, one `/router/batch` HTTP request) vs 50
//! single calls, one after another and all at once, against the local TOP gateway on 127.0.0.1
//! (HTTP/1.1 keep-alive), side by side in one run (see BENCHMARKS.md).
//!
//! Each round times every way `--iterations` times, in a rotating order, after a warm-up, and
//! takes the mean time of 50 calls; the report gives min / median / max over the rounds of
//! that time, and of the ratios per round (single calls' time / the batch's). Every call must
//! succeed (each batch reply decodes to the gettoken response), or the run stops with an
//! error naming the way and the failure.
//!
//! `cargo run --release -p topgen-bench --bin batch -- --rounds 5 --iterations 50`

#![forbid(unsafe_code)]

use std::time::Instant;

use clap::Parser;
use topgen_bench::{APP_KEY, SECRET, Summary, gettoken_json, gettoken_reply, gettoken_request};
use topgen_gateway::{Api, Gateway};
use topgen_runtime::{Client, Error, Format, Request, RetryPolicy};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

#[derive(Parser, Debug)]
#[command(about = "50 calls as one batch vs 50 single calls, against the local gateway")]
struct Args {
    /// How many rounds (every way measured once per round).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Times each way runs its calls per round (the round's figure is their mean).
    #[arg(long, default_value_t = 20)]
    iterations: usize,
    /// Calls per batch (and single calls per iteration).
    #[arg(long, default_value_t = 50)]
    calls: usize,
    /// The reply format.
    #[arg(long, default_value = "json")]
    format: Format,
}

/// The ways 50 calls are made, in the order of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    Batch,
    Sequential,
    Concurrent,
}

impl Way {
    const ALL: [Way; 3] = [Way::Batch, Way::Sequential, Way::Concurrent];

    fn name(self) -> &'static str {
        match self {
            Way::Batch => "one batch",
            Way::Sequential => "single, sequential",
            Way::Concurrent => "single, concurrent",
        }
    }
}

/// Makes `calls` gettoken calls the way `way` says; every one must succeed.
async fn run(client: &Client, way: Way, calls: usize) -> Result<(), Error> {
    let request = gettoken_request();
    match way {
        Way::Batch => {
            let mut batch = client.batch();
            let handles = (0..calls)
                .map(|_| batch.add(&request))
                .collect::<Result<Vec<_>, _>>()?;
            let replies = batch.send().await?;
            for handle in &handles {
                replies.get(handle)?;
            }
        }
        Way::Sequential => {
            for _ in 0..calls {
                client.execute(&request).await?;
            }
        }
        Way::Concurrent => {
            let all = (0..calls).map(|_| client.execute(&request));
            for result in futures_util::future::join_all(all).await {
                result?;
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if cfg!(debug_assertions) {
        println!("note: an unoptimised build; its figures mean nothing (use --release)");
    }
    if args.rounds == 0 || args.iterations == 0 || args.calls == 0 {
        return Err("--rounds, --iterations and --calls must be >= 1".into());
    }
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(
            Api::new(WdkIotWombatCommonGettokenRequest::METHOD)
                .response_json(gettoken_json())
                .response_xml(gettoken_reply(Format::Xml)),
        )
        .spawn()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .format(args.format)
        .retry(RetryPolicy::none())
        .build()?;
    println!(
        "machine: {}; gateway at {}; {} round(s) of {} iteration(s), {} calls each, format {}",
        topgen_bench::machine(),
        gateway.endpoint(),
        args.rounds,
        args.iterations,
        args.calls,
        args.format,
    );

    // Per way, the mean time of `calls` calls in each round, in ms.
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); Way::ALL.len()];
    runtime.block_on(async {
        for way in Way::ALL {
            // Warm-up: connections, allocations.
            run(&client, way, args.calls)
                .await
                .map_err(|e| format!("{} failed in the warm-up: {e}", way.name()))?;
        }
        for round in 0..args.rounds {
            for k in 0..Way::ALL.len() {
                let at = (k + round) % Way::ALL.len();
                let way = Way::ALL[at];
                let started = Instant::now();
                for _ in 0..args.iterations {
                    run(&client, way, args.calls)
                        .await
                        .map_err(|e| format!("{} failed: {e}", way.name()))?;
                }
                let mean = started.elapsed().as_secs_f64() * 1e3 / args.iterations as f64;
                times[at].push(mean);
            }
        }
        Ok::<(), String>(())
    })?;

    let requests = gateway.request_count();
    println!("(the gateway served {requests} HTTP requests)");
    println!(
        "{:<20} {:>28} {:>16}",
        "way",
        format!("ms per {} calls", args.calls),
        "calls per s"
    );
    for (at, way) in Way::ALL.iter().enumerate() {
        let summary = Summary::of(&times[at]).ok_or("no samples")?;
        let per_s = (args.calls as f64) * 1e3 / summary.median;
        let summary = format!("{summary:.2}");
        println!("{:<20} {summary:>28} {per_s:>16.0}", way.name());
    }
    for (at, way) in Way::ALL.iter().enumerate().skip(1) {
        let ratios: Vec<f64> = times[at]
            .iter()
            .zip(&times[0])
            .map(|(single, batch)| single / batch)
            .collect();
        let summary = Summary::of(&ratios).ok_or("no samples")?;
        println!(
            "{} / one batch (time ratio, min / median / max): {summary:.2}",
            way.name()
        );
    }
    Ok(())
}
