//! The lenient decoding, type by type, and generated structs against derived ones.

use super::*;
use crate::{DateTime, Decimal, Json, Secret, time};

/// Decodes `json` as an optional lenient `T`, like a generated field.
fn field<T: Lenient>(json: &str) -> Result<Option<T>, String> {
    #[derive(Deserialize)]
    #[serde(bound = "T: Lenient")]
    struct Holder<T> {
        #[serde(default, deserialize_with = "opt")]
        v: Option<T>,
    }
    serde_json::from_str::<Holder<T>>(&format!(r#"{{"v": {json}}}"#))
        .map(|h| h.v)
        .map_err(|e| e.to_string())
}

fn ok<T: Lenient>(json: &str) -> T {
    match field::<T>(json) {
        Ok(Some(v)) => v,
        Ok(None) => panic!("{json}: decoded as None"),
        Err(e) => panic!("{json}: {e}"),
    }
}

fn err<T: Lenient + fmt::Debug>(json: &str) -> String {
    match field::<T>(json) {
        Ok(v) => panic!("{json}: decoded as {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn null_and_absent_are_none() {
    assert_eq!(field::<i64>("null"), Ok(None));
    assert_eq!(field::<Vec<String>>("null"), Ok(None));
    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "opt")]
        v: Option<i64>,
    }
    let h: Holder = serde_json::from_str("{}").unwrap();
    assert_eq!(h.v, None);
}

#[test]
fn integers() {
    assert_eq!(ok::<i64>("12"), 12);
    assert_eq!(ok::<i64>("-7"), -7);
    assert_eq!(ok::<i64>(r#""520000000001""#), 520_000_000_001);
    assert_eq!(ok::<i64>(r#"" 42 ""#), 42);
    assert_eq!(ok::<i64>("9223372036854775807"), i64::MAX);
    assert_eq!(ok::<i64>(r#""-9223372036854775808""#), i64::MIN);
    assert_eq!(ok::<i64>("3.0"), 3);
    assert_eq!(ok::<i64>(r#""50.0""#), 50);
    assert_eq!(ok::<i64>(r#"" -7.00 ""#), -7);
    for bad in [r#"".0""#, r#""-.0""#, r#""5.""#, r#""5.01""#] {
        let e = err::<i64>(bad);
        assert!(e.contains("expected a 64-bit integer"), "{bad}: {e}");
    }
    let e = err::<i64>("1.5");
    assert!(e.contains("1.5 is not an integer"), "{e}");
    let e = err::<i64>("9223372036854775808");
    assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
    let e = err::<i64>(r#""99999999999999999999""#);
    assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
    let e = err::<i64>("1e20");
    assert!(e.contains("does not fit in a 64-bit integer"), "{e}");
    let e = err::<i64>(r#""12abc""#);
    assert!(
        e.contains(r#"expected a 64-bit integer, found "12abc""#),
        "{e}"
    );
    let e = err::<i64>(r#""1.5""#);
    assert!(e.contains("expected a 64-bit integer"), "{e}");
    let e = err::<i64>("true");
    assert!(e.contains("expected a 64-bit integer"), "{e}");
    let e = err::<i64>("[1]");
    assert!(e.contains("invalid type: sequence"), "{e}");
}

#[test]
fn booleans() {
    assert!(ok::<bool>("true"));
    assert!(!ok::<bool>("false"));
    assert!(ok::<bool>(r#""true""#));
    assert!(!ok::<bool>(r#""False""#));
    assert!(ok::<bool>("1"));
    assert!(!ok::<bool>(r#""0""#));
    let e = err::<bool>(r#""yes""#);
    assert!(e.contains(r#"expected a boolean, found "yes""#), "{e}");
    let e = err::<bool>("2");
    assert!(e.contains("expected a boolean, found 2"), "{e}");
}

#[test]
fn strings_from_any_scalar() {
    assert_eq!(ok::<String>(r#""abc""#), "abc");
    assert_eq!(ok::<String>(r#""a\"b\u00e9""#), "a\"bé");
    assert_eq!(ok::<String>("8007"), "8007");
    assert_eq!(ok::<String>("-1"), "-1");
    assert_eq!(ok::<String>("520000000000000001"), "520000000000000001");
    assert_eq!(ok::<String>("0.5"), "0.5");
    assert_eq!(ok::<String>("true"), "true");
    let e = err::<String>(r#"{"a":1}"#);
    assert!(e.contains("expected a string"), "{e}");
    let s: Secret = ok(r#""tok""#);
    assert_eq!(s.expose_secret(), "tok");
    let s: Secret = ok("123");
    assert_eq!(s.expose_secret(), "123");
}

#[test]
fn dates() {
    let expected = time::parse("2026-11-28 12:00:00").unwrap();
    for json in [
        r#""2026-11-28 12:00:00""#,
        r#"" 2026-11-28 12:00:00 ""#,
        r#""2026-11-28 12:00:00.000""#,
        "1795838400000",
        r#""1795838400000""#,
        r#""2026-11-28T04:00:00Z""#,
        r#""2026-11-28T12:00:00+08:00""#,
    ] {
        let t: DateTime = ok(json);
        assert_eq!(t, expected, "{json}");
        assert_eq!(t.offset(), &time::GMT8, "{json}");
    }
    let day: DateTime = ok(r#""2021-08-04""#);
    assert_eq!(time::format(&day), "2021-08-04 00:00:00");
    // What `Serialize` writes reads back.
    let json = serde_json::to_string(&expected).unwrap();
    assert_eq!(ok::<DateTime>(&json), expected);
    let e = err::<DateTime>(r#""28/11/2026""#);
    assert!(e.contains(r#"invalid TOP date "28/11/2026""#), "{e}");
    let e = err::<DateTime>("9223372036854775807");
    assert!(e.contains("out of range"), "{e}");
    let e = err::<DateTime>(r#""99999999999999999999999""#);
    assert!(e.contains("out of range"), "{e}");
    let e = err::<DateTime>("true");
    assert!(e.contains("expected a date"), "{e}");
}

#[test]
fn decimals_are_exact() {
    let d: Decimal = ok(r#""0.10""#);
    assert_eq!(d.to_string(), "0.10");
    assert_eq!(d.scale(), 2);
    assert_eq!(ok::<Decimal>(r#""12.50""#).to_string(), "12.50");
    assert_eq!(ok::<Decimal>(r#"" -3.5 ""#).to_string(), "-3.5");
    assert_eq!(ok::<Decimal>(r#""1.5E3""#).to_string(), "1500");
    assert_eq!(ok::<Decimal>("0.1").to_string(), "0.1");
    assert_eq!(ok::<Decimal>("0.3").to_string(), "0.3");
    assert_eq!(ok::<Decimal>("12345.67").to_string(), "12345.67");
    assert_eq!(ok::<Decimal>("100").to_string(), "100");
    assert_eq!(
        ok::<Decimal>("18446744073709551615").to_string(),
        "18446744073709551615"
    );
    assert_eq!(
        ok::<Decimal>(r#""12345678901234567890.123456""#).to_string(),
        "12345678901234567890.123456"
    );
    let e = err::<Decimal>(r#""12,5""#);
    assert!(
        e.contains(r#"expected a decimal number, found "12,5""#),
        "{e}"
    );
    let e = err::<Decimal>("1e300");
    assert!(e.contains("out of range for a decimal"), "{e}");
    let e = err::<Decimal>("false");
    assert!(e.contains("expected a decimal number"), "{e}");
}

#[test]
fn json_is_kept_as_is() {
    let v: Json = ok(r#"{"k":[1,"2",null]}"#);
    assert_eq!(v, serde_json::json!({"k": [1, "2", null]}));
    assert_eq!(ok::<Json>("false"), Json::Bool(false));
}

#[derive(Debug, PartialEq, Default)]
struct Token {
    id: Option<i64>,
    tags: Option<Vec<String>>,
}

impl Object for Token {}

crate::decoded_struct!(Token {
    id: (0, "id", field),
    tags: (1, "tags", field),
});

#[test]
fn lists_bare_and_wrapped() {
    assert_eq!(ok::<Vec<i64>>(r#"[1,"2"]"#), vec![1, 2]);
    assert_eq!(ok::<Vec<String>>(r#"{"string":["a","b"]}"#), vec!["a", "b"]);
    assert_eq!(
        ok::<Vec<bool>>(r#"{"boolean":[true,"false"]}"#),
        vec![true, false]
    );
    assert_eq!(ok::<Vec<String>>(r#"{"string":"only"}"#), vec!["only"]);
    assert_eq!(ok::<Vec<i64>>(r#"{"number":7}"#), vec![7]);
    assert_eq!(ok::<Vec<i64>>("{}"), Vec::<i64>::new());
    assert_eq!(ok::<Vec<i64>>("[]"), Vec::<i64>::new());
    assert_eq!(ok::<Vec<i64>>(r#"{"number":null}"#), Vec::<i64>::new());
    let tokens: Vec<Token> =
        ok(r#"{"oss_token_d_os":[{"id":"1","tags":{"string":["x"]}},{"id":2,"unknown":true}]}"#);
    assert_eq!(
        tokens,
        vec![
            Token {
                id: Some(1),
                tags: Some(vec!["x".to_owned()])
            },
            Token {
                id: Some(2),
                tags: None
            }
        ]
    );
    let single: Vec<Token> = ok(r#"{"token":{"id":3}}"#);
    assert_eq!(
        single,
        vec![Token {
            id: Some(3),
            tags: None
        }]
    );
    // The key repeated, as XML lists arrive: each holds one element or an array.
    assert_eq!(
        ok::<Vec<i64>>(r#"{"number":1,"number":[2,"3"],"number":4}"#),
        vec![1, 2, 3, 4]
    );
    let e = err::<Vec<i64>>(r#"{"number":1,"string":"2"}"#);
    assert!(
        e.contains("found an object with keys `number`, `string`"),
        "{e}"
    );
    let nested: Vec<Vec<i64>> = ok(r#"[[1],{"number":[2,3]}]"#);
    assert_eq!(nested, vec![vec![1], vec![2, 3]]);
    let e = err::<Vec<i64>>(r#"{"a":[1],"b":[2]}"#);
    assert!(e.contains("found an object with keys `a`, `b`"), "{e}");
    let e = err::<Vec<i64>>(r#"{"number":["x"]}"#);
    assert!(e.contains(r#"found "x""#), "{e}");
    let e = err::<Vec<i64>>(r#""1,2""#);
    assert!(e.contains("expected a list"), "{e}");
    let e = err::<Vec<Token>>(r#"{"token":[{"id":"nope"}]}"#);
    assert!(
        e.contains(r#"expected a 64-bit integer, found "nope""#),
        "{e}"
    );
}

/// A deserializer of one unit value, like an empty XML element.
struct Unit;

impl<'de> Deserializer<'de> for Unit {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[test]
fn a_present_unit_value_is_empty() {
    assert_eq!(opt::<_, i64>(Unit), Ok(None));
    assert_eq!(opt::<_, bool>(Unit), Ok(None));
    assert_eq!(opt::<_, DateTime>(Unit), Ok(None));
    assert_eq!(opt::<_, Decimal>(Unit), Ok(None));
    assert_eq!(opt::<_, String>(Unit), Ok(Some(String::new())));
    assert_eq!(opt::<_, Vec<i64>>(Unit), Ok(Some(Vec::new())));
    assert_eq!(opt::<_, Json>(Unit), Ok(Some(Json::Null)));
    // Required: a string is empty, a number has no value.
    assert_eq!(lenient::<_, String>(Unit), Ok(String::new()));
    let e = lenient::<_, i64>(Unit).unwrap_err().to_string();
    assert!(e.contains("invalid type: unit value"), "{e}");
    // JSON `""` is still not a number.
    let e = err::<i64>(r#""""#);
    assert!(e.contains("expected a 64-bit integer"), "{e}");
}

#[test]
fn required_fields_decode_leniently_too() {
    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "lenient")]
        n: i64,
    }
    let h: Holder = serde_json::from_str(r#"{"n":"5"}"#).unwrap();
    assert_eq!(h.n, 5);
}

/// The same struct twice: with serde's derives and the attributes generated code used to
/// carry, and with [`Struct`] / [`crate::ser::StructWriter`] as generated code now does.
mod twins {
    use super::*;
    use crate::ser::StructWriter;
    use serde::{Serialize, Serializer};

    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Inner {
        #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
        pub n: Option<i64>,
    }

    impl Object for Inner {}

    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct Derived {
        #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(
            rename = "type",
            deserialize_with = "opt",
            skip_serializing_if = "Option::is_none"
        )]
        pub type_: Option<i64>,
        #[serde(
            deserialize_with = "opt",
            serialize_with = "crate::ser::opt_date",
            skip_serializing_if = "Option::is_none"
        )]
        pub at: Option<DateTime>,
        #[serde(
            deserialize_with = "opt",
            serialize_with = "crate::ser::opt_dates",
            skip_serializing_if = "Option::is_none"
        )]
        pub times: Option<Vec<DateTime>>,
        #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
        pub items: Option<Vec<Inner>>,
        #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
        pub inner: Option<Inner>,
        #[serde(deserialize_with = "opt", skip_serializing_if = "Option::is_none")]
        pub price: Option<Decimal>,
    }

    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Generated {
        pub name: Option<String>,
        pub type_: Option<i64>,
        pub at: Option<DateTime>,
        pub times: Option<Vec<DateTime>>,
        pub items: Option<Vec<Inner>>,
        pub inner: Option<Inner>,
        pub price: Option<Decimal>,
    }

    impl Struct for Generated {
        const NAME: &'static str = "Derived";
        const FIELDS: &'static [&'static str] =
            &["name", "type", "at", "times", "items", "inner", "price"];
        fn decode_field<'de, S: Source<'de>>(
            &mut self,
            index: usize,
            source: &mut S,
        ) -> Result<(), S::Error> {
            match index {
                0 => self.name = source.value()?,
                1 => self.type_ = source.value()?,
                2 => self.at = source.value()?,
                3 => self.times = source.value()?,
                4 => self.items = source.value()?,
                5 => self.inner = source.value()?,
                6 => self.price = source.value()?,
                _ => {}
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Generated {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            decode_struct(d)
        }
    }

    impl Serialize for Generated {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let present = [
                self.name.is_some(),
                self.type_.is_some(),
                self.at.is_some(),
                self.times.is_some(),
                self.items.is_some(),
                self.inner.is_some(),
                self.price.is_some(),
            ];
            let mut w = StructWriter::begin(s, "Derived", &present)?;
            w.field("name", &self.name)?;
            w.field("type", &self.type_)?;
            w.date("at", &self.at)?;
            w.dates("times", &self.times)?;
            w.field("items", &self.items)?;
            w.field("inner", &self.inner)?;
            w.field("price", &self.price)?;
            w.end()
        }
    }

    impl From<Generated> for Derived {
        fn from(g: Generated) -> Derived {
            Derived {
                name: g.name,
                type_: g.type_,
                at: g.at,
                times: g.times,
                items: g.items,
                inner: g.inner,
                price: g.price,
            }
        }
    }
}

#[test]
fn generated_structs_decode_and_write_like_derived_ones() {
    use twins::{Derived, Generated};
    let inputs = [
        r#"{}"#,
        r#"{"name": "a", "type": "7", "at": "2021-08-04 00:00:00", "price": "12.50"}"#,
        r#"{"times": {"date": ["2021-08-04 00:00:00", 1628006400000]}, "inner": {"n": "3"}}"#,
        r#"{"items": {"inner": [{"n": 1}, {"n": "2", "other": true}]}, "unknown": [1, {"x": 2}]}"#,
        r#"{"items": {"n": 1}}"#,
        r#"{"name": null, "type": null, "inner": null}"#,
        r#"{"name": 12, "type": 1.0}"#,
        r#"{"name": "a", "name": "b"}"#,
        r#"{"type": "x"}"#,
        r#"{"type": 1.5}"#,
        r#"{"inner": "text"}"#,
        r#"[]"#,
        r#"["a", 2]"#,
        r#"["a", 2, null, null, null, {"n": 4}, "1.5"]"#,
        r#""text""#,
        r#"12"#,
        r#"null"#,
    ];
    for json in inputs {
        let derived = serde_json::from_str::<Derived>(json).map_err(|e| e.to_string());
        let generated = serde_json::from_str::<Generated>(json)
            .map(Derived::from)
            .map_err(|e| e.to_string());
        assert_eq!(generated, derived, "{json}");
        if let (Ok(d), Ok(g)) = (&derived, serde_json::from_str::<Generated>(json)) {
            assert_eq!(
                serde_json::to_string(&g).unwrap(),
                serde_json::to_string(d).unwrap(),
                "{json}"
            );
        }
    }
    let xml_inputs = [
        "<r/>",
        "<r><name>a</name><type>7</type><at>2021-08-04 00:00:00</at></r>",
        "<r><items><inner><n>1</n></inner><inner><n>2</n></inner></items><inner/></r>",
        "<r><name>a</name><name>b</name></r>",
        "<r><type>x</type></r>",
        "<r><unknown><deep>1</deep></unknown><price>1.50</price></r>",
        "<r>text</r>",
    ];
    for xml in xml_inputs {
        let derived = crate::xml::decode_document::<Derived>(xml, "r")
            .map(|r| match r {
                crate::xml::Root::Response(d) => Some(d),
                _ => None,
            })
            .map_err(|e| e.to_string());
        let generated = crate::xml::decode_document::<Generated>(xml, "r")
            .map(|r| match r {
                crate::xml::Root::Response(g) => Some(Derived::from(g)),
                _ => None,
            })
            .map_err(|e| e.to_string());
        assert_eq!(generated, derived, "{xml}");
    }
}
