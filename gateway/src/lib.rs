//! A local Taobao Open Platform (TOP) gateway for tests: a real HTTP/1.1 server on `127.0.0.1`
//! that checks requests the way TOP does, answers from the API's own doc examples in the format
//! the request asks for, and injects faults on demand — for the tests of TOP clients (topgen's,
//! and yours). Beside it, [`TmcGateway`] is a local endpoint of TMC, TOP's push-message channel
//! over WebSocket, for the tests of TMC consumers (see [TMC](#tmc)).
//!
//! # Pointing your tests at it
//!
//! Declare the apps (app key + secret) and the APIs the gateway serves, start it, and build your
//! `topgen_runtime::Client` with `.endpoint(gateway.endpoint())`. Afterwards,
//! [`Gateway::requests`] tells what it received and what it made of it. The server stops when
//! the [`Gateway`] is dropped.
//!
//! ```
//! use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;
//! use topgen_gateway::{Api, Fault, Gateway, Verdict};
//! use topgen_runtime::RetryPolicy;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let gateway = Gateway::builder()
//!     .app("12345678", "my-test-secret")
//!     .api(
//!         Api::new("taobao.wdk.iot.wombat.common.gettoken")
//!             .required(["robot_sn"])
//!             .response_json(
//!                 r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true}}}"#,
//!             ),
//!     )
//!     .start()
//!     .await
//!     .expect("binds a port on 127.0.0.1");
//!
//! let client = topgen_runtime::Client::builder("12345678", "my-test-secret")
//!     .endpoint(gateway.endpoint())
//!     .retry(RetryPolicy::none()) // show each fault, don't retry it away
//!     .build()
//!     .unwrap();
//! let request = WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx");
//! let response = client.execute(&request).await.unwrap();
//! assert_eq!(response.result.unwrap().success, Some(true));
//!
//! let requests = gateway.requests();
//! assert_eq!(requests.len(), 1);
//! assert_eq!(requests[0].verdict, Verdict::Ok); // the sign, the timestamp… were right
//! assert_eq!(requests[0].body_param("robot_sn"), Some("xxxxx"));
//!
//! // The next call meets a platform error (in the JSON the client asked for).
//! gateway.push_fault(Fault::isp_error());
//! let error = client.execute(&request).await.unwrap_err();
//! assert_eq!(error.top().and_then(|e| e.sub_code.as_deref()), Some("isp.remote-service-error"));
//! assert_eq!(gateway.requests()[1].fault, Some(Fault::isp_error()));
//! # });
//! ```
//!
//! [`Api::from_spec_file`] (or [`Api::from_spec`]) builds an API from a topgen YAML spec: its
//! required and file params, whether it needs a session, and its examples (the spec format is
//! the `topgen-spec` crate; the generator is not needed). Or give the examples as strings
//! ([`Api::response_json`], [`Api::response_xml`], [`Api::error_json`], [`Api::error_xml`]).
//!
//! The server runs on a thread of its own with its own tokio runtime:
//! [`GatewayBuilder::start`] starts it from async code (`#[tokio::test]`),
//! [`GatewayBuilder::spawn`] from plain `#[test]`s (for blocking clients).
//!
//! # What it checks
//!
//! Every request is checked in this order; the first violation is answered with TOP's
//! `error_response` (HTTP 200, `{"error_response":{"code":…,"msg":…,"sub_code":…,"sub_msg":…,
//! "request_id":…}}` or its XML form) and recorded as [`Verdict::Rejected`]:
//!
//! | check | code | sub_code |
//! |---|---|---|
//! | HTTP method is `POST`, or `GET` without a body | 9 | `isv.http-action-not-allowed` |
//! | path is `/router/rest` (or `/router/batch`: [Batch calls](#batch-calls)) | 9 | `isv.http-action-not-allowed` |
//! | query and body are UTF-8; a body's (and a text part's) charset, if given, is UTF-8 | 47 | `isv.invalid-encoding` |
//! | a non-empty body is `application/x-www-form-urlencoded`, or `multipart/form-data` with a boundary | 41 | `isv.invalid-content-type` |
//! | a multipart body is well formed | 41 | `isv.invalid-multipart` |
//! | each param sent once: not twice in the query or in the body, not in both | 41 | `isv.invalid-parameter:NAME` |
//! | no empty or whitespace-only value (clients must not send them) | 41 | `isv.invalid-parameter:NAME` |
//! | `method` present / one of the declared APIs | 21 / 22 | `isv.missing-method` / `isv.invalid-method` |
//! | `app_key` present / one of the declared apps | 28 / 29 | `isv.missing-app-key` / `isv.invalid-app-key` |
//! | `timestamp` present / exactly `yyyy-MM-dd HH:mm:ss` at GMT+8 or epoch milliseconds, at most 10 minutes ([`GatewayBuilder::max_skew`]) from now | 30 / 31 | `isv.missing-timestamp` / `isv.invalid-timestamp` |
//! | `v` present / `2.0` | 32 / 33 | `isv.missing-version` / `isv.invalid-version` |
//! | `format` is `json` or `xml` (TOP's default is XML, so clients always send it) | 23 | `isv.invalid-format` |
//! | `simplify`, if sent, is `true` or `false` | 41 | `isv.invalid-parameter:simplify` |
//! | `sign_method` is `md5`, `hmac` or `hmac-sha256` | 25 | `isv.invalid-signature` |
//! | `sign` present / matches the params and the app's secret | 24 / 25 | `isv.missing-signature` / `isv.invalid-signature` |
//! | `session` present if the API needs one / one of the declared sessions, if any | 26 / 27 | `isv.missing-session` / `isv.invalid-session` |
//! | file params ([`Api::files`]) arrive as file parts, and no other param does | 41 | `isv.invalid-parameter:NAME` |
//! | every required business param present | 40 | `isv.missing-parameter:NAME` |
//!
//! System params are `method, app_key, timestamp, v, sign, sign_method, format` and, optionally,
//! `session, partner_id, target_app_key, simplify`. Like TOP, the gateway reads every param,
//! system or business, from the URL query and from the body alike, so it accepts the forms
//! Taobao's own SDKs send; each row is proven byte for byte, timestamped now, by the named
//! test of `tests/sdk_forms.rs` (and a wrong sign in each form is refused with 25):
//!
//! | SDK (`partner_id`) | query | body (content type) | upload | timestamp, `sign_method`, `format` | test |
//! |---|---|---|---|---|---|
//! | Java (`top-sdk-java-…`) | system params, `sign` | business params (`application/x-www-form-urlencoded;charset=UTF-8`) | `multipart/form-data;charset=UTF-8;boundary=…`, text parts `text/plain` | GMT+8 text, hmac-sha256, json | `the_java_sdks_forms_are_accepted` |
//! | .NET (`top-sdk-net-…`) | none | every param, `sign` included, lower-case `%xx` (`…;charset=utf-8`) | every param a `text/plain` part | GMT+8 text, hmac, xml | `the_dotnet_sdks_forms_are_accepted` |
//! | PHP (`top-sdk-php-…`) | system params, `sign` | business params (`application/x-www-form-urlencoded; charset=UTF-8`) | curl's multipart (which may say `Expect: 100-continue`), or its own (no CRLF after the last delimiter) | GMT+8 text, md5, xml | `the_php_sdks_forms_are_accepted` |
//! | Python (`taobao-sdk-python-…`) | system params, `sign` | business params (`…;charset=UTF-8`) | `boundary=PYTHON_SDK_BOUNDARY`, file part `Content-Disposition: file` | epoch milliseconds, md5, json | `the_python_sdks_forms_are_accepted` |
//! | Node `ali-topsdk` (none) | none | every param a part of `multipart/form-data` (npm `form-data`) | a `Buffer` part, `application/octet-stream` | GMT+8 text, md5, json | `the_node_sdks_forms_are_accepted` |
//! | Node `node-taobao-topclient` (none) | everything (GET) | everything, space as `%20` (`application/x-www-form-urlencoded`) | — | GMT+8 text, md5, json | `the_node_sdks_forms_are_accepted` |
//!
//! No SDK compresses a request body (`Content-Encoding`); Java and .NET ask for gzip replies
//! ([`GatewayBuilder::gzip`]). A param sent in both places is refused (41). The sign is
//! recomputed over every text param except `sign`, wherever it was sent (query params, form
//! fields, the text parts of a multipart body; file parts are not signed), by this crate's own
//! implementation of the three methods — not the runtime's, so that the gateway does not
//! share the client's mistakes.
//!
//! # What it answers
//!
//! A request that passes gets the API's [`Reply`] (its success example, or its error example)
//! in the format it asked for: `format=json` → the JSON example; `format=json&simplify=true` →
//! the JSON example without the `<name>_response` wrapper and with TOP's wrapped lists
//! (`{"x":{"item":[…]}}`) as bare arrays; `format=xml` → the XML example (see [`Api`]).
//!
//! An API made from a spec without a success example — almost all of TOP's catalog — answers a
//! reply made up from the spec's response schema (`response:` and `types:`), rendered to the
//! three formats by the same rules as a JSON example. Every field is a value of its type as the
//! generated clients decode it: 64-bit integers (ids above 2^53, which a float would lose),
//! booleans, dates as `yyyy-MM-dd HH:mm:ss` (GMT+8), prices as exact decimal text (`"12.30"`),
//! strings from the spec's `example`, lists of 1 to 3 items wrapped as TOP wraps them, objects
//! nested at most 4 deep (a recursive type stops where it recurs). A field named like a business
//! param of the request echoes its value (never a sensitive param nor the session), a
//! `total_results` beside lists counts their items, `has_next` is false, and a `request_id` is
//! made up too. The reply is deterministic: a function of the gateway's seed
//! ([`GatewayBuilder::seed`], default 0; the program's `--seed`), the method and the request's
//! business params — never the clock, the timestamp or the sign — so a test can rely on the
//! bytes, and another seed gives other values. [`Api::render_for`] renders it without a
//! server. The reply of every API of the shipped catalog, in every format, is checked against
//! its spec and decoded by its generated client without losing anything
//! (`tests/tests/every_api.rs`: a sample of the APIs by default, all of them with
//! `TOPGEN_EVERY_API=all`).
//!
//! Errors are in the requested format too, and XML when the request asked for no format (TOP's
//! default). Then a [`Fault`] may change the answer: a TOP error, a delay, a stalled,
//! truncated, oversized, chunked or gzip-compressed body, an HTTP 5xx, a proxy's HTML page, a
//! connection dropped mid-body, or no answer at all. Faults are queued per request ([`Gateway::push_fault`]) with an optional
//! default ([`Gateway::set_default_fault`]).
//!
//! Each request is recorded ([`Recorded`]): its params, files, headers, the format answered,
//! the verdict, the fault it got, and when it arrived — so that tests can count attempts and
//! check each attempt's timestamp and sign. The record is a ring: it keeps the last 1,000
//! requests ([`DEFAULT_RECORD_CAPACITY`]; [`GatewayBuilder::record_capacity`] sets another
//! size), so that a long run (a benchmark) stays in bounded memory, while
//! [`Gateway::request_count`] counts every request exactly.
//!
//! An API with neither a success example nor response fields (one made with [`Api::new`]
//! alone, or the few shipped specs without response fields) answers the requests that pass
//! with an empty success (`{"<name>_response":{}}`); the gateway says so: [`GatewayBuilder::warnings`] and
//! [`Gateway::warnings`] name each such API, and the gateway prints them to stderr
//! (`topgen-gateway: warning: …`) when it starts or when such an API is added while it runs.
//!
//! # Call quotas and sessions
//!
//! [`GatewayBuilder::quota`] enforces a [`Quota`] (calls per window, per app or per API):
//! a call over it gets TOP's code 7, `App Call Limited`, with sub code
//! `accesscontrol.limited-by-app-access-count` (or `…-api-…`) and
//! `This ban will last for N more seconds`, in the requested format.
//!
//! [`GatewayBuilder::auth_code`] and [`GatewayBuilder::token_lifetimes`] serve the token APIs
//! `taobao.top.auth.token.create` (a declared code, once → a session, its refresh token and
//! their expiries in `token_result`, a JSON string as TOP sends it) and
//! `taobao.top.auth.token.refresh` (a refresh token → a new session; the old session and
//! refresh token stop working). Issued sessions, and those of
//! [`GatewayBuilder::session_expiring`], get code 27 once expired.
//!
//! Secrets (app secrets, sessions, params named like secrets) are never shown by this crate's
//! `Debug` output nor in the replies it sends, nor by the control API. The gateway listens on
//! `127.0.0.1` unless told otherwise ([Control API](#control-api)).
//!
//! # HTTP
//!
//! The gateway speaks HTTP/1.1 (and 1.0) through [hyper](https://docs.rs/hyper)'s HTTP/1
//! server — the HTTP stack under reqwest — not a hand-written one, so that any client's HTTP
//! works, not only ours. Its tests (`tests/clients.rs`, over raw sockets, and curl when the
//! machine has it) prove: keep-alive; `Expect: 100-continue` (curl and PHP send it for larger
//! bodies, .NET by default: the `100 Continue` comes before the body is read); chunked request
//! bodies; HTTP/1.0, closed after one answer or kept alive with `Connection: keep-alive`;
//! pipelined requests, answered in order; a 20 MiB multipart upload; a body over 32 MiB (413,
//! refused from its `Content-Length` before it is read, or as soon as a chunked one goes over);
//! a client that disconnects mid-body (nothing left hanging, the request **not recorded**:
//! only requests read whole are judged and recorded); what is not HTTP (hyper's 400; 431 for a
//! head over 64 KiB). A kept-alive connection is closed after 120 s without a request, and a
//! request body must arrive within 120 s of its head (408 otherwise).
//!
//! Every [`Fault`] is produced through hyper: [`Fault::Delay`] answers late,
//! [`Fault::StallBody`] is a streaming body (first part, pause, rest), [`Fault::Chunked`] a body
//! without an exact size (chunked; until the close for an HTTP/1.0 client),
//! [`Fault::DropMidBody`] a body that announces its whole `Content-Length` and fails after its
//! first part (hyper aborts the connection), [`Fault::Close`] no answer (hyper closes the
//! connection); [`Fault::Truncate`] and [`Fault::Oversize`] are just the body's bytes, cut or
//! padded, in a complete answer. A [`Fault::Http`] hyper cannot send as HTTP (a status under
//! 200 or over 999, a content type with a line break) is answered 500 with the reason; a 204
//! or 304 goes without its body, as HTTP wants. No HTTP is written byte by byte: the only
//! byte-level piece is a pass-through of the socket that tells when hyper has flushed, so that
//! a dropped body's first part is on the wire before the connection is aborted (hyper
//! discards what it still buffers when a body fails).
//!
//! # Batch calls
//!
//! `POST /router/batch` ([`BATCH_PATH`]) takes several calls in one request, laid out as TOP's
//! batch API and the official SDKs have it: the system params in the query (no `method`), a
//! `text/plain` body of one form-encoded param set per call (`N` for an empty one), optionally
//! opened by `#PUBLIC#` and the params every call shares, joined by `\r\n-S-\r\n` or by the
//! separator of the header `top-api-separator`. The batch itself is checked like a single
//! call's system params (`app_key`, `timestamp`, `v`, `format`, `sign_method`), its `sign`
//! over the sorted params **with the whole body appended**, and its content type and encoding;
//! a failure is one `error_response` for the whole batch. Then each call is checked like a
//! single call (each param once, `method`, session, file and required params; its own
//! params first, then the public ones, then the query's) and answered with its API's reply or
//! its own `error_response`, the answers joined by the same separator.
//! [`Gateway::push_part_error`] makes one call of the next batch answer a TOP error; a
//! [`Fault`] applies to the batch as a whole. [`Recorded::batch`] keeps the separator, the
//! public params and each call with its verdict.
//!
//! # Control API
//!
//! The gateway is also driven over HTTP, on its own port, under [`CONTROL_PATH`]
//! (`/__gateway`): for tests in any language (the `topgen-gateway serve` program; the README
//! has `curl` lines). JSON in and out; these requests are neither checked like TOP's nor
//! recorded, and take no fault.
//!
//! | route | does |
//! |---|---|
//! | `GET /__gateway` | the app keys, the API count, the requests seen, the routes |
//! | `POST /__gateway/faults` `{"fault": F, "count"?: n, "api"?: "method"}` | queues `n` (1) faults, for any request or for that API's ([`Gateway::push_fault`], [`Gateway::push_fault_for`]) |
//! | `GET /__gateway/faults`, `DELETE /__gateway/faults` | what is queued (common, per API, default); clears it all |
//! | `PUT /__gateway/faults/default` `F` or `null`, `DELETE …/default` | [`Gateway::set_default_fault`] |
//! | `GET /__gateway/requests`, `DELETE /__gateway/requests` | the record ([`Gateway::requests`]: params and headers with secret values as `***`, verdict, rejection, fault, format); clears it |
//! | `PUT /__gateway/replies/{method}` `{"response": {…}, "xml"?: "…"}` or `{"error": {"code", "msg", "sub_code"?, "sub_msg"?}}` | that API answers this (its checks stay) |
//! | `DELETE /__gateway/replies/{method}`, `DELETE /__gateway/replies` | the replies as they were |
//! | `POST /__gateway/tmc/messages` `{"topic", "content", "group"?, "user_id"?, "nick"?, "publisher"?, "data_id"?, "time"?, "gzip"?}` | queues a message on the TMC endpoint of [`GatewayBuilder::tmc`]: `{"id": …, "id_text": "…"}` |
//! | `GET /__gateway/tmc` | that endpoint's pending messages per group, deliveries, confirms, failures, publishes |
//!
//! A fault `F` is `{"kind": K, …}`, one kind per [`Fault`]: `isp_error`, `isv_error`,
//! `top_error` (`code`, `msg`, `sub_code`, `sub_msg`), `http` (`status`, `content_type`,
//! `body`), `proxy_error_page` (`status`), `delay` (`ms`), `stall_body` (`after`, `ms`),
//! `truncate` (`keep`), `drop_mid_body` (`after`), `oversize` (`bytes`), `chunked`, `gzip`,
//! `close`, `all` (`faults`). A request takes its API's queued fault first, then the common
//! queue's, then the default. A bad control request gets 400 (404 for an unknown route or
//! API, 405 for a wrong verb) and `{"error": …}` naming the field path and what was expected.
//!
//! The gateway listens on `127.0.0.1` unless [`GatewayBuilder::listen`] names another
//! address; bound beyond loopback, the control API requires `Authorization: Bearer TOKEN`:
//! [`GatewayBuilder::control_token`]'s, or a random one ([`Gateway::control_token`], which the
//! program prints). TOP calls never need it.
//!
//! # TMC
//!
//! [`TmcGateway`] is a local endpoint of TMC, TOP's message channel (WebSocket, binary frames
//! of TMC's protocol v2; the wire facts are in the [`topgen_tmc`] crate, whose frame codec the
//! gateway uses): for the tests of TMC consumers. Queue messages for a consumer group, point the
//! consumer at [`TmcGateway::endpoint`] (`ws://127.0.0.1:PORT/`), then check what it confirmed,
//! failed or published, and every frame both ways. It stops when dropped, and runs like
//! [`Gateway`]: [`TmcGatewayBuilder::start`] from async code, [`TmcGatewayBuilder::spawn`] from
//! plain `#[test]`s, on a thread with its own runtime.
//!
//! ```
//! use std::time::Duration;
//! use futures_util::{SinkExt, StreamExt};
//! use tokio_tungstenite::tungstenite::Message as Ws;
//! use topgen_gateway::{QueuedMessage, TmcGateway};
//! use topgen_tmc::{Frame, Message, connect_sign, decode};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let tmc = TmcGateway::builder()
//!     .app("12345678", "my-test-secret")
//!     .start()
//!     .await
//!     .expect("binds a port on 127.0.0.1");
//! let id = tmc.queue(
//!     "default",
//!     QueuedMessage::new("taobao_trade_TradeCreate", r#"{"tid":58681907060570486}"#),
//! );
//!
//! // What a consumer does, by hand: sign in, pull, confirm.
//! let tcp = tokio::net::TcpStream::connect(tmc.addr()).await.unwrap();
//! let (mut ws, _) = tokio_tungstenite::client_async(tmc.endpoint(), tcp).await.unwrap();
//! let timestamp = chrono::Utc::now().timestamp_millis().to_string();
//! let sign = connect_sign("my-test-secret", "12345678", "default", &timestamp);
//! let connect = Frame::connect("12345678", "default", &timestamp, &sign);
//! ws.send(Ws::Binary(connect.encode().into())).await.unwrap();
//! let ack = decode(&ws.next().await.unwrap().unwrap().into_data()).unwrap();
//! let token = ack.token.expect("signed in");
//! let pull = Message::PullRequest.to_frame(&token);
//! ws.send(Ws::Binary(pull.encode().into())).await.unwrap();
//! let pushed = decode(&ws.next().await.unwrap().unwrap().into_data()).unwrap();
//! let Ok(Message::Data(data)) = Message::read(&pushed) else { panic!("{pushed:?}") };
//! assert_eq!(data.id, Some(id)); // 2^53 + 1: lost by any float on the way
//! let confirm = Message::Confirm { id }.to_frame(&token);
//! ws.send(Ws::Binary(confirm.encode().into())).await.unwrap();
//!
//! assert!(tmc.wait_confirmed(1, Duration::from_secs(5)).await);
//! assert_eq!(tmc.confirmed(), vec![id]);
//! assert_eq!(tmc.pending("default"), 0);
//! # });
//! ```
//!
//! The first frame of a connection must be a CONNECT with the custom headers `app_key`,
//! `group_name`, `timestamp` (epoch milliseconds, as text) and `sign`: the upper-case hex MD5
//! of `secret + "app_key" + app_key + "group_name" + group_name + "timestamp" + timestamp +
//! secret`, recomputed by this crate's own signing ([`sign`]), not the consumer's. The checks,
//! in order, and the StatusCode of the CONNECTACK that refuses (TOP's REST error codes for the
//! same faults; the StatusPhrase starts with TOP's message and says what was wrong):
//!
//! | check | StatusCode |
//! |---|---|
//! | `app_key` present / one of the apps ([`TmcGatewayBuilder::app`]) | 28 / 29 |
//! | `group_name` present (a CountedString) | 40 (41) |
//! | `timestamp` present / digits, at most 10 minutes ([`TmcGatewayBuilder::max_skew`]) from now | 30 / 31 |
//! | `sign` present / right | 24 / 25 |
//!
//! A refused connection is closed after its CONNECTACK. An accepted one gets a CONNECTACK with
//! a fresh Token and no StatusCode (TOP's codec writes a zero status as no header), and the
//! CONNECT's Flag echoed (the .NET SDK matches the two by it). Every later client frame must be
//! a SEND carrying that Token, with a readable message (`__kind`); anything else — a SEND
//! without the Token or with another, a second CONNECT, bytes that are not a frame, a text
//! message — is recorded and ends the connection (a close frame, code 1008, or 1003 for
//! text), and [`TmcGateway::connection_log`] says why ([`tmc::ConnectionEnd`]). Frames are at
//! most [`topgen_tmc::MAX_FRAME_SIZE`] bytes (the WebSocket's message limit too). WebSocket
//! pings are answered.
//!
//! The messages of a SEND:
//! - PullRequest: the server pushes up to [`TmcGatewayBuilder::batch_size`] (32) ready
//!   messages of the connection's group, as SENDs of kind Data carrying the Token: `id`
//!   (Int64), `topic`, `content` (a CountedString, or a ByteArray of gzip-compressed JSON with
//!   [`QueuedMessage::gzip`]), `time` (Date), `publisher`, `userid` (Int64), `nick`, `dataid`
//!   (Int64) when set, and `outtime` (Date). Nothing is pushed otherwise: the server pushes
//!   in answer to pull requests only, so a test decides when. A message is pushed to one
//!   connection at a time: the connections of a group share its messages.
//! - Confirm `id`: the message is done (from any connection of its group, once delivered).
//! - Failed `id`, `msg`: the message is ready again after
//!   [`TmcGatewayBuilder::failed_redeliver_after`] (1 s).
//! - Data: a publish, recorded ([`TmcGateway::published`], with the frame's `session`) and
//!   answered with a SENDACK carrying the Data's Flag (StatusCode 40 if it has no `topic` or
//!   `content`).
//!
//! A message delivered and neither confirmed nor failed is ready again
//! [`TmcGatewayBuilder::redeliver_after`] (5 minutes, like TOP) after its delivery, whether its
//! connection is still open or not: delivery is at least once. Message ids start at 2^53 + 1
//! and go up by 2 ([`tmc::FIRST_MESSAGE_ID`]), so that none survives a float.
//!
//! [`TmcFault`]s wait in one queue ([`TmcGateway::push_fault`]), each applied once, at its
//! point, in order: a refused CONNECT, a connection dropped mid-push, a stalled connection (no
//! pong either), garbage bytes, a duplicated Data frame, a polite close. The record holds every
//! frame both ways ([`TmcGateway::frames`], the last 10,000 by default,
//! [`TmcGatewayBuilder::record_capacity`]; [`TmcGateway::frame_count`] counts all), the
//! confirms, failures, publishes, connections and applied faults. [`TmcGateway::wait_for`]
//! (and [`TmcGateway::wait_confirmed`], [`TmcGateway::wait_deliveries`],
//! [`TmcGateway::wait_closed`]; [`TmcGateway::wait_for_blocking`] in synchronous tests) waits
//! for a condition on the endpoint's state without sleeping.
//!
//! `Debug` output never shows an app secret, a Token, a CONNECT's sign or a session.
//! [`TmcGatewayBuilder::listen`] binds another address than `127.0.0.1`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod batch;
mod body;
mod check;
mod control;
mod fault;
mod json;
mod quota;
mod record;
mod reply;
mod server;
mod session;
pub mod sign;
mod synth;
pub mod tmc;
mod wire;

pub use api::{Api, Reply};
pub use batch::{BATCH_PATH, RecordedBatch, RecordedPart};
pub use check::{DEFAULT_MAX_SKEW, PATH, SYSTEM_PARAMS};
pub use control::CONTROL_PATH;
pub use fault::{Fault, TopErrorReply};
pub use quota::Quota;
pub use record::{Recorded, RecordedFile, Rejection, Verdict};
pub use reply::{json_to_xml, response_key, simplify_json};
pub use server::{DEFAULT_RECORD_CAPACITY, Gateway, GatewayBuilder};
pub use tmc::{QueuedMessage, TmcFault, TmcGateway, TmcGatewayBuilder};
pub use topgen_runtime::Format;
