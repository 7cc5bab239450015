#!/usr/bin/env bash
# Installs the throughput bench's peer, node-taobao-topclient (pinned), from the npm registry
# into target/npm (ignored by git; nothing of it is committed). Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/npm
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"topgen-bench-peer","private":true}' >"$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund --no-save node-taobao-topclient@0.1.7
echo "node-taobao-topclient installed in $dir/node_modules"
