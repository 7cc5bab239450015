//! `topgen_import::page::html::read` over doc pages saved as HTML
//! (`tests/fixtures/pages-html/`), beyond what each page shows (that is `import_html/`):
//! sections and rows are located at their source lines, every fixture reads the same way
//! twice, bad input is an error naming the file, truncated, garbled or deeply nested HTML
//! never panics.

mod common;

use std::path::{Path, PathBuf};
use topgen_import::page::html::read;
use topgen_import::page::{Rendering, Section};

fn fixture_files() -> Vec<PathBuf> {
    common::fixture_files("pages-html", "html")
}

use common::html_fixture as source;

#[test]
fn sections_and_cut_off_are_located() {
    // The complete pages run to 错误码解释; the others were saved cut off, at their last line.
    for (api, cut) in [
        ("taobao.wdk.iot.wombat.common.gettoken", false),
        ("taobao.time.get", false),
        ("taobao.trade.memo.add", true),
        ("taobao.product.add", true),
        ("tmall.servicecenter.picture.upload", true),
        ("qimen.alibaba.wdk.vertical.nb.station.single.sync", true),
    ] {
        let (path, text) = source(api);
        let page = read(&path, &text).unwrap();
        let lines = text.lines().count();
        assert_eq!(page.cut_off, cut.then_some(lines), "{api}");
        // Every section found has the line of its heading, in page order.
        let located: Vec<usize> = page
            .sections
            .iter()
            .map(|s| page.section_lines.get(s).copied().unwrap_or(0))
            .collect();
        assert!(located.iter().all(|&l| l > 0), "{api}: {located:?}");
        assert!(
            located.windows(2).all(|w| w[0] < w[1]),
            "{api}: {located:?}"
        );
    }
}

#[test]
fn every_fixture_reads_and_there_are_enough() {
    let files = fixture_files();
    assert!(files.len() >= 6, "{} fixtures", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let page = read(path, &text).unwrap_or_else(|e| panic!("{e}"));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(page.name.as_deref(), Some(stem));
        assert_eq!(page.rendering, Rendering::Html);
        assert_eq!(page.sections.first(), Some(&Section::Header), "{stem}");
        // Reading is deterministic.
        assert_eq!(read(path, &text).unwrap(), page);
    }
}

#[test]
fn row_lines_point_at_rows() {
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let page = read(&path, &text).unwrap();
        for row in page.request.iter().chain(&page.response) {
            assert!(row.line >= 1, "{}: {row:?}", path.display());
            let line = lines[row.line - 1];
            if row.depth == 0 {
                // `<tr>` on its own line; the name cell follows.
                assert_eq!(line.trim(), "<tr>", "{}: {row:?}", path.display());
                assert!(lines[row.line].contains(&format!(">{}", row.name)));
            } else {
                assert!(
                    line.trim_start().starts_with("<ul") && line.contains(&row.name),
                    "{}:{}: {line}",
                    path.display(),
                    row.line
                );
            }
        }
    }
}

#[test]
fn errors_name_the_file_and_what_is_wrong() {
    let path = Path::new("saved/taobao.x.html");
    let err = |text: &str| {
        let e = read(path, text).unwrap_err();
        assert!(matches!(e, topgen_spec::Error::Syntax { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.starts_with("saved/taobao.x.html:"), "{msg}");
        msg
    };
    assert!(err("").contains("the file is empty"));
    assert!(err("\n  \r\n").contains("the file is empty"));
    // Binary junk.
    let junk: String = (0u32..400)
        .map(|i| char::from_u32((i * 7919) % 0x250).unwrap_or('?'))
        .collect();
    let msg = err(&junk);
    assert!(
        msg.starts_with("saved/taobao.x.html:1:1: binary data (a NUL byte), not HTML"),
        "{msg}"
    );
    let png = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01").into_owned();
    assert!(err(&png).contains("binary data"));
    // The text rendering given to the HTML reader.
    let msg = err(
        "taobao.time.get (获取时间)\n\n公共参数\n\n请求参数\n\n名称 类型 是否必须 示例值 更多限制 描述\n",
    );
    assert!(msg.contains("no HTML markup"), "{msg}");
    // HTML that is not a TOP API page.
    let msg = err(
        "<!DOCTYPE html><html><head><title>博客</title></head><body><h1>我的博客</h1>\
         <h2>FAQ</h2><table><tr><th>名称</th><th>类型</th></tr><tr><td>a</td><td>b</td></tr>\
         </table><pre>&lt;x/&gt;</pre></body></html>",
    );
    assert!(msg.contains("not a TOP API doc page"), "{msg}");
    assert!(msg.contains("api.name (中文名)"), "{msg}");
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn truncated_and_garbled_html_gives_a_page_or_an_error_never_a_panic() {
    let path = Path::new("garbled.html");
    let mut reads = 0;
    let mut pages = 0;
    let mut check = |html: &str| {
        reads += 1;
        if read(path, html).is_ok() {
            pages += 1;
        }
    };
    for file in fixture_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        // Cut at many points (inside tags, entities, attributes, multi-byte characters).
        let cuts: Vec<usize> = (0..text.len())
            .step_by(211)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for i in cuts {
            check(&text[..i]);
            check(&text[i..]);
        }
        // Garble: replace random spans with markup fragments.
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ text.len() as u64);
        let bits = [
            "<",
            ">",
            "</",
            "&",
            "&#",
            "&#x110000;",
            "&lt",
            "\"",
            "<td",
            "</tr>",
            "<table>",
            "</table>",
            "<ul>",
            "<li>",
            "<pre>",
            "</pre>",
            "<h1>",
            "<!--",
            "-->",
            "<![CDATA[",
            "<template>",
            "<svg><foreignObject>",
            "<math><mi>",
            "<frameset>",
            "<select>",
            "<li>└",
            "└ └ └",
            "\u{0}",
            "\u{feff}",
            "<br/>",
            "colspan=\"99999999999\"",
            "<td colspan=0>",
            "<h2>请求参数</h2>",
            "<h2>响应参数</h2>",
            "<h2>异常示例</h2>",
        ];
        for _ in 0..25 {
            let mut garbled = text.clone();
            for _ in 0..1 + rng.below(8) {
                let mut at = rng.below(garbled.len());
                while !garbled.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + rng.below(40)).min(garbled.len());
                while !garbled.is_char_boundary(end) {
                    end -= 1;
                }
                garbled.replace_range(at..end, bits[rng.below(bits.len())]);
            }
            check(&garbled);
        }
    }
    // Unclosed nested lists and tables (deep nesting: see `deep_and_wide_input_…`).
    let lists = format!(
        "<h1>a.b (c)</h1><h2>响应参数</h2>{}",
        "<ul><li>└ x</li><li>".repeat(500)
    );
    check(&lists);
    let tables = format!(
        "<h1>a.b (c)</h1><h2>请求参数</h2>{}",
        "<table><tr><th>名称</th><th>类型</th></tr><tr><td>x</td><td>".repeat(1_000)
    );
    check(&tables);
    assert!(reads > 300, "{reads} reads");
    assert!(pages > 100, "only {pages} of {reads} reads gave a page");
}

#[test]
fn deep_and_wide_input_still_reads_the_page() {
    // The page inside 3 000 nested elements, with 2 000 nested rows: read completely, and
    // iteratively (no stack overflow). Depths stay moderate because html5ever's tree builder
    // takes time quadratic in the depth (its scope checks walk the stack of open elements).
    let open = "<div>".repeat(3_000);
    let nested: String = (0..2_000)
        .map(|i| format!("<ul><li>└ f{i}</li><li>String</li><li>x</li><li>d</li></ul>"))
        .collect();
    let html = format!(
        "<html><body>{open}<h1>a.b (c)</h1><h2>响应参数</h2><table>\
         <tr><th>名称</th><th>类型</th><th>示例值</th><th>描述</th></tr>\
         <tr><td>r</td><td>R</td><td></td><td>根</td></tr><tr><td colspan=\"4\">{nested}</td></tr>\
         </table></body></html>"
    );
    let page = read(Path::new("deep.html"), &html).unwrap();
    assert_eq!(page.name.as_deref(), Some("a.b"));
    assert_eq!(page.response.len(), 2_001);
    assert_eq!(page.response[2_000].name, "f1999");
    assert_eq!(page.response[2_000].depth, 2);
}
