//! TMC throughput and memory (see BENCHMARKS.md): messages per second end to end through the
//! local gateway's TMC endpoint, with a trivial handler, for the `topgen-tmc` consumer at
//! concurrency 1 and 16, against the limit — a minimal client that only reads frames, confirms
//! each Data message and pulls again — and each one's peak memory.
//!
//! Each measurement is a child process (this binary again, `--child MODE`) so that its peak
//! resident set (`VmHWM`) is the consumer's alone: the gateway runs in the parent, with the
//! messages queued for a group of the child's own before it starts. The parent times from
//! starting the child until the gateway has every message confirmed (a process start, a few
//! milliseconds, is in every figure alike); the child runs until it has confirmed them all
//! (the consumer: handled, then shut down, which sends the last confirmations). Modes run
//! interleaved, round after round.
//!
//! `cargo run --release -p topgen-bench --bin tmc -- --messages 20000 --rounds 5`

#![forbid(unsafe_code)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use topgen_bench::{Summary, vm_kib};
use topgen_gateway::{QueuedMessage, TmcGateway};
use topgen_tmc::{Consumer, Frame, Message, MessageType, connect_sign, decode};

const APP_KEY: &str = "12345678";
const SECRET: &str = "tmc-bench-secret";
const MODES: [&str; 3] = ["minimal", "consumer-1", "consumer-16"];

#[derive(Parser, Debug)]
#[command(about = "TMC messages per second through the local gateway, and peak memory")]
struct Args {
    /// Messages per measurement.
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// Measurements per mode.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Data frames the gateway pushes per PullRequest.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Child mode: `minimal`, `consumer-1` or `consumer-16`.
    #[arg(long, requires_all = ["endpoint", "group"])]
    child: Option<String>,
    /// Child mode: the gateway's endpoint.
    #[arg(long)]
    endpoint: Option<String>,
    /// Child mode: the group whose messages to take.
    #[arg(long)]
    group: Option<String>,
}

/// What a child reports.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Measured {
    seconds: f64,
    confirmed: u64,
    rss_before_kib: u64,
    hwm_kib: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Some(mode) = &args.child {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let endpoint = args.endpoint.as_deref().unwrap_or_default();
        let group = args.group.as_deref().unwrap_or_default();
        let measured = runtime.block_on(child(mode, endpoint, group, args.messages as u64))?;
        println!("{}", serde_json::to_string(&measured)?);
        return Ok(());
    }
    if cfg!(debug_assertions) {
        println!("note: an unoptimised build; its figures mean nothing (use --release)");
    }
    if args.messages == 0 || args.rounds == 0 || args.batch == 0 {
        return Err("--messages, --rounds and --batch must be at least 1".into());
    }
    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .batch_size(args.batch)
        .record_capacity(1_000)
        .spawn()?;
    let exe = std::env::current_exe()?;
    println!(
        "machine: {}; {} messages per run, {} per pull, {} rounds",
        topgen_bench::machine(),
        args.messages,
        args.batch,
        args.rounds
    );
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); MODES.len()];
    let mut peaks: Vec<Vec<f64>> = vec![Vec::new(); MODES.len()];
    for round in 0..args.rounds {
        for (m, mode) in MODES.iter().enumerate() {
            let group = format!("bench-{round}-{mode}");
            for i in 0..args.messages {
                let content = format!(
                    r#"{{"tid":{},"status":"WAIT_SELLER_SEND_GOODS"}}"#,
                    58_681_907_060_570_486_i64 + i as i64
                );
                gateway.queue(
                    &group,
                    QueuedMessage::new("taobao_trade_TradeCreate", content),
                );
            }
            let confirmed_before = gateway.confirmed_count();
            let started = Instant::now();
            let child = Command::new(&exe)
                .args([
                    "--child",
                    mode,
                    "--endpoint",
                    &gateway.endpoint(),
                    "--group",
                    &group,
                ])
                .args(["--messages", &args.messages.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            // End to end: until the gateway has every confirmation.
            let all =
                gateway.wait_for_blocking(|g| g.pending(&group) == 0, Duration::from_secs(600));
            let seconds = started.elapsed().as_secs_f64();
            let out = child.wait_with_output()?;
            if !all || !out.status.success() {
                return Err(format!(
                    "the {mode} child failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )
                .into());
            }
            let measured: Measured = serde_json::from_slice(&out.stdout)?;
            let confirmed = gateway.confirmed_count() - confirmed_before;
            if confirmed < args.messages as u64 || gateway.pending(&group) != 0 {
                return Err(format!(
                    "{mode}: the gateway got {confirmed} confirmations of {}, {} pending",
                    args.messages,
                    gateway.pending(&group)
                )
                .into());
            }
            rates[m].push(args.messages as f64 / seconds);
            peaks[m].push(measured.hwm_kib as f64 / 1024.0);
        }
    }
    let limit = Summary::of(&rates[0]).ok_or("no sample")?;
    println!(
        "{:<14} {:>32} {:>10} {:>24}",
        "client", "messages/s min / median / max", "vs limit", "peak RSS MiB min/med/max"
    );
    for (m, mode) in MODES.iter().enumerate() {
        let rate = Summary::of(&rates[m]).ok_or("no sample")?;
        let peak = Summary::of(&peaks[m]).ok_or("no sample")?;
        println!(
            "{mode:<14} {:>32} {:>9.2}x {:>24}",
            format!("{rate:.0}"),
            rate.median / limit.median,
            format!("{peak:.1}")
        );
    }
    Ok(())
}

async fn child(
    mode: &str,
    endpoint: &str,
    group: &str,
    messages: u64,
) -> Result<Measured, Box<dyn std::error::Error>> {
    let rss_before_kib = vm_kib("VmRSS").ok_or("no VmRSS in /proc/self/status")?;
    let started = Instant::now();
    let confirmed = match mode {
        "minimal" => minimal(endpoint, group, messages).await?,
        "consumer-1" => consumer(endpoint, group, messages, 1).await?,
        "consumer-16" => consumer(endpoint, group, messages, 16).await?,
        other => return Err(format!("unknown mode `{other}`").into()),
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(Measured {
        seconds,
        confirmed,
        rss_before_kib,
        hwm_kib: vm_kib("VmHWM").ok_or("no VmHWM in /proc/self/status")?,
    })
}

/// The consumer with a trivial handler, until `messages` are handled; then its shutdown
/// sends the last confirmations.
async fn consumer(
    endpoint: &str,
    group: &str,
    messages: u64,
    concurrency: usize,
) -> Result<u64, Box<dyn std::error::Error>> {
    let handled = Arc::new(AtomicU64::new(0));
    let all = Arc::new(Notify::new());
    let (h, a) = (handled.clone(), all.clone());
    let running = Consumer::builder(APP_KEY, SECRET)
        .endpoint(endpoint)
        .group(group)
        .max_concurrency(concurrency)
        .on_topic("taobao_trade_TradeCreate", move |_| {
            if h.fetch_add(1, Ordering::Relaxed) + 1 == messages {
                a.notify_one();
            }
            std::future::ready(Ok(()))
        })
        .build()?
        .spawn();
    tokio::time::timeout(Duration::from_secs(600), all.notified()).await?;
    let report = running.shutdown(Duration::from_secs(10)).await?;
    Ok(report.stats.confirmed)
}

/// The limit: signs in, pulls, confirms each Data frame as it is read, and pulls again after
/// each burst of frames (one flush for the burst's confirmations and the pull), with no
/// handler, no queue and no bookkeeping.
async fn minimal(
    endpoint: &str,
    group: &str,
    messages: u64,
) -> Result<u64, Box<dyn std::error::Error>> {
    let address = endpoint
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .ok_or("a ws:// endpoint")?;
    let tcp = tokio::net::TcpStream::connect(address).await?;
    tcp.set_nodelay(true)?;
    let (mut ws, _) = tokio_tungstenite::client_async(endpoint, tcp).await?;
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .to_string();
    let sign = connect_sign(SECRET, APP_KEY, group, &timestamp);
    let connect = Frame::connect(APP_KEY, group, &timestamp, &sign);
    ws.send(WsMessage::binary(connect.encode())).await?;
    let token = loop {
        if let Some(WsMessage::Binary(bytes)) = ws.next().await.transpose()? {
            let ack = decode(&bytes)?;
            if ack.message_type == MessageType::ConnectAck {
                break ack.token.ok_or("no token")?;
            }
        }
    };
    let pull = Message::PullRequest.to_frame(&token).encode();
    ws.send(WsMessage::binary(pull.clone())).await?;
    let mut confirmed = 0;
    while confirmed < messages {
        let mut next = Some(ws.next().await);
        // The frames that arrived together: each confirmed, then one flush and one pull.
        while let Some(message) = next {
            let Some(message) = message.transpose()? else {
                return Err("the gateway closed the connection".into());
            };
            if let WsMessage::Binary(bytes) = message {
                if let Message::Data(data) = Message::read(&decode(&bytes)?)? {
                    let id = data.id.ok_or("a Data message without an id")?;
                    let confirm = Message::Confirm { id }.to_frame(&token).encode();
                    ws.feed(WsMessage::binary(confirm)).await?;
                    confirmed += 1;
                }
            }
            next = ws.next().now_or_never();
        }
        ws.send(WsMessage::binary(pull.clone())).await?;
    }
    ws.close(None).await?;
    Ok(confirmed)
}
