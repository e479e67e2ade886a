// Loads extension.js against a stub `vscode` module and activates it with
// `streamc.path` = $STREAMC_PATH; prints what it logged and resolved as JSON.
// Used by vsix.test.mjs: checks the extension starts cleanly without streamc.
'use strict';
const Module = require('module');
const path = require('path');

const logged = [];
const stub = {
  workspace: {
    getConfiguration: () => ({ get: (key, dflt) => process.env.STREAMC_PATH ?? dflt }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
    workspaceFolders: undefined,
  },
  window: { createOutputChannel: () => ({ appendLine: (l) => logged.push(l), dispose() {} }) },
  commands: { registerCommand: (name) => ({ name, dispose() {} }) },
};
// vscode-languageclient subclasses and reads many vscode API values at load
// time; any name the stub does not define is an empty class.
const vscode = new Proxy(stub, { get: (t, k) => (k in t ? t[k] : class {}) });
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const ext = require(path.join(__dirname, '..', 'extension.js'));
(async () => {
  const context = { subscriptions: [] };
  await ext.activate(context);
  const commands = context.subscriptions.map((s) => s.name).filter(Boolean);
  process.stdout.write(JSON.stringify({ logged, commands, sh: ext.resolveExecutable('sh') }));
  await ext.deactivate();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
