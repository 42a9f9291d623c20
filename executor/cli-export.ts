// `flowtracer export FILE [--format yaml|json]`: prints the resolved flow (defaults, kinds, env values; secrets stay references).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFlow } from '../flow/check';
import { DiagnosticSeverity } from '../flow/diagnostic';
import { formatResolvedFlow, type ExportFormat } from '../flow/export/format-resolved';
import { resolveFlow } from '../flow/export/resolve-flow';
import { formatDiagnostic } from '../flow/format-diagnostic';

/** Returns the exit code: 0 written, 2 the file cannot be read, 3 the flow has errors. */
export function exportCommand(file: string, format: ExportFormat, env: NodeJS.ProcessEnv = process.env): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`flowtracer: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
    return 2;
  }
  const errors = checkFlow(text, { path: resolve(file), fs: { exists: existsSync } }).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (errors.length > 0) {
    for (const d of errors) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
    process.stderr.write(`flowtracer export: ${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them before exporting\n`);
    return 3;
  }
  const { flow, unresolvedEnv } = resolveFlow(text, env);
  for (const name of unresolvedEnv) process.stderr.write(`flowtracer export: \${env:${name}} is not set and has no default; left as written\n`);
  process.stdout.write(formatResolvedFlow(flow, format));
  return 0;
}
