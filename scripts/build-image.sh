#!/usr/bin/env bash
# Builds the gp2gp container image as an OCI image tarball without a
# container daemon or a registry: out/gp2gp-image.tar, to load with
# `docker load -i` or `podman load -i`.
#
# 1. scripts/ociimage writes the base image (CA certificates, a passwd entry
#    for the non-root user 65532, nothing else: no shell) as an OCI layout in
#    ko's cache, where ko finds it by digest, offline.
# 2. ko builds the static binary (CGO_ENABLED=0, -trimpath, -s -w, the
#    version) onto it as /ko-app/gp2gp, the entrypoint.
# 3. ociimage sets the default command, `run` (the monthly job, configured
#    from the environment; ko clears CMD), and checks the result: user 65532,
#    entrypoint, CMD, CA certificates, and that the binary runs.
#
# The Dockerfile builds the same image with a daemon: docker build -t gp2gp .
set -euo pipefail
cd "$(dirname "$0")/.."

ko_version="${KO_VERSION:-v0.19.1}"
out="${IMAGE_TARBALL:-out/gp2gp-image.tar}"
tag="${IMAGE_TAG:-gp2gp:latest}"
certs="${CA_CERTIFICATES:-/etc/ssl/certs/ca-certificates.crt}"
export VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
gobin="$(go env GOPATH | cut -d: -f1)/bin"

[ -s "$certs" ] || { echo "build-image: no CA certificates at $certs (apt-get install ca-certificates)" >&2; exit 1; }
if ! command -v ko >/dev/null 2>&1 && [ ! -x "$gobin/ko" ]; then
	echo "build-image: installing github.com/google/ko@$ko_version"
	GOFLAGS= go install "github.com/google/ko@$ko_version"
fi
ko="$(command -v ko || echo "$gobin/ko")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ociimage="$work/ociimage"
(cd scripts/ociimage && GOWORK=off GOFLAGS= go build -o "$ociimage" .)

export KOCACHE="$work/kocache"
digest="$("$ociimage" base -layout "$KOCACHE/img" -certs "$certs")"
# A name that resolves nowhere: the base must come from the cache, by digest.
export KO_DEFAULTBASEIMAGE="gp2gp-base.invalid/base@$digest"
echo "build-image: base $KO_DEFAULTBASEIMAGE (local OCI layout)"

mkdir -p "$(dirname "$out")"
# No push, no daemon: the image goes only to the tarball. ko's log is shown
# only if it fails (it lists the work tree's uncommitted files).
if ! KO_DOCKER_REPO=gp2gp.invalid/gp2gp GOFLAGS= "$ko" build --push=false --bare \
	--platform=linux/amd64 --image-user=65532 --sbom=none \
	--tarball="$out" ./cmd/gp2gp >"$work/ko.out" 2>"$work/ko.log"; then
	cat "$work/ko.log" >&2
	exit 1
fi
"$ociimage" finish -tarball "$out" -tag "$tag"

echo "build-image: checking $out"
"$ociimage" check -tarball "$out" -extract "$work/gp2gp"
"$work/gp2gp" version
# sed, not head: head exits after three lines, and the binary, still
# writing, would die of SIGPIPE, failing the pipeline now and then.
"$work/gp2gp" run --help 2>&1 | sed -n 1,3p
echo "build-image: wrote $out ($(du -h "$out" | cut -f1), $tag, version $VERSION); load it with: docker load -i $out"
