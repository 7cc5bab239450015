//! [`Secret`]: a string that is never printed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string (app secret, session, access token, password…): `Debug` and `Display`
/// print `***`, never the value; read it with [`Secret::expose_secret`].
///
/// It serializes transparently as a string, and deserializes from a string or, like a lenient
/// `String`, from a number or boolean.
#[derive(Clone, PartialEq, Eq, Default, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Every read of a secret goes through here, so it is easy to audit.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret(value.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::de::lenient_string(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(s.to_string(), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
        assert_eq!(s.expose_secret(), "hunter2");
        assert!(!s.is_empty());
        assert!(Secret::default().is_empty());
        assert_eq!(Secret::from("a"), Secret::from("a".to_owned()));
    }

    #[test]
    fn serde_is_transparent_and_lenient() {
        let s = Secret::new("tok");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""tok""#);
        let back: Secret = serde_json::from_str(r#""tok""#).unwrap();
        assert_eq!(back, s);
        let n: Secret = serde_json::from_str("123456789012").unwrap();
        assert_eq!(n.expose_secret(), "123456789012");
        let b: Secret = serde_json::from_str("true").unwrap();
        assert_eq!(b.expose_secret(), "true");
        let err = serde_json::from_str::<Secret>(r#"{"a":"tok"}"#).unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}
