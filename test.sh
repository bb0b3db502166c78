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

step "lints (cargo clippy, warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

step "tests (unit tests and the black-box API suite)"
cargo test --workspace --locked

step "all checks passed"
