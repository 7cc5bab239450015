//! The `topgen-gateway serve` program as a user runs it (see BENCHMARKS.md): each round starts
//! it on a folder of specs (default: the whole shipped catalog), times its start-up (to the
//! `serving …` line, and to the first call answered), reads its resident memory, then measures
//! the calls per second it serves to the minimal raw HTTP/1.1 client (keep-alive,
//! `--concurrency` connections, one pre-signed gettoken call), and stops it with SIGINT.
//!
//! ```sh
//! cargo build --release -p topgen-gateway
//! cargo run --release -p topgen-bench --bin serve -- --rounds 5 --seconds 5
//! ```
//!
//! Every call counted got HTTP 200 with the length of the first answer, which must be the
//! API's success reply (not an `error_response`); any other answer stops the run with an error.

#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::net::TcpStream;
use topgen_bench::{APP_KEY, SECRET, Summary, parse_vm_kib, prebuild, raw_call};
use topgen_runtime::{Client, Format, RetryPolicy, SignMethod};

#[derive(Parser, Debug)]
#[command(about = "Start-up, memory and calls per second of the topgen-gateway serve program")]
struct Args {
    /// The program [default: target/release/topgen-gateway, or $CARGO_TARGET_DIR's].
    #[arg(long)]
    program: Option<PathBuf>,
    /// The folder of specs it serves [default: the program's own, the shipped catalog].
    #[arg(long)]
    specs: Option<PathBuf>,
    /// How many rounds (a fresh start each).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// How long the calls are measured in each round, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Warm-up before measuring, in seconds.
    #[arg(long, default_value_t = 0.5)]
    warmup: f64,
    /// Calls in flight at once (one connection each).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
}

/// One round's figures.
struct Round {
    to_serving: Duration,
    to_first_call: Duration,
    rss_started_kib: u64,
    calls_per_second: f64,
    hwm_kib: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let program = args.program.clone().unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")),
            PathBuf::from,
        );
        target.join("release/topgen-gateway")
    });
    if !program.is_file() {
        return Err(format!(
            "{} is not there: build it first (cargo build --release -p topgen-gateway) or give --program",
            program.display()
        )
        .into());
    }
    println!("machine: {}", topgen_bench::machine());
    println!(
        "program: {} serve{}; {} round(s) of {} s at concurrency {}",
        program.display(),
        args.specs
            .as_ref()
            .map(|s| format!(" --specs {}", s.display()))
            .unwrap_or_default(),
        args.rounds,
        args.seconds,
        args.concurrency
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut rounds = Vec::new();
    for round in 1..=args.rounds {
        let r = runtime.block_on(one_round(&args, &program))?;
        println!(
            "round {round}: serving after {:.0} ms, first call answered after {:.0} ms, {:.1} MiB resident; {:.0} calls/s; peak {:.1} MiB",
            r.to_serving.as_secs_f64() * 1e3,
            r.to_first_call.as_secs_f64() * 1e3,
            r.rss_started_kib as f64 / 1024.0,
            r.calls_per_second,
            r.hwm_kib as f64 / 1024.0,
        );
        rounds.push(r);
    }
    let summary = |f: &dyn Fn(&Round) -> f64| {
        Summary::of(&rounds.iter().map(f).collect::<Vec<_>>()).ok_or("no round")
    };
    println!("min / median / max over {} round(s):", rounds.len());
    println!(
        "  start-up to `serving`       {:.0} ms",
        summary(&|r| r.to_serving.as_secs_f64() * 1e3)?
    );
    println!(
        "  start-up to the first call  {:.0} ms",
        summary(&|r| r.to_first_call.as_secs_f64() * 1e3)?
    );
    println!(
        "  resident after start-up     {:.1} MiB",
        summary(&|r| r.rss_started_kib as f64 / 1024.0)?
    );
    println!(
        "  calls/s (raw client)        {:.0}",
        summary(&|r| r.calls_per_second)?
    );
    println!(
        "  peak resident               {:.1} MiB",
        summary(&|r| r.hwm_kib as f64 / 1024.0)?
    );
    Ok(())
}

/// Stops the child (SIGINT, then a kill if it lingers) when dropped, whatever happened.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        for _ in 0..50 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn vm_of(pid: u32, field: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    parse_vm_kib(&status, field).ok_or_else(|| format!("no {field} in /proc/{pid}/status"))
}

async fn one_round(args: &Args, program: &PathBuf) -> Result<Round, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut command = Command::new(program);
    command.args(["serve", "--app", &format!("{APP_KEY}:{SECRET}"), "--quiet"]);
    if let Some(specs) = &args.specs {
        command.arg("--specs").arg(specs);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let running = Running(child);
    let pid = running.0.id();
    let mut lines = BufReader::new(stdout).lines();
    let mut endpoint = None;
    let to_serving = loop {
        let line = lines.next().ok_or("the program ended before serving")??;
        if let Some(url) = line.strip_prefix("endpoint: ") {
            endpoint = Some(url.to_owned());
        }
        if line.starts_with("serving ") {
            break started.elapsed();
        }
    };
    // Keep reading its stdout, so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let endpoint = endpoint.ok_or("no `endpoint:` line before `serving`")?;
    let addr: std::net::SocketAddr = endpoint
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .ok_or("the endpoint is http://HOST/…")?
        .parse()?;

    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(endpoint.as_str())
        .format(Format::Json)
        .sign_method(SignMethod::HmacSha256)
        .retry(RetryPolicy::none())
        .build()?;
    // The first call: its answer must be the success reply; its length is what counts after.
    let mut probe = prebuild(&client, &endpoint, 0)?;
    let mut stream = TcpStream::connect(addr).await?;
    let mut buf = Vec::new();
    raw_call(&mut stream, &probe.http, 0, &mut buf)
        .await
        .ok_or("the first call got no HTTP answer")?;
    let to_first_call = started.elapsed();
    let answer = String::from_utf8_lossy(&buf).into_owned();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    if !answer.starts_with("HTTP/1.1 200")
        || !body.contains("_response\"")
        || body.contains("\"error_response\"")
    {
        return Err(
            format!("the first call was not answered with the success reply: {answer}").into(),
        );
    }
    probe.reply_len = body.len();
    let rss_started_kib = vm_of(pid, "VmRSS")?;

    let prebuilt = Arc::new(probe);
    topgen_bench::raw_window(addr, Arc::clone(&prebuilt), args.concurrency, args.warmup).await;
    let measured = Instant::now();
    let (ok, failed) =
        topgen_bench::raw_window(addr, prebuilt, args.concurrency, args.seconds).await;
    let elapsed = measured.elapsed().as_secs_f64();
    if failed > 0 {
        return Err(format!(
            "{failed} call(s) were not answered with the success reply ({ok} were)"
        )
        .into());
    }
    let hwm_kib = vm_of(pid, "VmHWM")?;
    drop(running);
    Ok(Round {
        to_serving,
        to_first_call,
        rss_started_kib,
        calls_per_second: ok as f64 / elapsed,
        hwm_kib,
    })
}
