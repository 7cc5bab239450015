//! Escaping plain text: what Markdown or rustdoc would read as syntax, bare URLs as autolinks.

/// Plain text as Markdown: URLs (outside link text) become autolinks, syntax is escaped. A `!`
/// at the end is escaped when a link follows, so the two do not make an image.
pub(super) fn escape_text(raw: &str, in_link: bool, before_link: bool) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    if in_link {
        escape_plain(raw, &mut out);
    } else {
        let mut plain_start = 0;
        let mut i = 0;
        while let Some(rest) = raw.get(i..) {
            let Some(c) = rest.chars().next() else { break };
            if let Some(len) = url_at(rest) {
                escape_plain(&raw[plain_start..i], &mut out);
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                i += len;
                plain_start = i;
            } else {
                i += c.len_utf8();
            }
        }
        escape_plain(raw.get(plain_start..).unwrap_or(""), &mut out);
    }
    if before_link && out.ends_with('!') {
        out.insert(out.len() - 1, '\\');
    }
    out
}

/// The length of an `http(s)://` URL at the start of `s`: up to whitespace, a non-ASCII
/// character or `<>"'`, without trailing punctuation and unbalanced closing brackets.
fn url_at(s: &str) -> Option<usize> {
    let scheme = ["http://", "https://"].iter().find(|p| {
        s.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    })?;
    let len = s
        .find(|c: char| {
            c.is_whitespace()
                || !c.is_ascii()
                || c.is_ascii_control()
                || matches!(c, '<' | '>' | '"' | '\'')
        })
        .unwrap_or(s.len());
    let mut url = &s[..len];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let unbalanced = |open: char, close: char| {
            trimmed.ends_with(close)
                && trimmed.matches(open).count() < trimmed.matches(close).count()
        };
        let trimmed = if unbalanced('(', ')') || unbalanced('[', ']') || unbalanced('{', '}') {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    (url.len() > scheme.len()).then_some(url.len())
}

/// Escapes Markdown syntax in plain text (no URLs in it).
fn escape_plain(s: &str, out: &mut String) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' | '"' => out.push('\\'),
            // Smart punctuation would turn `--` into a dash.
            '-' if i > 0 && chars.get(i - 1) == Some(&'-') => out.push('\\'),
            '_' => {
                let intraword = i > 0
                    && chars.get(i - 1).is_some_and(|p| p.is_alphanumeric())
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if !intraword {
                    out.push('\\');
                }
            }
            '&' if entity_follows(chars.get(i + 1..).unwrap_or(&[])) => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
}

/// Whether `rest` (after a `&`) would make Markdown read an entity: `#`, then letters or
/// digits, then `;`.
fn entity_follows(rest: &[char]) -> bool {
    let body = rest.strip_prefix(&['#']).unwrap_or(rest);
    let name = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    name > 0 && body.get(name) == Some(&';')
}

/// Escapes what would start a block at the start of a line: `#` (heading), `>` (quote),
/// `+ `/`- ` and `1. `/`1) ` (lists), and lines of only `-`, `=`, `:`, `|` and spaces (rules,
/// setext underlines, table delimiter rows).
pub(super) fn escape_line_start(line: &str) -> String {
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let second = chars.next();
    let escape_first = match first {
        '#' | '>' => true,
        '+' | '-' if second.is_none_or(char::is_whitespace) => true,
        '-' | '=' | ':' | '|' => {
            line.chars()
                .all(|c| matches!(c, '-' | '=' | ':' | '|' | ' '))
                && line.contains(['-', '='])
        }
        _ => false,
    };
    if escape_first {
        return format!("\\{line}");
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &line[digits..];
        let mut rest = after.chars();
        if matches!(rest.next(), Some('.' | ')')) && rest.next().is_none_or(char::is_whitespace) {
            return format!("{}\\{}", &line[..digits], after);
        }
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_end_before_trailing_punctuation() {
        assert_eq!(url_at("http://a.b/c. x"), Some(12));
        assert_eq!(url_at("http://a.b/c)"), Some(12));
        assert_eq!(url_at("http://a.b/(c))"), Some(14));
        assert_eq!(url_at("https://a.b?x=1&y=2，好"), Some(19));
        assert_eq!(url_at("HTTPS://A.B"), Some(11));
        assert_eq!(url_at("http://"), None);
        assert_eq!(url_at("http://."), None);
        assert_eq!(url_at("ftp://a.b"), None);
    }

    #[test]
    fn underscores_inside_words_stay() {
        let mut out = String::new();
        escape_plain("m_request_id _x_ a_ 中_文 __init__", &mut out);
        assert_eq!(out, "m_request_id \\_x\\_ a\\_ 中_文 \\_\\_init\\_\\_");
    }

    #[test]
    fn line_starts() {
        assert_eq!(escape_line_start("# a"), "\\# a");
        assert_eq!(escape_line_start("#a"), "\\#a");
        assert_eq!(escape_line_start("> a"), "\\> a");
        assert_eq!(escape_line_start("- a"), "\\- a");
        assert_eq!(escape_line_start("-"), "\\-");
        assert_eq!(escape_line_start("-1表示"), "-1表示");
        assert_eq!(escape_line_start("+ a"), "\\+ a");
        assert_eq!(escape_line_start("---"), "\\---");
        assert_eq!(escape_line_start("==="), "\\===");
        assert_eq!(escape_line_start(":-|-:"), "\\:-|-:");
        assert_eq!(escape_line_start("|"), "|");
        assert_eq!(escape_line_start("1. a"), "1\\. a");
        assert_eq!(escape_line_start("12) a"), "12\\) a");
        assert_eq!(escape_line_start("1."), "1\\.");
        assert_eq!(escape_line_start("1.5元"), "1.5元");
        assert_eq!(escape_line_start("1234567890. a"), "1234567890. a");
    }
}
