//! Peak memory of decoding a large reply (see BENCHMARKS.md): a list reply of `--mb` MiB in
//! each format is written to a temporary file; for each, a child process (this binary again)
//! notes its resident set (`VmRSS`), reads the body into memory, decodes it, and reports its
//! peak resident set (`VmHWM`, from /proc/self/status). The peak over the starting resident
//! set, body included, is compared with the body's size. The same body decoded by plain
//! `serde_json::from_slice` into plain structs is the baseline.
//!
//! A child per measurement, so that building the body (and the previous measurement) never
//! counts: `VmHWM` only grows within a process.
//!
//! `cargo run --release -p topgen-bench --bin peak_memory -- --mb 50`

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use clap::Parser;
use topgen_bench::{list, list_items_for, list_reply, plain, vm_kib};
use topgen_runtime::__private::response::decode;
use topgen_runtime::Format;

#[derive(Parser, Debug)]
#[command(about = "Peak memory of decoding a large TOP list reply, relative to its size")]
struct Args {
    /// The body's size, in MiB.
    #[arg(long, default_value_t = 50)]
    mb: usize,
    /// Decode only this format (default: every format).
    #[arg(long)]
    format: Option<Format>,
    /// Child mode: decode the body in this file.
    #[arg(long, requires = "decoder")]
    decode: Option<PathBuf>,
    /// Child mode: `runtime` (the client's decoder) or `plain` (serde_json into plain structs).
    #[arg(long)]
    decoder: Option<String>,
}

/// What a child reports.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Measured {
    body_bytes: usize,
    items: usize,
    rss_before_kib: u64,
    hwm_kib: u64,
    decode_ms: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Some(path) = &args.decode {
        let format = args.format.unwrap_or_default();
        let decoder = args.decoder.as_deref().unwrap_or("runtime");
        let measured = child(path, format, decoder)?;
        println!("{}", serde_json::to_string(&measured)?);
        return Ok(());
    }
    if cfg!(debug_assertions) {
        println!("note: an unoptimised build; its figures mean nothing (use --release)");
    }
    if args.mb == 0 {
        return Err("--mb must be at least 1".into());
    }
    let target = args.mb << 20;
    let items = list_items_for(target);
    let dir = tempfile::tempdir()?;
    let exe = std::env::current_exe()?;
    println!(
        "machine: {}; a list reply of {items} items (~{} MiB in JSON)",
        topgen_bench::machine(),
        args.mb
    );
    println!(
        "{:<24} {:>10} {:>12} {:>12} {:>14} {:>10}",
        "format / decoder", "body MiB", "start MiB", "peak MiB", "peak-start/body", "decode s"
    );
    let formats: Vec<Format> = match args.format {
        Some(f) => vec![f],
        None => Format::ALL.to_vec(),
    };
    let mut worst: f64 = 0.0;
    for format in formats {
        let path = dir.path().join(format!("body-{format}"));
        std::fs::write(&path, list_reply(items, format))?;
        let decoders: &[&str] = if format == Format::Json {
            &["runtime", "plain"]
        } else {
            &["runtime"]
        };
        for decoder in decoders {
            let out = Command::new(&exe)
                .arg("--decode")
                .arg(&path)
                .args(["--format", format.as_str(), "--decoder", decoder])
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "the {format} / {decoder} child failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )
                .into());
            }
            let m: Measured = serde_json::from_slice(&out.stdout)?;
            if m.items != items {
                return Err(format!("{format} / {decoder}: {} items, not {items}", m.items).into());
            }
            let mib = |kib: u64| kib as f64 / 1024.0;
            let ratio =
                (m.hwm_kib.saturating_sub(m.rss_before_kib) * 1024) as f64 / m.body_bytes as f64;
            if *decoder == "runtime" {
                worst = worst.max(ratio);
            }
            println!(
                "{:<24} {:>10.1} {:>12.1} {:>12.1} {:>14.2} {:>10.3}",
                format!("{format} / {decoder}"),
                m.body_bytes as f64 / f64::from(1 << 20),
                mib(m.rss_before_kib),
                mib(m.hwm_kib),
                ratio,
                m.decode_ms / 1000.0,
            );
        }
        std::fs::remove_file(&path)?;
    }
    println!(
        "worst (peak - start) / body of the client's decoder: {worst:.2} (target <= 3: {})",
        if worst <= 3.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

/// Reads and decodes `path`, measuring the resident set before and the peak after.
fn child(
    path: &std::path::Path,
    format: Format,
    decoder: &str,
) -> Result<Measured, Box<dyn std::error::Error>> {
    let rss_before_kib = vm_kib("VmRSS").ok_or("no VmRSS in /proc/self/status")?;
    let body = std::fs::read(path)?;
    let started = Instant::now();
    let items = match decoder {
        "runtime" => {
            let r: list::ListTokensResponse = decode(format, &body, list::RESPONSE_KEY, 200)?;
            r.result.and_then(|r| r.data).map_or(0, |d| d.len())
        }
        "plain" if format == Format::Json => {
            let r: plain::ListEnvelope = serde_json::from_slice(&body)?;
            r.wdk_iot_wombat_common_listtokens_response
                .result
                .and_then(|r| r.data)
                .map_or(0, |d| d.oss_token_dto.len())
        }
        other => return Err(format!("no decoder `{other}` for {format}").into()),
    };
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
    let hwm_kib = vm_kib("VmHWM").ok_or("no VmHWM in /proc/self/status")?;
    Ok(Measured {
        body_bytes: body.len(),
        items,
        rss_before_kib,
        hwm_kib,
        decode_ms,
    })
}
