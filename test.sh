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

step "lints (cargo clippy, warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

step "tests (unit tests and the black-box API suite)"
cargo test --workspace --locked

step "integrator suites (generated TypeScript and Python clients, schemathesis against a live server)"
./openapi/clients/check.sh

step "all checks passed"
