#!/usr/bin/env bash
# Messaging benchmark, on a release Ulak with the embedded store, loopback only; prints figures and
# asserts nothing.
#   1. Render + enqueue: a campaign to N contacts (default 100,000; `%sayın% %ad%` and a `{{pick}}`)
#      started on a paused `sandbox` channel: the time from the start until every recipient is in the
#      outbox.
#   2. Dispatch: the channel is resumed with the rate limits off; the time until every message is
#      recorded as sent (statuses persisted in the store), in messages per second.
#   3. Peak RSS of the server (VmHWM) after the contacts were imported, after the enqueue and after
#      the dispatch.
# Usage: bench/messaging.sh [recipients, default 100000]
# BENCH_LOG=<file>: the server's log is kept there; BENCH_LOG_LEVEL: its filter (default warn).
# BENCH_PROFILE=<dir>: perf profiles of the server during each phase, in <dir>/{enqueue,dispatch}.data.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
N="${1:-100000}"
WORK="$(mktemp -d)"
PORT=18185
cleanup() { [ -n "${ULAK:-}" ] && kill "$ULAK" 2>/dev/null; [ -n "${BENCH_LOG:-}" ] && cp "$WORK/ulak.log" "$BENCH_LOG"; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/lib.sh
./plugins/build.sh >/dev/null
# ULAK_BIN: a release binary built earlier (skips the build).
if [ -z "${ULAK_BIN:-}" ]; then
  cargo build --release -q -p ulak --bin ulak
  ULAK_BIN="$CARGO_TARGET_DIR/release/ulak"
fi

python3 - "$N" "$WORK/contacts.csv" <<'PY'
import sys, random
n, path = int(sys.argv[1]), sys.argv[2]
first = ["Ayşe", "Çağlar", "İlkay", "Gülşen", "Mehmet", "Şule", "Öykü", "Ümit", "Işıl", "Ahmet"]
last = ["Yılmaz", "Öztürk", "Şahin", "Ünal", "Kaya", "Aydın", "Çelik", "Doğan", "Arslan", "Koç"]
random.seed(7)
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("Ad;Soyad;Telefon;Etiketler\r\n")
    for i in range(n):
        f.write(f"{random.choice(first)};{random.choice(last)};05{30 + i % 20}{i // 20:07d};kampanya\r\n")
PY

ULAK__LOG__LEVEL="${BENCH_LOG_LEVEL:-warn}" ULAK__PLUGINS__DIR=plugins "$ULAK_BIN" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/ulak.log" 2>&1 &
ULAK=$!
wait_for "http://127.0.0.1:$PORT/readyz"
bootstrap "$PORT"
JOB=$(curl -fsS -H "Authorization: Bearer $ULAK_TOKEN" -F "file=@$WORK/contacts.csv" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fsS -N -H "Authorization: Bearer $ULAK_TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports/$JOB/events" > /dev/null
echo "== $N contacts imported; server peak RSS so far (VmHWM): $(awk '/VmHWM/ {print $2}' /proc/$ULAK/status) kB"
python3 bench/messaging.py "$PORT" "$ULAK_WS" "$ULAK_TOKEN" "$N" "$ULAK"
grep -E 'WARN|ERROR' "$WORK/ulak.log" | sed 's/\x1b\[[0-9;]*m//g' | head -5 || true
