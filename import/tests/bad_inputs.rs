//! A table of bad importer inputs — catalog JSON, doc pages as text and as HTML — each with
//! the outcome it must have: refused with a message naming the input, imported with a
//! warning, or imported clean. Every case goes through [`topgen_import::import_into`] as the
//! `codegen import` command does, into a fresh folder. `cargo test -p topgen-import --test
//! bad_inputs -- --nocapture` prints the table.

use std::path::Path;
use std::time::{Duration, Instant};
use topgen_import::{ImportOptions, import_into_with, input_files};

/// What a case must do.
#[derive(Clone, Copy)]
enum Expect {
    /// Refused, the message containing this.
    Refused(&'static str),
    /// Imported, a warning containing this.
    Warned(&'static str),
    /// Imported without warnings.
    Clean,
    /// Imported, no warning containing this.
    Without(&'static str),
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Refused(s) => write!(f, "refused: …{s}…"),
            Expect::Warned(s) => write!(f, "warning: …{s}…"),
            Expect::Clean => f.write_str("imported clean"),
            Expect::Without(s) => write!(f, "imported, no warning …{s}…"),
        }
    }
}

/// Makes a spec file's content from what the importer wrote.
type Edit = fn(&str) -> String;

/// One bad input.
struct Case {
    name: &'static str,
    /// The input's file name.
    file: &'static str,
    input: Box<dyn Fn() -> Vec<u8>>,
    /// A spec already in the output folder before the import: its file name and content made
    /// from what the first import of the same input wrote.
    before: Option<(&'static str, Edit)>,
    expect: Expect,
}

fn case(name: &'static str, file: &'static str, input: String, expect: Expect) -> Case {
    Case {
        name,
        file,
        input: Box::new(move || input.clone().into_bytes()),
        before: None,
        expect,
    }
}

/// A minimal catalog entry with these response params (JSON text of a list).
fn entry(name: &str, response: &str) -> String {
    format!(
        r#"{{"name":"{name}","apiChineseName":"测试","description":"d","id":1,"requestParams":[],"responseParams":{response}}}"#
    )
}

/// A bullet page (as `taobao.trade.memo.add`'s text) with these response rows and XML example.
fn bullet_page(rows: &str, xml: &str) -> String {
    format!(
        "taobao.topgen.bad.get (测试)\n\n测试接口\n\n公共参数\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n\
         tid Number 必须 123 交易编号\n\n响应参数\n\n名称 类型 示例值 描述\n{rows}\n请求示例\n\n\
         TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
         TopgenBadGetRequest req = new TopgenBadGetRequest();\nreq.setTid(123L);\n\
         TopgenBadGetResponse rsp = client.execute(req);\nSystem.out.println(rsp.getBody());\n\n\
         响应示例\n\n{xml}\n\n异常示例\n\n<error_response>\n    <code>50</code>\n    <msg>Remote service error</msg>\n</error_response>\n\n\
         错误码解释\n\n错误码 错误消息 解决方案\n"
    )
}

/// An XML response example: `<taobao_topgen_bad_get_response>` around `inner`.
fn xml(inner: &str) -> String {
    format!("<topgen_bad_get_response>\n{inner}\n</topgen_bad_get_response>")
}

/// An HTML page (as `taobao.time.get`'s) with this body inside its content column.
fn html_page(body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>taobao.topgen.bad.get 测试</title>\n</head>\n<body>\n\
         <div class=\"col-md-9 markdown-body\">\n<h1>测试</h1>\n<h1>接口名称</h1>\n<p>taobao.topgen.bad.get</p>\n\
         <h1>请求参数</h1>\n<table><thead><tr><th>名称</th><th>类型</th><th>必须</th><th>示例值</th><th>描述</th></tr></thead><tbody></tbody></table>\n\
         <h1>响应参数</h1>\n<table><thead><tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr></thead><tbody>\n\
         <tr><td>time</td><td>Date</td><td>2000-01-01 00:00:00</td><td>时间</td></tr>\n</tbody></table>\n\
         {body}\n</div>\n</body>\n</html>\n"
    )
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let long = "A".repeat(2000);
    let long_field = "f".repeat(2000);
    let deep_sub = {
        let mut s = String::from(r#"{"name":"leaf","type":"String"}"#);
        for i in 0..5000 {
            s = format!(r#"{{"name":"n{i}","type":"T{i}","subParams":[{s}]}}"#);
        }
        s
    };
    let deep_xml = {
        let n = 5000;
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!("<e{i}>"));
        }
        s.push('1');
        for i in (0..n).rev() {
            s.push_str(&format!("</e{i}>"));
        }
        s
    };
    let deep_marks = {
        let mut rows = String::from("trade Trade 结果\n");
        for i in 1..2000 {
            rows.push_str(&format!(
                "    • {} f{i}\n    • T{i}\n    • x\n    • 层\n",
                "└".repeat(i)
            ));
        }
        rows
    };
    // Object rows drawn at one depth, each holding the next (an object row with nothing
    // below it holds the row that follows): a tree 5,000 deep from a linear page.
    let chained = {
        let mut rows = String::from("trade Trade 结果\n");
        for i in 1..5000 {
            rows.push_str(&format!("    • └ f{i}\n    • T{i}\n    • 层\n"));
        }
        rows.push_str("    • └ leaf\n    • String\n    • x\n    • 叶\n");
        rows
    };
    let wide_deep = format!("{}{}", "<div>".repeat(3_000), "<b>x</b>".repeat(50_000));
    let deep_divs = {
        let n = 100_000;
        format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n))
    };
    let good_rows =
        "trade Trade 结果\n    • └ tid\n    • Number\n    • 2231958349\n    • 交易编号\n";
    let good_xml = xml("    <trade>\n        <tid>2231958349</tid>\n    </trade>");
    vec![
        // Catalog JSON.
        case(
            "package.json",
            "package.json",
            r#"{"name":"left-pad","version":"1.3.0","main":"index.js","license":"WTFPL"}"#.into(),
            Refused("not a TOP metadata entry"),
        ),
        case(
            "numeric name",
            "x.json",
            r#"{"name":12345,"requestParams":[],"responseParams":[]}"#.into(),
            Refused("`name` must be a string"),
        ),
        case("empty object", "x.json", "{}".into(), Refused("not a TOP metadata entry")),
        case("JSON array", "x.json", "[1, 2]".into(), Refused("x.json")),
        case(
            "name with spaces",
            "x.json",
            entry("taobao.a b", "[]"),
            Refused("invalid API name"),
        ),
        case(
            "name with empty word",
            "x.json",
            entry("taobao..get", "[]"),
            Refused("invalid API name"),
        ),
        case(
            "name with trailing dash",
            "x.json",
            entry("taobao.get-", "[]"),
            Refused("invalid API name"),
        ),
        case(
            "params not a list",
            "x.json",
            r#"{"name":"taobao.a.b","apiChineseName":"x","requestParams":5}"#.into(),
            Refused("requestParams"),
        ),
        case(
            "cut-off JSON",
            "x.json",
            r#"{"name":"taobao.a.b","requestParams":["#.into(),
            Refused("EOF"),
        ),
        case(
            "text after the object",
            "x.json",
            format!("{} trailing", entry("taobao.a.b", "[]")),
            Refused("trailing"),
        ),
        case(
            "only name and title (as alibaba.interact.vip.get)",
            "x.json",
            r#"{"name":"taobao.a.b","apiChineseName":"会员","description":"d","id":29108}"#.into(),
            Clean,
        ),
        case(
            "byte order mark",
            "x.json",
            format!("\u{feff}{}", entry("taobao.a.b", r#"[{"name":"n","type":"String"}]"#)),
            Clean,
        ),
        case(
            "type name of 2,000 characters",
            "x.json",
            entry(
                "taobao.a.b",
                &format!(
                    r#"[{{"name":"r","type":"{long}","subParams":[{{"name":"a","type":"String"}}]}}]"#
                ),
            ),
            Warned("too long"),
        ),
        case(
            "field name of 2,000 characters",
            "x.json",
            entry(
                "taobao.a.b",
                &format!(r#"[{{"name":"{long_field}","type":"String"}}]"#),
            ),
            Warned("too long"),
        ),
        case(
            "API name of 2,000 characters",
            "x.json",
            entry(&format!("taobao.{long_field}"), "[]"),
            Refused("too long"),
        ),
        case(
            "subParams nested 5,000 deep",
            "x.json",
            entry("taobao.a.b", &format!("[{deep_sub}]")),
            Refused("recursion limit"),
        ),
        case(
            "byte[] in the response",
            "x.json",
            entry("taobao.a.b", r#"[{"name":"d","type":"byte[]"}]"#),
            Warned("base64"),
        ),
        case(
            "duplicate field",
            "x.json",
            entry(
                "taobao.a.b",
                r#"[{"name":"d","type":"String"},{"name":"d","type":"Number"}]"#,
            ),
            Warned("duplicate field"),
        ),
        case(
            "maxLength on a Number",
            "x.json",
            entry("taobao.a.b", r#"[{"name":"d","type":"Number","maxLength":3}]"#),
            Warned("does not apply"),
        ),
        case(
            "object type without subParams",
            "x.json",
            entry("taobao.a.b", r#"[{"name":"d","type":"FooDto"}]"#),
            Warned("imported as Json"),
        ),
        case(
            "one type name, two shapes",
            "x.json",
            entry(
                "taobao.a.b",
                r#"[{"name":"a","type":"Foo","subParams":[{"name":"x","type":"String"}]},
                    {"name":"b","type":"Foo","subParams":[{"name":"y","type":"Number"}]}]"#,
            ),
            Warned("named \"Foo2\""),
        ),
        case(
            "one type name, same fields twice",
            "x.json",
            entry(
                "taobao.a.b",
                r#"[{"name":"a","type":"Foo","subParams":[{"name":"x","type":"String"}]},
                    {"name":"b","type":"Foo","subParams":[{"name":"x","type":"String"}]}]"#,
            ),
            Clean,
        ),
        // Any input.
        case("empty file", "x.json", String::new(), Refused("empty")),
        Case {
            name: "binary data",
            file: "x.txt",
            input: Box::new(|| vec![0xff, 0xfe, 0, 1, 2]),
            before: None,
            expect: Refused("binary data"),
        },
        // Doc pages as text.
        case(
            "text that is no TOP page",
            "x.txt",
            "hello world\nthis is not a page\n".into(),
            Refused("x.txt"),
        ),
        case(
            "bullet page, well formed",
            "x.txt",
            bullet_page(good_rows, &good_xml),
            Warned("derived from the XML one"),
        ),
        case(
            "bullet page cut off",
            "x.txt",
            bullet_page(good_rows, &good_xml)[..420].to_owned(),
            Warned("cut off"),
        ),
        case(
            "XML example nested 5,000 deep",
            "x.txt",
            bullet_page(good_rows, &xml(&deep_xml)),
            Refused("nested more than"),
        ),
        case(
            "object rows chained 5,000 deep",
            "x.txt",
            bullet_page(&chained, &good_xml),
            Refused("nested more than"),
        ),
        case(
            "`└` tree nested 2,000 deep",
            "x.txt",
            bullet_page(&deep_marks, &good_xml),
            Refused("nested more than"),
        ),
        case(
            "page type name of 2,000 characters",
            "x.txt",
            bullet_page(
                &format!("trade {long} 结果\n    • └ tid\n    • Number\n    • 2231958349\n    • 交易编号\n"),
                &good_xml,
            ),
            Warned("too long"),
        ),
        case(
            "epoch-millisecond example of a Date",
            "x.txt",
            bullet_page(
                "trade Trade 结果\n    • └ created\n    • Date\n    • 1691997065571\n    • 时间\n",
                &xml("    <trade>\n        <created>1691997065571</created>\n    </trade>"),
            ),
            Without("Date"),
        ),
        case(
            "page with no API name",
            "x.txt",
            "测试\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\ntid Number 必须 123 交易编号\n"
                .into(),
            Refused("no API name"),
        ),
        // Doc pages as HTML.
        case(
            "HTML page, well formed",
            "x.html",
            html_page(""),
            Warned("no "),
        ),
        case(
            "HTML that is no TOP page",
            "x.html",
            "<!DOCTYPE html><html><body><p>hello</p></body></html>".into(),
            Refused("x.html"),
        ),
        case(
            "HTML with 100,000 nested <div>s",
            "x.html",
            html_page(&deep_divs),
            Refused("nested more than"),
        ),
        case(
            "HTML 3,000 deep with 50,000 tags below",
            "x.html",
            html_page(&wide_deep),
            Refused("too deep for their number"),
        ),
        // Re-imports.
        Case {
            name: "re-import over the importer's own spec",
            file: "x.json",
            input: Box::new(|| entry("taobao.a.b", "[]").into_bytes()),
            before: Some(("taobao.a.b.yaml", |yaml| yaml.to_owned())),
            expect: Clean,
        },
        Case {
            name: "re-import over a hand-corrected spec",
            file: "x.json",
            input: Box::new(|| entry("taobao.a.b", "[]").into_bytes()),
            before: Some(("taobao.a.b.yaml", |yaml| {
                yaml.replace("title: 测试", "title: 测试(改)")
            })),
            expect: Refused("--force"),
        },
        Case {
            name: "re-import over a hand-written spec",
            file: "x.json",
            input: Box::new(|| entry("taobao.a.b", "[]").into_bytes()),
            before: Some(("taobao.a.b.yaml", |_| {
                "name: taobao.a.b\ntitle: mine\n".to_owned()
            })),
            expect: Refused("--force"),
        },
    ]
}

/// Imports one case into a fresh folder: the outcome as a line for the table, and whether it
/// is the expected one.
fn run(case: &Case) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(case.file);
    let out = dir.path().join("out");
    std::fs::write(&input, (case.input)()).unwrap();
    let options = ImportOptions::default();
    if let Some((file, edit)) = case.before {
        let first = import_into_with(&input_files(std::slice::from_ref(&input)), &out, &options);
        assert!(first[0].result.is_ok(), "{:?}", first[0].result);
        let path = out.join(file);
        let yaml = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(&yaml)).unwrap();
    }
    let before: Vec<_> = list(&out);
    let outcome = import_into_with(&input_files(std::slice::from_ref(&input)), &out, &options)
        .pop()
        .unwrap();
    assert_eq!(outcome.input, input);
    let (result, ok) = match (&outcome.result, case.expect) {
        (Err(why), expect) => {
            // Nothing written, and the message names no file that does not exist.
            assert_eq!(
                list(&out),
                before,
                "{}: a refused input wrote files",
                case.name
            );
            let names_missing = why
                .split_whitespace()
                .any(|w| w.ends_with(".yaml") && !Path::new(w).exists());
            let full = format!("{}: {why}", input.display());
            let ok = matches!(expect, Expect::Refused(s) if full.contains(s)) && !names_missing;
            (format!("refused: {}", short(why)), ok)
        }
        (Ok(written), expect) => {
            let back = std::fs::read_to_string(&written.spec_file).unwrap();
            topgen_spec::load::parse_spec(&written.spec_file, &back)
                .unwrap_or_else(|e| panic!("{}: written spec does not load: {e}", case.name));
            let ok = match expect {
                Expect::Refused(_) => false,
                Expect::Warned(s) => written.warnings.iter().any(|w| w.message.contains(s)),
                Expect::Clean => written.warnings.is_empty(),
                Expect::Without(s) => !written.warnings.iter().any(|w| w.message.contains(s)),
            };
            let first = match expect {
                Expect::Warned(s) => written.warnings.iter().find(|w| w.message.contains(s)),
                _ => None,
            }
            .or(written.warnings.first());
            let result = match first {
                None => "imported clean".to_owned(),
                Some(w) => format!(
                    "imported, {} warning{}: {}",
                    written.warnings.len(),
                    if written.warnings.len() == 1 { "" } else { "s" },
                    short(&w.message)
                ),
            };
            (result, ok)
        }
    };
    (result, ok)
}

fn list(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| (e.path(), std::fs::read(e.path()).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A message cut to fit a table cell, on one line.
fn short(s: &str) -> String {
    let one: String = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|");
    if one.chars().count() > 110 {
        format!("{}…", one.chars().take(110).collect::<String>())
    } else {
        one
    }
}

#[test]
fn bad_importer_inputs() {
    let cases = cases();
    assert!(cases.len() >= 30);
    println!("\nimporter: bad inputs (catalog JSON, doc pages as text and HTML)");
    println!("| # | case | expected | result | ok |");
    println!("|---|---|---|---|---|");
    let mut failed = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let start = Instant::now();
        let (result, mut ok) = run(c);
        let took = start.elapsed();
        // Bounded in time: every case, even the deep ones, in well under a few seconds.
        let slow = took > Duration::from_secs(3);
        ok &= !slow;
        let result = if slow {
            format!("{result} (took {took:.1?})")
        } else {
            result
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            i + 1,
            c.name,
            c.expect,
            result,
            if ok { "ok" } else { "FAIL" }
        );
        if !ok {
            failed.push(c.name);
        }
    }
    println!(
        "importer: {} of {} bad inputs handled as expected",
        cases.len() - failed.len(),
        cases.len()
    );
    assert!(failed.is_empty(), "unexpected outcomes: {failed:?}");
}
