//! Doc pages as text → specs, over the 43 real pages in `tests/fixtures/pages/` (copied
//! verbatim from the shared reference pages, with their README): the seed page imports to the
//! hand-written gettoken spec; every page imports, resolves, round-trips and generates; the
//! warnings are the expected ones at precise places; unusable inputs fail naming the file;
//! the `import` CLI takes pages and folders; snapshots of the YAML for pages covering both
//! renderings and every trap.

mod common;

use common::root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use topgen_import::{Imported, Place, import_file, to_yaml, to_yaml_with_header};
use topgen_spec::load::parse_spec;

fn pages_dir() -> PathBuf {
    common::fixtures("pages")
}

fn page_files() -> Vec<PathBuf> {
    common::fixture_files("pages", "txt")
}

fn import_page(name: &str) -> Imported {
    let path = pages_dir().join(format!("{name}.txt"));
    let bytes = std::fs::read(&path).unwrap();
    import_file(&path, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn messages(i: &Imported) -> Vec<&str> {
    i.warnings.iter().map(|w| w.message.as_str()).collect()
}

#[test]
fn seed_page_imports_to_the_hand_written_spec() {
    let imported = import_page("taobao.wdk.iot.wombat.common.gettoken");
    let seed =
        topgen_spec::load_spec(&root().join("specs/taobao.wdk.iot.wombat.common.gettoken.yaml"))
            .unwrap();
    // Structurally, field by field first (for a readable failure), then as a whole: the same
    // params, types, tree, descriptions, sensitive flags and examples (the JSON ones derived
    // from the XML are even the same text).
    let spec = &imported.spec;
    assert_eq!(spec.request, seed.request);
    assert_eq!(spec.response, seed.response);
    assert_eq!(spec.types, seed.types);
    for (ours, theirs) in [
        (&spec.examples.response_json, &seed.examples.response_json),
        (&spec.examples.error_json, &seed.examples.error_json),
    ] {
        let ours: serde_json::Value = serde_json::from_str(ours.as_deref().unwrap()).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(theirs.as_deref().unwrap()).unwrap();
        assert_eq!(ours, theirs);
    }
    assert_eq!(*spec, seed);
    // What it had to decide: the nesting of three fields (from the XML) and the JSON
    // examples (derived).
    assert_eq!(
        messages(&imported),
        [
            "line 59: the page's `└` marks put `success` in `data`, but the XML response example (line 107) shows it in `result`; placed there",
            "line 63: the page's `└` marks put `msg_info` in `data`, but the XML response example (line 108) shows it in `result`; placed there",
            "line 67: the page's `└` marks put `msg_code` in `data`, but the XML response example (line 109) shows it in `result`; placed there",
            "line 94: the page's text has no JSON response example; derived from the XML one and the field types",
            "line 117: the page's text has no JSON error example; derived from the XML one",
        ]
    );
    let places: Vec<&Place> = imported.warnings.iter().map(|w| &w.place).collect();
    assert_eq!(
        places,
        [
            &Place::TypeField("IotResult".into(), "success".into()),
            &Place::TypeField("IotResult".into(), "msg_info".into()),
            &Place::TypeField("IotResult".into(), "msg_code".into()),
            &Place::Example("response_json".into()),
            &Place::Example("error_json".into()),
        ]
    );
}

#[test]
fn every_page_imports_resolves_round_trips_and_generates() {
    let files = page_files();
    assert_eq!(files.len(), 43);
    for path in &files {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let imported = import_page(stem);
        let spec = &imported.spec;
        assert_eq!(spec.name, stem, "the API name is the page's");
        let yaml_path = Path::new("imported.yaml");
        topgen_spec::model::resolve(yaml_path, spec).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let yaml = to_yaml_with_header(spec, stem, &imported.warnings);
        let back = parse_spec(yaml_path, &yaml).unwrap_or_else(|e| panic!("{stem}: {e}\n{yaml}"));
        assert_eq!(&back, spec, "{stem}: the YAML does not read back");
        let code = codegen::generate_module(yaml_path, &to_yaml(spec), None)
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert!(code.contains("Request"), "{stem}");
        // Kept examples are whole: Java that prints the response, XML and JSON that parse.
        let ex = &spec.examples;
        if let Some(java) = ex.request.as_deref().filter(|r| r.contains("TaobaoClient")) {
            assert!(
                java.ends_with("System.out.println(rsp.getBody());\n"),
                "{stem}"
            );
        }
        for json in [&ex.response_json, &ex.error_json].into_iter().flatten() {
            serde_json::from_str::<serde_json::Value>(json)
                .unwrap_or_else(|e| panic!("{stem}: {e}\n{json}"));
        }
        for xml in [&ex.response_xml, &ex.error_xml].into_iter().flatten() {
            assert!(
                xml.starts_with('<') && xml.ends_with(">\n"),
                "{stem}: {xml}"
            );
        }
        // No type string keeps the page's `X []` spelling.
        let types = spec
            .request
            .iter()
            .chain(&spec.response)
            .chain(spec.types.iter().flat_map(|(_, d)| &d.fields));
        for f in types {
            assert!(!f.ty.contains(' '), "{stem}: {} {}", f.name, f.ty);
        }
    }
}

/// What a warning is about, by the words its message starts or is made with.
fn kind(message: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        ("the page text stops here", "cut off"),
        ("cut off before its type", "row cut before its type"),
        ("no 请求参数 table", "no request table"),
        ("no 响应参数 table", "no response table"),
        ("no title line: API name", "name guessed"),
        ("shows it in", "nesting from an example"),
        ("follows the page's `└` marks", "nesting from the marks"),
        ("by the page's `└` marks", "row placed by the marks"),
        ("it is one type with both", "one type shown in parts"),
        ("inferred from the", "inferred from an example"),
        ("shows no fields (the page", "fieldless type as Json"),
        ("byte[] is a file upload only", "byte[] in an object"),
        ("does not apply to type", "limit dropped"),
        ("duplicate field", "duplicate field"),
        ("look swapped", "swapped cells"),
        ("example `null`", "null example"),
        (
            "dropped (the page's type may be wrong)",
            "wrong-typed example",
        ),
        ("needs_session assumed", "needs_session assumed"),
        ("no request example", "no request example"),
        ("Java request example is cut off", "request example cut"),
        ("has no XML", "no XML example"),
        ("is not whole", "XML example cut"),
        ("derived from the XML", "JSON derived"),
        ("no JSON", "no JSON example"),
        ("not TOP's reply shape", "JSON not TOP-shaped"),
    ];
    KINDS
        .iter()
        .find(|(words, _)| message.contains(words))
        .map(|(_, kind)| *kind)
        .unwrap_or_else(|| panic!("a warning of no known kind: {message}"))
}

#[test]
fn counts_and_warning_kinds_over_all_pages() {
    let mut clean = 0;
    let mut with_warnings = 0;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for path in page_files() {
        let imported = import_page(path.file_stem().unwrap().to_str().unwrap());
        if imported.warnings.is_empty() {
            clean += 1;
        } else {
            with_warnings += 1;
        }
        for w in &imported.warnings {
            *kinds.entry(kind(&w.message)).or_default() += 1;
            total += 1;
        }
    }
    // Every page's text lacks the JSON tab, so none imports without a warning.
    assert_eq!((clean, with_warnings), (0, 43));
    let expected: BTreeMap<&str, usize> = [
        ("cut off", 37),
        ("row cut before its type", 4),
        ("no request table", 1),
        ("no response table", 6),
        ("name guessed", 8),
        ("nesting from an example", 4),
        ("nesting from the marks", 14),
        ("row placed by the marks", 165),
        ("inferred from an example", 12),
        ("fieldless type as Json", 4),
        ("byte[] in an object", 1),
        ("limit dropped", 3),
        ("duplicate field", 4),
        ("swapped cells", 2),
        ("null example", 1),
        ("wrong-typed example", 1),
        ("needs_session assumed", 29),
        ("no request example", 20),
        ("request example cut", 8),
        ("no XML example", 68),
        ("XML example cut", 9),
        ("JSON derived", 9),
        ("no JSON example", 73),
        ("JSON not TOP-shaped", 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);
    assert_eq!(total, 485);
}

#[test]
fn warnings_point_into_the_spec_and_name_source_lines() {
    for path in page_files() {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let imported = import_page(stem);
        let spec = &imported.spec;
        let ty = |t: &str| spec.types.iter().find(|(n, _)| n == t).map(|(_, d)| d);
        for w in &imported.warnings {
            let ok = match &w.place {
                Place::Spec => true,
                Place::Request(n) => spec.request.iter().any(|f| f.name == *n),
                Place::Response(n) => spec.response.iter().any(|f| f.name == *n),
                Place::Type(t) => ty(t).is_some(),
                Place::TypeField(t, n) => {
                    ty(t).is_some_and(|d| d.fields.iter().any(|f| f.name == *n))
                }
                Place::Example(k) => matches!(
                    k.as_str(),
                    "request" | "response_xml" | "response_json" | "error_xml" | "error_json"
                ),
                // Of topic specs only: never about an API spec.
                Place::TopicField(_) => false,
            };
            assert!(
                ok,
                "{stem}: {:?} is not in the spec: {}",
                w.place, w.message
            );
            // About a row or an example on the page: the message names its line.
            if !matches!(w.place, Place::Spec | Place::Example(_)) {
                assert!(w.message.starts_with("line "), "{stem}: {}", w.message);
            }
        }
    }
}

#[test]
fn every_trap_is_handled() {
    // Pipe page: name from the Java class (TOP drops `Taobao`), cross-checked with the XML
    // root; the collapsed tree filled from the XML.
    let items = import_page("taobao.items.seller.list.get.tmall");
    assert_eq!(items.spec.response[0].ty, "Item[]");
    assert!(messages(&items)[0].contains("`ItemsSellerListGetTmallRequest`"));
    let fields: Vec<&str> = items.spec.types[0]
        .1
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "after_sale_id",
            "approve_status",
            "auction_point",
            "auto_fill"
        ]
    );

    // A keyword as a name (`match`), inferred with its type from the XML value.
    let jaq = import_page("alibaba.security.jaq.rp.cloud.realname.check");
    let result = &jaq.spec.types[0].1;
    assert_eq!(
        result
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.as_str()))
            .collect::<Vec<_>>(),
        [
            ("check_code", "String"),
            ("check_message", "String"),
            ("match", "Boolean")
        ]
    );

    // `type` as a name, swapped example / description.
    let shop = import_page("alibaba.wdk.shop.query");
    let shop_do = &shop
        .spec
        .types
        .iter()
        .find(|(n, _)| n == "ShopDo")
        .unwrap()
        .1;
    assert!(shop_do.fields.iter().any(|f| f.name == "type"));
    let success = shop_do.fields.iter().find(|f| f.name == "success").unwrap();
    assert_eq!(
        (success.example.as_deref(), success.description.as_deref()),
        (Some("true"), Some("是否成功"))
    );

    // camelCase names kept as the wire names.
    let idle = import_page("qimen.alibaba.idle.open.live.item.info.batch.query");
    assert_eq!(idle.spec.request[0].name, "isvItemCodeList");
    assert_eq!(idle.spec.response[3].ty, "ItemList[]");

    // Limits and defaults from the 更多限制 bullets; a `null` example dropped.
    let upload = import_page("tmall.servicecenter.picture.upload");
    let r = &upload.spec.request;
    assert_eq!(
        (r[0].ty.as_str(), r[0].example.as_deref()),
        ("byte[]", None)
    );
    assert_eq!(r[1].max_length, Some(32));
    assert_eq!(r[2].default.as_deref(), Some("true"));
    let user = import_page("taobao.user.seller.get");
    assert_eq!(
        (
            user.spec.request[0].ty.as_str(),
            user.spec.request[0].max_list_size
        ),
        ("String[]", Some(200))
    );

    // The Java example decides the request tree: `get_children` is set on the outer object.
    let address = import_page("taobao.logistics.address.query");
    let request = &address.spec.types[0];
    assert_eq!(request.0, "AddressRequest");
    assert_eq!(
        request
            .1
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        [
            "request_id",
            "request_time",
            "address_names",
            "get_children"
        ]
    );
    // Lone values the Java example shows are examples.
    let name = &address.spec.types[1].1.fields[0];
    assert_eq!(
        (name.example.as_deref(), name.description.as_deref()),
        (Some("浙江省"), None)
    );

    // A page without a request table: the params come from the Java example.
    let trade = import_page("taobao.trade.fullinfo.get");
    assert_eq!(
        trade
            .spec
            .request
            .iter()
            .map(|f| (f.name.as_str(), f.ty.as_str()))
            .collect::<Vec<_>>(),
        [
            ("fields", "String"),
            ("tid", "Number"),
            ("include_oaid", "String")
        ]
    );
    assert!(trade.spec.needs_session);

    // Duplicates keep the first; byte[] inside an object becomes base64 text.
    let damai = import_page("alibaba.damai.mev.datasync.backflowticketexchangeinfo");
    let list = &damai.spec.types[1].1;
    assert_eq!(
        list.fields
            .iter()
            .filter(|f| f.name == "cluster_id")
            .count(),
        1
    );
    let qn = import_page("taobao.picture.qnaigc.upload");
    let image = qn.spec.types[0]
        .1
        .fields
        .iter()
        .find(|f| f.name == "image_data")
        .unwrap();
    assert_eq!(image.ty, "String");

    // The mirror with `#` headings: name from `# 接口名称`, JSON examples kept.
    let time = import_page("taobao.time.get");
    assert_eq!(time.spec.title.as_deref(), Some("获取淘宝系统当前时间"));
    assert!(
        time.spec
            .examples
            .response_json
            .as_deref()
            .unwrap()
            .contains("time_get_response")
    );
}

#[test]
fn import_is_deterministic() {
    for path in page_files() {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let a = import_page(stem);
        let b = import_page(stem);
        assert_eq!(a, b);
        assert_eq!(
            to_yaml_with_header(&a.spec, stem, &a.warnings),
            to_yaml_with_header(&b.spec, stem, &b.warnings)
        );
    }
}

#[test]
fn unusable_inputs_fail_naming_the_file_and_the_problem() {
    let cases: [(&str, &[u8], &str); 7] = [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b" \n\n  \n", "the file is empty"),
        ("junk.txt", b"\x00\x01\x02PK\x03\x04\xff\xfe", "binary data"),
        ("controls.txt", b"abc\n\x01\x02\x03\x04", "binary data"),
        (
            "notes.txt",
            "# Shopping list\n\n- milk\n- eggs\n".as_bytes(),
            "not a TOP doc page",
        ),
        (
            "page.html",
            b"<!DOCTYPE html><html><body>taobao.a.b</body></html>",
            "not a TOP API doc page",
        ),
        (
            "no-name.txt",
            "说明\n名称 | 类型 | 示例值 | 描述 |\n---|\nx | String | 1 | 说明 |\n".as_bytes(),
            "no API name",
        ),
    ];
    for (name, bytes, problem) in cases {
        let err = import_file(Path::new(name), bytes).unwrap_err().to_string();
        assert!(err.starts_with(name), "{name}: {err}");
        assert!(err.contains(problem), "{name}: {err}");
    }
    // The extension is only a hint: a catalog entry named .txt is still a catalog entry, and
    // page text named .json is still a page.
    let catalog =
        std::fs::read(root().join("tests/fixtures/catalog/taobao.openim.tribelogs.get.json"))
            .unwrap();
    let i = import_file(Path::new("entry.txt"), &catalog).unwrap();
    assert_eq!(i.spec.name, "taobao.openim.tribelogs.get");
    let page = std::fs::read(pages_dir().join("taobao.time.get.txt")).unwrap();
    let i = import_file(Path::new("page.json"), &page).unwrap();
    assert_eq!(i.spec.name, "taobao.time.get");
    // A page stored up to a byte length may stop inside a character.
    let mut cut = std::fs::read(pages_dir().join("taobao.time.get.txt")).unwrap();
    cut.extend_from_slice(&"获".as_bytes()[..2]);
    assert!(import_file(Path::new("cut.txt"), &cut).is_ok());
}

#[test]
fn snapshots_of_imported_yaml() {
    // Both renderings and every trap: the seed (nesting from the XML), pipe pages (name from
    // the Java class, tree from the XML, a keyword name), cut-off pages, limits and defaults,
    // `type` and camelCase names, the Java example deciding the request tree, a page without
    // a request table, the `#` mirror.
    for name in [
        "taobao.wdk.iot.wombat.common.gettoken",
        "alibaba.iot.device.corpus.get",
        "alibaba.security.jaq.rp.cloud.realname.check",
        "taobao.trade.fullinfo.get",
        "taobao.trade.memo.add",
        "tmall.servicecenter.picture.upload",
        "alibaba.wdk.shop.query",
        "qimen.alibaba.idle.open.live.item.info.batch.query",
        "taobao.logistics.address.query",
        "taobao.time.get",
    ] {
        let imported = import_page(name);
        let yaml = to_yaml_with_header(&imported.spec, &format!("{name}.txt"), &imported.warnings);
        insta::assert_snapshot!(name, yaml);
    }
}

#[test]
fn imported_fixture_specs_are_current() {
    // `tests/fixtures/imported` holds specs imported from some of the pages; the tests crate
    // compiles their generated code and decodes their examples. They must be what the importer
    // writes today.
    let dir = root().join("tests/fixtures/imported");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    for file in files {
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let imported = import_page(stem);
        let expected =
            to_yaml_with_header(&imported.spec, &format!("{stem}.txt"), &imported.warnings);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            expected,
            "{stem}: stale; run `cargo run -p codegen -- import tests/fixtures/pages/{stem}.txt --out tests/fixtures/imported`"
        );
    }
}

#[test]
fn pages_cut_anywhere_import_or_fail_cleanly() {
    // The stored pages stop at arbitrary points; so may any page. Prefixes of a bullet and a
    // pipe page either import to a spec the model accepts or fail naming the file — never a
    // panic.
    for name in [
        "taobao.wdk.iot.wombat.common.gettoken",
        "alibaba.iot.device.corpus.get",
        "taobao.logistics.address.query",
    ] {
        let text = std::fs::read_to_string(pages_dir().join(format!("{name}.txt"))).unwrap();
        let mut imported = 0;
        // Every line end and every eighth character (all of them take too long in debug).
        let cuts = text
            .char_indices()
            .enumerate()
            .filter(|(n, (i, c))| n % 8 == 0 || *c == '\n' || text[..*i].ends_with('\n'))
            .map(|(_, (i, _))| i);
        let mut tried = 0;
        for cut in cuts {
            tried += 1;
            let path = Path::new("cut.txt");
            match import_file(path, &text.as_bytes()[..cut]) {
                Ok(i) => {
                    topgen_spec::model::resolve(path, &i.spec)
                        .unwrap_or_else(|e| panic!("{name} cut at {cut}: {e}"));
                    imported += 1;
                }
                Err(e) => assert!(e.to_string().starts_with("cut.txt: "), "{e}"),
            }
        }
        assert!(imported > tried / 2, "{name}: {imported} of {tried}");
    }
}

/// A reply example that does not fit the spec read from the same page is reported (the doc is
/// wrong), at the example, naming the path inside it.
#[test]
fn an_example_that_does_not_fit_its_page_is_reported() {
    let path = Path::new("tests/fixtures/pages/taobao.wdk.iot.wombat.common.gettoken.txt");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path))
        .unwrap()
        .replace(
            "<expiration_time>2021-08-04 00:00:00</expiration_time>",
            "<expiration_time>next tuesday</expiration_time>",
        );
    let imported = topgen_import::import_file(path, text.as_bytes()).unwrap();
    let misfit: Vec<_> = imported
        .warnings
        .iter()
        .filter(|w| w.place == topgen_import::Place::Example("response_xml".into()))
        .collect();
    assert!(
        misfit
            .iter()
            .any(|w| w.message.contains("expiration_time") && w.message.contains("next tuesday")),
        "{:#?}",
        imported.warnings
    );
}
