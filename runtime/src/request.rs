//! [`Request`]: what a generated request type tells the client.

use crate::error::ParamError;
use crate::params::Params;

/// Implemented by every generated request type.
pub trait Request {
    /// The fields inside the reply's `<name>_response` object.
    type Response: serde::de::DeserializeOwned;
    /// The API name, e.g. `taobao.wdk.iot.wombat.common.gettoken`.
    const METHOD: &'static str;
    /// The reply's top-level key, e.g. `wdk_iot_wombat_common_gettoken_response`: dots become
    /// underscores and only a leading `taobao.` is removed (computed by the generator, by
    /// `topgen_spec`'s `response_key`).
    const RESPONSE_KEY: &'static str;
    /// Whether the API needs a user session (`CallOptions::session`).
    const REQUIRES_SESSION: bool;

    /// Validates the params against the doc's limits and writes them to `params`.
    fn encode(&self, params: &mut Params) -> Result<(), ParamError>;
}
