//! The pager of a paged API ([`crate::paging`]): the `Paged` impl of its request and, when its
//! reply has one list, the `PagedItems` impl; and the paragraph of the request's docs that says
//! so.

use super::types::{ident, rust_ty};
use crate::paging::{Pager, Paging, paging};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use topgen_spec::model::{Api, Ty};

/// The API's pager, if the rule gives it one.
pub(crate) fn pager_of(api: &Api) -> Option<Pager> {
    match paging(api) {
        Paging::Pager(p) => Some(p),
        Paging::None | Paging::Rejected(_) => None,
    }
}

/// The lines of the request's docs about its pager.
pub(crate) fn doc_lines(api: &Api, pager: &Pager) -> Vec<String> {
    let page = &api.params[pager.page].wire;
    let items = pager.list.as_ref().map_or(String::new(), |list| {
        format!(
            "; [`PagedItems::items`](topgen_runtime::PagedItems::items) streams the items of `{}`",
            list.wire(api)
        )
    });
    vec![format!(
        "The API pages by `{page}`: with [`Paged`](topgen_runtime::Paged) in scope, \
         [`pages`](topgen_runtime::Paged::pages) (or \
         [`pages_with`](topgen_runtime::Paged::pages_with), with a session) streams its replies, \
         one call per page, from the request's `{page}` (or 1) to the last page{items}."
    )]
}

/// The `Paged` (and `PagedItems`) impls of the request.
pub(crate) fn impls(api: &Api, pager: &Pager) -> TokenStream {
    let name = ident(&api.request_name);
    let response = ident(&api.response_name);
    let page_field = &api.params[pager.page];
    let page_wire = &page_field.wire;
    let page = ident(&page_field.rust);
    let (get_page, set_page) = if page_field.required {
        (quote!(Some(self.#page)), quote!(self.#page = page;))
    } else {
        (quote!(self.#page), quote!(self.#page = Some(page);))
    };
    let default = pager.page_size_default.map(Literal::i64_unsuffixed);
    let page_size = match pager.page_size.map(|i| &api.params[i]) {
        None => quote!(None),
        Some(f) => {
            let n = ident(&f.rust);
            match (f.required, default) {
                (true, _) => quote!(Some(self.#n)),
                (false, None) => quote!(self.#n),
                (false, Some(d)) => quote!(self.#n.or(Some(#d))),
            }
        }
    };
    let mut info = quote!(::topgen_runtime::PageInfo::new());
    if let Some(i) = pager.total_results {
        let n = ident(&api.response[i].rust);
        info = quote!(#info.total_results(reply.#n));
    }
    if let Some(i) = pager.has_next {
        let n = ident(&api.response[i].rust);
        info = quote!(#info.has_next(reply.#n));
    }
    // A reply without its list (TOP leaves an empty list out) has no items.
    let list_ref = pager.list.as_ref().map(|l| {
        let field = ident(&l.field(api).rust);
        match l.outer {
            None => quote!(reply.#field.as_ref()),
            Some(o) => {
                let outer = ident(&api.response[o].rust);
                quote!(reply.#outer.as_ref().and_then(|outer| outer.#field.as_ref()))
            }
        }
    });
    if let Some(r) = &list_ref {
        info = quote!(#info.items(Some(#r.map_or(0, Vec::len))));
    }
    let same = api.response.iter().map(|f| {
        let n = ident(&f.rust);
        quote!(a.#n == b.#n)
    });
    let paged = quote! {
        impl ::topgen_runtime::Paged for #name {
            type Reply = #response;
            const PAGE_PARAM: &'static str = #page_wire;

            fn page(&self) -> Option<i64> {
                #get_page
            }

            fn set_page(&mut self, page: i64) {
                #set_page
            }

            fn page_size(&self) -> Option<i64> {
                #page_size
            }

            fn page_info(reply: &#response) -> ::topgen_runtime::PageInfo {
                #info
            }

            fn same_page(a: &#response, b: &#response) -> bool {
                #(#same)&&*
            }
        }
    };
    let Some(list) = &pager.list else {
        return paged;
    };
    let field = list.field(api);
    let Ty::List(inner) = &field.ty else {
        return paged;
    };
    // As the list field's type: `rust_ty` writes a list's items without `Secret`.
    let item = rust_ty(&api.types, inner, false);
    let n = ident(&field.rust);
    let take = match list.outer {
        None => quote!(reply.#n.unwrap_or_default()),
        Some(o) => {
            let outer = ident(&api.response[o].rust);
            quote!(reply.#outer.and_then(|outer| outer.#n).unwrap_or_default())
        }
    };
    quote! {
        #paged

        impl ::topgen_runtime::PagedItems for #name {
            type Item = #item;

            fn into_items(reply: #response) -> Vec<#item> {
                #take
            }
        }
    }
}
