// Tests of the SDL TextMate grammar, tokenized with vscode-textmate and
// vscode-oniguruma exactly as VS Code does it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';

import { allWords, generate, grammarDir, loadKeywords } from '../scripts/gen-grammar.mjs';
import { tokenize } from './tokenize.mjs';

const repoRoot = join(grammarDir, '..');
const fixtures = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures');
const kw = loadKeywords();

// The keyword list of LANGUAGE.md ("Lexical"), the surface contract.
const LANGUAGE_MD_KEYWORDS = `param config schema import source table stream sink infer mode trigger every
  once available_now checkpoint as on if then else and or not true false null`.split(/\s+/);

// ---------------------------------------------------------------- helpers

// The tokens of `src` that overlap the `nth` occurrence of `needle`; a needle
// [context, part] means `part` inside the nth occurrence of `context`.
function tokensOf(tokens, src, needle, nth = 0) {
  let skip = 0;
  if (Array.isArray(needle)) {
    const [context, part] = needle;
    skip = context.indexOf(part);
    assert.ok(skip >= 0, `${part} not in ${context}`);
    needle = context;
    const hit = tokensOfRange(tokens, src, needle, nth, skip, part.length);
    return hit;
  }
  return tokensOfRange(tokens, src, needle, nth, 0, needle.length);
}

function tokensOfRange(tokens, src, needle, nth, skip, length) {
  const lines = src.split('\n');
  let seen = 0;
  for (let li = 0; li < lines.length; li++) {
    let from = 0;
    for (;;) {
      const at = lines[li].indexOf(needle, from);
      if (at < 0) break;
      if (seen++ === nth) {
        const begin = at + skip;
        const end = begin + length;
        const hit = tokens.filter((t) => t.line === li + 1 && t.start < end && t.start + t.text.length > begin);
        assert.ok(hit.length, `no token at ${JSON.stringify(needle)}`);
        return hit;
      }
      from = at + 1;
    }
  }
  assert.fail(`${JSON.stringify(needle)} (#${nth}) not in snippet`);
}

const hasScope = (t, scope) => t.scopes.some((s) => s === scope || s.startsWith(scope + '.'));
const describeTokens = (ts) => ts.map((t) => `${JSON.stringify(t.text)} [${t.scopes.slice(1).join(' ')}]`).join(', ');

// Asserts that every character of `needle` (its nth occurrence) carries `scope`
// (or a sub-scope of it), or with {not: true} that none does.
async function expectScope(src, needle, scope, { nth = 0, not = false } = {}) {
  const tokens = await tokenize(src);
  const hit = tokensOf(tokens, src, needle, nth);
  for (const t of hit) {
    if (not) assert.ok(!hasScope(t, scope), `${JSON.stringify(needle)} must not be ${scope}: ${describeTokens(hit)}`);
    else assert.ok(hasScope(t, scope), `${JSON.stringify(needle)} should be ${scope}: ${describeTokens(hit)}`);
  }
}

function sdlFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sdlFiles(p);
    return e.name.endsWith('.sdl') ? [p] : [];
  });
}

// ```sdl blocks of the Markdown documents in the repository.
function markdownPrograms() {
  const docs = [join(repoRoot, 'README.md')];
  for (const dir of ['docs', 'grammar', 'examples']) {
    const d = join(repoRoot, dir);
    if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.md')) docs.push(join(d, f));
  }
  const out = [];
  for (const doc of docs) {
    if (!existsSync(doc)) continue;
    const text = readFileSync(doc, 'utf8');
    const re = /^```sdl\s*\n([\s\S]*?)^```/gm;
    let m;
    let i = 0;
    while ((m = re.exec(text))) out.push({ name: `${relative(repoRoot, doc)} #${++i}`, text: m[1] });
  }
  return out;
}

// Checks that hold for any well-formed SDL program.
async function checkProgram(name, text) {
  const tokens = await tokenize(text);
  const bad = tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid.')));
  assert.deepEqual(bad.map((t) => `${t.line}: ${t.text}`), [], `${name}: invalid tokens`);
  const ops = new Set(kw.operators);
  const connectors = new Set(kw.connectors);
  const lines = text.split('\n');
  for (const t of tokens) {
    const where = `${name}:${t.line}: ${JSON.stringify(t.text)} [${t.scopes.slice(1).join(' ')}]`;
    const inComment = t.scopes.some((s) => s.startsWith('comment.'));
    const inString = t.scopes.some((s) => s.startsWith('string.'));
    if (inComment || inString) continue;
    if (t.text === '|>') assert.ok(hasScope(t, 'keyword.operator.pipe'), where);
    if (t.text === '->') assert.ok(t.scopes.some((s) => /arrow/.test(s)), where);
    if (LANGUAGE_MD_KEYWORDS.includes(t.text)) {
      const after = lines[t.line - 1].slice(t.start + t.text.length);
      if (!/^\s*:/.test(after)) {
        assert.ok(t.scopes.some((s) => /^(keyword|constant\.language|support\.constant)\./.test(s)), `keyword: ${where}`);
      }
    }
    const after = lines[t.line - 1].slice(t.start + t.text.length);
    if (/^\s*\(/.test(after) && /^[A-Za-z_]\w*$/.test(t.text)) {
      if (ops.has(t.text)) assert.ok(hasScope(t, 'support.function'), `operator: ${where}`);
      else if (connectors.has(t.text)) assert.ok(hasScope(t, 'support.function.connector'), `connector: ${where}`);
    }
    if (/^[0-9]/.test(t.text)) assert.ok(t.scopes.some((s) => s.startsWith('constant.numeric.') || s.startsWith('variable.other.member')), `number: ${where}`);
  }
  // Every bracket and comment closes: the tokenizer ends at the top level.
  assert.deepEqual(tokens.openScopes, [], `${name}: unclosed construct at the end`);
}

// ---------------------------------------------------------------- tests

describe('generated files', () => {
  test('sdl.tmLanguage.json and sdl.vim are what gen-grammar.mjs writes from keywords.json', () => {
    for (const { path, text } of generate(kw)) {
      assert.ok(existsSync(path), `${path} missing: run node grammar/vscode/scripts/gen-grammar.mjs`);
      assert.equal(readFileSync(path, 'utf8'), text, `${relative(repoRoot, path)} is stale: run node grammar/vscode/scripts/gen-grammar.mjs`);
    }
  });

  test('package.json points at the grammar and the language configuration', () => {
    const pkg = JSON.parse(readFileSync(join(grammarDir, 'vscode', 'package.json'), 'utf8'));
    const lang = pkg.contributes.languages.find((l) => l.id === 'sdl');
    assert.deepEqual(lang.extensions, ['.sdl']);
    const g = pkg.contributes.grammars.find((x) => x.language === 'sdl');
    assert.equal(g.scopeName, 'source.sdl');
    assert.ok(existsSync(join(grammarDir, 'vscode', g.path)));
    assert.ok(existsSync(join(grammarDir, 'vscode', lang.configuration)));
    assert.equal(pkg.contributes.configuration.properties['streamc.path'].default, 'streamc');
    const conf = JSON.parse(readFileSync(join(grammarDir, 'vscode', lang.configuration), 'utf8'));
    assert.equal(conf.comments.lineComment, '//');
    assert.deepEqual(conf.comments.blockComment, ['/*', '*/']);
    assert.ok(conf.autoClosingPairs.some((p) => p.open === '"'));
  });
});

describe('keyword coverage', () => {
  const words = allWords(kw);

  test('every keyword of LANGUAGE.md is in keywords.json', () => {
    const missing = LANGUAGE_MD_KEYWORDS.filter((w) => !words.has(w));
    assert.deepEqual(missing, []);
  });

  test('every keyword of grammar/sdl.ebnf is in keywords.json', (t) => {
    const ebnfPath = join(grammarDir, 'sdl.ebnf');
    if (!existsSync(ebnfPath)) {
      t.skip('grammar/sdl.ebnf does not exist yet');
      return;
    }
    // Quoted word terminals ("param", 'ms'), ignoring (* comments *) and
    // single letters (exponent "e", escape "n", duration unit "s", ...).
    const ebnf = readFileSync(ebnfPath, 'utf8').replace(/\(\*[\s\S]*?\*\)/g, ' ');
    const terms = new Set();
    for (const m of ebnf.matchAll(/"([A-Za-z_][A-Za-z0-9_]+)"|'([A-Za-z_][A-Za-z0-9_]+)'/g)) terms.add(m[1] ?? m[2]);
    assert.ok(terms.size > 0, 'no quoted keywords found in grammar/sdl.ebnf');
    const missing = [...terms].filter((w) => !words.has(w)).sort();
    assert.deepEqual(missing, [], 'add these to grammar/keywords.json and regenerate');
  });

  test('each reserved word is coloured as a keyword or constant on its own', async () => {
    for (const w of LANGUAGE_MD_KEYWORDS) {
      const tokens = await tokenize(`${w}\n`);
      const t = tokens.find((x) => x.text === w);
      assert.ok(t, w);
      assert.ok(t.scopes.some((s) => /^(keyword|constant\.language)\./.test(s)), `${w}: ${describeTokens([t])}`);
    }
  });

  test('each operator, connector, aggregate and function name is coloured when called', async () => {
    const groups = [
      [kw.operators, 'support.function.operator'],
      [kw.connectors, 'support.function.connector'],
      [kw.functions, 'support.function.builtin'],
    ];
    for (const [names, scope] of groups) {
      for (const n of names) await expectScope(`stream s = x |> f(${n}(a))`, n, scope);
      for (const n of names) await expectScope(`stream s = x |> f(${n} (a))`, n, scope);
    }
    for (const n of kw.operators) await expectScope(`stream s = x |> ${n}(a)`, n, 'support.function.operator');
    for (const n of kw.aggregates) await expectScope(`stream s = x |> aggregate(${n}(a) as v)`, n, 'support.function.aggregate');
  });

  test('a keyword inside a longer identifier is not a keyword', async () => {
    await expectScope('stream s = x |> map(mapping -> streamer + if_x + countx)', 'mapping', 'variable.parameter');
    await expectScope('stream s = x |> map(mapping -> streamer + if_x + countx)', 'streamer', 'keyword', { not: true });
    await expectScope('stream s = x |> map(mapping -> streamer + if_x + countx)', 'if_x', 'keyword', { not: true });
    await expectScope('stream s = x |> map(mapping -> streamer + if_x + countx)', 'countx', 'support', { not: true });
  });
});

describe('targeted snippets', () => {
  test('declarations', async () => {
    for (const d of kw.declarations) await expectScope(`${d} x`, d, 'keyword.declaration');
    await expectScope('source lines = socket(host, port)', 'lines', 'entity.name.stream');
    await expectScope('table users = files("u.csv")', 'users', 'entity.name.stream');
    await expectScope('stream counts = lines', 'counts', 'entity.name.stream');
    await expectScope('schema Word { word: string }', 'Word', 'entity.name.type');
    await expectScope('param port: int = 9999', 'port', 'variable.other.constant.param');
    await expectScope('import "path/udfs.hpp"', 'import', 'keyword.declaration');
    await expectScope('import "path/udfs.hpp"', 'path/udfs.hpp', 'string.quoted.double');
    await expectScope('schema Bus = infer("samples/bus.json")', 'infer', 'keyword.other');
  });

  test('pipes, lambdas and arrows', async () => {
    const src = 'stream c = lines\n  |> flat_map(line -> split(line, " "))\n  |> reduce_by_key((a, b) -> a + b)';
    await expectScope(src, '|>', 'keyword.operator.pipe');
    await expectScope(src, '|>', 'keyword.operator.pipe', { nth: 1 });
    await expectScope(src, 'line', 'variable.parameter', { nth: 1 });
    await expectScope(src, '->', 'storage.type.function.arrow');
    await expectScope(src, ['(a,', 'a'], 'variable.parameter');
    await expectScope(src, ['b)', 'b'], 'variable.parameter');
    await expectScope(src, '->', 'storage.type.function.arrow', { nth: 1 });
    await expectScope(src, 'split', 'support.function.builtin');
    await expectScope(src, '+', 'keyword.operator.arithmetic');
    await expectScope('stream s = x |> count', 'count', 'support.function.operator');
    await expectScope('sink counts -> console(rows: 10)', '->', 'keyword.operator.arrow');
    await expectScope('sink counts -> console(rows: 10)', 'counts', 'variable.other.stream');
  });

  test('strings and escapes', async () => {
    const src = 'stream s = x |> map(e -> "a\\"b\\\\c\\n\\t\\u00e9 // not a comment /* nor this */")';
    await expectScope(src, '"a', 'string.quoted.double');
    await expectScope(src, '\\"', 'constant.character.escape');
    await expectScope(src, '\\\\', 'constant.character.escape');
    await expectScope(src, '\\n', 'constant.character.escape');
    await expectScope(src, '\\t', 'constant.character.escape');
    await expectScope(src, '\\u00e9', 'constant.character.escape');
    await expectScope(src, '// not a comment', 'string.quoted.double');
    await expectScope(src, '// not a comment', 'comment', { not: true });
    await expectScope(src, '/* nor this */', 'comment', { not: true });
    await expectScope(src, ')', 'punctuation.definition.parens.end', { nth: 0 });
    await expectScope('param p: string = "a\\qb"', '\\q', 'invalid.illegal.escape');
    await expectScope('param p: string = "http://host//x"', 'http://host//x', 'string.quoted.double');
    // An unterminated string stops at the end of its line.
    await expectScope('param p: string = "open\nsource s = socket(h, 1)', 'source', 'keyword.declaration');
  });

  test('comments', async () => {
    await expectScope('// a line comment with "quotes" and |>', '// a line', 'comment.line.double-slash');
    await expectScope('// a line comment with "quotes" and |>', '|>', 'comment.line.double-slash');
    await expectScope('source s = socket(h, p) // trailing', '// trailing', 'comment.line.double-slash');
    await expectScope('source s = socket(h, p) // trailing', 'socket', 'support.function.connector');
    const block = '/* block\n   stream x = "y"\n*/ stream z = w';
    await expectScope(block, 'stream x', 'comment.block');
    await expectScope(block, '"y"', 'comment.block');
    await expectScope(block, '*/', 'comment.block');
    await expectScope(block, 'stream', 'keyword.declaration', { nth: 1 });
    await expectScope('stream s = x |> map(a -> a /* inline */ + 1)', '/* inline */', 'comment.block');
    await expectScope('stream s = x |> map(a -> a / 2)', '/', 'keyword.operator.arithmetic');
  });

  test('numbers and durations', async () => {
    for (const d of ['250ms', '1s', '5m', '2h', '1d', '10m', '3600s']) {
      await expectScope(`config { batch: ${d} }`, d, 'constant.numeric.duration');
    }
    await expectScope('config { batch: 250ms }', 'ms', 'keyword.other.unit');
    await expectScope('param n: int = 9999', '9999', 'constant.numeric.integer');
    await expectScope('param f: float = 1.5', '1.5', 'constant.numeric.float');
    await expectScope('param f: float = 2e3', '2e3', 'constant.numeric.float');
    await expectScope('param f: float = 2.5E-3', '2.5E-3', 'constant.numeric.float');
    await expectScope('stream s = x |> map(t -> t.0 + t.1)', '0', 'constant.numeric', { not: true });
    await expectScope('stream s = x |> map(t -> t.0 + t.1)', '0', 'variable.other.member');
    await expectScope('stream s = x |> filter(p10m > 1)', 'p10m', 'constant.numeric', { not: true });
  });

  test('booleans, null and operators', async () => {
    const src = 'stream s = x |> filter(a == true and b != false or not (c ?? null) <= 3 and d >= 1 and e < 2 and f > 0)';
    await expectScope(src, 'true', 'constant.language.boolean');
    await expectScope(src, 'false', 'constant.language.boolean');
    await expectScope(src, 'null', 'constant.language.null');
    for (const op of ['and', 'or', 'not']) await expectScope(src, op, 'keyword.operator.logical');
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      await expectScope(`param p: bool = a${op}b`, op, 'keyword.operator.comparison');
    }
    await expectScope(src, '??', 'keyword.operator.null-coalescing');
    await expectScope('stream s = x |> map(a -> if a then 1 else 2)', 'if', 'keyword.control');
    await expectScope('stream s = x |> map(a -> if a then 1 else 2)', 'then', 'keyword.control');
    await expectScope('stream s = x |> map(a -> if a then 1 else 2)', 'else', 'keyword.control');
  });

  test('types', async () => {
    for (const ty of kw.types) await expectScope(`param p: ${ty} = x`, ty, 'support.type.primitive');
    await expectScope('param tags: [string] = []', '[', 'punctuation.definition.type.list');
    await expectScope('param tags: [string] = []', 'string', 'support.type.primitive');
    await expectScope('param o: int? = null', '?', 'keyword.operator.optional');
    await expectScope('param o: Word? = null', 'Word', 'entity.name.type');
    await expectScope('param t: (int, [Word?]) = x', 'Word', 'entity.name.type');
    const schema = 'schema Ev {\n  id: int,   // key\n  tags: [string],\n  at: timestamp?,\n  w: {start: timestamp, end: timestamp},\n  u: User\n}\nsource s = socket(h, 1)';
    await expectScope(schema, 'id', 'variable.other.field');
    await expectScope(schema, 'int', 'support.type.primitive');
    await expectScope(schema, '// key', 'comment.line');
    await expectScope(schema, 'timestamp', 'support.type.primitive', { nth: 0 });
    await expectScope(schema, 'start', 'variable.other.field');
    await expectScope(schema, 'end', 'variable.other.field');
    await expectScope(schema, 'User', 'entity.name.type');
    await expectScope(schema, 'source', 'keyword.declaration');
    await expectScope(schema, 'source', 'meta.declaration.schema', { not: true });
    await expectScope('source w = socket("h", 1, format: csv, schema: Word)', 'Word', 'entity.name.type');
  });

  test('sink clauses', async () => {
    for (const m of kw.outputModes) {
      await expectScope(`sink c -> console() mode ${m}`, 'mode', 'keyword.other.sink-clause');
      await expectScope(`sink c -> console() mode ${m}`, m, 'support.constant.output-mode');
    }
    for (const t of kw.triggers) {
      await expectScope(`sink c -> console() trigger ${t} 1s`, 'trigger', 'keyword.other.sink-clause');
      await expectScope(`sink c -> console() trigger ${t} 1s`, t, 'keyword.other.trigger');
    }
    const src = 'sink b -> files("out", format: json)\n  trigger every 3600s checkpoint "chk/b"';
    await expectScope(src, 'checkpoint', 'keyword.other.sink-clause');
    await expectScope(src, '3600s', 'constant.numeric.duration');
    await expectScope(src, '"chk/b"', 'string.quoted.double');
  });

  test('named-argument labels and option values', async () => {
    await expectScope('sink c -> console(rows: 10)', 'rows', 'entity.other.attribute-name.label');
    await expectScope('source b = files("in/*.json", format: json, on_error: drop)', 'format', 'entity.other.attribute-name.label');
    await expectScope('source b = files("in/*.json", format: json, on_error: drop)', 'json', 'support.constant.option', { nth: 1 });
    await expectScope('source b = files("in/*.json", format: json, on_error: drop)', 'drop', 'support.constant.option');
    await expectScope('source b = files("in/*.json")', 'in/*.json', 'string.quoted.double');
    const join = 'stream j = s |> join(t, on: (a, b) -> a.k == b.k, kind: left, within: 1h)';
    await expectScope(join, 'on', 'entity.other.attribute-name.label');
    await expectScope(join, 'left', 'support.constant.option');
    await expectScope(join, 'within', 'entity.other.attribute-name.label');
    await expectScope(join, '1h', 'constant.numeric.duration');
    await expectScope(join, 'k', 'variable.other.member');
    await expectScope('config { batch: 1s, threads: 2, checkpoint: "dir" }', 'threads', 'variable.other.property');
    await expectScope('config { batch: 1s, threads: 2, checkpoint: "dir" }', 'checkpoint', 'variable.other.property');
    await expectScope('stream r = s |> map(w -> {word: w, n: 1})', 'word', 'variable.other.field');
  });

  test('constructs spanning lines close where they should', async () => {
    const multi = 'stream s = x\n  |> map(a ->\n    {n: a,\n     m: [1,\n         2]})\nsink s -> console()';
    const tokens = await tokenize(multi);
    assert.deepEqual(tokens.openScopes, []);
    await expectScope(multi, ['m:', 'm'], 'variable.other.field');
    await expectScope(multi, 'sink', 'keyword.declaration');
    await expectScope(multi, 'sink', 'meta.parens', { not: true });
    assert.deepEqual((await tokenize('stream s = f(a')).openScopes, ['meta.parens.sdl']);
    assert.deepEqual((await tokenize('/* open')).openScopes, ['comment.block.sdl']);
  });

  test('select, explode, aggregate', async () => {
    const src = 'stream s = b\n  |> explode(R.items as it)\n  |> select(it.*, x + 1 as y, *)\n  |> group_by(window(ts, 10m, 5m), word)\n  |> aggregate(count() as n, sum(x) as s, count_distinct(u) as d)';
    await expectScope(src, 'as', 'keyword.other');
    await expectScope(src, ['as it', 'it'], 'variable.other.alias');
    await expectScope(src, ['it.*', '*'], 'keyword.operator.wildcard');
    await expectScope(src, [', *)', '*'], 'keyword.operator.wildcard');
    await expectScope(src, 'window', 'support.function.operator');
    await expectScope(src, 'count', 'support.function.aggregate');
    await expectScope(src, 'sum', 'support.function.aggregate');
    await expectScope(src, 'count_distinct', 'support.function.aggregate');
    await expectScope('stream s = x |> my_udf(a) |> map(v -> clean(v))', 'clean', 'entity.name.function');
  });
});

describe('whole programs', () => {
  const programs = [];
  for (const f of sdlFiles(fixtures)) programs.push({ name: relative(repoRoot, f), text: readFileSync(f, 'utf8') });
  for (const f of sdlFiles(join(repoRoot, 'examples'))) programs.push({ name: relative(repoRoot, f), text: readFileSync(f, 'utf8') });
  programs.push(...markdownPrograms());

  test('there are programs to check', () => assert.ok(programs.length >= 3));
  for (const p of programs) {
    test(p.name, async () => checkProgram(p.name, p.text));
  }

  test('wordcount.sdl in detail', async () => {
    const src = readFileSync(join(fixtures, 'wordcount.sdl'), 'utf8');
    await expectScope(src, '// wordcount.sdl', 'comment.line');
    await expectScope(src, 'param', 'keyword.declaration');
    await expectScope(src, 'string', 'support.type.primitive');
    await expectScope(src, '"localhost"', 'string.quoted.double');
    await expectScope(src, '1s', 'constant.numeric.duration');
    await expectScope(src, 'socket', 'support.function.connector', { nth: 1 });
    await expectScope(src, 'flat_map', 'support.function.operator');
    await expectScope(src, 'reduce_by_key', 'support.function.operator');
    await expectScope(src, 'rows', 'entity.other.attribute-name.label');
    await expectScope(src, 'console', 'support.function.connector');
    await expectScope(src, '// like DStream.pprint()', 'comment.line');
  });
});
