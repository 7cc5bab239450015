//! What a value or a name looks like: prose, a value of a type, a scalar type for example
//! values, a list's item or a list's name.

/// Text with CJK characters: a description rather than a value.
pub(super) fn is_prose(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    })
}

/// Whether `value` is a value of spec type `ty`.
pub(super) fn fits(value: &str, ty: &str) -> bool {
    let v = value.trim();
    match ty {
        "Number" => v.parse::<i64>().is_ok(),
        "Boolean" => matches!(v, "true" | "false"),
        // As the runtime decodes a Date: epoch milliseconds too (`1691997065571`).
        "Date" => topgen_spec::scalar::Scalar::Date.fits_text(v),
        "Price" | "BigDecimal" => is_decimal(v),
        _ => true,
    }
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    let date = |b: &[u8]| {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    let time = |b: &[u8]| {
        b.len() == 8
            && b.iter().enumerate().all(|(i, c)| match i {
                2 | 5 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    (b.len() == 10 && date(b))
        || (b.len() == 19 && date(&b[..10]) && b[10] == b' ' && time(&b[11..]))
}

fn is_decimal(v: &str) -> bool {
    let d = v.strip_prefix('-').unwrap_or(v);
    let (a, b) = d.split_once('.').unwrap_or((d, "0"));
    !a.is_empty()
        && !b.is_empty()
        && a.chars().all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
}

/// A scalar type for the values an example shows: all booleans → Boolean, all integers
/// (without leading zeros, fitting 64 bits) → Number, all date-times → Date, else String.
pub(super) fn guess_scalar(values: &[String]) -> &'static str {
    let shown: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if shown.is_empty() {
        return "String";
    }
    if shown.iter().all(|v| matches!(*v, "true" | "false")) {
        "Boolean"
    } else if shown.iter().all(|v| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        v.parse::<i64>().is_ok()
            && (digits == "0" || !digits.starts_with('0'))
            && !v.starts_with('+')
    }) {
        "Number"
    } else if shown.iter().all(|v| v.len() == 19 && is_date(v)) {
        "Date"
    } else {
        "String"
    }
}

/// The scalar a list's item element names (`<string>`, `<number>`).
pub(super) fn scalar_item(item: &str) -> Option<&'static str> {
    Some(match item {
        "string" => "String",
        "number" | "long" | "integer" => "Number",
        "boolean" => "Boolean",
        "date" => "Date",
        "price" => "Price",
        "big_decimal" => "BigDecimal",
        "json" => "Json",
        _ => return None,
    })
}

/// `items`, `ret_values`, `corpus_list`: a name that holds a list.
pub(super) fn looks_plural(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with('s') && !n.ends_with("ss")) || n.ends_with("list")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_guesses() {
        let s = |v: &[&str]| guess_scalar(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(s(&["1", "-2"]), "Number");
        assert_eq!(
            s(&["057123222"]),
            "String",
            "a leading zero is not a number"
        );
        assert_eq!(s(&["true", ""]), "Boolean");
        assert_eq!(s(&["2000-01-01 00:00:00"]), "Date");
        assert_eq!(s(&["15.5"]), "String");
        assert_eq!(s(&[]), "String");
        assert!(
            looks_plural("ret_values") && looks_plural("corpus_list") && !looks_plural("address")
        );
    }
}
