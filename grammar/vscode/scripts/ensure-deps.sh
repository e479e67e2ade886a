#!/usr/bin/env bash
# Installs the extension's npm packages (grammar/vscode/node_modules) with
# `npm ci` when they are missing or older than package.json/package-lock.json.
# Serialised with flock so parallel test runs never see a half-installed tree.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "grammar/vscode: '$tool' not found; run scripts/install-deps.sh" >&2
    exit 1
  fi
done
stale() {
  local stamp=node_modules/.package-lock.json  # written by npm after every install
  [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]
}
if stale; then
  exec 9>"${TMPDIR:-/tmp}/streamc-vscode-npm.lock"
  flock 9
  if stale; then
    echo "grammar/vscode: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  flock -u 9
fi
