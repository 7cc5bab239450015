//! Replies made up from an API's response schema (its spec's `response:` and `types:`), for the
//! APIs whose spec has no reply example: [`Schema`] and [`Schema::reply`].
//!
//! A reply is a wrapped JSON tree (`{"<name>_response":{…}}`, lists wrapped as TOP wraps them:
//! `{"items":{"item":[…]}}`), rendered to simplified JSON and XML by the same rules as the
//! examples ([`crate::reply`]). It is a function of the gateway's seed, the method and the
//! request's business params alone (no clock, no map order, no randomness of the process):
//! the same request to a gateway of the same seed gets the same bytes.
//!
//! The values are what the generated clients decode:
//! - `Number`: a 64-bit integer (JSON number); ids (`id`, `…_id`, `num_iid`, `tid`, …) are
//!   above 2^53, where a float would lose them;
//! - `Boolean`: `true`/`false`; `success`-like fields are `true`, `has_next`-like ones `false`;
//! - `Date`: `yyyy-MM-dd HH:mm:ss` (GMT+8, as TOP writes dates), between 2020 and 2026;
//! - `Price`, `BigDecimal`: exact decimal text with two decimals (`"12.30"`);
//! - `String`: the field's spec `example` when it has one, else a short text naming the field;
//! - `Json`: a small object;
//! - lists: 1 to 3 items (1 below the third level);
//! - objects: nested at most [`MAX_DEPTH`] deep, and a type already on the path (a tree of
//!   itself) is left out there, so recursive types end.
//!
//! A scalar field named like a business param of the request (`num_iid`, `page_size`), outside
//! lists, echoes the param's value when it is a value of the field's type, as TOP does; sensitive params
//! (the spec's `sensitive`, or names that look secret) and the system params (`session`,
//! `sign`, …) are never echoed. A `total_results`-like number beside lists of objects counts
//! their items (with `has_next` false: the reply is the whole result). Every reply has a
//! `request_id` (unless the spec declares one), derived from the same seed.

use std::collections::BTreeMap;
use std::path::Path;

use topgen_spec::model::{self, Scalar, Ty};

use crate::json::Json;

/// How deeply objects nest in a made-up reply (the top-level fields are depth 1).
pub const MAX_DEPTH: usize = 4;

/// At most this many values in one made-up reply; once spent, object and list fields are left
/// out (scalars of the objects already begun are still filled in).
const BUDGET: usize = 2_000;

/// A response field, as much of it as a made-up reply needs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    wire: String,
    ty: Ty,
    example: Option<String>,
}

/// An object type of the response.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Object {
    /// TOP's name (`OssTokenDto`): a list of it is wrapped as `{"oss_token_dto":[…]}`.
    top_name: String,
    fields: Vec<Field>,
}

/// The response schema of one API: what a made-up reply is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schema {
    /// `wdk_iot_wombat_common_gettoken_response`.
    response_key: String,
    fields: Vec<Field>,
    types: Vec<Object>,
    /// Whether the spec declares `request_id` itself.
    has_request_id: bool,
    /// The request params whose values a reply field of the same name may echo: the scalar,
    /// non-file, non-sensitive ones.
    echoable: Vec<String>,
}

/// A spec resolved by the generator's own rules (`topgen_spec::model`); `Err(why)` when it
/// does not resolve (an invalid spec: the generator refuses it too).
pub(crate) fn resolve(spec: &topgen_spec::Spec) -> Result<model::Api, String> {
    let path = format!("specs/{}.yaml", spec.name);
    model::resolve(Path::new(&path), spec).map_err(|e| e.to_string())
}

impl Schema {
    /// The schema of a resolved spec; `None` when it has no response field.
    pub(crate) fn from_model(api: &model::Api) -> Option<Schema> {
        if api.response.is_empty() {
            return None;
        }
        let field = |f: &model::Field| Field {
            wire: f.wire.clone(),
            ty: f.ty.clone(),
            example: f.example.clone(),
        };
        let echoable = api
            .params
            .iter()
            .filter(|p| {
                matches!(p.ty, Ty::Scalar(s) if s != Scalar::File && s != Scalar::Json)
                    && !p.sensitive
                    && !model::looks_secret(&p.wire)
            })
            .map(|p| p.wire.clone())
            .collect();
        Some(Schema {
            response_key: api.response_key.clone(),
            fields: api.response.iter().map(field).collect(),
            types: api
                .types
                .iter()
                .map(|o| Object {
                    top_name: o.top_name.clone(),
                    fields: o.fields.iter().map(field).collect(),
                })
                .collect(),
            has_request_id: api.response_has_request_id,
            echoable,
        })
    }

    /// The made-up reply to a request of `method` with `params` (all of the request's params:
    /// the system ones are ignored), for a gateway of `seed`: wrapped JSON text.
    pub(crate) fn reply(&self, method: &str, seed: u64, params: &[(String, String)]) -> String {
        self.reply_tree(method, seed, params).to_text()
    }

    fn reply_tree(&self, method: &str, seed: u64, params: &[(String, String)]) -> Json {
        // Business params only, by name (then value): the order they were sent in, the
        // timestamp, the sign and the session do not change the reply.
        let mut business: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| !crate::check::SYSTEM_PARAMS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        business.sort_unstable();
        let mut hash = Fnv::new();
        hash.bytes(&seed.to_le_bytes());
        hash.field(method.as_bytes());
        for (k, v) in &business {
            hash.field(k.as_bytes());
            hash.field(v.as_bytes());
        }
        let state = hash.finish();
        let mut echo = BTreeMap::new();
        for (k, v) in &business {
            if self.echoable.iter().any(|e| e == k) {
                // The first value of a param sent twice (TOP takes one).
                echo.entry(*k).or_insert(*v);
            }
        }
        let mut synth = Synth {
            schema: self,
            rng: SplitMix(state),
            echo,
            budget: BUDGET,
            path: Vec::new(),
            in_lists: 0,
        };
        let mut fields = match synth.object(&self.fields, 1) {
            Json::Object(fields) => fields,
            _ => Vec::new(),
        };
        if !self.has_request_id {
            fields.push(("request_id".to_owned(), Json::String(request_id(state))));
        }
        Json::Object(vec![(self.response_key.clone(), Json::Object(fields))])
    }
}

/// A request id of TOP's look (13 characters, lowercase base 36), from the reply's seed.
fn request_id(state: u64) -> String {
    let mut n = SplitMix(state ^ 0x5EED_1D00_0000_0000).next();
    let mut out = Vec::with_capacity(13);
    for _ in 0..13 {
        out.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// FNV-1a, 64 bits: the seed of a reply from the gateway's seed, the method and the params.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A length-prefixed field, so that `("ab","c")` and `("a","bc")` differ.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// SplitMix64: a small, fast, well-mixed generator; enough for made-up values.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Synth<'a> {
    schema: &'a Schema,
    rng: SplitMix,
    /// Business param → value, for the fields that echo them.
    echo: BTreeMap<&'a str, &'a str>,
    budget: usize,
    /// The object types being filled in, outermost first.
    path: Vec<usize>,
    /// How many lists the value being filled in is in (items do not echo params: three
    /// items of one `num_iid` are not a list TOP answers).
    in_lists: usize,
}

/// 2^53: integers above it are not exact in a float.
const FLOAT_EXACT: i64 = 1 << 53;

impl Synth<'_> {
    fn spend(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    fn object(&mut self, fields: &[Field], depth: usize) -> Json {
        let mut out: Vec<(String, Json)> = Vec::with_capacity(fields.len());
        let mut listed = None::<usize>;
        for f in fields {
            if let Some((value, items)) = self.value(f, depth) {
                if let Some(n) = items {
                    *listed.get_or_insert(0) += n;
                }
                out.push((f.wire.clone(), value));
            }
        }
        // Counts and "more pages" that agree with the lists beside them.
        if let Some(n) = listed {
            for (name, value) in &mut out {
                let field = fields.iter().find(|f| f.wire == *name);
                let ty = field.map(|f| &f.ty);
                if ty == Some(&Ty::Scalar(Scalar::Number)) && is_total(name) {
                    *value = Json::Number(n.to_string());
                } else if ty == Some(&Ty::Scalar(Scalar::Boolean)) && is_more(name) {
                    *value = Json::Bool(false);
                }
            }
        }
        Json::Object(out)
    }

    /// A field's value, and for a list of objects the number of its items; `None` to leave it
    /// out.
    fn value(&mut self, f: &Field, depth: usize) -> Option<(Json, Option<usize>)> {
        match &f.ty {
            Ty::Scalar(s) => {
                self.spend();
                Some((self.scalar(*s, f, 0), None))
            }
            Ty::Object(i) => self.nested(*i, depth).map(|v| (v, None)),
            Ty::List(inner) => {
                let n = if depth >= 3 {
                    1
                } else {
                    1 + self.rng.below(3) as usize
                };
                let mut items = Vec::with_capacity(n);
                for k in 0..n {
                    let item = match &**inner {
                        Ty::Scalar(s) => {
                            if !self.spend() {
                                break;
                            }
                            self.scalar(*s, f, k)
                        }
                        Ty::Object(i) => {
                            self.in_lists += 1;
                            let item = self.nested(*i, depth);
                            self.in_lists -= 1;
                            match item {
                                Some(item) => item,
                                None => break,
                            }
                        }
                        // Lists of lists are refused by the spec model.
                        Ty::List(_) => break,
                    };
                    items.push(item);
                }
                if items.is_empty() {
                    return None;
                }
                // Results are lists of objects (a list of tags is not what a total counts).
                let count = matches!(**inner, Ty::Object(_)).then_some(items.len());
                let key = element_key(self.schema, inner);
                Some((Json::Object(vec![(key, Json::Array(items))]), count))
            }
        }
    }

    /// An object of type `i` inside a value at `depth`, unless too deep, recursive, or over
    /// the budget.
    fn nested(&mut self, i: usize, depth: usize) -> Option<Json> {
        if depth >= MAX_DEPTH || self.path.contains(&i) || !self.spend() {
            return None;
        }
        let object = self.schema.types.get(i)?;
        self.path.push(i);
        let value = self.object(&object.fields, depth + 1);
        self.path.pop();
        Some(value)
    }

    /// Item `k` of a scalar field (0 for a field that is not a list).
    fn scalar(&mut self, s: Scalar, f: &Field, k: usize) -> Json {
        let name = f.wire.as_str();
        if k == 0
            && self.in_lists == 0
            && let Some(v) = self.echo.get(name)
            && let Some(echoed) = echo_value(s, v)
        {
            return echoed;
        }
        // The example of item k: a list's example is its items, comma-separated.
        let example = f.example.as_deref().and_then(|e| {
            let items: Vec<&str> = match f.ty {
                Ty::List(_) => e.split(',').map(str::trim).collect(),
                _ => vec![e.trim()],
            };
            let item = items.get(k % items.len().max(1)).copied()?;
            (!item.is_empty() && item.chars().count() <= 200).then_some(item)
        });
        match s {
            Scalar::Number => {
                if is_id(name) {
                    let big = FLOAT_EXACT + self.rng.below(1 << 62) as i64;
                    return Json::Number(big.to_string());
                }
                if let Some(n) =
                    example.and_then(|e| topgen_spec::scalar::integer_text(e).parse::<i64>().ok())
                {
                    return Json::Number(n.to_string());
                }
                Json::Number(self.rng.below(1_000).to_string())
            }
            Scalar::Boolean => {
                if is_success(name) {
                    return Json::Bool(true);
                }
                if let Some(b) = example.and_then(topgen_spec::scalar::bool_text) {
                    return Json::Bool(b);
                }
                Json::Bool(self.rng.below(2) == 1)
            }
            Scalar::Date => match example.filter(|e| is_date_text(e)) {
                Some(e) => Json::String(e.to_owned()),
                None => Json::String(self.date()),
            },
            Scalar::Price | Scalar::BigDecimal => match example.filter(|e| is_plain_decimal(e)) {
                Some(e) => Json::String(e.to_owned()),
                None => Json::String(format!(
                    "{}.{:02}",
                    self.rng.below(1_000),
                    self.rng.below(100)
                )),
            },
            Scalar::String => match example {
                Some(e) => Json::String(e.to_owned()),
                None => Json::String(format!("{name}-{:04x}", self.rng.below(0x1_0000))),
            },
            Scalar::Json => Json::Object(vec![
                (
                    "name".to_owned(),
                    Json::String(format!("{name}-{:04x}", self.rng.below(0x1_0000))),
                ),
                (
                    "count".to_owned(),
                    Json::Number(self.rng.below(100).to_string()),
                ),
            ]),
            // Never in a reply (the spec model allows files only as request params).
            Scalar::File => Json::String(format!("{name}-{:04x}", self.rng.below(0x1_0000))),
        }
    }

    /// A date between 2020-01-01 and 2026-12-31, as TOP writes it (GMT+8 wall time).
    fn date(&mut self) -> String {
        // Days from 2020-01-01 to 2026-12-31 (2,557), then seconds in the day.
        let day = self.rng.below(2_557) as i64;
        let second = self.rng.below(86_400) as i64;
        let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
        let at = start.and_hms_opt(0, 0, 0).unwrap_or_default()
            + chrono::Duration::days(day)
            + chrono::Duration::seconds(second);
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// A business param's value as the value of a field of type `s`, if it is one.
fn echo_value(s: Scalar, v: &str) -> Option<Json> {
    match s {
        Scalar::String => Some(Json::String(v.to_owned())),
        Scalar::Number => topgen_spec::scalar::integer_text(v)
            .parse::<i64>()
            .ok()
            .map(|n| Json::Number(n.to_string())),
        Scalar::Boolean => topgen_spec::scalar::bool_text(v).map(Json::Bool),
        Scalar::Date => is_date_text(v.trim()).then(|| Json::String(v.trim().to_owned())),
        Scalar::Price | Scalar::BigDecimal => {
            is_plain_decimal(v.trim()).then(|| Json::String(v.trim().to_owned()))
        }
        Scalar::Json | Scalar::File => None,
    }
}

/// `yyyy-MM-dd HH:mm:ss`, a valid date and time.
fn is_date_text(text: &str) -> bool {
    text.len() == 19 && Scalar::Date.fits_text(text)
}

/// A decimal without exponent: `-12.30`, `7`.
fn is_plain_decimal(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && Scalar::Price.fits_text(text)
}

/// Whether a Number field is an id: `id`, `…_id`, `…Id`, and TOP's `num_iid`, `tid`, `oid`.
fn is_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id"
        || lower.ends_with("_id")
        || name.ends_with("Id")
        || matches!(lower.as_str(), "num_iid" | "iid" | "tid" | "oid" | "sku_id")
}

/// Whether a Number field counts a result: `total_results`, `total_count`, `total`, ….
fn is_total(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "total" | "total_results" | "total_result" | "total_count" | "total_num" | "totalcount"
    )
}

/// Whether a Boolean field says that more pages follow.
fn is_more(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "has_next" | "has_more" | "hasnext" | "hasmore"
    )
}

/// Whether a Boolean field says that the call succeeded.
fn is_success(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "success" | "is_success" | "issuccess" | "succeed"
    )
}

/// The key TOP wraps a list's items in: the element type's name in snake case
/// (`Item[]` → `item`, `String[]` → `string`, `OssTokenDto[]` → `oss_token_dto`).
fn element_key(schema: &Schema, inner: &Ty) -> String {
    match inner {
        Ty::Scalar(s) => snake(s.top_name()),
        Ty::Object(i) => schema
            .types
            .get(*i)
            .map_or_else(|| "item".to_owned(), |o| snake(&o.top_name)),
        Ty::List(_) => "item".to_owned(),
    }
}

/// `OssTokenDTO` → `oss_token_dto`; characters other than letters and digits become `_`.
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

#[cfg(test)]
#[path = "synth_tests.rs"]
mod tests;
