#!/usr/bin/env bash
# Editor support tests (ctest: editor_grammar). Installs the npm dev
# dependencies when needed, then runs the node tests: generated grammars are
# current and cover grammar/sdl.ebnf, tokenization of snippets, examples and
# the programs in Markdown docs, the Vim syntax, the .vsix build, and
# `$STREAMC lsp` over pipes (skipped while STREAMC is unset or a stub).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/ensure-deps.sh"
cd "$here"
exec node --test --test-reporter=spec test/*.test.mjs
