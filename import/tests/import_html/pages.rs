//! The other fixture pages, each with the traps it holds.

use super::*;

#[test]
fn trade_memo_add_limits_full_width_hidden_tab_and_cut_error_example() {
    let got = without_lines(read_fixture("taobao.trade.memo.add"));
    let mut want = page(
        "taobao.trade.memo.add",
        "对一笔交易添加备注",
        // The page's `（），` read as the text rendering's `(),`; the breadcrumb above the
        // title is not description.
        Some(
            "根据登录用户的身份(买家或卖家),自动添加相应的交易备注,不能重复调用些接口添加备注,\
             需要更新备注请用taobao.trade.memo.update",
        ),
    );
    want.request = vec![
        row(
            "tid",
            "Number",
            MUST,
            Some("123456789"),
            Some("交易编号"),
            0,
        ),
        row(
            "memo",
            "String",
            MUST,
            Some("交易备注"),
            Some("交易备注。最大长度: 1000个字节"),
            0,
        ),
        limits(
            row(
                "flag",
                "Number",
                OPT,
                Some("1"),
                Some(
                    "交易备注旗帜,可选值为:0(灰色), 1(红色), 2(黄色), 3(绿色), 4(蓝色), \
                     5(粉红色),默认值为0",
                ),
                0,
            ),
            &[("默认值", "0")],
        ),
        row("tag", "String", OPT, Some("红色旗子"), Some("插旗备注"), 0),
    ];
    want.response = vec![
        row(
            "trade",
            "Trade",
            None,
            None,
            Some("对一笔交易添加备注后返回其对应的Trade,Trade中可用的返回字段有tid和created"),
            0,
        ),
        row(
            "tid",
            "Number",
            None,
            Some("2231958349"),
            Some("交易编号 (父订单的交易编号)"),
            2,
        ),
        row(
            "created",
            "Date",
            None,
            Some("2000-01-01 00:00:00"),
            Some("交易创建时间。格式:yyyy-MM-dd HH:mm:ss"),
            2,
        ),
    ];
    want.request_example = Some(
        "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);
TradeMemoAddRequest req = new TradeMemoAddRequest();
req.setTid(123456789L);
req.setMemo(\"交易备注\");
req.setFlag(1L);
req.setTag(\"红色旗子\");
TradeMemoAddResponse rsp = client.execute(req, sessionKey);
System.out.println(rsp.getBody());"
            .into(),
    );
    want.response_xml = Some(
        "<trade_memo_add_response>
    <trade>
        <tid>2231958349</tid>
        <created>2000-01-01 00:00:00</created>
    </trade>
</trade_memo_add_response>"
            .into(),
    );
    // The JSON tab's pane is in the file but hidden (`display: none`): not shown, not read.
    want.response_json = None;
    // Cut off where the text copy is cut off.
    want.error_xml = Some(ERROR_XML.replace("</error_response>", "</error_re"));
    want.sections = ALL_SECTIONS.to_vec();
    assert_eq!(got, want);
}

#[test]
fn time_get_mirror_layout() {
    let got = without_lines(read_fixture("taobao.time.get"));
    // Title heading without the API name; the name is under 接口名称; no description; an
    // empty request table with 必须 instead of 是否必须; JSON examples with a line-number
    // gutter after the code.
    let mut want = page("taobao.time.get", "获取淘宝系统当前时间", None);
    want.response = vec![row(
        "time",
        "Date",
        None,
        Some("2000-01-01 00:00:00"),
        Some("淘宝系统当前时间。格式:yyyy-MM-dd HH:mm:ss"),
        0,
    )];
    want.response_json = Some(
        "{
    \"time_get_response\":{
        \"time\":\"2000-01-01 00:00:00\"
    }
}"
        .into(),
    );
    want.error_json = Some(
        "{
\t\"error_response\":{
\t\t\"sub_msg\":\"非法参数\",
\t\t\"code\":50,
\t\t\"sub_code\":\"isv.invalid-parameter\",
\t\t\"msg\":\"Remote service error\"
\t}
}"
        .into(),
    );
    want.sections = vec![
        Section::Header,
        Section::Request,
        Section::Response,
        Section::ResponseExample,
        Section::ErrorExample,
    ];
    assert_eq!(got, want);
}

#[test]
fn product_add_max_length_br_and_cut_in_the_request_table() {
    let got = without_lines(read_fixture("taobao.product.add"));
    let mut want = page(
        "taobao.product.add",
        "上传一个产品,不包括产品非主图和属性图片",
        Some(
            "获取类目ID,必需是叶子类目ID;调用taobao.itemcats.get.v2获取 传入关键属性,结构:pid:vid;\
             pid:vid.调用taobao.itemprops.get.v2获取pid, 调用taobao.itempropvalues.get获取vid;\
             如果碰到用户自定义属性,请用customer_props. 新增:套装产品发布,目前支持单件多个即 A*2 \
             形式的套装",
        ),
    );
    want.request = vec![
        row(
            "cid",
            "Number",
            MUST,
            Some("5300012"),
            Some("商品类目ID.调用taobao.itemcats.get获取;注意:必须是叶子类目 id."),
            0,
        ),
        row(
            "name",
            "String",
            OPT,
            Some("笔记本"),
            Some("产品名称,最大30个字符."),
            0,
        ),
        row(
            "price",
            "String",
            OPT,
            Some("200.07"),
            Some("产品市场价.精确到2位小数;单位为元.如:200.07"),
            0,
        ),
        limits(
            row(
                "image",
                "byte[]",
                MUST,
                Some("我是被上传的文件内容"),
                Some("产品主图片.最大1M,目前仅支持GIF,JPG."),
                0,
            ),
            &[("最大长度", "1048576")],
        ),
        row(
            "outer_id",
            "String",
            OPT,
            Some("96330012"),
            Some("外部产品ID"),
            0,
        ),
        row(
            "props",
            "String",
            OPT,
            Some("pid:vid;pid:vid"),
            Some(
                "关键属性 结构:pid:vid;pid:vid.调用taobao.itemprops.get获取pid,\
                 调用taobao.itempropvalues.get获取vid;如果碰到用户自定义属性,请用customer_props.",
            ),
            0,
        ),
        // `<br/>` in the description: its lines joined with `\n`.
        limits(
            row(
                "binds",
                "String",
                OPT,
                Some("pid:vid;pid:vid"),
                Some(
                    "非关键属性结构:pid:vid;pid:vid.\n\
                     非关键属性不包含关键属性、销售属性、用户自定义属性、商品属性;\n\
                     调用taobao.itemprops.get获取pid,调用taobao.itempropvalues.get获取vid.\n\
                     注:支持最大长度为512字节",
                ),
                0,
            ),
            &[("最大长度", "512")],
        ),
        row(
            "sale_props",
            "String",
            OPT,
            Some("pid:vid;pid:vid"),
            Some(
                "销售属性结构:pid:vid;pid:vid.调用taobao.itemprops.get获取is_sale_prop=true的pid,\
                 调用taobao.itempropvalues.get获取vid.",
            ),
            0,
        ),
        row(
            "customer_props",
            "String",
            OPT,
            Some("20000:优衣库:型号:001:632501:1234"),
            Some(
                "用户自定义属性,结构:pid1:value1;pid2:value2,如果有型号,系列等子属性用: 隔开 \
                 例如:“20000:优衣库:型号:001;632501:1234”,表示“品牌:优衣库:型号:001;货号:1234”\n\
                 注:包含所有自定义属性的传入",
            ),
            0,
        ),
        // The file ends in this row's example cell.
        row("desc", "String", OPT, Some("这是产品"), None, 0),
    ];
    want.sections = vec![Section::Header, Section::Request];
    assert_eq!(got, want);
}

#[test]
fn servicecenter_picture_upload_nested_rows_in_the_parent_cell_and_cut_xml() {
    let got = without_lines(read_fixture("tmall.servicecenter.picture.upload"));
    let mut want = page(
        "tmall.servicecenter.picture.upload",
        "上传图片",
        Some(
            "给服务商ERP系统使用,用于上传图片保存在天猫,一般用于工单信息回传时候保存服务商的服务证明\
             信息相关的图片。",
        ),
    );
    want.request = vec![
        row(
            "img",
            "byte[]",
            MUST,
            Some("null"),
            Some("图片文件二进制流"),
            0,
        ),
        limits(
            row(
                "picture_name",
                "String",
                MUST,
                Some("1.jpg"),
                Some("图片全称包括扩展名。目前支持 jpg jpeg png"),
                0,
            ),
            &[("最大长度", "32")],
        ),
        limits(
            row(
                "is_https",
                "Boolean",
                OPT,
                Some("true"),
                Some("true返回Https地址"),
                0,
            ),
            &[("默认值", "true")],
        ),
    ];
    want.response = vec![
        row("result", "ResultBase", None, None, Some("result"), 0),
        row(
            "error_code",
            "Number",
            None,
            Some("123"),
            Some("errorCode"),
            2,
        ),
        row(
            "error_msg",
            "String",
            None,
            Some("demo"),
            Some("errorMsg"),
            2,
        ),
        row(
            "success",
            "Boolean",
            None,
            Some("false"),
            Some("success"),
            2,
        ),
        // A nested row without `└` in the middle of the run: depth 1, as drawn.
        row(
            "value",
            "PictureInfoTo",
            None,
            Some(
                "{ \"pictureUrl\":\"https://taobao.cdn.com/3243543543543/435.jpg\", \
                 \"sizes\":10240, \"pixel\":\"240*490\" }",
            ),
            Some("图片链接等信息"),
            1,
        ),
        row(
            "picture_url",
            "String",
            None,
            Some("https://taobao.cdn.com/3243543543543/435.jpg"),
            Some("pictureUrl"),
            2,
        ),
        row("pixel", "String", None, Some("200×300"), Some("pixel"), 2),
        row("sizes", "Number", None, Some("102400"), Some("sizes"), 2),
    ];
    want.request_example = Some(
        "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);
TmallServicecenterPictureUploadRequest req = new TmallServicecenterPictureUploadRequest();
req.setImg(new FileItem(\"/tmp/file.txt\"));
req.setPictureName(\"1.jpg\");
req.setIsHttps(true);
TmallServicecenterPictureUploadResponse rsp = client.execute(req, sessionKey);
System.out.println(rsp.getBody());"
            .into(),
    );
    want.response_xml = Some(
        "<tmall_servicecenter_picture_upload_response>
    <result>
        <error_code>123</error_code>
        <error_msg>demo</error_msg>"
            .into(),
    );
    want.sections = vec![
        Section::Header,
        Section::Request,
        Section::Response,
        Section::RequestExample,
        Section::ResponseExample,
    ];
    assert_eq!(got, want);
}

#[test]
fn qimen_station_sync_nested_request_rows_and_cut_response_table() {
    let got = without_lines(read_fixture(
        "qimen.alibaba.wdk.vertical.nb.station.single.sync",
    ));
    let mut want = page(
        "qimen.alibaba.wdk.vertical.nb.station.single.sync",
        "盒马NB业务基础资料增量同步",
        Some("盒马NB业务基础资料增量同步渠道侧"),
    );
    // Nested request rows: name, type, 必须/可选, then example and description; a row with
    // one item after 必须/可选 has it as its description.
    let nested = |name: &str, ty: &str, required, example, description| {
        row(name, ty, required, example, description, 2)
    };
    want.request = vec![
        limits(
            row(
                "channelShopInfoRequest",
                "ChannelShopInfoRequest []",
                MUST,
                None,
                Some("入参"),
                0,
            ),
            &[("最大列表长度", "999999")],
        ),
        row(
            "stationList",
            "StationList []",
            MUST,
            None,
            Some("自提店信息"),
            1,
        ),
        nested("area", "String", MUST, None, Some("丰台区")),
        nested("stationCode", "String", MUST, Some("a"), Some("自提店编码")),
        nested(
            "address",
            "String",
            MUST,
            Some("北京市丰台区南四环中路235号"),
            Some("详细地址"),
        ),
        nested("city", "String", MUST, Some("北京市"), Some("城市")),
        nested("area_code", "String", OPT, Some("110106"), Some("区编码")),
        nested("city_code", "String", OPT, Some("110100"), Some("城市编码")),
        nested(
            "stationName",
            "String",
            MUST,
            Some("北京a自提店"),
            Some("自提点名称"),
        ),
        nested(
            "operationType",
            "String",
            MUST,
            Some("UPDATE"),
            Some("操作类型"),
        ),
        nested("phoneList", "String []", OPT, None, Some("联系方式")),
        nested(
            "position",
            "String",
            MUST,
            Some("116.363416,39.834259"),
            Some("经纬度"),
        ),
        nested("prov_code", "String", OPT, Some("110000"), Some("省编码")),
        nested("prov", "String", MUST, None, Some("北京")),
        nested(
            "imageUrl",
            "String",
            OPT,
            Some("https://"),
            Some("自提店图片"),
        ),
        nested(
            "stationSource",
            "String",
            OPT,
            Some("NB"),
            Some("自提点来源(NB/O2O)"),
        ),
        nested(
            "channelShopId",
            "String",
            MUST,
            Some("571150193"),
            Some("渠道店ID"),
        ),
        nested(
            "channelShopName",
            "String",
            MUST,
            Some("NB自提北京"),
            Some("渠道店名称"),
        ),
    ];
    want.response = vec![
        row(
            "success",
            "Boolean",
            None,
            Some("false"),
            Some("是否成功"),
            0,
        ),
        // The file ends inside this row's name cell: the name as far as it goes, no type.
        row("errorMessag", "", None, None, None, 0),
    ];
    want.sections = vec![Section::Header, Section::Request, Section::Response];
    // A nested row's list has no item for an empty cell: a row with one value after its
    // type and flag does not say whether it is the example or the description.
    for r in &mut want.request {
        r.lone_value = r.depth > 0 && r.example.is_none() && r.description.is_some();
    }
    assert_eq!(got, want);
}
