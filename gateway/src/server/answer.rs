//! What the gateway answers to one request: [`Shared::answer`] judges it (the checks, quotas,
//! sessions, the token APIs), records it, renders the reply and shapes it by its fault.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{MAX_OVERSIZE, Shared, lock};
use crate::api::Api;
use crate::batch::{self, BATCH_PATH};
use crate::check::{self, Hidden};
use crate::control;
use crate::fault::Fault;
use crate::record::{Recorded, find};
use crate::reply::{self, ErrorFields};
use crate::wire::{HttpRequest, Outgoing};

/// What to do with one request.
pub(super) struct Plan {
    pub delay: Duration,
    /// `None`: close without answering.
    pub outgoing: Option<Outgoing>,
}

impl Shared {
    /// For a request that passed the checks: its quota ([`crate::quota`]), its session's
    /// expiry and the token APIs ([`crate::session`]). A refusal replaces the outcome; a token
    /// API's JSON reply is returned.
    fn after_checks(&self, judged: &mut check::Judged) -> Option<String> {
        let Ok(Some(api)) = &judged.outcome else {
            return None;
        };
        let method = api.method().to_owned();
        let param = |name: &str| {
            find(&judged.query, name)
                .or_else(|| find(&judged.body, name))
                .map(str::to_owned)
        };
        let now = Instant::now();
        let app_key = param("app_key").unwrap_or_default();
        let result = self.quotas.admit(&app_key, &method, now).and_then(|()| {
            let mut sessions = lock(&self.sessions);
            sessions.check(param("session").as_deref(), now)?;
            match sessions.answer(&method, param, now) {
                None => Ok(None),
                Some(Err(rejection)) => Err(rejection),
                Some(Ok(issued)) => {
                    let mut guard = lock(&self.config);
                    let config = Arc::make_mut(&mut guard);
                    config.sessions.push(Hidden(issued.session));
                    if let Some(old) = issued.revoked {
                        config.sessions.retain(|s| s.0 != old);
                    }
                    Ok(Some(format!(
                        "{{\"{}\":{}}}",
                        reply::response_key(&method),
                        issued.reply_json
                    )))
                }
            }
        });
        match result {
            Ok(reply) => reply,
            Err(rejection) => {
                judged.outcome = Err(rejection);
                None
            }
        }
    }

    fn next_fault(&self, method: Option<&str>) -> Option<Fault> {
        lock(&self.faults).take(method)
    }

    /// Judges and records a request; the answer to give. The control API's requests
    /// ([`CONTROL_PATH`](crate::CONTROL_PATH)) are answered by it, neither judged nor recorded.
    pub(super) fn answer(&self, req: &HttpRequest) -> Plan {
        if control::is_control(&req.path_and_query().0) {
            return Plan {
                delay: Duration::ZERO,
                outgoing: Some(self.control(req)),
            };
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("gateway-{n}");
        // The configuration as it is now, shared, not copied (writes copy it, and are rare).
        let config = Arc::clone(&lock(&self.config));
        let now = config.clock.unwrap_or_else(check::now_gmt8);
        let (mut judged, batch) = if req.path_and_query().0 == BATCH_PATH {
            let injected = std::mem::take(&mut *lock(&self.part_errors));
            let batch = batch::judge(&config, req, now, &request_id, &injected);
            (batch.judged, Some((batch.record, batch.reply)))
        } else {
            (check::judge(&config, req, now), None)
        };
        let (batch_record, batch_reply) = batch.unwrap_or_default();
        // Quotas, sessions and the token APIs: single calls (a batch's calls are judged by
        // the batch checks).
        let token_reply = self.after_checks(&mut judged);
        let method = find(&judged.query, "method")
            .or_else(|| find(&judged.body, "method"))
            .map(str::to_owned);
        let fault = self.next_fault(method.as_deref());
        let format = judged.reply_format;

        // What is answered.
        let mut status = 200;
        let mut content_type = reply::content_type(format).to_owned();
        let mut body = match &judged.outcome {
            Ok(None) => batch_reply.unwrap_or_default(),
            Ok(Some(api)) => match token_reply.map_or_else(
                || {
                    let params: Vec<(String, String)> =
                        judged.query.iter().chain(&judged.body).cloned().collect();
                    api.render_for(format, config.seed, &params)
                },
                |json| Api::new(api.method()).response_json(json).render(format),
            ) {
                Ok(body) => body,
                Err(why) => {
                    status = 500;
                    content_type = "text/plain;charset=UTF-8".to_owned();
                    format!("topgen-gateway: {why}\n")
                }
            },
            Err(rejection) => reply::render_error(
                &ErrorFields {
                    code: rejection.code,
                    msg: &rejection.msg,
                    sub_code: Some(&rejection.sub_code),
                    sub_msg: Some(&rejection.sub_msg),
                    request_id: Some(&request_id),
                },
                format,
            ),
        };

        // How it is sent.
        let mut delay = Duration::ZERO;
        let mut gzip = config.gzip;
        let mut oversize = None;
        let mut truncate = None;
        let mut no_reply = false;
        let mut outgoing = Outgoing::default();
        let mut pending: Vec<&Fault> = fault.iter().collect();
        pending.reverse();
        while let Some(f) = pending.pop() {
            match f {
                Fault::TopError(e) => {
                    if judged.outcome.is_ok() {
                        status = 200;
                        content_type = reply::content_type(format).to_owned();
                        body = reply::render_error(
                            &ErrorFields {
                                code: e.code,
                                msg: &e.msg,
                                sub_code: e.sub_code.as_deref(),
                                sub_msg: e.sub_msg.as_deref(),
                                request_id: Some(&request_id),
                            },
                            format,
                        );
                    }
                }
                Fault::Http {
                    status: s,
                    content_type: ct,
                    body: b,
                } => {
                    status = *s;
                    content_type = ct.clone();
                    body = b.clone();
                }
                Fault::Delay(d) => delay = delay.saturating_add(*d),
                Fault::StallBody { after, pause } => outgoing.stall = Some((*after, *pause)),
                Fault::Truncate { keep } => truncate = Some(*keep),
                Fault::DropMidBody { after } => outgoing.truncate = Some(*after),
                Fault::Oversize { bytes } => oversize = Some(*bytes),
                Fault::Chunked => outgoing.chunked = true,
                Fault::Gzip => gzip = true,
                Fault::Close => no_reply = true,
                Fault::All(faults) => pending.extend(faults.iter().rev()),
            }
        }

        let mut bytes = body.into_bytes();
        if let Some(size) = oversize {
            let size = size.min(MAX_OVERSIZE);
            if bytes.len() < size {
                bytes.resize(size, b' ');
            }
        }
        if let Some(keep) = truncate {
            bytes.truncate(keep);
        }
        outgoing.status = status;
        outgoing.headers = vec![
            ("Content-Type".to_owned(), content_type),
            ("Server".to_owned(), "topgen-gateway".to_owned()),
        ];
        let gzipped = if gzip && accepts_gzip(req.header("accept-encoding")) {
            gzip_bytes(&bytes)
        } else {
            None
        };
        let compressed = gzipped.is_some();
        if let Some(gzipped) = gzipped {
            bytes = gzipped;
            outgoing
                .headers
                .push(("Content-Encoding".to_owned(), "gzip".to_owned()));
        }
        outgoing.body = bytes;
        outgoing.close = !req.keep_alive() || outgoing.truncate.is_some();

        let recorded = Recorded {
            http_method: req.method.clone(),
            path: judged.path,
            query: judged.query,
            body: judged.body,
            files: judged.files,
            content_type: req.header("content-type").map(str::to_owned),
            headers: req.headers.clone(),
            request_id,
            reply_format: format,
            verdict: match judged.outcome {
                Ok(_) => crate::Verdict::Ok,
                Err(rejection) => crate::Verdict::Rejected(rejection),
            },
            fault,
            compressed,
            received_at: Instant::now(),
            gateway_time: now,
            batch: batch_record,
        };
        if self.log_requests {
            eprintln!("{}", log_line(&recorded));
        }
        let mut log = lock(&self.log);
        log.seen += 1;
        if log.capacity > 0 {
            if log.records.len() >= log.capacity {
                log.records.pop_front();
            }
            log.records.push_back(recorded);
        }
        drop(log);
        Plan {
            delay,
            outgoing: (!no_reply).then_some(outgoing),
        }
    }
}

/// Whether an `Accept-Encoding` header allows gzip (`gzip`, `x-gzip` or `*`, with a non-zero
/// quality; an explicit `gzip` entry wins over `*`).
pub(crate) fn accepts_gzip(header: Option<&str>) -> bool {
    let Some(header) = header else {
        return false;
    };
    let mut star = None;
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        match name.as_str() {
            "gzip" | "x-gzip" => return q > 0.0,
            "*" => star = Some(q > 0.0),
            _ => {}
        }
    }
    star.unwrap_or(false)
}

/// gzip-compresses `bytes`; `None` if the encoder fails (it does not, writing to memory).
pub(crate) fn gzip_bytes(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

/// The request log's line of a request: `POST /router/rest taobao.time.get ok` or
/// `… rejected 25 isv.invalid-signature: …`, with the fault if one applied. No param value
/// is quoted (values may be secrets).
fn log_line(recorded: &Recorded) -> String {
    let method = recorded.param("method").unwrap_or("-");
    let verdict = match &recorded.verdict {
        crate::Verdict::Ok => "ok".to_owned(),
        crate::Verdict::Rejected(r) => format!("rejected {} {}: {}", r.code, r.sub_code, r.sub_msg),
    };
    let fault = recorded
        .fault
        .as_ref()
        .map(|f| format!(" (fault: {f:?})"))
        .unwrap_or_default();
    format!(
        "topgen-gateway: {} {} {method} {verdict}{fault}",
        recorded.http_method, recorded.path
    )
}
