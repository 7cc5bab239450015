#!/usr/bin/env bash
# Instructions per operation (valgrind's Ir count), the stable measure on a shared machine:
# (instructions of 2N operations - instructions of N) / N, set-up excluded. Needs valgrind.
# Note: valgrind's CPU has no SHA extensions, so hmac-sha256 runs sha2's portable code here
# (about 20,000 instructions more than on a CPU with them).
#   bench/instructions.sh [OP…]     (default: every operation)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo build -q --release -p topgen-bench --bin ops
bin=${CARGO_TARGET_DIR:-target}/release/ops
ops=("$@")
[ ${#ops[@]} -gt 0 ] || ops=(sign-md5 sign-hmac sign-hmac-sha256 encode decode-plain decode-json
  decode-simplified-json decode-xml list-plain list-json list-simplified-json list-xml call-json
  call-simplified-json call-xml)
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    awk '/Collected/ {print $NF}'
}
printf '%-24s %14s\n' operation instructions
for op in "${ops[@]}"; do
  n=2000
  case $op in list-*) n=2 ;; esac
  a=$(ir "$op" "$n")
  b=$(ir "$op" $((2 * n)))
  printf '%-24s %14d\n' "$op" $(((b - a) / n))
done
