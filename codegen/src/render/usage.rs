//! The usage example in a request's docs (its `# Example` section): a program that builds a
//! client and sends the request, with the params' example values from the doc page as Rust that
//! compiles.

use super::docs::DocBlocks;
use proc_macro2::TokenStream;
use topgen_spec::model::{Api, Field, Scalar, Ty};

/// A Rust expression for `f`'s example value, if one can be written; required params always
/// get one (a neutral value when the example does not fit the type).
fn value(f: &Field) -> Option<String> {
    let example = f
        .example
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let expr = match &f.ty {
        Ty::Scalar(Scalar::String) => example.map(|e| format!("{e:?}")),
        Ty::Scalar(Scalar::Number) => example
            .and_then(|e| e.parse::<i64>().ok())
            .map(|n| n.to_string()),
        Ty::Scalar(Scalar::Boolean) => example
            .filter(|e| *e == "true" || *e == "false")
            .map(str::to_owned),
        Ty::Scalar(Scalar::Date) => example
            .filter(|e| looks_like_date(e))
            .map(|e| format!("topgen_runtime::time::parse({e:?})?")),
        Ty::Scalar(Scalar::Price | Scalar::BigDecimal) => example
            .filter(|e| looks_like_decimal(e))
            .map(|e| format!("{e:?}.parse::<topgen_runtime::Decimal>()?")),
        Ty::List(inner) => example.and_then(|e| list(inner, e)),
        _ => None,
    };
    if expr.is_some() || !f.required {
        return expr;
    }
    Some(
        match &f.ty {
            Ty::Scalar(Scalar::String) => "\"\"",
            Ty::Scalar(Scalar::Number) => "0",
            Ty::Scalar(Scalar::Boolean) => "false",
            Ty::Scalar(Scalar::Date) => "topgen_runtime::time::now()",
            Ty::Scalar(Scalar::Price | Scalar::BigDecimal) => "topgen_runtime::Decimal::ZERO",
            Ty::Scalar(Scalar::Json) => "topgen_runtime::Json::Null",
            Ty::Scalar(Scalar::File) => {
                "topgen_runtime::FileItem::new(\"photo.jpg\", \"image/jpeg\", std::fs::read(\"photo.jpg\")?)"
            }
            Ty::Object(_) => "Default::default()",
            Ty::List(_) => "Vec::new()",
        }
        .to_owned(),
    )
}

fn list(inner: &Ty, example: &str) -> Option<String> {
    let items: Vec<&str> = example.split(',').map(str::trim).collect();
    let items: Option<Vec<String>> = match inner {
        Ty::Scalar(Scalar::String) => {
            Some(items.iter().map(|i| format!("{i:?}.to_owned()")).collect())
        }
        Ty::Scalar(Scalar::Number) => items
            .iter()
            .map(|i| i.parse::<i64>().ok().map(|n| n.to_string()))
            .collect(),
        _ => None,
    };
    items.map(|items| format!("vec![{}]", items.join(", ")))
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

fn looks_like_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.')
}

/// The `# Example` section of the request's docs: doc attributes holding a `no_run` program (or
/// `ignore` when the crate's path is unknown).
pub(crate) fn section(blocks: &mut DocBlocks, api: &Api, crate_path: Option<&str>) -> TokenStream {
    let fence = if crate_path.is_some() {
        "```no_run"
    } else {
        "```ignore"
    };
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        fence.to_owned(),
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
    ];
    if let Some(path) = crate_path {
        lines.push(format!("use {path}::{};", api.request_name));
    }
    lines.push(
        "let client = topgen_runtime::Client::builder(\"your-app-key\", \"your-app-secret\").build()?;"
            .to_owned(),
    );
    let args: Vec<String> = api
        .params
        .iter()
        .filter(|f| f.required)
        .filter_map(value)
        .collect();
    lines.push(format!(
        "let request = {}::new({}){}",
        api.request_name,
        args.join(", "),
        if api.params.iter().any(|f| !f.required && value(f).is_some()) {
            ""
        } else {
            ";"
        }
    ));
    let setters: Vec<String> = api
        .params
        .iter()
        .filter(|f| !f.required)
        .filter_map(|f| value(f).map(|v| format!("    .{}({v})", f.rust)))
        .collect();
    let count = setters.len();
    for (i, s) in setters.into_iter().enumerate() {
        lines.push(if i + 1 == count { format!("{s};") } else { s });
    }
    if api.needs_session {
        lines.push(
            "let options = topgen_runtime::CallOptions::new().session(\"the-user-session\");"
                .to_owned(),
        );
        lines.push("let response = client.execute_with(&request, &options).await?;".to_owned());
    } else {
        lines.push("let response = client.execute(&request).await?;".to_owned());
    }
    lines.push("println!(\"{response:?}\");".to_owned());
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines.push("```".to_owned());
    blocks.attrs(lines.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_decimals() {
        assert!(looks_like_date("2021-08-04 00:00:00"));
        assert!(!looks_like_date("2021-08-04"));
        assert!(looks_like_decimal("12.50"));
        assert!(looks_like_decimal("-3"));
        assert!(!looks_like_decimal("1.2.3"));
        assert!(!looks_like_decimal("abc"));
    }
}
