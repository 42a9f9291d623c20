// Starts the bundled language server (dist/server/server.js --stdio) and talks to it with a real JSON-RPC client.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { PublishDiagnosticsNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const SERVER_BUNDLE = resolve(__dirname, '../../../dist/server/server.js');

export interface LanguageServerProcess {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  /** Resolves with the next diagnostics for `uri` that satisfy `accept`, or rejects after `timeoutMs`. */
  diagnostics(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** The published diagnostics not yet taken by `diagnostics`. */
  readonly published: readonly PublishDiagnosticsParams[];
  readonly stderr: string[];
  stop(): Promise<void>;
}

export function startLanguageServer(): LanguageServerProcess {
  if (!existsSync(SERVER_BUNDLE)) {
    throw new Error(`${SERVER_BUNDLE} is missing: run \`npm run build\` before the LSP tests.`);
  }
  const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const received: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    received.push(params);
    for (const wake of waiters.splice(0)) wake();
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();

  const diagnostics: LanguageServerProcess['diagnostics'] = (uri, accept = () => true, timeoutMs = 10_000) =>
    new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      const look = (): void => {
        const index = received.findIndex((params) => params.uri === uri && accept(params));
        if (index >= 0) {
          clearTimeout(timer);
          resolvePromise(received.splice(0, index + 1).pop()!);
        } else waiters.push(look);
      };
      look();
    });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } catch {
      child.kill();
    }
    await exited;
    connection.dispose();
  };
  return { child, connection, diagnostics, published: received, stderr, stop };
}
