// The .vsix content list (what .vscodeignore lets through): bundles and manifest assets, no maps, tests, sources or node_modules.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');

function packagedFiles(): string[] {
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repo, encoding: 'utf8' });
  return out.split('\n').map((line) => line.trim()).filter((line) => line.length > 0).sort();
}

describe('the .vsix package', () => {
  it('holds the bundles, the manifest and its assets, and nothing else', function () {
    this.timeout(60_000);
    const files = packagedFiles();
    for (const required of [
      'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'language-configuration.json',
      'syntaxes/flow-yaml.tmLanguage.json', 'schemas/flow.schema.json', 'media/icon.png', 'media/flow-file.svg',
      'dist/client/extension.js', 'dist/server/server.js', 'dist/executor/cli.js', 'dist/executor/worker.js',
      'dist/webview/main.js', 'dist/webview/layout-worker.js',
    ]) {
      assert.ok(files.includes(required), `${required} is packaged (got ${files.join(', ')})`);
    }
    const unwanted = files.filter((file) =>
      file.endsWith('.map') || file.endsWith('.ts') || file.startsWith('dist/test/') ||
      file.includes('node_modules/') || file.startsWith('test/') || file.startsWith('.'));
    assert.deepEqual(unwanted, []);
  });
});
