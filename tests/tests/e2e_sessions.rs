//! Sessions over HTTP against the local gateway's token APIs (`GatewayBuilder::auth_code`):
//! the authorize URL, a code turned into a session, a refresh (the old session then refused
//! with code 27), a `MemorySession` renewing once under many concurrent calls, an expired
//! session as a typed error, and HTTPS enforced before sending (no token in `Debug` or logs:
//! sessions_secrets_log.rs).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use topgen_gateway::{Api, Gateway, GatewayBuilder};
use topgen_runtime::reqwest::Url;
use topgen_runtime::session::{
    Auth, AuthorizeUrl, MemorySession, SessionError, SessionProvider, View,
};
use topgen_runtime::{CallOptions, Client, Error, Format, Secret};
use topgen_taobao_trade::TradeMemoAddRequest;

const APP_KEY: &str = "12345678";
const SECRET: &str = "sessions-app-secret-4e1a";
const CODE: &str = "auth-code-Tz9q";
const USER_ID: &str = "2200000000000001";
const REFRESH: &str = "taobao.top.auth.token.refresh";

fn gateway_builder() -> GatewayBuilder {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/taobao.trade.memo.add.yaml");
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(Api::from_spec_file(spec).expect("the memo.add spec loads"))
        .auth_code(CODE, USER_ID, "商家一号")
        .token_lifetimes(Duration::from_secs(3_600), Duration::from_secs(7_200))
}

fn client(gateway: &Gateway, format: Format) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .format(format)
        .build()
        .unwrap()
}

fn auth(gateway: &Gateway) -> Auth {
    Auth::new(client(gateway, Format::Json)).allow_http_loopback()
}

fn memo() -> TradeMemoAddRequest {
    TradeMemoAddRequest::new(2231958349, "call the buyer")
}

fn with(session: &Secret) -> CallOptions {
    CallOptions::new().session(session.clone())
}

fn count(gateway: &Gateway, method: &str) -> usize {
    gateway
        .requests()
        .iter()
        .filter(|r| r.param("method") == Some(method))
        .count()
}

#[test]
fn the_authorize_url() {
    let url = AuthorizeUrl::new(APP_KEY, "https://shop.example/oauth/back?from=top&x=é")
        .state("n0nce 42")
        .view(View::Web)
        .to_string();
    let parsed = Url::parse(&url).unwrap();
    assert_eq!(parsed.scheme(), "https");
    assert_eq!(parsed.host_str(), Some("oauth.taobao.com"));
    assert_eq!(parsed.path(), "/authorize");
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    let expected = [
        ("response_type", "code"),
        ("client_id", APP_KEY),
        (
            "redirect_uri",
            "https://shop.example/oauth/back?from=top&x=é",
        ),
        ("state", "n0nce 42"),
        ("view", "web"),
    ];
    assert_eq!(
        pairs,
        expected.map(|(k, v)| (k.to_owned(), v.to_owned())),
        "{url}"
    );
    assert!(
        url.contains(
            "redirect_uri=https%3A%2F%2Fshop.example%2Foauth%2Fback%3Ffrom%3Dtop%26x%3D%C3%A9"
        ),
        "{url}"
    );
    let sandbox = AuthorizeUrl::new(APP_KEY, "https://a/")
        .sandbox()
        .to_string();
    assert!(
        sandbox.starts_with("https://oauth.tbsandbox.com/authorize?response_type=code&"),
        "{sandbox}"
    );
}

#[tokio::test]
async fn a_code_becomes_a_session_and_a_refresh_replaces_it() {
    for format in [Format::Json, Format::Xml] {
        let gateway = gateway_builder().start().await.unwrap();
        let auth = Auth::new(client(&gateway, format)).allow_http_loopback();
        let before = Instant::now();
        let token = auth.create_token(CODE).await.unwrap();
        assert_eq!(token.user_id.as_deref(), Some(USER_ID), "{format}");
        assert_eq!(token.user_nick.as_deref(), Some("商家一号"));
        assert_eq!(token.expires_in, Duration::from_secs(3_600));
        assert_eq!(token.re_expires_in, Some(Duration::from_secs(7_200)));
        assert_eq!(token.w2_expires_in, Some(Duration::from_secs(3_600)));
        assert!(token.expires_at() >= before + Duration::from_secs(3_600));
        assert!(
            token
                .access_token
                .expose_secret()
                .starts_with("gw-session-")
        );
        let sent = &gateway.requests()[0];
        assert_eq!(sent.param("method"), Some("taobao.top.auth.token.create"));
        assert_eq!(sent.body_param("code"), Some(CODE));

        // The session works; a code is used once.
        let client = auth.client();
        client
            .execute_with(&memo(), &with(&token.access_token))
            .await
            .unwrap();
        let again = auth.create_token(CODE).await.unwrap_err();
        assert_eq!(again.top().map(|t| t.code), Some(15), "{again:?}");

        // A refresh: a new session, the old one refused with 27 (a session error).
        let refresh = token.refresh_token.clone().unwrap();
        let renewed = auth.refresh_token(&refresh).await.unwrap();
        assert_ne!(
            renewed.access_token.expose_secret(),
            token.access_token.expose_secret()
        );
        assert_eq!(
            gateway
                .requests()
                .last()
                .unwrap()
                .body_param("refresh_token"),
            Some(refresh.expose_secret())
        );
        client
            .execute_with(&memo(), &with(&renewed.access_token))
            .await
            .unwrap();
        let old = client
            .execute_with(&memo(), &with(&token.access_token))
            .await
            .unwrap_err();
        assert!(old.is_session_error(), "{old:?}");
        assert_eq!(old.top().map(|t| t.code), Some(27));
        // The old refresh token is spent.
        assert!(auth.refresh_token(&refresh).await.is_err());
    }
}

#[tokio::test]
async fn a_memory_session_refreshes_once_under_concurrent_calls() {
    let gateway = gateway_builder().start().await.unwrap();
    let auth = auth(&gateway);
    let mut token = auth.create_token(CODE).await.unwrap();
    let first = token.access_token.clone();
    // As if received 50 minutes ago: 10 minutes left, renewed 15 minutes ahead, so the
    // first call renews it (and the new one, an hour long, is not renewed).
    token.issued_at = Instant::now()
        .checked_sub(Duration::from_secs(3_000))
        .expect("the monotonic clock is older than 50 minutes");
    let store = MemorySession::new(auth.clone(), token)
        .refresh_ahead(Duration::from_secs(900))
        .shared();
    let provider: Arc<dyn SessionProvider> = store.clone();
    let options = CallOptions::new().session_provider(provider);
    let client = auth.client().clone();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let (client, options) = (client.clone(), options.clone());
        calls.spawn(async move { client.execute_with(&memo(), &options).await });
    }
    for result in calls.join_all().await {
        result.unwrap();
    }
    assert_eq!(count(&gateway, REFRESH), 1, "one refresh request");
    assert_eq!(store.refreshes(), 1);
    // Every call used the new session: the old one is invalid since the refresh.
    let new = store.token().await.access_token;
    assert_ne!(new.expose_secret(), first.expose_secret());
    let sessions: Vec<String> = gateway
        .requests()
        .iter()
        .filter(|r| r.param("method") == Some("taobao.trade.memo.add"))
        .map(|r| r.param("session").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sessions.len(), 32);
    assert!(sessions.iter().all(|s| s == new.expose_secret()));
    // A session given explicitly wins over the provider.
    let err = client
        .execute_with(&memo(), &options.clone().session(first))
        .await
        .unwrap_err();
    assert!(err.is_session_error());
}

#[tokio::test]
async fn an_expired_session_is_a_session_error() {
    let gateway = gateway_builder()
        .session_expiring("session-expired-Lm2", Duration::ZERO)
        .session_expiring("session-valid-Kq7", Duration::from_secs(3_600))
        .start()
        .await
        .unwrap();
    for format in [Format::Json, Format::Xml] {
        let client = client(&gateway, format);
        client
            .execute_with(&memo(), &with(&Secret::new("session-valid-Kq7")))
            .await
            .unwrap();
        let err = client
            .execute_with(&memo(), &with(&Secret::new("session-expired-Lm2")))
            .await
            .unwrap_err();
        assert!(err.is_session_error(), "{format}: {err:?}");
        let top = err.top().unwrap();
        assert_eq!(
            (top.code, top.sub_code.as_deref()),
            (27, Some("invalid-sessionkey"))
        );
        assert!(!err.is_retryable());
        assert!(!err.to_string().contains("session-expired-Lm2"), "{err}");
    }
    // Without any session: 26's counterpart on the client side, nothing sent.
    let before = gateway.request_count();
    let err = client(&gateway, Format::Json)
        .execute(&memo())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingSession { .. }) && err.is_session_error());
    assert_eq!(gateway.request_count(), before);
}

#[tokio::test]
async fn token_calls_need_https() {
    let gateway = gateway_builder().start().await.unwrap();
    // Plain HTTP, no opt-in: refused before sending.
    let err = Auth::new(client(&gateway, Format::Json))
        .create_token(CODE)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Session(SessionError::InsecureEndpoint)),
        "{err:?}"
    );
    assert!(err.to_string().contains("https"), "{err}");
    assert_eq!(gateway.request_count(), 0);
    // The opt-in is for loopback hosts only.
    let remote = Client::builder(APP_KEY, SECRET)
        .endpoint("http://gw.api.taobao.com/router/rest")
        .build()
        .unwrap();
    let err = Auth::new(remote)
        .allow_http_loopback()
        .refresh_token(&Secret::new("r"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Session(SessionError::InsecureEndpoint)),
        "{err:?}"
    );
}
