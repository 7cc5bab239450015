//! TOP's naming rules, used by every crate that needs them: the reply key of a method, which
//! method and TMC topic names TOP has, the doc pages' addresses, and which field names hold
//! secrets.

/// `<name>_response`: dots → underscores, only a leading `taobao.` removed.
pub fn response_key(method: &str) -> String {
    let base = method.strip_prefix("taobao.").unwrap_or(method);
    format!("{}_response", base.replace('.', "_"))
}

/// The address of TOP's doc page for the API whose doc id (the metadata's `id`) is `doc_id`.
pub fn doc_url(doc_id: u64) -> String {
    format!("https://open.taobao.com/api.htm?docId={doc_id}&docType=2")
}

/// TOP method names: dot-separated words of ASCII letters, digits and `_`; a `-` may join
/// letters or digits inside a word, as in the dated versions of the aliyuncs APIs
/// (`account.aliyuncs.com.CreateAliyunAccount.2013-07-01`). TOP and the official SDKs send
/// the name as it is.
pub fn check_method(name: &str) -> Result<(), String> {
    let word_ok = |part: &str| {
        let bytes = part.as_bytes();
        !part.is_empty()
            && bytes
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && bytes.iter().enumerate().all(|(i, &b)| {
                b != b'-'
                    || (i > 0
                        && i + 1 < bytes.len()
                        && bytes[i - 1].is_ascii_alphanumeric()
                        && bytes[i + 1].is_ascii_alphanumeric())
            })
    };
    // At least two words (`taobao.time.get`), the first starting with a letter: `12.5` or
    // `full` is no TOP method.
    let shaped = name.contains('.') && name.starts_with(|c: char| c.is_ascii_alphabetic());
    if shaped && name.split('.').all(word_ok) {
        Ok(())
    } else {
        Err(format!(
            "invalid API name {name:?}: expected two or more dot-separated ASCII words of letters, digits and `_` (a `-` only between letters or digits), the first starting with a letter, such as `taobao.trade.fullinfo.get` or `account.aliyuncs.com.CreateApp.2013-07-01`"
        ))
    }
}

/// The address of TOP's doc page for the TMC topic whose doc id is `doc_id`.
pub fn topic_doc_url(doc_id: u64) -> String {
    format!("https://open.taobao.com/tmc.htm?docId={doc_id}&docType=9")
}

/// The longest topic name accepted (TOP's longest has 60 characters).
pub const MAX_TOPIC_NAME: usize = 128;

/// TMC topic names: three or more `_`-separated words of ASCII letters and digits — the
/// vendor, the product and the event, `taobao_trade_TradeCreate` — the first starting with a
/// letter, at most [`MAX_TOPIC_NAME`] characters. TOP sends the name as it is, case included.
pub fn check_topic(name: &str) -> Result<(), String> {
    let words: Vec<&str> = name.split('_').collect();
    let shaped = words.len() >= 3
        && name.len() <= MAX_TOPIC_NAME
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric()));
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "invalid topic name {name:?}: expected three or more `_`-separated words of ASCII letters and digits (vendor, product, event), the first starting with a letter, at most {MAX_TOPIC_NAME} characters, such as `taobao_trade_TradeCreate`"
        ))
    }
}

/// Names of fields and params that hold secrets: ASCII case-insensitively, containing
/// `secret`, `password`, `passwd` or `private_key`/`privatekey`; ending in `token`,
/// `credential(s)`, `session_key`/`sessionkey` or `authorization`; or `session` itself or
/// ending in `_session`.
///
/// The one rule for secret names: the generator makes such String fields
/// `topgen_runtime::Secret` (unless the spec says otherwise), the importers
/// mark them `sensitive`, and the runtime redacts the values of such keys, whatever their shape,
/// from every text it quotes (error messages, logs, `Debug`). The runtime also hides the
/// request's `sign` param there, which is not a secret name: a reply field named `sign` is
/// not a credential, but the sign of a request lets its query be replayed.
pub fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("secret")
        || n.contains("password")
        || n.contains("passwd")
        || n.contains("private_key")
        || n.contains("privatekey")
        || n.ends_with("token")
        || n.ends_with("credential")
        || n.ends_with("credentials")
        || n.ends_with("session_key")
        || n.ends_with("sessionkey")
        || n.ends_with("authorization")
        || n == "session"
        || n.ends_with("_session")
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
        // The aliyuncs APIs keep their case and the `-` of their dated version.
        assert_eq!(
            response_key("account.aliyuncs.com.CreateAliyunAccount.2013-07-01"),
            "account_aliyuncs_com_CreateAliyunAccount_2013-07-01_response"
        );
        // Only a leading `taobao.` goes.
        assert_eq!(
            response_key("alibaba.taobao.x.get"),
            "alibaba_taobao_x_get_response"
        );
        assert_eq!(response_key("taobao.taobao.y"), "taobao_y_response");
        assert_eq!(response_key("tmall.item.get"), "tmall_item_get_response");
        assert_eq!(
            response_key("m-kvstore.aliyuncs.com.DescribeRegions.2015-03-01"),
            "m-kvstore_aliyuncs_com_DescribeRegions_2015-03-01_response"
        );
    }

    #[test]
    fn method_names() {
        for good in [
            "taobao.trade.fullinfo.get",
            "alibaba.aliqin.fc.iot.cardInfo",
            "account.aliyuncs.com.CreateAliyunAccount.2013-07-01",
            "m-kvstore.aliyuncs.com.DescribeRegions.2015-03-01",
            "push.aliyuncs.com.push.20150518",
            "a_b.c",
        ] {
            assert_eq!(check_method(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            ".",
            "taobao..get",
            "taobao.get.",
            "taobao.-get",
            "taobao.get-",
            "taobao.a--b",
            "taobao.a_-b",
            "taobao.a b",
            "taobao.a/b",
            "淘宝.get",
            "12.5",
            "full",
            "default",
            "std",
            "1taobao.get",
        ] {
            let e = check_method(bad).unwrap_err();
            assert!(e.contains("invalid API name"), "{bad}: {e}");
        }
    }

    #[test]
    fn topic_names() {
        for good in [
            "taobao_trade_TradeCreate",
            "alibaba_wdk_Order2Create",
            "a_b_c_D",
            "x1_y_Z",
        ] {
            assert_eq!(check_topic(good), Ok(()), "{good}");
        }
        let long = format!("taobao_trade_{}", "A".repeat(MAX_TOPIC_NAME));
        for bad in [
            "",
            "taobao",
            "taobao_TradeCreate",
            "taobao__TradeCreate",
            "taobao_trade_",
            "_taobao_trade_X",
            "1taobao_trade_X",
            "taobao_trade_Trade-Create",
            "taobao.trade.TradeCreate",
            "taobao_trade_交易",
            "taobao_trade_Trade Create",
            long.as_str(),
        ] {
            let e = check_topic(bad).unwrap_err();
            assert!(e.contains("invalid topic name"), "{bad}: {e}");
        }
        assert_eq!(
            topic_doc_url(101),
            "https://open.taobao.com/tmc.htm?docId=101&docType=9"
        );
    }

    #[test]
    fn secret_names() {
        for s in [
            "access_key_secret",
            "security_token",
            "session",
            "password",
            "accessToken",
            "passwd",
            "user_passwd",
            "private_key",
            "rsaPrivateKey",
            "credential",
            "Credentials",
            "user_credential",
            "session_key",
            "top_session",
            "sessionKey",
            "authorization",
            "Proxy-Authorization",
            "refresh_token",
        ] {
            assert!(looks_secret(s), "{s}");
        }
        for s in [
            "access_key_id",
            "m_request_id",
            "token_type",
            "scene",
            // Descriptions of a secret are not the secret.
            "credential_type",
            "session_expire_time",
            "authorization_status",
            // The request's sign is hidden by the runtime, but is no secret name.
            "sign",
            "sign_method",
            "app_key",
            "msg",
        ] {
            assert!(!looks_secret(s), "{s}");
        }
    }
}
