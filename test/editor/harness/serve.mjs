// npm start: serves VS Code in the browser at http://127.0.0.1:8080 with this checkout's FlowTracer on examples/,
// and a local single-node Kafka for the examples (run through tsx: it reuses the tests' broker in test/support/).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer, repoDir, startVsCodeServer } from './vscode-server.mjs';
import { startExampleKafka } from './example-kafka.ts';

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

// The examples read KAFKA_BROKERS (default localhost:9092): a broker of the user's own is used as it is.
const kafka = process.env.KAFKA_BROKERS ? undefined : await startExampleKafka();
const env = kafka ? { KAFKA_BROKERS: kafka.brokers } : {};
if (process.env.KAFKA_BROKERS) console.log(`Kafka: KAFKA_BROKERS=${process.env.KAFKA_BROKERS} (yours; npm start starts none)`);
else if (!kafka) console.log('Kafka: not started, Java is not installed. The examples that read Kafka need a broker: install a JDK (17 or newer) and run npm start again, or start one and set KAFKA_BROKERS.');
let broker;
kafka?.ready.then(
  (running) => {
    broker = running;
    console.log(`Kafka: ready on ${kafka.brokers} (KAFKA_BROKERS in VS Code and its tasks)`);
  },
  (error) => console.log(`Kafka: could not start on ${kafka.brokers}: ${error.message.split('\n')[0]}`),
);
if (kafka) console.log(`Kafka: starting on ${kafka.brokers} (the first time, Maven fetches its jars)…`);

const server = await startVsCodeServer({ port, env, extensionsDir, extraArgs: ['--default-folder', examples] });
console.log(`FlowTracer ${manifest.version} in VS Code: ${server.url}/?folder=${encodeURIComponent(examples)}`);
console.log('Press Ctrl+C to stop.');
const stop = async () => {
  server.stop();
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.once('exit', (code) => {
  console.error(`the VS Code server stopped (exit code ${code}):\n${server.log.join('')}`);
  process.exit(1);
});
