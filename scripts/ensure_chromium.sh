#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a downloaded browser). Install it when we
# can (root with apt), otherwise stop with the exact command: the browser layer is never skipped.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

INSTALL_CMD="apt-get update && apt-get install -y chromium"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[chromium] $CHROMIUM not found; installing Debian's chromium: $INSTALL_CMD"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  if [ -x "$CHROMIUM" ]; then
    echo "[chromium] installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
  fi
  echo "[chromium] ERROR: apt-get finished but $CHROMIUM is still missing." >&2
  exit 1
fi

cat >&2 <<MSG
[chromium] ERROR: the browser tests need Debian's chromium at $CHROMIUM.
Install it with:

    sudo sh -c '$INSTALL_CMD'

(or set CHROMIUM_PATH to an existing chromium binary) and run the tests again.
MSG
exit 1
