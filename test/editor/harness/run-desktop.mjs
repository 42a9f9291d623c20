// npm run test:desktop: runs the same editor suite in VS Code desktop through @vscode/test-electron (downloads VS Code).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoDir } from './vscode-server.mjs';

// 1.100.3 is the release the code-server harness runs, and it still runs on Node 20.
const version = process.env.FLOWTRACER_VSCODE_VERSION || '1.100.3';
const workspace = mkdtempSync(join(tmpdir(), 'flowtracer-desktop-workspace-'));
const examples = join(repoDir, 'examples');
if (existsSync(examples)) cpSync(examples, workspace, { recursive: true });

let exitCode = 1;
try {
  exitCode = await runTests({
    version,
    extensionDevelopmentPath: repoDir,
    extensionTestsPath: join(repoDir, 'dist', 'test', 'editor', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('FLOWTRACER_'))),
  });
} catch (error) {
  console.error(`desktop editor tests failed to run: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
process.exit(exitCode);
