// VS Code client for SDL: starts `<streamc.path> lsp` over stdio when that
// executable can be found, and restarts it when the setting changes. Without
// streamc the extension still gives colours, brackets and comment toggling.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client = null;
let output = null;

// Resolves a command name or path the way a shell would: a path with a
// separator is used as is (relative to the first workspace folder), a bare
// name is looked up on PATH. Returns null when nothing executable is found.
function resolveExecutable(command) {
  if (!command) return null;
  const isExecutable = (file) => {
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) return false;
      if (process.platform === 'win32') return true;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.startsWith('~/')) command = path.join(require('os').homedir(), command.slice(2));
  if (command.includes('/') || command.includes('\\')) {
    let file = command;
    const folders = vscode.workspace.workspaceFolders;
    if (!path.isAbsolute(file) && folders && folders.length) file = path.join(folders[0].uri.fsPath, file);
    return isExecutable(file) ? file : null;
  }
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, command + ext);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

async function startClient(context) {
  const configured = vscode.workspace.getConfiguration('streamc').get('path', 'streamc');
  const executable = resolveExecutable(configured);
  if (!executable) {
    output.appendLine(`streamc not found ('streamc.path' is '${configured}'); syntax colouring only.`);
    return;
  }
  output.appendLine(`starting ${executable} lsp`);
  const serverOptions = {
    run: { command: executable, args: ['lsp'], transport: TransportKind.stdio },
    debug: { command: executable, args: ['lsp'], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sdl' },
      { scheme: 'untitled', language: 'sdl' },
    ],
    outputChannel: output,
  };
  client = new LanguageClient('streamc', 'streamc language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`streamc lsp failed to start: ${err && err.message ? err.message : err}`);
    client = null;
  }
}

async function stopClient() {
  if (!client) return;
  const c = client;
  client = null;
  try {
    await c.stop();
  } catch {
    // The server may already be gone; nothing to clean up.
  }
}

async function activate(context) {
  output = vscode.window.createOutputChannel('SDL (streamc)');
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('streamc.path')) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand('streamc.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
  );
  await startClient(context);
}

async function deactivate() {
  await stopClient();
}

module.exports = { activate, deactivate, resolveExecutable };
