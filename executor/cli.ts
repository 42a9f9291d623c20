// The `flowtracer` command line: validate (and, as the executor grows, run, retry, resume, trace).
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFlow } from '../flow/check';
import { DiagnosticSeverity } from '../flow/diagnostic';
import { formatDiagnostic } from '../flow/format-diagnostic';
import { exportCommand } from './cli-export';

const USAGE = `usage: flowtracer <command> [options]

commands:
  validate FILE [--json]   check a .flow.yaml file and print its diagnostics
`;

/** Exit codes CI can rely on. */
export const ExitCode = { ok: 0, failed: 1, usage: 2, invalidFlow: 3 } as const;

function validate(args: string[]): number {
  const json = args.includes('--json');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write(`flowtracer validate: missing FILE\n${USAGE}`);
    return ExitCode.usage;
  }
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

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validate(rest);
    case 'export':
      return exportCommand(rest);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    default:
      process.stderr.write(`flowtracer: unknown command '${command}'\n${USAGE}`);
      return ExitCode.usage;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
