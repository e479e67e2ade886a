#!/usr/bin/env bash
# `make demo`: compile examples/wordcount.sdl with the freshly built streamc,
# serve a bundled text on a local socket (as `nc -lk 9999` would), and run the
# word count binary over it once, printing its pprint output.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
streamc="$root/$build/compiler/streamc"
out="$root/$build/demo"
mkdir -p "$out"

echo "\$ streamc examples/wordcount.sdl -o $build/demo/wordcount"
start=$(date +%s.%N)
"$streamc" "$root/examples/wordcount.sdl" -o "$out/wordcount"
end=$(date +%s.%N)
python3 -c "print('  (compiled in %.2f s)\\n' % ($end - $start))"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "\$ nc -N -l 127.0.0.1 $port < examples/data/sonnet18.txt &"
nc -N -l 127.0.0.1 "$port" < "$root/examples/data/sonnet18.txt" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
echo "\$ $build/demo/wordcount --port $port --once"
"$out/wordcount" --port "$port" --once
