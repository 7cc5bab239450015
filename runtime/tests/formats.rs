//! The three reply formats (JSON, simplified JSON, XML) decode to the same typed values, with
//! structs shaped exactly like generated ones: lists of scalars and of objects with 0, 1 and
//! 3 items, nested objects, empty elements, and `error_response` in every format.

use topgen_runtime::__private::de;
use topgen_runtime::__private::response::{decode, decode_reply_in};
use topgen_runtime::{DateTime, Decimal, Error, Format, RetryClass, Secret, TopError, time};

const KEY: &str = "topgen_demo_get_response";

#[derive(Debug, Clone, PartialEq, Default)]
struct DemoResponse {
    total: Option<i64>,
    names: Option<Vec<String>>,
    ids: Option<Vec<i64>>,
    items: Option<Vec<Item>>,
    shop: Option<Shop>,
    request_id: Option<String>,
}

::topgen_runtime::decoded_struct!(DemoResponse {
    total: (0, "total", field),
    names: (1, "names", field),
    ids: (2, "ids", field),
    items: (3, "items", field),
    shop: (4, "shop", field),
    request_id: (5, "request_id", field),
});

#[derive(Debug, Clone, PartialEq, Default)]
struct Item {
    num_iid: Option<i64>,
    title: Option<String>,
    price: Option<Decimal>,
    modified: Option<DateTime>,
    on_sale: Option<bool>,
    tags: Option<Vec<String>>,
}

::topgen_runtime::decoded_struct!(Item {
    num_iid: (0, "num_iid", field),
    title: (1, "title", field),
    price: (2, "price", field),
    modified: (3, "modified", date),
    on_sale: (4, "on_sale", field),
    tags: (5, "tags", field),
});

impl de::Object for Item {}

#[derive(Debug, Clone, PartialEq, Default)]
struct Shop {
    nick: Option<String>,
    owner: Option<Owner>,
}

::topgen_runtime::decoded_struct!(Shop {
    nick: (0, "nick", field),
    owner: (1, "owner", field),
});

impl de::Object for Shop {}

#[derive(Debug, Clone, PartialEq, Default)]
struct Owner {
    user_id: Option<i64>,
    session_key: Option<Secret>,
}

::topgen_runtime::decoded_struct!(Owner {
    user_id: (0, "user_id", field),
    session_key: (1, "session_key", field),
});

impl de::Object for Owner {}

fn date(s: &str) -> DateTime {
    time::parse(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The expected value with `n` items in every list.
fn expected(n: usize) -> DemoResponse {
    DemoResponse {
        total: Some(n as i64),
        names: Some((0..n).map(|i| format!("name {i}")).collect()),
        ids: Some((0..n).map(|i| 520_000_000_000 + i as i64).collect()),
        items: Some(
            (0..n)
                .map(|i| Item {
                    num_iid: Some(i as i64 + 1),
                    title: Some(format!("T<{i}>&")),
                    price: Some(dec(&format!("1{i}.50"))),
                    modified: Some(date(&format!("2021-08-04 0{i}:00:00"))),
                    on_sale: Some(i % 2 == 0),
                    tags: Some((0..i).map(|t| format!("t{t}")).collect()),
                })
                .collect(),
        ),
        shop: Some(Shop {
            nick: Some("tbtest".to_owned()),
            owner: Some(Owner {
                user_id: Some(42),
                session_key: Some(Secret::from("s3cr3t")),
            }),
        }),
        request_id: Some("req-1".to_owned()),
    }
}

/// A wrapped JSON list: `{"<inner>": [..]}`.
fn json_list(inner: &str, items: &[String]) -> String {
    format!(r#"{{"{inner}":[{}]}}"#, items.join(","))
}

fn json_item(i: usize, simplified: bool) -> String {
    let tags: Vec<String> = (0..i).map(|t| format!(r#""t{t}""#)).collect();
    let tags = if simplified {
        format!("[{}]", tags.join(","))
    } else {
        json_list("string", &tags)
    };
    format!(
        r#"{{"num_iid":{},"title":"T<{i}>&","price":"1{i}.50","modified":"2021-08-04 0{i}:00:00","on_sale":{},"tags":{tags}}}"#,
        i + 1,
        i % 2 == 0
    )
}

/// The object inside the wrapper; with `simplified`, lists are bare arrays.
fn json_object(n: usize, simplified: bool) -> String {
    let names: Vec<String> = (0..n).map(|i| format!(r#""name {i}""#)).collect();
    // Numbers sent as numbers and as numeric strings, alternately.
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let id = 520_000_000_000 + i as i64;
            if i % 2 == 0 {
                id.to_string()
            } else {
                format!(r#""{id}""#)
            }
        })
        .collect();
    let items: Vec<String> = (0..n).map(|i| json_item(i, simplified)).collect();
    let list = |inner: &str, v: &[String]| {
        if simplified {
            format!("[{}]", v.join(","))
        } else {
            json_list(inner, v)
        }
    };
    format!(
        r#"{{"total":"{n}","names":{},"ids":{},"items":{},"shop":{{"nick":"tbtest","owner":{{"user_id":42,"session_key":"s3cr3t"}}}},"request_id":"req-1"}}"#,
        list("string", &names),
        list("number", &ids),
        list("item", &items),
    )
}

fn xml_body(n: usize) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n");
    x.push_str(&format!(
        "<{KEY}>\n  <total> {n} </total>\n  <names list=\"true\">"
    ));
    for i in 0..n {
        x.push_str(&format!("<string>name {i}</string>"));
    }
    x.push_str("</names>\n  <ids list=\"true\">");
    for i in 0..n {
        x.push_str(&format!(
            "\n    <number>{}</number>",
            520_000_000_000 + i as i64
        ));
    }
    x.push_str("\n  </ids>\n  <items list=\"true\">");
    for i in 0..n {
        x.push_str(&format!(
            "\n    <item>\n      <num_iid>{}</num_iid>\n      <title>T&lt;{i}&gt;&amp;</title>\n      <price>1{i}.50</price>\n      <modified>2021-08-04 0{i}:00:00</modified>\n      <on_sale>{}</on_sale>\n      <tags list=\"true\">",
            i + 1,
            i % 2 == 0
        ));
        for t in 0..i {
            x.push_str(&format!("<string>t{t}</string>"));
        }
        x.push_str("</tags>\n    </item>");
    }
    x.push_str(
        "\n  </items>\n  <!-- a comment -->\n  <shop><nick>tbtest</nick><owner><user_id>42</user_id><session_key>s3cr3t</session_key></owner></shop>\n  <request_id>req-1</request_id>\n",
    );
    x.push_str(&format!("</{KEY}>\n"));
    x
}

fn ok(format: Format, body: &str) -> DemoResponse {
    match decode::<DemoResponse>(format, body.as_bytes(), KEY, 200) {
        Ok(r) => r,
        Err(e) => panic!("{format}: {e}\n{body}"),
    }
}

#[test]
fn every_format_decodes_to_the_same_value_with_0_1_and_3_items() {
    for n in [0, 1, 3] {
        let want = expected(n);
        let json = format!(r#"{{"{KEY}":{}}}"#, json_object(n, false));
        let simplified = json_object(n, true);
        let xml = xml_body(n);
        assert_eq!(ok(Format::Json, &json), want, "json, {n} items");
        assert_eq!(
            ok(Format::SimplifiedJson, &simplified),
            want,
            "simplified, {n} items"
        );
        assert_eq!(ok(Format::Xml, &xml), want, "xml, {n} items");
        // decode_reply_in agrees on 2xx.
        let via_reply: DemoResponse =
            decode_reply_in(Format::Xml, xml.as_bytes(), KEY, 200).unwrap();
        assert_eq!(via_reply, want);
    }
    // The typed values, spelled out once.
    let r = ok(Format::Xml, &xml_body(3));
    let items = r.items.unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2].title.as_deref(), Some("T<2>&"));
    assert_eq!(
        items[2].price.map(|p| p.to_string()),
        Some("12.50".to_owned())
    );
    assert_eq!(
        items[2].modified.map(|d| time::format(&d)),
        Some("2021-08-04 02:00:00".to_owned())
    );
    assert_eq!(items[1].on_sale, Some(false));
    assert_eq!(items[2].tags, Some(vec!["t0".to_owned(), "t1".to_owned()]));
    assert_eq!(r.ids.unwrap()[2], 520_000_000_002);
    let owner = r.shop.unwrap().owner.unwrap();
    assert_eq!(owner.session_key.unwrap().expose_secret(), "s3cr3t");
}

#[test]
fn one_element_lists_in_every_wrapped_shape() {
    let want = DemoResponse {
        names: Some(vec!["only".to_owned()]),
        items: Some(vec![Item {
            num_iid: Some(7),
            ..Item::default()
        }]),
        ..DemoResponse::default()
    };
    // JSON: the wrapper may hold a single element instead of an array.
    let json = format!(
        r#"{{"{KEY}":{{"names":{{"string":"only"}},"items":{{"item":{{"num_iid":7}}}}}}}}"#
    );
    assert_eq!(ok(Format::Json, &json), want);
    let json = format!(
        r#"{{"{KEY}":{{"names":{{"string":["only"]}},"items":{{"item":[{{"num_iid":"7"}}]}}}}}}"#
    );
    assert_eq!(ok(Format::Json, &json), want);
    let xml = format!(
        r#"<{KEY}><names list="true"><string>only</string></names><items list="true"><item><num_iid>7</num_iid></item></items></{KEY}>"#
    );
    assert_eq!(ok(Format::Xml, &xml), want);
    let simplified = r#"{"names":["only"],"items":[{"num_iid":7}]}"#;
    assert_eq!(ok(Format::SimplifiedJson, simplified), want);
}

#[test]
fn empty_elements_and_empty_lists() {
    let xml = format!(
        "<{KEY}>\n<total/>\n<names list=\"true\"/>\n<ids list=\"true\">\n</ids>\n<items list=\"true\"></items>\n<shop><nick></nick><owner/></shop>\n<request_id/></{KEY}>"
    );
    let want = DemoResponse {
        total: None,
        names: Some(vec![]),
        ids: Some(vec![]),
        items: Some(vec![]),
        shop: Some(Shop {
            nick: Some(String::new()),
            owner: Some(Owner::default()),
        }),
        request_id: Some(String::new()),
    };
    assert_eq!(ok(Format::Xml, &xml), want);
    // The JSON spellings of the same.
    let json = format!(
        r#"{{"{KEY}":{{"total":null,"names":{{}},"ids":{{"number":[]}},"items":{{}},"shop":{{"nick":"","owner":{{}}}},"request_id":""}}}}"#
    );
    assert_eq!(ok(Format::Json, &json), want);
    // Empty elements inside a list: an empty string, an object with every field absent; a
    // number has no empty value, so there is no element.
    let xml = format!(
        "<{KEY}><names list=\"true\"><string>a</string><string/><string>  </string></names><ids list=\"true\"><number/><number>5</number></ids><items list=\"true\"><item/></items></{KEY}>"
    );
    let want = DemoResponse {
        names: Some(vec!["a".to_owned(), String::new(), String::new()]),
        ids: Some(vec![5]),
        items: Some(vec![Item::default()]),
        ..DemoResponse::default()
    };
    assert_eq!(ok(Format::Xml, &xml), want);
    let json = format!(
        r#"{{"{KEY}":{{"names":{{"string":["a","",""]}},"ids":{{"number":[5]}},"items":{{"item":[{{}}]}}}}}}"#
    );
    assert_eq!(ok(Format::Json, &json), want);
    // JSON's `null` in a wrapper is no element.
    let json = format!(r#"{{"{KEY}":{{"names":{{"string":null}},"items":{{"item":null}}}}}}"#);
    assert_eq!(
        ok(Format::Json, &json),
        DemoResponse {
            names: Some(vec![]),
            items: Some(vec![]),
            ..DemoResponse::default()
        }
    );
    // An empty root is a response with every field absent.
    assert_eq!(
        ok(Format::Xml, &format!("<{KEY}/>")),
        DemoResponse::default()
    );
    assert_eq!(ok(Format::SimplifiedJson, "{}"), DemoResponse::default());
}

#[test]
fn simplified_json_also_reads_a_wrapped_reply() {
    let wrapped = format!(r#"{{"{KEY}":{}}}"#, json_object(1, false));
    assert_eq!(ok(Format::SimplifiedJson, &wrapped), expected(1));
}

#[test]
fn the_body_decides_between_json_and_xml() {
    // A reply in the other syntax than asked for still decodes.
    assert_eq!(ok(Format::Json, &xml_body(1)), expected(1));
    let json = format!(r#"{{"{KEY}":{}}}"#, json_object(1, false));
    assert_eq!(ok(Format::Xml, &json), expected(1));
}

fn top(format: Format, body: &str) -> TopError {
    match decode::<DemoResponse>(format, body.as_bytes(), KEY, 200) {
        Err(Error::Top(e)) => e,
        other => panic!("{format}: {body}: {other:?}"),
    }
}

#[test]
fn error_response_in_every_format() {
    let full = TopError {
        code: 50,
        msg: "Remote service error".to_owned(),
        sub_code: Some("isv.invalid-parameter".to_owned()),
        sub_msg: Some("非法参数".to_owned()),
        request_id: Some("r9".to_owned()),
    };
    let json_number = r#"{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数","request_id":"r9"}}"#;
    let json_string = r#"{"error_response":{"code":"50","msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数","request_id":"r9"}}"#;
    let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<error_response>\n  <code>50</code>\n  <msg>Remote service error</msg>\n  <sub_code>isv.invalid-parameter</sub_code>\n  <sub_msg>非法参数</sub_msg>\n  <request_id>r9</request_id>\n</error_response>";
    for (format, body) in [
        (Format::Json, json_number),
        (Format::Json, json_string),
        (Format::SimplifiedJson, json_number),
        (Format::SimplifiedJson, json_string),
        (Format::Xml, xml),
    ] {
        let e = top(format, body);
        assert_eq!(e, full, "{format}: {body}");
        assert_eq!(e.retry_class(), RetryClass::Never);
    }

    // No sub code: code and message only.
    let short = TopError {
        code: 7,
        msg: "App Call Limited".to_owned(),
        sub_code: None,
        sub_msg: None,
        request_id: None,
    };
    for (format, body) in [
        (
            Format::Json,
            r#"{"error_response":{"code":7,"msg":"App Call Limited"}}"#,
        ),
        (
            Format::SimplifiedJson,
            r#"{"error_response":{"msg":"App Call Limited","code":"7"}}"#,
        ),
        (
            Format::Xml,
            "<error_response><code>7</code><msg>App Call Limited</msg></error_response>",
        ),
    ] {
        let e = top(format, body);
        assert_eq!(e, short, "{format}: {body}");
        assert_eq!(e.retry_class(), RetryClass::AfterDelay);
    }

    // The same errors under a non-2xx status are still TOP errors.
    let e = decode_reply_in::<DemoResponse>(Format::Xml, xml.as_bytes(), KEY, 500).unwrap_err();
    assert_eq!(e.top(), Some(&full));
}
