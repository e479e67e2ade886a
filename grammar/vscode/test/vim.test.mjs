// The generated Vim syntax file loads without errors and colours the basics.
// Skipped when vim is not installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const vimDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vim');
const hasVim = spawnSync('vim', ['--version'], { stdio: 'ignore' }).status === 0;

test('vim syntax groups', { skip: !hasVim && 'vim not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamc-vim-'));
  try {
    const src = join(dir, 'x.sdl');
    writeFileSync(
      src,
      [
        'param port: int = 9999 // c',
        'source lines = socket("h//x\\n", port, format: csv)',
        'stream s = lines |> map(w -> (w, 1)) |> window(10m, 5s)',
        'sink s -> console(rows: 10) mode update trigger every 1s',
      ].join('\n') + '\n',
    );
    const out = join(dir, 'out.txt');
    const script = join(dir, 'check.vim');
    writeFileSync(
      script,
      `set rtp^=${vimDir}
filetype plugin on
syntax on
edit ${src}
let out = ['ft=' . &filetype, 'cms=' . &commentstring]
for lnum in range(1, line('$'))
  let l = getline(lnum)
  for c in range(1, len(l))
    call add(out, lnum . ':' . c . ':' . l[c-1] . ':' . synIDattr(synID(lnum, c, 1), 'name'))
  endfor
endfor
call writefile(out, '${out}')
qa!
`,
    );
    const r = spawnSync('vim', ['-Nu', 'NONE', '-i', 'NONE', '-es', '-S', script], { input: '', encoding: 'utf8', timeout: 30_000 });
    const lines = readFileSync(out, 'utf8').split('\n');
    assert.equal(lines[0], 'ft=sdl', r.stderr);
    assert.equal(lines[1], 'cms=// %s');
    const at = (line, text, nth = 0) => {
      const srcLine = readFileSync(src, 'utf8').split('\n')[line - 1];
      let col = -1;
      for (let i = 0; i <= nth; i++) col = srcLine.indexOf(text, col + 1);
      assert.ok(col >= 0, text);
      const entry = lines.find((l) => l.startsWith(`${line}:${col + 1}:`));
      return entry.slice(entry.lastIndexOf(':') + 1);
    };
    assert.equal(at(1, 'param'), 'sdlDeclaration');
    assert.equal(at(1, 'int'), 'sdlType');
    assert.equal(at(1, '9999'), 'sdlInteger');
    assert.equal(at(1, '//'), 'sdlLineComment');
    assert.equal(at(2, 'lines'), 'sdlDeclName');
    assert.equal(at(2, 'socket'), 'sdlConnector');
    assert.equal(at(2, '//'), 'sdlString');
    assert.equal(at(2, '\\n'), 'sdlEscape');
    assert.equal(at(2, 'csv'), 'sdlOption');
    assert.equal(at(3, '|>'), 'sdlPipe');
    assert.equal(at(3, 'map'), 'sdlOperator');
    assert.equal(at(3, '->'), 'sdlArrow');
    assert.equal(at(3, 'window'), 'sdlOperator');
    assert.equal(at(3, '10m'), 'sdlDuration');
    assert.equal(at(4, 'rows'), 'sdlLabel');
    assert.equal(at(4, 'mode'), 'sdlSinkClause');
    assert.equal(at(4, 'update'), 'sdlOutputMode');
    assert.equal(at(4, 'every'), 'sdlTrigger');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
