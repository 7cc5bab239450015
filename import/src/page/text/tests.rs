use super::bullet::title_line;
use super::pipe::gutter;
use super::rows::split_rest;
use super::*;
use crate::page::Rendering;
use crate::page::tests::ALL_SECTIONS;

fn page(text: &str) -> DocPage {
    read(Path::new("t.txt"), text).unwrap()
}

#[test]
fn title_lines() {
    assert_eq!(
        title_line("taobao.wdk.iot.wombat.common.gettoken (获取oss临时token)"),
        Some((
            "taobao.wdk.iot.wombat.common.gettoken".into(),
            Some("获取oss临时token".into())
        ))
    );
    assert_eq!(
        title_line("alibaba.icbu.category.schema.level.get ((新)层级属性获取)"),
        Some((
            "alibaba.icbu.category.schema.level.get".into(),
            Some("(新)层级属性获取".into())
        ))
    );
    assert_eq!(title_line("文档中心 > API类目 > 五道口API"), None);
    assert_eq!(title_line("result IotResult result 结果DTO"), None);
    assert_eq!(
        title_line("taobao.time.get"),
        None,
        "a bare name is no title line"
    );
}

#[test]
fn bullet_rows_nested_runs_and_limits() {
    let p = page(
        "taobao.a.b (标题)\n\n说明\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
         p ParamDto 必须 入参\n  • └ login_key\n  • String\n  • 必须\n  • foo\n  • 用户登录认证\n\
         \x20 • items\n  • Item []\n  • 可选\n  • 最大列表长度:20\n  • 列表\n\
         \x20 • └ n\n  • Number\n  • 可选\n  • 默认值:5\n  • 数量\n\
         flag Number 可选 1\n  • 默认值:0\n  • 旗帜,可选值\n    tag String 可选 红色旗子 插旗 备注\n\
         更多的说明\n\n响应参数\n\n名称 类型 示例值 描述\n\
         r R r 结果\n  • data\n  • Dto\n  • data\n  • 结果DTO\n  • └ k\n  • String\n  • abc\n  • 密钥id\n  • └ only\n  • String\n  • fhCode\n",
    );
    assert_eq!(p.rendering, Rendering::Bullet);
    assert_eq!(p.name.as_deref(), Some("taobao.a.b"));
    assert_eq!(p.title.as_deref(), Some("标题"));
    assert_eq!(p.description.as_deref(), Some("说明"));
    let req: Vec<(&str, &str, u32, Option<bool>)> = p
        .request
        .iter()
        .map(|r| (r.name.as_str(), r.ty.as_str(), r.depth, r.required))
        .collect();
    assert_eq!(
        req,
        [
            ("p", "ParamDto", 0, Some(true)),
            ("login_key", "String", 2, Some(true)),
            ("items", "Item []", 1, Some(false)),
            ("n", "Number", 2, Some(false)),
            ("flag", "Number", 0, Some(false)),
            ("tag", "String", 0, Some(false)),
        ]
    );
    assert_eq!(p.request[0].description.as_deref(), Some("入参"));
    assert!(p.request[0].lone_value);
    assert_eq!(p.request[1].example.as_deref(), Some("foo"));
    assert_eq!(p.request[1].description.as_deref(), Some("用户登录认证"));
    assert_eq!(p.request[2].limits, [("最大列表长度".into(), "20".into())]);
    assert_eq!(p.request[2].description.as_deref(), Some("列表"));
    assert_eq!(p.request[3].limits, [("默认值".into(), "5".into())]);
    // The top row's limits come as bullets; its line holds only the example.
    assert_eq!(p.request[4].example.as_deref(), Some("1"));
    assert_eq!(p.request[4].limits, [("默认值".into(), "0".into())]);
    assert_eq!(p.request[4].description.as_deref(), Some("旗帜,可选值"));
    // The description holds spaces and runs on to the next line.
    assert_eq!(p.request[5].example.as_deref(), Some("红色旗子"));
    assert_eq!(
        p.request[5].description.as_deref(),
        Some("插旗 备注\n更多的说明")
    );
    let resp: Vec<(&str, u32)> = p
        .response
        .iter()
        .map(|r| (r.name.as_str(), r.depth))
        .collect();
    assert_eq!(resp, [("r", 0), ("data", 1), ("k", 2), ("only", 2)]);
    assert_eq!(p.response[1].example.as_deref(), Some("data"));
    assert!(p.response[3].lone_value);
    assert_eq!(p.response[3].description.as_deref(), Some("fhCode"));
    assert_eq!(
        p.sections,
        [Section::Header, Section::Request, Section::Response]
    );
    assert!(p.cut_off.is_some(), "no footer: cut off");
}

#[test]
fn examples_with_spaces_in_top_rows() {
    assert_eq!(
        split_rest("2000-01-01 00:00:00 查询 开始"),
        (
            Some("2000-01-01 00:00:00".into()),
            Some("查询 开始".into()),
            false
        )
    );
    assert_eq!(
        split_rest("<a x=\\\"b c\\\"><v>1</v></a> 层级 属性"),
        (
            Some("<a x=\\\"b c\\\"><v>1</v></a>".into()),
            Some("层级 属性".into()),
            false
        )
    );
    assert_eq!(
        split_rest("{\"a\": [1, 2]} 说明"),
        (Some("{\"a\": [1, 2]}".into()), Some("说明".into()), false)
    );
    assert_eq!(split_rest("关键词"), (None, Some("关键词".into()), true));
}

#[test]
fn bullet_examples_and_footer() {
    let p = page(
        "taobao.a.b (t)\n\n请求示例\n\n  • JAVA\n  • .NET\n    TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n    \
         ABRequest req = new ABRequest();\n\n响应示例\n\n  • XML示例\n  • JSON示例\n    <a_b_response>\n        <x>1</x>\n    </a_b_response>\n\n\
         异常示例\n\n{\n\t\"error_response\":{}\n}\n1\n2\n3\n\n错误码解释\n\n错误码 错误描述 解决方案\n",
    );
    assert_eq!(
        p.request_example.as_deref(),
        Some(
            "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nABRequest req = new ABRequest();\n"
        )
    );
    assert_eq!(
        p.response_xml.as_deref(),
        Some("<a_b_response>\n    <x>1</x>\n</a_b_response>\n")
    );
    assert_eq!(
        p.error_json.as_deref(),
        Some("{\n\t\"error_response\":{}\n}\n")
    );
    assert_eq!(p.section_lines[&Section::RequestExample], 7);
    assert_eq!(p.cut_off, None);
}

#[test]
fn pipe_tables_gutters_and_spaced_tags() {
    let p = page(
        "说明一\n点击查看更多商品API说明\n名称 | 类型 | 是否必须 | 示例值 | 更多限制 | 描述 |\n---|---|---|---|---|---|\n\
         user_open_id | String | 可选 | sg== | 用户id | |\nlanguage | String | 可选 | zh_CN |\n|\n语言:zh_CN |\n\
         | client_info | RpClientInfo | 可选 | clientInfo | ||\n|\n|||||\n\
         名称 | 类型 | 示例值 | 描述 |\n---|---|---|---|\nret_values | DeviceCorpusTopDto [] | 返回结构体 | |\n|\n\
         1 2 3 | TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret); AlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest(); req.setUserOpenId( \"sg==\" ); |\n\
         1 2 3 | < alibaba_iot_device_corpus_get_response > < ret_values > </ ret_values > </ alibaba_iot_device_corpus_get_response > |\n\
         1 2 3 | < error_response > < code >50</ code > </ error_response > |\n错误码 | 错误描述 | 解决方案 |\n---|\n",
    );
    assert_eq!(p.rendering, Rendering::Pipe);
    assert_eq!(p.name, None);
    assert_eq!(p.description.as_deref(), Some("说明一"));
    let req: Vec<(&str, Option<&str>, Option<&str>, bool)> = p
        .request
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.example.as_deref(),
                r.description.as_deref(),
                r.lone_value,
            )
        })
        .collect();
    assert_eq!(
        req,
        [
            ("user_open_id", Some("sg=="), Some("用户id"), false),
            ("language", Some("zh_CN"), Some("语言:zh_CN"), false),
            ("client_info", None, Some("clientInfo"), true),
        ]
    );
    assert_eq!(p.response[0].ty, "DeviceCorpusTopDto []");
    assert_eq!(
        p.request_example.as_deref(),
        Some(
            "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nAlibabaIotDeviceCorpusGetRequest req = new AlibabaIotDeviceCorpusGetRequest();\nreq.setUserOpenId(\"sg==\");\n"
        )
    );
    assert_eq!(
        p.response_xml.as_deref(),
        Some(
            "<alibaba_iot_device_corpus_get_response>\n    <ret_values></ret_values>\n</alibaba_iot_device_corpus_get_response>\n"
        )
    );
    assert_eq!(
        p.error_xml.as_deref(),
        Some("<error_response>\n    <code>50</code>\n</error_response>\n")
    );
    assert_eq!(p.sections, ALL_SECTIONS);
    assert_eq!(p.cut_off, None);
}

#[test]
fn gutters() {
    assert_eq!(gutter("1 2 3 | a(); |"), Some(Some("a();")));
    assert_eq!(gutter("1 2 3 ... 192 | <a> |"), Some(Some("<a>")));
    assert_eq!(
        gutter("1 2 3 4 5 6 7 8 9 10 ... (line-number gutter of the response example) ..."),
        Some(None)
    );
    assert_eq!(gutter("1. 只有单笔订单"), None);
    assert_eq!(gutter("12 | x"), None);
}

#[test]
fn unusable_text_fails_with_the_reason() {
    let err = |t: &str| read(Path::new("p.txt"), t).unwrap_err().to_string();
    assert!(err("").contains("p.txt: the file is empty"), "{}", err(""));
    assert!(err(" \n\t\n").contains("empty"));
    let junk = err("abc\nPK\u{3}\u{4}\u{0}\u{0}");
    assert!(junk.starts_with("p.txt:2:1: binary data"), "{junk}");
    let other = err("# Shopping list\n\n- milk\n- eggs\n");
    assert!(other.contains("not a TOP doc page"), "{other}");
}
