// Fetches the Apache Kafka broker jars with Maven (test/pom.xml) into a cache outside git, once per version.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest 4.x Maven Central serves; `KAFKA_VERSION` picks another (CI also runs 3.9.1). */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** The logging backend each line of Kafka expects behind slf4j. */
function loggingArtifact(version: string): string[] {
  return version.startsWith('3.')
    ? ['-Dlog.groupId=org.slf4j', '-Dlog.artifactId=slf4j-reload4j', '-Dlog.version=1.7.36', '-Dslf4j.version=1.7.36']
    : ['-Dlog.groupId=org.apache.logging.log4j', '-Dlog.artifactId=log4j-slf4j2-impl', '-Dlog.version=2.24.3', '-Dslf4j.version=2.0.17'];
}

export function kafkaCacheDir(version: string): string {
  const root = process.env.FLOWTRACER_CACHE ?? path.join(homedir(), '.cache', 'flowtracer');
  return path.join(root, `kafka-${version}`);
}

/** The directory holding every jar of the broker's classpath; downloads it when not yet complete. */
export async function ensureKafkaJars(version: string): Promise<string> {
  const dir = kafkaCacheDir(version);
  const libs = path.join(dir, 'libs');
  const complete = path.join(dir, '.complete');
  if (existsSync(complete) && readdirSync(libs).length > 0) return libs;
  const pom = path.join(__dirname, '..', 'pom.xml');
  try {
    await run('mvn', ['-q', '-B', '-f', pom, `-Dkafka.version=${version}`, ...loggingArtifact(version), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Maven could not fetch Apache Kafka ${version} (test/pom.xml):\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  }
  writeFileSync(complete, new Date().toISOString());
  return libs;
}
