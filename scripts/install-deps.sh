#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking
# streamc needs. Idempotent: packages already present are skipped, and apt is
# only touched when something is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ cmake make ninja-build ccache pkg-config git
  # libraries named in DESIGN.md
  libboost-dev libfmt-dev libsimdjson-dev libabsl-dev libre2-dev
  libclang-cpp14-dev libclang-14-dev llvm-14-dev clang-14
  # checkpoint file checksums (XXH3, header-only use)
  libxxhash-dev
  # unit tests
  libgtest-dev libgmock-dev googletest
  # golden tests, demo and bench: line servers, baselines, corpus generator
  python3 netcat-openbsd mawk jq
  # v2 connectors: Kafka (librdkafka, its mock cluster is the test broker; kcat
  # is a real client) and PostgreSQL (libpq; a real server the tests start)
  librdkafka-dev kafkacat libpq-dev postgresql
  # compressed input (gzip, zstd)
  zlib1g-dev libzstd-dev
  # --ui: HTTP server and Prometheus metrics; `streamc graph`; page tests
  libcpp-httplib-dev prometheus-cpp-dev graphviz chromium tmux
  # fuzzing and sanitizer builds (clang's libFuzzer/ASan/UBSan runtimes)
  libclang-rt-14-dev
  # `streamc --debug`: its test stops gdb at a pipeline's line
  gdb
)

# Editor support (grammar/vscode): node and npm run the grammar tests and build
# the .vsix. A node already on PATH (e.g. from nodesource) is used as is;
# otherwise Debian's packages are installed with the rest.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

# promtool (`promtool check metrics` tests /metrics) comes with Debian's
# prometheus package, whose server we neither want installed nor running: the
# package is downloaded and unpacked into a tools directory instead. Tests
# look for it at $STREAMC_TOOLS/prometheus/usr/bin/promtool.
STREAMC_TOOLS="${STREAMC_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/streamc-tools}"
fetch_promtool() {
  local dest="$STREAMC_TOOLS/prometheus"
  [ -x "$dest/usr/bin/promtool" ] && return 0
  echo "install-deps: unpacking promtool (Debian package prometheus) into $dest"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) || {
    ${SUDO:-} apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null)
  }
  mkdir -p "$dest"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$dest"
  rm -rf "$tmp"
  [ -x "$dest/usr/bin/promtool" ]
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  fetch_promtool
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_promtool
