#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (test/e2e/console.test.ts drives it with
# playwright-core) when it is missing. Nothing is downloaded by npm: playwright-core ships no browser.
# Without chromium the browser test is skipped and says why; CHROMIUM_PATH points it elsewhere.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium missing and apt-get unavailable: the browser test will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium missing and not root (no sudo): the browser test will be skipped" >&2
    exit 0
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
"$CHROMIUM" --version
