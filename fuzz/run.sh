#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with cargo-fuzz (libFuzzer + ASan).
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
#   fuzz/run.sh [SECONDS] [--merge]
# New inputs go to fuzz/target/work/<target>; with --merge, those that add coverage are
# merged into fuzz/corpus/<target> (the corpus that is committed).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
merge=${2:-}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for t in decode_json decode_xml spec_loader import tmc_frame; do
  mkdir -p "target/work/$t" "corpus/$t"
  echo "== $t (${secs}s)"
  # The importer also starts from the repository's doc pages and catalog fixtures.
  seeds=()
  [ "$t" = import ] && seeds=(../tests/fixtures/pages ../tests/fixtures/pages-html ../tests/fixtures/catalog)
  cargo fuzz run "$t" "target/work/$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"target/$t.log" 2>&1 || { tail -40 "target/$t.log"; echo "$t: FINDING (see fuzz/target/$t.log and fuzz/artifacts/$t)"; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "target/$t.log" || true
  if [ "$merge" = "--merge" ]; then
    cargo fuzz run "$t" "corpus/$t" "target/work/$t" -- -merge=1 >"target/$t.merge.log" 2>&1
    echo "corpus/$t: $(ls "corpus/$t" | wc -l) inputs"
  fi
done
