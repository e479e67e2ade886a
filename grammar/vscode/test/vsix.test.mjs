// The extension packages into a .vsix with @vscode/vsce, non-interactively,
// and the package holds everything VS Code needs to run it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(extensionDir, 'package.json'));

// Entry names from a zip's central directory.
function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('extension.js parses and its client library resolves', () => {
  execFileSync(process.execPath, ['--check', join(extensionDir, 'extension.js')]);
  assert.ok(require.resolve('vscode-languageclient/node'));
});

test('the extension activates without streamc and only colours', () => {
  const out = execFileSync(process.execPath, [join(extensionDir, 'test', 'stub-activate.cjs')], {
    env: { ...process.env, STREAMC_PATH: 'streamc-that-does-not-exist' },
    encoding: 'utf8',
  });
  const r = JSON.parse(out);
  assert.match(r.logged.join('\n'), /streamc not found/);
  assert.deepEqual(r.commands, ['streamc.restartServer']);
  assert.ok(r.sh && r.sh.endsWith('/sh'), 'a bare name is looked up on PATH');
});

test('the .vsix builds with vsce and contains the extension', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamc-vsix-'));
  try {
    const out = join(dir, 'streamc-sdl.vsix');
    execFileSync('bash', [join(extensionDir, 'scripts', 'build-vsix.sh'), out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 280_000,
    });
    const names = zipEntries(readFileSync(out));
    for (const required of [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/extension.js',
      'extension/language-configuration.json',
      'extension/syntaxes/sdl.tmLanguage.json',
      'extension/LICENSE.txt',
      'extension/readme.md',
      'extension/node_modules/vscode-languageclient/node.js',
      'extension/node_modules/vscode-jsonrpc/package.json',
    ]) {
      assert.ok(names.includes(required), `${required} missing from the .vsix`);
    }
    for (const n of names) {
      assert.ok(!n.startsWith('extension/test/'), `tests shipped: ${n}`);
      assert.ok(!n.includes('node_modules/@vscode/vsce'), `dev dependency shipped: ${n}`);
      assert.ok(!n.includes('node_modules/vscode-textmate'), `dev dependency shipped: ${n}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
