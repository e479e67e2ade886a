#!/usr/bin/env bash
# Builds the VS Code extension package: build-vsix.sh OUT.vsix
# Non-interactive: stdin is closed, the package has a README, a LICENSE and
# no repository link to resolve.
set -euo pipefail
out=${1:?usage: build-vsix.sh OUT.vsix}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/ensure-deps.sh"
cd "$here"
node scripts/gen-grammar.mjs --check
npx --no-install vsce package --allow-missing-repository --out "$out" </dev/null
