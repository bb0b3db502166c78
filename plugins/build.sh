#!/usr/bin/env bash
# Builds the bundled plugins (and the hostile test plugin) for wasm32-wasip2 and places each
# component next to its plugin.toml as <name>.wasm, where the server's plugins directory scan finds it.
# Called by run.sh and test.sh; safe to run again (cargo skips what is up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
rustup target add wasm32-wasip2 >/dev/null 2>&1 || rustup target add wasm32-wasip2
out="$CARGO_TARGET_DIR/wasm32-wasip2/release"

cargo build --locked --quiet --manifest-path plugins/Cargo.toml --target wasm32-wasip2 --release
for manifest in plugins/*/plugin.toml; do
  dir=$(dirname "$manifest")
  name=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -1)
  cp "$out/${name//-/_}.wasm" "$dir/$name.wasm"
done

if [ "${1:-}" = "--with-test-plugins" ]; then
  cargo build --locked --quiet --manifest-path tests/plugins/hostile/Cargo.toml --target wasm32-wasip2 --release
  cp "$out/hostile.wasm" tests/plugins/hostile/hostile.wasm
fi
