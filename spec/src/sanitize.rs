//! Turning TOP wire names into Rust identifiers.
//!
//! Every identifier the generator emits goes through this module, so keyword handling, case
//! conversion and collision rules live in one tested place. Keywords get a trailing `_`
//! (`type` → `type_`) rather than a raw identifier; the wire name is kept with
//! `#[serde(rename = "…")]` wherever it differs.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;
use std::fmt;

/// Every keyword of editions 2015–2024 (strict, reserved and `gen`), plus `union`-style
/// contextual words are deliberately absent: they are valid identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `word` is a Rust keyword in any edition up to 2024.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Why a name cannot become a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    /// The offending name.
    pub name: String,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "name {:?} cannot become a Rust identifier: expected ASCII letters, digits, `_`, `.` or `-`, with at least one letter or digit",
            self.name
        )
    }
}

impl std::error::Error for NameError {}

fn check_chars(name: &str) -> Result<(), NameError> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ' '));
    if ok_chars && name.chars().any(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(NameError {
            name: name.to_owned(),
        })
    }
}

/// A `snake_case` identifier for a field, param, module or method: `aB` → `a_b`,
/// `type` → `type_`, `1st` → `_1st`.
pub fn snake(name: &str) -> Result<String, NameError> {
    check_chars(name)?;
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = cleaned.to_snake_case();
    if out.is_empty() {
        return Err(NameError {
            name: name.to_owned(),
        });
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if is_keyword(&out) {
        out.push('_');
    }
    Ok(out)
}

/// An `UpperCamelCase` identifier for a type: `oss_token_dto` → `OssTokenDto`,
/// `Self` → `Self_`, `3d` → `T3d`.
pub fn camel(name: &str) -> Result<String, NameError> {
    check_chars(name)?;
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = cleaned.to_upper_camel_case();
    if out.is_empty() {
        return Err(NameError {
            name: name.to_owned(),
        });
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if is_keyword(&out) {
        out.push('_');
    }
    Ok(out)
}

/// Hands out identifiers that are unique within one scope (the fields of a struct, the types of
/// a module): a name that collides after case conversion gets `_2`, `_3`, … in the order the
/// names are claimed, which is the spec's order, so the result is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// Type names get `Name2` (UpperCamelCase has no `_`); fields get `name_2`.
    camel: bool,
}

impl Scope {
    /// A scope in which `reserved` names are already taken (e.g. `new` among request setters).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            camel: false,
        }
    }

    /// A scope for type names, in which `reserved` names are already taken.
    pub fn for_types(reserved: &[&str]) -> Self {
        Scope {
            camel: true,
            ..Scope::with_reserved(reserved)
        }
    }

    /// Whether `candidate` is still free (unclaimed, not reserved).
    pub fn is_free(&self, candidate: &str) -> bool {
        !self.taken.contains(candidate)
    }

    /// Claims `candidate`, or the first free `candidate_N` (N ≥ 2).
    pub fn claim(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        let sep = if self.camel || candidate.ends_with('_') {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{candidate}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_gets_a_trailing_underscore() {
        for kw in KEYWORDS {
            let s = snake(kw).unwrap();
            // `Self` snake-cases to `self`, which is a keyword too.
            assert!(s.ends_with('_'), "{kw} -> {s}");
            assert!(!is_keyword(&s), "{kw} -> {s}");
            let c = camel(kw).unwrap();
            assert!(!is_keyword(&c), "{kw} -> {c}");
            syn::parse_str::<syn::Ident>(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
            syn::parse_str::<syn::Ident>(&c).unwrap_or_else(|e| panic!("{c}: {e}"));
        }
    }

    #[test]
    fn edition_2024_and_reserved_words() {
        assert_eq!(snake("gen").unwrap(), "gen_");
        assert_eq!(snake("type").unwrap(), "type_");
        assert_eq!(snake("match").unwrap(), "match_");
        assert_eq!(snake("box").unwrap(), "box_");
        assert_eq!(snake("priv").unwrap(), "priv_");
        assert_eq!(snake("try").unwrap(), "try_");
        assert_eq!(camel("Self").unwrap(), "Self_");
        assert_eq!(camel("self").unwrap(), "Self_");
        // Contextual words are fine as they are.
        assert_eq!(snake("union").unwrap(), "union");
        assert_eq!(snake("default").unwrap(), "default");
    }

    #[test]
    fn case_conversion() {
        assert_eq!(snake("merchantCode").unwrap(), "merchant_code");
        assert_eq!(snake("OssTokenDOs").unwrap(), "oss_token_d_os");
        assert_eq!(snake("m_request_id").unwrap(), "m_request_id");
        assert_eq!(snake("aB").unwrap(), "a_b");
        assert_eq!(snake("item.sku-id").unwrap(), "item_sku_id");
        assert_eq!(
            camel("wdk.iot.wombat.common.gettoken").unwrap(),
            "WdkIotWombatCommonGettoken"
        );
        assert_eq!(camel("OssTokenDto").unwrap(), "OssTokenDto");
        assert_eq!(camel("IotResult").unwrap(), "IotResult");
        assert_eq!(camel("oss_token_dto").unwrap(), "OssTokenDto");
    }

    #[test]
    fn leading_digits() {
        assert_eq!(snake("1st_item").unwrap(), "_1st_item");
        assert_eq!(camel("3dModel").unwrap(), "T3dModel");
        syn::parse_str::<syn::Ident>(&snake("123").unwrap()).unwrap();
    }

    #[test]
    fn names_that_cannot_become_identifiers() {
        for bad in ["", "___", "-", "结果", "a b结果", "a+b", "a/b"] {
            assert!(snake(bad).is_err(), "{bad:?} should be rejected");
            assert!(camel(bad).is_err(), "{bad:?} should be rejected");
        }
        let msg = snake("结果").unwrap_err().to_string();
        assert!(msg.contains("\"结果\""), "{msg}");
        assert!(msg.contains("expected ASCII letters"), "{msg}");
    }

    #[test]
    fn collisions_after_case_conversion_get_suffixes() {
        let mut scope = Scope::default();
        let a = scope.claim(snake("a_b").unwrap());
        let b = scope.claim(snake("aB").unwrap());
        let c = scope.claim(snake("a-b").unwrap());
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("a_b", "a_b_2", "a_b_3")
        );
        let mut scope = Scope::with_reserved(&["new"]);
        assert_eq!(scope.claim(snake("new").unwrap()), "new_2");
        let mut scope = Scope::default();
        assert_eq!(scope.claim("type_".into()), "type_");
        assert_eq!(scope.claim("type_".into()), "type_2");
        let mut types = Scope::for_types(&["Result"]);
        assert!(!types.is_free("Result") && types.is_free("Result2"));
        assert_eq!(types.claim(camel("result").unwrap()), "Result2");
        assert!(!types.is_free("Result2"));
        assert_eq!(types.claim(camel("FooDTO").unwrap()), "FooDto");
        assert_eq!(types.claim(camel("FooDto").unwrap()), "FooDto2");
    }
}
