//! Turning one call into a signed, encoded request, without any I/O.
//!
//! Layout (the official Java SDK's, byte-checked): the system params, `sign` included, go in
//! the URL query; the business params go in an `application/x-www-form-urlencoded` body, or in
//! a `multipart/form-data` body when the call has a file. File params are not signed.

use std::fmt;

use crate::file::FileItem;
use crate::params::Params;
use crate::redact::is_sensitive_key;
use crate::secret::Secret;
use crate::sign::{SignMethod, is_blank, sign_pairs};

/// The system params and settings of one call.
#[derive(Clone)]
pub struct CallContext<'a> {
    /// The API name.
    pub method: &'a str,
    /// The app key.
    pub app_key: &'a str,
    /// The app secret, used only to sign.
    pub secret: &'a Secret,
    /// How to sign.
    pub sign_method: SignMethod,
    /// `yyyy-MM-dd HH:mm:ss` in GMT+8 (see [`crate::time::format`]).
    pub timestamp: String,
    /// The user's session, for APIs that need authorisation.
    pub session: Option<&'a Secret>,
    /// The optional `partner_id`.
    pub partner_id: Option<&'a str>,
    /// The optional `target_app_key`.
    pub target_app_key: Option<&'a str>,
    /// The reply format: `format=json|xml`, and `simplify=true` for simplified JSON.
    pub format: crate::Format,
}

impl fmt::Debug for CallContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("method", &self.method)
            .field("app_key", &self.app_key)
            .field("secret", &self.secret)
            .field("sign_method", &self.sign_method)
            .field("timestamp", &self.timestamp)
            .field("session", &self.session)
            .field("partner_id", &self.partner_id)
            .field("target_app_key", &self.target_app_key)
            .field("format", &self.format)
            .finish()
    }
}

/// A signed, encoded request ready to send.
///
/// `Debug` redacts the session and the sign (the keys the runtime redacts everywhere) and
/// prints the body's param names, not their values.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The system params, `sign` last: `method, app_key, sign_method, timestamp, v, format`,
    /// then `session, partner_id, target_app_key, simplify` when set, then `sign`.
    pub query: Vec<(&'static str, String)>,
    /// The business params.
    pub body: Body,
}

impl PreparedRequest {
    /// The query, form-urlencoded like the body (`timestamp=2026-11-28+12%3A00%3A00`).
    pub fn query_string(&self) -> String {
        encode_pairs(self.query.iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// The value of a system param in [`PreparedRequest::query`].
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Query<'a>(&'a [(&'static str, String)]);
        impl fmt::Debug for Query<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(k, v)| {
                        let shown = if is_sensitive_key(k) {
                            "***"
                        } else {
                            v.as_str()
                        };
                        (*k, shown)
                    }))
                    .finish()
            }
        }
        f.debug_struct("PreparedRequest")
            .field("query", &Query(&self.query))
            .field("body", &self.body)
            .finish()
    }
}

/// The body of a prepared request.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// `application/x-www-form-urlencoded;charset=UTF-8`: UTF-8, space as `+`, params in
    /// insertion order.
    Form(String),
    /// `multipart/form-data`: text parts (`Content-Type: text/plain`), then file parts.
    Multipart {
        /// The text params, in insertion order.
        text: Vec<(&'static str, String)>,
        /// The file params, in insertion order.
        files: Vec<(&'static str, FileItem)>,
    },
}

impl fmt::Debug for Body {
    /// Param names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Form(form) => {
                let names: Vec<String> = form_urlencoded::parse(form.as_bytes())
                    .map(|(k, _)| k.into_owned())
                    .collect();
                f.debug_struct("Form").field("names", &names).finish()
            }
            Body::Multipart { text, files } => {
                let names: Vec<&str> = text.iter().map(|(k, _)| *k).collect();
                f.debug_struct("Multipart")
                    .field("text", &names)
                    .field("files", files)
                    .finish()
            }
        }
    }
}

/// Signs and encodes one call: `format=json`, `v=2.0`; every non-blank system and text param
/// signed (files are not); a call with files becomes [`Body::Multipart`].
pub fn prepare(ctx: &CallContext<'_>, params: &Params) -> PreparedRequest {
    let signed = SignedQuery::new(ctx, params);
    PreparedRequest {
        query: signed.pairs().map(|(k, v)| (k, v.to_owned())).collect(),
        body: body_of(params),
    }
}

/// The most system params a call has: `method, app_key, sign_method, timestamp, v, format,
/// session, partner_id, target_app_key, simplify`.
const MAX_SYSTEM_PARAMS: usize = 10;

/// A call's system params, borrowed from its [`CallContext`], and its sign: what
/// [`PreparedRequest::query`] holds, without a copy of each value. The client writes the URL
/// from it directly.
pub(crate) struct SignedQuery<'a> {
    system: [(&'static str, &'a str); MAX_SYSTEM_PARAMS],
    len: usize,
    sign: String,
}

impl<'a> SignedQuery<'a> {
    /// The system params of `ctx` that are not blank, in query order, and the sign of them
    /// and of the text params.
    pub(crate) fn new(ctx: &'a CallContext<'_>, params: &Params) -> Self {
        Self::signed(
            ctx,
            params.text().iter().map(|(k, v)| (*k, v.as_str())),
            None,
        )
    }

    /// The system params of `ctx` that are not blank, in query order, and the sign of them,
    /// of the text params `text` and of `body` appended (a batch's body). A blank
    /// `ctx.method` is left out (a batch has none in its query).
    pub(crate) fn signed<'t>(
        ctx: &'a CallContext<'_>,
        text: impl Iterator<Item = (&'t str, &'t str)>,
        body: Option<&str>,
    ) -> Self
    where
        'a: 't,
    {
        let mut system = [("", ""); MAX_SYSTEM_PARAMS];
        let mut len = 0;
        let mut add = |name: &'static str, value: &'a str| {
            if !is_blank(value) {
                system[len] = (name, value);
                len += 1;
            }
        };
        add("method", ctx.method);
        add("app_key", ctx.app_key);
        add("sign_method", ctx.sign_method.as_str());
        add("timestamp", &ctx.timestamp);
        add("v", "2.0");
        add("format", ctx.format.wire_format());
        if let Some(session) = ctx.session {
            add("session", session.expose_secret());
        }
        if let Some(partner_id) = ctx.partner_id {
            add("partner_id", partner_id);
        }
        if let Some(target_app_key) = ctx.target_app_key {
            add("target_app_key", target_app_key);
        }
        if ctx.format.simplify() {
            add("simplify", "true");
        }
        let sign = sign_pairs(
            system[..len].iter().copied().chain(text),
            body,
            ctx.secret.expose_secret(),
            ctx.sign_method,
        );
        SignedQuery { system, len, sign }
    }

    /// The query's params, `sign` last.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> + Clone {
        self.system[..self.len]
            .iter()
            .copied()
            .chain(std::iter::once(("sign", self.sign.as_str())))
    }

    /// The sign.
    pub(crate) fn sign(&self) -> &str {
        &self.sign
    }
}

/// The body of a call with `params`: a form, or multipart when there is a file.
pub(crate) fn body_of(params: &Params) -> Body {
    if params.files().is_empty() {
        Body::Form(encode_pairs(
            params.text().iter().map(|(k, v)| (*k, v.as_str())),
        ))
    } else {
        Body::Multipart {
            text: params.text().to_vec(),
            files: params.files().to_vec(),
        }
    }
}

/// `application/x-www-form-urlencoded` text of `pairs`, in order: UTF-8 percent-encoding,
/// space as `+`, `*-._` and ASCII alphanumerics kept (as Java's `URLEncoder`).
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    encode_pairs(pairs.iter().copied())
}

/// [`encode_form`] of any sequence of pairs: `k=v` joined by `&`.
fn encode_pairs<'k, 'v>(pairs: impl Iterator<Item = (&'k str, &'v str)> + Clone) -> String {
    encode_pairs_after("", pairs)
}

/// `prefix`, then [`encode_form`] of `pairs`, in one string.
pub(crate) fn encode_pairs_after<'k, 'v>(
    prefix: &str,
    pairs: impl Iterator<Item = (&'k str, &'v str)> + Clone,
) -> String {
    let len: usize = pairs.clone().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = Vec::with_capacity(prefix.len() + len + len / 4);
    out.extend_from_slice(prefix.as_bytes());
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        push_encoded(&mut out, k);
        out.push(b'=');
        push_encoded(&mut out, v);
    }
    // `prefix` is a `str`, and only ASCII was added to it.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `text` form-urlencoded: runs of kept bytes copied at once, space as `+`, every
/// other byte as `%XX` (uppercase hex) — byte for byte what `form_urlencoded` writes.
fn push_encoded(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if KEPT[usize::from(b)] {
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        if b == b' ' {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]]);
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// The bytes form encoding keeps as they are: ASCII alphanumerics and `*-._`.
const KEPT: [bool; 256] = {
    let mut kept = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        kept[b] = c.is_ascii_alphanumeric() || matches!(c, b'*' | b'-' | b'.' | b'_');
        b += 1;
    }
    kept
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::sign;

    fn ctx<'a>(secret: &'a Secret, session: Option<&'a Secret>) -> CallContext<'a> {
        CallContext {
            method: "taobao.wdk.iot.wombat.common.gettoken",
            app_key: "12345678",
            secret,
            sign_method: SignMethod::Md5,
            timestamp: "2026-11-28 12:00:00".to_owned(),
            session,
            partner_id: None,
            target_app_key: None,
            format: crate::Format::Json,
        }
    }

    fn gettoken_params() -> Params {
        let mut p = Params::new();
        p.push("merchant_code", "HM");
        p.push("scenes_code", &1_i64);
        p.push("ou_code", "8007");
        p.push("robot_sn", "xxxxx");
        p
    }

    #[test]
    fn query_order_and_sign() {
        let secret = Secret::new("helloworld");
        let prepared = prepare(&ctx(&secret, None), &gettoken_params());
        let names: Vec<&str> = prepared.query.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "method",
                "app_key",
                "sign_method",
                "timestamp",
                "v",
                "format",
                "sign"
            ]
        );
        // sign_vectors.json, canonical-md5.
        assert_eq!(
            prepared.query_param("sign"),
            Some("7FA600ECB5499BD7B8B99D551CDE0D39")
        );
        assert_eq!(
            prepared.body,
            Body::Form("merchant_code=HM&scenes_code=1&ou_code=8007&robot_sn=xxxxx".to_owned())
        );
        assert_eq!(
            prepared.query_string(),
            "method=taobao.wdk.iot.wombat.common.gettoken&app_key=12345678&sign_method=md5\
             &timestamp=2026-11-28+12%3A00%3A00&v=2.0&format=json\
             &sign=7FA600ECB5499BD7B8B99D551CDE0D39"
        );
    }

    #[test]
    fn session_is_signed_and_redacted_in_debug() {
        let secret = Secret::new("helloworld");
        let session = Secret::new("6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805");
        let prepared = prepare(&ctx(&secret, Some(&session)), &gettoken_params());
        // sign_vectors.json, with-session-md5.
        assert_eq!(
            prepared.query_param("sign"),
            Some("9B576E7601DD8ADE6EC654135EF7855C")
        );
        assert_eq!(
            prepared.query_param("session"),
            Some(session.expose_secret())
        );
        let debug = format!("{prepared:?}");
        assert!(!debug.contains(session.expose_secret()), "{debug}");
        assert!(debug.contains(r#"("session", "***")"#), "{debug}");
        // The sign too: with the query it would let the call be replayed.
        assert!(
            !debug.contains("9B576E7601DD8ADE6EC654135EF7855C"),
            "{debug}"
        );
        assert!(debug.contains(r#"("sign", "***")"#), "{debug}");
        assert!(debug.contains(r#"("sign_method", "md5")"#), "{debug}");
        assert!(!debug.contains("xxxxx"), "{debug}");
        assert!(debug.contains("robot_sn"), "{debug}");
        let ctx_debug = format!("{:?}", ctx(&secret, Some(&session)));
        assert!(!ctx_debug.contains("helloworld"), "{ctx_debug}");
        assert!(!ctx_debug.contains(session.expose_secret()), "{ctx_debug}");
    }

    #[test]
    fn optional_system_params_in_order_and_blank_ones_dropped() {
        let secret = Secret::new("s");
        let session = Secret::new("  ");
        let mut c = ctx(&secret, Some(&session));
        c.partner_id = Some("p");
        c.target_app_key = Some("t");
        c.format = crate::Format::SimplifiedJson;
        c.sign_method = SignMethod::HmacSha256;
        let prepared = prepare(&c, &Params::new());
        let names: Vec<&str> = prepared.query.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "method",
                "app_key",
                "sign_method",
                "timestamp",
                "v",
                "format",
                "partner_id",
                "target_app_key",
                "simplify",
                "sign"
            ]
        );
        let signed: Vec<(&str, &str)> = prepared.query[..prepared.query.len() - 1]
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        assert_eq!(
            prepared.query_param("sign"),
            Some(sign(&signed, None, "s", SignMethod::HmacSha256).as_str())
        );
        assert_eq!(prepared.body, Body::Form(String::new()));
    }

    #[test]
    fn files_make_a_multipart_body_and_are_not_signed() {
        let secret = Secret::new("helloworld");
        let mut with_file = gettoken_params();
        with_file.push_file(
            "image",
            &FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
        );
        let a = prepare(&ctx(&secret, None), &with_file);
        let b = prepare(&ctx(&secret, None), &gettoken_params());
        assert_eq!(a.query, b.query);
        match &a.body {
            Body::Multipart { text, files } => {
                assert_eq!(text, gettoken_params().text());
                assert_eq!(files.len(), 1);
                assert_eq!(files[0].0, "image");
            }
            Body::Form(_) => panic!("expected multipart"),
        }
        let debug = format!("{a:?}");
        assert!(
            !debug.contains("PNGDATA") && !debug.contains("xxxxx"),
            "{debug}"
        );
    }

    #[test]
    fn form_encoding_matches_java() {
        assert_eq!(
            encode_form(&[("robot_sn", "机器人 A&B=1+2/é"), ("k*-._", "~!'()")]),
            "robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9&k*-._=%7E%21%27%28%29"
        );
        assert_eq!(encode_form(&[]), "");
    }

    /// Every byte, and mixed texts, are encoded exactly as the `form_urlencoded` crate does.
    #[test]
    fn form_encoding_matches_form_urlencoded() {
        let reference = |pairs: &[(&str, &str)]| {
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
        };
        let every_char: String = (0u32..0x800).filter_map(char::from_u32).collect();
        let texts = [
            every_char.as_str(),
            "",
            " ",
            "a b+c",
            "2026-11-28 12:00:00",
            "😀 emoji, 中文 and ascii~",
            "%%%",
        ];
        for k in texts {
            for v in texts {
                assert_eq!(encode_form(&[(k, v)]), reference(&[(k, v)]), "{k:?}={v:?}");
            }
        }
        let pairs = [("a", "1"), ("", ""), ("b c", "d&e=f")];
        assert_eq!(encode_form(&pairs), reference(&pairs));
    }
}
