// Builds every bundle of FlowTracer: extension, language server, executor + CLI, webviews (diagram, Messages panel), editor tests.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(fileURLToPath(import.meta.url));

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
 * kafkajs modules replaced in the executor bundle by faster ones of ours with the same results (each
 * file says why, and a unit test holds it to kafkajs's own): a module of kafkajs that requires one of
 * these (by a relative path) gets ours; ours reach kafkajs's own by its package path.
 * - recordBatch/crc32C/crc32C: each record batch's CRC-32C, byte by byte; ours is crc-32's.
 * - protocol/encoder: zero-filled buffers and a Buffer for every varint.
 * - protocol/decoder: a record's varlong read through eight BigInt-backed Longs and more.
 * - producer/groupMessagesPerPartition: quadratic in a send's size.
 * - producer/partitioners/default/murmur2: a keyed record's hash, on BigInt-backed Longs; ours is murmurhash's.
 * - recordBatch/record/v0: each record in an encoder it outgrows, and each header in one of its own.
 */
const KAFKAJS_REPLACEMENTS = new Map([
  ['protocol/recordBatch/crc32C/crc32C', 'kafka-crc32c.ts'],
  ['protocol/encoder', 'kafka-encoder.ts'],
  ['protocol/decoder', 'kafka-decoder.ts'],
  ['producer/groupMessagesPerPartition', 'kafka-partition-groups.ts'],
  ['producer/partitioners/default/murmur2', 'kafka-murmur2.ts'],
  ['protocol/recordBatch/record/v0', 'kafka-record.ts'],
].map(([module, ours]) => [join(repo, 'node_modules', 'kafkajs', 'src', ...module.split('/')), join(repo, 'executor', 'connectors', ours)]));
const kafkajsReplacements = {
  name: 'kafkajs-replacements',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!/kafkajs[\\/]src[\\/]/.test(args.importer)) return undefined;
      const ours = KAFKAJS_REPLACEMENTS.get(join(args.resolveDir, args.path).replace(/\.js$/, ''));
      return ours ? { path: ours } : undefined;
    });
  },
};

/** What the shipped flow schema's validator is made from: the schema and the two modules that make it. */
const VALIDATOR_SOURCES = [join(repo, 'schemas', 'flow.schema.json'), join(repo, 'flow', 'flow-schema-validator.ts'), join(repo, 'flow', 'validation-schema.ts')];

/** ajv's standalone code of the shipped flow schema's validator, made by flow/flow-schema-validator.ts (bundled and run here); kept while its sources are the same (every bundle of a build needs it). */
let validatorCode;
async function flowSchemaValidatorCode() {
  const sources = VALIDATOR_SOURCES.map((file) => readFileSync(file, 'utf8')).join('\0');
  if (validatorCode?.sources === sources) return validatorCode.code;
  const schemaText = readFileSync(VALIDATOR_SOURCES[0], 'utf8');
  const { outputFiles } = await esbuild.build({ entryPoints: [join(repo, 'flow', 'flow-schema-validator.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', write: false, logLevel: 'silent' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, createRequire(join(repo, 'esbuild.mjs')));
  validatorCode = { sources, code: module.exports.flowSchemaValidatorCode(JSON.parse(schemaText)) };
  return validatorCode.code;
}

/**
 * Puts the shipped flow schema's validator, precompiled, in place of flow/shipped-flow-schema-validator.ts
 * (which compiles it when run from sources): no process compiles the schema at startup, and only the
 * executor's bundle holds ajv's compiler (for the payload schemas flows name).
 */
const flowSchemaValidator = {
  name: 'flow-schema-validator',
  setup(build) {
    build.onResolve({ filter: /^\.\/shipped-flow-schema-validator$/ }, (args) =>
      args.importer.endsWith(join('flow', 'schema-validation.ts')) ? { path: 'shipped-flow-schema-validator', namespace: 'flow-schema-validator' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'flow-schema-validator' }, async () => ({
      contents: `${await flowSchemaValidatorCode()}\nexport function shippedFlowSchemaValidator() { return validate; }\n`,
      loader: 'js',
      resolveDir: repo,
      watchFiles: VALIDATOR_SOURCES,
    }));
  },
};

/** yaml's ES module build (the same code as its CommonJS one) is bundled as plain functions; the CommonJS one is
 * reached through esbuild's getters on every call, which costs the parse of a large flow some 10%. */
const YAML_ES_MODULE = { yaml: './node_modules/yaml/browser/index.js' };

const FLOW_DIR = join(repo, 'flow');
/** flow/ modules only the build runs (they make the shipped validator, see flowSchemaValidator): in no bundle. */
const BUILD_TIME_FLOW_MODULES = new Set(['flow-schema-validator', 'shipped-flow-schema-validator']);
/** Every module of flow/ (the language: parsing, checks, schema, edits, export) by its path there, without `.ts`. */
const FLOW_MODULES = readdirSync(FLOW_DIR, { recursive: true })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length).split(sep).join('/'))
  .filter((module) => !BUILD_TIME_FLOW_MODULES.has(module))
  .sort();
const FLOW_BUNDLE = 'dist/shared/flow.js';

/**
 * dist/shared/flow.js: flow/ and yaml, once for the language server, the client's flow-language.js and the
 * executor (each of which would otherwise carry its own ~330 KB copy): every flow module as a namespace
 * of `modules`, and yaml as `yaml`.
 */
const flowBundle = {
  ...node,
  stdin: {
    contents: [
      ...FLOW_MODULES.map((module, i) => `import * as m${i} from './flow/${module}';`),
      `export const modules = { ${FLOW_MODULES.map((module, i) => `${JSON.stringify(module)}: m${i}`).join(', ')} };`,
      "export * as yaml from 'yaml';",
    ].join('\n'),
    resolveDir: repo,
    sourcefile: 'shared-flow-bundle.ts',
    loader: 'ts',
  },
  outfile: FLOW_BUNDLE,
  alias: YAML_ES_MODULE,
  plugins: [flowSchemaValidator],
};

/**
 * In a bundle that lives in dist/<folder>/: an import of a flow/ module (from outside flow/) or of yaml is
 * dist/shared/flow.js's, required at run time, instead of a copy of its own.
 */
const sharedFlow = {
  name: 'shared-flow',
  setup(build) {
    const bundle = '../shared/flow.js';
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'shared-flow' }));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      // The require of the shared bundle itself; no flow/ file is loaded here, so no import comes from one.
      if (args.namespace === 'shared-flow') return { path: args.path, external: true };
      const target = join(args.resolveDir, args.path).replace(/\.(ts|js)$/, '');
      if (!target.startsWith(FLOW_DIR + sep)) return undefined;
      const module = relative(FLOW_DIR, target).split(sep).join('/');
      if (!FLOW_MODULES.includes(module)) return { errors: [{ text: `flow/${module} is not a module of ${FLOW_BUNDLE}` }] };
      return { path: module, namespace: 'shared-flow' };
    });
    build.onLoad({ filter: /.*/, namespace: 'shared-flow' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(bundle)})${args.path === 'yaml' ? '.yaml' : `.modules[${JSON.stringify(args.path)}]`};`,
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  flowBundle,
  // Activation loads extension.js only (its few flow/ modules bundled in it); client/lazy-bundles.ts requires the other two on first use.
  {
    ...node,
    entryPoints: { 'client/extension': 'client/extension.ts', 'client/language-client': 'client/language-client.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [lazyBundles],
  },
  {
    ...node,
    entryPoints: { 'client/flow-language': 'client/flow-language.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [lazyBundles, sharedFlow],
  },
  // Also the `flowtracer-language-server` command of package.json's bin (other editors run it with --stdio).
  {
    ...node,
    entryPoints: { 'server/server': 'server/server.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [sharedFlow],
  },
  {
    ...node,
    // One bundle is both the `flowtracer` CLI and the extension's executor child (forked with --executor-child).
    entryPoints: { 'executor/cli': 'executor/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [kafkajsReplacements, sharedFlow],
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
    plugins: [flowSchemaValidator],
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
