// `flowtracer validate FILE`: checks a .flow.yaml file and prints its diagnostics (exit 3 when one is an error).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFlow } from '../flow/check';
import { DiagnosticSeverity } from '../flow/diagnostic';
import { formatDiagnostic } from '../flow/format-diagnostic';
import { ExitCode } from './cli-commands';

export function validateCommand(file: string, json: boolean): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`flowtracer: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
    return ExitCode.usage;
  }
  const { diagnostics } = checkFlow(text, { path: resolve(file), fs: { exists: existsSync } });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
  if (json) {
    process.stdout.write(`${JSON.stringify({ file, diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(file, d)}\n`);
    if (diagnostics.length === 0) process.stdout.write(`${file}: ok\n`);
  }
  return errors > 0 ? ExitCode.invalidFlow : ExitCode.ok;
}
