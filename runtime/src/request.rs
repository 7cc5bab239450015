//! [`Request`]: what a generated request type tells the client.

use crate::error::ParamError;
use crate::params::Params;

/// Implemented by every generated request type.
pub trait Request {
    /// The fields inside the reply's `<name>_response` object.
    type Response: serde::de::DeserializeOwned;
    /// The API name, e.g. `taobao.wdk.iot.wombat.common.gettoken`.
    const METHOD: &'static str;
    /// The reply's top-level key, e.g. `wdk_iot_wombat_common_gettoken_response`
    /// (see [`response_key`]).
    const RESPONSE_KEY: &'static str;
    /// Whether the API needs a user session (`CallOptions::session`).
    const REQUIRES_SESSION: bool;

    /// Validates the params against the doc's limits and writes them to `params`.
    fn encode(&self, params: &mut Params) -> Result<(), ParamError>;
}

/// The `<name>_response` key of a method's reply: dots become underscores and only a leading
/// `taobao.` is removed (`taobao.wdk.iot.wombat.common.gettoken` →
/// `wdk_iot_wombat_common_gettoken_response`, `alibaba.aliqin.fc.sms.num.send` →
/// `alibaba_aliqin_fc_sms_num_send_response`).
pub fn response_key(method: &str) -> String {
    let name = method.strip_prefix("taobao.").unwrap_or(method);
    let mut key = name.replace('.', "_");
    key.push_str("_response");
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_keys() {
        assert_eq!(
            response_key("taobao.wdk.iot.wombat.common.gettoken"),
            "wdk_iot_wombat_common_gettoken_response"
        );
        assert_eq!(
            response_key("alibaba.aliqin.fc.sms.num.send"),
            "alibaba_aliqin_fc_sms_num_send_response"
        );
        // Only a leading `taobao.` goes.
        assert_eq!(
            response_key("alibaba.taobao.x.get"),
            "alibaba_taobao_x_get_response"
        );
        assert_eq!(response_key("taobaox.get"), "taobaox_get_response");
        assert_eq!(response_key("taobao.taobao.get"), "taobao_get_response");
        // Case and the `-` of an aliyuncs API's dated version are kept.
        assert_eq!(
            response_key("account.aliyuncs.com.CreateAliyunAccount.2013-07-01"),
            "account_aliyuncs_com_CreateAliyunAccount_2013-07-01_response"
        );
    }
}
