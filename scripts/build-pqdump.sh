#!/usr/bin/env bash
# Builds ../shared/tools/pqdump (DuckDB's view of a Parquet file, cgo) into $1.
set -euo pipefail
out="${1:?usage: build-pqdump.sh OUTPUT}"
src="$(cd "$(dirname "$0")/../.." && pwd)/shared/tools/pqdump"
[ -d "$src" ] || { echo "build-pqdump: $src not found" >&2; exit 1; }
if [ -x "$out" ] && [ "$out" -nt "$src/main.go" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shared/ is read-only: build from a copy.
cp -r "$src/." "$tmp/"
(cd "$tmp" && CGO_ENABLED=1 go build -o "$out" .)
echo "built $out"
