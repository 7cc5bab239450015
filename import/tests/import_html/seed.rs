//! The seed page (gettoken), read completely.

use super::*;

#[test]
fn seed_page_gettoken_reads_completely() {
    let got = read_fixture("taobao.wdk.iot.wombat.common.gettoken");
    let mut want = page(
        "taobao.wdk.iot.wombat.common.gettoken",
        "获取oss临时token",
        Some("机器人端请求oss上传用的临时token"),
    );
    want.request = vec![
        at(
            row(
                "merchant_code",
                "String",
                OPT,
                Some("HM"),
                Some("商家code"),
                0,
            ),
            48,
        ),
        at(
            row(
                "scenes_code",
                "Number",
                OPT,
                Some("1"),
                Some("oss场景编码"),
                0,
            ),
            56,
        ),
        at(
            row(
                "ou_code",
                "String",
                OPT,
                Some("8007"),
                Some("门店oucode"),
                0,
            ),
            64,
        ),
        at(
            row(
                "robot_sn",
                "String",
                OPT,
                Some("xxxxx"),
                Some("机器人sn号"),
                0,
            ),
            72,
        ),
    ];
    want.response = vec![
        at(
            row(
                "result",
                "IotResult",
                None,
                Some("result"),
                Some("结果DTO"),
                0,
            ),
            88,
        ),
        at(
            row(
                "data",
                "OssTokenDto",
                None,
                Some("data"),
                Some("结果DTO"),
                1,
            ),
            96,
        ),
        at(
            row(
                "access_key_id",
                "String",
                None,
                Some("abc"),
                Some("密钥id"),
                2,
            ),
            97,
        ),
        at(
            row(
                "access_key_secret",
                "String",
                None,
                Some("abc"),
                Some("密钥"),
                2,
            ),
            98,
        ),
        at(
            row(
                "bucket_name",
                "String",
                None,
                Some("abc"),
                Some("分组名称"),
                2,
            ),
            99,
        ),
        at(
            row(
                "expiration_time",
                "Date",
                None,
                Some("2021-08-04 00:00:00"),
                Some("过期时间"),
                2,
            ),
            100,
        ),
        at(
            row(
                "m_request_id",
                "String",
                None,
                Some("abc"),
                Some("请求id"),
                2,
            ),
            101,
        ),
        at(
            row("scene", "String", None, Some("abc"), Some("场景"), 2),
            102,
        ),
        at(
            row(
                "security_token",
                "String",
                None,
                Some("abc"),
                Some("临时token"),
                2,
            ),
            103,
        ),
        at(
            row("endpoint", "String", None, Some("abc"), Some("endpoint"), 2),
            104,
        ),
        at(
            row("dir", "String", None, Some("abc"), Some("oss目录"), 2),
            105,
        ),
        at(
            row("success", "Boolean", None, Some("true"), Some("成功"), 2),
            106,
        ),
        at(
            row(
                "msg_info",
                "String",
                None,
                Some("success"),
                Some("调用描述"),
                2,
            ),
            107,
        ),
        at(
            row(
                "msg_code",
                "String",
                None,
                Some("success"),
                Some("调用code"),
                2,
            ),
            108,
        ),
    ];
    want.request_example = Some(
        "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);
WdkIotWombatCommonGettokenRequest req = new WdkIotWombatCommonGettokenRequest();
req.setMerchantCode(\"HM\");
req.setScenesCode(1L);
req.setOuCode(\"8007\");
req.setRobotSn(\"xxxxx\");
WdkIotWombatCommonGettokenResponse rsp = client.execute(req);
System.out.println(rsp.getBody());"
            .into(),
    );
    want.response_xml = Some(
        "<wdk_iot_wombat_common_gettoken_response>
    <result>
        <data>
            <access_key_id>abc</access_key_id>
            <access_key_secret>abc</access_key_secret>
            <bucket_name>abc</bucket_name>
            <expiration_time>2021-08-04 00:00:00</expiration_time>
            <m_request_id>abc</m_request_id>
            <scene>abc</scene>
            <security_token>abc</security_token>
            <endpoint>abc</endpoint>
            <dir>abc</dir>
        </data>
        <success>true</success>
        <msg_info>success</msg_info>
        <msg_code>success</msg_code>
    </result>
</wdk_iot_wombat_common_gettoken_response>"
            .into(),
    );
    want.error_xml = Some(ERROR_XML.into());
    want.sections = ALL_SECTIONS.to_vec();
    assert_eq!(got, want);
}
