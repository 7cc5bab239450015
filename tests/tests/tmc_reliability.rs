//! Reliability of the TMC consumer under faults: 10,000 messages through the local gateway's
//! TMC endpoint while the gateway drops the connection (at least 5 times), sends garbage
//! frames and duplicates deliveries. Every message must be handled at least once and
//! confirmed, none lost; duplicates are counted and reported; the process's memory stays
//! flat (resident size sampled as the run goes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use topgen_gateway::{QueuedMessage, TmcFault, TmcGateway};
use topgen_tmc::Consumer;

const APP_KEY: &str = "12345678";
const SECRET: &str = "tmc-reliability-secret";
const GROUP: &str = "reliability";
const MESSAGES: usize = 10_000;
const DISCONNECTS: usize = 6;

/// The resident set size of this process, in KiB (Linux), if it can be read.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The state of both sides, for a failed wait.
fn diagnosis(gateway: &TmcGateway, running: &topgen_tmc::Running) -> String {
    let log = gateway.connection_log();
    let last = log.last().map(|c| format!("{c:?}"));
    format!(
        "gateway: {} pending, {} ready, {} faults pending, {} active connections, {} connections, last {last:?}, {} frames; consumer: connected {}, {:?}",
        gateway.pending(GROUP),
        gateway.ready(GROUP),
        gateway.pending_faults(),
        gateway.active_connections(),
        gateway.connections(),
        gateway.frame_count(),
        running.is_connected(),
        running.stats()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_messages_across_disconnects_and_garbage_none_lost() {
    let gateway = TmcGateway::builder()
        .app(APP_KEY, SECRET)
        .batch_size(64)
        .redeliver_after(Duration::from_millis(300))
        .failed_redeliver_after(Duration::from_millis(20))
        .record_capacity(1_000)
        .start()
        .await
        .expect("the TMC gateway starts");
    let mut queued = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        let content = format!(
            r#"{{"tid":{},"seq":{i}}}"#,
            58_681_907_060_570_486_i64 + i as i64
        );
        let message = QueuedMessage::new("taobao_trade_TradeCreate", content).gzip(i % 7 == 0);
        queued.push(gateway.queue(GROUP, message));
    }

    let handled: Arc<Mutex<HashMap<i64, u32>>> = Arc::default();
    let h = handled.clone();
    let running = Consumer::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .group(GROUP)
        .pull_interval(Duration::from_millis(50))
        .heartbeat_interval(Duration::from_millis(200))
        .dead_after(Duration::from_secs(2))
        .reconnect_backoff(Duration::from_millis(5), Duration::from_millis(50))
        .max_concurrency(16)
        .on_topic("taobao_trade_TradeCreate", move |message| {
            *h.lock().unwrap().entry(message.id).or_default() += 1;
            async { Ok(()) }
        })
        .build()
        .unwrap()
        .spawn();

    // Faults spread over the run: each round waits for more confirmations, then queues a
    // garbage frame, a duplicate delivery and a dropped connection for the next pushes.
    let mut rss = Vec::new();
    for round in 1..=DISCONNECTS {
        // Counted in messages still pending (queued or unconfirmed) — confirmations count
        // redeliveries too — so that enough pushes remain for the round's faults.
        let left = MESSAGES - MESSAGES * round / (DISCONNECTS + 2);
        assert!(
            gateway
                .wait_for(|g| g.pending(GROUP) <= left, Duration::from_secs(60))
                .await,
            "round {round}: {} pending, waiting for {left}; {}",
            gateway.pending(GROUP),
            diagnosis(&gateway, &running)
        );
        rss.extend(rss_kib());
        gateway.push_fault(TmcFault::garbage(vec![0xde, 0xad, 0xbe, 0xef]));
        gateway.push_fault(TmcFault::duplicate());
        gateway.push_fault(TmcFault::drop_after(10));
        assert!(
            gateway
                .wait_for(|g| g.pending_faults() == 0, Duration::from_secs(60))
                .await,
            "round {round}: the faults were applied; {}",
            diagnosis(&gateway, &running)
        );
    }
    assert!(
        gateway
            .wait_for(|g| g.pending(GROUP) == 0, Duration::from_secs(120))
            .await,
        "{} messages still pending",
        gateway.pending(GROUP)
    );
    rss.extend(rss_kib());
    let report = running.shutdown(Duration::from_secs(5)).await.unwrap();

    let handled = handled.lock().unwrap();
    let missing: Vec<i64> = queued
        .iter()
        .copied()
        .filter(|id| !handled.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} messages never handled: {:?}…",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(handled.len(), MESSAGES, "only the queued ids were handled");
    let duplicates: u32 = handled.values().map(|n| n - 1).sum();
    let applied = gateway.applied_faults().len();
    let stats = report.stats;
    println!(
        "reliability: {MESSAGES} messages, {} deliveries, {duplicates} handled twice or more, \
         {} disconnects, {} connections, {} garbage frames skipped, {applied} faults applied, \
         RSS samples (KiB) {rss:?}",
        gateway.deliveries(),
        stats.disconnects,
        stats.connections,
        stats.garbage_frames,
    );
    assert!(stats.disconnects >= DISCONNECTS as u64, "{stats:?}");
    // A garbage frame still unread when a later push resets the connection is discarded by
    // TCP with the rest of the unread bytes: most, not all, reach the consumer.
    assert!(stats.garbage_frames >= 1, "{stats:?}");
    assert!(
        duplicates >= 1,
        "duplicate deliveries reach the handler (at least once)"
    );
    assert_eq!(report.unsent, 0);
    // Every message was confirmed: nothing is pending at the gateway, and each id was confirmed.
    assert_eq!(gateway.pending(GROUP), 0);
    assert!(gateway.confirmed_count() >= MESSAGES as u64);
    // Memory: flat once warmed up — the last sample is within 16 MiB of the first.
    if let (Some(first), Some(last)) = (rss.first(), rss.last()) {
        assert!(
            *last < first + 16 * 1024,
            "RSS grew from {first} KiB to {last} KiB: {rss:?}"
        );
    }
}
