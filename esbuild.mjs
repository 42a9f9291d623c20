// Builds every bundle of FlowTracer: extension, language server, executor + CLI, webview, editor tests.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  // Production maps are written next to the bundles but excluded from the .vsix (.vscodeignore).
  sourcemap: production ? 'external' : 'linked',
  sourcesContent: !production,
  logLevel: 'info',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...node, entryPoints: { 'client/extension': 'client/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // Also the `flowtracer-language-server` command of package.json's bin (other editors run it with --stdio).
  { ...node, entryPoints: { 'server/server': 'server/server.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...node,
    entryPoints: { 'executor/cli': 'executor/cli.ts', 'executor/worker': 'executor/worker.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { 'webview/main': 'webview/main.ts', 'webview/layout-worker': 'webview/layout-worker.ts' },
    outdir: 'dist',
  },
];

if (!production) {
  builds.push({
    ...node,
    entryPoints: { 'test/editor/index': 'test/editor/index.ts' },
    outdir: 'dist',
    external: ['vscode', 'mocha'],
  });
}

async function main() {
  mkdirSync('dist/webview', { recursive: true });
  cpSync('webview/diagram.css', 'dist/webview/diagram.css');
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
