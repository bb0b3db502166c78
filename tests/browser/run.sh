#!/usr/bin/env bash
# The console in a real browser: installs the test packages, makes sure Chromium is there, builds
# the console, then runs scenario.mjs against a fresh Ulak server (exit code non-zero on any failure,
# console error or uncaught exception in a page).
#
#   ULAK_BIN=path/to/ulak      the server binary (default $CARGO_TARGET_DIR/debug/ulak, as cargo build puts it)
#   ULAK_SERVES_APP=1          test the console the server serves at /app (and its landing page at /)
#                              instead of serving web/console/dist and web/landing from a local
#                              proxy in front of the API
#   SKIP_CONSOLE_BUILD=1       use web/console/dist as it is
#   CHROMIUM=/path/to/chromium (default /usr/bin/chromium)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export ULAK_BIN="${ULAK_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}/debug/ulak}"

if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "installing Chromium with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    CHROMIUM=/usr/bin/chromium
  else
    echo "Chromium not found at $CHROMIUM; install it (apt-get install chromium) or set CHROMIUM" >&2
    exit 1
  fi
fi

if [[ ! -x "$ULAK_BIN" ]]; then
  echo "no Ulak binary at $ULAK_BIN; build it (cargo build -p ulak) or set ULAK_BIN" >&2
  exit 1
fi

if [[ "${SKIP_CONSOLE_BUILD:-0}" != "1" ]]; then
  echo "building the console (web/console)"
  (cd "$repo/web/console" && npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
cd "$here"
exec node scenario.mjs
