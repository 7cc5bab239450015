//! No token reaches `Debug` or the logs: a TRACE-level `tracing` subscriber captures
//! everything while a code becomes a session, a `MemorySession` renews it for a call, an
//! expired session is refused and a spent refresh token fails. Neither the capture nor the
//! `Debug` of the tokens, the store, the options or the errors holds the app secret, the code,
//! a session or a refresh token — and the capture holds the client's spans and events, so it
//! is known to have worked.
//!
//! One test in its own binary: the subscriber is process-wide.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use topgen_gateway::{Api, Gateway};
use topgen_runtime::session::{Auth, MemorySession};
use topgen_runtime::{CallOptions, Client, Secret};
use topgen_taobao_trade::TradeMemoAddRequest;

const APP_KEY: &str = "12345678";
const SECRET: &str = "sessions-log-secret-8d2f";
const CODE: &str = "auth-code-Yh3w";

fn memo() -> TradeMemoAddRequest {
    TradeMemoAddRequest::new(2231958349, "call the buyer")
}

fn with(session: &Secret) -> CallOptions {
    CallOptions::new().session(session.clone())
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_token_in_debug_or_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber in this binary");

    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/taobao.trade.memo.add.yaml");
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(Api::from_spec_file(spec).unwrap())
        .auth_code(CODE, "2200000000000001", "nick")
        .session_expiring("session-expired-Vb5", Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .build()
        .unwrap();
    let auth = Auth::new(client).allow_http_loopback();
    let token = auth.create_token(CODE).await.unwrap();
    let mut aged = token.clone();
    aged.expires_in = Duration::ZERO;
    // Expired: the first call renews it.
    let store = MemorySession::new(auth.clone(), aged).shared();
    let options = CallOptions::new().session_provider(store.clone());
    auth.client().execute_with(&memo(), &options).await.unwrap();
    let renewed = store.token().await;
    let _ = auth
        .client()
        .execute_with(&memo(), &with(&Secret::new("session-expired-Vb5")))
        .await
        .unwrap_err();
    let failed = auth
        .refresh_token(token.refresh_token.as_ref().unwrap())
        .await
        .unwrap_err();

    let hidden = [
        SECRET,
        CODE,
        "session-expired-Vb5",
        token.access_token.expose_secret(),
        token.refresh_token.as_ref().unwrap().expose_secret(),
        renewed.access_token.expose_secret(),
        renewed.refresh_token.as_ref().unwrap().expose_secret(),
    ];
    let debug = format!("{token:?} {renewed:?} {store:?} {options:?} {auth:?} {failed:?} {failed}");
    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    for needle in hidden {
        assert!(!debug.contains(needle), "Debug shows a secret: {debug}");
        assert!(!logs.contains(needle), "the logs hold a secret or token");
    }
    // The capture worked.
    for expected in [
        "top.call",
        "taobao.top.auth.token.create",
        "session renewed",
        "TOP call failed",
    ] {
        assert!(
            logs.contains(expected),
            "no `{expected}` in the logs:\n{logs}"
        );
    }
}
