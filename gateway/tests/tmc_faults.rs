//! The TMC endpoint's faults, each observed doing what it says, by a raw WebSocket client:
//! a refused CONNECT, a connection reset mid-push, a stall (no pong either), garbage before a
//! push, a duplicated Data frame, a polite close; and their order.

mod tmc_client;

use std::time::{Duration, Instant};

use futures_util::SinkExt as _;
use tmc_client::{
    APP, Client, GROUP, SECRET, WAIT, connect_frame, expect_close, expect_dropped, message, next,
    now_millis, open, recv, send, start,
};
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use topgen_gateway::TmcFault;
use topgen_gateway::tmc::{ConnectionEnd, Direction};
use topgen_tmc::Value;

#[tokio::test]
async fn refuse_connect_refuses_the_next_connect_only() {
    let tmc = start().await;
    tmc.push_fault(TmcFault::refuse_connect(7, "the server is busy"));
    assert_eq!(tmc.pending_faults(), 1);
    let mut ws = open(&tmc).await;
    send(&mut ws, &connect_frame(APP, SECRET, GROUP, &now_millis())).await;
    let ack = recv(&mut ws).await;
    assert_eq!(
        (
            ack.status_code,
            ack.status_phrase.as_deref(),
            ack.token.as_deref()
        ),
        (Some(7), Some("the server is busy"), None)
    );
    expect_close(&mut ws).await;
    assert_eq!(
        tmc.wait_closed(1, WAIT).await,
        Some(ConnectionEnd::Fault(TmcFault::refuse_connect(
            7,
            "the server is busy"
        )))
    );
    // Applied once: the next connect is accepted.
    Client::sign_in(&tmc, GROUP).await;
    let applied = tmc.applied_faults();
    assert_eq!(applied.len(), 1);
    assert_eq!((applied[0].connection, tmc.pending_faults()), (1, 0));
}

#[tokio::test]
async fn drop_after_resets_the_connection_mid_push() {
    let tmc = start().await;
    let ids: Vec<i64> = (0..3).map(|n| tmc.queue(GROUP, message(n))).collect();
    let mut client = Client::sign_in(&tmc, GROUP).await;
    tmc.push_fault(TmcFault::drop_after(1));
    client.pull().await;
    assert_eq!(client.recv_ids(1).await, ids[..1]);
    expect_dropped(&mut client.ws).await;
    assert_eq!(
        tmc.wait_closed(1, WAIT).await,
        Some(ConnectionEnd::Fault(TmcFault::DropAfter(1)))
    );
    // One delivered (unconfirmed, in flight), two still ready.
    assert_eq!(
        (tmc.deliveries(), tmc.pending(GROUP), tmc.ready(GROUP)),
        (1, 3, 2)
    );
    let mut again = Client::sign_in(&tmc, GROUP).await;
    again.pull().await;
    assert_eq!(again.recv_ids(2).await, ids[1..]);
}

#[tokio::test]
async fn stall_stops_reading_and_writing_pongs_included() {
    let tmc = start().await;
    let id = tmc.queue(GROUP, message(1));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    let pause = Duration::from_millis(400);
    tmc.push_fault(TmcFault::stall(pause));
    let sent = Instant::now();
    client.pull().await;
    client
        .ws
        .send(Ws::Ping(b"p".to_vec().into()))
        .await
        .unwrap();
    // Dead for a while: no Data, no pong.
    assert!(client.quiet().await);
    assert!(
        sent.elapsed() < pause,
        "the quiet check outlasted the stall"
    );
    // Then it serves the pull and answers the ping, in that order.
    match next(&mut client.ws).await {
        Some(Ok(Ws::Binary(bytes))) => {
            let frame = topgen_tmc::decode(&bytes).unwrap();
            assert_eq!(frame.get("id"), Some(&Value::Int64(id)));
        }
        other => panic!("{other:?}"),
    }
    assert!(sent.elapsed() >= pause, "{:?}", sent.elapsed());
    assert!(matches!(next(&mut client.ws).await, Some(Ok(Ws::Pong(_)))));
    assert_eq!(tmc.applied_faults()[0].fault, TmcFault::Stall(pause));
}

#[tokio::test]
async fn garbage_comes_before_the_next_push() {
    let tmc = start().await;
    let id = tmc.queue(GROUP, message(1));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    tmc.push_fault(TmcFault::garbage(vec![0xde, 0xad, 0xbe, 0xef]));
    // An empty pull is no push: the fault waits.
    let mut other = Client::sign_in(&tmc, "empty").await;
    other.pull().await;
    assert!(other.quiet().await);
    assert_eq!(tmc.pending_faults(), 1);

    client.pull().await;
    match next(&mut client.ws).await {
        Some(Ok(Ws::Binary(bytes))) => {
            assert_eq!(&bytes[..], &[0xde, 0xad, 0xbe, 0xef]);
            assert!(topgen_tmc::decode(&bytes).is_err());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(client.recv_ids(1).await, vec![id]);
    let garbage = tmc
        .frames()
        .into_iter()
        .find(|f| f.direction == Direction::ServerToClient && f.frame.is_err())
        .expect("the garbage is recorded");
    assert_eq!(
        garbage.frame.unwrap_err().bytes,
        vec![0xde, 0xad, 0xbe, 0xef]
    );
}

#[tokio::test]
async fn duplicate_sends_the_next_data_frame_twice() {
    let tmc = start().await;
    let a = tmc.queue(GROUP, message(1));
    let b = tmc.queue(GROUP, message(2));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    tmc.push_fault(TmcFault::duplicate());
    client.pull().await;
    assert_eq!(client.recv_ids(3).await, vec![a, a, b]);
    assert!(client.quiet().await);
    assert_eq!(tmc.deliveries(), 3);
    // Confirming both copies confirms the message once.
    client.confirm(a).await;
    client.confirm(a).await;
    client.confirm(b).await;
    assert!(tmc.wait_confirmed(2, WAIT).await);
    assert_eq!((tmc.confirmed(), tmc.pending(GROUP)), (vec![a, b], 0));
}

#[tokio::test]
async fn close_goes_away_politely_at_the_next_send() {
    let tmc = start().await;
    let id = tmc.queue(GROUP, message(1));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    tmc.push_fault(TmcFault::close());
    client.pull().await;
    let close = expect_close(&mut client.ws).await;
    assert_eq!(close.code, CloseCode::Away);
    assert_eq!(
        tmc.wait_closed(1, WAIT).await,
        Some(ConnectionEnd::Fault(TmcFault::Close))
    );
    // The pull was not served.
    assert_eq!((tmc.deliveries(), tmc.ready(GROUP)), (0, 1));
    let mut again = Client::sign_in(&tmc, GROUP).await;
    again.pull().await;
    assert_eq!(again.recv_ids(1).await, vec![id]);
}

#[tokio::test]
async fn faults_apply_in_order_each_at_its_point() {
    let tmc = start().await;
    let id = tmc.queue(GROUP, message(1));
    // A push fault at the head: the CONNECT behind it is not refused yet.
    tmc.push_fault(TmcFault::duplicate());
    tmc.push_fault(TmcFault::refuse_connect(7, "later"));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client.pull().await;
    assert_eq!(client.recv_ids(2).await, vec![id, id]);
    let mut ws = open(&tmc).await;
    send(&mut ws, &connect_frame(APP, SECRET, GROUP, &now_millis())).await;
    assert_eq!(recv(&mut ws).await.status_code, Some(7));
    let applied: Vec<TmcFault> = tmc.applied_faults().into_iter().map(|a| a.fault).collect();
    assert_eq!(
        applied,
        vec![TmcFault::duplicate(), TmcFault::refuse_connect(7, "later")]
    );
}
