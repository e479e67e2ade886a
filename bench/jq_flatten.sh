#!/usr/bin/env bash
# The bus flattening done by jq, for the benchmark's side-by-side (issue 3):
# every ServiceResult.msgBody.itemList element of every input document becomes
# one compact JSON object per line on stdout, as examples/bus.sdl does with
#   explode(ServiceResult.msgBody.itemList as b) |> select(b.*)
# (and Spark with explode(...).alias("buses").select("buses.*")).
#
#   bench/jq_flatten.sh FILE_OR_DIR... > flat.jsonl
#
# Files may hold one (pretty-printed) document, or JSON Lines. A directory
# stands for its *.json / *.jsonl files in name order. jq passes fields through
# as they are: an absent field stays absent (Spark's JSON writer also omits
# nulls; streamc writes them as null), numbers keep jq's formatting.
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 FILE_OR_DIR... > flat.jsonl" >&2
  exit 2
fi
program='.ServiceResult.msgBody.itemList[]'
for arg in "$@"; do
  if [ -d "$arg" ]; then
    # Many files per jq process (xargs batches them), in name order.
    find "$arg" -maxdepth 1 -type f \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \) -print0 |
      sort -z | xargs -0 -r jq -c "$program"
  else
    jq -c "$program" "$arg"
  fi
done
