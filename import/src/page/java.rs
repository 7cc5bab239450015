//! The Java request example of doc pages: restoring the pipe rendering's one-line code, and
//! reading what the code says about the request (its class, which params it sets with which
//! values, the objects and lists it builds for object params, whether it passes a session).

use std::collections::BTreeMap;

/// Splits one-line Java into statements, one per line, and closes up the spaces the pipe
/// rendering puts inside parentheses (`req.setFields( "a,b" );` → `req.setFields("a,b");`).
/// A cut-off last statement is kept as it is.
pub(crate) fn restore(one_line: &str) -> String {
    let mut out = String::new();
    for (statement, _) in statements(one_line) {
        out.push_str(&close_parens(&statement));
        out.push('\n');
    }
    out
}

/// The statements of Java code with the 1-based line each starts on: split at `;` outside
/// string and char literals, each trimmed and ending with its `;` (the last one may lack it
/// when the code is cut off).
fn statements(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut literals = Literals::default();
    let mut line = 1usize;
    let mut start = 1usize;
    for c in code.chars() {
        if current.trim().is_empty() {
            start = line;
        }
        if c == '\n' {
            line += 1;
        }
        current.push(c);
        if !literals.inside(c) && c == ';' {
            out.push((current.trim().to_owned(), start));
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push((current.trim().to_owned(), start));
    }
    out
}

/// Removes whitespace after `(` and before `)` outside literals.
fn close_parens(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len());
    let mut literals = Literals::default();
    let chars: Vec<char> = statement.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !literals.inside(c) && c.is_whitespace() {
            let next = chars[i..].iter().find(|c| !c.is_whitespace());
            if out.ends_with('(') || next == Some(&')') {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where a left-to-right scan of Java code is: inside a string or char literal or not.
#[derive(Default)]
struct Literals {
    /// The quote of the literal the scan is in.
    quote: Option<char>,
    /// The last character was a `\` escaping the next one.
    escaped: bool,
}

impl Literals {
    /// Takes the next character; whether it is part of a literal, its quotes included.
    fn inside(&mut self, c: char) -> bool {
        match self.quote {
            Some(q) => {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' {
                    self.escaped = true;
                } else if c == q {
                    self.quote = None;
                }
                true
            }
            None if c == '"' || c == '\'' => {
                self.quote = Some(c);
                true
            }
            None => false,
        }
    }
}

/// A value passed to a setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A string literal, unescaped.
    Str(String),
    /// An integer literal (`123L`), without its suffix.
    Int(String),
    /// A decimal literal.
    Decimal(String),
    /// `true` / `false`.
    Bool(bool),
    /// `StringUtils.toDate("…")`.
    Date(String),
    /// `new FileItem(…)`: a file upload.
    File,
    /// An object built by the example, index into [`Example::objects`].
    Object(usize),
    /// A list of objects built by the example.
    List(Vec<usize>),
    /// Anything else, as written.
    Other(String),
}

impl Value {
    /// The value as a doc page's example cell would show it (`Some` for scalars only).
    pub(crate) fn as_example(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Int(s) | Value::Decimal(s) | Value::Date(s) => Some(s),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }
}

/// `obj.setFooBar(value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setter {
    /// `FooBar`.
    pub(crate) name: String,
    /// The value passed.
    pub(crate) value: Value,
    /// 1-based line in the example.
    pub(crate) line: usize,
}

/// An object the example builds (`X.Y obj1 = new X.Y();`), or the request itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Object {
    /// The class's simple name (`AddressRequest`).
    pub(crate) class: String,
    /// Its setter calls in order.
    pub(crate) setters: Vec<Setter>,
    /// 1-based line of its declaration.
    pub(crate) line: usize,
}

/// What a Java request example says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Example {
    /// The request class (`AlibabaIotDeviceCorpusGetRequest`), with the line it is on.
    pub(crate) request_class: Option<(String, usize)>,
    /// Objects; index 0 is the request (`req`).
    pub(crate) objects: Vec<Object>,
    /// `client.execute(req, sessionKey)`: `Some(true)`; `client.execute(req)`: `Some(false)`.
    pub(crate) session: Option<bool>,
    /// The code runs to `System.out.println(rsp.getBody());`.
    pub(crate) complete: bool,
}

/// Whether `code` looks like the Java SDK example (not the JSON of a qimen page).
pub(crate) fn is_java(code: &str) -> bool {
    code.contains("TaobaoClient") || code.contains(" req = new ")
}

/// Reads a Java request example; `None` when the code is not Java.
pub(crate) fn read(code: &str) -> Option<Example> {
    if !is_java(code) {
        return None;
    }
    let mut ex = Example {
        request_class: None,
        objects: vec![Object {
            class: String::new(),
            setters: Vec::new(),
            line: 1,
        }],
        session: None,
        complete: false,
    };
    let mut vars: BTreeMap<String, usize> = BTreeMap::from([("req".to_owned(), 0)]);
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Setter values naming variables are resolved at the end: lists are filled after use.
    let mut pending: Vec<(usize, usize, String)> = Vec::new();
    for (raw, here) in statements(code) {
        let s = close_parens(&raw);
        let s = s.trim_end_matches(';').trim();
        if s.starts_with("System.out.println(rsp.getBody())") {
            ex.complete = true;
            continue;
        }
        if let Some((lhs, rhs)) = s.split_once(" = ") {
            let rhs = rhs.trim();
            let mut lhs = lhs.split_whitespace();
            let (Some(class), Some(var)) = (lhs.next(), lhs.next()) else {
                continue;
            };
            if let Some(args) = rhs
                .strip_prefix("client.execute(")
                .and_then(|a| a.strip_suffix(')'))
            {
                ex.session = Some(args.contains(','));
            } else if var == "req" {
                ex.request_class =
                    Some((class.rsplit('.').next().unwrap_or(class).to_owned(), here));
                ex.objects[0].class = class.to_owned();
                ex.objects[0].line = here;
            } else if class.starts_with("List<") {
                lists.insert(var.to_owned(), Vec::new());
            } else if rhs.starts_with("new ") && var != "client" {
                vars.insert(var.to_owned(), ex.objects.len());
                ex.objects.push(Object {
                    class: class.rsplit('.').next().unwrap_or(class).to_owned(),
                    setters: Vec::new(),
                    line: here,
                });
            }
            continue;
        }
        let Some((var, call)) = s.split_once('.') else {
            continue;
        };
        let Some((method, args)) = call.split_once('(') else {
            continue;
        };
        let Some(args) = args.strip_suffix(')') else {
            continue;
        };
        if method == "add" {
            if let Some(items) = lists.get_mut(var) {
                items.push(args.trim().to_owned());
            }
            continue;
        }
        let (Some(name), Some(&obj)) = (method.strip_prefix("set"), vars.get(var)) else {
            continue;
        };
        let value = literal(args.trim());
        if let Value::Other(v) = &value
            && is_identifier(v)
        {
            pending.push((obj, ex.objects[obj].setters.len(), v.clone()));
        }
        ex.objects[obj].setters.push(Setter {
            name: name.to_owned(),
            value,
            line: here,
        });
    }
    for (obj, setter, var) in pending {
        let value = if let Some(&o) = vars.get(&var) {
            Value::Object(o)
        } else if let Some(items) = lists.get(&var) {
            Value::List(items.iter().filter_map(|i| vars.get(i).copied()).collect())
        } else {
            continue;
        };
        ex.objects[obj].setters[setter].value = value;
    }
    Some(ex)
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Java argument as a [`Value`].
fn literal(arg: &str) -> Value {
    if let Some(s) = string_literal(arg) {
        return Value::Str(s);
    }
    if let Some(inner) = arg
        .strip_prefix("StringUtils.toDate(")
        .and_then(|a| a.strip_suffix(')'))
        && let Some(s) = string_literal(inner.trim())
    {
        return Value::Date(s);
    }
    if arg.starts_with("new FileItem(") {
        return Value::File;
    }
    match arg {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    let digits = arg.strip_suffix(['L', 'l']).unwrap_or(arg);
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    if !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit()) {
        return Value::Int(digits.to_owned());
    }
    let decimal = arg.strip_suffix(['D', 'd', 'F', 'f']).unwrap_or(arg);
    let unsigned = decimal.strip_prefix('-').unwrap_or(decimal);
    if let Some((a, b)) = unsigned.split_once('.')
        && !a.is_empty()
        && !b.is_empty()
        && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
    {
        return Value::Decimal(decimal.to_owned());
    }
    Value::Other(arg.to_owned())
}

/// The text of a Java string literal `"…"`, unescaped; `None` if `s` is not exactly one.
fn string_literal(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_LINE: &str = "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret); AlibabaSecurityJaqRpCloudRealnameCheckRequest req = new AlibabaSecurityJaqRpCloudRealnameCheckRequest(); req.setVerifyToken( \"96203ef1\" ); req.setImageUrlsString( \"{\\\"key\\\":\\\"value\\\"}\" ); AlibabaSecurityJaqRpCloudRealnameCheckResponse rsp = client.execute(req); System.out.println(rsp.getBody());";

    #[test]
    fn one_line_code_is_restored() {
        assert_eq!(
            restore(ONE_LINE),
            "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\nAlibabaSecurityJaqRpCloudRealnameCheckRequest req = new AlibabaSecurityJaqRpCloudRealnameCheckRequest();\nreq.setVerifyToken(\"96203ef1\");\nreq.setImageUrlsString(\"{\\\"key\\\":\\\"value\\\"}\");\nAlibabaSecurityJaqRpCloudRealnameCheckResponse rsp = client.execute(req);\nSystem.out.println(rsp.getBody());\n"
        );
        // A `;` inside a string literal does not split.
        assert_eq!(restore("a(\"x;y\"); b( 1 );"), "a(\"x;y\");\nb(1);\n");
        // A cut-off end is kept.
        assert_eq!(
            restore("a(); Resp rsp = client.ex"),
            "a();\nResp rsp = client.ex\n"
        );
    }

    #[test]
    fn reads_class_setters_and_session() {
        let ex = read(&restore(ONE_LINE)).unwrap();
        assert_eq!(
            ex.request_class,
            Some(("AlibabaSecurityJaqRpCloudRealnameCheckRequest".into(), 2))
        );
        assert_eq!(ex.session, Some(false));
        assert!(ex.complete);
        let names: Vec<&str> = ex.objects[0]
            .setters
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["VerifyToken", "ImageUrlsString"]);
        assert_eq!(
            ex.objects[0].setters[1].value,
            Value::Str("{\"key\":\"value\"}".into())
        );
        assert_eq!(ex.objects[0].setters[1].line, 4);
        assert!(read("{\"isvItemCodeList\":\"1111,2222\"}").is_none());
    }

    #[test]
    fn reads_nested_objects_and_lists() {
        let code = "TaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);
LogisticsAddressQueryRequest req = new LogisticsAddressQueryRequest();
LogisticsAddressQueryRequest.AddressRequest obj1 = new LogisticsAddressQueryRequest.AddressRequest();
obj1.setRequestTime(1691997065571L);
List<LogisticsAddressQueryRequest.AddressName> list3 = new ArrayList<LogisticsAddressQueryRequest.AddressName>();
LogisticsAddressQueryRequest.AddressName obj4 = new LogisticsAddressQueryRequest.AddressName();
list3.add(obj4);
obj4.setProvince(\"浙江省\");
obj1.setAddressNames(list3);
obj1.setGetChildren(true);
obj1.setWhen(StringUtils.toDate(\"2000-01-01 00:00:00\"));
obj1.setRate(1.5);
req.setAddressRequest(obj1);
req.setImage(new FileItem(\"/tmp/file.txt\"));
LogisticsAddressQueryResponse rsp = client.execute(req, sessionKey);
";
        let ex = read(code).unwrap();
        assert_eq!(ex.session, Some(true));
        assert!(!ex.complete, "no println: cut off");
        assert_eq!(ex.objects[0].setters[0].value, Value::Object(1));
        assert_eq!(ex.objects[0].setters[1].value, Value::File);
        let obj1 = &ex.objects[1];
        assert_eq!(obj1.class, "AddressRequest");
        assert_eq!(obj1.line, 3);
        let values: Vec<&Value> = obj1.setters.iter().map(|s| &s.value).collect();
        assert_eq!(
            values,
            [
                &Value::Int("1691997065571".into()),
                &Value::List(vec![2]),
                &Value::Bool(true),
                &Value::Date("2000-01-01 00:00:00".into()),
                &Value::Decimal("1.5".into()),
            ]
        );
        assert_eq!(ex.objects[2].class, "AddressName");
        assert_eq!(ex.objects[2].setters[0].value, Value::Str("浙江省".into()));
    }
}
