// Copies the jars of a pom (and profile) from Maven Central into a cache folder outside git, once: the one way Java tools reach this project.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `$FLOWTRACER_CACHE`, or ~/.cache/flowtracer. */
export function cacheRoot(): string {
  return process.env.FLOWTRACER_CACHE ?? path.join(homedir(), '.cache', 'flowtracer');
}

/**
 * The folder `<cache>/<name>/libs` holding every jar `mvn dependency:copy-dependencies` copies for
 * `pom` with `args` (properties, `-P<profile>`); Maven runs only when the folder is not complete yet.
 * `what` names the tool in the error.
 */
export async function mavenJars(what: string, name: string, pom: string, args: readonly string[]): Promise<string> {
  const dir = path.join(cacheRoot(), name);
  const libs = path.join(dir, 'libs');
  const complete = path.join(dir, '.complete');
  if (existsSync(complete) && readdirSync(libs).length > 0) return libs;
  try {
    await run('mvn', ['-q', '-B', '-f', pom, ...args, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Maven could not fetch ${what} (${path.relative(process.cwd(), pom)}):\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  }
  writeFileSync(complete, new Date().toISOString());
  return libs;
}
