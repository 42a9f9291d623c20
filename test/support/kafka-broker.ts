// Starts a single-node KRaft Apache Kafka broker (broker + controller) on free loopback ports for the tests.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

const run = promisify(execFile);

export interface RunningBroker {
  readonly brokers: string;
  readonly logFile: string;
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `log.dirs=${path.join(dir, 'data')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

const LOG4J1 = 'log4j.rootLogger=INFO, out\nlog4j.appender.out=org.apache.log4j.ConsoleAppender\nlog4j.appender.out.layout=org.apache.log4j.PatternLayout\nlog4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n\n';
const LOG4J2 = 'rootLogger.level=INFO\nrootLogger.appenderRef.out.ref=out\nappender.out.type=Console\nappender.out.name=out\nappender.out.layout.type=PatternLayout\nappender.out.layout.pattern=[%d] %p %m (%c)%n\n';

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether nothing listens on 127.0.0.1:`port` (a listen there succeeds). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Formats storage and starts `kafka.Kafka` on `port` (default: a free one); resolves once an admin client's
 * describeCluster answers.
 */
export async function startKafkaBroker(version: string, libs: string, timeoutMs = 90_000, brokerPort?: number): Promise<RunningBroker> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), `flowtracer-kafka-${version}-`));
  const [port, controllerPort] = [brokerPort ?? (await freePort()), await freePort()];
  const config = path.join(dir, 'server.properties');
  writeFileSync(config, serverProperties(dir, port, controllerPort));
  writeFileSync(path.join(dir, 'log4j.properties'), LOG4J1);
  writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J2);
  const logFile = path.join(dir, 'broker.log');
  const jvm = [
    '-Xms256m', '-Xmx768m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
    '-cp', `${libs}/*`,
  ];
  const clusterId = newClusterId();
  try {
    await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], { maxBuffer: 8 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Kafka ${version}: formatting the storage failed:\n${`${stdout}\n${stderr}`.trim()}`);
  }
  const out = openSync(logFile, 'a');
  const child = spawn('java', [...jvm, 'kafka.Kafka', config], { stdio: ['ignore', out, out] });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const brokers = `127.0.0.1:${port}`;
  const stop = () => stopBroker(child, dir);
  try {
    await waitUntilReady(brokers, () => exited, timeoutMs);
  } catch (error) {
    const log = tail(logFile);
    await stop();
    throw new Error(`Kafka ${version} did not start: ${(error as Error).message}\n--- broker log (tail) ---\n${log}`);
  }
  return { brokers, logFile, startupMs: Date.now() - started, stop };
}

async function waitUntilReady(brokers: string, exitCode: () => number | null | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({ clientId: 'flowtracer-test-probe', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
  for (;;) {
    if (exitCode() !== undefined) throw new Error(`the broker process exited with code ${String(exitCode())}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      // A group's offsets answer once the group coordinator has loaded __consumer_offsets (created by
      // this first ask): until then the first test to join a group waits out its load, or fails.
      if (cluster.brokers.length > 0 && cluster.controller !== null) {
        await admin.fetchOffsets({ groupId: 'flowtracer-test-probe' });
        return;
      }
    } catch {
      // not answering yet, or its coordinator still loads
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${brokers} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopBroker(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A random KRaft cluster id that does not start with `-`: kafka-storage's argument parser reads
 * `-t -x…` as another option (one id in 64 did, and the broker never started).
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
