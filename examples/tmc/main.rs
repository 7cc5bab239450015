//! Prints TOP's push messages (TMC) as they come, typed for trade creations and successes.
//!
//! ```sh
//! TOP_APP_KEY=… TOP_APP_SECRET=… cargo run -p topgen-examples --example tmc
//! ```
//!
//! Optional: `TMC_GROUP`, `TMC_ENDPOINT`, `TMC_MAX_MESSAGES`; Ctrl-C stops it. The logic is in
//! `tmc/mod.rs` (`topgen_examples::tmc`), where it is tested.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match topgen_examples::tmc::config(|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(why) => {
            eprintln!(
                "usage: {why} (TOP_APP_KEY, TOP_APP_SECRET; optional TMC_GROUP, TMC_ENDPOINT, TMC_MAX_MESSAGES)"
            );
            return ExitCode::from(64);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match runtime.block_on(topgen_examples::tmc::run(config, stop, |line| {
        println!("{line}")
    })) {
        Ok(report) => {
            eprintln!(
                "stopped: {} handled, {} confirmed, {} reconnects",
                report.stats.received, report.stats.confirmed, report.stats.disconnects
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
