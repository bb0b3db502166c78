#!/usr/bin/env bash
# Contacts benchmark: stores N contacts through the API (16 connections), then measures pages of 50
# (random cursors) with wrk: throughput and latency percentiles. Loopback only; prints figures.
# Usage: bench/contacts.sh [contacts, default 100000] [seconds for the page run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
N="${1:-100000}"
DURATION="${2:-15}"
WORK="$(mktemp -d)"
PORT=18183
cleanup() { [ -n "${ULAK:-}" ] && kill "$ULAK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/lib.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p ulak --bin ulak

ULAK__LOG__LEVEL=warn "$CARGO_TARGET_DIR/release/ulak" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/ulak.log" 2>&1 &
ULAK=$!
wait_for "http://127.0.0.1:$PORT/readyz"
bootstrap "$PORT"
export CONTACTS=$N

echo "== storing $N contacts through POST /contacts (16 connections)"
python3 bench/contacts_insert.py "$PORT" "$ULAK_WS" "$ULAK_TOKEN" "$N"
for connections in 8 32; do
  echo "== pages of 50 with random cursors (wrk, 2 threads, $connections connections, ${DURATION}s)"
  wrk -t2 -c"$connections" -d"${DURATION}s" --latency -s bench/contacts_page.lua "http://127.0.0.1:$PORT" | grep -E "Requests/sec|Non-2xx|  50%|  90%|  99%"
done
echo "== one page, single client (p99 without queueing)"
wrk -t1 -c1 -d5s --latency -s bench/contacts_page.lua "http://127.0.0.1:$PORT" | grep -E "Requests/sec|  50%|  99%"
echo "ulak RSS: $(awk '/VmRSS/ {print $2}' /proc/$ULAK/status) kB"
