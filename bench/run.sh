#!/usr/bin/env bash
# Foundation benchmarks, on loopback only, bounded in time. Prints figures; asserts nothing.
#   1. GET /healthz, GET /api/v1/auth/me (bearer token: token lookup + principal cache) and
#      GET /api/v1/workspaces/{id} (bearer + Casbin check + a store read) on Ulak, next to a bare
#      actix-web hello-world, all with wrk in the same run.
#   2. Idle RSS of Ulak with an empty store (after a restart, plugins loaded from the compilation
#      cache), next to a program that only opens the same embedded store.
#   3. Start-to-ready time (process start until /readyz answers 200).
# Usage: bench/run.sh [seconds per wrk run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
DURATION="${1:-10}"
CONNECTIONS=64
BIN="$CARGO_TARGET_DIR/release"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/lib.sh

if ! command -v wrk >/dev/null; then
  echo "installing wrk"; (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi
cargo build --release -q -p ulak --bin ulak
cargo build --release -q -p ulak-bench --bin bare_hello --bin bare_store

rss_kb() { awk '/VmRSS/ {rss=$2} /RssAnon/ {anon=$2} /RssFile/ {file=$2} END {print rss " (anonymous " anon ", file-backed " file ")"}' "/proc/$1/status"; }
run_wrk() { # key label url [header]
  local key="$1"; shift
  local out
  if [ $# -ge 3 ]; then out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2"); fi
  local rps p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '%-34s %12s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps" > "$WORK/rps-$key"
}

echo "== start-to-ready and idle memory"
"$BIN/bare_store" "$WORK/bare-store" > "$WORK/bare.log" 2>&1 &
PIDS+=($!); BARE_STORE=$!
for _ in $(seq 1 500); do grep -q ready "$WORK/bare.log" 2>/dev/null && break; sleep 0.01; done
sleep 2
echo "bare embedded store RSS:          $(rss_kb $BARE_STORE) kB"

t0=$(date +%s%N)
ULAK__LOG__LEVEL=warn "$BIN/ulak" serve --data "$WORK/ulak-data" --listen 127.0.0.1:18182 > "$WORK/ulak.log" 2>&1 &
PIDS+=($!); ULAK=$!
wait_for http://127.0.0.1:18182/readyz
t1=$(date +%s%N)
echo "ulak start-to-ready:              $(( (t1 - t0) / 1000000 )) ms (first start: creates the store and schema)"
sleep 2
echo "ulak RSS 2 s after a first start: $(rss_kb $ULAK) kB (bundled plugins compiling in the background)"
kill $BARE_STORE

kill $ULAK; wait $ULAK 2>/dev/null || true
t0=$(date +%s%N)
ULAK__LOG__LEVEL=warn "$BIN/ulak" serve --data "$WORK/ulak-data" --listen 127.0.0.1:18182 > "$WORK/ulak.log" 2>&1 &
PIDS+=($!); ULAK=$!
wait_for http://127.0.0.1:18182/readyz
t1=$(date +%s%N)
echo "ulak start-to-ready (restart):    $(( (t1 - t0) / 1000000 )) ms"
sleep 5
echo "ulak idle RSS, empty store:       $(rss_kb $ULAK) kB (5 s after a restart)"
# The threads that loaded the plugins idle for tokio's 10 s keep-alive and then exit, and mimalloc
# returns what they had freed; the steady idle figure comes after that.
sleep 25
echo "ulak idle RSS, empty store:       $(rss_kb $ULAK) kB (30 s after a restart)"

bootstrap 18182
TOKEN=$ULAK_TOKEN
WS=$ULAK_WS

"$BIN/bare_hello" 127.0.0.1:18181 > /dev/null 2>&1 &
PIDS+=($!)
wait_for http://127.0.0.1:18181/

echo
echo "== throughput (wrk, 2 threads, $CONNECTIONS connections, ${DURATION}s each)"
run_wrk bare "bare actix-web hello" http://127.0.0.1:18181/
run_wrk health "ulak GET /healthz" http://127.0.0.1:18182/healthz
run_wrk me "ulak GET /api/v1/auth/me (bearer)" http://127.0.0.1:18182/api/v1/auth/me "Authorization: Bearer $TOKEN"
run_wrk ws "ulak GET /workspaces/{id} (bearer)" "http://127.0.0.1:18182/api/v1/workspaces/$WS" "Authorization: Bearer $TOKEN"
bare=$(cat "$WORK/rps-bare")
me=$(cat "$WORK/rps-me")
health=$(cat "$WORK/rps-health")
python3 -c "import sys; b,h,m=map(float,sys.argv[1:]); print(f'healthz = {100*h/b:.0f}% of bare, auth/me = {100*m/b:.0f}% of bare')" "$bare" "$health" "$me"
echo "ulak RSS after the load:          $(rss_kb $ULAK) kB"
