//! Calls `taobao.wdk.iot.wombat.common.gettoken` on TOP and prints the typed response.
//!
//! ```sh
//! TOP_APP_KEY=… TOP_APP_SECRET=… cargo run --example gettoken -- \
//!     --merchant-code HM --scenes-code 1 --ou-code 8007 --robot-sn xxxxx
//! ```
//!
//! Optional: `TOP_ENDPOINT` (default: the production HTTPS gateway), `TOP_SIGN_METHOD`
//! (`md5`, `hmac`, `hmac-sha256`), `TOP_FORMAT` (`json`, `simplified-json`, `xml`),
//! `TOP_TIMEOUT_MS` (a bound on the whole call), `TOP_RETRIES` (maximum attempts, `1` = no
//! retry), `--show-secrets`. `--help` lists everything. Exit codes: 0 success, 1 TOP error,
//! 2 transport failure, 3 unreadable reply, 64 usage. The logic is in `lib.rs`
//! (`topgen_examples`), where it is tested.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
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
    let outcome = runtime.block_on(topgen_examples::main_with(
        |name| std::env::var(name).ok(),
        std::env::args_os(),
    ));
    // A closed pipe is no reason to change the exit code.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.code)
}
