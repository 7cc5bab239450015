//! Names: the API name from the page's sources, cross-checked, and the object types' names.

use super::{Cx, Section};
use crate::Place;
use crate::catalog::{TypeNames, split_type};
use std::path::Path;
use topgen_spec::Error;
use topgen_spec::model::response_key;
use topgen_spec::spec::TypeDef;

/// The object types being named and defined.
#[derive(Default)]
pub(super) struct Converter {
    pub(super) types: Vec<(String, TypeDef)>,
    /// The object types' names.
    names: TypeNames,
}

/// The platforms whose API names keep their first word in class names and XML roots; any
/// other first word means the name starts with `taobao.`, which TOP drops there.
const PLATFORMS: &[&str] = &[
    "alibaba",
    "tmall",
    "alitrip",
    "yunos",
    "cainiao",
    "aliexpress",
    "aliyun",
    "youku",
    "xiami",
    "alipay",
    "qimen",
    "taobao",
];

/// `AlibabaIotDeviceCorpusGetRequest` → `alibaba.iot.device.corpus.get`;
/// `TradeMemoAddRequest` → `taobao.trade.memo.add`.
fn name_from_class(class: &str) -> Option<String> {
    let base = class.strip_suffix("Request")?;
    let mut words: Vec<String> = Vec::new();
    for c in base.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(c.to_ascii_lowercase().to_string());
        } else if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
    }
    with_platform(words)
}

/// `alibaba_iot_device_corpus_get_response` → `alibaba.iot.device.corpus.get`.
fn name_from_root(root: &str) -> Option<String> {
    let base = root.strip_suffix("_response")?;
    if base.is_empty() || base == "error" {
        return None;
    }
    with_platform(base.split('_').map(str::to_owned).collect())
}

fn with_platform(words: Vec<String>) -> Option<String> {
    if words.is_empty()
        || words
            .iter()
            .any(|w| w.is_empty() || !w.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return None;
    }
    let joined = words.join(".");
    Some(if PLATFORMS.contains(&words[0].as_str()) {
        joined
    } else {
        format!("taobao.{joined}")
    })
}

/// Two API names TOP would send under the same response key (`wdk.a.b` and
/// `taobao.wdk.a.b`), ignoring how words are split.
fn same_api(a: &str, b: &str) -> bool {
    let key = |n: &str| response_key(n).replace(['_', '.'], "");
    key(a) == key(b)
}

impl Cx<'_> {
    pub(super) fn api_name(&mut self, path: &Path) -> Result<String, Error> {
        let mut candidates: Vec<(String, String)> = Vec::new();
        if let Some(name) = &self.page.name {
            candidates.push((
                name.clone(),
                format!("the title line ({})", self.at(Section::Header)),
            ));
        }
        if let Some((class, line)) = self.java.and_then(|j| j.request_class.clone())
            && let Some(name) = name_from_class(&class)
        {
            candidates.push((
                name,
                format!(
                    "the Java example's request class `{class}` (line {})",
                    self.java_line(line)
                ),
            ));
        }
        if let Some(root) = self.xml.and_then(|d| d.root_name())
            && let Some(name) = name_from_root(root)
        {
            candidates.push((
                name,
                format!(
                    "the XML example's root `<{root}>` ({})",
                    self.at(Section::ResponseExample)
                ),
            ));
        }
        if let Some(key) = self
            .page
            .response_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| {
                v.as_object()?
                    .keys()
                    .find(|k| k.ends_with("_response"))
                    .cloned()
            })
            && let Some(name) = name_from_root(&key)
        {
            candidates.push((
                name,
                format!(
                    "the JSON example's key `{key}` ({})",
                    self.at(Section::ResponseExample)
                ),
            ));
        }
        let Some((name, source)) = candidates.first().cloned() else {
            return Err(Error::Invalid {
                path: path.to_owned(),
                field: "name".into(),
                message: "no API name: the page has no title line (`api.name (中文名)`), no \
                          Java request example and no XML or JSON response example to take it \
                          from"
                    .into(),
            });
        };
        let agree: Vec<&str> = candidates[1..]
            .iter()
            .filter(|(n, _)| same_api(n, &name))
            .map(|(_, s)| s.as_str())
            .collect();
        if self.page.name.is_none() {
            let mut message = format!("no title line: API name `{name}` guessed from {source}");
            if !agree.is_empty() {
                message.push_str(&format!(", matching {}", agree.join(" and ")));
            }
            message.push_str("; no title (Chinese name)");
            self.warn(Place::Spec, message);
        }
        for (other, other_source) in candidates[1..].iter().filter(|(n, _)| !same_api(n, &name)) {
            self.warn(
                Place::Spec,
                format!(
                    "{other_source} is for `{other}`, not `{name}` from {source}; `{name}` kept"
                ),
            );
        }
        Ok(name)
    }

    /// Names every object type in document order: the first of a name keeps it; a later one
    /// whose fields agree with it (every field both show has one type) is the same type,
    /// shown in part or with other fields (the page's rows are placed by guess, so one type
    /// can look split); one whose fields disagree gets `Foo2`, `Foo3`…
    pub(super) fn name_types(&mut self, ids: &[usize], conv: &mut Converter) {
        for &id in ids {
            if let Some(object) = self.object(id) {
                let fields: Vec<(String, String)> = self.nodes[id]
                    .children
                    .iter()
                    .map(|&c| (self.nodes[c].name.clone(), split_type(&self.nodes[c].ty).0))
                    .collect();
                let name = conv.names.name_agreeing(&object.base, &fields);
                self.nodes[id].type_name = Some(name);
            }
            let children = self.nodes[id].children.clone();
            self.name_types(&children, conv);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_class_and_root() {
        assert_eq!(
            name_from_class("AlibabaIotDeviceCorpusGetRequest").as_deref(),
            Some("alibaba.iot.device.corpus.get")
        );
        assert_eq!(
            name_from_class("ItemSellerGetRequest").as_deref(),
            Some("taobao.item.seller.get")
        );
        assert_eq!(
            name_from_class("ItemcatsGetV2Request").as_deref(),
            Some("taobao.itemcats.get.v2")
        );
        assert_eq!(name_from_class("DefaultTaobaoClient"), None);
        assert_eq!(
            name_from_root("alibaba_iot_device_corpus_get_response").as_deref(),
            Some("alibaba.iot.device.corpus.get")
        );
        assert_eq!(
            name_from_root("wdk_iot_wombat_common_gettoken_response").as_deref(),
            Some("taobao.wdk.iot.wombat.common.gettoken")
        );
        assert_eq!(name_from_root("error_response"), None);
        assert!(same_api("wdk.a.b", "taobao.wdk.a.b"));
        assert!(!same_api("taobao.a.b", "taobao.a.c"));
    }
}
