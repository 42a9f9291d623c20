// Benchmark of the language server: a first open, validation after an edit, completion, memory, against yaml-language-server on the same file.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionRequest, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol';
import { getFlowLanguageService } from '../../server/language-service';
import { generateFlow } from './generate-flow';
import { percentile, summary } from './percentiles';
import { startStdioLanguageServer } from './stdio-language-server';
import { yamlLanguageServiceValidator } from './yaml-language-service-reference';

const ROOT = resolve(__dirname, '../..');
const SCHEMA_URI = pathToFileURL(resolve(ROOT, 'schemas/flow.schema.json')).toString();
/** This build's server, or another one (e.g. main's dist/server/server.js) to compare on the same machine. */
const OUR_SERVER = resolve(process.env.BENCH_LANGUAGE_SERVER ?? resolve(ROOT, 'dist/server/server.js'));
const YAML_SERVER = resolve(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
/** yaml-language-server waits this long after open/change before validating (yamlSettings.validationDelayMs). */
const YAMLLS_DELAY_MS = 200;

/** The flow with the topic of component `index` (a kafka one) renamed: a typical edit. */
function edited(text: string, iteration: number): string {
  return text.replace('topic: topic-0\n', `topic: topic-0-edit-${iteration}\n`);
}

/** Open -> diagnostics of `text` on fresh servers (what a user waits for first): wall time and the server's CPU time. */
async function firstOpens(script: string, languageId: string, text: string, count: number, settings?: unknown): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = await startStdioLanguageServer(script, settings);
    const uri = `file:///bench/first-${i}.flow.yaml`;
    const received = server.nextDiagnostics(uri);
    const cpuBefore = server.cpuMilliseconds();
    const start = performance.now();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    await received;
    wall.push(performance.now() - start);
    cpu.push(server.cpuMilliseconds() - cpuBefore);
    await server.stop();
  }
  return { wall, cpu };
}

async function measure(components: number, connections: number, runs: number): Promise<void> {
  const { text } = generateFlow(components, connections);
  console.log(`\n== ${components} components, ${connections} connections (${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines)`);

  // 1. In process: our full validation (YAML, schema, semantics) of a new version after an edit.
  const service = getFlowLanguageService({ fs: { exists: () => true } });
  let document = TextDocument.create('file:///bench/generated.flow.yaml', 'flow-yaml', 0, text);
  const ours: number[] = [];
  let diagnosticCount = 0;
  for (let i = 0; i < runs + 3; i++) {
    document = TextDocument.update(document, [{ text: edited(text, i) }], document.version + 1);
    const start = performance.now();
    diagnosticCount = service.doValidation(document).length;
    if (i >= 3) ours.push(performance.now() - start);
  }
  console.log(`FlowTracer validation after an edit (in process): ${summary(ours)}; ${diagnosticCount} diagnostics`);

  // 2. In process: yaml-language-server's language service, schema only, same text and schema.
  const validateWithYamlls = await yamlLanguageServiceValidator(resolve(ROOT, 'schemas/flow.schema.json'), SCHEMA_URI);
  const theirs: number[] = [];
  let theirCount = 0;
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now();
    theirCount = await validateWithYamlls(edited(text, i), i);
    if (i >= 3) theirs.push(performance.now() - start);
  }
  console.log(`yaml-language-server schema-only validation (in process): ${summary(theirs)}; ${theirCount} diagnostics`);
  console.log(`ratio (yaml-language-server p50 / FlowTracer p50): ${(percentile(theirs, 0.5) / percentile(ours, 0.5)).toFixed(1)}x`);

  // 3. In process: completion after validation (the parse is cached), for a `to:` value and for keys.
  const toLine = document.getText().split('\n').findIndex((line) => line.startsWith('    to: '));
  const keyText = document.getText().replace('    topic: topic-5\n', '    topic: topic-5\n    \n');
  const keyDocument = TextDocument.create('file:///bench/keys.flow.yaml', 'flow-yaml', 1, keyText);
  const keyLine = keyText.split('\n').findIndex((line, index, all) => line === '    ' && all[index - 1] === '    topic: topic-5');
  service.doValidation(keyDocument);
  const completion: number[] = [];
  for (let i = 0; i < 110; i++) {
    const start = performance.now();
    if (i % 2) service.doComplete(document, { line: toLine, character: 8 });
    else service.doComplete(keyDocument, { line: keyLine, character: 4 });
    if (i >= 10) completion.push(performance.now() - start);
  }
  console.log(`FlowTracer completion (in process, \`to:\` values and keys): ${summary(completion)}`);
  // Completion right after a keystroke: the new version is parsed (incrementally) for it, before any validation.
  const typed: number[] = [];
  let typing = document;
  for (let i = 0; i < 33; i++) {
    typing = TextDocument.update(typing, [{ text: edited(text, 1000 + i) }], typing.version + 1);
    const start = performance.now();
    service.doComplete(typing, { line: toLine, character: 8 });
    if (i >= 3) typed.push(performance.now() - start);
  }
  console.log(`FlowTracer completion right after an edit (in process, parse included): ${summary(typed)}`);

  // 4. Over stdio, on fresh servers: the first open of the file, ours and yaml-language-server's (schema only, as below).
  const fresh = Number(process.env.BENCH_FIRST_OPENS ?? 5);
  const ourFirst = await firstOpens(OUR_SERVER, 'flow-yaml', text, fresh);
  const yamlSettings = { yaml: { validate: true, hover: false, completion: false, schemaStore: { enable: false } } };
  const theirFirst = await firstOpens(YAML_SERVER, 'yaml', `# yaml-language-server: $schema=${SCHEMA_URI}\n${text}`, fresh, yamlSettings);
  console.log(`first open -> diagnostics on a fresh server over stdio (${fresh} servers each): FlowTracer ${summary(ourFirst.wall)} (server CPU ${summary(ourFirst.cpu)}); ` +
    `yaml-language-server ${summary(theirFirst.wall)} (server CPU ${summary(theirFirst.cpu)}); ratio (yaml-language-server p50 / FlowTracer p50) ${(percentile(theirFirst.wall, 0.5) / percentile(ourFirst.wall, 0.5)).toFixed(1)}x`);

  // 5. Over stdio: our bundled server (open -> diagnostics, completion round trips, RSS).
  const server = await startStdioLanguageServer(OUR_SERVER);
  const wire: number[] = [];
  for (let i = 0; i < Math.min(runs, 8); i++) {
    const uri = `file:///bench/wire-${i}.flow.yaml`;
    const received = server.nextDiagnostics(uri);
    const start = performance.now();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'flow-yaml', version: 1, text: edited(text, i) } });
    await received;
    wire.push(performance.now() - start);
    if (i < Math.min(runs, 8) - 1) await server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }
  const lastUri = `file:///bench/wire-${Math.min(runs, 8) - 1}.flow.yaml`;
  const wireCompletion: number[] = [];
  for (let i = 0; i < 40; i++) {
    const start = performance.now();
    await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: lastUri }, position: { line: toLine, character: 8 } });
    if (i >= 10) wireCompletion.push(performance.now() - start);
  }
  // An edit as VS Code sends it (incremental sync: one range replaced), then the diagnostics of that version.
  const base = edited(text, Math.min(runs, 8) - 1);
  const topicLine = base.split('\n').findIndex((line) => line.startsWith('    topic: topic-0-edit-'));
  const changes: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const received = server.nextDiagnostics(lastUri);
    const start = performance.now();
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: lastUri, version: 2 + i },
      contentChanges: [{ range: { start: { line: topicLine, character: 11 }, end: { line: topicLine, character: 1000 } }, text: `topic-0-change-${i}` }],
    });
    await received;
    if (i >= 3) changes.push(performance.now() - start);
  }
  console.log(`FlowTracer server over stdio: open -> diagnostics ${summary(wire)}; edit -> diagnostics (pushed: the bench client does not pull) ${summary(changes)}; completion round trip ${summary(wireCompletion)}; server RSS ${server.rssMegabytes().toFixed(0)} MB`);
  await server.stop();

  // 6. Over stdio: yaml-language-server with the same schema (a modeline), open -> diagnostics.
  const yamlls = await startStdioLanguageServer(YAML_SERVER, yamlSettings);
  const yamllsWire: number[] = [];
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const uri = `file:///bench/yamlls-${i}.flow.yaml`;
    const received = yamlls.nextDiagnostics(uri);
    const start = performance.now();
    await yamlls.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text: `# yaml-language-server: $schema=${SCHEMA_URI}\n${edited(text, i)}` },
    });
    await received;
    yamllsWire.push(performance.now() - start);
    if (i < Math.min(runs, 5) - 1) await yamlls.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }
  // An edit of the last open document (full text, as yaml-language-server gets it too), after its debounce.
  const lastYamlUri = `file:///bench/yamlls-${Math.min(runs, 5) - 1}.flow.yaml`;
  const yamllsChanges: number[] = [];
  for (let i = 0; i < Math.min(runs, 5) + 1; i++) {
    const received = yamlls.nextDiagnostics(lastYamlUri);
    const start = performance.now();
    await yamlls.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: lastYamlUri, version: 2 + i },
      contentChanges: [{ text: `# yaml-language-server: $schema=${SCHEMA_URI}\n${edited(text, 100 + i)}` }],
    });
    await received;
    if (i >= 1) yamllsChanges.push(performance.now() - start - YAMLLS_DELAY_MS);
  }
  console.log(`yaml-language-server over stdio: open -> diagnostics ${summary(yamllsWire)}; edit -> diagnostics (minus its ${YAMLLS_DELAY_MS} ms debounce) ${summary(yamllsChanges)}; RSS ${yamlls.rssMegabytes().toFixed(0)} MB`);
  console.log(`ratios over stdio (yaml-language-server p50 / FlowTracer p50): open ${(percentile(yamllsWire, 0.5) / percentile(wire, 0.5)).toFixed(1)}x, edit ${(percentile(yamllsChanges, 0.5) / percentile(changes, 0.5)).toFixed(1)}x`);
  await yamlls.stop();
}

async function main(): Promise<void> {
  console.log('Memory is the RSS of each server process driven over stdio, read from /proc/<pid>/status after the runs.');
  console.log(`FlowTracer server: ${OUR_SERVER}`);
  const sizes = (process.env.BENCH_SIZES ?? '200,2000').split(',').map(Number);
  if (sizes.includes(200)) await measure(200, 300, Number(process.env.BENCH_RUNS_SMALL ?? 30));
  if (sizes.includes(2000)) await measure(2000, 3000, Number(process.env.BENCH_RUNS_LARGE ?? 10));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
