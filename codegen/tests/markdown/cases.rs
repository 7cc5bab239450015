//! Real fragments from TOP's metadata and every rule on its own, with their exact Markdown.

use crate::rustdoc::{Allowed, problems};
use codegen::markdown::{description_to_markdown, description_to_markdown_line};

/// Descriptions copied from TOP's API metadata, and what they must become.
const REAL: &[(&str, &str)] = &[
    (
        "质检标准<br/>status=3 时必须非空",
        "质检标准\\\nstatus=3 时必须非空",
    ),
    (
        "公司名称,<br/><br><font color='red'>公司名称长能不能超过20字节</font>",
        "公司名称,\n\n公司名称长能不能超过20字节",
    ),
    (
        "UNPAY Unpaid order <br /> PAYING The order is being paid and it needs to wait for about 1 minute,<br /> PAY_SUCCESS Order payment is successful,<br /> PAY_FAILED Order payment failed",
        "UNPAY Unpaid order\\\nPAYING The order is being paid and it needs to wait for about 1 minute,\\\nPAY_SUCCESS Order payment is successful,\\\nPAY_FAILED Order payment failed",
    ),
    (
        "首费标准：当valuation(记价方式)为0时输入1-9999范围内的整数<br><font color=blue>首费标准目前只能为1</br>\n<br><font color=red>输入的格式分号个数和template_types数量一致，逗号个数必须与template_dests以分号隔开之后一一对应的数量一致</font>",
        "首费标准：当valuation(记价方式)为0时输入1-9999范围内的整数\\\n首费标准目前只能为1\n\n输入的格式分号个数和template_types数量一致，逗号个数必须与template_dests以分号隔开之后一一对应的数量一致",
    ),
    (
        "产品的销售属性字符串列表.格式同props_str(<strong>注：</strong><font color=\"red\">属性名称中的冒号\":\"被转换为：\"#cln#\";  \n分号\";\"被转换为：\"#scln#\"\n</font>)",
        "产品的销售属性字符串列表.格式同props_str(**注**：属性名称中的冒号\\\":\\\"被转换为：\\\"#cln#\\\";\\\n分号\\\";\\\"被转换为：\\\"#scln#\\\"\\\n)",
    ),
    (
        "<span style=\"color:red;font-weight: bold;\">税收分类编码</span>，税号升级商品编码版本后必填",
        "税收分类编码，税号升级商品编码版本后必填",
    ),
    (
        "批量获取商品详细信息\n<br/><strong><a href=\"https://console.open.taobao.com/dingWeb.htm?from=itemapi\" target=\"_blank\">点击查看更多商品API说明</a></strong>",
        "批量获取商品详细信息\\\n**[点击查看更多商品API说明](https://console.open.taobao.com/dingWeb.htm?from=itemapi)**",
    ),
    (
        "在is_enum_prop是true的前提下，是否是卖家可以自行输入的属性（注：如果is_enum_prop返回false，该参数统一返回false）。可选值:true(是),false(否)。<b>对于品牌和型号属性（包括子属性）：如果用户是C卖家，则可自定义属性；如果是B卖家，则不可自定义属性，而必须要授权的属性。</b>",
        "在is_enum_prop是true的前提下，是否是卖家可以自行输入的属性（注：如果is_enum_prop返回false，该参数统一返回false）。可选值:true(是),false(否)。**对于品牌和型号属性（包括子属性）：如果用户是C卖家，则可自定义属性；如果是B卖家，则不可自定义属性，而必须要授权的属性。**",
    ),
    (
        "交易状态（<a href=\"http://open.taobao.com/doc/detail.htm?id=102856\" target=\"_blank\">查看可选值</a>），默认查询所有交易状态的数据，除了默认值外每次只能查询一种状态。",
        "交易状态（[查看可选值](http://open.taobao.com/doc/detail.htm?id=102856)），默认查询所有交易状态的数据，除了默认值外每次只能查询一种状态。",
    ),
    (
        "设施服务。JSON格式。 value值true有此服务，false没有。 bar：吧台，catv：有线电视，ddd：国内长途电话，idd：国际长途电话，toilet：独立卫生间，pubtoliet：公共卫生间。 如： {&quot;bar&quot;:false,&quot;catv&quot;:false,&quot;ddd&quot;:false,&quot;idd&quot;:false,&quot;pubtoilet&quot;:false,&quot;toilet&quot;:false}",
        "设施服务。JSON格式。 value值true有此服务，false没有。 bar：吧台，catv：有线电视，ddd：国内长途电话，idd：国际长途电话，toilet：独立卫生间，pubtoliet：公共卫生间。 如： {\\\"bar\\\":false,\\\"catv\\\":false,\\\"ddd\\\":false,\\\"idd\\\":false,\\\"pubtoilet\\\":false,\\\"toilet\\\":false}",
    ),
    (
        "酒店描述文本，&lt;1500字符 酒店结构化信息和文本描述二选一",
        "酒店描述文本，\\<1500字符 酒店结构化信息和文本描述二选一",
    ),
    (
        "城市.请注意:从2014.4.23之后,省市将采用地区标准码,请通过物流API taobao.areas.get接口获取,参考:http://api.taobao.com/apidoc/api.htm?spm=0.0.0.0.nOOF9g&amp;path=cid:7-apiId:59.API对于老的省市代码兼容会逐步下线.",
        "城市.请注意:从2014.4.23之后,省市将采用地区标准码,请通过物流API taobao.areas.get接口获取,参考:<http://api.taobao.com/apidoc/api.htm?spm=0.0.0.0.nOOF9g&path=cid:7-apiId:59.API>对于老的省市代码兼容会逐步下线.",
    ),
    (
        "商品属性名称。标识着props内容里面的pid和vid所对应的名称。格式为：pid1:vid1:pid_name1:vid_name1;pid2:vid2:pid_name2:vid_name2&hellip;&hellip;(<strong>注：</strong><font color=\"red\">属性名称中的冒号&quot;:&quot;被转换为：&quot;#cln#&quot;;  分号&quot;;&quot;被转换为：&quot;#scln#&quot;</font>)",
        "商品属性名称。标识着props内容里面的pid和vid所对应的名称。格式为：pid1:vid1:pid_name1:vid_name1;pid2:vid2:pid_name2:vid_name2……(**注**：属性名称中的冒号\\\":\\\"被转换为：\\\"#cln#\\\"; 分号\\\";\\\"被转换为：\\\"#scln#\\\")",
    ),
    (
        "任务&ldquo;已读&rdquo;、&ldquo;未读&rdquo;状态，0：已读，1：未读",
        "任务“已读”、“未读”状态，0：已读，1：未读",
    ),
    (
        "卖家可选单位List<单位id，单位名>",
        "卖家可选单位List\\<单位id，单位名>",
    ),
    (
        "List<Map<String, Object>>数据结构，List中的每一个条目是一个Map对象，key为属性名称，value为对应的值",
        "List\\<Map\\<String, Object>>数据结构，List中的每一个条目是一个Map对象，key为属性名称，value为对应的值",
    ),
    (
        "用户根据淘宝交易号查询物流流转信息，如2010-8-10 15：23：00到达杭州集散地。<br/>此接口的返回信息都由物流公司提供。（备注：使用线下发货（offline.send）的运单，不支持运单状态的实时跟踪，只要一发货，状态就会变为<status>对方已签收</status>，该字段仅对线上发货（online.send）的运单有效。）",
        "用户根据淘宝交易号查询物流流转信息，如2010-8-10 15：23：00到达杭州集散地。\\\n此接口的返回信息都由物流公司提供。（备注：使用线下发货（offline.send）的运单，不支持运单状态的实时跟踪，只要一发货，状态就会变为\\<status>对方已签收\\</status>，该字段仅对线上发货（online.send）的运单有效。）",
    ),
    ("Result<AppInfo>", "Result\\<AppInfo>"),
    ("商品描述(长度<=5000)", "商品描述(长度\\<=5000)"),
    ("一口价[单位为分]", "一口价\\[单位为分\\]"),
    ("外币，单位:元*100", "外币，单位:元\\*100"),
    (
        "对订单添加标签和更新标签。标签分为官方标签和自定义标签。<br/>官方标签目前有:赠品,电子发票,收货地址变更,预售。具体格式说明请看http://open.taobao.com/doc/detail.htm?id=102731<br/>自定义标签有2个通用属性:<br/>    `show_str:给消费者显示的字符串（如果可以显示的话）<br/>    `pic_urls:图片url,地址必须是图片空间的url,最多5张",
        "对订单添加标签和更新标签。标签分为官方标签和自定义标签。\\\n官方标签目前有:赠品,电子发票,收货地址变更,预售。具体格式说明请看<http://open.taobao.com/doc/detail.htm?id=102731>\\\n自定义标签有2个通用属性:\\\n\\`show_str:给消费者显示的字符串（如果可以显示的话）\\\n\\`pic_urls:图片url,地址必须是图片空间的url,最多5张",
    ),
    ("描述长度(9~200)", "描述长度(9\\~200)"),
    (
        "购方电子邮箱，需满足邮箱格式。  格式要求：\\\\w+([-+.]\\\\w+)*@\\\\w+([-.]\\\\w+)*\\\\.\\\\w+([-.]\\\\w+)*",
        "购方电子邮箱，需满足邮箱格式。 格式要求：\\\\\\\\w+(\\[-+.\\]\\\\\\\\w+)\\*@\\\\\\\\w+(\\[-.\\]\\\\\\\\w+)\\*\\\\\\\\.\\\\\\\\w+(\\[-.\\]\\\\\\\\w+)\\*",
    ),
    (
        "省份编码http://hotel.alitrip.com/area.htm",
        "省份编码<http://hotel.alitrip.com/area.htm>",
    ),
    (
        "1. 用车支付 2. 服务费 3. 用车取消后收费 101. 用车退款 102. 用车赔付",
        "1\\. 用车支付 2. 服务费 3. 用车取消后收费 101. 用车退款 102. 用车赔付",
    ),
    (
        "搜索当前会话用户作为卖家已卖出的交易数据（只能获取到三个月以内的交易信息）<br/>\n1. 返回的数据结果是以订单的创建时间倒序排列的。<br/>\n注意：type字段的说明，如果该字段不传，接口默认只查4种类型订单，非默认查询的订单是不返回。遇到订单查不到的情况的，通常都是这个原因造成。解决办法就是type加上订单类型就可正常返回了。<br/>\n2.入参fields中传入buyer_nick ，才能返回buyer_open_id",
        "搜索当前会话用户作为卖家已卖出的交易数据（只能获取到三个月以内的交易信息）\\\n1\\. 返回的数据结果是以订单的创建时间倒序排列的。\\\n注意：type字段的说明，如果该字段不传，接口默认只查4种类型订单，非默认查询的订单是不返回。遇到订单查不到的情况的，通常都是这个原因造成。解决办法就是type加上订单类型就可正常返回了。\\\n2.入参fields中传入buyer_nick ，才能返回buyer_open_id",
    ),
    ("标题  \t", "标题"),
    (
        "获取单笔交易的部分信息\n<br/><a href=\"https://console.open.taobao.com/dingWeb.htm?from=tradeapi\" target=\"_blank\">点击查看更多交易API说明</a>",
        "获取单笔交易的部分信息\\\n[点击查看更多交易API说明](https://console.open.taobao.com/dingWeb.htm?from=tradeapi)",
    ),
    ("淘宝用户ID列表，用|分割", "淘宝用户ID列表，用|分割"),
    (
        "文件夹名称，最长50个字符，仅可输入中英文、数字及!@#%^&()-=_+.,~`特殊字符。",
        "文件夹名称，最长50个字符，仅可输入中英文、数字及!@#%^&()-=\\_+.,\\~\\`特殊字符。",
    ),
    (
        "<优惠明细,分为单位>优惠类型为[减价],则代表直降金额[如700,表示商品直降7元];优惠券类型为[一口价],则代表一口价[如700,表示商品一口价为7元];优惠券类型为[打折],则代表折扣[如700,表示打7折]",
        "\\<优惠明细,分为单位>优惠类型为\\[减价\\],则代表直降金额\\[如700,表示商品直降7元\\];优惠券类型为\\[一口价\\],则代表一口价\\[如700,表示商品一口价为7元\\];优惠券类型为\\[打折\\],则代表折扣\\[如700,表示打7折\\]",
    ),
    (
        "ServicePacket<ServiceTaskDO>",
        "ServicePacket\\<ServiceTaskDO>",
    ),
    (
        "Map<Integer, String> json格式",
        "Map\\<Integer, String> json格式",
    ),
    (
        "图片列表List<URL>，最多100张,json格式 比如： [\"www.baoud.com\",\"www.alibb.com\",\"www.accww.com\"]",
        "图片列表List\\<URL>，最多100张,json格式 比如： \\[\\\"www.baoud.com\\\",\\\"www.alibb.com\\\",\\\"www.accww.com\\\"\\]",
    ),
    (
        "订单状态（请关注此状态，如果为TRADE_CLOSED_BY_TAOBAO状态，则不要对此订单进行发货，切记啊！）。可选值: <ul><li>TRADE_NO_CREATE_PAY(没有创建支付宝交易) <li>WAIT_BUYER_PAY(等待买家付款) <li>WAIT_SELLER_SEND_GOODS(等待卖家发货,即:买家已付款) <li>WAIT_BUYER_CONFIRM_GOODS(等待买家确认收货,即:卖家已发货) <li>TRADE_BUYER_SIGNED(买家已签收,货到付款专用) <li>TRADE_FINISHED(交易成功) <li>TRADE_CLOSED(付款以后用户退款成功，交易自动关闭) <li>TRADE_CLOSED_BY_TAOBAO(付款以前，卖家或买家主动关闭交易)<li>PAY_PENDING(国际信用卡支付付款确认中)",
        "订单状态（请关注此状态，如果为TRADE_CLOSED_BY_TAOBAO状态，则不要对此订单进行发货，切记啊！）。可选值:\n\n- TRADE_NO_CREATE_PAY(没有创建支付宝交易)\n- WAIT_BUYER_PAY(等待买家付款)\n- WAIT_SELLER_SEND_GOODS(等待卖家发货,即:买家已付款)\n- WAIT_BUYER_CONFIRM_GOODS(等待买家确认收货,即:卖家已发货)\n- TRADE_BUYER_SIGNED(买家已签收,货到付款专用)\n- TRADE_FINISHED(交易成功)\n- TRADE_CLOSED(付款以后用户退款成功，交易自动关闭)\n- TRADE_CLOSED_BY_TAOBAO(付款以前，卖家或买家主动关闭交易)\n- PAY_PENDING(国际信用卡支付付款确认中)",
    ),
    (
        "订单状态（请关注此状态，如果为TRADE_CLOSED_BY_TAOBAO状态，则不要对此订单进行发货，切记啊！）。可选值: <ul><li>TRADE_NO_CREATE_PAY(没有创建支付宝交易) </li><li>WAIT_BUYER_PAY(等待买家付款) </li><li>WAIT_SELLER_SEND_GOODS(等待卖家发货,即:买家已付款) </li><li>WAIT_BUYER_CONFIRM_GOODS(等待买家确认收货,即:卖家已发货) </li><li>TRADE_BUYER_SIGNED(买家已签收,货到付款专用) </li><li>TRADE_FINISHED(交易成功) </li><li>TRADE_CLOSED(付款以后用户退款成功，交易自动关闭) </li><li>TRADE_CLOSED_BY_TAOBAO(付款以前，卖家或买家主动关闭交易)</li><li>PAY_PENDING(国际信用卡支付付款确认中)</li></ul>",
        "订单状态（请关注此状态，如果为TRADE_CLOSED_BY_TAOBAO状态，则不要对此订单进行发货，切记啊！）。可选值:\n\n- TRADE_NO_CREATE_PAY(没有创建支付宝交易)\n- WAIT_BUYER_PAY(等待买家付款)\n- WAIT_SELLER_SEND_GOODS(等待卖家发货,即:买家已付款)\n- WAIT_BUYER_CONFIRM_GOODS(等待买家确认收货,即:卖家已发货)\n- TRADE_BUYER_SIGNED(买家已签收,货到付款专用)\n- TRADE_FINISHED(交易成功)\n- TRADE_CLOSED(付款以后用户退款成功，交易自动关闭)\n- TRADE_CLOSED_BY_TAOBAO(付款以前，卖家或买家主动关闭交易)\n- PAY_PENDING(国际信用卡支付付款确认中)",
    ),
    (
        "获取单个商品的全部信息\n<br/><strong><a href=\"https://console.open.taobao.com/dingWeb.htm?from=itemapi\" target=\"_blank\">点击查看更多商品API说明</a></strong>",
        "获取单个商品的全部信息\\\n**[点击查看更多商品API说明](https://console.open.taobao.com/dingWeb.htm?from=itemapi)**",
    ),
    (
        "查询标准地址区域代码信息。可以直接参考最新的行政区域代码：\n<a href=\"http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/\" target=\"_blank\"> http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/</a>",
        "查询标准地址区域代码信息。可以直接参考最新的行政区域代码：\\\n<http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/>",
    ),
    (
        "区、县<br/><br><font color='red'>如果所在地区是海外的可以为空，否则为必参</font>",
        "区、县\n\n如果所在地区是海外的可以为空，否则为必参",
    ),
    (
        "备注,<br><font color='red'>备注不能超过256字节</font>",
        "备注,\\\n备注不能超过256字节",
    ),
    ("Map<String,String>", "Map\\<String,String>"),
    ("List<TopOrderGuest>", "List\\<TopOrderGuest>"),
    (
        "房型图片只支持远程图片，格式如下：[{\"url\":\"http://taobao.com/123.jpg\",\"ismain\":\"true\"},{\"url\":\"http://taobao.com/456.jpg\",\"ismain\":\"false\"},{\"url\":\"http://taobao.com/789.jpg\",\"ismain\":\"false\"}]其中url是远程图片的访问地址（URL地址必须是合法的，否则会报错），main是是否为主图。只能设置一张图片为主图。",
        "房型图片只支持远程图片，格式如下：\\[{\\\"url\\\":\\\"<http://taobao.com/123.jpg>\\\",\\\"ismain\\\":\\\"true\\\"},{\\\"url\\\":\\\"<http://taobao.com/456.jpg>\\\",\\\"ismain\\\":\\\"false\\\"},{\\\"url\\\":\\\"<http://taobao.com/789.jpg>\\\",\\\"ismain\\\":\\\"false\\\"}\\]其中url是远程图片的访问地址（URL地址必须是合法的，否则会报错），main是是否为主图。只能设置一张图片为主图。",
    ),
    (
        "核销流水号 //****** 20220922后对接的服务商，不支持该字段 ******",
        "核销流水号 //\\*\\*\\*\\*\\*\\* 20220922后对接的服务商，不支持该字段 \\*\\*\\*\\*\\*\\*",
    ),
    (
        "产品的非关键属性字符串列表.格式同props_str(<strong>注：</strong><font color=\"red\">属性名称中的冒号\":\"被转换为：\"#cln#\";  \n分号\";\"被转换为：\"#scln#\"\n</font>)",
        "产品的非关键属性字符串列表.格式同props_str(**注**：属性名称中的冒号\\\":\\\"被转换为：\\\"#cln#\\\";\\\n分号\\\";\\\"被转换为：\\\"#scln#\\\"\\\n)",
    ),
    (
        "为已授权的用户开通消息服务，授权消息使用。<br/><span style=\"color:red\">注意：topic覆盖更新,务必传入全量topic，或者不传topics，使用appkey订阅的所有topic</span>",
        "为已授权的用户开通消息服务，授权消息使用。\\\n注意：topic覆盖更新,务必传入全量topic，或者不传topics，使用appkey订阅的所有topic",
    ),
    (
        "北京=1,天津=2,河北省=3,山西省=4,内蒙古自治区=5,辽宁省=6,吉林省=7,黑龙江省=8,上海=9,江苏省=10,浙江省=11,安徽省=12,福建省=13,江西省=14,山东省=15,河南省=16,湖北省=17,湖南省=18, 广东省=19,广西壮族自治区=20,海南省=21,重庆=22,四川省=23,贵州省=24,云南省=25,西藏自治区26,陕西省=27,甘肃省=28,青海省=29,宁夏回族自治区=30,新疆维吾尔自治区=31,台湾省=32,香港特别行政区=33,澳门特别行政区=34,海外=35.注:请注意:从2014.4.23之后,省市将采用地区标准码,请通过物流API taobao.areas.get接口获取,参考:http://api.taobao.com/apidoc/api.htm?spm=0.0.0.0.nOOF9g&amp;path=cid:7-apiId:59.API对于老的省市代码兼容会逐步下线.",
        "北京=1,天津=2,河北省=3,山西省=4,内蒙古自治区=5,辽宁省=6,吉林省=7,黑龙江省=8,上海=9,江苏省=10,浙江省=11,安徽省=12,福建省=13,江西省=14,山东省=15,河南省=16,湖北省=17,湖南省=18, 广东省=19,广西壮族自治区=20,海南省=21,重庆=22,四川省=23,贵州省=24,云南省=25,西藏自治区26,陕西省=27,甘肃省=28,青海省=29,宁夏回族自治区=30,新疆维吾尔自治区=31,台湾省=32,香港特别行政区=33,澳门特别行政区=34,海外=35.注:请注意:从2014.4.23之后,省市将采用地区标准码,请通过物流API taobao.areas.get接口获取,参考:<http://api.taobao.com/apidoc/api.htm?spm=0.0.0.0.nOOF9g&path=cid:7-apiId:59.API>对于老的省市代码兼容会逐步下线.",
    ),
    ("三方热度分1~5", "三方热度分1\\~5"),
    (
        "新发布商品时必填。目的地，多个目的地用英文逗号分隔。地址可以使用飞猪标准地址名称，也可以使用商家系统中目的地地址（支持商家目的地id和商家目的地名称）。如果需要使用商家目的地地址，必须在目的地关联页（https://sell.alitrip.com/icenter/main.htm#/widgets/api-adaptor?_k=n61ii0）配置映射关系（一次性批量上传建立映射关系，之后度假所有类目、API接口共用该映射关系）。 商家目的地地址使用示例1：东京,大阪。示例2：123,124。说明：商家目的地id（123,124）会根据映射关系自动转换成飞猪标准地址",
        "新发布商品时必填。目的地，多个目的地用英文逗号分隔。地址可以使用飞猪标准地址名称，也可以使用商家系统中目的地地址（支持商家目的地id和商家目的地名称）。如果需要使用商家目的地地址，必须在目的地关联页（<https://sell.alitrip.com/icenter/main.htm#/widgets/api-adaptor?_k=n61ii0>）配置映射关系（一次性批量上传建立映射关系，之后度假所有类目、API接口共用该映射关系）。 商家目的地地址使用示例1：东京,大阪。示例2：123,124。说明：商家目的地id（123,124）会根据映射关系自动转换成飞猪标准地址",
    ),
    (
        "产品每日结束销售时间,当end_time<start_time时，表示end_time为第二天，此时附加限制end_time<=06:00:00并且start_time>=12:00:00,表明可售时间从当天12点到次日的凌晨6点（扩展此信息主要为了描述尾房的rp）注意start_time一定是当天的时间。尾房18：00起可售",
        "产品每日结束销售时间,当end_time\\<start_time时，表示end_time为第二天，此时附加限制end_time\\<=06:00:00并且start_time>=12:00:00,表明可售时间从当天12点到次日的凌晨6点（扩展此信息主要为了描述尾房的rp）注意start_time一定是当天的时间。尾房18：00起可售",
    ),
];

#[test]
fn real_fragments_from_top_docs() {
    assert!(REAL.len() >= 40, "{} fragments", REAL.len());
    let mut failures = Vec::new();
    for (input, expected) in REAL {
        let got = description_to_markdown(input);
        if got != *expected {
            failures.push(format!(
                "input:    {input:?}\nexpected: {expected:?}\ngot:      {got:?}"
            ));
        }
        let found = problems(&got, &Allowed::from_input(input));
        assert!(found.is_empty(), "{input:?} → {got:?}: {found:?}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// `(input, expected)` pairs, each failure reported with its input.
fn check(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let got = description_to_markdown(input);
        if got != *expected {
            failures.push(format!(
                "input:    {input:?}\nexpected: {expected:?}\ngot:      {got:?}"
            ));
        }
        let found = problems(&got, &Allowed::from_input(input));
        assert!(found.is_empty(), "{input:?} → {got:?}: {found:?}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn line_breaks_and_paragraphs() {
    check(&[
        (
            "a<br/>b<br>c<br />d</br>e<BR>f",
            "a\\\nb\\\nc\\\nd\\\ne\\\nf",
        ),
        ("a\nb", "a\\\nb"),
        // A newline next to a `<br>` is the same break, as in HTML.
        ("a\n<br/>b<br/>\nc", "a\\\nb\\\nc"),
        ("a<br/><br/>b", "a\n\nb"),
        ("a<br/> <br/>\n<br/>b", "a\n\nb"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a<p>b</p><p>c</p>d", "a\n\nb\n\nc\n\nd"),
        ("<p>a</p>", "a"),
        ("a<div>b</div>c", "a\\\nb\\\nc"),
        ("a<hr>b", "a\n\nb"),
        ("<br/><br/> a <br/><br/>", "a"),
        ("", ""),
        (" \n\t<br/> ", ""),
    ]);
}

#[test]
fn lists() {
    check(&[
        (
            "可选值:<ul><li>A(甲)</li><li>B(乙)</li></ul>之后",
            "可选值:\n\n- A(甲)\n- B(乙)\n\n之后",
        ),
        ("<ol><li>一<li>二</ol>", "1. 一\n2. 二"),
        ("<ol start=\"7\"><li>七<li>八</ol>", "7. 七\n8. 八"),
        ("<ol start=\"x\"><li>一</ol>", "1. 一"),
        // Breaks and paragraphs inside an item stay inside it, indented under its text.
        (
            "<ul><li>a<br/>b<p>c</p><br/><br/>d</li></ul>",
            "- a\\\n  b\\\n  c\\\n  d",
        ),
        ("<ol start=\"10\"><li>a<br/>b</ol>", "10. a\\\n    b"),
        ("x<li>a</li>b<br/>c<p>d", "x\n- a\\\n  b\\\n  c\n\nd"),
        // Nested lists are flattened.
        (
            "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
            "- a\n- b\n- c",
        ),
        ("<ul><li>a<ol><li>b</li></ol></li></ul>", "- a\n1. b"),
        // An item outside a list, and empty items.
        ("x<li>a<li>b", "x\n- a\n- b"),
        ("<ul><li></li><li> </li><li>a</li></ul>", "- a"),
        // Text that looks like a list item is text.
        (
            "- a<br/>+ b<br/>1. c<br/>2) d",
            "\\- a\\\n\\+ b\\\n1\\. c\\\n2\\) d",
        ),
        ("<li>- a", "- \\- a"),
        ("<li># a", "- \\# a"),
    ]);
}

#[test]
fn links() {
    check(&[
        (
            "见<a href=\"https://open.taobao.com/doc.htm?docId=1&amp;docType=2\" target=\"_blank\">文档</a>。",
            "见[文档](https://open.taobao.com/doc.htm?docId=1&docType=2)。",
        ),
        (
            "<a href='http://a.cn/x'>http://a.cn/x</a>",
            "<http://a.cn/x>",
        ),
        (
            "<a href=http://a.cn/x> http://a.cn/x </a>",
            "<http://a.cn/x>",
        ),
        ("<a href=\"http://a.cn/x\"></a>", "<http://a.cn/x>"),
        ("<A HREF=\"HTTPS://A.CN\">A</A>", "[A](HTTPS://A.CN)"),
        (
            "<a href=\"mailto:open@taobao.com\">邮件</a>",
            "[邮件](mailto:open@taobao.com)",
        ),
        // Only http, https and mailto: other links keep their text.
        ("<a href=\"javascript:alert(1)\">点</a>", "点"),
        ("<a href=\"/doc.htm\">相对</a>", "相对"),
        ("<a href=\"//a.cn\">协议相对</a>", "协议相对"),
        ("<a name=\"top\">锚</a>", "锚"),
        ("<a href=\"http://\">空</a>", "空"),
        // Characters that would end the destination are encoded.
        (
            "<a href=\"http://a.cn/a b(c)<d>\\e`\">x</a>",
            "[x](http://a.cn/a%20b%28c%29%3Cd%3E%5Ce%60)",
        ),
        // Link text is escaped; a URL in it stays text (rustdoc does not check link text).
        (
            "<a href=\"http://a.cn\">[1] *x* see http://b.cn</a>",
            "[\\[1\\] \\*x\\* see http://b.cn](http://a.cn)",
        ),
        // A line break inside a link is a space; a block ends the link.
        ("<a href=\"http://a.cn\">a<br/>b</a>", "[a b](http://a.cn)"),
        (
            "<a href=\"http://a.cn\">a<p>b</a>c",
            "[a](http://a.cn)\n\nbc",
        ),
        // Unclosed, nested and stray `</a>`.
        ("<a href=\"http://a.cn\">a", "[a](http://a.cn)"),
        ("<a href=\"http://a.cn\">", "<http://a.cn>"),
        (
            "<a href=\"http://a.cn\">a<a href=\"http://b.cn\">b</a>c</a>",
            "[ab](http://a.cn)c",
        ),
        ("a</a>b", "ab"),
        // `!` before a link would make an image.
        (
            "注意!<a href=\"http://a.cn\">链接</a>",
            "注意\\![链接](http://a.cn)",
        ),
    ]);
}

#[test]
fn bold_and_italic() {
    check(&[
        (
            "<b>粗</b>体 <strong>强</strong> <B>大</B>",
            "**粗**体 **强** **大**",
        ),
        ("<i>斜</i> <em>强调</em>", "*斜* *强调*"),
        ("<b>a<b>b</b>c</b>", "**abc**"),
        ("<b>unclosed", "**unclosed**"),
        ("</b>stray", "stray"),
        ("<b></b>x<b> </b>", "x"),
        // Spaces and punctuation at the inside edges move out where Markdown needs it.
        ("a <b> x </b>b", "a **x** b"),
        ("(<strong>注：</strong>属性)", "(**注**：属性)"),
        ("注意<b>（重要）</b>事项", "注意（**重要**）事项"),
        // Emphasis split by a line break is closed and reopened on each line.
        ("<b>a<br/>b</b>", "**a**\\\n**b**"),
        ("<b>a<p>b</b>", "**a**\n\n**b**"),
        // Emphasis around a link.
        (
            "<strong><a href=\"http://a.cn\">点击</a></strong>",
            "**[点击](http://a.cn)**",
        ),
        // Markdown would not read these: the text stays, plain.
        (
            "见<b><a href=\"http://a.cn\">链接</a></b>",
            "见[链接](http://a.cn)",
        ),
        ("x<b>http://a.cn</b>y", "x<http://a.cn>y"),
    ]);
}

#[test]
fn other_tags() {
    check(&[
        (
            "<font color=red>红</font><font color='red'>红</font><font color=\"red\">红</font>",
            "红红红",
        ),
        (
            "<span style=\"color:red;font-weight: bold;\">注</span>意",
            "注意",
        ),
        ("<u>u</u><s>s</s><code>c</code><small>s</small>", "uscs"),
        (
            "<img src=\"a.png\" alt=\"图*1*\">说明<img src=b.png>",
            "图\\*1\\* 说明",
        ),
        ("a<!-- 注释 <b> -->b", "ab"),
        ("a<!-- unclosed", "a\\<!-\\- unclosed"),
        (
            "a<script>var x = '<b>';</script>b<style>p{}</style>c",
            "abc",
        ),
        ("a<script>never closed", "a\\<script>never closed"),
        (
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
            "a b\\\nc",
        ),
        ("<h3>标题</h3>正文", "标题\n\n正文"),
        ("<pre>  x\n    y</pre>", "x\\\ny"),
    ]);
}

#[test]
fn entities() {
    check(&[
        (
            "&lt;br&gt; &amp; &quot;x&quot; &#39;y&#39;",
            "\\<br> & \\\"x\\\" 'y'",
        ),
        (
            "&ldquo;是&rdquo;&hellip;&mdash;&nbsp;&#x4e2d;&#25991;",
            "“是”…— 中文",
        ),
        // What an entity decodes to is text: `&amp;lt;` is `&lt;` shown, not `<`.
        ("&amp;lt; &amp;#39;", "\\&lt; \\&#39;"),
        ("&unknown; &#xZZ; & x", "\\&unknown; \\&#xZZ; & x"),
        ("&#0;&#1;&#x202E;x", "\\&#0;x"),
        (
            "&lt;a href=&quot;http://a.cn&quot;&gt;",
            "\\<a href=\\\"<http://a.cn>\\\">",
        ),
    ]);
}

#[test]
fn text_that_only_looks_like_html() {
    check(&[
        ("List<String>", "List\\<String>"),
        (
            "Map<String,Object> Map<String, Object>",
            "Map\\<String,Object> Map\\<String, Object>",
        ),
        ("List<Map<String, Object>>", "List\\<Map\\<String, Object>>"),
        (
            "<T> <K,V> <URL> <status>x</status>",
            "\\<T> \\<K,V> \\<URL> \\<status>x\\</status>",
        ),
        ("<Object> <Label> <Map>", "\\<Object> \\<Label> \\<Map>"),
        ("List<B> List<I>", "List\\<B> List\\<I>"),
        (
            "a<b, a < b, a<=b, <1500, <",
            "a\\<b, a \\< b, a\\<=b, \\<1500, \\<",
        ),
        ("<start_time时", "\\<start_time时"),
        (
            "<a href=\"x>unclosed quote",
            "\\<a href=\\\"x>unclosed quote",
        ),
        (
            "<?xml version=\"1.0\"?><root/>",
            "\\<?xml version=\\\"1.0\\\"?>\\<root/>",
        ),
    ]);
}

#[test]
fn markdown_syntax_in_text_is_escaped() {
    check(&[
        (
            "[x] [链接](http://a.cn) [^1] ![img](x)",
            "\\[x\\] \\[链接\\](<http://a.cn>) \\[^1\\] !\\[img\\](x)",
        ),
        (
            "*a* **b** `c` ```d``` ~e~ ~~f~~ \\g",
            "\\*a\\* \\*\\*b\\*\\* \\`c\\` \\`\\`\\`d\\`\\`\\` \\~e\\~ \\~\\~f\\~\\~ \\\\g",
        ),
        (
            "m_request_id _x_ __init__ a_ _b 中_文",
            "m_request_id \\_x\\_ \\_\\_init\\_\\_ a\\_ \\_b 中_文",
        ),
        ("a&b &c; &amp;#1; &amp", "a&b \\&c; \\&#1; &amp"),
        (
            "# h<br/>## h<br/>> q<br/>a # b > c",
            "\\# h\\\n\\## h\\\n\\> q\\\na # b > c",
        ),
        (
            "a<br/>---<br/>===<br/>:-|-:<br/>|<br/>-- x",
            "a\\\n-\\-\\-\\\n\\===\\\n\\:-|-:\\\n|\\\n-\\- x",
        ),
        ("a|b<br/>-|-", "a|b\\\n\\-|-"),
        // Indentation is dropped, so no line becomes a code block.
        ("a\n    code\n\tmore", "a\\\ncode\\\nmore"),
        ("/** * 未制卡 */", "/\\*\\* \\* 未制卡 \\*/"),
    ]);
}

#[test]
fn bare_urls_become_autolinks() {
    check(&[
        (
            "见 https://open.taobao.com/doc.htm?id=1. 谢谢",
            "见 <https://open.taobao.com/doc.htm?id=1>. 谢谢",
        ),
        (
            "链接http://a.b/c，好",
            "链接<http://a.b/c><br>，好".replace("<br>", "").leak(),
        ),
        ("(see http://a.cn/x)", "(see <http://a.cn/x>)"),
        ("http://a.cn/(b)", "<http://a.cn/(b)>"),
        ("HTTP://A.CN/X", "<HTTP://A.CN/X>"),
        (
            "\"http://a.cn\",'https://b.cn'",
            "\\\"<http://a.cn>\\\",'<https://b.cn>'",
        ),
        ("http://a.cn/*x*_y_[1]", "<http://a.cn/*x*_y_[1]>"),
        ("http:// and https://.", "http:// and https://."),
        ("www.taobao.com ftp://a.cn", "www.taobao.com ftp://a.cn"),
    ]);
}

#[test]
fn invisible_and_control_characters_are_dropped() {
    check(&[
        (
            "a\u{202e}b\u{202c}c\u{2066}d\u{2069}e\u{200e}f\u{feff}g",
            "abcdefg",
        ),
        ("a\u{1}b\u{7f}c\u{0}d", "abcd"),
        ("a\rb\r\nc\u{2028}d\u{85}e", "a\\\nb\\\nc\\\nd\\\ne"),
        ("a\u{a0}\u{3000}\tb   c", "a b c"),
    ]);
}

#[test]
fn one_line_for_titles() {
    assert_eq!(
        description_to_markdown_line("获取<b>单笔</b>交易<br/>详情"),
        "获取**单笔**交易 详情"
    );
    assert_eq!(
        description_to_markdown_line("a<p>b</p><ul><li>c</ul>"),
        "a b - c"
    );
    assert_eq!(
        description_to_markdown_line("路径 C:\\<br/>x"),
        "路径 C:\\\\ x"
    );
    assert_eq!(description_to_markdown_line("<br/>"), "");
}
