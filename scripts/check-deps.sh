#!/usr/bin/env bash
# Checks the dependencies for known vulnerabilities with govulncheck, offline:
# the vulnerability database is the golang.org/x/vulndb module (from the Go
# module proxy, or the module cache), its data/osv folder indexed into the
# layout govulncheck's -db file://... expects (index/db.json,
# index/modules.json, ID/*.json) by vulndb's own cmd/indexdb.
#
# Both modules are checked: the product's and tools/pqcheck's. Findings the
# code reaches are reported in two groups (scripts/vulngate):
# the Go standard library's, a warning naming the Go release that fixes them,
# and the modules of go.mod, which fail the check.
set -euo pipefail
cd "$(dirname "$0")/.."

vulndb="${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}"
govulncheck="${GOVULNCHECK_VERSION:-v1.9.0}"
db="$(pwd)/.tools/vulndb-$vulndb"

if [ ! -s "$db/index/db.json" ]; then
	src="$(GOFLAGS= go mod download -json "golang.org/x/vulndb@$vulndb" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[ -d "$src/data/osv" ] || { echo "check-deps: golang.org/x/vulndb@$vulndb has no data/osv" >&2; exit 2; }
	echo "check-deps: indexing $(ls "$src/data/osv" | wc -l) OSV entries of golang.org/x/vulndb@$vulndb into $db"
	rm -rf "$db.tmp"
	GOFLAGS= go run "golang.org/x/vulndb/cmd/indexdb@$vulndb" -vulns "$src/data/osv" -out "$db.tmp"
	rm -rf "$db"
	mv "$db.tmp" "$db"
fi

# Each module: the product's, then the DuckDB reader the tests use
# (tools/pqcheck, a module of its own so that cgo stays out of the build).
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
for mod in . tools/pqcheck; do
	echo "check-deps: module $mod"
	(cd "$mod" && GOFLAGS= go run "golang.org/x/vuln/cmd/govulncheck@$govulncheck" -db "file://$db" -format json ./...) >"$out"
	go run ./scripts/vulngate <"$out" || status=$?
done
exit "$status"
