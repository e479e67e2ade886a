#!/usr/bin/env bash
# Editor support tests (ctest: editor_grammar). Installs the npm dev
# dependencies when needed, then runs the node tests: generated grammars are
# current and cover grammar/sdl.ebnf, tokenization of snippets, examples and
# the programs in Markdown docs, and the .vsix build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/ensure-deps.sh"
cd "$here"
exec node --test --test-reporter=spec test/*.test.mjs
