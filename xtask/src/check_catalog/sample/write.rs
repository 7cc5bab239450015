//! Reading a catalog, writing the sample into a folder, and its README with the coverage
//! table.

use super::{Entry, FEATURES, Feature, QUOTA, features, select};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use topgen_spec::Error;

/// The UTC date (`2026-05-01`) of a Unix time, for the README of a sample.
pub fn utc_date(unix_secs: u64) -> String {
    // Howard Hinnant's `civil_from_days`.
    let days = (unix_secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Reads every `*.json` file of a catalog folder (sorted by name) with its features.
pub fn read_catalog(dir: &Path) -> Result<Vec<(PathBuf, Entry)>, Error> {
    let mut out = Vec::new();
    for path in crate::check_catalog::json_files(dir)? {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((
            path,
            Entry {
                file,
                features: features(&text),
            },
        ));
    }
    Ok(out)
}

/// What [`write_sample`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleReport {
    /// Files in the catalog.
    pub catalog: usize,
    /// File names of the sample, sorted.
    pub files: Vec<String>,
    /// `*.json` files removed from the folder because they are no longer in the sample.
    pub removed: Vec<String>,
    /// Features with fewer sample APIs than their quota (none unless `size` is too small).
    pub short: Vec<&'static str>,
}

/// Selects `size` APIs of the catalog in `catalog` and makes `into` hold exactly them (copied
/// byte for byte) plus a README with the rule, `date` and the coverage table.
pub fn write_sample(
    catalog: &Path,
    size: usize,
    into: &Path,
    date: &str,
) -> Result<SampleReport, Error> {
    let all = read_catalog(catalog)?;
    let entries: Vec<Entry> = all.iter().map(|(_, e)| e.clone()).collect();
    let picked = select(&entries, size);
    std::fs::create_dir_all(into).map_err(|e| Error::io(into, e))?;
    let keep: BTreeSet<&str> = picked.iter().map(|&i| entries[i].file.as_str()).collect();
    let mut removed = Vec::new();
    for old in crate::check_catalog::json_files(into)? {
        let name = old
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !keep.contains(name.as_str()) {
            std::fs::remove_file(&old).map_err(|e| Error::io(&old, e))?;
            removed.push(name);
        }
    }
    for &i in &picked {
        let (from, entry) = &all[i];
        let to = into.join(&entry.file);
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        if std::fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&to, &bytes).map_err(|e| Error::io(&to, e))?;
        }
    }
    let chosen: Vec<&Entry> = picked.iter().map(|&i| &entries[i]).collect();
    let table = coverage(&entries, &chosen);
    let short = table
        .iter()
        .filter(|row| row.sample < row.catalog.min(QUOTA))
        .map(|row| row.feature.key)
        .collect();
    let readme = readme(entries.len(), size, chosen.len(), date, &table);
    let path = into.join("README.md");
    codegen::output::write_if_changed(&path, &readme)?;
    Ok(SampleReport {
        catalog: entries.len(),
        files: chosen.iter().map(|e| e.file.clone()).collect(),
        removed,
        short,
    })
}

/// One row of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The feature.
    pub feature: Feature,
    /// Catalog APIs that have it.
    pub catalog: usize,
    /// Sample APIs that have it.
    pub sample: usize,
}

/// Feature counts over the catalog and over the sample, in [`FEATURES`] order.
pub fn coverage(catalog: &[Entry], sample: &[&Entry]) -> Vec<Coverage> {
    FEATURES
        .iter()
        .enumerate()
        .map(|(i, feature)| Coverage {
            feature: *feature,
            catalog: catalog.iter().filter(|e| e.features.contains(&i)).count(),
            sample: sample.iter().filter(|e| e.features.contains(&i)).count(),
        })
        .collect()
}

fn readme(catalog: usize, size: usize, picked: usize, date: &str, table: &[Coverage]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# Catalog sample\n\
         \n\
         {picked} of the {catalog} APIs of TOP's metadata catalog (`shared/catalog/`), copied byte for\n\
         byte. CI proves the importer and the generator on them end to end:\n\
         \n\
         ```sh\n\
         cargo run -q -p xtask --bin check-catalog -- tests/fixtures/catalog-sample --doc\n\
         ```\n\
         \n\
         imports every file into a spec, generates crates from the specs and runs `cargo check` and\n\
         `cargo doc` (with `-D warnings`) on them (see the README's \"Checking the whole catalog\").\n\
         \n\
         Selected on {date} with\n\
         \n\
         ```sh\n\
         cargo run -p xtask --bin check-catalog -- <catalog> --select-sample {size} --into tests/fixtures/catalog-sample\n\
         ```\n\
         \n\
         which rewrites this folder, README included; on the same catalog it picks the same files.\n\
         Do not edit the files by hand.\n\
         \n\
         ## Rule\n\
         \n\
         1. Each catalog file is read as JSON and the features below are listed for it, from the\n\
         \x20  raw text (so `X []` counts even though the importer writes `X[]`).\n\
         2. Every feature gets a quota of min({QUOTA}, catalog APIs that have it). Features are served\n\
         \x20  rarest first; while one is short of its quota, the API with that feature that has the\n\
         \x20  most features still short of theirs is added (ties: the smaller file name).\n\
         3. The sample is filled up to {size} with the APIs of smallest FNV-1a 64-bit hash of their\n\
         \x20  file name: an even spread over the catalog, independent of listing order.\n\
         \n\
         The features are defined in `xtask/src/check_catalog/sample/features.rs`. A feature with no\n\
         catalog API does not occur in this catalog; it is listed because the importer or the\n\
         generator handles it, and their own tests (`import/catalog.rs`, `sanitize.rs`,\n\
         `tests/fixtures/catalog/dirty/`) cover it.\n\
         \n\
         ## Coverage\n\
         \n\
         | feature | key | catalog APIs | sample APIs |\n\
         | --- | --- | ---: | ---: |\n"
    );
    for row in table {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            row.feature.label.replace('|', "\\|"),
            row.feature.key,
            row.catalog,
            row.sample
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_777_593_599), "2026-04-30");
        assert_eq!(utc_date(1_777_593_600), "2026-05-01");
    }
}
