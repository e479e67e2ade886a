// Loads the generated TextMate grammar with vscode-textmate + vscode-oniguruma
// (what VS Code itself uses) and tokenizes text into [{line, text, scopes}].
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = dirname(fileURLToPath(import.meta.url));
export const extensionDir = join(here, '..');
export const grammarPath = join(extensionDir, 'syntaxes', 'sdl.tmLanguage.json');

let grammarPromise = null;

export function loadGrammar() {
  if (!grammarPromise) {
    grammarPromise = (async () => {
      const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
      await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
          createOnigString: (s) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName) => {
          if (scopeName !== 'source.sdl') return null;
          return vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath);
        },
      });
      return registry.loadGrammar('source.sdl');
    })();
  }
  return grammarPromise;
}

// Tokens of `text`; the array also carries `openScopes`: the scopes still
// open after the last line (empty when every construct was closed).
export async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ line: i + 1, start: t.startIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  // An empty line tokenized in the final state shows which rules are open.
  out.openScopes = grammar.tokenizeLine('', state).tokens[0].scopes.slice(1);
  return out;
}

// Debug aid: node test/tokenize.mjs FILE prints every token with its scopes.
if (process.argv[2] && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(process.argv[2], 'utf8');
  for (const t of await tokenize(text)) {
    if (t.text.trim() === '') continue;
    console.log(`${t.line}:${t.start}\t${JSON.stringify(t.text)}\t${t.scopes.slice(1).join(' ')}`);
  }
}
