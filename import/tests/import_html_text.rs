//! A doc page saved as HTML and the same page copied as text import to the same spec: both
//! readers stop at the same `DocPage`, and one interpreter makes the spec.

mod common;

use common::root;
use std::path::PathBuf;
use topgen_import::page::{html, text};
use topgen_import::{import_file, to_yaml};

fn html_fixtures() -> Vec<PathBuf> {
    common::fixture_files("pages-html", "html")
}

#[test]
fn html_and_text_of_a_page_import_to_the_same_spec() {
    let files = html_fixtures();
    assert_eq!(files.len(), 6, "{files:?}");
    for html_path in files {
        let stem = html_path.file_stem().unwrap().to_str().unwrap();
        let text_path = root().join(format!("tests/fixtures/pages/{stem}.txt"));
        let from_html = import_file(&html_path, &std::fs::read(&html_path).unwrap())
            .unwrap_or_else(|e| panic!("{stem} (HTML): {e}"));
        let from_text = import_file(&text_path, &std::fs::read(&text_path).unwrap())
            .unwrap_or_else(|e| panic!("{stem} (text): {e}"));
        // The whole spec, as the YAML a reviewer would diff.
        let (yh, yt) = (to_yaml(&from_html.spec), to_yaml(&from_text.spec));
        for (i, (a, b)) in yh.lines().zip(yt.lines()).enumerate() {
            assert_eq!(
                a,
                b,
                "{stem}: YAML line {} differs (HTML left, text right)",
                i + 1
            );
        }
        assert_eq!(yh, yt, "{stem}: the HTML and the text import differently");
        assert_eq!(from_html.spec, from_text.spec, "{stem}");
        // The same repairs and guesses (their messages cite each source's own lines).
        let places =
            |w: &[topgen_import::Warning]| w.iter().map(|w| w.place.clone()).collect::<Vec<_>>();
        assert_eq!(
            places(&from_html.warnings),
            places(&from_text.warnings),
            "{stem}: warnings differ\nHTML: {:#?}\ntext: {:#?}",
            from_html.warnings,
            from_text.warnings
        );
    }
}

/// The readers agree row by row, not only after interpretation: names, types, cells, depth
/// as drawn, and examples.
#[test]
fn html_and_text_readers_give_the_same_rows() {
    for html_path in html_fixtures() {
        let stem = html_path.file_stem().unwrap().to_str().unwrap();
        let text_path = root().join(format!("tests/fixtures/pages/{stem}.txt"));
        let h = html::read(&html_path, &std::fs::read_to_string(&html_path).unwrap()).unwrap();
        let t = text::read(&text_path, &std::fs::read_to_string(&text_path).unwrap()).unwrap();
        let rows = |p: &topgen_import::page::DocPage| {
            p.request
                .iter()
                .chain(&p.response)
                .map(|r| {
                    (
                        r.name.clone(),
                        r.ty.clone(),
                        r.required,
                        r.example.clone(),
                        r.description.clone(),
                        r.limits.clone(),
                        r.depth,
                    )
                })
                .collect::<Vec<_>>()
        };
        let (hr, tr) = (rows(&h), rows(&t));
        for (i, (a, b)) in hr.iter().zip(&tr).enumerate() {
            assert_eq!(a, b, "{stem}: row {i} differs (HTML left, text right)");
        }
        assert_eq!(hr.len(), tr.len(), "{stem}: row counts\n{hr:#?}\n{tr:#?}");
        assert_eq!(
            (&h.name, &h.title, &h.description),
            (&t.name, &t.title, &t.description),
            "{stem}"
        );
        assert_eq!(h.sections, t.sections, "{stem}: sections");
        assert_eq!(h.cut_off.is_some(), t.cut_off.is_some(), "{stem}: cut off");
        // Code as shown; where it ends (a trailing newline) is settled by the interpreter.
        let code = |c: &Option<String>| c.as_deref().map(str::trim_end).map(str::to_owned);
        for (h, t, what) in [
            (&h.request_example, &t.request_example, "request example"),
            (&h.response_xml, &t.response_xml, "XML example"),
            (&h.response_json, &t.response_json, "JSON example"),
            (&h.error_xml, &t.error_xml, "XML error example"),
            (&h.error_json, &t.error_json, "JSON error example"),
        ] {
            assert_eq!(code(h), code(t), "{stem}: {what}");
        }
    }
}
