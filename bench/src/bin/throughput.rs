//! Calls per second against the local TOP gateway on 127.0.0.1 (HTTP/1.1 keep-alive), side by
//! side in one run (see BENCHMARKS.md):
//!
//! - `ours`: the generated gettoken request through `topgen_runtime::Client` (sign, encode,
//!   send, decode, a fresh timestamp and sign per call);
//! - `limit`: plain reqwest posting the same pre-built request bytes (built once per round by
//!   the same client, so the gateway accepts them) and reading the whole reply;
//! - `raw`: a minimal HTTP/1.1 client on tokio sockets writing the same pre-built bytes —
//!   what the gateway can serve at all;
//! - `peer`: `node-taobao-topclient` from the npm registry, under node (bench/peer/peer.js),
//!   when it is installed (`bench/peer/install.sh`); skipped with a message otherwise.
//!
//! Each round runs every client once, in a rotating order, for `--seconds` after a short
//! warm-up, with `--concurrency` calls in flight. Only calls that got the gettoken response
//! count; if any client's call is refused or fails, the run stops with an error naming the
//! client and the first failure (so that a rejected round trip is never counted as a call).
//!
//! The peer formats its `timestamp` in the host's time zone, not GMT+8 (its known bug,
//! shared/top/PROTOCOL.md), so the benchmark's gateway allows a skew of a day
//! ([`PEER_SKEW`], the gateway's `max_skew`) instead of TOP's 10 minutes: the peer's calls are
//! accepted and answered on any host, whatever its time zone. The report gives min / median / max over
//! the rounds, the ratios per round (limit / ours, ours / peer), and the CPU the gateway's
//! thread used, to tell when the gateway is the bottleneck.
//!
//! `cargo run --release -p topgen-bench --bin throughput -- --seconds 10 --concurrency 16`

#![forbid(unsafe_code)]

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use topgen_bench::{
    ACCEPT, APP_KEY, FORM, Prebuilt, SECRET, Summary, gettoken_json, gettoken_reply,
    gettoken_request, prebuild,
};
use topgen_gateway::{Api, Gateway, Verdict};
use topgen_runtime::{Client, Format, Request, RetryPolicy, SignMethod};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

/// The gateway's allowed timestamp skew in this benchmark: the peer's timestamps are host-local
/// time read as GMT+8, up to 20 hours off (UTC−12 hosts); a day covers every time zone.
const PEER_SKEW: Duration = Duration::from_secs(24 * 3600);

#[derive(Parser, Debug)]
#[command(
    about = "Calls per second of the topgen client vs plain reqwest vs node-taobao-topclient, against the local gateway"
)]
struct Args {
    /// How long each client is measured in each round, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// How many rounds (every client once per round).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Calls in flight at once, per client.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Worker threads of the Rust clients' tokio runtime (the gateway has a thread of its own).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Warm-up before each measurement, in seconds.
    #[arg(long, default_value_t = 0.5)]
    warmup: f64,
    /// The reply format of `ours`, `limit` and `raw` (the peer always asks for JSON).
    #[arg(long, default_value = "json")]
    format: Format,
    /// How `ours` signs (the pre-built requests are signed the same way).
    #[arg(long, default_value = "hmac-sha256")]
    sign_method: SignMethod,
    /// Where `node-taobao-topclient` is installed (by bench/peer/install.sh).
    #[arg(long, default_value = "target/npm")]
    peer_dir: PathBuf,
    /// The peer's script.
    #[arg(long, default_value = "bench/peer/peer.js")]
    peer_script: PathBuf,
    /// Leave the peer out.
    #[arg(long)]
    no_peer: bool,
    /// Measure only these clients (comma-separated: ours, limit, raw, peer), e.g. to profile
    /// one of them.
    #[arg(long, value_delimiter = ',', default_value = "ours,limit,raw,peer")]
    clients: Vec<String>,
}

/// The clients, in the order of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Ours,
    Limit,
    Raw,
    Peer,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Ours => "ours",
            Which::Limit => "limit",
            Which::Raw => "raw",
            Which::Peer => "peer",
        }
    }
}

/// One client's measurement in one round.
#[derive(Clone, Debug, Default)]
struct Sample {
    calls_per_s: f64,
    /// Calls answered with the gettoken response.
    calls: u64,
    /// Calls that failed (refused by the gateway, transport errors, unexpected replies).
    errors: u64,
    /// The peer's first failure, in its words.
    first_error: Option<String>,
    /// CPU the gateway's thread used, as a share of one core.
    gateway_cpu: Option<f64>,
    /// CPU the client used, as a share of one core (the peer's node process; for the Rust
    /// clients, this process less the gateway's thread).
    client_cpu: Option<f64>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if cfg!(debug_assertions) {
        println!("note: an unoptimised build; its figures mean nothing (use --release)");
    }
    if !(args.seconds > 0.0 && args.warmup >= 0.0) || args.rounds == 0 || args.concurrency == 0 {
        return Err("--seconds must be > 0, --warmup >= 0, --rounds and --concurrency >= 1".into());
    }
    let method = WdkIotWombatCommonGettokenRequest::METHOD;
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(
            Api::new(method)
                .response_json(gettoken_json())
                .response_xml(gettoken_reply(Format::Xml)),
        )
        // The peer's local-time timestamps (see PEER_SKEW).
        .max_skew(PEER_SKEW)
        // Its record is a ring of the last requests, so memory stays flat however long the run.
        .spawn()?;
    let endpoint = gateway.endpoint();

    let runtime = if args.client_threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.client_threads)
            .enable_all()
            .build()?
    };

    let wanted = |name: &str| args.clients.iter().any(|c| c == name);
    if let Some(unknown) = args
        .clients
        .iter()
        .find(|c| !["ours", "limit", "raw", "peer"].contains(&c.as_str()))
    {
        return Err(
            format!("unknown client `{unknown}`: expected ours, limit, raw or peer").into(),
        );
    }
    let peer = if args.no_peer || !wanted("peer") {
        println!("peer: left out");
        None
    } else {
        match peer_ready(&args) {
            Ok(()) => Some(()),
            Err(why) => {
                println!("peer: skipped — {why}");
                None
            }
        }
    };
    let mut clients: Vec<Which> = [Which::Ours, Which::Limit, Which::Raw]
        .into_iter()
        .filter(|w| wanted(w.name()))
        .collect();
    if peer.is_some() {
        clients.push(Which::Peer);
    }
    if clients.is_empty() {
        return Err("no client to measure".into());
    }

    println!(
        "machine: {}; gateway at {endpoint}; {} round(s) of {} s per client, {} in flight, \
         {} client thread(s), format {}, sign {}",
        topgen_bench::machine(),
        args.rounds,
        args.seconds,
        args.concurrency,
        args.client_threads,
        args.format,
        args.sign_method,
    );

    let ours = Client::builder(APP_KEY, SECRET)
        .endpoint(&endpoint)
        .format(args.format)
        .sign_method(args.sign_method)
        .retry(RetryPolicy::none())
        .build()?;
    let plain = reqwest::Client::builder().build()?;
    let addr = gateway.addr();

    let mut samples: Vec<Vec<(Which, Sample)>> = Vec::new();
    for round in 0..args.rounds {
        // Pre-built bytes, signed now (the gateway allows 10 minutes of skew).
        let prebuilt = Arc::new(prebuild(
            &ours,
            &endpoint,
            gettoken_reply(args.format).len(),
        )?);
        let mut order = clients.clone();
        order.rotate_left(round % clients.len());
        let mut row = Vec::new();
        for which in order {
            let sample = match which {
                Which::Ours => {
                    let client = ours.clone();
                    let request = Arc::new(gettoken_request());
                    let worker: Worker = Arc::new(move |until| {
                        let client = client.clone();
                        let request = Arc::clone(&request);
                        Box::pin(async move {
                            let (mut ok, mut failed) = (0, 0);
                            while Instant::now() < until {
                                match client.execute(&*request).await {
                                    Ok(r)
                                        if r.result
                                            .as_ref()
                                            .is_some_and(|r| r.success == Some(true)) =>
                                    {
                                        ok += 1
                                    }
                                    _ => failed += 1,
                                }
                            }
                            (ok, failed)
                        })
                    });
                    runtime.block_on(measure(&args, worker))
                }
                Which::Limit => {
                    let client = plain.clone();
                    let prebuilt = Arc::clone(&prebuilt);
                    let worker: Worker = Arc::new(move |until| {
                        let client = client.clone();
                        let prebuilt = Arc::clone(&prebuilt);
                        Box::pin(async move {
                            let (mut ok, mut failed) = (0, 0);
                            while Instant::now() < until {
                                if post_prebuilt(&client, &prebuilt).await {
                                    ok += 1;
                                } else {
                                    failed += 1;
                                }
                            }
                            (ok, failed)
                        })
                    });
                    runtime.block_on(measure(&args, worker))
                }
                Which::Raw => runtime.block_on(measure_raw(&args, addr, Arc::clone(&prebuilt))),
                Which::Peer => run_peer(&args, &endpoint)?,
            };
            row.push((which, sample));
        }
        row.sort_by_key(|(w, _)| clients.iter().position(|c| c == w));
        print!("round {}:", round + 1);
        for (which, s) in &row {
            print!("  {} {:.0}/s", which.name(), s.calls_per_s);
            if s.errors > 0 {
                print!(" ({} errors)", s.errors);
            }
        }
        println!();
        // A refused or failed call is not a call: stop rather than report round trips of
        // rejections as throughput.
        if let Some((which, s)) = row.iter().find(|(_, s)| s.errors > 0) {
            let rejected = gateway
                .requests()
                .into_iter()
                .rev()
                .find_map(|r| match r.verdict {
                    Verdict::Rejected(why) => Some(why),
                    Verdict::Ok => None,
                });
            return Err(format!(
                "{}: {} of its calls in round {} failed or were refused{}{}; its figures would \
                 not be calls",
                which.name(),
                s.errors,
                round + 1,
                s.first_error
                    .as_deref()
                    .map(|e| format!(" (first: {e})"))
                    .unwrap_or_default(),
                rejected
                    .map(|r| format!(
                        "; the gateway's last refusal: code {} {}: {}",
                        r.code, r.sub_code, r.sub_msg
                    ))
                    .unwrap_or_default(),
            )
            .into());
        }
        samples.push(row);
    }

    report(&args, &clients, &samples);
    Ok(())
}

/// Whether node and the peer package are there.
fn peer_ready(args: &Args) -> Result<(), String> {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => return Err("`node` is not available".to_owned()),
    }
    if !args.peer_script.is_file() {
        return Err(format!(
            "{} not found (run from the repository root)",
            args.peer_script.display()
        ));
    }
    if !topgen_bench::peer_installed(&args.peer_dir) {
        return Err(format!(
            "node-taobao-topclient is not installed in {} (run bench/peer/install.sh)",
            args.peer_dir.display()
        ));
    }
    Ok(())
}

async fn post_prebuilt(client: &reqwest::Client, prebuilt: &Prebuilt) -> bool {
    let sent = client
        .post(&prebuilt.url)
        .header(reqwest::header::CONTENT_TYPE, FORM)
        .header(reqwest::header::ACCEPT, ACCEPT)
        .body(prebuilt.body.clone())
        .send()
        .await;
    let Ok(response) = sent else { return false };
    if response.status() != 200 {
        return false;
    }
    matches!(response.bytes().await, Ok(b) if b.len() == prebuilt.reply_len)
}

/// One loop of a client: calls one after the other until the deadline, then the counts of
/// calls answered as expected and of the others. Each loop is one task, boxed once.
type Worker =
    Arc<dyn Fn(Instant) -> Pin<Box<dyn Future<Output = (u64, u64)> + Send>> + Send + Sync>;

/// Runs `--concurrency` loops of `worker` for the warm-up, then for the measured window.
async fn measure(args: &Args, worker: Worker) -> Sample {
    let window = |seconds: f64| {
        let worker = Arc::clone(&worker);
        let concurrency = args.concurrency;
        async move {
            let until = Instant::now() + Duration::from_secs_f64(seconds);
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..concurrency {
                tasks.spawn(worker(until));
            }
            topgen_bench::join_counts(tasks).await
        }
    };
    window(args.warmup).await;
    let cpu = CpuClock::start();
    let (ok, failed) = window(args.seconds).await;
    cpu.sample(ok, failed)
}

/// The raw HTTP/1.1 client: one keep-alive connection per loop, the pre-built request
/// written as is, the reply read by its `Content-Length`.
async fn measure_raw(args: &Args, addr: std::net::SocketAddr, prebuilt: Arc<Prebuilt>) -> Sample {
    topgen_bench::raw_window(addr, Arc::clone(&prebuilt), args.concurrency, args.warmup).await;
    let cpu = CpuClock::start();
    let (ok, failed) =
        topgen_bench::raw_window(addr, prebuilt, args.concurrency, args.seconds).await;
    cpu.sample(ok, failed)
}

/// What the peer's script prints.
#[derive(serde::Deserialize)]
struct PeerResult {
    calls: u64,
    ok: u64,
    refused: u64,
    other_errors: u64,
    seconds: f64,
    cpu_ms: f64,
    first_error: Option<String>,
}

fn run_peer(args: &Args, endpoint: &str) -> Result<Sample, Box<dyn std::error::Error>> {
    let out = Command::new("node")
        .arg(&args.peer_script)
        .args([
            endpoint,
            &args.seconds.to_string(),
            &args.warmup.to_string(),
            &args.concurrency.to_string(),
            APP_KEY,
            SECRET,
        ])
        .env("NODE_PATH", args.peer_dir.join("node_modules"))
        // No TZ set: the peer's local-time timestamps are let through by the gateway's
        // PEER_SKEW, whatever the host's time zone.
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "the peer failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let text = String::from_utf8(out.stdout)?;
    let line = text.lines().last().unwrap_or_default();
    let r: PeerResult = serde_json::from_str(line)
        .map_err(|e| format!("unexpected output from the peer ({e}): {text}"))?;
    static NOTED: std::sync::Once = std::sync::Once::new();
    NOTED.call_once(|| {
        println!(
            "peer: {} round trips in {:.1} s: {} got the response, {} refused{}, {} failed",
            r.calls,
            r.seconds,
            r.ok,
            r.refused,
            r.first_error
                .as_deref()
                .map(|e| format!(" (e.g. {e})"))
                .unwrap_or_default(),
            r.other_errors,
        );
    });
    Ok(Sample {
        calls_per_s: r.ok as f64 / r.seconds,
        calls: r.ok,
        errors: r.refused + r.other_errors,
        first_error: r.first_error.clone(),
        gateway_cpu: None,
        client_cpu: Some(r.cpu_ms / 1000.0 / r.seconds),
    })
}

/// CPU time of this process's threads from /proc (Linux), split into the gateway's thread and
/// the rest, in clock ticks (USER_HZ, 100 per second on Linux).
struct CpuClock {
    start: Option<(u64, u64)>,
    at: Instant,
}

impl CpuClock {
    const TICKS_PER_SECOND: f64 = 100.0;

    fn start() -> Self {
        CpuClock {
            start: cpu_ticks(),
            at: Instant::now(),
        }
    }

    /// The sample of a window that started with `start` and made `ok` good calls and
    /// `failed` bad ones: calls per second, and the (gateway, client) CPU shares of one core.
    fn sample(self, ok: u64, failed: u64) -> Sample {
        let elapsed = self.at.elapsed().as_secs_f64();
        let share =
            |from: u64, to: u64| to.saturating_sub(from) as f64 / Self::TICKS_PER_SECOND / elapsed;
        let (gateway_cpu, client_cpu) = match (self.start, cpu_ticks()) {
            (Some((g0, o0)), Some((g1, o1))) => (Some(share(g0, g1)), Some(share(o0, o1))),
            _ => (None, None),
        };
        Sample {
            calls_per_s: ok as f64 / elapsed,
            calls: ok,
            errors: failed,
            first_error: None,
            gateway_cpu,
            client_cpu,
        }
    }
}

/// (gateway thread, every other thread) utime + stime, in ticks.
fn cpu_ticks() -> Option<(u64, u64)> {
    let mut gateway = 0;
    let mut other = 0;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = entry.ok()?.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
        // Fields after the `(comm)`: state is field 3; utime and stime are 14 and 15.
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        if comm.starts_with("topgen-gateway") {
            gateway += ticks;
        } else {
            other += ticks;
        }
    }
    Some((gateway, other))
}

fn report(args: &Args, clients: &[Which], samples: &[Vec<(Which, Sample)>]) {
    let column = |which: Which, f: &dyn Fn(&Sample) -> Option<f64>| -> Vec<f64> {
        samples
            .iter()
            .filter_map(|row| row.iter().find(|(w, _)| *w == which))
            .filter_map(|(_, s)| f(s))
            .collect()
    };
    println!();
    println!(
        "calls/s over {} round(s) of {} s (min / median / max):",
        args.rounds, args.seconds
    );
    for &which in clients {
        let rate = Summary::of(&column(which, &|s| Some(s.calls_per_s)));
        let errors: u64 = column(which, &|s| Some(s.errors as f64))
            .iter()
            .map(|e| *e as u64)
            .sum();
        let gateway = Summary::of(&column(which, &|s| s.gateway_cpu));
        let client = Summary::of(&column(which, &|s| s.client_cpu));
        // CPU time per call: what a call costs whatever share of the machine it got.
        let per_call =
            |cpu: Option<f64>, rate: f64| cpu.filter(|_| rate > 0.0).map(|c| c * 1e6 / rate);
        let client_us = Summary::of(&column(which, &|s| per_call(s.client_cpu, s.calls_per_s)));
        let gateway_us = Summary::of(&column(which, &|s| per_call(s.gateway_cpu, s.calls_per_s)));
        let calls: f64 = column(which, &|s| Some(s.calls as f64)).iter().sum();
        print!(
            "  {:<6} {}  ({} calls, {errors} errors",
            which.name(),
            rate.map(|s| format!("{s:.0}")).unwrap_or_default(),
            calls as u64,
        );
        if let Some(g) = gateway {
            print!("; gateway thread CPU {:.0}%", g.median * 100.0);
        }
        if let Some(c) = client {
            print!("; client CPU {:.0}%", c.median * 100.0);
        }
        println!(")");
        if let Some(c) = client_us {
            print!("         CPU per call: client {c:.1} µs");
            if let Some(g) = gateway_us {
                print!(", gateway thread {g:.1} µs");
            }
            println!();
        }
    }
    let ratio = |num: Which, den: Which| -> Option<Summary> {
        let per_round: Vec<f64> = samples
            .iter()
            .filter_map(|row| {
                let n = row.iter().find(|(w, _)| *w == num)?.1.calls_per_s;
                let d = row.iter().find(|(w, _)| *w == den)?.1.calls_per_s;
                (d > 0.0).then_some(n / d)
            })
            .collect();
        Summary::of(&per_round)
    };
    println!("ratios per round (min / median / max):");
    if let Some(r) = ratio(Which::Limit, Which::Ours) {
        println!(
            "  limit / ours = {r:.3}  (target <= 1.15: {})",
            met(r.median <= 1.15)
        );
    }
    let cpu_ratio = |num: Which, den: Which| -> Option<Summary> {
        let per_call = |row: &Vec<(Which, Sample)>, w: Which| {
            let s = &row.iter().find(|(x, _)| *x == w)?.1;
            let cpu = s.client_cpu?;
            (s.calls_per_s > 0.0).then(|| cpu / s.calls_per_s)
        };
        let per_round: Vec<f64> = samples
            .iter()
            .filter_map(|row| Some(per_call(row, num)? / per_call(row, den)?))
            .collect();
        Summary::of(&per_round)
    };
    if let Some(r) = cpu_ratio(Which::Ours, Which::Limit) {
        println!("  client CPU per call, ours / limit = {r:.3}");
    }
    if let Some(r) = cpu_ratio(Which::Peer, Which::Ours) {
        println!("  client CPU per call, peer / ours  = {r:.2}");
    }
    if let Some(r) = ratio(Which::Raw, Which::Limit) {
        println!("  raw / limit  = {r:.3}  (the gateway's headroom over reqwest)");
    }
    if let Some(r) = ratio(Which::Ours, Which::Peer) {
        println!(
            "  ours / peer  = {r:.2}  (target >= 5: {})",
            met(r.median >= 5.0)
        );
    }
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "NOT met" }
}
