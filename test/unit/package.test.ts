// The .vsix content list (what .vscodeignore lets through): exactly the bundles and manifest assets, no maps, tests, sources or node_modules.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');

/** The sources a bundle of dist/ was built from (`client/extension`…), from its source map. */
function sourcesOf(bundle: string): string[] {
  return (JSON.parse(readFileSync(join(repo, 'dist', `${bundle}.js.map`), 'utf8')) as { sources: string[] }).sources;
}

function packagedFiles(): string[] {
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repo, encoding: 'utf8' });
  return out.split('\n').map((line) => line.trim()).filter((line) => line.length > 0).sort();
}

describe('the .vsix package', () => {
  it('holds the bundles, the manifest and its assets, and nothing else', function () {
    this.timeout(60_000);
    assert.deepEqual(packagedFiles(), [
      'CHANGELOG.md', 'LICENSE', 'README.md',
      // Activation loads extension.js; the other two client bundles are required on first use (client/lazy-bundles.ts).
      'dist/client/extension.js', 'dist/client/flow-language.js', 'dist/client/language-client.js',
      // One executor bundle: the `flowtracer` CLI and the extension's executor child (--executor-child).
      'dist/executor/cli.js',
      'dist/server/server.js',
      // The flow language (flow/ and yaml) once, for the server, the client's flow-language.js and the executor.
      'dist/shared/flow.js',
      'dist/webview/diagram.css', 'dist/webview/layout-worker.js', 'dist/webview/main.js', 'dist/webview/messages.css', 'dist/webview/messages.js',
      'language-configuration.json', 'media/flow-file.svg', 'media/flowtracer-activity.svg', 'media/icon.png',
      // The README's screenshots and the walkthrough's pages.
      'media/readme-diagram.png', 'media/readme-run.png', 'media/walkthrough/open-example.md', 'media/walkthrough/retry.md', 'media/walkthrough/trace.md',
      'package.json', 'schemas/flow.schema.json', 'syntaxes/flow-yaml.tmLanguage.json',
    ]);
  });

  it('activates from a bundle without yaml, ajv, the schema or vscode-languageclient: those load on first use; no database driver at all (a run store is read through the executor)', () => {
    const sources = (bundle: string): string[] => sourcesOf(`client/${bundle}`);
    const heavy = (source: string): boolean =>
      /node_modules\/(yaml|ajv|vscode-languageclient|vscode-jsonrpc|vscode-languageserver-protocol|pg|pg-[a-z]+)\//.test(source) || source.endsWith('flow.schema.json');
    assert.deepEqual(sources('extension').filter(heavy), []);
    assert.doesNotMatch(readFileSync(join(repo, 'dist', 'client', 'extension.js'), 'utf8'), /shared\/flow\.js/, 'activation does not load the shared flow language');
    for (const bundle of ['flow-language', 'language-client']) assert.deepEqual(sources(bundle).filter((s) => /node_modules\/pg(-[a-z]+)?\//.test(s)), [], `${bundle}.js holds no database driver`);
    assert.ok(sources('flow-language').some((s) => s === 'shared-flow:parse'), 'parsing is reached through flow-language.js');
    assert.ok(sources('language-client').some((s) => s.includes('node_modules/vscode-languageclient/')), 'the client is in language-client.js');
  });

  it('holds the flow schema validator precompiled: no bundle compiles it at startup, and only the executor holds ajv\'s compiler (for payload schemas)', () => {
    const all = sourcesOf('shared/flow');
    assert.ok(all.includes('flow-schema-validator:shipped-flow-schema-validator'), 'shared/flow.js holds the precompiled validator');
    assert.deepEqual(all.filter((s) => /flow\/(shipped-flow-schema-validator|flow-schema-validator)\.ts$/.test(s)), [], 'shared/flow.js does not compile the flow schema');
    for (const bundle of ['shared/flow', 'client/flow-language', 'server/server']) assert.deepEqual(sourcesOf(bundle).filter((s) => /node_modules\/ajv\/lib\/(compile|core)/.test(s)), [], `${bundle}.js holds no ajv compiler`);
  });

  it('holds the flow language once: the server, the client\'s flow-language.js and the executor require shared/flow.js for flow/ and yaml', () => {
    const shared = sourcesOf('shared/flow');
    assert.ok(shared.some((s) => s.endsWith('flow/incremental-parse.ts')) && shared.some((s) => s.includes('node_modules/yaml/browser/')), 'shared/flow.js holds flow/ and yaml (its ES module build)');
    for (const bundle of ['server/server', 'client/flow-language', 'executor/cli']) {
      const own = sourcesOf(bundle).filter((s) => /(^|\/)flow\/[^/]+|node_modules\/yaml\/|flow\.schema\.json$/.test(s) && !s.startsWith('shared-flow:'));
      assert.deepEqual(own, [], `${bundle}.js holds no flow/, yaml or schema of its own`);
      assert.ok(sourcesOf(bundle).includes('shared-flow:yaml'), `${bundle}.js reaches yaml through shared/flow.js`);
      assert.match(readFileSync(join(repo, 'dist', `${bundle}.js`), 'utf8'), /require\("\.\.\/shared\/flow\.js"\)/, `${bundle}.js requires shared/flow.js`);
    }
  });
});
