#!/usr/bin/env bash
# The run command: builds Ulak (release profile) and serves it on http://localhost:8080 with the
# embedded store under ./data. Extra arguments go to `ulak serve`, e.g. ./run.sh --listen 0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"

command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }

echo "==> building ulak and the bundled plugins (release; the first build takes a while, later ones are quick)"
started=$(date +%s)
./plugins/build.sh
if command -v npm >/dev/null; then
  # The web console, embedded in the binary at /app (without npm the server still builds and /app
  # says how to build the console).
  (cd web/console && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)
else
  echo "npm not found: building without the web console (/app will say how to add it)"
fi
cargo build --release -p ulak
echo "==> built in $(( $(date +%s) - started )) s"

exec "$CARGO_TARGET_DIR/release/ulak" serve --data ./data --listen "${ULAK_LISTEN:-127.0.0.1:8080}" "$@"
