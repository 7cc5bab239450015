//! The one rule that decides which APIs get a pager (`topgen_runtime::Paged`), and what it
//! reads: [`paging`].
//!
//! TOP pages with a page number param (`page_no`, `current_page` or `page_index`), usually
//! beside `page_size`, and says where the end is in the reply: `total_results`, `has_next`, or
//! only by a page shorter than the page size (PROTOCOL.md, "Pagination"). The rule, on the
//! resolved model:
//!
//! 1. the API pages when exactly one **top-level** request param is a page number param
//!    ([`PAGE_PARAMS`]) and it is a `Number`; two of them, or one of another type, make it
//!    ambiguous (rejected); page params inside an object param are the API's own request
//!    object, not TOP's paging, and are not looked at;
//! 2. the page size is the top-level `page_size` param, if it is a `Number` (its spec
//!    `default`, if any, is the size when the request leaves it unset);
//! 3. the reply's end signs are its top-level `total_results` (`Number`) and `has_next`
//!    (`Boolean`);
//! 4. the reply's list is its one top-level list field; when it has none, the one list field of
//!    its top-level object fields (one level down: TOP wraps lists as `result.list`); two or
//!    more lists at the level where the first is found make the list ambiguous (no item
//!    stream);
//! 5. the API gets a pager when it has at least one end sign or a list (an empty or short page
//!    ends it); else it is rejected, with the reason. It gets an item stream
//!    (`topgen_runtime::PagedItems`) when it has a list.
//!
//! A param whose setter would shadow a pager method ([`PAGER_METHODS`]) rejects the API too.

use topgen_spec::model::{Api, Field, Scalar, Ty};

/// The page number params of TOP's paging, by wire name.
pub const PAGE_PARAMS: &[&str] = &["page_no", "current_page", "page_index"];

/// The page size param's wire name.
pub const PAGE_SIZE_PARAM: &str = "page_size";

/// The methods of `topgen_runtime::Paged` and `PagedItems` a user calls on a request: a
/// setter of one of these names would shadow it. (The trait's other methods, such as
/// `page_size`, are called only by the runtime's generic code, which setters do not shadow.)
pub const PAGER_METHODS: &[&str] = &[
    "pages",
    "pages_with",
    "pages_blocking",
    "pages_blocking_with",
    "items",
    "items_with",
    "items_blocking",
    "items_blocking_with",
];

/// What [`paging`] says of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// The API does not page (no top-level page number param).
    None,
    /// The API gets a pager.
    Pager(Pager),
    /// The API has a page number param, but no pager: why.
    Rejected(String),
}

/// What a pager reads and writes, as indexes into the [`Api`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// The page number param: an index into [`Api::params`].
    pub page: usize,
    /// The page size param, if any: an index into [`Api::params`].
    pub page_size: Option<usize>,
    /// The page size param's spec default.
    pub page_size_default: Option<i64>,
    /// The reply's `total_results`: an index into [`Api::response`].
    pub total_results: Option<usize>,
    /// The reply's `has_next`: an index into [`Api::response`].
    pub has_next: Option<usize>,
    /// The reply's list, if it has one.
    pub list: Option<ListPath>,
}

/// Where the reply's list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPath {
    /// The top-level object field that holds the list (one level down), as an index into
    /// [`Api::response`]; `None` when the list is at the top level.
    pub outer: Option<usize>,
    /// The list field: an index into [`Api::response`] (top level) or into the outer object's
    /// fields.
    pub field: usize,
}

impl ListPath {
    /// The list field itself.
    pub fn field<'a>(&self, api: &'a Api) -> &'a Field {
        match self.outer {
            None => &api.response[self.field],
            Some(o) => match api.response[o].ty {
                Ty::Object(t) => &api.types[t].fields[self.field],
                // `paging` only makes a path through an object field.
                _ => &api.response[o],
            },
        }
    }

    /// The list's wire path, `trades` or `result.list`.
    pub fn wire(&self, api: &Api) -> String {
        match self.outer {
            None => self.field(api).wire.clone(),
            Some(o) => format!("{}.{}", api.response[o].wire, self.field(api).wire),
        }
    }
}

fn is_list(f: &Field) -> bool {
    matches!(f.ty, Ty::List(_))
}

fn named(fields: &[Field], wire: &str, ty: Scalar) -> Option<usize> {
    fields
        .iter()
        .position(|f| f.wire == wire && f.ty == Ty::Scalar(ty))
}

/// Whether and how `api` pages: the rule of the [module docs](self).
pub fn paging(api: &Api) -> Paging {
    let pages: Vec<usize> = (0..api.params.len())
        .filter(|&i| PAGE_PARAMS.contains(&api.params[i].wire.as_str()))
        .collect();
    let page = match pages[..] {
        [] => return Paging::None,
        [i] => i,
        _ => {
            let names: Vec<String> = pages
                .iter()
                .map(|&i| format!("`{}`", api.params[i].wire))
                .collect();
            return Paging::Rejected(format!(
                "ambiguous: {} page number params ({})",
                pages.len(),
                names.join(", ")
            ));
        }
    };
    let p = &api.params[page];
    if p.ty != Ty::Scalar(Scalar::Number) {
        return Paging::Rejected(format!("page number param `{}` is not a Number", p.wire));
    }
    if let Some(f) = api
        .params
        .iter()
        .find(|f| PAGER_METHODS.contains(&f.rust.as_str()))
    {
        return Paging::Rejected(format!(
            "param `{}`'s setter `{}` would shadow the pager's method of that name",
            f.wire, f.rust
        ));
    }
    let page_size = named(&api.params, PAGE_SIZE_PARAM, Scalar::Number);
    let page_size_default = page_size
        .and_then(|i| api.params[i].default.as_deref())
        .and_then(|d| d.trim().parse::<i64>().ok())
        .filter(|&d| d > 0);
    let total_results = named(&api.response, "total_results", Scalar::Number);
    let has_next = named(&api.response, "has_next", Scalar::Boolean);

    let top: Vec<usize> = (0..api.response.len())
        .filter(|&i| is_list(&api.response[i]))
        .collect();
    let lists: Vec<ListPath> = if top.is_empty() {
        api.response
            .iter()
            .enumerate()
            .filter_map(|(o, f)| match f.ty {
                Ty::Object(t) => Some((o, t)),
                _ => None,
            })
            .flat_map(|(o, t)| {
                api.types[t]
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| is_list(f))
                    .map(move |(i, _)| ListPath {
                        outer: Some(o),
                        field: i,
                    })
            })
            .collect()
    } else {
        top.into_iter()
            .map(|i| ListPath {
                outer: None,
                field: i,
            })
            .collect()
    };
    let list = match &lists[..] {
        [one] => Some(one.clone()),
        _ => None,
    };
    if total_results.is_none() && has_next.is_none() && list.is_none() {
        return Paging::Rejected(if lists.is_empty() {
            "no end sign: the reply has no total_results, has_next nor list".to_owned()
        } else {
            let names: Vec<String> = lists.iter().map(|l| format!("`{}`", l.wire(api))).collect();
            format!(
                "ambiguous: {} lists in the reply ({}) and no total_results nor has_next",
                lists.len(),
                names.join(", ")
            )
        });
    }
    Paging::Pager(Pager {
        page,
        page_size,
        page_size_default,
        total_results,
        has_next,
        list,
    })
}

/// `PAGERS.md`: how many of `apis` get a pager (and an item stream), and every API the rule
/// rejects, with the reason.
pub fn pagers_md(apis: &[Api]) -> String {
    use std::fmt::Write as _;
    let mut pagers = Vec::new();
    let mut rejected = Vec::new();
    for api in apis {
        match paging(api) {
            Paging::None => {}
            Paging::Pager(p) => pagers.push((api, p)),
            Paging::Rejected(why) => rejected.push((api, why)),
        }
    }
    let items = pagers.iter().filter(|(_, p)| p.list.is_some()).count();
    let mut out = format!(
        "<!-- Written by `cargo run -p codegen -- pagers` (checked by its --check); do not edit. -->\n\
         # Pagers\n\
         \n\
         {} of {} APIs get a pager (`topgen_runtime::Paged`), {} of them an item stream\n\
         (`topgen_runtime::PagedItems`); {} APIs with a page number param are rejected by the\n\
         rule of `codegen/src/paging.rs`. README: \"Pages\".\n\
         \n\
         ## Rejected\n\
         \n\
         | API | Why |\n\
         |---|---|\n",
        pagers.len(),
        apis.len(),
        items,
        rejected.len(),
    );
    for (api, why) in &rejected {
        let _ = writeln!(out, "| `{}` | {} |", api.method, why.replace('|', "\\|"));
    }
    out.push_str("\n## Pagers\n\n| API | Page param | End signs | Items |\n|---|---|---|---|\n");
    for (api, p) in &pagers {
        let mut signs: Vec<&str> = Vec::new();
        if p.has_next.is_some() {
            signs.push("has_next");
        }
        if p.total_results.is_some() {
            signs.push("total_results");
        }
        if p.list.is_some() {
            signs.push(if p.page_size.is_some() {
                "short page"
            } else {
                "empty page"
            });
        }
        let items = p
            .list
            .as_ref()
            .map_or("-".to_owned(), |l| format!("`{}`", l.wire(api)));
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            api.method,
            api.params[p.page].wire,
            signs.join(", "),
            items
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn api(request: &str, response: &str, types: &str) -> Api {
        let text = format!(
            "name: taobao.test.list.get\nrequest:\n{request}\nresponse:\n{response}\ntypes:\n{types}\n"
        );
        let text = text.replace("types:\n\n", "");
        let path = Path::new("taobao.test.list.get.yaml");
        let spec = topgen_spec::load::parse_spec(path, &text).expect("spec");
        topgen_spec::model::resolve(path, &spec).expect("model")
    }

    const PAGE: &str = "  - name: page_no\n    type: Number\n  - name: page_size\n    type: Number\n    default: \"40\"";
    const ITEM: &str = "  Item:\n    fields:\n      - name: id\n        type: Number\n      - name: tags\n        type: String[]";

    #[test]
    fn a_top_level_list_with_total_and_has_next_gets_a_pager_and_items() {
        let a = api(
            PAGE,
            "  - name: total_results\n    type: Number\n  - name: items\n    type: Item[]\n  - name: has_next\n    type: Boolean",
            ITEM,
        );
        let Paging::Pager(p) = paging(&a) else {
            panic!("{:?}", paging(&a))
        };
        assert_eq!(
            p,
            Pager {
                page: 0,
                page_size: Some(1),
                page_size_default: Some(40),
                total_results: Some(0),
                has_next: Some(2),
                list: Some(ListPath {
                    outer: None,
                    field: 1
                }),
            }
        );
    }

    #[test]
    fn a_list_one_level_down_is_the_list_when_the_top_level_has_none() {
        let a = api(
            "  - name: current_page\n    type: Number",
            "  - name: result\n    type: Wrap",
            &format!(
                "  Wrap:\n    fields:\n      - name: code\n        type: String\n      - name: data\n        type: Item[]\n{ITEM}"
            ),
        );
        let Paging::Pager(p) = paging(&a) else {
            panic!("{:?}", paging(&a))
        };
        let list = p.list.expect("list");
        assert_eq!(list.wire(&a), "result.data");
        assert_eq!(p.page_size, None);
        assert_eq!(p.total_results, None);
        // The item's own list (`tags`, two levels down) does not count.
    }

    #[test]
    fn no_page_param_is_not_paged_and_nested_page_params_are_not_looked_at() {
        let a = api(
            "  - name: query\n    type: Query",
            "  - name: items\n    type: Item[]",
            &format!("  Query:\n    fields:\n      - name: page_no\n        type: Number\n{ITEM}"),
        );
        assert_eq!(paging(&a), Paging::None);
    }

    #[test]
    fn two_page_params_or_a_text_page_param_are_rejected() {
        let a = api(
            "  - name: page_no\n    type: Number\n  - name: page_index\n    type: Number",
            "  - name: total_results\n    type: Number",
            "",
        );
        assert_eq!(
            paging(&a),
            Paging::Rejected("ambiguous: 2 page number params (`page_no`, `page_index`)".into())
        );
        let a = api(
            "  - name: page_index\n    type: String",
            "  - name: total_results\n    type: Number",
            "",
        );
        assert_eq!(
            paging(&a),
            Paging::Rejected("page number param `page_index` is not a Number".into())
        );
    }

    #[test]
    fn a_reply_without_an_end_sign_is_rejected() {
        let a = api(PAGE, "  - name: result\n    type: String", "");
        assert_eq!(
            paging(&a),
            Paging::Rejected(
                "no end sign: the reply has no total_results, has_next nor list".into()
            )
        );
    }

    #[test]
    fn two_lists_are_ambiguous_rejected_without_end_signs_and_itemless_with_them() {
        let lists = "  - name: items\n    type: Item[]\n  - name: others\n    type: Item[]";
        let a = api(PAGE, lists, ITEM);
        assert_eq!(
            paging(&a),
            Paging::Rejected(
                "ambiguous: 2 lists in the reply (`items`, `others`) and no total_results nor has_next"
                    .into()
            )
        );
        let a = api(
            PAGE,
            &format!("{lists}\n  - name: has_next\n    type: Boolean"),
            ITEM,
        );
        let Paging::Pager(p) = paging(&a) else {
            panic!("{:?}", paging(&a))
        };
        assert_eq!((p.list, p.has_next), (None, Some(2)));
    }

    #[test]
    fn end_signs_of_other_types_do_not_count() {
        let a = api(
            PAGE,
            "  - name: total_results\n    type: String\n  - name: has_next\n    type: String",
            "",
        );
        assert!(
            matches!(paging(&a), Paging::Rejected(_)),
            "{:?}",
            paging(&a)
        );
    }

    #[test]
    fn a_param_that_would_shadow_a_pager_method_is_rejected() {
        let a = api(
            &format!("{PAGE}\n  - name: items\n    type: String"),
            "  - name: total_results\n    type: Number",
            "",
        );
        assert_eq!(
            paging(&a),
            Paging::Rejected(
                "param `items`'s setter `items` would shadow the pager's method of that name"
                    .into()
            )
        );
    }

    #[test]
    fn pagers_md_counts_and_lists_the_rejected() {
        let paged = api(PAGE, "  - name: total_results\n    type: Number", "");
        let rejected = api(PAGE, "  - name: result\n    type: String", "");
        let md = pagers_md(&[paged, rejected]);
        assert!(md.contains("1 of 2 APIs get a pager"), "{md}");
        assert!(md.contains("0 of them an item stream"), "{md}");
        assert!(
            md.contains("| `taobao.test.list.get` | no end sign"),
            "{md}"
        );
        assert!(
            md.contains("| `taobao.test.list.get` | `page_no` | total_results | - |"),
            "{md}"
        );
    }
}
