//! The reply formats TOP offers.

use std::fmt;
use std::str::FromStr;

/// How TOP answers: JSON with the `<name>_response` wrapper (the default), simplified JSON
/// (`simplify=true`: no wrapper, bare lists) or XML.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// `format=json`.
    #[default]
    Json,
    /// `format=json&simplify=true`.
    SimplifiedJson,
    /// `format=xml`.
    Xml,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Json, Format::SimplifiedJson, Format::Xml];

    /// The name used in configuration: `json`, `simplified-json` or `xml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::SimplifiedJson => "simplified-json",
            Format::Xml => "xml",
        }
    }

    /// The value of the `format` system param.
    pub fn wire_format(self) -> &'static str {
        match self {
            Format::Json | Format::SimplifiedJson => "json",
            Format::Xml => "xml",
        }
    }

    /// Whether `simplify=true` is sent.
    pub fn simplify(self) -> bool {
        self == Format::SimplifiedJson
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not `json`, `simplified-json` or `xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFormatError {
    text: String,
}

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown format {:?}: expected json, simplified-json or xml",
            self.text
        )
    }
}

impl std::error::Error for ParseFormatError {}

impl FromStr for Format {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| ParseFormatError { text: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert_eq!(Format::SimplifiedJson.wire_format(), "json");
        assert!(Format::SimplifiedJson.simplify());
        assert_eq!(Format::Xml.wire_format(), "xml");
        let e = "yaml".parse::<Format>().unwrap_err().to_string();
        assert!(e.contains("\"yaml\"") && e.contains("expected json"), "{e}");
    }
}
