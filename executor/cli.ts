// The `flowtracer` command line: validate, run (and run --join), retry, resume, runs, show, trace.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFlow } from '../flow/check';
import { DiagnosticSeverity } from '../flow/diagnostic';
import { formatDiagnostic } from '../flow/format-diagnostic';
import { durationProblem, parseDuration } from '../flow/durations';
import { ExitCode, joinCommand, parseMode, reportError, resumeCommand, retryCommand, runCommand, UsageError, type CommonFlags } from './cli-commands';
import { inspectCommand } from './cli-inspect';
import { exportCommand } from './cli-export';
import { MESSAGE_COMMANDS, MESSAGES_USAGE, messagesCommand } from './cli-messages';

export { ExitCode };

const USAGE = `usage: flowtracer <command> [options]

commands:
  validate FILE [--json]            check a .flow.yaml file and print its diagnostics
  run FILE [--mode off|warn|strict|dry-run] [--only COMPONENT] [--max-in-flight N]
                                    run a flow; --only runs the connections into one component
  run --join RUN [FILE]             one more process for a running run: its Kafka sources' partitions are
                                    shared through consumer groups (FILE: the flow, if not at the recorded path)
  retry RUN [COMPONENT]             re-deliver exactly the parked messages (of one component), then continue downstream
  resume RUN                        continue an interrupted run from its committed positions
  runs                              list the runs
  show RUN                          a run's summary, parked messages and in-flight window
  trace ID|KEY                      a message's path through every run, by trace id or key
  export FILE [--format yaml|json]  the flow with defaults applied, kinds inferred, env resolved (secrets stay references)
${MESSAGES_USAGE}
options (every command):
  --json                            machine-readable output on stdout
  --runs-dir DIR                    where runs live (default .flowtracer/runs)
  --stop-grace DURATION             run, retry, resume: on Ctrl-C or SIGTERM, stop reading at once and wait this
                                    long (default 5s; 0s: none) for the messages in flight to be confirmed and
                                    committed; a second Ctrl-C aborts at once
  --github-api-url URL              run, retry, resume, run --join: the GitHub API that checks a flow's access:
                                    rule (default https://api.github.com, or FLOWTRACER_GITHUB_API_URL; GitHub
                                    Enterprise: https://HOST/api/v3); the token is sent there and nowhere else

access: a flow with access: runs only for the GitHub account of GH_TOKEN (or GITHUB_TOKEN), verified with
  GitHub (GET /user) and recorded as the run's actor; without a token, or when GitHub cannot answer, it is
  refused. Without access: the actor is the local user (local:NAME). Run ids look like 20261129-012233-ab12.

secrets: \${secret:NAME} is read from the environment variable FLOWTRACER_SECRET_<NAME>.

exit codes:
  0 ok · 1 run failed (parked, blocked or unreconciled messages) · 2 usage · 3 invalid flow
  4 pre-flight failed (a component is unreachable) · 5 missing secret or env value
  6 run stopped or interrupted · 7 no such run
  8 another process is running the run (named in the message), or took it over from this one
  9 access refused: the flow's access: rule does not list the token's GitHub account, no token is set,
    or GitHub could not answer (the message says which)
`;

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

interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly flags: CommonFlags;
}

const VALUE_OPTIONS = new Set(['--mode', '--only', '--runs-dir', '--max-in-flight', '--join', '--stop-grace', '--github-api-url']);

function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (VALUE_OPTIONS.has(arg)) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      options.set(arg, value);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const maxInFlight = options.has('--max-in-flight') ? Number(options.get('--max-in-flight')) : undefined;
  if (maxInFlight !== undefined && !(Number.isInteger(maxInFlight) && maxInFlight > 0)) throw new UsageError('--max-in-flight must be a positive whole number');
  const stopGraceMs = options.has('--stop-grace') ? parseDuration(options.get('--stop-grace')) : undefined;
  if (options.has('--stop-grace') && stopGraceMs === undefined) throw new UsageError(`--stop-grace: ${durationProblem(options.get('--stop-grace'))}`);
  const runsDir = resolve(options.get('--runs-dir') ?? '.flowtracer/runs');
  const githubApiUrl = options.get('--github-api-url');
  return { positional, options, flags: { json, runsDir, ...(maxInFlight ? { maxInFlight } : {}), ...(stopGraceMs !== undefined ? { stopGraceMs } : {}), ...(githubApiUrl ? { githubApiUrl } : {}) } };
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'validate') return validate(rest);
  if (command === 'export') return exportCommand(rest);
  if (command !== undefined && MESSAGE_COMMANDS.has(command)) return messagesCommand(command, rest);
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(rest);
    const [first, second] = parsed.positional;
    switch (command) {
      case 'run': {
        const join = parsed.options.get('--join');
        if (join !== undefined) {
          if (parsed.options.has('--mode') || parsed.options.has('--only')) throw new UsageError('--join takes the mode and components of the run it joins');
          return await joinCommand(join, first, parsed.flags);
        }
        const mode = parseMode(parsed.options.get('--mode'));
        const only = parsed.options.get('--only');
        return await runCommand(need(first, 'FILE'), { ...(mode ? { mode } : {}), ...(only ? { only } : {}) }, parsed.flags);
      }
      case 'retry':
        return await retryCommand(need(first, 'RUN'), second, parsed.flags);
      case 'resume':
        return await resumeCommand(need(first, 'RUN'), parsed.flags);
      case 'runs':
      case 'show':
      case 'trace':
        return await inspectCommand(command, first, parsed.flags);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`flowtracer ${command}: ${error.message}\n${USAGE}`);
      return ExitCode.usage;
    }
    return reportError(command, error, rest.includes('--json'));
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The command is done: a client library still holding a socket or timer (kafkajs leaving a group
    // in the middle of a rebalance) must not keep the process alive. Unref'd: a clean exit is not delayed.
    setTimeout(() => process.exit(code), 5000).unref();
  });
}
