//! One connection: TCP (and TLS for `wss://`), the WebSocket handshake, CONNECT / CONNECTACK.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use topgen_runtime::reqwest::Url;

use super::Config;
use crate::error::Error;
use crate::frame::{self, Frame, MAX_FRAME_SIZE, MessageType, Value};

/// A byte stream a WebSocket runs on: TCP, or TLS over TCP.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub(crate) type Socket = WebSocketStream<Box<dyn Io>>;

/// Where to connect: checked once, when the consumer is built.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    url: String,
    host: String,
    port: u16,
    tls: bool,
}

impl Endpoint {
    /// An absolute `ws://` or `wss://` URL with a host. The URL is not repeated in errors: it
    /// could hold credentials.
    pub(crate) fn parse(text: &str) -> Result<Endpoint, Error> {
        let url = Url::parse(text.trim())
            .map_err(|e| Error::Config(format!("the endpoint is not a valid URL: {e}")))?;
        let tls = match url.scheme() {
            "ws" => false,
            "wss" => true,
            other => {
                return Err(Error::Config(format!(
                    "the endpoint's scheme is `{other}`, expected `ws` or `wss`"
                )));
            }
        };
        let host = match url.host_str() {
            Some(host) if !host.is_empty() => host.trim_matches(['[', ']']).to_owned(),
            _ => return Err(Error::Config("the endpoint has no host".to_owned())),
        };
        let port = url
            .port_or_known_default()
            .unwrap_or(if tls { 443 } else { 80 });
        Ok(Endpoint {
            url: url.to_string(),
            host,
            port,
            tls,
        })
    }

    pub(crate) fn is_tls(&self) -> bool {
        self.tls
    }
}

/// Why a connection attempt or a connection failed. All of them but `Refused` are retried.
#[derive(Debug)]
pub(crate) enum Failure {
    /// CONNECTACK with a non-zero status.
    Refused { status: i32, phrase: String },
    /// Anything else, said in a sentence (no secret in it).
    Lost(String),
}

impl Failure {
    fn lost(what: impl Into<String>) -> Failure {
        Failure::Lost(what.into())
    }
}

/// The WebSocket limits: a message or frame is at most a TMC frame's size.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_SIZE))
        .max_frame_size(Some(MAX_FRAME_SIZE))
}

/// Opens a connection and signs in: TCP, TLS, WebSocket, CONNECT, CONNECTACK, each within the
/// connect timeout. Returns the socket and the connection's token.
pub(crate) async fn open(config: &Config) -> Result<(Socket, String), Failure> {
    let timeout = config.connect_timeout;
    let endpoint = &config.endpoint;
    let tcp = within(
        timeout,
        "TCP connect",
        TcpStream::connect((endpoint.host.as_str(), endpoint.port)),
    )
    .await?
    .map_err(|e| {
        Failure::lost(format!(
            "TCP connect to {}:{}: {e}",
            endpoint.host, endpoint.port
        ))
    })?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = if endpoint.tls {
        let server_name = rustls::pki_types::ServerName::try_from(endpoint.host.clone())
            .map_err(|e| Failure::lost(format!("TLS server name `{}`: {e}", endpoint.host)))?;
        let tls_config = config
            .tls
            .clone()
            .ok_or_else(|| Failure::lost("no TLS configuration"))?;
        let connector = tokio_rustls::TlsConnector::from(tls_config);
        let tls = within(
            timeout,
            "TLS handshake",
            connector.connect(server_name, tcp),
        )
        .await?
        .map_err(|e| Failure::lost(format!("TLS handshake: {e}")))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let (mut socket, _) = within(
        timeout,
        "WebSocket handshake",
        tokio_tungstenite::client_async_with_config(
            endpoint.url.as_str(),
            stream,
            Some(ws_config()),
        ),
    )
    .await?
    .map_err(|e| Failure::lost(format!("WebSocket handshake: {e}")))?;

    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
        .to_string();
    let sign = frame::connect_sign(
        config.app_secret.expose_secret(),
        &config.app_key,
        &config.group,
        &timestamp,
    );
    let connect = Frame::connect(&config.app_key, &config.group, &timestamp, &sign)
        .with("sdk", Value::CountedString(config.sdk.clone()));
    within(
        timeout,
        "sending CONNECT",
        socket.send(WsMessage::binary(connect.encode())),
    )
    .await?
    .map_err(|e| Failure::lost(format!("sending CONNECT: {e}")))?;
    let ack = within(timeout, "waiting for CONNECTACK", connect_ack(&mut socket)).await??;
    Ok((socket, ack))
}

/// Reads up to the CONNECTACK (answering pings on the way) and returns its token.
async fn connect_ack(socket: &mut Socket) -> Result<String, Failure> {
    loop {
        let message = match socket.next().await {
            None => return Err(Failure::lost("the server closed before CONNECTACK")),
            Some(Err(e)) => return Err(Failure::lost(format!("reading CONNECTACK: {e}"))),
            Some(Ok(message)) => message,
        };
        let bytes = match message {
            WsMessage::Binary(bytes) => bytes,
            WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => continue,
            WsMessage::Text(_) => {
                return Err(Failure::lost("a text message instead of CONNECTACK"));
            }
            WsMessage::Close(_) => {
                return Err(Failure::lost("the server closed before CONNECTACK"));
            }
        };
        let frame = frame::decode(&bytes)
            .map_err(|e| Failure::lost(format!("CONNECTACK does not decode: {e}")))?;
        if frame.message_type != MessageType::ConnectAck {
            return Err(Failure::lost(format!(
                "a {:?} frame instead of CONNECTACK",
                frame.message_type
            )));
        }
        let status = frame.status_code.unwrap_or(0);
        if status != 0 {
            return Err(Failure::Refused {
                status,
                phrase: frame.status_phrase.clone().unwrap_or_default(),
            });
        }
        return frame
            .token
            .clone()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure::lost("CONNECTACK without a token"));
    }
}

/// Runs `future` within `limit`, a timeout being a [`Failure::Lost`] that names `what`.
async fn within<F: Future>(limit: Duration, what: &str, future: F) -> Result<F::Output, Failure> {
    tokio::time::timeout(limit, future)
        .await
        .map_err(|_| Failure::lost(format!("{what}: no answer within {limit:?}")))
}

/// The TLS configuration by default: rustls with ring, certificates checked by the
/// platform's verifier (the system's roots), as reqwest does for the API client.
pub(crate) fn default_tls() -> Result<Arc<rustls::ClientConfig>, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_ws_or_wss_urls_with_a_host() {
        let e = Endpoint::parse("ws://mc.api.taobao.com/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.tls),
            ("mc.api.taobao.com", 80, false)
        );
        let e = Endpoint::parse(" wss://127.0.0.1:8443/x ").unwrap();
        assert_eq!((e.host.as_str(), e.port, e.tls), ("127.0.0.1", 8443, true));
        let e = Endpoint::parse("ws://[::1]:9/").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("::1", 9));
        for (bad, why) in [
            ("http://mc.api.taobao.com/", "scheme is `http`"),
            ("mc.api.taobao.com", "not a valid URL"),
            ("ws://:9/", "not a valid URL"),
        ] {
            let error = Endpoint::parse(bad).unwrap_err().to_string();
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
