#!/usr/bin/env bash
# What a WhatsApp Web channel costs while its server cannot be reached: a release Ulak with N such
# channels (each dialling a loopback port that takes the connection and drops it, as a network that
# does not carry the WebSocket), measured over a window: the server's CPU time (user + system, from
# /proc), the connection attempts, and the same server with no channel for comparison.
# Usage: bench/whatsapp_web_idle.sh [channels, default 1] [seconds, default 60]
#        ULAK_BIN=path/to/ulak to measure a binary already built (default: build the release one).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
CHANNELS="${1:-1}"
SECONDS_WINDOW="${2:-60}"
WORK="$(mktemp -d)"
PORT=18187
cleanup() {
  [ -n "${ULAK:-}" ] && kill "$ULAK" 2>/dev/null
  [ -n "${DROPPER:-}" ] && kill "$DROPPER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/lib.sh
if [ -z "${ULAK_BIN:-}" ]; then
  cargo build --release -q -p ulak --bin ulak
  ULAK_BIN="$CARGO_TARGET_DIR/release/ulak"
fi

# The "WhatsApp server": accepts, counts, drops.
python3 - "$WORK/attempts" > "$WORK/dropper.port" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
n = 0
while True:
    c, _ = s.accept(); c.close(); n += 1
    open(sys.argv[1], "w").write(str(n))
PY
DROPPER=$!
for _ in $(seq 1 100); do [ -s "$WORK/dropper.port" ] && break; sleep 0.05; done
DROP_PORT=$(cat "$WORK/dropper.port")

ULAK__LOG__LEVEL=warn ULAK__OUTBOUND__ALLOW_PRIVATE_NETWORKS=true \
  ULAK__WHATSAPP_WEB__SERVER_URL="ws://127.0.0.1:$DROP_PORT/ws/chat" \
  ULAK__WHATSAPP_WEB__VERSION="2.3000.1029000000" \
  "$ULAK_BIN" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/ulak.log" 2>&1 &
ULAK=$!
wait_for "http://127.0.0.1:$PORT/readyz"
bootstrap "$PORT"

cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$ULAK/stat"; }
attempts() { cat "$WORK/attempts" 2>/dev/null || echo 0; }
measure() {
  local label="$1" cpu0 att0
  cpu0=$(cpu_ms); att0=$(attempts)
  sleep "$SECONDS_WINDOW"
  echo "$label: $(( $(cpu_ms) - cpu0 )) ms of CPU and $(( $(attempts) - att0 )) connection attempts in ${SECONDS_WINDOW} s"
}

sleep 5
measure "no channel"
for i in $(seq 1 "$CHANNELS"); do
  curl -fsS -X POST "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/channels" \
    -H "authorization: Bearer $ULAK_TOKEN" -H 'content-type: application/json' \
    -d "{\"name\":\"wa $i\",\"kind\":\"whatsapp_web\",\"config\":{}}" >/dev/null
done
# Past the first, quick retries of the backoff (1, 1, 2, 3, 5, 8 … s, at most 15 minutes).
sleep 30
measure "$CHANNELS disconnected WhatsApp Web channel(s)"
curl -fsS "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/channels" -H "authorization: Bearer $ULAK_TOKEN" \
  | python3 -c 'import json,sys; c=json.load(sys.stdin)["items"][0]; print("state:", c["state"], "-", c["state_reason"])'
echo "ulak RSS: $(awk '/VmRSS/ {print $2}' /proc/$ULAK/status) kB"
