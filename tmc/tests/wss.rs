//! `wss://`: the consumer signs in over TLS, pulls, handles a message and confirms it, against
//! a minimal TLS WebSocket peer in this test (the local gateway speaks `ws://` only). The
//! peer presents `fixtures/cert.pem`, which the consumer trusts as its only root; a consumer
//! with the default (platform) roots refuses it.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use topgen_tmc::{Consumer, Data, Frame, Message, MessageType, Value, connect_sign, decode};

const APP_KEY: &str = "12345678";
const SECRET: &str = "wss-test-secret";
const CERT: &[u8] = include_bytes!("fixtures/cert.pem");
const KEY: &[u8] = include_bytes!("fixtures/key.pem");

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A TLS WebSocket peer on 127.0.0.1 that checks the CONNECT's sign, answers CONNECTACK with a
/// token, pushes one message after the first PullRequest and reports the frames it reads.
async fn peer() -> (u16, mpsc::UnboundedReceiver<Frame>) {
    let cert = CertificateDer::from_pem_slice(CERT).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, frames) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                    return;
                };
                let mut pushed = false;
                while let Some(Ok(WsMessage::Binary(bytes))) = ws.next().await {
                    let frame = decode(&bytes).unwrap();
                    let _ = seen.send(frame.clone());
                    let reply = if frame.message_type == MessageType::Connect {
                        let text = |k: &str| frame.get(k).and_then(Value::as_str).unwrap_or("");
                        let good = text("sign")
                            == connect_sign(
                                SECRET,
                                text("app_key"),
                                text("group_name"),
                                text("timestamp"),
                            );
                        let mut ack = Frame::new(MessageType::ConnectAck);
                        if good {
                            ack.status_code = Some(0);
                            ack.token = Some("tls-token".into());
                        } else {
                            ack.status_code = Some(401);
                            ack.status_phrase = Some("invalid sign".into());
                        }
                        ack
                    } else if matches!(Message::read(&frame), Ok(Message::PullRequest)) && !pushed {
                        pushed = true;
                        let data = Data {
                            id: Some(9_007_199_254_740_993),
                            topic: Some("taobao_trade_TradeCreate".into()),
                            content: Some(topgen_tmc::Content::Text(r#"{"tid":1}"#.into())),
                            ..Data::default()
                        };
                        Message::Data(data).to_frame("tls-token")
                    } else {
                        continue;
                    };
                    if ws.send(WsMessage::binary(reply.encode())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, frames)
}

fn trusting_the_fixture() -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CERT).unwrap())
        .unwrap();
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

#[tokio::test]
async fn a_wss_consumer_signs_in_handles_and_confirms_over_tls() {
    let (port, mut frames) = peer().await;
    let (handled_tx, mut handled) = mpsc::unbounded_channel();
    let consumer = Consumer::builder(APP_KEY, SECRET)
        .endpoint(format!("wss://localhost:{port}/"))
        .tls_config(trusting_the_fixture())
        .on_topic("taobao_trade_TradeCreate", move |m| {
            let handled_tx = handled_tx.clone();
            async move {
                handled_tx.send((m.id, m.content)).unwrap();
                Ok(())
            }
        })
        .build()
        .unwrap();
    let running = consumer.spawn();
    let (id, content) = tokio::time::timeout(Duration::from_secs(10), handled.recv())
        .await
        .expect("the message is handled over TLS")
        .unwrap();
    assert_eq!(
        (id, content.as_str()),
        (9_007_199_254_740_993, r#"{"tid":1}"#)
    );

    let connect = frames.recv().await.unwrap();
    assert_eq!(connect.message_type, MessageType::Connect);
    assert_eq!(
        connect.get("app_key").and_then(Value::as_str),
        Some(APP_KEY)
    );
    assert_eq!(
        connect.get("group_name").and_then(Value::as_str),
        Some("default")
    );
    let pull = frames.recv().await.unwrap();
    assert_eq!(Message::read(&pull).unwrap(), Message::PullRequest);
    assert_eq!(pull.token.as_deref(), Some("tls-token"));
    // Then the Confirm of the message, with the token (a later pull may come first).
    let confirm = loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), frames.recv())
            .await
            .unwrap()
            .unwrap();
        if let Ok(Message::Confirm { id }) = Message::read(&frame) {
            break (id, frame.token);
        }
    };
    assert_eq!(confirm, (9_007_199_254_740_993, Some("tls-token".into())));
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();
    assert_eq!(report.stats.confirmed, 1);
    assert_eq!(report.stats.connections, 1);
}

#[tokio::test]
async fn a_certificate_nobody_trusts_is_refused_and_retried_not_fatal() {
    let (port, _frames) = peer().await;
    // The default TLS configuration (the platform's roots) does not trust the fixture.
    let consumer = Consumer::builder(APP_KEY, SECRET)
        .endpoint(format!("wss://localhost:{port}/"))
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(20))
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap();
    let running = consumer.spawn();
    assert!(!running.wait_connected(Duration::from_millis(500)).await);
    assert!(
        !running.is_finished(),
        "a TLS failure is retried, not fatal"
    );
    let report = running.shutdown(Duration::from_secs(1)).await.unwrap();
    assert_eq!(report.stats.connections, 0);
}

#[tokio::test]
async fn a_bad_sign_over_tls_is_a_typed_refusal_that_ends_the_consumer() {
    let (port, _frames) = peer().await;
    let consumer = Consumer::builder(APP_KEY, "not-the-secret")
        .endpoint(format!("wss://127.0.0.1:{port}/"))
        .tls_config(trusting_the_fixture())
        .on_any(|_| async { Ok(()) })
        .build()
        .unwrap();
    let error = tokio::time::timeout(Duration::from_secs(10), consumer.spawn().wait())
        .await
        .expect("a refusal ends the consumer")
        .unwrap_err();
    assert_eq!(
        error,
        topgen_tmc::Error::Refused {
            status: 401,
            phrase: "invalid sign".into()
        }
    );
}
