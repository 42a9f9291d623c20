// npm start: serves VS Code in the browser at http://127.0.0.1:8080 with this checkout's FlowTracer on examples/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer, repoDir, startVsCodeServer } from './vscode-server.mjs';

const port = Number(process.env.FLOWTRACER_PORT || 8080);
const manifest = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8'));
const examples = join(repoDir, 'examples');

ensureCodeServer();
// The server has no --extensionDevelopmentPath; it loads the checkout as an installed extension
// through a link named like the folder an install would create.
const scratch = mkdtempSync(join(tmpdir(), 'flowtracer-serve-'));
const extensionsDir = join(scratch, 'extensions');
mkdirSync(extensionsDir, { recursive: true });
symlinkSync(repoDir, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');

const server = await startVsCodeServer({ port, extensionsDir, extraArgs: ['--default-folder', examples] });
console.log(`FlowTracer ${manifest.version} in VS Code: ${server.url}/?folder=${encodeURIComponent(examples)}`);
console.log('Press Ctrl+C to stop.');
const stop = () => {
  server.stop();
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.once('exit', (code) => {
  console.error(`the VS Code server stopped (exit code ${code}):\n${server.log.join('')}`);
  process.exit(1);
});
