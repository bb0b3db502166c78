#!/usr/bin/env bash
# Webhook fan-out benchmark, on a release Ulak with the embedded store, loopback only; prints figures
# and asserts nothing. A campaign to N contacts (default 100,000) through a `sandbox` channel with the
# rate limits off, and one webhook subscribed to `message.sent`, so N events fan out to a receiver on
# loopback (bench/src/bin/webhook_sink.rs, which checks every signature). Prints:
#   - sending throughput with the webhook on (compare bench/messaging.sh, which has none),
#   - the events delivered per second and the delay from each event to its arrival (p50, p99, max),
#   - the server's peak RSS.
# Usage: bench/webhooks.sh [events, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
N="${1:-100000}"
WORK="$(mktemp -d)"
PORT=18186
SINK_PORT=18187
cleanup() { for p in "${ULAK:-}" "${SINK:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/lib.sh
./plugins/build.sh >/dev/null
cargo build --release -q -p ulak-bench --bin webhook_sink
if [ -z "${ULAK_BIN:-}" ]; then
  cargo build --release -q -p ulak --bin ulak
  ULAK_BIN="$CARGO_TARGET_DIR/release/ulak"
fi

python3 - "$N" "$WORK/contacts.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("Ad;Telefon\r\n")
    for i in range(n):
        f.write(f"Ayşe;05{30 + i % 20}{i // 20:07d}\r\n")
PY

ULAK__LOG__LEVEL=warn ULAK__PLUGINS__DIR=plugins ULAK__OUTBOUND__ALLOW_PRIVATE_NETWORKS=true \
  "$ULAK_BIN" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/ulak.log" 2>&1 &
ULAK=$!
wait_for "http://127.0.0.1:$PORT/readyz"
bootstrap "$PORT"
JOB=$(curl -fsS -H "Authorization: Bearer $ULAK_TOKEN" -F "file=@$WORK/contacts.csv" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fsS -N -H "Authorization: Bearer $ULAK_TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports/$JOB/events" > /dev/null
echo "== $N contacts imported"
SECRET=$(curl -fsS -H "Authorization: Bearer $ULAK_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$SINK_PORT/hook\", \"types\": [\"message.sent\"]}" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/webhooks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
"$CARGO_TARGET_DIR/release/webhook_sink" "$SINK_PORT" "$SECRET" "$N" > "$WORK/sink.out" &
SINK=$!
python3 - "$PORT" "$ULAK_WS" "$ULAK_TOKEN" "$N" "$ULAK" <<'PY'
import json, sys, time, urllib.request
port, ws, token, n, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
base = f"http://127.0.0.1:{port}/api/v1/workspaces/{ws}"
def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None
template = call("POST", "/templates", {"name": "bench", "body": "Merhaba %ad%"})["id"]
channel = call("POST", "/channels", {"name": "bench", "kind": "sandbox",
                                     "config": {"delivered_rate": 0, "read_rate": 0}})["id"]
campaign = call("POST", "/campaigns", {"name": "bench", "template": template, "channel": channel,
    "audience": {"all": True}, "rate": {"per_minute": None, "jitter_min_ms": 0, "jitter_max_ms": 0}})["id"]
started = time.monotonic()
call("POST", f"/campaigns/{campaign}/start", {})
while True:
    c = call("GET", f"/campaigns/{campaign}")
    if c["state"] in ("completed", "failed"):
        break
    time.sleep(0.1)
took = time.monotonic() - started
sent = c["counts"]["sent"]
print(f"== campaign with the webhook on (render, enqueue and dispatch): {sent:,} sent in {took:.1f} s "
      f"({sent / took:,.0f} messages/s)")
PY
wait "$SINK" || true
cat "$WORK/sink.out"
echo "== server peak RSS (VmHWM): $(awk '/VmHWM/ {print $2}' /proc/$ULAK/status) kB"
grep -E 'WARN|ERROR' "$WORK/ulak.log" | sed 's/\x1b\[[0-9;]*m//g' | head -5 || true
