//! Sessions the gateway issues and expires: the token APIs `taobao.top.auth.token.create`
//! (an authorization code, declared with [`GatewayBuilder::auth_code`](crate::GatewayBuilder::auth_code),
//! → a token) and `taobao.top.auth.token.refresh` (a refresh token → a new token, the old
//! access and refresh tokens no longer valid), and sessions with an expiry
//! ([`GatewayBuilder::session_expiring`](crate::GatewayBuilder::session_expiring)): a call
//! with an expired session gets code 27 (PROTOCOL.md "Sessions").
//!
//! The reply's `token_result` is a JSON string, as TOP sends it, with `access_token`,
//! `refresh_token`, `expires_in`, `re_expires_in`, `r1/r2/w1/w2_expires_in`,
//! `taobao_user_id` and `taobao_user_nick`.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use crate::api::Api;
use crate::json::write_string;
use crate::record::Rejection;

/// The token-creating API.
pub(crate) const CREATE: &str = "taobao.top.auth.token.create";
/// The token-renewing API.
pub(crate) const REFRESH: &str = "taobao.top.auth.token.refresh";

/// How long issued tokens last, by default: a day, and their refresh tokens 30 days.
pub(crate) const DEFAULT_LIFETIMES: (Duration, Duration) = (
    Duration::from_secs(86_400),
    Duration::from_secs(30 * 86_400),
);

/// What the builder declares.
#[derive(Clone, Default)]
pub(crate) struct Settings {
    /// Authorization code → (user id, nick).
    pub codes: HashMap<String, (String, String)>,
    /// Sessions with an expiry, from the gateway's start.
    pub expiring: Vec<(String, Duration)>,
    /// (access token, refresh token) lifetimes; `None` for [`DEFAULT_LIFETIMES`].
    pub lifetimes: Option<(Duration, Duration)>,
}

impl Settings {
    /// Whether the token APIs are served.
    pub fn serves_tokens(&self) -> bool {
        !self.codes.is_empty() || self.lifetimes.is_some()
    }

    /// The two token APIs, as the gateway checks them (required params; no session).
    pub fn apis() -> [Api; 2] {
        [
            Api::new(CREATE).required(["code"]),
            Api::new(REFRESH).required(["refresh_token"]),
        ]
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("codes", &self.codes.len())
            .field("expiring_sessions", &self.expiring.len())
            .field("lifetimes", &self.lifetimes)
            .finish()
    }
}

/// One issued refresh token.
struct Grant {
    access_token: String,
    user_id: String,
    nick: String,
    expires_at: Instant,
}

/// The live state: unused codes, session expiries, refresh tokens.
pub(crate) struct Sessions {
    codes: HashMap<String, (String, String)>,
    expiries: HashMap<String, Instant>,
    refresh: HashMap<String, Grant>,
    lifetimes: (Duration, Duration),
    issued: u64,
    keys: RandomState,
}

/// What a token call did to the valid sessions. `Debug` hides the tokens.
pub(crate) struct Issued {
    /// The reply's body fields: `{"token_result":"…"}` inside the `<name>_response`.
    pub reply_json: String,
    /// The new valid session.
    pub session: String,
    /// The session no longer valid (a refresh's old one).
    pub revoked: Option<String>,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued").finish_non_exhaustive()
    }
}

impl Sessions {
    pub(crate) fn new(settings: &Settings, started: Instant) -> Self {
        Sessions {
            codes: settings.codes.clone(),
            expiries: settings
                .expiring
                .iter()
                .map(|(s, d)| (s.clone(), started.checked_add(*d).unwrap_or(started)))
                .collect(),
            refresh: HashMap::new(),
            lifetimes: settings.lifetimes.unwrap_or(DEFAULT_LIFETIMES),
            issued: 0,
            keys: RandomState::new(),
        }
    }

    /// Code 27 if `session` has an expiry that has passed at `now`.
    pub(crate) fn check(&self, session: Option<&str>, now: Instant) -> Result<(), Rejection> {
        match session.and_then(|s| self.expiries.get(s)) {
            Some(at) if now >= *at => Err(Rejection::new(
                27,
                "Invalid Session",
                "invalid-sessionkey",
                "the session expired",
            )),
            _ => Ok(()),
        }
    }

    /// Answers a token API (`method`) whose params are `param`; `None` for other APIs.
    pub(crate) fn answer(
        &mut self,
        method: &str,
        param: impl Fn(&str) -> Option<String>,
        now: Instant,
    ) -> Option<Result<Issued, Rejection>> {
        let (user_id, nick, revoked) = match method {
            CREATE => {
                let code = param("code").unwrap_or_default();
                match self.codes.remove(&code) {
                    Some((user_id, nick)) => (user_id, nick, None),
                    None => {
                        return Some(Err(Rejection::new(
                            15,
                            "Remote service error",
                            "isv.invalid-code",
                            "the code is not one this gateway issued, or it was used already",
                        )));
                    }
                }
            }
            REFRESH => {
                let token = param("refresh_token").unwrap_or_default();
                match self.refresh.remove(&token) {
                    Some(grant) if now < grant.expires_at => {
                        self.expiries.remove(&grant.access_token);
                        (grant.user_id, grant.nick, Some(grant.access_token))
                    }
                    _ => {
                        return Some(Err(Rejection::new(
                            15,
                            "Remote service error",
                            "isv.invalid-refresh-token",
                            "the refresh token is not one this gateway issued, was used or expired",
                        )));
                    }
                }
            }
            _ => return None,
        };
        self.issued += 1;
        let n = self.issued;
        let key = self.keys.hash_one(n);
        let access_token = format!("gw-session-{n}-{key:016x}");
        let refresh_token = format!("gw-refresh-{n}-{key:016x}");
        let (expires_in, re_expires_in) = self.lifetimes;
        self.expiries.insert(
            access_token.clone(),
            now.checked_add(expires_in).unwrap_or(now),
        );
        self.refresh.insert(
            refresh_token.clone(),
            Grant {
                access_token: access_token.clone(),
                user_id: user_id.clone(),
                nick: nick.clone(),
                expires_at: now.checked_add(re_expires_in).unwrap_or(now),
            },
        );
        let (e, r) = (expires_in.as_secs(), re_expires_in.as_secs());
        let mut token = String::from("{");
        let mut field = |name: &str, value: &str, text: bool| {
            if token.len() > 1 {
                token.push(',');
            }
            write_string(name, &mut token);
            token.push(':');
            if text {
                write_string(value, &mut token);
            } else {
                token.push_str(value);
            }
        };
        field("access_token", &access_token, true);
        field("refresh_token", &refresh_token, true);
        field("token_type", "Bearer", true);
        field("expires_in", &e.to_string(), false);
        field("re_expires_in", &r.to_string(), false);
        for name in [
            "r1_expires_in",
            "r2_expires_in",
            "w1_expires_in",
            "w2_expires_in",
        ] {
            field(name, &e.to_string(), false);
        }
        field("taobao_user_id", &user_id, true);
        field("taobao_user_nick", &nick, true);
        token.push('}');
        let mut reply_json = String::from("{\"token_result\":");
        write_string(&token, &mut reply_json);
        reply_json.push('}');
        Some(Ok(Issued {
            reply_json,
            session: access_token,
            revoked,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let mut s = Settings::default();
        s.codes
            .insert("c1".into(), ("2200000000000001".into(), "商家".into()));
        s.lifetimes = Some((Duration::from_secs(60), Duration::from_secs(120)));
        s.expiring.push(("old".into(), Duration::ZERO));
        s
    }

    #[test]
    fn codes_issue_tokens_once_and_refreshes_revoke() {
        let t0 = Instant::now();
        let mut sessions = Sessions::new(&settings(), t0);
        assert_eq!(sessions.check(Some("old"), t0).unwrap_err().code, 27);
        assert!(sessions.check(Some("unknown"), t0).is_ok());
        let code = |c: &'static str| move |n: &str| (n == "code").then(|| c.to_owned());
        let issued = sessions.answer(CREATE, code("c1"), t0).unwrap().unwrap();
        assert!(
            issued
                .reply_json
                .starts_with(r#"{"token_result":"{\"access_token\":\"gw-session-1-"#),
            "{}",
            issued.reply_json
        );
        assert!(
            issued
                .reply_json
                .contains(r#"\"expires_in\":60,\"re_expires_in\":120"#)
        );
        assert!(sessions.check(Some(&issued.session), t0).is_ok());
        assert_eq!(
            sessions
                .check(Some(&issued.session), t0 + Duration::from_secs(60))
                .unwrap_err()
                .code,
            27
        );
        // A code is used once.
        assert_eq!(
            sessions
                .answer(CREATE, code("c1"), t0)
                .unwrap()
                .unwrap_err()
                .code,
            15
        );
        let refresh = format!("gw-refresh-{}", &issued.session["gw-session-".len()..]);
        let by = |t: String| move |n: &str| (n == "refresh_token").then(|| t.clone());
        let renewed = sessions
            .answer(REFRESH, by(refresh.clone()), t0)
            .unwrap()
            .unwrap();
        assert_eq!(renewed.revoked.as_deref(), Some(issued.session.as_str()));
        assert_ne!(renewed.session, issued.session);
        assert_eq!(
            sessions
                .answer(REFRESH, by(refresh), t0)
                .unwrap()
                .unwrap_err()
                .code,
            15
        );
        assert!(sessions.answer("x.y", |_| None, t0).is_none());
    }
}
