//! A user's view of the shipped catalog: fresh crates outside this workspace, each depending on
//! ONE group crate of `generated/` with ONE API feature (and tokio), call that API against the
//! local gateway on 127.0.0.1 and print the typed reply — for APIs of three different group
//! crates. What a README reader does, end to end: crate, feature, request type, call, reply.

use std::path::{Path, PathBuf};
use std::process::Command;

use topgen_gateway::{Api, Gateway};

const APP_KEY: &str = "12345678";
const SECRET: &str = "user-crate-secret-5b2e";

/// One user crate: the group crate's folder under `generated/`, the API (its feature) and the
/// program's body, which has `client` and prints what it checks.
struct User {
    dir: &'static str,
    api: &'static str,
    body: &'static str,
    /// What the program prints for the gateway's reply (the spec's example).
    expected: &'static str,
}

const USERS: &[User] = &[
    User {
        dir: "taobao",
        api: "taobao.time.get",
        body: r#"
    use topgen_taobao::TimeGetRequest;
    let response = client.execute(&TimeGetRequest::new()).await.expect("the call succeeds");
    println!("time: {}", response.time.expect("a time").format("%Y-%m-%d %H:%M:%S"));
"#,
        expected: "time: 2000-01-01 00:00:00",
    },
    User {
        dir: "taobao-trade",
        api: "taobao.trade.memo.add",
        body: r#"
    use topgen_taobao_trade::TradeMemoAddRequest;
    let request = TradeMemoAddRequest::new(2231958349, "call the buyer").flag(1);
    // The API acts for a seller: their session, per call.
    let options = topgen_taobao_trade::topgen_runtime::CallOptions::new().session("seller-session");
    let response = client.execute_with(&request, &options).await.expect("the call succeeds");
    let trade = response.trade.expect("a trade");
    println!("tid: {:?}", trade.tid);
"#,
        expected: "tid: Some(2231958349)",
    },
    User {
        dir: "alibaba-security",
        api: "alibaba.security.jaq.rp.cloud.realname.check",
        body: r#"
    use topgen_alibaba_security::AlibabaSecurityJaqRpCloudRealnameCheckRequest as Check;
    let request = Check::new("96203ef1639346d6a9ea752c7a41cb68", serde_json::json!({"key": "value"}))
        .name("李三");
    let response = client.execute(&request).await.expect("the call succeeds");
    println!("match: {:?}", response.data.and_then(|d| d.match_));
"#,
        expected: "match: Some(true)",
    },
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The package name of a group crate, from its `Cargo.toml`.
fn package_of(dir: &str) -> String {
    let toml = std::fs::read_to_string(root().join("generated").join(dir).join("Cargo.toml"))
        .expect("the group crate exists");
    toml.lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("a package name")
        .to_owned()
}

/// Writes the user crates into a scratch workspace of their own (so that the runtime is built
/// once for the three), as members that know nothing of topgen's workspace.
fn write_users(dir: &Path) {
    let members: Vec<String> = USERS
        .iter()
        .map(|u| format!("\"user-{}\"", u.dir))
        .collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for user in USERS {
        let krate = dir.join(format!("user-{}", user.dir));
        std::fs::create_dir_all(krate.join("src")).unwrap();
        let group = root().join("generated").join(user.dir);
        // The README's one line, plus an async runtime (and serde_json for a `Json` param).
        std::fs::write(
            krate.join("Cargo.toml"),
            format!(
                "[package]\nname = \"user-{dir}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
                 [dependencies]\n\
                 {package} = {{ path = {group:?}, default-features = false, features = [\"{api}\"] }}\n\
                 tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
                 serde_json = \"1\"\n",
                dir = user.dir,
                package = package_of(user.dir),
                group = group.display().to_string(),
                api = user.api,
            ),
        )
        .unwrap();
        let lib = package_of(user.dir).replace('-', "_");
        std::fs::write(
            krate.join("src/main.rs"),
            format!(
                "use {lib}::topgen_runtime::Client;\n\n\
                 #[tokio::main(flavor = \"current_thread\")]\n\
                 async fn main() {{\n\
                 \x20   let endpoint = std::env::var(\"TOP_ENDPOINT\").expect(\"TOP_ENDPOINT\");\n\
                 \x20   let client = Client::builder({APP_KEY:?}, {SECRET:?})\n\
                 \x20       .endpoint(endpoint)\n\
                 \x20       .build()\n\
                 \x20       .expect(\"the client builds\");\n{body}}}\n",
                body = user.body,
            ),
        )
        .unwrap();
    }
}

#[tokio::test]
async fn fresh_user_crates_call_one_api_of_three_group_crates() {
    let dir = tempfile::tempdir().unwrap();
    write_users(dir.path());
    let target = root().join("target/standalone");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = Command::new(&cargo)
        .args([
            "build",
            "--offline",
            "--quiet",
            "--workspace",
            "--manifest-path",
        ])
        .arg(dir.path().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the user crates must build with one API feature each:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let mut gateway = Gateway::builder().app(APP_KEY, SECRET);
    for user in USERS {
        let spec = root().join("specs").join(format!("{}.yaml", user.api));
        gateway = gateway.api(Api::from_spec_file(&spec).expect("the spec loads"));
    }
    let gateway = gateway.start().await.expect("the gateway starts");
    for user in USERS {
        let program = target.join("debug").join(format!("user-{}", user.dir));
        let endpoint = gateway.endpoint().to_owned();
        // Run beside the gateway, which this runtime keeps serving meanwhile.
        let run = tokio::task::spawn_blocking(move || {
            Command::new(program)
                .env("TOP_ENDPOINT", endpoint)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success() && stdout.trim() == user.expected,
            "{}: expected {:?}, got {stdout:?}\n{}",
            user.api,
            user.expected,
            String::from_utf8_lossy(&run.stderr)
        );
    }
    // Each program made exactly its call, checked by the gateway like TOP (sign, params).
    let calls: Vec<String> = gateway
        .requests()
        .iter()
        .map(|r| r.param("method").unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<&str> = USERS.iter().map(|u| u.api).collect();
    assert_eq!(calls, expected);
    let memo = gateway
        .requests()
        .into_iter()
        .find(|r| r.param("method") == Some("taobao.trade.memo.add"))
        .unwrap();
    assert_eq!(memo.param("session"), Some("seller-session"));
    assert_eq!(memo.param("tid"), Some("2231958349"));
}
