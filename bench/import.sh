#!/usr/bin/env bash
# Contact import benchmark: a generated CSV of N rows (default 1,000,000; Turkish names, a custom
# field, a few bad rows) uploaded to a release Ulak with the embedded store and imported end to end
# through the csv-importer plugin. Prints the time from upload to `done`, rows per second, the
# counts, and the server's peak RSS. Loopback only.
# Usage: [ULAK_BIN=path] bench/import.sh [rows] [dry|again|search]   ("dry": a dry run, to see the cost without the
#        store writes; "again": then imports the same file a second time, which updates every contact; "search":
#        again, then times search, filters and the CSV export over the workspace: bench/contacts_search.py)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
N="${1:-1000000}"
WORK="$(mktemp -d)"
PORT=18184
cleanup() { [ -n "${ULAK:-}" ] && kill "$ULAK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/lib.sh
./plugins/build.sh
# ULAK_BIN: a release binary built earlier (skips the build; for A/B comparisons).
if [ -z "${ULAK_BIN:-}" ]; then
  cargo build --release -q -p ulak --bin ulak
  ULAK_BIN="$CARGO_TARGET_DIR/release/ulak"
fi

python3 - "$N" "$WORK/contacts.csv" <<'PY'
import sys, random
n, path = int(sys.argv[1]), sys.argv[2]
first = ["Ayşe", "Çağlar", "İlkay", "Gülşen", "Mehmet", "Şule", "Öykü", "Ümit", "Işıl", "Ahmet"]
last = ["Yılmaz", "Öztürk", "Şahin", "Ünal", "Kaya", "Aydın", "Çelik", "Doğan", "Arslan", "Koç"]
cities = ["İstanbul", "İzmir", "Ankara", "Bursa", "Antalya"]
random.seed(7)
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("Ad;Soyad;Telefon;Şehir;Etiketler\r\n")
    for i in range(n):
        phone = "12" if i % 100_000 == 99_999 else f"05{30 + i % 20}{i // 20 % 10_000_000:07d}"
        surname = f"Soyad{i % 5000}" if i % 10 == 0 else random.choice(last)
        tags = "\"müşteri; vip\"" if i % 100 == 0 else "müşteri"
        f.write(f"{random.choice(first)};{surname};{phone};{random.choice(cities)};{tags}\r\n")
PY
echo "== file: $N rows, $(du -h "$WORK/contacts.csv" | cut -f1)"

ULAK__LOG__LEVEL=${ULAK_LOG:-info} ULAK__PLUGINS__DIR=plugins "$ULAK_BIN" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/ulak.log" 2>&1 &
ULAK=$!
wait_for "http://127.0.0.1:$PORT/readyz"
bootstrap "$PORT"
echo "== idle RSS before: $(awk '/VmRSS/ {print $2}' /proc/$ULAK/status) kB"
# Samples anonymous and file-backed RSS every 0.2 s, to tell the heap from mapped files at the peak.
( while kill -0 "$ULAK" 2>/dev/null; do awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {print a, f}' /proc/$ULAK/status; sleep 0.2; done ) > "$WORK/rss" 2>/dev/null &
# CPU seconds the server has used (user + system), and per thread name, to see where the time goes.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/$ULAK/stat; }
thread_cpu() {
  for t in /proc/$ULAK/task/*; do
    echo "$(cat "$t/comm" | sed 's/[-_ ]*[0-9]*$//') $(awk '{print $14 + $15}' "$t/stat")"
  done | awk -v hz="$(getconf CLK_TCK)" '{s[$1] += $2} END {for (k in s) printf "%s=%.1f ", k, s[k] / hz; print ""}'
}
import_once() { # label
cpu_before=$(cpu_seconds)
started=$(date +%s.%N)
JOB=$(curl -fsS -H "Authorization: Bearer $ULAK_TOKEN" -F "file=@$WORK/contacts.csv" ${DRY:+-F dry_run=true} \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
uploaded=$(date +%s.%N)
# The event stream ends when the job is done or failed.
curl -fsS -N -H "Authorization: Bearer $ULAK_TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts/imports/$JOB/events" | tail -n 2 > "$WORK/last"
finished=$(date +%s.%N)
cpu_after=$(cpu_seconds)
echo "== $1"
echo "server CPU during the import: $(awk "BEGIN {print $cpu_after - $cpu_before}") s; by thread since start: $(thread_cpu)"
python3 - "$WORK/last" "$started" "$uploaded" "$finished" "$N" <<'PY'
import json, sys
last = [l for l in open(sys.argv[1]) if l.startswith("data: ")][-1]
job = json.loads(last[6:])
started, uploaded, finished, n = map(float, sys.argv[2:6])
print(f"status {job['status']}, counts {job['counts']}, failure {job.get('failure')}")
print(f"upload: {uploaded - started:.1f} s; upload to done: {finished - uploaded:.1f} s; "
      f"end to end: {finished - started:.1f} s ({n / (finished - started):,.0f} rows/s)")
PY
}
DRY=$([ "${2:-}" = dry ] && echo 1 || true)
import_once "import into an empty workspace${DRY:+ (dry run)}"
if [ "${2:-}" = again ] || [ "${2:-}" = search ]; then
  import_once "the same file again: every contact exists and is updated (goal: <= 30 s)"
fi
if [ "${2:-}" = search ]; then
  echo "== search and filters over the workspace"
  python3 bench/contacts_search.py "$PORT" "$ULAK_WS" "$ULAK_TOKEN"
fi
# The server logs where the time went (plugin, normalising, reading existing contacts, merging, writing).
grep -h "contact import finished" "$WORK/ulak.log" | sed 's/\x1b\[[0-9;]*m//g' || true
echo "ulak peak RSS (VmHWM): $(awk '/VmHWM/ {print $2}' /proc/$ULAK/status) kB; highest sampled anonymous $(sort -n "$WORK/rss" | tail -1 | cut -d' ' -f1) kB, file-backed $(sort -n -k2 "$WORK/rss" | tail -1 | cut -d' ' -f2) kB"
curl -fsS -H "Authorization: Bearer $ULAK_TOKEN" "http://127.0.0.1:$PORT/api/v1/workspaces/$ULAK_WS/contacts?limit=1" | head -c 300; echo
