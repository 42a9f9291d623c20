// The Java reference tools (RabbitMQ PerfTest, Kafka's perf tools, an Apache Camel route): jars from bench/pom.xml, run as child processes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mavenJars } from '../../test/support/maven-jars';

export type JavaTool = 'perf-test' | 'kafka-tools' | 'camel';

const POM = path.join(__dirname, '..', 'pom.xml');

/** A reference that could not run: the benchmark fails, naming it. */
export class ReferenceFailed extends Error {}

/** The classpath folder of one profile of bench/pom.xml, fetched once per version of the pom. */
export async function javaToolJars(tool: JavaTool): Promise<string> {
  const version = createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 8);
  try {
    return await mavenJars(`the ${tool} reference`, `bench-${tool}-${version}`, POM, [`-P${tool}`]);
  } catch (error) {
    throw new ReferenceFailed(`reference ${tool} could not be fetched: ${(error as Error).message}`);
  }
}

/** Runs `java -cp <classpath> <main> args…` to its end; its stdout, or a ReferenceFailed naming `reference` with the output's tail. */
export function runJava(reference: string, classpath: readonly string[], main: string, args: readonly string[], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('java', ['-cp', classpath.join(path.delimiter), main, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
      reject(new ReferenceFailed(`reference ${reference} could not run (${error.message.split('\n')[0]}):\n${tail}`));
    });
  });
}

/** The number in `text` after `label` (e.g. `receiving rate avg: 1234 msg/s`), or a ReferenceFailed naming `reference`. */
export function figureAfter(reference: string, text: string, label: RegExp): number {
  const match = label.exec(text);
  if (!match?.[1]) throw new ReferenceFailed(`reference ${reference} printed no ${label.source}:\n${text.trim().split('\n').slice(-10).join('\n')}`);
  return Number(match[1].replace(/,/g, ''));
}
