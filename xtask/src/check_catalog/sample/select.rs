//! The selection rule of the sample (see the [module](super) documentation).

use super::{FEATURES, QUOTA};
use std::collections::BTreeSet;

/// FNV-1a, 64 bits: a fixed hash that does not change between Rust versions or platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One catalog entry as the selection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file name (`taobao.trade.fullinfo.get.json`).
    pub file: String,
    /// Its [`features`](super::features).
    pub features: BTreeSet<usize>,
}

/// Picks `size` entries by the rule of the [`sample`](super) module; returns their indices into `entries`,
/// sorted by file name. The result does not depend on the order of `entries`.
pub fn select(entries: &[Entry], size: usize) -> Vec<usize> {
    let mut by_name: Vec<usize> = (0..entries.len()).collect();
    by_name.sort_by(|&a, &b| entries[a].file.cmp(&entries[b].file));
    let mut in_catalog = vec![0usize; FEATURES.len()];
    for e in entries {
        for &f in &e.features {
            in_catalog[f] += 1;
        }
    }
    let quota: Vec<usize> = in_catalog.iter().map(|&n| n.min(QUOTA)).collect();
    let mut have = vec![0usize; FEATURES.len()];
    let mut chosen = vec![false; entries.len()];
    let mut picked = 0usize;
    let mut order: Vec<usize> = (0..FEATURES.len()).collect();
    order.sort_by_key(|&f| (in_catalog[f], f));
    for f in order {
        while have[f] < quota[f] && picked < size {
            let short = |e: &Entry| e.features.iter().filter(|&&g| have[g] < quota[g]).count();
            // `by_name` order and a strict `>` keep the smallest file name among equals.
            let mut best: Option<(usize, usize)> = None;
            for &i in &by_name {
                if chosen[i] || !entries[i].features.contains(&f) {
                    continue;
                }
                let score = short(&entries[i]);
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((i, score));
                }
            }
            let Some((i, _)) = best else { break };
            chosen[i] = true;
            picked += 1;
            for &g in &entries[i].features {
                have[g] += 1;
            }
        }
    }
    let mut rest: Vec<usize> = (0..entries.len()).filter(|&i| !chosen[i]).collect();
    rest.sort_by_key(|&i| (fnv1a(entries[i].file.as_bytes()), entries[i].file.clone()));
    for i in rest.into_iter().take(size.saturating_sub(picked)) {
        chosen[i] = true;
    }
    by_name.into_iter().filter(|&i| chosen[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_catalog::sample::feature_index;

    fn entry(file: &str, keys: &[&str]) -> Entry {
        Entry {
            file: file.to_owned(),
            features: keys.iter().map(|k| feature_index(k).unwrap()).collect(),
        }
    }

    #[test]
    fn selection_meets_quotas_rarest_first_and_ignores_order() {
        let mut entries = vec![entry("rare.json", &["api:dashed", "type:String"])];
        for i in 0..20 {
            entries.push(entry(&format!("s{i:02}.json"), &["type:String"]));
        }
        entries.push(entry(
            "both.json",
            &["type:Date", "type:Json", "type:String"],
        ));
        entries.push(entry("date.json", &["type:Date"]));
        let picked = select(&entries, 8);
        let names: Vec<&str> = picked.iter().map(|&i| entries[i].file.as_str()).collect();
        assert_eq!(picked.len(), 8);
        for must in ["rare.json", "both.json", "date.json"] {
            assert!(names.contains(&must), "{must} not in {names:?}");
        }
        let strings = picked
            .iter()
            .filter(|&&i| {
                entries[i]
                    .features
                    .contains(&feature_index("type:String").unwrap())
            })
            .count();
        assert!(strings >= QUOTA, "{names:?}");
        // Sorted by name, and the same whatever the input order.
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let mut reversed = entries.clone();
        reversed.reverse();
        let again: Vec<&str> = select(&reversed, 8)
            .iter()
            .map(|&i| reversed[i].file.as_str())
            .collect();
        assert_eq!(names, again);
        // Asking for more than the catalog has gives the whole catalog.
        assert_eq!(select(&entries, 1000).len(), entries.len());
    }

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
