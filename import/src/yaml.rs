//! The YAML writer: a [`Spec`] as readable, stable YAML in the shape and key order of the
//! hand-written specs, optionally with the importer's warnings as comments.

use crate::{Place, Warning};
use std::fmt::Write as _;
use topgen_spec::spec::{Examples, Field, Spec, TypeDef};

/// The spec as YAML: keys in the order `name, doc_id, title, description, needs_session, request,
/// response, types, examples`; fields as `name, type, required, example, default, max_length,
/// max_value, min_value, max_list_size, description, sensitive`. Empty and default values
/// (`required: false`, no title…) are left out; strings are quoted only when YAML would read
/// them as something else, and multi-line text is written as a `|` block where that is exact.
pub fn to_yaml(spec: &Spec) -> String {
    write_spec(spec, &Notes(&[]))
}

/// [`to_yaml`] with comments: a header saying where the spec came from with the warnings
/// about the spec as a whole, and every other warning as a `# guess:` comment right above
/// the param, field, type or example it is about.
///
/// The header's second line records a hash of everything below it (`# body hash: …`), so a
/// later import can tell a spec corrected by hand ([`body_hash_check`]) and not overwrite it.
pub fn to_yaml_with_header(spec: &Spec, source: &str, warnings: &[Warning]) -> String {
    with_header(&spec.name, source, "codegen import", &body(spec, warnings))
}

/// `body` under the header of an imported spec: the line saying what (`name`) was imported from
/// `source` by `command`, then the line with the body's hash ([`body_hash_check`]). The one
/// header of both importers' specs.
pub(crate) fn with_header(name: &str, source: &str, command: &str, body: &str) -> String {
    format!(
        "# {name} — imported from {} by `{command}`.\n{HASH_PREFIX}{:016x} (of the lines below; once they are edited, `{command}` overwrites this file only with --force)\n{body}",
        one_line(source),
        fnv1a(body.as_bytes())
    )
}

/// The start of the header line with the body's hash.
const HASH_PREFIX: &str = "# body hash: ";

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's hasher is not), enough
/// to notice an edit.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Whether a spec file is as [`to_yaml_with_header`] wrote it: `Some(true)` when its body
/// matches the hash in its header, `Some(false)` when it was edited since, `None` when its
/// header has no hash (written by hand, or by an older importer).
pub fn body_hash_check(text: &str) -> Option<bool> {
    let mut rest = text;
    // The hash line is among the leading comment lines.
    while rest.starts_with('#') {
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        if let Some(hash) = line.strip_prefix(HASH_PREFIX) {
            let hex = hash.get(..16)?;
            let recorded = u64::from_str_radix(hex, 16).ok()?;
            return Some(recorded == fnv1a(after.as_bytes()));
        }
        rest = after;
    }
    None
}

/// What [`to_yaml_with_header`] writes below the hash line: the warnings about the spec as a
/// whole, then the spec with the other warnings as comments.
fn body(spec: &Spec, warnings: &[Warning]) -> String {
    // A warning whose place is not in the spec (a dropped field) goes to the header too.
    let placed = |w: &Warning| w.place != Place::Spec && place_exists(spec, &w.place);
    let mut out = warnings_header(warnings, placed);
    out.push_str(&write_spec(spec, &Notes(warnings)));
    out
}

/// The header's list of warnings: those `placed` refuses (about the spec as a whole, or a part
/// it no longer has), and how many more are comments next to their place.
pub(crate) fn warnings_header(warnings: &[Warning], placed: impl Fn(&Warning) -> bool) -> String {
    let mut out = String::new();
    let general: Vec<&Warning> = warnings.iter().filter(|w| !placed(w)).collect();
    let local = warnings.iter().filter(|w| placed(w)).count();
    if !general.is_empty() || local > 0 {
        out.push_str(
            "# Importer warnings (guesses and repairs of the source):
",
        );
        for w in &general {
            let _ = writeln!(out, "#   - {}", one_line(&w.message));
        }
        if local > 0 {
            let more = if general.is_empty() { "" } else { " more" };
            let _ = writeln!(
                out,
                "#   - {local}{more}, as `# guess:` comments next to what they are about"
            );
        }
    }
    out
}

/// Whether the spec has the part a [`Place`] names.
pub(crate) fn place_exists(spec: &Spec, place: &Place) -> bool {
    let ty = |t: &str| spec.types.iter().find(|(name, _)| name == t);
    match place {
        Place::Spec => true,
        Place::Request(n) => spec.request.iter().any(|f| &f.name == n),
        Place::Response(n) => spec.response.iter().any(|f| &f.name == n),
        Place::Type(t) => ty(t).is_some(),
        Place::TypeField(t, f) => ty(t).is_some_and(|(_, d)| d.fields.iter().any(|x| &x.name == f)),
        Place::TopicField(_) => false,
        Place::Example(k) => {
            let e = &spec.examples;
            match k.as_str() {
                "request" => e.request.is_some(),
                "response_xml" => e.response_xml.is_some(),
                "response_json" => e.response_json.is_some(),
                "error_xml" => e.error_xml.is_some(),
                "error_json" => e.error_json.is_some(),
                _ => false,
            }
        }
    }
}

/// The warnings to write as comments next to the parts of the spec they are about.
pub(crate) struct Notes<'a>(pub(crate) &'a [Warning]);

impl Notes<'_> {
    /// Writes the warnings about `place` as comment lines at `indent`.
    pub(crate) fn write(&self, out: &mut String, indent: usize, place: &Place) {
        if *place == Place::Spec {
            return;
        }
        for w in self.0.iter().filter(|w| &w.place == place) {
            let _ = writeln!(out, "{:indent$}# guess: {}", "", one_line(&w.message));
        }
    }
}

fn write_spec(spec: &Spec, notes: &Notes) -> String {
    let mut out = String::new();
    line(&mut out, 0, "name", &scalar(&spec.name, 0));
    if let Some(id) = spec.doc_id {
        line(&mut out, 0, "doc_id", &id.to_string());
    }
    opt(&mut out, 0, "title", spec.title.as_deref());
    opt(&mut out, 0, "description", spec.description.as_deref());
    if spec.needs_session {
        line(&mut out, 0, "needs_session", "true");
    }
    fields(&mut out, "request", &spec.request, notes, |n| {
        Place::Request(n.to_owned())
    });
    fields(&mut out, "response", &spec.response, notes, |n| {
        Place::Response(n.to_owned())
    });
    if !spec.types.is_empty() {
        out.push_str("\ntypes:\n");
        for (name, def) in &spec.types {
            type_def(&mut out, name, def, notes);
        }
    }
    examples(&mut out, &spec.examples, notes);
    out
}

pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn type_def(out: &mut String, name: &str, def: &TypeDef, notes: &Notes) {
    notes.write(out, 2, &Place::Type(name.to_owned()));
    let _ = writeln!(out, "  {}:", scalar(name, 2));
    opt(out, 4, "description", def.description.as_deref());
    if def.fields.is_empty() {
        line(out, 4, "fields", "[]");
    } else {
        let _ = writeln!(out, "    fields:");
        for f in &def.fields {
            notes.write(out, 6, &Place::TypeField(name.to_owned(), f.name.clone()));
            field(out, 6, f);
        }
    }
}

fn fields(
    out: &mut String,
    key: &str,
    fields: &[Field],
    notes: &Notes,
    place: impl Fn(&str) -> Place,
) {
    if fields.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{key}:");
    for f in fields {
        notes.write(out, 2, &place(&f.name));
        field(out, 2, f);
    }
}

fn field(out: &mut String, indent: usize, f: &Field) {
    // `- name: x` then the other keys aligned under `name`.
    let _ = writeln!(out, "{:indent$}- name: {}", "", scalar(&f.name, indent + 2));
    let inner = indent + 2;
    line(out, inner, "type", &scalar(&f.ty, inner));
    if f.required {
        line(out, inner, "required", "true");
    }
    opt(out, inner, "example", f.example.as_deref());
    opt(out, inner, "default", f.default.as_deref());
    num(
        out,
        inner,
        "max_length",
        f.max_length.map(|n| n.to_string()),
    );
    num(out, inner, "max_value", f.max_value.map(|n| n.to_string()));
    num(out, inner, "min_value", f.min_value.map(|n| n.to_string()));
    num(
        out,
        inner,
        "max_list_size",
        f.max_list_size.map(|n| n.to_string()),
    );
    opt(out, inner, "description", f.description.as_deref());
    if let Some(s) = f.sensitive {
        line(out, inner, "sensitive", if s { "true" } else { "false" });
    }
}

fn examples(out: &mut String, e: &Examples, notes: &Notes) {
    let all = [
        ("request", &e.request),
        ("response_xml", &e.response_xml),
        ("response_json", &e.response_json),
        ("error_xml", &e.error_xml),
        ("error_json", &e.error_json),
    ];
    if all.iter().all(|(_, v)| v.is_none()) {
        return;
    }
    out.push_str("\nexamples:\n");
    for (key, value) in all {
        if value.is_some() {
            notes.write(out, 2, &Place::Example(key.to_owned()));
        }
        opt(out, 2, key, value.as_deref());
    }
}

fn num(out: &mut String, indent: usize, key: &str, value: Option<String>) {
    if let Some(v) = value {
        line(out, indent, key, &v);
    }
}

pub(crate) fn opt(out: &mut String, indent: usize, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        line(out, indent, key, &scalar(v, indent));
    }
}

pub(crate) fn line(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{:indent$}{key}: {value}", "");
}

/// A YAML scalar for a string value at a key indented by `indent`: plain when YAML reads it back
/// as this same string, a `|` literal block for clean multi-line text, else double-quoted.
pub(crate) fn scalar(s: &str, indent: usize) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    if let Some(block) = literal_block(s, indent + 2) {
        return block;
    }
    double_quoted(s)
}

/// Conservative: only text that no YAML 1.1 or 1.2 reader takes as anything but this string.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first.is_ascii_digit()
        || matches!(
            first,
            '-' | '+'
                | '.'
                | '?'
                | ':'
                | ' '
                | '~'
                | '='
                | '<'
                | '#'
                | '{'
                | '}'
                | '['
                | ']'
                | ','
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
        )
        || s.ends_with(' ')
        || s.ends_with(':')
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | ".nan" | ".inf"
    ) {
        return false;
    }
    // In block context (the only one written here) `[]{},#'"` are plain text past the first
    // character, except `: ` and ` #`.
    !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(":\t")
        && s.chars().all(|c| {
            !c.is_control() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        })
}

/// A `|` / `|-` block when the text is several clean lines (no tabs, carriage returns or other
/// controls, no line that starts the block with a space, no whitespace-only or
/// trailing-whitespace lines, at most one final newline).
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') || s.ends_with("\n\n") || s == "\n" {
        return None;
    }
    let clean = s.chars().all(|c| {
        (c == '\n' || !c.is_control())
            && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    });
    let first_line = s.split('\n').find(|l| !l.is_empty());
    if !clean || first_line.is_none_or(|l| l.starts_with(' ')) {
        return None;
    }
    let body = s.strip_suffix('\n');
    let (indicator, body) = match body {
        Some(b) => ("|", b),
        None => ("|-", s),
    };
    let mut out = String::from(indicator);
    for l in body.split('\n') {
        if l.ends_with(' ') || (!l.is_empty() && l.trim().is_empty()) {
            return None;
        }
        out.push('\n');
        if !l.is_empty() {
            let _ = write!(out, "{:indent$}{l}", "");
        }
    }
    Some(out)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use topgen_spec::load::parse_spec;

    fn spec_with(text: &str) -> Spec {
        Spec {
            name: "taobao.a.b".into(),
            doc_id: None,
            title: Some(text.into()),
            description: None,
            needs_session: false,
            request: vec![],
            response: vec![],
            types: vec![],
            examples: Examples {
                request: Some(text.into()),
                ..Examples::default()
            },
        }
    }

    #[test]
    fn tricky_strings_round_trip() {
        let cases = [
            "",
            " ",
            "true",
            "No",
            "null",
            "~",
            "1",
            "0x1F",
            "1e3",
            "2021-08-04 00:00:00",
            "-",
            "- a",
            "a: b",
            "a #b",
            "#x",
            "[x]",
            "{x}",
            "*x",
            "&x",
            "!x",
            "|",
            ">",
            "'",
            "\"",
            "%x",
            "@x",
            "`x`",
            "a\\b",
            "tab\there",
            "cr\r\n",
            "a\nb",
            "a\nb\n",
            "a\nb\n\n",
            "\na",
            " a\nb",
            "a \nb",
            "a\n  \nb",
            "a\n\nb",
            "\n a",
            "\n\na\n",
            "<br/>",
            "List<String>",
            "中文：说明",
            "x\u{2028}y",
            "\u{feff}x",
            "\u{1}",
            "a\u{85}b",
            "end:",
            "? x",
            "=",
            "a,b",
            "  lead",
            "trail ",
            "ok plain text",
            "Y",
            "on",
        ];
        for c in cases {
            let spec = spec_with(c);
            let yaml = to_yaml(&spec);
            let back = parse_spec(Path::new("t.yaml"), &yaml)
                .unwrap_or_else(|e| panic!("{c:?}: {e}\n{yaml}"));
            assert_eq!(back, spec, "{c:?}\n{yaml}");
        }
    }

    #[test]
    fn warnings_become_comments_next_to_their_place() {
        let field = Field::new;
        let mut spec = spec_with("t");
        spec.request = vec![field("a", "String")];
        spec.response = vec![field("r", "Obj")];
        spec.types = vec![(
            "Obj".into(),
            TypeDef {
                description: None,
                fields: vec![field("x", "Number")],
            },
        )];
        let warn = |place: Place, message: &str| Warning {
            place,
            message: message.into(),
        };
        let warnings = [
            warn(Place::Spec, "whole"),
            warn(Place::Request("a".into()), "on a"),
            warn(Place::Response("r".into()), "on r"),
            warn(Place::Type("Obj".into()), "on Obj"),
            warn(Place::TypeField("Obj".into(), "x".into()), "on x"),
            warn(Place::Example("request".into()), "on the example"),
            warn(Place::Request("gone".into()), "a dropped param"),
        ];
        let yaml = to_yaml_with_header(&spec, "src.txt", &warnings);
        for (comment, next) in [
            ("  # guess: on a\n", "  - name: a\n"),
            ("  # guess: on r\n", "  - name: r\n"),
            ("  # guess: on Obj\n", "  Obj:\n"),
            ("      # guess: on x\n", "      - name: x\n"),
            ("  # guess: on the example\n", "  request: "),
        ] {
            assert!(
                yaml.contains(&format!("{comment}{next}")),
                "{comment:?}\n{yaml}"
            );
        }
        // Spec-wide warnings, and those about something no longer in the spec, are in the
        // header.
        assert!(yaml.contains("#   - whole\n"), "{yaml}");
        assert!(yaml.contains("#   - a dropped param\n"), "{yaml}");
        assert!(
            yaml.contains("#   - 5 more, as `# guess:` comments"),
            "{yaml}"
        );
        let back = parse_spec(Path::new("t.yaml"), &yaml).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn plain_where_possible() {
        assert_eq!(scalar("HM", 0), "HM");
        assert_eq!(scalar("中文", 0), "中文");
        assert_eq!(scalar("8007", 0), "\"8007\"");
        assert_eq!(scalar("String[]", 0), "String[]");
        assert_eq!(scalar("[x]", 0), "\"[x]\"");
        assert_eq!(scalar("a\nb\n", 2), "|\n    a\n    b");
    }
}
