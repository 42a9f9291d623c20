// Starts and stops the VS Code server that the npm package code-server carries (installed by install-code-server.sh).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const harnessDir = dirname(fileURLToPath(import.meta.url));
export const repoDir = join(harnessDir, '..', '..', '..');

export function codeServerDir() {
  const cache = process.env.FLOWTRACER_CACHE || join(homedir(), '.cache', 'flowtracer');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
}

/** Runs the idempotent install script (a no-op once the cache is complete). */
export function ensureCodeServer() {
  execFileSync('bash', [join(harnessDir, 'install-code-server.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return codeServerDir();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts server-main.js on 127.0.0.1:port with fresh extension, user and server data folders
 * (or the given ones) and resolves once it answers HTTP. The returned stop() kills it and
 * removes the temporary folders.
 */
export async function startVsCodeServer({ port, env = {}, extensionsDir, extraArgs = [], readyTimeoutMs = 60_000 } = {}) {
  const root = codeServerDir();
  const scratch = mkdtempSync(join(tmpdir(), 'flowtracer-vscode-'));
  const dirs = {
    extensions: extensionsDir ?? join(scratch, 'extensions'),
    userData: join(scratch, 'user-data'),
    serverData: join(scratch, 'server-data'),
  };
  const chosenPort = port ?? (await freePort());
  const args = [
    join(root, 'lib', 'vscode', 'out', 'server-main.js'),
    '--host', '127.0.0.1', '--port', String(chosenPort),
    '--without-connection-token', '--accept-server-license-terms', '--disable-telemetry',
    '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = [];
  child.stdout.on('data', (chunk) => log.push(String(chunk)));
  child.stderr.on('data', (chunk) => log.push(String(chunk)));
  let exited = null;
  child.once('exit', (code, signal) => { exited = { code, signal }; });

  const stop = () => {
    if (exited === null) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${chosenPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited !== null) {
      stop();
      throw new Error(`the VS Code server exited (${JSON.stringify(exited)}) before answering:\n${log.join('')}`);
    }
    try {
      const response = await fetch(`${url}/`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`the VS Code server did not answer at ${url} within ${readyTimeoutMs} ms:\n${log.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, port: chosenPort, dirs, log, stop, child };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];
