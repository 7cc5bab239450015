//! Generated inputs (plain text, HTML fragments, arbitrary bytes, pathological runs), the same
//! on every run: the output is deterministic, rustdoc accepts it, and plain text keeps every
//! visible character.

use crate::rustdoc::{Allowed, problems, visible};
use codegen::markdown::{description_to_markdown, description_to_markdown_line};

/// A small deterministic generator (xorshift64*), so the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn text(&mut self, fragments: &[&str], max: usize) -> String {
        let n = 1 + self.below(max);
        (0..n)
            .map(|_| fragments[self.below(fragments.len())])
            .collect()
    }
}

/// Plain text: Markdown syntax, URLs, whitespace and odd characters, no `<` and no `&`.
const PLAIN: &[&str] = &[
    "a",
    "中文",
    "B",
    "9",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "*",
    "**",
    "_",
    "__",
    "`",
    "```",
    "~",
    "~~",
    "[",
    "]",
    "[x]",
    "[^1]",
    "![",
    "(",
    ")",
    "#",
    "# ",
    ">",
    "> ",
    "-",
    "- ",
    "---",
    "+ ",
    "=",
    "===",
    "|",
    "|-|",
    "--",
    "...",
    ":",
    ": ",
    "1. ",
    "1) ",
    "12.",
    "\\",
    "!",
    "\"",
    "'",
    "{",
    "}",
    "$",
    "^",
    "@",
    "a@b.cn",
    "，",
    "：",
    "（",
    "）",
    "“",
    "【",
    "¥",
    "€",
    "😀",
    "\u{3000}",
    "\u{a0}",
    "\r",
    "\u{1}",
    "\u{202e}",
    "\u{2028}",
    "    ",
    "m_id",
    "x_",
    "_y",
    "http://a.com/x",
    "https://open.taobao.com/doc.htm?id=1&b=2",
    "HTTP://A.B",
    "http://",
    "https://.",
    "www.x.com",
    "http://a.cn/(x)",
    "http://a.cn/x).",
    "://",
    ".",
    ",",
];

/// HTML fragments, entities and text that only looks like HTML.
const HTML: &[&str] = &[
    "<br/>",
    "<br>",
    "</br>",
    "<BR />",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<B>",
    "<strong>",
    "</strong>",
    "<i>",
    "</i>",
    "<em>",
    "</em>",
    "<ul>",
    "</ul>",
    "<ol>",
    "<ol start=\"5\">",
    "</ol>",
    "<li>",
    "</li>",
    "<a href=\"http://a.com/x\">",
    "<a href=\"https://x.cn/a b(c)\">",
    "<a href='mailto:x@y.cn'>",
    "<a href=\"javascript:x\">",
    "<a>",
    "</a>",
    "<font color=red>",
    "<font color='red'>",
    "</font>",
    "<span style=\"color:red\">",
    "</span>",
    "<img alt=\"图*\">",
    "<img src=x>",
    "<div>",
    "</div>",
    "<table><tr><td>",
    "</td><td>",
    "<h1>",
    "</h1>",
    "<hr>",
    "<pre>",
    "<blockquote>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "&lt;",
    "&gt;",
    "&amp;",
    "&quot;",
    "&#39;",
    "&#x4e2d;",
    "&nbsp;",
    "&hellip;",
    "&unknown;",
    "&",
    "&#",
    ";",
    "<",
    ">",
    "/>",
    "=",
    "\"",
    "'",
    "List<String>",
    "Map<K, V>",
    "<T>",
    "a<b",
    "<=",
    "<Object>",
    "<status>",
    "List<B>",
    "<a href=",
    "<b ",
    "< b>",
    "<1>",
];

#[test]
fn generated_plain_text_keeps_every_character_and_no_syntax() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for case in 0..3000 {
        let input = rng.text(PLAIN, 24);
        let md = description_to_markdown(&input);
        assert_eq!(md, description_to_markdown(&input), "deterministic");
        let found = problems(&md, &Allowed::from_input(&input));
        assert!(
            found.is_empty(),
            "case {case}: {input:?} → {md:?}: {found:?}"
        );
        let expected: String = input
            .replace(['‘', '’'], "'")
            .replace('…', "...")
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '\u{202e}'))
            .collect();
        assert_eq!(visible(&md), expected, "case {case}: {input:?} → {md:?}");
    }
}

#[test]
fn generated_html_gives_markdown_rustdoc_accepts() {
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    let fragments: Vec<&str> = PLAIN.iter().chain(HTML).copied().collect();
    for case in 0..4000 {
        let input = rng.text(&fragments, 30);
        let md = description_to_markdown(&input);
        assert_eq!(md, description_to_markdown(&input), "deterministic");
        let found = problems(&md, &Allowed::from_input(&input));
        assert!(
            found.is_empty(),
            "case {case}: {input:?} → {md:?}: {found:?}"
        );
        let line = description_to_markdown_line(&input);
        assert!(!line.contains('\n'), "case {case}: {line:?}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0003);
    for _ in 0..2000 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(4) {
                0 => {
                    let special = b"<>&;/=\"' \n#*_`[]!\\-ab";
                    special[rng.below(special.len())]
                }
                _ => rng.next() as u8,
            })
            .collect();
        let input = String::from_utf8_lossy(&bytes);
        let md = description_to_markdown(&input);
        let found = problems(&md, &Allowed::from_input(&input));
        assert!(found.is_empty(), "{input:?} → {md:?}: {found:?}");
    }
}

#[test]
fn pathological_inputs_stay_linear() {
    let start = std::time::Instant::now();
    for unit in [
        "x<b>",
        "<!--",
        "<script>",
        "<a href=\"",
        "<b> </b>",
        "<b>：x：</b>y",
        "<a href=\"http://a.cn\">",
        "<ul><li>",
        "&#x1;&",
        "*_[`",
    ] {
        let input = unit.repeat(100_000 / unit.len());
        let md = description_to_markdown(&input);
        assert!(
            problems(&md, &Allowed::from_input(&input)).is_empty(),
            "{unit:?}"
        );
    }
    // Quadratic work on 100 kB would take minutes; linear work takes well under a second each.
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}
