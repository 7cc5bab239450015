//! Business params: how values are written on the wire ([`ParamValue`]), collected
//! ([`Params`]) and checked against the doc's limits before anything is sent.

use std::fmt::{self, Display, Write as _};

use crate::error::{ParamError, ParamErrorKind};
use crate::sign::is_blank;
use crate::{DateTime, Decimal, FileItem, Json, Secret, time};

/// The business params of one call, in insertion order.
///
/// Values that format to empty or whitespace-only text are left out: TOP neither signs nor
/// receives them. `Debug` prints the param names only, never the values (they may be
/// secrets).
#[derive(Default, Clone)]
pub struct Params {
    text: Vec<(&'static str, String)>,
    files: Vec<(&'static str, FileItem)>,
}

impl Params {
    /// No params.
    pub fn new() -> Self {
        Self::default()
    }

    /// Formats `value` ([`ParamValue`]) and adds it as `name`; a value that formats to empty
    /// or whitespace-only text is skipped (neither signed nor sent).
    pub fn push<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        let mut text = String::new();
        value.write_param(&mut text);
        if !is_blank(&text) {
            self.text.push((name, text));
        }
    }

    /// Like [`Params::push`], but an empty or whitespace-only value is an error:
    /// [`ParamErrorKind::Required`] (TOP code 40).
    pub fn push_required<V: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &V,
    ) -> Result<(), ParamError> {
        let mut text = String::new();
        value.write_param(&mut text);
        if is_blank(&text) {
            return Err(ParamError {
                param: name,
                kind: ParamErrorKind::Required,
            });
        }
        self.text.push((name, text));
        Ok(())
    }

    /// Adds an object param (or a list of objects) as compact JSON with the wire field names
    /// (the types' serde renames).
    pub fn push_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        let text = serde_json::to_string(value).map_err(|e| ParamError {
            param: name,
            kind: ParamErrorKind::Encode(e.to_string()),
        })?;
        if !is_blank(&text) {
            self.text.push((name, text));
        }
        Ok(())
    }

    /// Adds a `byte[]` param: the request is then sent as `multipart/form-data`, with this
    /// file as a part that is not signed.
    pub fn push_file(&mut self, name: &'static str, file: &FileItem) {
        self.files.push((name, file.clone()));
    }

    /// The text params, formatted, in insertion order.
    pub fn text(&self) -> &[(&'static str, String)] {
        &self.text
    }

    /// The file params, in insertion order.
    pub fn files(&self) -> &[(&'static str, FileItem)] {
        &self.files
    }

    /// Checks a 最大长度 (max length) limit, counting characters (Unicode scalar values) as
    /// the official SDK does.
    pub fn check_max_length(name: &'static str, value: &str, max: u64) -> Result<(), ParamError> {
        let actual = u64::try_from(value.chars().count()).unwrap_or(u64::MAX);
        if actual > max {
            return Err(ParamError {
                param: name,
                kind: ParamErrorKind::MaxLength { max, actual },
            });
        }
        Ok(())
    }

    /// Checks a 最大值 (max value) limit: `value <= max`.
    pub fn check_max_value<T: PartialOrd + Display>(
        name: &'static str,
        value: &T,
        max: T,
    ) -> Result<(), ParamError> {
        if *value > max {
            return Err(ParamError {
                param: name,
                kind: ParamErrorKind::MaxValue {
                    max: max.to_string(),
                    actual: value.to_string(),
                },
            });
        }
        Ok(())
    }

    /// Checks a 最小值 (min value) limit: `value >= min`.
    pub fn check_min_value<T: PartialOrd + Display>(
        name: &'static str,
        value: &T,
        min: T,
    ) -> Result<(), ParamError> {
        if *value < min {
            return Err(ParamError {
                param: name,
                kind: ParamErrorKind::MinValue {
                    min: min.to_string(),
                    actual: value.to_string(),
                },
            });
        }
        Ok(())
    }

    /// Checks a 最大列表长度 (max list size) limit on a list of `len` items.
    pub fn check_max_list_size(name: &'static str, len: usize, max: u64) -> Result<(), ParamError> {
        let actual = u64::try_from(len).unwrap_or(u64::MAX);
        if actual > max {
            return Err(ParamError {
                param: name,
                kind: ParamErrorKind::MaxListSize { max, actual },
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("text", &Names(&self.text))
            .field("files", &Names(&self.files))
            .finish()
    }
}

/// Prints the names of `(name, value)` pairs as a list.
struct Names<'a, V>(&'a [(&'static str, V)]);

impl<V> fmt::Debug for Names<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

/// How a scalar or list is written on the wire (PROTOCOL.md, "Value formatting"): numbers in
/// decimal, booleans `true`/`false`, dates `yyyy-MM-dd HH:mm:ss` in GMT+8, decimals plain,
/// JSON compact, lists comma-joined.
pub trait ParamValue {
    /// Appends the wire text of `self` to `out`.
    fn write_param(&self, out: &mut String);
}

impl ParamValue for str {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for String {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for i64 {
    fn write_param(&self, out: &mut String) {
        // Decimal digits without the formatting machinery (a call writes several numbers).
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = self.unsigned_abs();
        loop {
            at -= 1;
            // A digit: `n % 10` is below 10.
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if *self < 0 {
            out.push('-');
        }
        // ASCII digits only.
        out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
    }
}

impl ParamValue for bool {
    fn write_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ParamValue for DateTime {
    /// `yyyy-MM-dd HH:mm:ss`, converted to GMT+8.
    fn write_param(&self, out: &mut String) {
        time::format_into(self, out);
    }
}

impl ParamValue for Decimal {
    /// Plain decimal notation with the value's own scale (`12.50`), never an exponent.
    fn write_param(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl ParamValue for Json {
    /// Compact JSON text.
    fn write_param(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl ParamValue for Secret {
    /// The secret's value: params are how secrets reach TOP.
    fn write_param(&self, out: &mut String) {
        out.push_str(self.expose_secret());
    }
}

impl<T: ParamValue> ParamValue for [T] {
    /// The items, comma-joined.
    fn write_param(&self, out: &mut String) {
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_param(out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    /// The items, comma-joined.
    fn write_param(&self, out: &mut String) {
        self.as_slice().write_param(out);
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn write_param(&self, out: &mut String) {
        (**self).write_param(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &Params) -> Vec<(&str, &str)> {
        p.text().iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    #[test]
    fn values_are_written_like_the_official_sdk() {
        let mut p = Params::new();
        p.push("s", "abc");
        p.push("owned", &"x".to_owned());
        p.push("n", &-520_000_000_001_i64);
        p.push("zero", &0_i64);
        p.push("min", &i64::MIN);
        p.push("max", &i64::MAX);
        p.push("yes", &true);
        p.push("no", &false);
        let utc = chrono::DateTime::parse_from_rfc3339("2026-11-28T04:00:00Z").unwrap();
        p.push("date", &utc);
        p.push("price", &"12.50".parse::<Decimal>().unwrap());
        p.push("tiny", &"0.0000001".parse::<Decimal>().unwrap());
        p.push("json", &serde_json::json!({"a": [1, "b"], "c": null}));
        p.push("secret", &Secret::new("hunter2"));
        p.push("list", &vec!["a".to_owned(), "b".to_owned()]);
        p.push("ids", &[1_i64, 2, 3][..]);
        p.push("ref", &&"r");
        assert_eq!(
            pairs(&p),
            [
                ("s", "abc"),
                ("owned", "x"),
                ("n", "-520000000001"),
                ("zero", "0"),
                ("min", "-9223372036854775808"),
                ("max", "9223372036854775807"),
                ("yes", "true"),
                ("no", "false"),
                ("date", "2026-11-28 12:00:00"),
                ("price", "12.50"),
                ("tiny", "0.0000001"),
                ("json", r#"{"a":[1,"b"],"c":null}"#),
                ("secret", "hunter2"),
                ("list", "a,b"),
                ("ids", "1,2,3"),
                ("ref", "r"),
            ]
        );
    }

    #[test]
    fn blank_values_are_skipped() {
        let mut p = Params::new();
        p.push("empty", "");
        p.push("blank", " \t ");
        p.push("empty_list", &Vec::<String>::new());
        p.push("blank_secret", &Secret::new("  "));
        p.push("kept", " x ");
        assert_eq!(pairs(&p), [("kept", " x ")]);
    }

    #[test]
    fn required_values_may_not_be_blank() {
        let mut p = Params::new();
        for blank in ["", "   "] {
            let err = p.push_required("robot_sn", blank).unwrap_err();
            assert_eq!(err.param, "robot_sn");
            assert_eq!(err.kind, ParamErrorKind::Required);
            assert_eq!(err.code(), 40);
        }
        p.push_required("robot_sn", "xxxxx").unwrap();
        p.push_required("n", &0_i64).unwrap();
        assert_eq!(pairs(&p), [("robot_sn", "xxxxx"), ("n", "0")]);
    }

    #[test]
    fn objects_are_json_with_wire_names() {
        #[derive(serde::Serialize)]
        struct Query {
            #[serde(rename = "catId")]
            cat_id: i64,
            #[serde(skip_serializing_if = "Option::is_none")]
            keyword: Option<String>,
            price: Decimal,
        }
        let mut p = Params::new();
        let q = Query {
            cat_id: 50,
            keyword: None,
            price: "9.90".parse().unwrap(),
        };
        p.push_json("query", &q).unwrap();
        p.push_json("list", &[&q][..]).unwrap();
        assert_eq!(
            pairs(&p),
            [
                ("query", r#"{"catId":50,"price":"9.90"}"#),
                ("list", r#"[{"catId":50,"price":"9.90"}]"#),
            ]
        );

        struct Broken;
        impl serde::Serialize for Broken {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no way"))
            }
        }
        let err = p.push_json("broken", &Broken).unwrap_err();
        assert_eq!(err.param, "broken");
        assert_eq!(err.kind, ParamErrorKind::Encode("no way".to_owned()));
        assert_eq!(err.code(), 41);
    }

    #[test]
    fn files_are_kept_apart() {
        let mut p = Params::new();
        p.push("robot_sn", "xxxxx");
        p.push_file(
            "image",
            &FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
        );
        assert_eq!(pairs(&p), [("robot_sn", "xxxxx")]);
        assert_eq!(p.files().len(), 1);
        assert_eq!(p.files()[0].0, "image");
        assert_eq!(p.files()[0].1.bytes, b"PNGDATA");
    }

    #[test]
    fn max_length_counts_characters() {
        Params::check_max_length("robot_sn", &"x".repeat(64), 64).unwrap();
        Params::check_max_length("title", &"长".repeat(60), 60).unwrap();
        Params::check_max_length("title", "", 0).unwrap();
        let err = Params::check_max_length("robot_sn", &"x".repeat(70), 64).unwrap_err();
        assert_eq!(
            err.kind,
            ParamErrorKind::MaxLength {
                max: 64,
                actual: 70
            }
        );
        assert_eq!(err.code(), 41);
        assert_eq!(
            err.to_string(),
            "invalid param `robot_sn`: 70 characters, at most 64 allowed"
        );
        let err = Params::check_max_length("title", &"长".repeat(61), 60).unwrap_err();
        assert_eq!(
            err.kind,
            ParamErrorKind::MaxLength {
                max: 60,
                actual: 61
            }
        );
    }

    #[test]
    fn value_bounds() {
        Params::check_max_value("page_size", &100_i64, 100).unwrap();
        Params::check_min_value("page_size", &1_i64, 1).unwrap();
        let err = Params::check_max_value("page_size", &101_i64, 100).unwrap_err();
        assert_eq!(
            err.kind,
            ParamErrorKind::MaxValue {
                max: "100".to_owned(),
                actual: "101".to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid param `page_size`: 101 is greater than the maximum 100"
        );
        let err = Params::check_min_value("page_size", &0_i64, 1).unwrap_err();
        assert_eq!(
            err.kind,
            ParamErrorKind::MinValue {
                min: "1".to_owned(),
                actual: "0".to_owned()
            }
        );
        assert_eq!(err.code(), 41);
        let price: Decimal = "-0.01".parse().unwrap();
        let err = Params::check_min_value("price", &price, Decimal::from(0)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid param `price`: -0.01 is less than the minimum 0"
        );
        let price: Decimal = "100000.00".parse().unwrap();
        Params::check_max_value("price", &price, Decimal::from(100_000)).unwrap();
    }

    #[test]
    fn list_size() {
        Params::check_max_list_size("tags", 10, 10).unwrap();
        Params::check_max_list_size("tags", 0, 0).unwrap();
        let err = Params::check_max_list_size("tags", 11, 10).unwrap_err();
        assert_eq!(
            err.kind,
            ParamErrorKind::MaxListSize {
                max: 10,
                actual: 11
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid param `tags`: 11 items, at most 10 allowed"
        );
        assert_eq!(err.code(), 41);
    }

    #[test]
    fn debug_prints_names_only() {
        let mut p = Params::new();
        p.push("password", &Secret::new("hunter2"));
        p.push("nick", "visible-value");
        p.push_file(
            "image",
            &FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
        );
        let debug = format!("{p:?}");
        assert_eq!(
            debug,
            r#"Params { text: ["password", "nick"], files: ["image"] }"#
        );
    }
}
