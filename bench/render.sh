#!/usr/bin/env bash
# Renderer benchmark: the same template (three variables and a fallback) over the same 100,000
# generated contacts, rendered by Ulak's renderer, Python Jinja2 and Node handlebars.js in one run.
# Prints figures; asserts nothing. Usage: bench/render.sh [contacts, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
N="${1:-100000}"

python3 -c 'import jinja2' 2>/dev/null || pip install -q jinja2
(cd bench/render && [ -d node_modules/handlebars ] || npm install --silent --no-audit --no-fund)
cargo build --release -q -p ulak-bench --bin render

"$CARGO_TARGET_DIR/release/render" "$N"
python3 bench/render/render.py "$N"
node bench/render/render.js "$N"
