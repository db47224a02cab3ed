#!/usr/bin/env bash
# Builds tools/pqcheck, the tests' DuckDB reader of Parquet files, into $1
# (make pqcheck: .tools/pqcheck); the tests run it when $GP2GP_PQCHECK names
# it. It is a Go module of its own because DuckDB needs cgo: a C compiler
# (gcc) and, on the first build, DuckDB's prebuilt static library, which
# comes from the Go module proxy as a module (duckdb-go-bindings' lib for
# the platform, 130 MB in the module cache); the first link takes about a
# minute. Nothing is rebuilt when $1 is newer than every file of
# tools/pqcheck.
set -euo pipefail
out="${1:?usage: build-pqcheck.sh OUTPUT}"
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
src="$(cd "$(dirname "$0")/../tools/pqcheck" && pwd)"
if [ -x "$out" ] && [ -z "$(find "$src" -type f -newer "$out" -print -quit)" ]; then
	exit 0
fi
command -v "${CC:-gcc}" >/dev/null || { echo "build-pqcheck: no C compiler (${CC:-gcc}); DuckDB needs cgo" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
(cd "$src" && CGO_ENABLED=1 go build -trimpath -o "$out" .)
echo "built $out"
