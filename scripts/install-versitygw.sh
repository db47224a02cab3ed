#!/usr/bin/env bash
# Installs versitygw, the S3-compatible server the S3 tests run against
# (internal/store/s3test), unless it is already on PATH or in
# $(go env GOPATH)/bin. Idempotent.
set -euo pipefail

version="${VERSITYGW_VERSION:-v1.8.0}"
gobin="$(go env GOPATH | cut -d: -f1)/bin"

if command -v versitygw >/dev/null 2>&1; then
	echo "versitygw: found $(command -v versitygw)"
	exit 0
fi
if [ -x "$gobin/versitygw" ]; then
	echo "versitygw: found $gobin/versitygw"
	exit 0
fi

echo "versitygw: installing github.com/versity/versitygw/cmd/versitygw@$version into $gobin"
# pkg@version installs leave the project's go.mod alone; the caller's GOFLAGS
# (say -mod=vendor) must not apply to them.
GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$version"
echo "versitygw: installed $gobin/versitygw"
