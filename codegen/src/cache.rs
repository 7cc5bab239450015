//! The generation cache: what the last write of a crate folder was made from, so that a
//! regeneration renders only the specs that changed.
//!
//! [`crate::generate`] keeps a manifest in the output folder ([`CACHE_FILE`]): the
//! generator's fingerprint (a hash of the running program, so that any change of the
//! generator or of its dependencies invalidates everything), and for each spec file the hash
//! of its bytes, its API's names, its examples' misfits and the hash of the module it
//! produced. A spec whose hash is the recorded one, and whose module on disk still has the
//! recorded hash, is not parsed or rendered again: its module is the file on disk, which is
//! byte for byte what rendering would give. A hand-edited module, a changed spec, another
//! crate name or another generator renders anew, so `--check` still sees every stale file.
//! The manifest is a cache: deleting it only costs time, and it is never compared or
//! committed (the repository ignores `generated/.topgen-cache`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use topgen_spec::examples::{Misfit, REPLY_EXAMPLES};

/// The manifest's file name in a generated crate's folder.
pub const CACHE_FILE: &str = ".topgen-cache";

/// The manifest's format; another one is ignored.
const VERSION: u32 = 3;

/// XXH3-128 of `parts`, each prefixed by its length (so that no two lists of parts collide by
/// concatenation), as lowercase hex. The cache guards against accidents (an edited file, a
/// changed spec), not against an adversary, so a fast non-cryptographic hash of 128 bits is
/// enough; SHA-256 was 18 % of a generation's instructions and most of a no-change run's.
pub(crate) fn hash(parts: &[&[u8]]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.digest128().to_be_bytes())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The generator's fingerprint: the hash of the running program's file, which changes with
/// any change of the generator's code or of a dependency. `None` (no cache) when the program
/// cannot be read.
pub(crate) fn fingerprint() -> Option<&'static str> {
    static FINGERPRINT: OnceLock<Option<String>> = OnceLock::new();
    FINGERPRINT
        .get_or_init(|| {
            let exe = std::env::current_exe().ok()?;
            let bytes = std::fs::read(exe).ok()?;
            Some(hash(&[b"topgen codegen", &bytes]))
        })
        .as_deref()
}

/// What one spec file gave at the last write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// Hash of the fingerprint, the spec's file name and its bytes.
    pub(crate) key: String,
    /// The API's method (`taobao.trade.fullinfo.get`).
    pub(crate) method: String,
    /// Its module (`taobao_trade_fullinfo_get`), written to `src/<module>.rs`.
    pub(crate) module: String,
    /// Its request type.
    pub(crate) request: String,
    /// Its response type.
    pub(crate) response: String,
    /// Its title (for the crate docs and the index).
    #[serde(default)]
    pub(crate) title: String,
    /// The library name of the crate its module was rendered for (its doc example imports
    /// from it).
    pub(crate) lib: String,
    /// Hash of `src/<module>.rs` as written.
    pub(crate) output: String,
    /// The misfits of its reply examples: example key, path, message.
    pub(crate) misfits: Vec<(String, String, String)>,
    /// Whether its spec has no reply example, so its API has no decode test.
    #[serde(default)]
    pub(crate) untested: bool,
    /// The model's warnings about the spec (`Api::warnings`), as `field: message`.
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
}

impl Entry {
    /// The API's names as `lib.rs` and `Cargo.toml` use them.
    pub(crate) fn names(&self) -> crate::generate::Names {
        crate::generate::Names {
            method: self.method.clone(),
            module: self.module.clone(),
            request: self.request.clone(),
            response: self.response.clone(),
        }
    }

    /// The misfits as [`Misfit`]s (one whose example key is unknown is left out).
    pub(crate) fn misfits(&self) -> Vec<Misfit> {
        self.misfits
            .iter()
            .filter_map(|(example, path, message)| {
                let example = REPLY_EXAMPLES.iter().find(|k| **k == example.as_str())?;
                Some(Misfit {
                    example,
                    path: path.clone(),
                    message: message.clone(),
                })
            })
            .collect()
    }

    /// Misfits in the manifest's form.
    pub(crate) fn misfits_of(misfits: &[Misfit]) -> Vec<(String, String, String)> {
        misfits
            .iter()
            .map(|m| (m.example.to_owned(), m.path.clone(), m.message.clone()))
            .collect()
    }
}

/// The manifest of a crate folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    /// The format (the module's `VERSION`).
    pub(crate) version: u32,
    /// The generator's [`fingerprint`] when it was written.
    pub(crate) fingerprint: String,
    /// Spec file name → what it gave.
    pub(crate) specs: BTreeMap<String, Entry>,
}

impl Manifest {
    /// A new manifest for the running generator, or `None` when it has no fingerprint.
    pub(crate) fn new() -> Option<Manifest> {
        Some(Manifest {
            version: VERSION,
            fingerprint: fingerprint()?.to_owned(),
            specs: BTreeMap::new(),
        })
    }

    /// The manifest of `out` if it was written by this very generator; else `None` (missing,
    /// unreadable, another format or another generator: everything is rendered).
    pub(crate) fn read(out: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(out.join(CACHE_FILE)).ok()?;
        let manifest: Manifest = serde_json::from_str(&text).ok()?;
        (manifest.version == VERSION && Some(manifest.fingerprint.as_str()) == fingerprint())
            .then_some(manifest)
    }

    /// The manifest as written: stable JSON, one spec a line.
    pub(crate) fn to_text(&self) -> String {
        let mut out = format!(
            "{{\"version\":{},\"fingerprint\":{},\"specs\":{{",
            self.version,
            serde_json::Value::from(self.fingerprint.as_str())
        );
        for (i, (file, entry)) in self.specs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('\n');
            out.push_str(&serde_json::Value::from(file.as_str()).to_string());
            out.push(':');
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        out.push_str("\n}}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_separate_their_parts() {
        assert_ne!(hash(&[b"ab", b"c"]), hash(&[b"a", b"bc"]));
        assert_eq!(hash(&[b"x"]), hash(&[b"x"]));
        assert_eq!(hash(&[b"x"]).len(), 32);
    }

    #[test]
    fn manifest_text_reads_back() {
        let mut m = Manifest::new().expect("the test program can be read");
        m.specs.insert(
            "a \"b\".yaml".into(),
            Entry {
                key: "k".into(),
                method: "taobao.a.b".into(),
                module: "taobao_a_b".into(),
                request: "ABRequest".into(),
                response: "ABResponse".into(),
                title: "A title".into(),
                lib: "topgen_a".into(),
                output: "o".into(),
                misfits: vec![("response_xml".into(), "x.y".into(), "bad".into())],
                untested: true,
                warnings: vec!["request[0].example: x".into()],
            },
        );
        let back: Manifest = serde_json::from_str(&m.to_text()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.specs["a \"b\".yaml"].misfits().len(), 1);
    }
}
