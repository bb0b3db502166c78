#!/usr/bin/env bash
# Plugin host benchmark: component load time cold and from the compilation cache, and the cost of a
# variable resolver per contact in batches (bundled `greeting`). Release build; prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
./plugins/build.sh
cargo build --release -q -p ulak-bench --bin plugins
ULAK__LOG__LEVEL=warn "$CARGO_TARGET_DIR/release/plugins"
