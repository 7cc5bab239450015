use super::*;

use crate::Api;
use topgen_runtime::Format;

const SPEC: &str = r#"
name: taobao.topgen.items.get
request:
  - name: num_iid
    type: Number
    required: true
  - name: page_size
    type: Number
  - name: secret_word
    type: String
    sensitive: true
response:
  - name: total_results
    type: Number
  - name: has_next
    type: Boolean
  - name: items
    type: Item[]
  - name: modified
    type: Date
  - name: tags
    type: String[]
    example: "red,blue"
  - name: tree
    type: Node
types:
  Item:
    fields:
      - name: num_iid
        type: Number
      - name: title
        type: String
        example: 连衣裙
      - name: price
        type: Price
      - name: secret_word
        type: String
      - name: extra
        type: Json
  Node:
    fields:
      - name: name
        type: String
      - name: children
        type: Node[]
"#;

fn api() -> Api {
    let spec = topgen_spec::parse_spec(Path::new("taobao.topgen.items.get.yaml"), SPEC).unwrap();
    Api::from_spec(&spec)
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_same_request_and_seed_give_the_same_bytes() {
    let api = api();
    let a = params(&[
        ("method", "taobao.topgen.items.get"),
        ("timestamp", "2024-01-01 00:00:00"),
        ("num_iid", "42"),
        ("page_size", "10"),
    ]);
    // Another order, another timestamp and sign: the same business params.
    let b = params(&[
        ("page_size", "10"),
        ("sign", "ABC"),
        ("num_iid", "42"),
        ("timestamp", "2025-06-01 12:00:00"),
    ]);
    for format in Format::ALL {
        let first = api.render_for(format, 7, &a).unwrap();
        assert_eq!(first, api.render_for(format, 7, &a).unwrap(), "{format}");
        assert_eq!(first, api.render_for(format, 7, &b).unwrap(), "{format}");
    }
    // Another seed, or other business params: other values.
    let json7 = api.render_for(Format::Json, 7, &a).unwrap();
    assert_ne!(json7, api.render_for(Format::Json, 8, &a).unwrap());
    let other = params(&[("num_iid", "43"), ("page_size", "10")]);
    assert_ne!(json7, api.render_for(Format::Json, 7, &other).unwrap());
    // `render` is seed 0 without params.
    assert_eq!(
        api.render(Format::Json).unwrap(),
        api.render_for(Format::Json, 0, &[]).unwrap()
    );
    assert!(api.makes_up_replies());
    assert_eq!(api.warning(), None);
}

#[test]
fn values_have_the_types_the_clients_decode() {
    let api = api();
    for seed in 0..50 {
        let text = api
            .render_for(Format::Json, seed, &params(&[("num_iid", "42")]))
            .unwrap();
        let reply = &json(&text)["topgen_items_get_response"];
        let items = reply["items"]["item"].as_array().expect("a wrapped list");
        assert!((1..=3).contains(&items.len()), "{text}");
        // A total that counts the listed items, and no further page.
        assert_eq!(reply["total_results"], items.len(), "{text}");
        assert_eq!(reply["has_next"], false, "{text}");
        for item in items {
            // Ids above 2^53, written as exact integers.
            let id = item["num_iid"].as_i64().expect("an integer id");
            assert!(id > 1 << 53, "{text}");
            assert!(text.contains(&format!("\"num_iid\":{id}")), "{text}");
            assert_eq!(item["title"], "连衣裙");
            let price = item["price"].as_str().expect("a price as text");
            let (int, cents) = price.split_once('.').expect("two decimals");
            assert!(int.parse::<u64>().is_ok() && cents.len() == 2, "{price}");
            assert!(item["extra"].is_object(), "{text}");
            // A reply field named like a sensitive param does not echo it.
            assert!(item["secret_word"].is_string());
        }
        let modified = reply["modified"].as_str().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(modified, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{modified}"
        );
        let tags = reply["tags"]["string"].as_array().unwrap();
        assert_eq!(tags[0], "red", "the list's example, item by item");
        let request_id = reply["request_id"].as_str().unwrap();
        assert_eq!(request_id.len(), 13);
    }
}

#[test]
fn fields_named_like_params_echo_them_except_sensitive_ones() {
    let spec = topgen_spec::parse_spec(
        Path::new("a.yaml"),
        r#"
name: taobao.topgen.echo.get
request:
  - name: num_iid
    type: Number
  - name: secret_word
    type: String
    sensitive: true
  - name: nick
    type: String
response:
  - name: num_iid
    type: Number
  - name: secret_word
    type: String
  - name: nick
    type: String
  - name: session
    type: String
"#,
    )
    .unwrap();
    let api = Api::from_spec(&spec);
    let sent = params(&[
        ("num_iid", "9007199254740993"),
        ("secret_word", "hunter2"),
        ("nick", "tb_buyer"),
        ("session", "6100e23f"),
    ]);
    let text = api.render_for(Format::Json, 1, &sent).unwrap();
    assert!(text.contains(r#""num_iid":9007199254740993"#), "{text}");
    assert!(text.contains(r#""nick":"tb_buyer""#), "{text}");
    assert!(
        !text.contains("hunter2"),
        "a sensitive param is not echoed: {text}"
    );
    assert!(
        !text.contains("6100e23f"),
        "the session is not echoed: {text}"
    );
    // A value that is not of the field's type is not echoed.
    let text = api
        .render_for(Format::Json, 1, &params(&[("num_iid", "abc")]))
        .unwrap();
    assert!(!text.contains("abc"), "{text}");
}

/// The deepest object nesting of a JSON value (wrapped lists not counted as levels).
fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            let is_list = m.len() == 1 && m.values().all(|x| x.is_array());
            let inner = m.values().map(depth).max().unwrap_or(0);
            if is_list { inner } else { inner + 1 }
        }
        serde_json::Value::Array(items) => items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn recursive_types_end() {
    let spec = topgen_spec::parse_spec(
        Path::new("a.yaml"),
        r#"
name: taobao.topgen.category.get
response:
  - name: root
    type: Category
  - name: deep
    type: A
types:
  Category:
    fields:
      - name: name
        type: String
      - name: children
        type: Category[]
  A:
    fields:
      - name: b
        type: B
  B:
    fields:
      - name: c
        type: C
  C:
    fields:
      - name: d
        type: D
  D:
    fields:
      - name: e
        type: E
  E:
    fields:
      - name: x
        type: Number
"#,
    )
    .unwrap();
    let api = Api::from_spec(&spec);
    let text = api.render(Format::Json).unwrap();
    let reply = &json(&text)["topgen_category_get_response"];
    // A category holds no category: the type is already on the path.
    assert!(reply["root"]["name"].is_string(), "{text}");
    assert!(reply["root"].get("children").is_none(), "{text}");
    // Fields nest at most MAX_DEPTH levels, the reply's own fields the first.
    assert_eq!(depth(reply), MAX_DEPTH, "{text}");
    assert!(reply["deep"]["b"]["c"].is_object(), "{text}");
    assert!(reply["deep"]["b"]["c"].get("d").is_none(), "{text}");
}

#[test]
fn simplified_json_and_xml_are_the_same_reply() {
    let api = api();
    let sent = params(&[("num_iid", "42")]);
    let wrapped = api.render_for(Format::Json, 3, &sent).unwrap();
    let simplified = api.render_for(Format::SimplifiedJson, 3, &sent).unwrap();
    let xml = api.render_for(Format::Xml, 3, &sent).unwrap();
    assert_eq!(simplified, crate::simplify_json(&wrapped).unwrap());
    assert_eq!(xml, crate::json_to_xml(&wrapped).unwrap());
    let bare = json(&simplified);
    assert!(bare["items"].is_array(), "{simplified}");
    assert!(bare["tags"].is_array(), "{simplified}");
    assert!(
        xml.contains(r#"<topgen_items_get_response><total_results>"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<items list="true"><item><num_iid>"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<tags list="true"><string>red</string>"#),
        "{xml}"
    );
}

#[test]
fn examples_win_and_apis_without_response_fields_are_warned_about() {
    let spec = topgen_spec::parse_spec(
        Path::new("a.yaml"),
        r#"
name: taobao.topgen.x.get
response:
  - name: n
    type: Number
examples:
  response_json: '{"topgen_x_get_response":{"n":5}}'
"#,
    )
    .unwrap();
    let api = Api::from_spec(&spec);
    assert_eq!(
        api.render_for(Format::Json, 9, &[]).unwrap(),
        r#"{"topgen_x_get_response":{"n":5}}"#
    );
    assert!(!api.makes_up_replies());
    let empty =
        topgen_spec::parse_spec(Path::new("a.yaml"), "name: taobao.topgen.y.get\n").unwrap();
    let api = Api::from_spec(&empty);
    assert_eq!(
        api.render(Format::Json).unwrap(),
        r#"{"topgen_y_get_response":{}}"#
    );
    let warning = api.warning().expect("a warning");
    assert!(warning.contains("no response fields"), "{warning}");
    assert!(api.answers_empty());
}

#[test]
fn an_example_that_does_not_fit_its_spec_gives_way_to_a_made_up_reply() {
    // The doc's example lacks TOP's `<name>_response` wrapper: no client decodes it.
    let spec = topgen_spec::parse_spec(
        Path::new("a.yaml"),
        r#"
name: taobao.topgen.x.get
response:
  - name: n
    type: Number
examples:
  response_json: '{"n":5}'
"#,
    )
    .unwrap();
    let api = Api::from_spec(&spec);
    assert!(api.makes_up_replies());
    assert!(!api.answers_empty());
    let misfit = api.example_misfit().expect("the misfit is said");
    assert!(misfit.starts_with("response_json: "), "{misfit}");
    let warning = api.warning().expect("a warning");
    assert!(
        warning.starts_with("taobao.topgen.x.get's reply example does not fit its spec"),
        "{warning}"
    );
    let reply = api.render_for(Format::Json, 9, &[]).unwrap();
    assert!(
        reply.starts_with(r#"{"topgen_x_get_response":{"n":"#),
        "{reply}"
    );
}

#[test]
fn element_keys_are_snake_case_type_names() {
    assert_eq!(snake("OssTokenDto"), "oss_token_dto");
    assert_eq!(snake("OssTokenDTO"), "oss_token_dto");
    assert_eq!(snake("String"), "string");
    assert_eq!(snake("BigDecimal"), "big_decimal");
    assert_eq!(snake("Top2Item"), "top2_item");
    assert_eq!(snake(""), "item");
    assert!(is_id("num_iid") && is_id("sellerId") && is_id("item_id") && !is_id("width"));
}
