//! Escape hatches: calls to APIs that are not in the catalog ([`Client::execute_raw`]) and
//! typed calls that also report their reply's [`ReplyMeta`] ([`Client::execute_with_meta`]).
//!
//! Both go through the same signing, retries, timeouts and body limit as
//! [`Client::execute_with`].

use tracing::Instrument;

use super::body::encode_body;
use super::exchange::{Outgoing, ReplyMeta, Shape};
use super::{CallOptions, Client, call_url, scrub_error};
use crate::error::Error;
use crate::format::Format;
use crate::params::Params;
use crate::prepare::{CallContext, SignedQuery, body_of, encode_pairs_after};
use crate::redact::Known;
use crate::request::Request;
use crate::response::decode_reply_in;
use crate::secret::Secret;
use crate::sign::is_blank;
use crate::time;
use crate::transport::HttpResponse;

impl Client {
    /// Calls the API `method`, which need not be in topgen's catalog, with the business
    /// params `params` (form-encoded in the order given; blank values are sent but not
    /// signed, as for typed calls) and `options`, and gives the content of its
    /// `<name>_response` as JSON (in every [`Format`]: XML replies become JSON objects of
    /// strings). TOP's `error_response` is [`Error::Top`]; a `method` that is no TOP method
    /// name is [`Error::Config`], and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: topgen_runtime::Client) -> Result<(), topgen_runtime::Error> {
    /// use topgen_runtime::CallOptions;
    /// let reply = client
    ///     .execute_raw("taobao.time.get", &[], &CallOptions::new())
    ///     .await?;
    /// println!("TOP's time: {}", reply["time"]);
    /// # Ok(()) }
    /// ```
    pub async fn execute_raw(
        &self,
        method: &str,
        params: &[(&str, &str)],
        options: &CallOptions,
    ) -> Result<serde_json::Value, Error> {
        self.execute_raw_with_meta(method, params, options)
            .await
            .map(|(value, _)| value)
    }

    /// [`Client::execute_raw`], with the reply's [`ReplyMeta`].
    pub async fn execute_raw_with_meta(
        &self,
        method: &str,
        params: &[(&str, &str)],
        options: &CallOptions,
    ) -> Result<(serde_json::Value, ReplyMeta), Error> {
        topgen_spec::rules::check_method(method)
            .map_err(|e| Error::Config(format!("execute_raw: {e}")))?;
        let response_key = topgen_spec::rules::response_key(method);
        let format = options.format.unwrap_or(self.inner.format);
        let span = tracing::info_span!("top.call", method, format = format.as_str(), raw = true);
        let (result, meta) = self
            .exchange_call(
                method,
                options,
                format,
                true,
                || {
                    Ok((
                        encode_pairs_after("", params.iter().copied()).into_bytes(),
                        FORM,
                    ))
                },
                params,
                |response| decode_reply_in(format, &response.body, &response_key, response.status),
            )
            .instrument(span)
            .await;
        result.map(|value| (value, meta))
    }

    /// [`Client::execute_with`], with the reply's [`ReplyMeta`]: TOP's `request_id`, the
    /// HTTP status and headers, the attempts made and the time taken. The same checks before
    /// sending ([`Error::MissingSession`], [`Error::Param`]), signing, retries and limits.
    ///
    /// ```no_run
    /// # async fn run<R: topgen_runtime::Request>(client: topgen_runtime::Client, request: R) -> Result<(), topgen_runtime::Error> {
    /// use topgen_runtime::CallOptions;
    /// let (response, meta) = client.execute_with_meta(&request, &CallOptions::new()).await?;
    /// println!("request {:?}: {} attempts in {:?}", meta.request_id, meta.attempts, meta.elapsed);
    /// # Ok(()) }
    /// ```
    pub async fn execute_with_meta<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<(R::Response, ReplyMeta), Error> {
        self.typed_call(request, options, true).await
    }

    /// Every typed call: [`Client::execute_with`] (without `meta`) and
    /// [`Client::execute_with_meta`]. The session comes from the options, or from their
    /// [`SessionProvider`](crate::session::SessionProvider) for an API that needs one.
    pub(super) async fn typed_call<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        meta: bool,
    ) -> Result<(R::Response, ReplyMeta), Error> {
        let format = options.format.unwrap_or(self.inner.format);
        let span = tracing::info_span!(
            "top.call",
            method = R::METHOD,
            format = format.as_str(),
            sign_method = self.inner.sign_method.as_str(),
        );
        async {
            let provided = crate::session::provided::<R>(options).await?;
            let options = provided.as_ref().unwrap_or(options);
            let session = options
                .session
                .as_ref()
                .filter(|s| !is_blank(s.expose_secret()));
            if R::REQUIRES_SESSION && session.is_none() {
                return Err(Error::MissingSession { method: R::METHOD });
            }
            let mut params = Params::new();
            request.encode(&mut params)?;
            let text: Vec<(&str, &str)> = params
                .text()
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            let (result, meta) = self
                .exchange_call(
                    R::METHOD,
                    options,
                    format,
                    meta,
                    || {
                        let (content_type, body) = encode_body(body_of(&params))?;
                        Ok((body, content_type))
                    },
                    &text,
                    |response| {
                        decode_reply_in(format, &response.body, R::RESPONSE_KEY, response.status)
                    },
                )
                .await;
            result.map(|value| (value, meta))
        }
        .instrument(span)
        .await
    }

    /// One single call through [`Client::exchange`]: signed anew per attempt over the text
    /// params `text`, the body from `body`, every failure the policy retries retried.
    #[allow(clippy::too_many_arguments)]
    async fn exchange_call<T, C: Into<String>>(
        &self,
        method: &str,
        options: &CallOptions,
        format: Format,
        meta: bool,
        body: impl Fn() -> Result<(Vec<u8>, C), Error>,
        text: &[(&str, &str)],
        decode: impl Fn(&HttpResponse) -> Result<T, Error>,
    ) -> (Result<T, Error>, ReplyMeta) {
        let inner = &*self.inner;
        let session = options
            .session
            .as_ref()
            .filter(|s| !is_blank(s.expose_secret()));
        // The last attempt's sign (a Mutex, not a RefCell: the call's future must be `Send`).
        let sign = std::sync::Mutex::new(String::new());
        let build = || {
            let timestamp = (inner.clock)();
            let ctx = CallContext {
                method,
                app_key: &inner.app_key,
                secret: &inner.secret,
                sign_method: inner.sign_method,
                timestamp: time::format(&timestamp),
                session,
                partner_id: inner.partner_id.as_deref(),
                target_app_key: inner.target_app_key.as_deref(),
                format,
            };
            let signed = SignedQuery::signed(&ctx, text.iter().copied(), None);
            *sign
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = signed.sign().to_owned();
            let (body, content_type) = body()?;
            Ok(Outgoing {
                url: call_url(&inner.endpoint, signed.pairs()),
                content_type: content_type.into(),
                body,
                headers: Vec::new(),
            })
        };
        let scrub = |error: Error, url: &str| {
            let query = url.split_once('?').map_or("", |(_, q)| q);
            let sign = sign
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            scrub_error(
                error,
                &Known {
                    wholes: [url, query],
                    values: [
                        sign.as_str(),
                        session.map(Secret::expose_secret).unwrap_or_default(),
                        inner.secret.expose_secret(),
                    ],
                },
            )
        };
        let shape = Shape {
            options,
            methods: &[method],
            meta,
        };
        self.exchange(shape, build, decode, scrub, |_| true).await
    }
}

/// The `Content-Type` of a form body (as the typed calls send it).
const FORM: &str = "application/x-www-form-urlencoded;charset=UTF-8";
