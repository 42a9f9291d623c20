// Runs a language server as a child process over stdio and waits for its diagnostics; reads its RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export interface StdioLanguageServer {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams>;
  /** Resident set size of the server process, in MB (from /proc). */
  rssMegabytes(): number;
  /** CPU time the server process has used so far (user + system), in ms (from /proc; 10 ms steps). */
  cpuMilliseconds(): number;
  stop(): Promise<void>;
}

/** sysconf(_SC_CLK_TCK): 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

export async function startStdioLanguageServer(script: string, settings?: unknown): Promise<StdioLanguageServer> {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), script, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, (params: PublishDiagnosticsParams) => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const resolve = waiting.get(params.uri);
    if (resolve) {
      waiting.delete(params.uri);
      resolve(params);
    }
  });
  connection.onNotification(() => undefined);
  connection.onRequest(() => null);
  connection.listen();
  // The completion capability VS Code declares: item defaults let a server send a shared range once.
  const capabilities = { textDocument: { completion: { completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] } } } };
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities });
  await connection.sendNotification(InitializedNotification.type, {});
  if (settings !== undefined) await connection.sendNotification('workspace/didChangeConfiguration', { settings });
  return {
    child,
    connection,
    nextDiagnostics: (uri) => new Promise((resolve) => waiting.set(uri, resolve)),
    rssMegabytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    cpuMilliseconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesized command name: utime and stime in clock ticks.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    stop: async () => {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      await exited;
      connection.dispose();
    },
  };
}
