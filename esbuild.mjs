// Builds every bundle of FlowTracer: extension, language server, executor + CLI, webviews (diagram, Messages panel), editor tests.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

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

/** Leaves lazy-bundles.ts's `require('./flow-language')` and `require('./language-client')` to run time: those are bundles of their own. */
const lazyBundles = {
  name: 'lazy-bundles',
  setup(build) {
    build.onResolve({ filter: /^\.\/(flow-language|language-client)$/ }, (args) =>
      args.importer.endsWith('lazy-bundles.ts') ? { path: `${args.path}.js`, external: true } : undefined);
  },
};

/**
 * kafkajs computes each record batch's CRC-32C byte by byte; its `./crc32C` is replaced in the
 * executor bundle by executor/connectors/kafka-crc32c.ts (crc-32's, same result, faster).
 */
const kafkaCrc32c = {
  name: 'kafka-crc32c',
  setup(build) {
    build.onResolve({ filter: /^\.\/crc32C$/ }, (args) =>
      /kafkajs[\\/]src[\\/]protocol[\\/]recordBatch[\\/]crc32C$/.test(args.resolveDir) ? { path: resolve('executor/connectors/kafka-crc32c.ts') } : undefined);
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // Activation loads extension.js only; client/lazy-bundles.ts requires the other two on first use.
  {
    ...node,
    entryPoints: { 'client/extension': 'client/extension.ts', 'client/flow-language': 'client/flow-language.ts', 'client/language-client': 'client/language-client.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [lazyBundles],
  },
  // Also the `flowtracer-language-server` command of package.json's bin (other editors run it with --stdio).
  {
    ...node,
    entryPoints: { 'server/server': 'server/server.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    // yaml's ES module build (the same code as its CommonJS one) is bundled as plain functions; the CommonJS one is
    // reached through esbuild's getters on every call, which costs the parse of a large flow some 10%.
    alias: { yaml: './node_modules/yaml/browser/index.js' },
  },
  {
    ...node,
    // One bundle is both the `flowtracer` CLI and the extension's executor child (forked with --executor-child).
    entryPoints: { 'executor/cli': 'executor/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [kafkaCrc32c],
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { 'webview/main': 'webview/main.ts', 'webview/layout-worker': 'webview/layout-worker.ts', 'webview/messages': 'webview/messages/main.ts' },
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
  // Nothing left from an earlier build's file list (the .vsix takes every dist/*/*.js).
  rmSync('dist', { recursive: true, force: true });
  mkdirSync('dist/webview', { recursive: true });
  cpSync('webview/diagram.css', 'dist/webview/diagram.css');
  cpSync('webview/messages.css', 'dist/webview/messages.css');
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
