//! `topgen-gateway serve`: the local TOP gateway as a program, for the tests of TOP clients
//! written in any language. It serves every API of a folder of topgen specs (by default the
//! shipped `specs/`) at `http://127.0.0.1:PORT/router/rest`, checking requests like TOP and
//! answering from the specs' examples, or with replies made up from their response schemas
//! (deterministic for a `--seed`), and optionally a TMC endpoint; it prints where, logs
//! a line per request on stderr (unless `--quiet`), and stops on Ctrl-C.
//!
//! ```sh
//! cargo run -p topgen-gateway -- serve --app 12345678:your-test-secret --port 8080
//! ```
#![forbid(unsafe_code)]

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use topgen_gateway::{Api, Gateway, TmcGateway};

#[derive(Parser, Debug)]
#[command(
    name = "topgen-gateway",
    version,
    about = "A local Taobao Open Platform (TOP) gateway on 127.0.0.1 for the tests of TOP clients"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the APIs of a folder of specs until Ctrl-C.
    Serve(Serve),
}

#[derive(clap::Args, Debug)]
struct Serve {
    /// Folder of `*.yaml` API specs [default: the `specs/` this program was built from].
    #[arg(long)]
    specs: Option<PathBuf>,
    /// An app allowed to call, `APP_KEY:SECRET` (repeat for several; at least one).
    #[arg(long = "app", value_name = "KEY:SECRET", required = true)]
    apps: Vec<String>,
    /// A session the gateway accepts (repeat for several); without any, every session is
    /// accepted.
    #[arg(long = "session", value_name = "TOKEN")]
    sessions: Vec<String>,
    /// An authorization code that `taobao.top.auth.token.create` turns, once, into a session
    /// for the user USER_ID (NICK); `taobao.top.auth.token.refresh` then renews it (repeat for
    /// several codes).
    #[arg(long = "auth-code", value_name = "CODE:USER_ID:NICK")]
    auth_codes: Vec<String>,
    /// The port (0: any free port; the endpoint is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to listen on, for TOP calls, the control API and TMC (e.g. 0.0.0.0 in a
    /// container). Beyond loopback the control API needs a token, printed at start-up.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    listen: IpAddr,
    /// The token the control API requires (`Authorization: Bearer TOKEN`), on any address
    /// [default: none on 127.0.0.1, a random one beyond].
    #[arg(long, value_name = "TOKEN", env = "TOPGEN_GATEWAY_CONTROL_TOKEN")]
    control_token: Option<String>,
    /// Also serve TMC (TOP's message channel) on this port (0: any free port).
    #[arg(long, value_name = "PORT")]
    tmc_port: Option<u16>,
    /// How far a request's timestamp may be from the gateway's clock, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    max_skew: u64,
    /// No request log on stderr.
    #[arg(long)]
    quiet: bool,
    /// The seed of the replies made up from response schemas (for the APIs without a reply
    /// example): the same request gets the same reply for the same seed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Serve(serve) = cli.command;
    match run(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("topgen-gateway: error: {why}");
            ExitCode::FAILURE
        }
    }
}

/// `url` with an unspecified listen address (`0.0.0.0`, `::`) replaced by loopback, which
/// reaches it from this machine.
fn reachable(url: &str, listen: IpAddr) -> String {
    if !listen.is_unspecified() {
        return url.to_owned();
    }
    let (unspecified, loopback) = if listen.is_ipv4() {
        ("0.0.0.0", "127.0.0.1")
    } else {
        ("[::]", "[::1]")
    };
    url.replacen(unspecified, loopback, 1)
}

/// The APIs of the spec files, in their order, read and resolved on every core (the whole
/// catalog: about half the start-up on 2 cores); the first file that is not a valid spec is
/// the error.
fn load_apis(files: &[PathBuf]) -> Result<Vec<Api>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let loaders: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|file| Api::from_spec_file(file).map_err(|e| e.to_string()))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut apis = Vec::with_capacity(files.len());
        for loader in loaders {
            apis.extend(
                loader
                    .join()
                    .map_err(|_| "a spec loader thread panicked".to_owned())??,
            );
        }
        Ok(apis)
    })
}

/// `KEY:SECRET` split at its first colon.
fn app(text: &str) -> Result<(&str, &str), String> {
    match text.split_once(':') {
        Some((key, secret)) if !key.trim().is_empty() && !secret.is_empty() => {
            Ok((key.trim(), secret))
        }
        // The text is not repeated: it holds a secret.
        _ => Err("an --app is not `APP_KEY:SECRET` (both non-empty)".to_owned()),
    }
}

fn run(serve: Serve) -> Result<(), String> {
    let started = Instant::now();
    let dir = serve
        .specs
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs")));
    let files = topgen_spec::spec_files(&dir).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!(
            "{}: no `*.yaml` spec in this folder",
            dir.display()
        ));
    }
    let tmc =
        match serve.tmc_port {
            None => None,
            Some(port) => {
                let mut tmc = TmcGateway::builder().listen(serve.listen).port(port);
                for text in &serve.apps {
                    let (key, secret) = app(text)?;
                    tmc = tmc.app(key, secret);
                }
                Some(tmc.spawn().map_err(|e| {
                    format!("cannot listen on {}:{port} for TMC: {e}", serve.listen)
                })?)
            }
        };
    let mut builder = Gateway::builder()
        .listen(serve.listen)
        .port(serve.port)
        .max_skew(Duration::from_secs(serve.max_skew))
        .log_requests(!serve.quiet)
        .seed(serve.seed)
        // A long-running program keeps the last 1,000 requests, as the library does.
        .record_capacity(topgen_gateway::DEFAULT_RECORD_CAPACITY);
    if let Some(token) = &serve.control_token {
        builder = builder.control_token(token.as_str());
    }
    if let Some(tmc) = &tmc {
        builder = builder.tmc(tmc);
    }
    for text in &serve.apps {
        let (key, secret) = app(text)?;
        builder = builder.app(key, secret);
    }
    for session in &serve.sessions {
        builder = builder.session(session.as_str());
    }
    for text in &serve.auth_codes {
        let mut parts = text.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(code), Some(user), Some(nick))
                if !code.is_empty() && !user.is_empty() && !nick.is_empty() =>
            {
                builder = builder.auth_code(code, user, nick);
            }
            // The text is not repeated: the code is a secret of sorts.
            _ => return Err("an --auth-code is not `CODE:USER_ID:NICK` (all non-empty)".to_owned()),
        }
    }
    let (mut made_up, mut empty, mut misfits) = (0, 0, Vec::new());
    for api in load_apis(&files)? {
        made_up += usize::from(api.makes_up_replies());
        empty += usize::from(api.answers_empty());
        if let Some(misfit) = api.example_misfit() {
            misfits.push(format!(
                "{}'s reply example does not fit its spec ({misfit}): it answers made-up replies",
                api.method()
            ));
        }
        builder = builder.api(api);
    }
    let gateway = builder
        .print_warnings(false)
        .spawn()
        .map_err(|e| format!("cannot listen on {}:{}: {e}", serve.listen, serve.port))?;
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "endpoint: {}",
        reachable(&gateway.endpoint(), serve.listen)
    );
    if let Some(tmc) = &tmc {
        let _ = writeln!(out, "tmc: {}", reachable(&tmc.endpoint(), serve.listen));
    }
    let control = reachable(
        &format!("http://{}{}", gateway.addr(), topgen_gateway::CONTROL_PATH),
        serve.listen,
    );
    match gateway.control_token() {
        // Printed on purpose: the token is this run's, made for the caller to use.
        Some(token) if serve.control_token.is_none() => {
            let _ = writeln!(
                out,
                "control: {control} (listening on {} beyond loopback: send `Authorization: Bearer {token}`)",
                serve.listen
            );
        }
        Some(_) => {
            let _ = writeln!(out, "control: {control} (with the --control-token)");
        }
        None => {
            let _ = writeln!(out, "control: {control}");
        }
    }
    let _ = writeln!(
        out,
        "serving {} APIs from {} for {} app(s), started in {} ms; Ctrl-C stops",
        files.len(),
        dir.display(),
        serve.apps.len(),
        started.elapsed().as_millis()
    );
    let _ = writeln!(
        out,
        "replies: {} from the specs' examples, {made_up} made up from the response schema (seed {}), {empty} empty",
        files.len() - made_up - empty,
        serve.seed,
    );
    if empty > 0 {
        let _ = writeln!(
            out,
            "{empty} of the APIs have neither a reply example nor response fields: a request to \
             one that passes gets an empty success (`{{\"<name>_response\":{{}}}}`)"
        );
    }
    for misfit in &misfits {
        let _ = writeln!(out, "warning: {misfit}");
    }
    let _ = out.flush();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the signal handler: {e}"))?;
    runtime
        .block_on(tokio::signal::ctrl_c())
        .map_err(|e| format!("waiting for Ctrl-C: {e}"))?;
    // Dropping the gateways stops their servers and joins their threads.
    drop(tmc);
    let served = gateway.request_count();
    drop(gateway);
    let _ = writeln!(out, "stopped after {served} request(s)");
    Ok(())
}
