// Starts `kpic lsp` for .kpi files. The path of kpic comes from the setting
// `kpic.path` (default: `kpic` on the PATH); changing it restarts the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const command = vscode.workspace.getConfiguration("kpic").get("path") || "kpic";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "kpi" }, { scheme: "untitled", language: "kpi" }],
  };
  client = new LanguageClient("kpic", "kpic language server", serverOptions, clientOptions);
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `kpic: could not start \`${command} lsp\` (${err.message}). Set "kpic.path" to the kpic executable.`
    );
  });
}

async function restart() {
  if (client) {
    await client.stop().catch(() => {});
  }
  await start();
}

function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("kpic.path")) {
        restart();
      }
    })
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
