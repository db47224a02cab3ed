#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test, unless a
# Chrome or Chromium is already on PATH (the names the test looks for).
# apt-get needs root; elsewhere it says what to do instead.
set -euo pipefail
for name in chromium chromium-browser google-chrome; do
	if command -v "$name" >/dev/null 2>&1; then
		echo "chromium: found $(command -v "$name")"
		exit 0
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "chromium: not found; install it (sudo apt-get install chromium), or run 'make e2e-test NO_BROWSER=1' to skip the browser test" >&2
	exit 1
fi
echo "chromium: installing Debian's chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: installed $(command -v chromium)"
