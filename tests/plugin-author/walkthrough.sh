#!/usr/bin/env bash
# Plays a plugin author outside Ulak's source, with the commands of plugin-sdk/README.md:
# `ulak plugin sdk` (the SDK the binary carries) → `ulak plugin new` for each kind → `cargo test`
# (natively, against the SDK's test host) → `cargo build --target wasm32-wasip2` → `ulak plugin run`
# → `ulak plugin install` to a running server → a template preview with the resolver and an import
# with the importer.
# Called by test.sh after the server is built; ULAK_BIN names the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
ulak="${ULAK_BIN:-$CARGO_TARGET_DIR/debug/ulak}"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "plugin author walkthrough: $*"; [ -f "$work/server.log" ] && tail -n 30 "$work/server.log"; exit 1; }
expect() { # expect <what> <needle> <haystack>
  case "$3" in *"$2"*) echo "  ✓ $1" ;; *) fail "$1: expected '$2' in: $3" ;; esac
}

# The new crates build into a target directory of their own (beside the project's), seeded with the
# project's lock file so they use the dependency versions CI already has.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/plugin-author"
cd "$work"
"$ulak" plugin sdk "$work/ulak-plugin-sdk" > sdk.out
expect "plugin sdk" "wrote the plugin SDK" "$(cat sdk.out)"
for kind in resolver importer transport; do
  name="my-$kind"
  "$ulak" plugin new "$name" --kind "$kind" --sdk "$work/ulak-plugin-sdk" > "new-$kind.out"
  expect "plugin new $kind" "cargo build --target wasm32-wasip2 --release" "$(cat "new-$kind.out")"
  cp "$root/Cargo.lock" "$name/Cargo.lock"
  (cd "$name" && cargo test --quiet > ../test-$kind.out 2>&1) || { cat "test-$kind.out"; fail "cargo test of the new $kind failed"; }
  expect "cargo test ($kind, native, test host)" "test result: ok." "$(cat "test-$kind.out")"
  (cd "$name" && cargo build --quiet --target wasm32-wasip2 --release) || fail "the new $kind does not build for wasm32-wasip2"
done
wasm="$CARGO_TARGET_DIR/wasm32-wasip2/release"

out=$("$ulak" plugin run "$wasm/my_resolver.wasm" --manifest my-resolver/plugin.toml \
  --plugin-config '{"suffix": "!"}' resolve --contact '{"first_name": "Ayşe"}') || fail "plugin run: resolve failed"
expect "plugin run: resolve" '"value": "AYŞE!"' "$out"
# The importer's crate comes with a sample file that has one bad row: the exit status is 1.
status=0
out=$(cd my-importer && "$ulak" plugin run "$wasm/my_importer.wasm" import contacts.txt) || status=$?
[ "$status" = 1 ] || fail "plugin run: import exited with $status, not 1 (one row has an error): $out"
expect "plugin run: import" '"first_name": "Ayşe"' "$out"
expect "plugin run: import errors" '"message": "row 2 has no phone number"' "$out"
out=$("$ulak" plugin run "$wasm/my_transport.wasm" --manifest my-transport/plugin.toml \
  --plugin-config '{"url": "https://example.com/in"}' capabilities) || fail "plugin run: capabilities failed"
expect "plugin run: capabilities" '"max_text_length": 4096' "$out"

# A server of its own, a superadmin, and the resolver installed from its crate folder (the build
# is found under $CARGO_TARGET_DIR).
echo 'a long enough password' | "$ulak" --data "$work/data" user create --email author@example.com --password-stdin --superadmin > "$work/user.log" 2>&1
ULAK__LOG__FORMAT=json "$ulak" serve --data "$work/data" --listen 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || fail "the server exited"
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not start"
base="http://127.0.0.1:$port"
for name in my-resolver my-importer; do
  out=$(ULAK_PASSWORD='a long enough password' "$ulak" plugin install "$name" --url "$base" --email author@example.com) \
    || fail "plugin install $name failed"
  expect "plugin install $name" "installed $name 0.1.0" "$out"
done

jar="$work/cookies"
csrf=$(curl -sf -c "$jar" -H 'content-type: application/json' \
  -d '{"email": "author@example.com", "password": "a long enough password"}' "$base/api/v1/auth/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
ws=$(curl -sf -b "$jar" "$base/api/v1/workspaces" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'content-type: application/json' -X PATCH \
  -d '{"enabled": true, "config": {"suffix": "!"}}' "$base/api/v1/workspaces/$ws/plugins/my-resolver" > /dev/null \
  || fail "enabling the plugin failed"
out=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'content-type: application/json' \
  -d '{"body": "Merhaba %my_resolver%", "contact": {"phone": "+905321234567", "first_name": "Ayşe"}}' \
  "$base/api/v1/workspaces/$ws/templates/render") || fail "the preview request failed"
expect "preview with the installed plugin" '"text":"Merhaba AYŞE!"' "$out"

curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'content-type: application/json' -X PATCH \
  -d '{"enabled": true}' "$base/api/v1/workspaces/$ws/plugins/my-importer" > /dev/null \
  || fail "enabling the importer failed"
job=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -F importer=my-importer -F "file=@my-importer/contacts.txt" \
  "$base/api/v1/workspaces/$ws/contacts/imports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') \
  || fail "the import did not start"
for _ in $(seq 1 100); do
  out=$(curl -s -b "$jar" "$base/api/v1/workspaces/$ws/contacts/imports/$job")
  case "$out" in *'"status":"done"'*|*'"status":"failed"'*) break ;; esac
  sleep 0.1
done
expect "import with the installed importer" '"created":2' "$out"
expect "import: the row without a phone reported" '"failed":1' "$out"
echo "plugin author walkthrough: passed"
