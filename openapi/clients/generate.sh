#!/usr/bin/env bash
# Regenerates the committed clients from openapi/openapi.json (itself regenerated first from the
# server): the TypeScript types (openapi-typescript) and the Python package (openapi-python-client).
# Needs npm and pip; installs the pinned generators. Run after changing a route.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ulak-target}"
cargo run -q -p ulak -- openapi > openapi/openapi.json
(cd openapi/clients/typescript && npm ci --no-audit --no-fund --silent && npm run --silent generate)
python3 -m pip install -q --disable-pip-version-check "openapi-python-client==0.29.1"
rm -rf openapi/clients/python
(cd openapi/clients && openapi-python-client generate --path ../openapi.json --config python-config.yaml \
  --output-path python --meta setup >/dev/null)
echo "clients regenerated from openapi/openapi.json"
