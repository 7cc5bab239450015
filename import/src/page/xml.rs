//! The XML of doc-page examples: a tolerant reader (element tree with line numbers; a cut-off
//! example gives the part that is there and says so) and the restoring of the pipe
//! rendering's one-line XML (`< tag >…</ tag >`) to TOP's multi-line layout.

use super::MAX_DEPTH;

/// One element of an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Elem {
    /// Tag name.
    pub(crate) name: String,
    /// Its own text (entities decoded, CDATA included), trimmed.
    pub(crate) text: String,
    /// Child elements, indices into [`Doc::elems`].
    pub(crate) children: Vec<usize>,
    /// 1-based line of the start tag in the example.
    pub(crate) line: usize,
    /// Whether the end tag was found (false for an element the cut-off text leaves open).
    pub(crate) closed: bool,
}

/// An example read as XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Doc {
    /// Every element, in document order; the root first.
    pub(crate) elems: Vec<Elem>,
    /// Index of the root element, if the text has one.
    pub(crate) root: Option<usize>,
    /// What is wrong with the text, if anything (cut off, unbalanced, text after the root),
    /// with the 1-based line of the example it is on.
    pub(crate) problem: Option<(usize, String)>,
    /// The 1-based line of the element that nests more than [`MAX_DEPTH`] deep, where the
    /// reading stopped.
    pub(crate) too_deep: Option<usize>,
}

impl Doc {
    /// Whether the text is one whole, well-nested element.
    #[cfg(test)]
    pub(crate) fn complete(&self) -> bool {
        self.root.is_some() && self.problem.is_none()
    }

    /// The root's tag name.
    pub(crate) fn root_name(&self) -> Option<&str> {
        self.root.map(|r| self.elems[r].name.as_str())
    }

    /// The children of the elements `of` that are named `name`, in document order.
    pub(crate) fn children_named(&self, of: &[usize], name: &str) -> Vec<usize> {
        of.iter()
            .flat_map(|&e| self.elems[e].children.iter().copied())
            .filter(|&c| self.elems[c].name == name)
            .collect()
    }

    /// The children of the elements `of`, in document order.
    pub(crate) fn children_of(&self, of: &[usize]) -> Vec<usize> {
        of.iter()
            .flat_map(|&e| self.elems[e].children.iter().copied())
            .collect()
    }
}

/// Reads an example as XML, keeping whatever is there when it is cut off or malformed.
pub(crate) fn parse(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut stack: Vec<usize> = Vec::new();
    let mut problem: Option<(usize, String)> = None;
    let mut set_problem = |line: usize, p: String| {
        if problem.is_none() {
            problem = Some((line, p));
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0usize;
    let mut line = 1usize;
    let line_at =
        |upto: usize, from: usize, line: usize| line + text[from..upto].matches('\n').count();
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let end = text[i..].find('<').map_or(text.len(), |n| i + n);
            let raw = &text[i..end];
            if let Some(&top) = stack.last() {
                doc.elems[top].text.push_str(&decode_entities(raw));
            } else if !raw.trim().is_empty() {
                set_problem(
                    line,
                    format!("text {:?} outside the root element", raw.trim()),
                );
            }
            line = line_at(end, i, line);
            i = end;
            continue;
        }
        let rest = &text[i..];
        let (skip_to, what) = if rest.starts_with("<!--") {
            (rest.find("-->").map(|n| n + 3), "comment")
        } else if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>");
            if let (Some(n), Some(&top)) = (end, stack.last()) {
                doc.elems[top].text.push_str(&rest[9..n]);
            }
            (end.map(|n| n + 3), "CDATA section")
        } else if rest.starts_with("<?") {
            (rest.find("?>").map(|n| n + 2), "declaration")
        } else if rest.starts_with("<!") {
            (rest.find('>').map(|n| n + 1), "declaration")
        } else {
            (None, "")
        };
        if !what.is_empty() {
            match skip_to {
                Some(n) => {
                    line = line_at(i + n, i, line);
                    i += n;
                    continue;
                }
                None => {
                    set_problem(line, format!("cut off inside a {what}"));
                    break;
                }
            }
        }
        let Some(close) = tag_end(rest) else {
            set_problem(line, "cut off inside a tag".to_owned());
            break;
        };
        let inner = &rest[1..close];
        let tag_line = line;
        line = line_at(i + close + 1, i, line);
        i += close + 1;
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim();
            match stack.iter().rposition(|&e| doc.elems[e].name == name) {
                Some(pos) => {
                    if pos + 1 != stack.len() {
                        set_problem(
                            tag_line,
                            format!(
                                "</{name}> closes <{}> that is still open",
                                doc.elems[stack[stack.len() - 1]].name
                            ),
                        );
                    }
                    for &e in &stack[pos + 1..] {
                        doc.elems[e].text = doc.elems[e].text.trim().to_owned();
                    }
                    let e = stack[pos];
                    doc.elems[e].closed = true;
                    stack.truncate(pos);
                }
                None => set_problem(tag_line, format!("</{name}> has no matching start tag")),
            }
            continue;
        }
        let self_closing = inner.trim_end().ends_with('/');
        let body = inner.trim_end().trim_end_matches('/');
        let name: String = body
            .trim_start()
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        if name.is_empty() {
            set_problem(tag_line, "a tag without a name".to_owned());
            continue;
        }
        let index = doc.elems.len();
        doc.elems.push(Elem {
            name,
            text: String::new(),
            children: Vec::new(),
            line: tag_line,
            closed: self_closing,
        });
        match stack.last() {
            Some(&parent) => doc.elems[parent].children.push(index),
            None if doc.root.is_none() => doc.root = Some(index),
            None => set_problem(
                tag_line,
                format!("a second root element <{}>", doc.elems[index].name),
            ),
        }
        if !self_closing {
            stack.push(index);
            // Deeper than any TOP example: stop, so that nothing after the reader (which
            // walks the tree) runs out of stack or time.
            if stack.len() > MAX_DEPTH {
                doc.too_deep = Some(tag_line);
                set_problem(
                    tag_line,
                    format!("elements nested more than {MAX_DEPTH} deep"),
                );
                break;
            }
        }
    }
    for e in &mut doc.elems {
        e.text = e.text.trim().to_owned();
    }
    // The last line there is (the text ends with a newline).
    let last = 1 + text.trim_end().matches('\n').count();
    if let Some(&open) = stack.first() {
        set_problem(
            last,
            format!("cut off: <{}> is never closed", doc.elems[open].name),
        );
    }
    if doc.root.is_none() {
        set_problem(last, "no element".to_owned());
    }
    doc.problem = problem;
    doc
}

/// The index of the `>` that ends the tag `s` starts with (quotes in attributes respected).
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and numeric references; anything else is kept.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&n| n <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A token of one-line XML.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Open(String, String),
    Close(String),
    Empty(String),
    Other(String),
    Text(String),
}

/// Restores XML the pipe rendering flattened onto one line: spaced tags (`< tag >`,
/// `</ tag >`) closed up, then one element per line with TOP's four-space indent, leaves on
/// one line (`<code>50</code>`). A cut-off end is kept as it is.
pub(crate) fn restore(one_line: &str) -> String {
    let tokens = tokenize(one_line);
    let mut out = String::new();
    let mut depth = 0usize;
    let mut i = 0usize;
    // The indent stops growing past any real example's depth, so that the text stays linear in
    // the input (the reader refuses such nesting anyway).
    let push_line = |out: &mut String, depth: usize, s: &str| {
        for _ in 0..depth.min(MAX_DEPTH + 1) {
            out.push_str("    ");
        }
        out.push_str(s);
        out.push('\n');
    };
    while i < tokens.len() {
        match &tokens[i] {
            Token::Open(name, tag) => {
                // A leaf: `<a>text</a>` or `<a></a>` on one line.
                let (text, next) = match tokens.get(i + 1) {
                    Some(Token::Text(t)) => (t.as_str(), i + 2),
                    _ => ("", i + 1),
                };
                match tokens.get(next) {
                    Some(Token::Close(c)) if c == name => {
                        push_line(&mut out, depth, &format!("{tag}{text}</{name}>"));
                        i = next + 1;
                    }
                    None if next == i + 2 => {
                        // Cut off inside the leaf's text.
                        push_line(&mut out, depth, &format!("{tag}{text}"));
                        i = next;
                    }
                    _ => {
                        push_line(&mut out, depth, tag);
                        depth += 1;
                        i += 1;
                    }
                }
            }
            Token::Close(name) => {
                depth = depth.saturating_sub(1);
                push_line(&mut out, depth, &format!("</{name}>"));
                i += 1;
            }
            Token::Other(tag) if tag.starts_with("</") => {
                // An end tag the text stops in.
                depth = depth.saturating_sub(1);
                push_line(&mut out, depth, tag);
                i += 1;
            }
            Token::Empty(tag) | Token::Other(tag) | Token::Text(tag) => {
                push_line(&mut out, depth, tag);
                i += 1;
            }
        }
    }
    out
}

fn tokenize(s: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let Some(lt) = find_tag_start(rest) else {
            push_text(&mut tokens, rest);
            break;
        };
        push_text(&mut tokens, &rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = tag_end(rest) else {
            // Cut off inside a tag: keep it, closed up.
            tokens.push(Token::Other(close_up(&rest[1..], false)));
            break;
        };
        let inner = &rest[1..gt];
        rest = &rest[gt + 1..];
        let tag = close_up(inner, true);
        let body = tag[1..tag.len() - 1].to_owned();
        if let Some(name) = body.strip_prefix('/') {
            tokens.push(Token::Close(name.to_owned()));
        } else if body.starts_with(['?', '!']) {
            tokens.push(Token::Other(tag));
        } else if body.ends_with('/') {
            tokens.push(Token::Empty(tag));
        } else {
            let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
            tokens.push(Token::Open(name, tag));
        }
    }
    tokens
}

fn push_text(tokens: &mut Vec<Token>, text: &str) {
    let t = text.trim();
    if !t.is_empty() {
        tokens.push(Token::Text(t.to_owned()));
    }
}

/// `<` that starts a tag: followed (after spaces) by a name, `/`, `?` or `!`.
fn find_tag_start(s: &str) -> Option<usize> {
    s.char_indices().find_map(|(i, c)| {
        if c != '<' {
            return None;
        }
        let next = s[i + 1..].trim_start().chars().next()?;
        (next.is_alphabetic() || matches!(next, '/' | '?' | '!' | '_')).then_some(i)
    })
}

/// `< a x="1" >` → `<a x="1">`, `</ a >` → `</a>`, `< a />` → `<a/>`.
fn close_up(inner: &str, closed: bool) -> String {
    let mut body = inner.trim().to_owned();
    if let Some(rest) = body.strip_prefix('/') {
        body = format!("/{}", rest.trim_start());
    }
    if let Some(rest) = body.strip_suffix('/') {
        body = format!("{}/", rest.trim_end());
    }
    if closed {
        format!("<{body}>")
    } else {
        format!("<{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tree_with_lines() {
        let d = parse("<a_response>\n    <r>\n        <x>1</x>\n    </r>\n</a_response>\n");
        assert!(d.complete(), "{:?}", d.problem);
        assert_eq!(d.root_name(), Some("a_response"));
        let r = d.children_named(&[d.root.unwrap()], "r");
        let x = d.children_named(&r, "x");
        assert_eq!(d.elems[x[0]].text, "1");
        assert_eq!(d.elems[x[0]].line, 3);
    }

    #[test]
    fn cut_off_text_keeps_what_is_there() {
        let d = parse("<a_response>\n  <r>\n    <x>1</x>\n    <y>ab");
        assert!(!d.complete());
        assert_eq!(
            d.problem,
            Some((4, "cut off: <a_response> is never closed".into()))
        );
        let r = d.children_named(&[d.root.unwrap()], "r");
        let y = d.children_named(&r, "y")[0];
        assert_eq!((d.elems[y].text.as_str(), d.elems[y].closed), ("ab", false));
        assert!(!parse("<a><b>1</b></a").complete());
        assert!(!parse("").complete());
    }

    #[test]
    fn entities_and_cdata() {
        let d = parse("<a>{&quot;k&quot;:1} &amp; &#x4e2d;&#25991; &nope;<![CDATA[<b>]]></a>");
        assert_eq!(d.elems[0].text, "{\"k\":1} & 中文 &nope;<b>");
    }

    #[test]
    fn spaced_one_line_xml_is_restored() {
        let one = "< alibaba_iot_device_corpus_get_response > < ret_values > < device_corpus_top_dto > < corpus_list > < string >[\"打开灯\"</ string > < string >\"关闭灯\"]</ string > </ corpus_list > < function_name >开关</ function_name > </ device_corpus_top_dto > </ ret_values > </ alibaba_iot_device_corpus_get_response >";
        let restored = restore(one);
        assert_eq!(
            restored,
            "<alibaba_iot_device_corpus_get_response>\n    <ret_values>\n        <device_corpus_top_dto>\n            <corpus_list>\n                <string>[\"打开灯\"</string>\n                <string>\"关闭灯\"]</string>\n            </corpus_list>\n            <function_name>开关</function_name>\n        </device_corpus_top_dto>\n    </ret_values>\n</alibaba_iot_device_corpus_get_response>\n"
        );
        // 11 lines, as the page's gutter (`1 2 … 11`) says.
        assert_eq!(restored.lines().count(), 11);
        assert!(parse(&restored).complete());
    }

    #[test]
    fn restore_keeps_empty_leaves_and_cut_ends() {
        assert_eq!(
            restore("< data > < check_code ></ check_code > < m >true</ m > </ data >"),
            "<data>\n    <check_code></check_code>\n    <m>true</m>\n</data>\n"
        );
        assert_eq!(
            restore("< r > < item > < desc >这是一"),
            "<r>\n    <item>\n        <desc>这是一\n"
        );
        assert_eq!(restore("<r> <a>1</a> </r"), "<r>\n    <a>1</a>\n</r\n");
    }
}
