// npm run test:editor: runs the editor mocha suite inside a real VS Code (code-server's server + headless Chromium),
// with a Kafka broker of its own (the services layer's KRaft broker) unless FLOWTRACER_TEST_KAFKA_BROKERS names one.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../../support/kafka-jars.ts';
import { startKafkaBroker } from '../../support/kafka-broker.ts';
import { CHROMIUM_ARGS, ensureCodeServer, repoDir, startVsCodeServer } from './vscode-server.mjs';

// trusted (default): the server runs with workspace trust off; untrusted: the folder stays untrusted
// (the trust prompt is refused in test mode). The suite reads the same variable.
const trust = process.env.FLOWTRACER_EDITOR_WORKSPACE_TRUST || 'trusted';
if (trust !== 'trusted' && trust !== 'untrusted') {
  console.error(`editor tests: FLOWTRACER_EDITOR_WORKSPACE_TRUST must be "trusted" or "untrusted", not "${trust}"`);
  process.exit(1);
}
const timeoutMs = Number(process.env.FLOWTRACER_EDITOR_TIMEOUT_MS || 10 * 60_000);
const testIndex = join(repoDir, 'dist', 'test', 'editor', 'index.js');
if (!existsSync(testIndex)) {
  console.error(`editor tests: ${testIndex} is missing; run "npm run build" first (npm test does).`);
  process.exit(1);
}

/** The names examples/order-flow reads from the environment (and its tasks pass on). */
function exampleNames(tag) {
  return { EXAMPLE_ORDERS_TOPIC: `ft-example-orders-${tag}`, EXAMPLE_ORDERS_QUEUE: `ft-example-orders-${tag}`, EXAMPLE_PROCESSED_TABLE: `ft_example_processed_${tag}` };
}

ensureCodeServer();
// The workspace is a copy of examples/ inside a scratch folder that also links node_modules, so the examples'
// tasks (feeders, the order service) find their packages as they do in the checkout, outside the workspace.
const scratch = mkdtempSync(join(tmpdir(), 'flowtracer-editor-workspace-'));
const workspace = join(scratch, 'examples');
symlinkSync(join(repoDir, 'node_modules'), join(scratch, 'node_modules'), 'dir');
const examples = join(repoDir, 'examples');
if (existsSync(examples)) cpSync(examples, workspace, { recursive: true });
else mkdirSync(workspace);

// The examples and the tests that move messages through Kafka get a broker, as npm start gives the examples one.
let broker;
if (!process.env.FLOWTRACER_TEST_KAFKA_BROKERS) {
  broker = await startKafkaBroker(DEFAULT_KAFKA_VERSION, await ensureKafkaJars(DEFAULT_KAFKA_VERSION));
  process.env.FLOWTRACER_TEST_KAFKA_BROKERS = broker.brokers;
  console.log(`editor tests: Kafka ${DEFAULT_KAFKA_VERSION} at ${broker.brokers} (up in ${broker.startupMs} ms)`);
}

// The extension host is a child of the server, so it inherits these (service URLs, grep, trust).
const passedEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('FLOWTRACER_'))),
  FLOWTRACER_EDITOR_WORKSPACE_TRUST: trust,
  // As npm start passes its Kafka to VS Code and the examples' tasks.
  ...(process.env.FLOWTRACER_TEST_KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.FLOWTRACER_TEST_KAFKA_BROKERS } : {}),
  // The order example's topic, queue and table, this run's own (others share the brokers and the database).
  ...exampleNames(randomBytes(4).toString('hex')),
};
let server;
let browser;
let finished = false;

async function finish(code, reason) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  if (reason) console.error(`editor tests: ${reason}`);
  if (code !== 0 && server) {
    console.error('---- VS Code server log ----');
    console.error(server.log.join('').trimEnd());
    console.error('---- end of VS Code server log ----');
  }
  await browser?.close().catch(() => {});
  server?.stop();
  await broker?.stop().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}

const watchdog = setTimeout(() => {
  void finish(1, `TIMED OUT after ${timeoutMs} ms without the suite reporting its end`);
}, timeoutMs);
process.on('SIGINT', () => void finish(130, 'interrupted'));
process.on('SIGTERM', () => void finish(143, 'terminated'));

try {
  server = await startVsCodeServer({ env: passedEnv, extraArgs: trust === 'trusted' ? ['--disable-workspace-trust'] : [] });
  const { port } = server;
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(repoDir)],
    ['extensionTestsPath', remote(join(repoDir, 'dist', 'test', 'editor', 'index'))],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.url}/?folder=${remote(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The workbench forwards console calls as (format, ...values).
    // Colour codes are dropped: the output is read as plain text (and summed by .ci/run).
    const line = format(...(Array.isArray(args) ? args : [args])).replace(/\x1b\[[0-9;]*m/g, '');
    (type === 'error' ? console.error : console.log)(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    void finish(Number(code) === 0 ? 0 : 1, Number(code) === 0 ? undefined : `the suite ended with exit code ${code}`);
  });
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
} catch (error) {
  await finish(1, error instanceof Error ? error.message : String(error));
}
