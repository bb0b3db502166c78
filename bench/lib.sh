# Shared by the benchmark scripts: start a release Ulak and get a workspace and an API token from it.
# Expects WORK (a temporary directory) and CARGO_TARGET_DIR.

# wait_for URL: polls until it answers (10 s at most).
wait_for() { for _ in $(seq 1 1000); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.01; done; echo "timeout: $1"; exit 1; }

# bootstrap PORT: registers the first account, signs in, creates an owner token.
# Sets ULAK_WS (the first workspace) and ULAK_TOKEN.
bootstrap() {
  local port="$1" csrf=""
  local base="http://127.0.0.1:$port"
  call() { curl -fsS -X "$1" "$base$2" -b "$WORK/jar" -c "$WORK/jar" -H 'content-type: application/json' -H "X-CSRF-Token: $csrf" ${3:+-d "$3"}; }
  ULAK_WS=$(call POST /api/v1/auth/register '{"email":"bench@example.com","password":"benchmark-password","name":"Bench"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["workspace"]["id"])')
  csrf=$(call POST /api/v1/auth/login '{"email":"bench@example.com","password":"benchmark-password"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  ULAK_TOKEN=$(call POST /api/v1/tokens "{\"name\":\"bench\",\"workspace\":\"$ULAK_WS\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  export ULAK_WS ULAK_TOKEN
}
