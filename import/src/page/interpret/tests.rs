use super::*;
use crate::page::text;
use topgen_spec::spec::TypeDef;

fn import(text_: &str) -> Imported {
    let page = text::read(Path::new("t.txt"), text_).unwrap();
    interpret(Path::new("t.txt"), &page).unwrap()
}

fn messages(i: &Imported) -> Vec<&str> {
    i.warnings.iter().map(|w| w.message.as_str()).collect()
}

const PIPE: &str = "说明\n名称 | 类型 | 是否必须 | 示例值 | 更多限制 | 描述 |\n---|\n\
    dev_id | String | 可选 | 780f | iot设备id |\n名称 | 类型 | 示例值 | 描述 |\n---|\n\
    ret_values | DeviceCorpusTopDto [] | 返回结构体 | |\n\
    1 2 | TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret); AlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest(); req.setDevId( \"780f\" ); AlibabaIotDeviceCorpusGetResponse rsp = client.execute(req); System.out.println(rsp.getBody()); |\n\
    1 2 | < alibaba_iot_device_corpus_get_response > < ret_values > < device_corpus_top_dto > < corpus_list > < string >a</ string > < string >b</ string > </ corpus_list > < function_name >开关</ function_name > < count >3</ count > < on >true</ on > < info > < code >x</ code > </ info > </ device_corpus_top_dto > </ ret_values > </ alibaba_iot_device_corpus_get_response > |\n\
    1 2 | < error_response > < code >50</ code > < msg >Remote service error</ msg > </ error_response > |\n错误码 | 错误描述 | 解决方案 |\n";

#[test]
fn pipe_page_name_and_tree_from_the_examples() {
    let i = import(PIPE);
    let spec = &i.spec;
    assert_eq!(spec.name, "alibaba.iot.device.corpus.get");
    assert_eq!(spec.title, None);
    assert_eq!(spec.response[0].ty, "DeviceCorpusTopDto[]");
    let (name, def) = &spec.types[0];
    assert_eq!(name, "DeviceCorpusTopDto");
    let fields: Vec<(&str, &str)> = def
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("corpus_list", "String[]"),
            ("function_name", "String"),
            ("count", "Number"),
            ("on", "Boolean"),
            ("info", "Info"),
        ]
    );
    assert_eq!(spec.types[1].0, "Info");
    let m = messages(&i);
    assert!(
        m[0].starts_with("no title line: API name `alibaba.iot.device.corpus.get` guessed from the Java example's request class `AlibabaIotDeviceCorpusGetRequest` (line 8), matching the XML example's root"),
        "{m:#?}"
    );
    assert!(
        i.warnings
            .iter()
            .any(|w| w.place == Place::Type("DeviceCorpusTopDto".into())
                && w.message.contains("corpus_list String[]")),
        "{m:#?}"
    );
    // The derived JSON: wrapped lists, typed scalars.
    let json: serde_json::Value =
        serde_json::from_str(spec.examples.response_json.as_deref().unwrap()).unwrap();
    let item =
        &json["alibaba_iot_device_corpus_get_response"]["ret_values"]["device_corpus_top_dto"][0];
    assert_eq!(item["corpus_list"]["string"], serde_json::json!(["a", "b"]));
    assert_eq!(item["count"], 3);
    assert_eq!(item["on"], true);
    assert_eq!(item["info"]["code"], "x");
    let error: serde_json::Value =
        serde_json::from_str(spec.examples.error_json.as_deref().unwrap()).unwrap();
    assert_eq!(error["error_response"]["code"], 50);
    assert!(!spec.needs_session);
    topgen_spec::model::resolve(Path::new("t.yaml"), spec).unwrap();
}

const BULLET: &str = "taobao.a.b (标题)\n\n说明\n\n公共参数\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
    p P 必须 入参\n  • └ n\n  • Number\n  • 可选\n  • abc\n  • 数量\n  • q\n  • Q\n  • 可选\n  • 子对象\n  • └ k\n  • String\n  • 可选\n  • v\n  • 键\n  • └ after\n  • String\n  • 可选\n  • w\n  • 在P里\n\
    len String 可选 x\n  • 最大长度:5\n  • 长度\n    num Number 可选 1\n  • 最小值:9\n  • 最大值:3\n  • 数\n    img byte[] 必须 null 图片\n\n\
    响应参数\n\n名称 类型 示例值 描述\nresult R result 结果\n  • data\n  • D\n  • data\n  • 数据\n  • └ type\n  • String\n  • t\n  • 类型\n  • └ ok\n  • String\n  • 是否成功\n  • true\n  • └ n\n  • Number\n  • 1\n  • 个数\n  • └ n\n  • Number\n  • 2\n  • 重复\n  • └ when\n  • Date\n  • 2000-01-01 00:00:00\n\n\
    请求示例\n\nTaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nABRequest req = new ABRequest();\nAB.P obj1 = new AB.P();\nAB.Q obj2 = new AB.Q();\nobj2.setK(\"v\");\nobj1.setQ(obj2);\nobj1.setAfter(\"w\");\nreq.setP(obj1);\nABResponse rsp = client.execute(req, sessionKey);\nSystem.out.println(rsp.getBody());\n\n\
    响应示例\n\n<a_b_response>\n    <result>\n        <data>\n            <type>t</type>\n        </data>\n        <ok>true</ok>\n        <n>1</n>\n        <when>2000-01-01 00:00:00</when>\n    </result>\n</a_b_response>\n\n\
    异常示例\n\n<error_response>\n    <code>50</code>\n</error_response>\n\n错误码解释\n";

#[test]
fn nesting_from_the_examples_and_repairs() {
    let i = import(BULLET);
    let spec = &i.spec;
    assert!(spec.needs_session);
    let ty = |name: &str| &spec.types.iter().find(|(n, _)| n == name).unwrap().1;
    let names =
        |def: &TypeDef| -> Vec<String> { def.fields.iter().map(|f| f.name.clone()).collect() };
    // Java: `after` is set on obj1 (P), not on obj2 (Q) as the marks say.
    assert_eq!(names(ty("P")), ["n", "q", "after"]);
    assert_eq!(names(ty("Q")), ["k"]);
    // XML: `ok`, `n`, `when` belong to `result`, beside `data`.
    assert_eq!(names(ty("R")), ["data", "ok", "n", "when"]);
    assert_eq!(names(ty("D")), ["type"]);
    let m = messages(&i);
    for w in [
        "line 25: the page's `└` marks put `after` in `q`, but the Java request example (line 75) shows it in `p`; placed there",
        "line 51: the page's `└` marks put `ok` in `data`, but the XML response example (line 87) shows it in `result`; placed there",
        "line 11: example \"abc\" is not a Number; dropped (the page's type may be wrong)",
        "line 51: example \"是否成功\" and description \"true\" look swapped; swapped back",
        "line 59: duplicate field \"n\" (first at line 55): the first definition is kept",
        "line 33: 最小值 9 is greater than 最大值 3; both dropped",
        "line 37: example `null` dropped",
        "line 82: the page's text has no JSON response example; derived from the XML one",
    ] {
        assert!(m.iter().any(|x| x.starts_with(w)), "{w}\n{m:#?}");
    }
    let len = &spec.request[1];
    assert_eq!(
        (len.max_length, len.example.as_deref()),
        (Some(5), Some("x"))
    );
    let ok = &ty("R").fields[1];
    assert_eq!(
        (ok.example.as_deref(), ok.description.as_deref()),
        (Some("true"), Some("是否成功"))
    );
    // A lone value that fits a Date is the example.
    assert_eq!(
        ty("R").fields[3].example.as_deref(),
        Some("2000-01-01 00:00:00")
    );
    assert_eq!(spec.request[3].ty, "byte[]");
    assert_eq!(spec.request[3].example, None);
    let place = |w: &str| {
        i.warnings
            .iter()
            .find(|x| x.message.contains(w))
            .map(|x| x.place.clone())
    };
    assert_eq!(
        place("`ok`"),
        Some(Place::TypeField("R".into(), "ok".into()))
    );
    assert_eq!(
        place("not a Number"),
        Some(Place::TypeField("P".into(), "n".into()))
    );
    assert_eq!(place("`null`"), Some(Place::Request("img".into())));
    let json: serde_json::Value =
        serde_json::from_str(spec.examples.response_json.as_deref().unwrap()).unwrap();
    assert_eq!(json["a_b_response"]["result"]["n"], 1);
    assert_eq!(
        json["a_b_response"]["result"]["ok"], "true",
        "ok is a String"
    );
    topgen_spec::model::resolve(Path::new("t.yaml"), spec).unwrap();
}

#[test]
fn no_name_anywhere_is_an_error() {
    let page = text::read(
        Path::new("n.txt"),
        "说明\n名称 | 类型 | 示例值 | 描述 |\n---|\nx | String | 1 | 说明 |\n",
    )
    .unwrap();
    let err = interpret(Path::new("n.txt"), &page)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("n.txt: name: no API name"), "{err}");
}

/// A bullet page whose response shows `DivisionInfo` three times (under `country`,
/// `province`, `city`), the later ones with fewer or other fields: one type, not
/// `DivisionInfo2` / `DivisionInfo3`; a type whose fields disagree still gets its own name.
#[test]
fn same_named_types_whose_fields_agree_are_one_type() {
    let rows = |names: &[(&str, &str)]| -> String {
        names
            .iter()
            .map(|(n, t)| format!("  • └ {n}\n  • {t}\n  • x\n  • 说明\n"))
            .collect()
    };
    let page = format!(
        "taobao.a.b (标题)\n\n说明\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
         tid Number 必须 1 编号\n\n响应参数\n\n名称 类型 示例值 描述\n\
         country DivisionInfo 国家\n{}province DivisionInfo 省\n{}city DivisionInfo 市\n{}\
         other DivisionInfo 其他\n{}\n错误码解释\n\n错误码 错误消息 解决方案\n",
        rows(&[("code", "String"), ("name", "String")]),
        rows(&[("code", "String")]),
        rows(&[("name", "String"), ("level", "Number")]),
        rows(&[("code", "Number")]),
    );
    let i = import(&page);
    let types: Vec<(&str, Vec<&str>)> = i
        .spec
        .types
        .iter()
        .map(|(n, d)| {
            (
                n.as_str(),
                d.fields.iter().map(|f| f.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("DivisionInfo", vec!["code", "name", "level"]),
            ("DivisionInfo2", vec!["code"]),
        ]
    );
    let tys: Vec<&str> = i.spec.response.iter().map(|f| f.ty.as_str()).collect();
    assert_eq!(
        tys,
        [
            "DivisionInfo",
            "DivisionInfo",
            "DivisionInfo",
            "DivisionInfo2"
        ]
    );
    let merged: Vec<&Warning> = i
        .warnings
        .iter()
        .filter(|w| w.message.contains("it is one type with both"))
        .collect();
    assert_eq!(merged.len(), 1, "{:?}", messages(&i));
    assert_eq!(
        merged[0].place,
        Place::TypeField("DivisionInfo".into(), "level".into())
    );
}

/// A nested row placed by the page's marks alone (no example shows it) has its own
/// `# guess:` warning, not only the one on its top-level row.
#[test]
fn every_guessed_row_is_a_warning_at_the_row() {
    let page = "taobao.a.b (标题)\n\n说明\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
         tid Number 必须 1 编号\n\n响应参数\n\n名称 类型 示例值 描述\n\
         r R 结果\n  • └ a\n  • A\n  • x\n  • 对象\n  • └ b\n  • String\n  • x\n  • 字段\n  • └ c\n  • String\n  • x\n  • 字段\n\
         \n错误码解释\n\n错误码 错误消息 解决方案\n";
    let i = import(page);
    for field in ["b", "c"] {
        assert!(
            i.warnings
                .iter()
                .any(|w| matches!(&w.place, Place::TypeField(_, f) if f == field)
                    && w.message.contains("placed in")),
            "{field}: {:?}",
            i.warnings
        );
    }
}
