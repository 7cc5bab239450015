use super::dom::{clean_code, clean_text};
use super::reader::parse_title;
use super::*;
use crate::page::tests::ALL_SECTIONS;
use crate::page::{Rendering, Row, Section};

fn page(body: &str) -> DocPage {
    let html =
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>");
    read(Path::new("t.html"), &html).unwrap_or_else(|e| panic!("{e}"))
}

const TITLE: &str = "<h1>taobao.time.get (获取时间)</h1>";

fn row(name: &str, ty: &str, depth: u32) -> Row {
    Row {
        name: name.into(),
        ty: ty.into(),
        required: None,
        example: None,
        description: None,
        limits: Vec::new(),
        depth,
        line: 0,
        lone_value: false,
    }
}

fn no_lines(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .cloned()
        .map(|mut r| {
            r.line = 0;
            r
        })
        .collect()
}

#[test]
fn title_gives_name_and_chinese_name() {
    let p = page(TITLE);
    assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
    assert_eq!(p.title.as_deref(), Some("获取时间"));
    assert_eq!(p.sections, [Section::Header]);
    assert_eq!(p.rendering, Rendering::Html);
}

#[test]
fn title_rules() {
    assert_eq!(
        parse_title("cainiao.waybill.ii.inner.get (电子面单云打印接口(内部))"),
        Some((
            "cainiao.waybill.ii.inner.get".into(),
            Some("电子面单云打印接口(内部)".into())
        ))
    );
    assert_eq!(
        parse_title("a.b (cut off"),
        Some(("a.b".into(), Some("cut off".into())))
    );
    assert_eq!(parse_title("a.b"), Some(("a.b".into(), None)));
    assert_eq!(
        parse_title("a.b(x)"),
        Some(("a.b".into(), Some("x".into())))
    );
    assert_eq!(parse_title("文档中心 > API类目"), None);
    assert_eq!(parse_title("a.b 是什么"), None);
    assert_eq!(parse_title("a.b (x) y"), None);
    assert_eq!(parse_title("time"), None);
    assert_eq!(parse_title("1.2"), None);
}

#[test]
fn title_with_spans_and_full_width_parentheses() {
    let p = page(
        "<div class=\"title\"><h1><span>taobao.trade.memo.add</span>\n  \
         <span>（对一笔交易添加备注）</span></h1></div>",
    );
    assert_eq!(p.name.as_deref(), Some("taobao.trade.memo.add"));
    assert_eq!(p.title.as_deref(), Some("对一笔交易添加备注"));
}

#[test]
fn title_in_a_non_heading_element_needs_the_chinese_name() {
    let p =
        page("<div>a.b.c</div><div class=\"t\">taobao.time.get (获取时间)</div><h2>请求参数</h2>");
    assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
    // A link or list item is never the title (an API tree in the sidebar).
    let p = page("<ul><li><a>taobao.x.y (别的)</a></li></ul><h2>请求参数</h2>");
    assert_eq!(p.name, None);
    assert_eq!(p.sections, [Section::Request]);
}

#[test]
fn description_is_between_title_and_first_heading() {
    let p = page(&format!(
        "<div class=\"crumb\">文档中心 &gt; API类目</div>{TITLE}<div class=\"desc\">第一行<br/>第二行\
         </div><p>第二段</p><h2>公共参数</h2><p>not description</p>"
    ));
    assert_eq!(p.description.as_deref(), Some("第一行\n第二行\n第二段"));
    // No description: nothing between the title and the first heading.
    let p = page(&format!("{TITLE}<h2>请求参数</h2>"));
    assert_eq!(p.description, None);
}

#[test]
fn headings_give_sections_in_page_order_and_links_are_not_headings() {
    let p = page(&format!(
        "<div class=\"toc\"><a href=\"#r\">请求参数</a><li>响应参数</li></div>{TITLE}\
         <h3>公共参数</h3><h3><i class=\"icon\"></i> 请求参数 </h3><div>响应参数</div>\
         <h3>请求示例</h3><h3>响应示例</h3><h3>异常示例</h3><h3>错误码解释</h3>"
    ));
    assert_eq!(p.sections, ALL_SECTIONS);
}

const REQ_HEAD: &str = "<tr><th>名称</th><th>类型</th><th>是否必须</th><th>示例值</th>\
                        <th>更多限制</th><th>描述</th></tr>";
const RESP_HEAD: &str = "<tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr>";

#[test]
fn request_table_rows_by_header() {
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table><thead>{REQ_HEAD}</thead><tbody>\
         <tr><td>tid</td><td>Number</td><td>必须</td><td>123</td><td></td><td>交易编号</td></tr>\
         <tr><td>memo</td><td>String</td><td>可选</td><td></td><td></td><td></td></tr>\
         <tr><td>x</td><td>String</td><td>?</td><td>1</td><td></td><td>d</td></tr>\
         </tbody></table>"
    ));
    let mut tid = row("tid", "Number", 0);
    tid.required = Some(true);
    tid.example = Some("123".into());
    tid.description = Some("交易编号".into());
    let mut memo = row("memo", "String", 0);
    memo.required = Some(false);
    let mut x = row("x", "String", 0);
    x.example = Some("1".into());
    x.description = Some("d".into());
    assert_eq!(no_lines(&p.request), [tid, memo, x]);
    assert!(p.response.is_empty());
}

#[test]
fn columns_are_found_by_their_header() {
    // The mirror's request table: 必须 instead of 是否必须, no 更多限制; moved columns.
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table><tr><td>类型</td><td>名称</td><td>描述</td><td>必须</td></tr>\
         <tr><td>Date</td><td>time</td><td>时间</td><td>必须</td></tr></table>"
    ));
    let mut time = row("time", "Date", 0);
    time.required = Some(true);
    time.description = Some("时间".into());
    assert_eq!(no_lines(&p.request), [time]);
}

#[test]
fn tables_outside_request_and_response_and_other_tables_are_ignored() {
    let p = page(&format!(
        "{TITLE}<h2>公共参数</h2><table>{REQ_HEAD}<tr><td>method</td><td>String</td>\
         <td>必须</td><td></td><td></td><td>API名</td></tr></table>\
         <h2>请求参数</h2><table><tr><th>错误码</th><th>错误描述</th></tr><tr><td>a</td><td>b</td></tr></table>\
         <h2>错误码解释</h2><table>{RESP_HEAD}<tr><td>e</td><td>String</td><td></td><td></td></tr></table>"
    ));
    assert!(p.request.is_empty(), "{:?}", p.request);
    assert!(p.response.is_empty());
}

#[test]
fn limits_cell_list_items() {
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
         <tr><td>flag</td><td>Number</td><td>可选</td><td>1</td>\
         <td><ul><li>默认值：0</li><li>最大长度: 64 </li></ul></td><td>旗帜</td></tr>\
         <tr><td>f</td><td>String</td><td>可选</td><td></td><td>最大列表长度:20</td><td></td></tr>\
         </table>"
    ));
    assert_eq!(
        p.request[0].limits,
        [
            ("默认值".to_owned(), "0".to_owned()),
            ("最大长度".to_owned(), "64".to_owned())
        ]
    );
    assert_eq!(p.request[0].description.as_deref(), Some("旗帜"));
    assert_eq!(
        p.request[1].limits,
        [("最大列表长度".to_owned(), "20".to_owned())]
    );
}

#[test]
fn nested_rows_in_a_spanning_row() {
    let p = page(&format!(
        "{TITLE}<h2>响应参数</h2><table>{RESP_HEAD}\
         <tr><td>result</td><td>IotResult</td><td>result</td><td>结果DTO</td></tr>\
         <tr><td colspan=\"4\">\
           <ul><li>data</li><li>OssTokenDto</li><li>data</li><li>结果DTO</li></ul>\
           <ul><li>└ access_key_id</li><li>String</li><li>abc</li><li>密钥id</li></ul>\
           <ul><li>carriage</li><li>CarriageDetail</li><li>资费</li></ul>\
           <ul><li>└ └ deep</li><li>Number</li><li></li><li>深</li></ul>\
         </td></tr></table>"
    ));
    let mut result = row("result", "IotResult", 0);
    result.example = Some("result".into());
    result.description = Some("结果DTO".into());
    let mut data = row("data", "OssTokenDto", 1);
    data.example = Some("data".into());
    data.description = Some("结果DTO".into());
    let mut key = row("access_key_id", "String", 2);
    key.example = Some("abc".into());
    key.description = Some("密钥id".into());
    let mut carriage = row("carriage", "CarriageDetail", 1);
    carriage.description = Some("资费".into());
    carriage.lone_value = true;
    let mut deep = row("deep", "Number", 3);
    deep.description = Some("深".into());
    assert_eq!(no_lines(&p.response), [result, data, key, carriage, deep]);
}

#[test]
fn nested_rows_in_the_parent_cell_and_nested_lists() {
    // Lists in the parent's description cell, and a list inside a list item.
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
         <tr><td>req</td><td>Req</td><td>必须</td><td></td><td><ul><li>最大列表长度:9</li></ul></td>\
         <td>入参<ul><li>list</li><li>Item []</li><li>必须</li><li>列表\
         <ul><li>└ id</li><li>Number</li><li>可选</li><li>1</li><li>最大值:9</li><li>编号</li><li>第二行</li></ul>\
         </li></ul></td></tr></table>"
    ));
    let mut req = row("req", "Req", 0);
    req.required = Some(true);
    req.description = Some("入参".into());
    req.limits = vec![("最大列表长度".into(), "9".into())];
    let mut list = row("list", "Item []", 1);
    list.required = Some(true);
    list.description = Some("列表".into());
    list.lone_value = true;
    let mut id = row("id", "Number", 2);
    id.required = Some(false);
    id.example = Some("1".into());
    id.limits = vec![("最大值".into(), "9".into())];
    id.description = Some("编号\n第二行".into());
    assert_eq!(no_lines(&p.request), [req, list, id]);
}

#[test]
fn a_list_of_values_in_a_description_is_text() {
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
         <tr><td>t</td><td>String</td><td>可选</td><td>cod</td><td></td>\
         <td>可选值：<ul><li>cod(货到付款)</li><li>online(在线下单)</li></ul></td></tr></table>"
    ));
    assert_eq!(p.request.len(), 1);
    assert_eq!(
        p.request[0].description.as_deref(),
        Some("可选值:\ncod(货到付款)\nonline(在线下单)")
    );
}

#[test]
fn br_in_cells_and_entities() {
    let p = page(&format!(
        "{TITLE}<h2>请求参数</h2><table>{REQ_HEAD}\
         <tr><td> binds\n </td><td>String</td><td>可选</td><td>pid:vid;pid:vid</td><td></td>\
         <td>第一行<br/>第二行<br>&lt;b&gt; &amp;amp; &quot;q&quot; &#x4E2D;&#25991;&nbsp;x</td></tr></table>"
    ));
    assert_eq!(
        p.request[0].description.as_deref(),
        Some("第一行\n第二行\n<b> &amp; \"q\" 中文 x")
    );
    assert_eq!(p.request[0].name, "binds");
}

#[test]
fn examples_from_pre_with_lines_and_tabs_ignored() {
    let p = page(&format!(
        "{TITLE}<h2>请求示例</h2><ul class=\"tabs\"><li>JAVA</li><li>.NET</li></ul>\
         <pre><code>TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
         req.setName(&quot;x&quot;);\n</code></pre>\
         <h2>响应示例</h2><ul><li>XML示例</li><li>JSON示例</li></ul>\
         <pre><code>&lt;a_response&gt;\n    &lt;b&gt;1&lt;/b&gt;\n&lt;/a_response&gt;</code></pre>\
         <pre style=\"display: none\">{{\"hidden\":1}}</pre>\
         <h2>异常示例</h2><div><pre>{{\n\t\"error_response\":{{}}\n}}</pre><ol><li>1</li><li>2</li></ol></div>"
    ));
    assert_eq!(
        p.request_example.as_deref(),
        Some(
            "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
             req.setName(\"x\");"
        )
    );
    assert_eq!(
        p.response_xml.as_deref(),
        Some("<a_response>\n    <b>1</b>\n</a_response>")
    );
    assert_eq!(p.response_json, None);
    assert_eq!(
        p.error_json.as_deref(),
        Some("{\n\t\"error_response\":{}\n}")
    );
    assert_eq!(p.error_xml, None);
}

#[test]
fn code_lines_as_elements_and_br() {
    let p = page(&format!(
        "{TITLE}<h2>响应示例</h2><pre><div class=\"line\">&lt;x&gt;</div><div class=\"line\">  \
         &lt;y/&gt;</div><span>&lt;/x&gt;</span></pre>\
         <h2>异常示例</h2><pre>&lt;error_response&gt;<br>&lt;/error_response&gt;</pre>"
    ));
    assert_eq!(p.response_xml.as_deref(), Some("<x>\n  <y/>\n</x>"));
    assert_eq!(
        p.error_xml.as_deref(),
        Some("<error_response>\n</error_response>")
    );
}

#[test]
fn java_tab_is_chosen_among_several_shown_tabs() {
    let p = page(&format!(
        "{TITLE}<h2>请求示例</h2><pre>curl -X POST x</pre>\
         <pre>TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);</pre>\
         <pre>$c = new TopClient;</pre>"
    ));
    assert_eq!(
        p.request_example.as_deref(),
        Some("TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);")
    );
}

#[test]
fn chrome_is_ignored() {
    let p = page(&format!(
        "<nav><h1>taobao.nav.item (导航)</h1><h2>请求参数</h2></nav>\
         <aside><pre>&lt;x/&gt;</pre></aside><script>var h = '<h1>a.b (c)</h1>';</script>\
         {TITLE}<div hidden><h2>响应示例</h2></div><button>API测试</button><p>描述</p>\
         <footer>© 淘宝</footer>"
    ));
    assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
    assert_eq!(p.description.as_deref(), Some("描述\n© 淘宝"));
    assert_eq!(p.sections, [Section::Header]);
}

#[test]
fn mirror_layout_title_and_api_name_section() {
    let p = page(
        "<div class=\"logo\"><h1>淘宝客API</h1></div><h1>获取淘宝系统当前时间</h1>\
         <h2>接口名称</h2><p>taobao.time.get</p><h2>调用方法</h2><p>https://x/?a=1&amp;b=2</p>\
         <h2>请求参数</h2><table><tr><th>名称</th><th>类型</th><th>必须</th><th>示例值</th><th>描述</th></tr></table>",
    );
    assert_eq!(p.name.as_deref(), Some("taobao.time.get"));
    assert_eq!(p.title.as_deref(), Some("获取淘宝系统当前时间"));
    assert_eq!(p.description, None);
    assert_eq!(p.sections, [Section::Header, Section::Request]);
    assert!(p.request.is_empty());
}

#[test]
fn row_lines_are_source_lines() {
    let html = "<html><body>\n<h1>a.b (c)</h1>\n<h2>响应参数</h2>\n<table>\n\
                <tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr>\n\
                <tr>\n<td>x</td><td>T</td><td></td><td></td></tr>\n\
                <tr><td colspan=\"4\">\n\n<ul\n class=\"n\"><li>└ y</li><li>String</li></ul></td></tr>\n\
                </table></body></html>";
    let p = read(Path::new("t.html"), html).unwrap();
    assert_eq!(p.response.len(), 2);
    assert_eq!(p.response[0].line, 6);
    // The nested row's `<ul` starts on line 10 and its start tag ends on line 11.
    assert_eq!(p.response[1].line, 11);
}

#[test]
fn normalisation_is_nfkc() {
    assert_eq!(
        clean_text("（买家，卖家）：\u{3000}a\u{a0}\u{a0}b"),
        "(买家,卖家): a b"
    );
    assert_eq!(clean_code("\n\n  a\u{ff1a} \r\n\tb  \n\n"), "  a:\n\tb");
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let path = Path::new("pages/x.html");
    let msg = |html: &str| read(path, html).unwrap_err().to_string();
    assert_eq!(
        msg(""),
        "pages/x.html: the file is empty; expected a TOP API doc page saved as HTML"
    );
    assert!(msg(" \n\t").contains("the file is empty"));
    let nul = msg("<html>\nab\0cd");
    assert!(
        nul.starts_with("pages/x.html:2:3: binary data (a NUL byte)"),
        "{nul}"
    );
    assert!(msg("taobao.time.get (获取时间)\n请求参数").contains("no HTML markup"));
    let not_top = msg("<html><body><h1>Hello</h1><h2>FAQ</h2><table></table></body></html>");
    assert!(not_top.contains("not a TOP API doc page"), "{not_top}");
}

#[test]
fn common_params_heading_alone_is_a_top_page() {
    let p = read(Path::new("t.html"), "<h2>公共参数</h2>").unwrap();
    assert_eq!(p.sections, Vec::<Section>::new());
}
