//! TOP's scalar types in one table: the name TOP writes ([`Scalar::from_top`],
//! [`Scalar::top_name`]) and which text is a value of each ([`Scalar::fits_text`]). The Rust
//! type each becomes is the generator's (`codegen`'s `render::types`), the decoding the
//! runtime's (`topgen_runtime`'s lenient `de`).

/// A TOP scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `String`.
    String,
    /// `Number`: a 64-bit integer.
    Number,
    /// `Boolean`.
    Boolean,
    /// `Date`: `yyyy-MM-dd HH:mm:ss` at UTC+8.
    Date,
    /// `Price`: an exact decimal.
    Price,
    /// `BigDecimal`: an exact decimal.
    BigDecimal,
    /// `Json`: any JSON value.
    Json,
    /// `byte[]`: a file upload.
    File,
}

impl Scalar {
    /// The scalar a TOP type name denotes.
    pub fn from_top(name: &str) -> Option<Scalar> {
        Some(match name {
            "String" => Scalar::String,
            "Number" => Scalar::Number,
            "Boolean" => Scalar::Boolean,
            "Date" => Scalar::Date,
            "Price" => Scalar::Price,
            "BigDecimal" => Scalar::BigDecimal,
            "Json" => Scalar::Json,
            "byte[]" => Scalar::File,
            _ => return None,
        })
    }

    /// The type's name as TOP (and a spec) writes it: `String`, …, `byte[]`.
    pub fn top_name(self) -> &'static str {
        match self {
            Scalar::String => "String",
            Scalar::Number => "Number",
            Scalar::Boolean => "Boolean",
            Scalar::Date => "Date",
            Scalar::Price => "Price",
            Scalar::BigDecimal => "BigDecimal",
            Scalar::Json => "Json",
            Scalar::File => "byte[]",
        }
    }

    /// Whether `text` (an XML element's text, a JSON string) is a value of this type as the
    /// runtime's lenient decoding reads it; where the two could disagree this is the stricter
    /// side. `String` and `Json` take any text; `byte[]` none (it is never in a reply).
    pub fn fits_text(self, text: &str) -> bool {
        match self {
            Scalar::String | Scalar::Json => true,
            Scalar::Number => fits_i64(text),
            Scalar::Boolean => fits_bool(text),
            Scalar::Date => fits_date(text),
            Scalar::Price | Scalar::BigDecimal => fits_decimal(text),
            Scalar::File => false,
        }
    }

    /// `Number`, `Price` or `BigDecimal`: the types `min_value` / `max_value` apply to.
    pub fn is_numeric(self) -> bool {
        matches!(self, Scalar::Number | Scalar::Price | Scalar::BigDecimal)
    }
}

// What the runtime's lenient decoding accepts (the stricter side where they could differ).

/// The text of a `Number` as TOP writes it, ready for `str::parse::<i64>`: trimmed, and an
/// integer written with a zero fraction (`"50.0"`) without it. The runtime's lenient decoder
/// and the fit check both read numbers through this.
#[inline]
pub fn integer_text(text: &str) -> &str {
    let t = text.trim();
    match t.split_once('.') {
        Some((int, zeros))
            if !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0')
                && int.bytes().any(|b| b.is_ascii_digit()) =>
        {
            int
        }
        _ => t,
    }
}

/// A `Boolean` as text: `true`/`false` in any case, or `1`/`0`, around whitespace. The
/// runtime's lenient decoder and the fit check both read booleans through this.
#[inline]
pub fn bool_text(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// A 64-bit integer: optional sign, digits, optionally a fraction of zeros (`50.0`).
fn fits_i64(text: &str) -> bool {
    integer_text(text).parse::<i64>().is_ok()
}

fn fits_bool(text: &str) -> bool {
    bool_text(text).is_some()
}

/// Epoch milliseconds in the range of a date (years ±262,000): how a JSON number holds a
/// `Date`.
pub fn fits_epoch_millis(text: &str) -> bool {
    text.trim()
        .parse::<i64>()
        .is_ok_and(|ms| (-8_334_601_228_800_000..=8_210_266_876_799_999).contains(&ms))
}

/// `digits` of exactly `n` ASCII digits, as a number.
fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn fits_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[..4], 4), digits(&s[5..7], 2), digits(&s[8..], 2))
    else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `HH:mm:ss` with an optional fraction `.f…` (1 to 9 digits).
fn fits_time(s: &str) -> bool {
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (s, None),
    };
    let b = hms.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let ok = matches!(
        (digits(&hms[..2], 2), digits(&hms[3..5], 2), digits(&hms[6..], 2)),
        (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60
    );
    ok && fraction
        .is_none_or(|f| (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A date as text: `yyyy-MM-dd HH:mm:ss[.f]`, `yyyy-MM-dd`, RFC 3339
/// (`yyyy-MM-ddTHH:mm:ss[.f](Z|±hh:mm)`), or epoch milliseconds.
fn fits_date(text: &str) -> bool {
    let t = text.trim();
    if !t.is_empty()
        && t.strip_prefix('-')
            .unwrap_or(t)
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return fits_epoch_millis(t);
    }
    if t.len() == 10 {
        return fits_day(t);
    }
    if t.len() < 19 || !t.is_char_boundary(10) || !fits_day(&t[..10]) {
        return false;
    }
    let sep = t.as_bytes()[10];
    let rest = &t[11..];
    match sep {
        b' ' => fits_time(rest),
        b'T' | b't' => {
            let (time, zone) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
                (time, None)
            } else if rest.len() > 6 && rest.is_char_boundary(rest.len() - 6) {
                let (time, zone) = rest.split_at(rest.len() - 6);
                (time, Some(zone))
            } else {
                return false;
            };
            let zone_ok = zone.is_none_or(|z| {
                let b = z.as_bytes();
                matches!(b[0], b'+' | b'-')
                    && b[3] == b':'
                    && matches!((digits(&z[1..3], 2), digits(&z[4..], 2)), (Some(h), Some(m)) if h < 24 && m < 60)
            });
            zone_ok && fits_time(time)
        }
        _ => false,
    }
}

/// A decimal number an exact 96-bit decimal holds: `-12.50`, `1.5E3`; at most 28 digits.
fn fits_decimal(text: &str) -> bool {
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (int, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || fraction.is_some_and(|f| !all_digits(f)) {
        return false;
    }
    let significant = int.trim_start_matches('0').len() + fraction.map_or(0, str::len);
    if significant > 28 {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            all_digits(digits) && digits.parse::<u32>().is_ok_and(|n| n <= 28)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_booleans_dates_decimals() {
        for ok in ["1", " -7 ", "50.0", "9223372036854775807"] {
            assert!(fits_i64(ok), "{ok}");
        }
        for bad in ["abc", "1.5", "", "9223372036854775808", ".0", "1e3"] {
            assert!(!fits_i64(bad), "{bad}");
        }
        for ok in ["true", "FALSE", "1", "0"] {
            assert!(fits_bool(ok), "{ok}");
        }
        assert!(!fits_bool("yes"));
        for ok in [
            "2021-08-04 00:00:00",
            " 2021-08-04 00:00:00.250 ",
            "2024-02-29",
            "2021-08-04T00:00:00+08:00",
            "2021-08-03T16:00:00Z",
            "2021-08-03T16:00:00.5Z",
            "1628006400000",
            "-1",
        ] {
            assert!(fits_date(ok), "{ok}");
        }
        for bad in [
            "2021-08-04 24:00:00",
            "2023-02-29",
            "2021-13-01",
            "2021/08/04",
            "yesterday",
            "2021-08-04 00:00",
            "2021-08-04T00:00:00",
            "2021-08-04T00:00:00+8",
            "99999999999999999999",
            "",
        ] {
            assert!(!fits_date(bad), "{bad}");
        }
        for ok in [
            "12.50",
            "-3",
            "0.125",
            "1.5E3",
            " 7 ",
            "0000000000000000000000000000001",
        ] {
            assert!(fits_decimal(ok), "{ok}");
        }
        for bad in [
            "12,5",
            "abc",
            "1.",
            ".5",
            "1e",
            "1e99",
            "1234567890123456789012345678901",
            "",
        ] {
            assert!(!fits_decimal(bad), "{bad}");
        }
    }
}
