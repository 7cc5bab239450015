//! The logic of the `gettoken` example program, kept here so that it can be tested without a
//! process: [`configure`] reads the environment and the command line, [`run`] calls
//! `taobao.wdk.iot.wombat.common.gettoken` and renders the typed response or the typed error
//! as text with an exit code. `gettoken.rs` only wires these to the real process.
//!
//! ```sh
//! TOP_APP_KEY=… TOP_APP_SECRET=… cargo run --example gettoken -- \
//!     --merchant-code HM --scenes-code 1 --ou-code 8007 --robot-sn xxxxx
//! ```
//!
//! [`tmc`] is the logic of the `tmc` example program (TOP's push messages).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod tmc;

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::Parser;
use std::time::Duration;
use topgen_taobao_wdk::taobao_wdk_iot_wombat_common_gettoken::{IotResult, OssTokenDto};
use topgen_taobao_wdk::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};

use topgen_runtime::{
    CallOptions, Client, Error, Format, Request, RetryPolicy, Secret, SignMethod, TopError,
};

/// Exit code: the call succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: TOP answered `error_response`.
pub const EXIT_TOP_ERROR: u8 = 1;
/// Exit code: TOP could not be reached (connection, timeout, TLS).
pub const EXIT_TRANSPORT: u8 = 2;
/// Exit code: the server answered something that is not a readable TOP reply (or one larger
/// than the client accepts).
pub const EXIT_BAD_REPLY: u8 = 3;
/// Exit code: bad command line or environment (`EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// The command line, in one line.
const USAGE: &str = "Usage: gettoken [--merchant-code TEXT] [--scenes-code NUMBER] [--ou-code TEXT] [--robot-sn TEXT] [--show-secrets]";

/// The environment variables the program reads.
const ENV_HELP: &str = "\
Environment:
  TOP_APP_KEY      the app's key (required)
  TOP_APP_SECRET   the app's secret (required; never printed)
  TOP_ENDPOINT     the gateway URL (default: the production HTTPS gateway)
  TOP_SIGN_METHOD  md5, hmac or hmac-sha256 (default: hmac-sha256)
  TOP_FORMAT       the reply format: json, simplified-json or xml (default: json)
  TOP_TIMEOUT_MS   the time the whole call may take, retries included, in milliseconds
                   (default: 30000 per attempt, no bound on the whole call)
  TOP_RETRIES      the maximum number of attempts, 1 to 10; 1 = no retry (default: 4)

Exit codes: 0 success, 1 TOP error_response, 2 transport failure (timeouts included),
3 unreadable reply, 64 usage or configuration error.";

/// The largest `TOP_TIMEOUT_MS`: one day.
pub const MAX_TIMEOUT_MS: u64 = 24 * 60 * 60 * 1000;

/// The command line: the API's params (all optional, as in the API) and output options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Parser)]
#[command(
    name = "gettoken",
    about = "Calls taobao.wdk.iot.wombat.common.gettoken (获取oss临时token) and prints the typed response.",
    after_help = ENV_HELP
)]
pub struct Args {
    /// 商家code (merchant_code), e.g. HM
    #[arg(long, value_name = "TEXT")]
    pub merchant_code: Option<String>,
    /// oss场景编码 (scenes_code), e.g. 1
    #[arg(long, value_name = "NUMBER", allow_negative_numbers = true)]
    pub scenes_code: Option<i64>,
    /// 门店oucode (ou_code), e.g. 8007
    #[arg(long, value_name = "TEXT")]
    pub ou_code: Option<String>,
    /// 机器人sn号 (robot_sn), e.g. xxxxx
    #[arg(long, value_name = "TEXT")]
    pub robot_sn: Option<String>,
    /// Print secret fields of the response (access_key_secret, security_token) instead of ***
    #[arg(long)]
    pub show_secrets: bool,
}

impl Args {
    /// The request these args describe; unset params are not sent.
    pub fn request(&self) -> WdkIotWombatCommonGettokenRequest {
        let mut request = WdkIotWombatCommonGettokenRequest::new();
        if let Some(v) = &self.merchant_code {
            request = request.merchant_code(v.as_str());
        }
        if let Some(v) = self.scenes_code {
            request = request.scenes_code(v);
        }
        if let Some(v) = &self.ou_code {
            request = request.ou_code(v.as_str());
        }
        if let Some(v) = &self.robot_sn {
            request = request.robot_sn(v.as_str());
        }
        request
    }
}

/// Everything a run needs. `Debug` never shows the app secret.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TOP_APP_KEY`.
    pub app_key: String,
    /// `TOP_APP_SECRET`.
    pub app_secret: Secret,
    /// `TOP_ENDPOINT`, or the production HTTPS gateway.
    pub endpoint: String,
    /// `TOP_SIGN_METHOD`, or the runtime's default.
    pub sign_method: SignMethod,
    /// `TOP_FORMAT`, or JSON.
    pub format: Format,
    /// `TOP_TIMEOUT_MS`: the bound on the whole call, retries included; `None`: the client's
    /// per-attempt timeout only.
    pub timeout: Option<Duration>,
    /// `TOP_RETRIES`: the maximum number of attempts; `None`: the runtime's retry policy.
    pub max_attempts: Option<u32>,
    /// The command line.
    pub args: Args,
}

/// What a run produced: text for stdout and stderr, and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// One of the `EXIT_*` codes.
    pub code: u8,
    /// What goes to standard output.
    pub stdout: String,
    /// What goes to standard error.
    pub stderr: String,
}

impl Outcome {
    fn out(code: u8, stdout: String) -> Self {
        Self {
            code,
            stdout,
            stderr: String::new(),
        }
    }

    fn err(code: u8, stderr: String) -> Self {
        Self {
            code,
            stdout: String::new(),
            stderr,
        }
    }

    fn usage(problem: &str) -> Self {
        Self::err(
            EXIT_USAGE,
            format!("error: {problem}\n\n{USAGE}\n\n{ENV_HELP}\n"),
        )
    }
}

/// Reads the configuration from `env` (a lookup such as `|k| std::env::var(k).ok()`) and the
/// command line `args` (program name first). `Err` is the outcome to end with: `--help`
/// (exit 0) or a usage/configuration error (exit 64).
pub fn configure<I, T>(env: impl Fn(&str) -> Option<String>, args: I) -> Result<Config, Outcome>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let text = e.render().to_string();
            return Err(if e.use_stderr() {
                Outcome::err(EXIT_USAGE, format!("{text}\n{USAGE}\n"))
            } else {
                // --help, --version
                Outcome::out(EXIT_OK, text)
            });
        }
    };
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let Some(app_key) = var("TOP_APP_KEY") else {
        return Err(Outcome::usage(
            "TOP_APP_KEY is not set: export your app's key (and TOP_APP_SECRET)",
        ));
    };
    let Some(app_secret) = var("TOP_APP_SECRET") else {
        return Err(Outcome::usage(
            "TOP_APP_SECRET is not set: export your app's secret",
        ));
    };
    let endpoint = var("TOP_ENDPOINT")
        .unwrap_or_else(|| topgen_runtime::client::PRODUCTION_ENDPOINT.to_owned());
    let sign_method = match var("TOP_SIGN_METHOD") {
        None => SignMethod::default(),
        Some(text) => match text.trim().parse::<SignMethod>() {
            Ok(m) => m,
            Err(e) => return Err(Outcome::usage(&format!("TOP_SIGN_METHOD: {e}"))),
        },
    };
    let format = match var("TOP_FORMAT") {
        None => Format::default(),
        Some(text) => match text.trim().parse::<Format>() {
            Ok(f) => f,
            Err(e) => return Err(Outcome::usage(&format!("TOP_FORMAT: {e}"))),
        },
    };
    let timeout = match var("TOP_TIMEOUT_MS") {
        None => None,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(ms) if (1..=MAX_TIMEOUT_MS).contains(&ms) => Some(Duration::from_millis(ms)),
            _ => {
                return Err(Outcome::usage(&format!(
                    "TOP_TIMEOUT_MS: expected a number of milliseconds from 1 to {MAX_TIMEOUT_MS}, got {text:?}"
                )));
            }
        },
    };
    let max_attempts = match var("TOP_RETRIES") {
        None => None,
        Some(text) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=RetryPolicy::MAX_ATTEMPTS).contains(&n) => Some(n),
            _ => {
                return Err(Outcome::usage(&format!(
                    "TOP_RETRIES: expected the maximum number of attempts, from 1 (no retry) to {}, got {text:?}",
                    RetryPolicy::MAX_ATTEMPTS
                )));
            }
        },
    };
    Ok(Config {
        app_key,
        app_secret: Secret::new(app_secret),
        endpoint,
        sign_method,
        format,
        timeout,
        max_attempts,
        args,
    })
}

/// Calls the API as configured and renders the result.
pub async fn run(config: &Config) -> Outcome {
    let mut builder = Client::builder(config.app_key.as_str(), config.app_secret.expose_secret())
        .endpoint(config.endpoint.as_str())
        .sign_method(config.sign_method)
        .format(config.format);
    if let Some(attempts) = config.max_attempts {
        builder = builder.retry(RetryPolicy::default().with_max_attempts(attempts));
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return Outcome::usage(&format!("cannot build the client: {e}")),
    };
    let mut options = CallOptions::new();
    if let Some(timeout) = config.timeout {
        options = options.deadline(timeout);
    }
    match client.execute_with(&config.args.request(), &options).await {
        Ok(response) => Outcome::out(
            EXIT_OK,
            render_response(&response, config.args.show_secrets),
        ),
        Err(e) => render_error(&e, &config.endpoint),
    }
}

/// [`configure`] then [`run`]: the whole program.
pub async fn main_with<I, T>(env: impl Fn(&str) -> Option<String>, args: I) -> Outcome
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match configure(env, args) {
        Ok(config) => run(&config).await,
        Err(outcome) => outcome,
    }
}

const ABSENT: &str = "(absent)";

fn line(out: &mut String, key: &str, value: Option<&dyn std::fmt::Display>) {
    let _ = match value {
        Some(v) => writeln!(out, "{key}: {v}"),
        None => writeln!(out, "{key}: {ABSENT}"),
    };
}

fn text(out: &mut String, key: &str, value: &Option<String>) {
    line(
        out,
        key,
        value.as_ref().map(|v| v as &dyn std::fmt::Display),
    );
}

fn secret(out: &mut String, key: &str, value: &Option<Secret>, show: bool) {
    match value {
        Some(s) if show => line(out, key, Some(&s.expose_secret())),
        Some(_) => line(out, key, Some(&"***")),
        None => line(out, key, None),
    }
}

/// The typed response, one field per line (`result.data.bucket_name: abc`); secret fields are
/// `***` unless `show_secrets`.
pub fn render_response(
    response: &WdkIotWombatCommonGettokenResponse,
    show_secrets: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} succeeded",
        WdkIotWombatCommonGettokenRequest::METHOD
    );
    text(&mut out, "request_id", &response.request_id);
    match &response.result {
        None => line(&mut out, "result", None),
        Some(IotResult {
            data,
            success,
            msg_info,
            msg_code,
            ..
        }) => {
            line(
                &mut out,
                "result.success",
                success.as_ref().map(|v| v as &dyn std::fmt::Display),
            );
            text(&mut out, "result.msg_code", msg_code);
            text(&mut out, "result.msg_info", msg_info);
            match data {
                None => line(&mut out, "result.data", None),
                Some(data) => render_token(&mut out, data, show_secrets),
            }
        }
    }
    out
}

fn render_token(out: &mut String, data: &OssTokenDto, show_secrets: bool) {
    text(out, "result.data.access_key_id", &data.access_key_id);
    secret(
        out,
        "result.data.access_key_secret",
        &data.access_key_secret,
        show_secrets,
    );
    text(out, "result.data.bucket_name", &data.bucket_name);
    let expiration = data
        .expiration_time
        .as_ref()
        .map(|t| format!("{} (GMT+8)", topgen_runtime::time::format(t)));
    text(out, "result.data.expiration_time", &expiration);
    text(out, "result.data.m_request_id", &data.m_request_id);
    text(out, "result.data.scene", &data.scene);
    secret(
        out,
        "result.data.security_token",
        &data.security_token,
        show_secrets,
    );
    text(out, "result.data.endpoint", &data.endpoint);
    text(out, "result.data.dir", &data.dir);
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn render_top_error(e: &TopError) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} failed: TOP error_response",
        WdkIotWombatCommonGettokenRequest::METHOD
    );
    line(&mut out, "code", Some(&e.code));
    line(&mut out, "msg", Some(&e.msg));
    text(&mut out, "sub_code", &e.sub_code);
    text(&mut out, "sub_msg", &e.sub_msg);
    text(&mut out, "request_id", &e.request_id);
    line(&mut out, "retryable", Some(&yes_no(e.is_retryable())));
    out
}

/// The typed error as text, with its exit code.
pub fn render_error(error: &Error, endpoint: &str) -> Outcome {
    let method = WdkIotWombatCommonGettokenRequest::METHOD;
    let retryable = yes_no(error.is_retryable());
    match error {
        Error::Top(e) => Outcome::err(EXIT_TOP_ERROR, render_top_error(e)),
        // TOP's call limit, not waited out: its error and when to try again.
        Error::CallLimited(limited) if limited.top().is_some() => {
            let mut out = limited.top().map(render_top_error).unwrap_or_default();
            line(
                &mut out,
                "retry_after_ms",
                Some(&limited.retry_after().as_millis()),
            );
            Outcome::err(EXIT_TOP_ERROR, out)
        }
        Error::Transport { .. } => Outcome::err(
            EXIT_TRANSPORT,
            format!(
                "{method} failed: could not reach TOP at {endpoint}\nerror: {error}\nretryable: {retryable}\n"
            ),
        ),
        Error::Status { .. } | Error::Decode { .. } | Error::BodyTooLarge { .. } => Outcome::err(
            EXIT_BAD_REPLY,
            format!(
                "{method} failed: the reply from {endpoint} is not a readable TOP reply\nerror: {error}\nretryable: {retryable}\n"
            ),
        ),
        Error::Param(_) | Error::MissingSession { .. } | Error::Config(_) => {
            Outcome::usage(&format!("{method} was not sent: {error}"))
        }
        // A kind of error added to the runtime later: report it as a failed call.
        _ => Outcome::err(
            EXIT_TRANSPORT,
            format!("{method} failed: {error}\nretryable: {retryable}\n"),
        ),
    }
}
