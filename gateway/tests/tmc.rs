//! The TMC endpoint, spoken to by a raw WebSocket client with hand-built frames: the sign-in
//! and its refusals, tokens, pushes, confirms, failures, redeliveries, publishes, the record,
//! and what `Debug` hides. The faults are in `tmc_faults.rs`.

mod tmc_client;

use std::io::Read as _;
use std::time::{Duration, Instant};

use futures_util::SinkExt as _;
use tmc_client::{
    APP, Client, GROUP, QUIET, SECRET, TOPIC, WAIT, connect_frame, expect_close, message, next,
    now_millis, open, recv, send, send_bytes, start,
};
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use topgen_gateway::tmc::{ConnectionEnd, Direction, FIRST_MESSAGE_ID};
use topgen_gateway::{QueuedMessage, TmcGateway};
use topgen_tmc::{Content, Data, Frame, Message, MessageKind, MessageType, Value};

#[tokio::test]
async fn a_good_connect_gets_a_token_and_the_flag_back() {
    let tmc = start().await;
    let mut ws = open(&tmc).await;
    let mut connect = connect_frame(APP, SECRET, "sellers", &now_millis());
    connect.flag = Some(7);
    connect.set("sdk", Value::CountedString("topgen-test".to_owned()));
    send(&mut ws, &connect).await;
    let ack = recv(&mut ws).await;
    assert_eq!(ack.message_type, MessageType::ConnectAck);
    assert_eq!(
        (ack.status_code, ack.status_phrase.as_deref()),
        (None, None)
    );
    assert_eq!(ack.flag, Some(7));
    let token = ack.token.clone().expect("a Token");
    assert_eq!(token.len(), 36, "{token}");

    // A second connection gets another token; both are signed in.
    let other = Client::sign_in(&tmc, GROUP).await;
    assert_ne!(other.token, token);
    let log = tmc.connection_log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[0].number,
            log[0].app_key.as_deref(),
            log[0].group.as_deref()
        ),
        (1, Some(APP), Some("sellers"))
    );
    assert!(log.iter().all(|c| c.signed_in() && c.end.is_none()));
    assert_eq!((tmc.connections(), tmc.active_connections()), (2, 2));

    // The other app signs in with its own secret.
    let mut ws2 = open(&tmc).await;
    send(
        &mut ws2,
        &connect_frame("87654321", "other-secret", GROUP, &now_millis()),
    )
    .await;
    assert!(recv(&mut ws2).await.token.is_some());

    // Closing politely is recorded as such.
    ws.close(None).await.unwrap();
    assert_eq!(tmc.wait_closed(1, WAIT).await, Some(ConnectionEnd::Closed));
    assert!(tmc.wait_for(|t| t.active_connections() == 2, WAIT).await);
}

/// Sends `connect` on a new connection: the refusal's StatusCode and StatusPhrase, after
/// checking that the server closes and records it.
async fn refused(tmc: &TmcGateway, connect: &Frame) -> (i32, String) {
    let mut ws = open(tmc).await;
    send(&mut ws, connect).await;
    let ack = recv(&mut ws).await;
    assert_eq!(ack.message_type, MessageType::ConnectAck);
    assert_eq!(ack.token, None, "no token for a refused CONNECT");
    let status = ack.status_code.expect("a StatusCode");
    let phrase = ack.status_phrase.expect("a StatusPhrase");
    assert_ne!(status, 0);
    assert_eq!(expect_close(&mut ws).await.code, CloseCode::Policy);
    let number = tmc.connections();
    assert_eq!(
        tmc.wait_closed(number, WAIT).await,
        Some(ConnectionEnd::Refused {
            status,
            phrase: phrase.clone()
        })
    );
    (status, phrase)
}

#[tokio::test]
async fn bad_connects_are_refused_with_a_status_and_a_phrase() {
    let tmc = start().await;
    let now = now_millis();

    let (status, phrase) = refused(&tmc, &connect_frame(APP, "wrong-secret", GROUP, &now)).await;
    assert_eq!(status, 25);
    assert!(phrase.starts_with("Invalid Signature"), "{phrase}");

    let (status, phrase) = refused(&tmc, &connect_frame("999", SECRET, GROUP, &now)).await;
    assert_eq!(status, 29);
    assert!(phrase.contains("\"999\""), "{phrase}");

    let stale = (chrono::Utc::now().timestamp_millis() - 11 * 60 * 1000).to_string();
    let (status, phrase) = refused(&tmc, &connect_frame(APP, SECRET, GROUP, &stale)).await;
    assert_eq!(status, 31);
    assert!(phrase.contains("away from the gateway's clock"), "{phrase}");

    let (status, _) = refused(
        &tmc,
        &connect_frame(APP, SECRET, GROUP, "2026-01-01 00:00:00"),
    )
    .await;
    assert_eq!(status, 31);

    let mut no_sign = connect_frame(APP, SECRET, GROUP, &now);
    no_sign.remove("sign");
    assert_eq!(refused(&tmc, &no_sign).await.0, 24);
    let mut no_group = connect_frame(APP, SECRET, GROUP, &now);
    no_group.remove("group_name");
    assert_eq!(refused(&tmc, &no_group).await.0, 40);
    let mut no_app = connect_frame(APP, SECRET, GROUP, &now);
    no_app.remove("app_key");
    assert_eq!(refused(&tmc, &no_app).await.0, 28);

    // The sign covers the group: signed for one, sent for another.
    let mut moved = connect_frame(APP, SECRET, GROUP, &now);
    moved.set("group_name", Value::CountedString("other".to_owned()));
    assert_eq!(refused(&tmc, &moved).await.0, 25);

    assert_eq!(tmc.active_connections(), 0);
    assert!(tmc.connection_log().iter().all(|c| !c.signed_in()));
}

#[tokio::test]
async fn a_max_skew_of_one_second_refuses_a_timestamp_two_seconds_old() {
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .max_skew(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let old = (chrono::Utc::now().timestamp_millis() - 2_000).to_string();
    assert_eq!(
        refused(&tmc, &connect_frame(APP, SECRET, GROUP, &old))
            .await
            .0,
        31
    );
    Client::sign_in(&tmc, GROUP).await;
}

/// Signs in, sends `frame`, and returns how the server ended the connection.
async fn violation(tmc: &TmcGateway, build: impl FnOnce(&str) -> Frame) -> String {
    let mut client = Client::sign_in(tmc, GROUP).await;
    let frame = build(&client.token);
    send(&mut client.ws, &frame).await;
    assert_eq!(expect_close(&mut client.ws).await.code, CloseCode::Policy);
    match tmc.wait_closed(tmc.connections(), WAIT).await {
        Some(ConnectionEnd::Violation(why)) => why,
        other => panic!("not a violation: {other:?}"),
    }
}

#[tokio::test]
async fn a_send_needs_the_connections_token() {
    let tmc = start().await;
    tmc.queue(GROUP, message(1));

    let why = violation(&tmc, |_| {
        let mut pull = Message::PullRequest.to_frame("x");
        pull.token = None;
        pull
    })
    .await;
    assert!(why.contains("without a Token"), "{why}");

    let why = violation(&tmc, |token| {
        Message::PullRequest.to_frame(&format!("{token}-not"))
    })
    .await;
    assert!(why.contains("not this connection's"), "{why}");

    // Another connection's token is not this one's either.
    let first = Client::sign_in(&tmc, GROUP).await;
    let why = violation(&tmc, |_| Message::PullRequest.to_frame(&first.token)).await;
    assert!(why.contains("not this connection's"), "{why}");

    let why = violation(&tmc, |_| connect_frame(APP, SECRET, GROUP, &now_millis())).await;
    assert!(why.contains("second CONNECT"), "{why}");

    let why = violation(&tmc, |token| {
        let mut frame = Message::PullRequest.to_frame(token);
        frame.set("__kind", Value::Byte(99));
        frame
    })
    .await;
    assert!(why.contains("unreadable SEND"), "{why}");

    // Nothing was pushed to any of them.
    assert_eq!((tmc.deliveries(), tmc.ready(GROUP)), (0, 1));
}

#[tokio::test]
async fn the_first_frame_must_be_a_connect() {
    let tmc = start().await;
    let mut ws = open(&tmc).await;
    send(&mut ws, &Message::PullRequest.to_frame("t")).await;
    assert_eq!(expect_close(&mut ws).await.code, CloseCode::Policy);
    match tmc.wait_closed(1, WAIT).await {
        Some(ConnectionEnd::Violation(why)) => assert!(why.contains("expected a CONNECT"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_pull_pushes_data_frames_with_exact_ids_and_gzip_content_when_asked() {
    let tmc = start().await;
    let content = r#"{"tid":58681907060570486,"payment":"0.10"}"#;
    let plain = tmc.queue(
        GROUP,
        QueuedMessage::new(TOPIC, content)
            .user_id(9_007_199_254_740_995)
            .nick("买家")
            .publisher("4272")
            .data_id(58_681_907_060_570_486)
            .time(1_700_000_000_000),
    );
    let zipped = tmc.queue(GROUP, QueuedMessage::new(TOPIC, content).gzip(true));
    assert_eq!((plain, zipped), (FIRST_MESSAGE_ID, FIRST_MESSAGE_ID + 2));
    assert!(plain > 1 << 53 && plain as f64 as i64 != plain);
    assert_eq!(tmc.pending(GROUP), 2);

    let mut client = Client::sign_in(&tmc, GROUP).await;
    let before = chrono::Utc::now().timestamp_millis();
    client.pull().await;
    let first = client.recv().await;
    let second = client.recv().await;
    assert!(client.quiet().await, "two messages, two frames");

    // The wire types, header by header.
    assert_eq!(first.message_type, MessageType::Send);
    assert_eq!(first.token.as_deref(), Some(client.token.as_str()));
    assert_eq!(
        first.get("__kind"),
        Some(&Value::Byte(MessageKind::Data.byte()))
    );
    assert_eq!(first.get("id"), Some(&Value::Int64(plain)));
    assert_eq!(
        first.get("userid"),
        Some(&Value::Int64(9_007_199_254_740_995))
    );
    assert_eq!(
        first.get("dataid"),
        Some(&Value::Int64(58_681_907_060_570_486))
    );
    assert_eq!(first.get("time"), Some(&Value::Date(1_700_000_000_000)));
    assert_eq!(
        first.get("content"),
        Some(&Value::CountedString(content.to_owned()))
    );
    assert_eq!(
        first.get("nick"),
        Some(&Value::CountedString("买家".to_owned()))
    );
    assert_eq!(
        first.get("publisher"),
        Some(&Value::CountedString("4272".to_owned()))
    );
    let Some(Value::Date(out_time)) = first.get("outtime") else {
        panic!("no outtime: {first:?}");
    };
    assert!(*out_time >= before, "{out_time} < {before}");

    let Ok(Message::Data(data)) = Message::read(&second) else {
        panic!("{second:?}");
    };
    assert_eq!(data.id, Some(zipped));
    // Fields not set are not sent; `time` is when it was queued.
    assert_eq!(
        (data.user_id, data.nick.as_deref(), data.data_id),
        (None, None, None)
    );
    assert!(data.time.is_some_and(|t| t <= before));
    let Some(Content::Bytes(bytes)) = data.content else {
        panic!("not a ByteArray: {:?}", data.content);
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("gzip");
    assert_eq!(text, content);

    // Delivered, not confirmed: still pending, no longer ready.
    assert_eq!(
        (tmc.deliveries(), tmc.pending(GROUP), tmc.ready(GROUP)),
        (2, 2, 0)
    );
    // Another group's pull gets nothing.
    let mut other = Client::sign_in(&tmc, "other").await;
    other.pull().await;
    assert!(other.quiet().await);
}

#[tokio::test]
async fn a_pull_gets_at_most_a_batch() {
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .batch_size(3)
        .start()
        .await
        .unwrap();
    let ids: Vec<i64> = (0..5).map(|n| tmc.queue(GROUP, message(n))).collect();
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client.pull().await;
    assert_eq!(client.recv_ids(3).await, ids[..3]);
    assert!(client.quiet().await);
    client.pull().await;
    assert_eq!(client.recv_ids(2).await, ids[3..]);
    client.pull().await;
    assert!(client.quiet().await, "nothing left to push");
}

#[tokio::test]
async fn a_confirm_removes_the_message() {
    let tmc = start().await;
    let a = tmc.queue(GROUP, message(1));
    let b = tmc.queue(GROUP, message(2));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    // A confirm before the delivery, and one of an unknown id, count for nothing.
    client.confirm(a).await;
    client.confirm(42).await;
    client.pull().await;
    assert_eq!(client.recv_ids(2).await, vec![a, b]);
    client.confirm(b).await;
    assert!(tmc.wait_confirmed(1, WAIT).await);
    assert_eq!(tmc.confirmed(), vec![b]);
    assert_eq!(tmc.pending(GROUP), 1);
    client.confirm(b).await; // twice: once counted
    client.confirm(a).await;
    assert!(tmc.wait_confirmed(2, WAIT).await);
    assert_eq!(tmc.confirmed(), vec![b, a]);
    assert_eq!((tmc.confirmed_count(), tmc.pending(GROUP)), (2, 0));
}

#[tokio::test]
async fn a_failed_message_is_redelivered_after_the_delay() {
    let delay = QUIET + Duration::from_millis(250);
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .failed_redeliver_after(delay)
        .start()
        .await
        .unwrap();
    let id = tmc.queue(GROUP, message(1));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client.pull().await;
    assert_eq!(client.recv_ids(1).await, vec![id]);
    let failed_at = Instant::now();
    client.fail(id, "the handler failed").await;
    assert!(tmc.wait_for(|t| t.failed_count() == 1, WAIT).await);
    assert_eq!(tmc.failed(), vec![(id, "the handler failed".to_owned())]);
    assert_eq!((tmc.pending(GROUP), tmc.ready(GROUP)), (1, 0));
    // A Failed of a message that is not in flight (failed already, or unknown) is ignored.
    client.fail(id, "again").await;
    client.fail(7, "unknown").await;
    assert!(tmc.wait_for(|t| t.frame_count() == 7, WAIT).await);
    assert_eq!(tmc.failed_count(), 1);
    // Not ready before the delay: a pull now gets nothing.
    client.pull().await;
    assert!(client.quiet().await);
    assert!(
        failed_at.elapsed() < delay,
        "the quiet check outlasted the delay"
    );

    assert!(tmc.wait_for(|t| t.ready(GROUP) == 1, WAIT).await);
    assert!(failed_at.elapsed() >= delay, "{:?}", failed_at.elapsed());
    client.pull().await;
    assert_eq!(client.recv_ids(1).await, vec![id]);
    assert_eq!(tmc.deliveries(), 2);
    client.confirm(id).await;
    assert!(tmc.wait_confirmed(1, WAIT).await);
    assert_eq!((tmc.failed_count(), tmc.pending(GROUP)), (1, 0));
}

#[tokio::test]
async fn unconfirmed_messages_of_a_dropped_connection_are_redelivered() {
    let delay = Duration::from_millis(200);
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .redeliver_after(delay)
        .start()
        .await
        .unwrap();
    let a = tmc.queue(GROUP, message(1));
    let b = tmc.queue(GROUP, message(2));
    let mut first = Client::sign_in(&tmc, GROUP).await;
    // Before the pull: the server delivers after it, so this is a lower bound of the delivery
    // (taken after the frames arrived, it could be later than the server's own clock of it).
    let delivered_at = Instant::now();
    first.pull().await;
    assert_eq!(first.recv_ids(2).await, vec![a, b]);
    first.confirm(a).await;
    assert!(tmc.wait_confirmed(1, WAIT).await);
    drop(first); // no close frame
    assert_eq!(tmc.wait_closed(1, WAIT).await, Some(ConnectionEnd::Dropped));
    assert_eq!((tmc.pending(GROUP), tmc.ready(GROUP)), (1, 0));

    let mut second = Client::sign_in(&tmc, GROUP).await;
    assert!(tmc.wait_for(|t| t.ready(GROUP) == 1, WAIT).await);
    assert!(
        delivered_at.elapsed() >= delay,
        "{:?}",
        delivered_at.elapsed()
    );
    second.pull().await;
    assert_eq!(second.recv_ids(1).await, vec![b]);
    second.confirm(b).await;
    assert!(tmc.wait_confirmed(2, WAIT).await);
    assert_eq!((tmc.deliveries(), tmc.pending(GROUP)), (3, 0));
}

#[tokio::test]
async fn the_connections_of_a_group_share_its_messages() {
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .batch_size(2)
        .start()
        .await
        .unwrap();
    let ids: Vec<i64> = (0..5).map(|n| tmc.queue(GROUP, message(n))).collect();
    let mut a = Client::sign_in(&tmc, GROUP).await;
    let mut b = Client::sign_in(&tmc, GROUP).await;
    a.pull().await;
    let mut got_a = a.recv_ids(2).await;
    b.pull().await;
    let got_b = b.recv_ids(2).await;
    a.pull().await;
    got_a.extend(a.recv_ids(1).await);
    b.pull().await;
    assert!(b.quiet().await, "each message goes to one connection");
    let mut all = [got_a.clone(), got_b.clone()].concat();
    all.sort_unstable();
    assert_eq!(all, ids);
    assert_eq!((got_a.len(), got_b.len()), (3, 2));
    for id in got_a {
        a.confirm(id).await;
    }
    for id in got_b {
        b.confirm(id).await;
    }
    assert!(tmc.wait_confirmed(5, WAIT).await);
    assert_eq!(tmc.pending(GROUP), 0);
}

#[tokio::test]
async fn frames_are_recorded_both_ways_in_order() {
    let tmc = start().await;
    let id = tmc.queue(GROUP, message(1));
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client.pull().await;
    client.recv_data().await;
    client.confirm(id).await;
    assert!(tmc.wait_confirmed(1, WAIT).await);
    let frames = tmc.frames();
    let seen: Vec<(u64, Direction, MessageType, Option<MessageKind>)> = frames
        .iter()
        .map(|f| {
            let frame = f.decoded().expect("frames");
            (f.connection, f.direction, frame.message_type, f.kind())
        })
        .collect();
    use Direction::{ClientToServer as In, ServerToClient as Out};
    assert_eq!(
        seen,
        vec![
            (1, In, MessageType::Connect, None),
            (1, Out, MessageType::ConnectAck, None),
            (1, In, MessageType::Send, Some(MessageKind::PullRequest)),
            (1, Out, MessageType::Send, Some(MessageKind::Data)),
            (1, In, MessageType::Send, Some(MessageKind::Confirm)),
        ]
    );
    assert!(frames.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(frames[4].message(), Some(Message::Confirm { id }));
    assert_eq!(tmc.frame_count(), 5);
    tmc.clear_frames();
    assert_eq!((tmc.frames().len(), tmc.frame_count()), (0, 0));
}

#[tokio::test]
async fn the_record_is_a_ring_with_exact_counts() {
    let tmc = TmcGateway::builder()
        .app(APP, SECRET)
        .record_capacity(3)
        .start()
        .await
        .unwrap();
    assert_eq!(tmc.record_capacity(), 3);
    let mut client = Client::sign_in(&tmc, GROUP).await;
    for id in 1..=4 {
        client.confirm(id).await; // unknown ids: recorded, ignored
    }
    assert!(tmc.wait_for(|t| t.frame_count() == 6, WAIT).await);
    let frames = tmc.frames();
    assert_eq!(frames.len(), 3);
    let kept: Vec<Option<Message>> = frames.iter().map(|f| f.message()).collect();
    assert_eq!(
        kept,
        (2..=4)
            .map(|id| Some(Message::Confirm { id }))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_publish_is_recorded_and_acknowledged() {
    let tmc = start().await;
    let mut client = Client::sign_in(&tmc, "publishers").await;
    let data = Data {
        topic: Some("my_app_Topic".to_owned()),
        content: Some(Content::Text(r#"{"a":1}"#.to_owned())),
        ..Data::default()
    };
    let mut frame = Message::Data(data.clone()).to_frame(&client.token);
    frame.flag = Some(9);
    frame.set(
        "session",
        Value::CountedString("user-session-value".to_owned()),
    );
    send(&mut client.ws, &frame).await;
    let ack = client.recv().await;
    assert_eq!(ack.message_type, MessageType::SendAck);
    assert_eq!((ack.flag, ack.status_code), (Some(9), None));
    assert_eq!(ack.token.as_deref(), Some(client.token.as_str()));

    let published = tmc.published();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].data, data);
    assert_eq!(published[0].session.as_deref(), Some("user-session-value"));
    assert_eq!(
        (published[0].app_key.as_str(), published[0].group.as_str()),
        (APP, "publishers")
    );
    let debug = format!("{published:?}");
    assert!(!debug.contains("user-session-value"), "{debug}");

    // Without a topic: recorded, and refused in the SENDACK.
    client
        .message(Message::Data(Data {
            content: Some(Content::Text("{}".to_owned())),
            ..Data::default()
        }))
        .await;
    let ack = client.recv().await;
    assert_eq!(ack.status_code, Some(40));
    assert!(ack.status_phrase.unwrap().contains("topic"));
    assert_eq!(tmc.published_count(), 2);
    assert_eq!(tmc.deliveries(), 0, "a publish is not delivered back");
}

#[tokio::test]
async fn garbage_from_a_client_is_recorded_and_ends_the_connection() {
    let tmc = start().await;
    let mut client = Client::sign_in(&tmc, GROUP).await;
    send_bytes(&mut client.ws, vec![9, 9, 9]).await;
    assert_eq!(expect_close(&mut client.ws).await.code, CloseCode::Policy);
    match tmc.wait_closed(1, WAIT).await {
        Some(ConnectionEnd::Violation(why)) => assert!(why.contains("undecodable frame"), "{why}"),
        other => panic!("{other:?}"),
    }
    let last = tmc.frames().pop().unwrap();
    assert_eq!(last.direction, Direction::ClientToServer);
    let bad = last.frame.unwrap_err();
    assert_eq!(bad.bytes, vec![9, 9, 9]);
    assert!(bad.error.contains("version"), "{}", bad.error);

    // Text is not TMC either.
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client.ws.send(Ws::Text("hello".into())).await.unwrap();
    assert_eq!(
        expect_close(&mut client.ws).await.code,
        CloseCode::Unsupported
    );
    assert!(matches!(
        tmc.wait_closed(2, WAIT).await,
        Some(ConnectionEnd::Violation(_))
    ));
}

#[tokio::test]
async fn pings_are_answered() {
    let tmc = start().await;
    let mut client = Client::sign_in(&tmc, GROUP).await;
    client
        .ws
        .send(Ws::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    match next(&mut client.ws).await {
        Some(Ok(Ws::Pong(payload))) => assert_eq!(&payload[..], b"are you there"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn debug_output_hides_secrets_tokens_and_signs() {
    let tmc = start().await;
    tmc.queue(GROUP, message(1));
    let connect = connect_frame(APP, SECRET, GROUP, &now_millis());
    let sign = match connect.get("sign") {
        Some(Value::CountedString(s)) => s.clone(),
        other => panic!("{other:?}"),
    };
    let mut ws = open(&tmc).await;
    send(&mut ws, &connect).await;
    let token = recv(&mut ws).await.token.unwrap();
    send(&mut ws, &Message::PullRequest.to_frame(&token)).await;
    recv(&mut ws).await;
    let debug = format!(
        "{tmc:?} {:?} {:?} {:?}",
        tmc.frames(),
        tmc.connection_log(),
        tmc.applied_faults()
    );
    for secret in [SECRET, "other-secret", &token, &sign] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains(APP) && debug.contains("***"), "{debug}");
}

#[test]
fn a_spawned_gateway_serves_plain_tests() {
    use tokio_tungstenite::tungstenite;
    let tmc = TmcGateway::builder().app(APP, SECRET).spawn().unwrap();
    let id = tmc.queue(GROUP, message(1));
    let tcp = std::net::TcpStream::connect(tmc.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let (mut ws, _) = tungstenite::client(tmc.endpoint(), tcp).unwrap();
    let mut roundtrip = |frame: Option<Frame>| -> Option<Frame> {
        if let Some(frame) = frame {
            ws.send(Ws::Binary(frame.encode().into())).unwrap();
        }
        match ws.read() {
            Ok(Ws::Binary(bytes)) => topgen_tmc::decode(&bytes).ok(),
            other => panic!("{other:?}"),
        }
    };
    let ack = roundtrip(Some(connect_frame(APP, SECRET, GROUP, &now_millis()))).unwrap();
    let token = ack.token.unwrap();
    let pushed = roundtrip(Some(Message::PullRequest.to_frame(&token))).unwrap();
    assert_eq!(pushed.get("id"), Some(&Value::Int64(id)));
    ws.send(Ws::Binary(
        Message::Confirm { id }.to_frame(&token).encode().into(),
    ))
    .unwrap();
    assert!(tmc.wait_for_blocking(|t| t.confirmed_count() == 1, WAIT));
    assert_eq!(tmc.pending(GROUP), 0);
}

#[tokio::test]
async fn dropping_the_gateway_drops_its_connections() {
    let tmc = start().await;
    let mut client = Client::sign_in(&tmc, GROUP).await;
    drop(tmc);
    expect_dropped_or_closed(&mut client.ws).await;
}

/// The stream ends (with or without a close frame) within the read timeout.
async fn expect_dropped_or_closed(ws: &mut tmc_client::Socket) {
    loop {
        match next(ws).await {
            None | Some(Err(_)) | Some(Ok(Ws::Close(_))) => return,
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn a_frame_over_the_limit_ends_the_connection() {
    let tmc = start().await;
    let mut client = Client::sign_in(&tmc, GROUP).await;
    let huge = vec![0u8; topgen_tmc::MAX_FRAME_SIZE + 1];
    // The server may reset before the whole message is written.
    let _ = client.ws.send(Ws::Binary(huge.into())).await;
    match tmc.wait_closed(1, WAIT).await {
        Some(ConnectionEnd::Violation(why)) => assert!(why.contains("MAX_FRAME_SIZE"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        tmc.frame_count(),
        2,
        "the oversized message is not recorded as a frame"
    );
}
