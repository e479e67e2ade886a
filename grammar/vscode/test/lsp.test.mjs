// Drives the real `streamc lsp` over pipes the way the VS Code client does:
// a broken document with non-ASCII text before the error, then the fixed
// document, then shutdown/exit. The diagnostic must sit on the same
// characters as `streamc check --diagnostics-format=json` reports.
//
// Needs the streamc binary: $STREAMC (set by ctest), skipped without it or
// while the build's `streamc lsp` is still a stub.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const streamc = process.env.STREAMC;
const broken = [
  '// wordcount with an error after non-ASCII text',
  'source lines = socket("localhost", 9999)',
  'stream counts = lines',
  '  |> flat_map(line /* café 😀 */ -> splt(line, " "))',
  '  |> map(word -> (word, 1))',
  '  |> reduce_by_key((a, b) -> a + b)',
  'sink counts -> console(rows: 10)',
  '',
].join('\n');
const fixed = broken.replace('splt(', 'split(');

class Client {
  constructor(command, args) {
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    this.messages = [];
    this.stderr = '';
    this.nextId = 1;
    this.exit = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.proc.stdout.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const sep = this.buf.indexOf('\r\n\r\n');
        if (sep < 0) return;
        const m = /Content-Length:\s*(\d+)/i.exec(this.buf.subarray(0, sep).toString('ascii'));
        assert.ok(m, 'no Content-Length header');
        const len = Number(m[1]);
        if (this.buf.length < sep + 4 + len) return;
        const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
        this.buf = this.buf.subarray(sep + 4 + len);
        this.messages.push(msg);
        this.waiters = this.waiters.filter((w) => !w(msg));
      }
    });
  }
  send(msg) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }
  wait(pred, what, ms = 20_000) {
    const seen = this.messages.find(pred);
    if (seen) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`)), ms);
      this.exit.then((code) => reject(new Error(`streamc lsp exited (${code}) waiting for ${what}: ${this.stderr}`)));
      this.waiters.push((msg) => {
        if (!pred(msg)) return false;
        clearTimeout(timer);
        this.messages.splice(this.messages.indexOf(msg), 1);
        resolve(msg);
        return true;
      });
    });
  }
  request(method, params) {
    const id = this.nextId++;
    this.send({ id, method, params });
    return this.wait((m) => m.id === id, method);
  }
  diagnostics(uri) {
    return this.wait((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri, 'publishDiagnostics');
  }
}

// A 1-based byte column on `line` -> UTF-16 code units before it.
function utf16Column(line, byteColumn) {
  return Buffer.from(line, 'utf8').subarray(0, byteColumn - 1).toString('utf8').length;
}

const stub = () => {
  if (!streamc || !existsSync(streamc)) return 'STREAMC is not set (run through ctest)';
  const r = spawnSync(streamc, ['lsp'], { input: '', timeout: 10_000 });
  if (r.status === 3 && /not available/.test(String(r.stderr))) return 'streamc lsp is not wired in this build yet';
  return false;
};

test('streamc lsp: diagnostics under the right characters, then cleared', { skip: stub(), timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamc-lsp-'));
  const file = join(dir, 'wc broken.sdl');
  writeFileSync(file, broken);
  const uri = pathToFileURL(file).href;
  const client = new Client(streamc, ['lsp']);
  try {
    const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.ok(init.result.capabilities.hoverProvider);
    assert.ok(init.result.capabilities.completionProvider);
    client.send({ method: 'initialized', params: {} });
    client.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'sdl', version: 1, text: broken } } });
    const first = await client.diagnostics(uri);
    const errors = first.params.diagnostics.filter((d) => d.severity === 1);
    assert.ok(errors.length >= 1, JSON.stringify(first));
    const d = errors[0];
    const lines = broken.split('\n');
    const errLine = lines.findIndex((l) => l.includes('splt'));
    assert.equal(d.range.start.line, errLine, JSON.stringify(d));
    const spltAt = lines[errLine].indexOf('splt'); // JS string index = UTF-16 units
    assert.equal(d.range.start.character, spltAt, `range ${JSON.stringify(d.range)} should start at 'splt' (UTF-16 column ${spltAt})`);

    // The same place as `streamc check --diagnostics-format=json`.
    const check = spawnSync(streamc, ['check', '--diagnostics-format=json', file], { encoding: 'utf8', timeout: 30_000 });
    const json = check.stdout.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
    if (json.length) {
      const c = json.find((x) => x.severity === 'error') ?? json[0];
      assert.equal(d.message, c.message);
      assert.equal(d.range.start.line, c.line - 1);
      assert.equal(d.range.start.character, utf16Column(lines[c.line - 1], c.column));
    }

    // Hover and completion answer.
    const hover = await client.request('textDocument/hover', {
      textDocument: { uri },
      position: { line: errLine, character: lines[errLine].indexOf('flat_map') + 2 },
    });
    assert.ok(!hover.error, JSON.stringify(hover));
    const completion = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 0 } });
    const labels = (completion.result.items ?? completion.result).map((i) => i.label);
    for (const want of ['flat_map', 'socket', 'split']) assert.ok(labels.includes(want), want);

    client.send({
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] },
    });
    const second = await client.diagnostics(uri);
    assert.deepEqual(second.params.diagnostics.filter((x) => x.severity === 1), []);

    const down = await client.request('shutdown', null);
    assert.equal(down.result, null);
    client.send({ method: 'exit' });
    assert.equal(await client.exit, 0);
  } finally {
    client.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
