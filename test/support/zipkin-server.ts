// A real Zipkin server (io.zipkin:zipkin-server exec jar from Maven Central, in-memory storage) for the tracing tests: started once, on first use.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './kafka-broker';

const run = promisify(execFile);

export const ZIPKIN_VERSION = '3.5.1';

export interface RunningZipkin {
  /** `http://127.0.0.1:PORT`: the UI and query API; spans are posted to `${url}/api/v2/spans`. */
  readonly url: string;
  readonly logFile: string;
}

/** The exec jar, fetched with Maven into the cache outside git (as the Kafka jars are) when not there yet. */
export async function ensureZipkinJar(version = ZIPKIN_VERSION): Promise<string> {
  const root = process.env.FLOWTRACER_CACHE ?? path.join(homedir(), '.cache', 'flowtracer');
  const dir = path.join(root, `zipkin-${version}`);
  const jar = path.join(dir, `zipkin-server-${version}-exec.jar`);
  if (existsSync(jar)) return jar;
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=io.zipkin:zipkin-server:${version}:jar:exec`, `-DoutputDirectory=${dir}`], { maxBuffer: 16 * 1024 * 1024, cwd: tmpdir() });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Maven could not fetch io.zipkin:zipkin-server:${version} (exec jar):\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  }
  return jar;
}

let starting: Promise<RunningZipkin> | undefined;
let child: ChildProcess | undefined;
let workDir: string | undefined;

/** The test process's Zipkin: started on the first call (free loopback port as QUERY_PORT, in-memory storage), the same one after. */
export function zipkinServer(): Promise<RunningZipkin> {
  starting ??= startZipkin();
  return starting;
}

async function startZipkin(timeoutMs = 120_000): Promise<RunningZipkin> {
  const jar = await ensureZipkinJar();
  const port = await freePort();
  workDir = mkdtempSync(path.join(tmpdir(), 'flowtracer-zipkin-'));
  const logFile = path.join(workDir, 'zipkin.log');
  const out = openSync(logFile, 'a');
  child = spawn('java', ['-Xms64m', '-Xmx768m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', jar], {
    stdio: ['ignore', out, out],
    env: { ...process.env, QUERY_PORT: String(port), STORAGE_TYPE: 'mem', QUERY_BIND_ADDRESS: '127.0.0.1', SELF_TRACING_ENABLED: 'false' },
  });
  closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Zipkin exited with code ${child.exitCode}:\n${tail(logFile)}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return { url, logFile };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopZipkin();
      throw new Error(`Zipkin did not answer at ${url}/health within ${timeoutMs} ms:\n${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Stops the Zipkin this process started, if it did (the services fixture's teardown). */
export async function stopZipkin(): Promise<void> {
  const running = child;
  child = undefined;
  starting = undefined;
  if (running && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A Zipkin v2 span as `/api/v2/trace/{id}` returns it. */
export interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  readonly name: string;
  readonly kind?: string;
  readonly timestamp: number;
  readonly duration?: number;
  readonly localEndpoint?: { readonly serviceName?: string };
  readonly tags?: Readonly<Record<string, string>>;
  readonly annotations?: readonly { readonly timestamp: number; readonly value: string }[];
}

/** A trace's spans once Zipkin has at least `count` of them (spans arrive in batches), polled until `timeoutMs`. */
export async function zipkinTrace(zipkin: RunningZipkin, traceId: string, count: number, timeoutMs = 20_000): Promise<ZipkinSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let spans: ZipkinSpan[] = [];
  for (;;) {
    const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
    if (response.ok) spans = (await response.json()) as ZipkinSpan[];
    else await response.body?.cancel();
    if (spans.length >= count || Date.now() > deadline) return spans;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
