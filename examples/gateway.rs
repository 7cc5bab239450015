//! The README's gateway example as a program: a local TOP gateway from the gettoken spec, a
//! client pointed at it, one injected platform error that the client retries, and the
//! recorded attempts. `cargo run --example gateway`; it exits with a panic if any step fails.
#![forbid(unsafe_code)]

use topgen_gateway::{Api, Fault, Gateway, Verdict};
use topgen_runtime::{Client, Format};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/taobao.wdk.iot.wombat.common.gettoken.yaml"
    );
    let gateway = Gateway::builder()
        .app("test-app-key", "test-app-secret")
        .api(Api::from_spec_file(spec).unwrap())
        .start()
        .await
        .unwrap();
    assert!(gateway.warnings().is_empty()); // the spec has reply examples
    let client = Client::builder("test-app-key", "test-app-secret")
        .endpoint(gateway.endpoint())
        .format(Format::Xml)
        .build()
        .unwrap();

    // The first attempt meets a platform error; the client retries it.
    gateway.push_fault(Fault::isp_error());
    let request = WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx");
    let response = client.execute(&request).await.unwrap();
    assert_eq!(response.result.unwrap().success, Some(true));

    let attempts = gateway.requests();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|a| a.verdict == Verdict::Ok)); // each one validly signed
    assert_eq!(attempts[1].body_param("robot_sn"), Some("xxxxx"));
    println!(
        "{} attempts, the second answered: {:?}",
        attempts.len(),
        attempts[1].verdict
    );
}
