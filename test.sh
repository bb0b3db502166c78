#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every check and test.
# CI runs exactly this (through .ci/run) on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { echo; echo "==> $*"; }

step "toolchain components"
if command -v rustup >/dev/null; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check
cargo fmt --manifest-path plugins/Cargo.toml --all -- --check
cargo fmt --manifest-path tests/plugins/hostile/Cargo.toml -- --check

step "plugins (wasm32-wasip2 components, bundled and test ones)"
./plugins/build.sh --with-test-plugins
cargo clippy --locked --manifest-path plugins/Cargo.toml --target wasm32-wasip2 --release -- -D warnings
cargo test --locked --manifest-path plugins/Cargo.toml

step "test tools (aiosmtpd: a real SMTP server on loopback; standardwebhooks: the reference verifier of webhook signatures; moto: an S3-compatible server on loopback)"
python3 -m pip install -q --disable-pip-version-check "aiosmtpd==1.4.6" "standardwebhooks==1.1.0" "moto[s3]==5.2.1" "flask==3.1.3" "flask-cors==6.0.5" 2>&1 | grep -v "Running pip as the 'root' user" || true
python3 -c 'import aiosmtpd, standardwebhooks, moto.server' || { echo "aiosmtpd, standardwebhooks or moto did not install"; exit 1; }

step "web console (npm ci, type check against the spec, Vite build)"
(cd web/console && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)

step "lints (cargo clippy, warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

step "tests (unit tests, the black-box API suite, replicas on a SurrealDB server built from testkit/surreal)"
cargo test --workspace --locked

step "plugin authors: ulak plugin new → cargo test → wasm build → ulak plugin run → install → preview"
ULAK_BIN="$CARGO_TARGET_DIR/debug/ulak" tests/plugin-author/walkthrough.sh

step "integrator suites and browser tests (in parallel; each against its own server)"
# The console in Chromium (installed with apt-get when missing) against the debug server that
# `cargo test` built (a `cargo build -p ulak` here would resolve features without the other
# workspace members and rebuild most dependencies), which serves web/console/dist as built above.
[ -x "$CARGO_TARGET_DIR/debug/ulak" ] || { echo "no $CARGO_TARGET_DIR/debug/ulak after cargo test"; exit 1; }
( ULAK_BIN="$CARGO_TARGET_DIR/debug/ulak" ULAK_SERVES_APP=1 SKIP_CONSOLE_BUILD=1 \
    tests/browser/run.sh > "$CARGO_TARGET_DIR/browser-tests.log" 2>&1 ) &
browser=$!
./openapi/clients/check.sh
if wait "$browser"; then
  tail -n 12 "$CARGO_TARGET_DIR/browser-tests.log"
else
  cat "$CARGO_TARGET_DIR/browser-tests.log"; echo "browser tests failed"; exit 1
fi

step "all checks passed"
