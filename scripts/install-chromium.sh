#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test, unless present.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
	echo "chromium: found $(command -v chromium)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "chromium: not installed; run as root or: sudo apt-get install chromium" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: installed $(command -v chromium)"
