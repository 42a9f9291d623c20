// The `flowtracer` command line: one table of commands (arguments, options, handler); a new command is one entry and its handler.
import { VALIDATION_MODES } from '../flow/model';
import { EXPORT_FORMATS, type ExportFormat } from '../flow/export/format-resolved';
import type { RunMode } from '../protocol/executor-events';
import { commandHelp, commandList, optionText, parseCommand, usageReminder, UsageError, type CliCommand, type CommandInput } from './cli-arguments';
import { ExitCode, joinCommand, reportError, resumeCommand, retryCommand, runCommand } from './cli-commands';
import { exportCommand } from './cli-export';
import { migrateCommand } from './cli-migrate';
import { COMMON, flags, MOVING, MOVING_ONLY, withStore } from './cli-options';
import { Redactor } from './redaction';
import { environmentSecretValues } from './values';
import { serveExecutorChild } from './executor-child';
import { EXECUTOR_CHILD_ARG } from '../protocol/executor-events';
import { runsCommand, showCommand, traceCommand } from './cli-inspect';
import { validateCommand } from './cli-validate';
import { MESSAGE_COMMANDS } from './cli-messages';

export { ExitCode };

export const COMMANDS: readonly CliCommand[] = [
  {
    name: 'validate', args: ['FILE'], options: COMMON,
    summary: ['check a .flow.yaml file and print its diagnostics', 'exit 3 when one of them is an error'],
    run: (input) => validateCommand(input.args.FILE!, input.options.json === true),
  },
  {
    name: 'run', args: ['[FILE]'],
    options: {
      ...MOVING,
      mode: { type: 'string', choices: VALIDATION_MODES, help: 'the validation mode (default: the flow\'s)' },
      only: { type: 'string', value: 'COMPONENT', help: 'run only the connections into this component' },
      join: { type: 'string', value: 'RUN', help: 'one more process for a running run (FILE: the flow, if not at the recorded path)' },
    },
    synopsis: ['run FILE [--mode off|warn|strict|dry-run] [--only COMPONENT] [--max-in-flight N]', 'run --join RUN [FILE]'],
    summary: [
      'run a flow; --join: one more process for a running run',
      '--only runs the connections into one component. A joining process shares the run\'s Kafka sources\'',
      'partitions through consumer groups; FILE is the flow, if not at the recorded path.',
    ],
    run: (input) => {
      const join = optionText(input, 'join');
      const file = input.args.FILE;
      if (join !== undefined) {
        if (input.options.mode !== undefined || input.options.only !== undefined) throw new UsageError('--join takes the mode and components of the run it joins');
        return withStore(input, (f) => joinCommand(join, file, f));
      }
      if (file === undefined) throw new UsageError('missing FILE');
      const mode = optionText(input, 'mode') as RunMode | undefined;
      const only = optionText(input, 'only');
      return withStore(input, (f) => runCommand(file, { ...(mode ? { mode } : {}), ...(only ? { only } : {}) }, f));
    },
  },
  {
    name: 'retry', args: ['RUN', '[COMPONENT]'], options: MOVING,
    summary: ['re-deliver exactly the parked messages (of one component), then continue downstream'],
    run: (input) => withStore(input, (f) => retryCommand(input.args.RUN!, input.args.COMPONENT, f)),
  },
  {
    name: 'resume', args: ['RUN'], options: MOVING,
    summary: ['continue an interrupted run from its committed positions'],
    run: (input) => withStore(input, (f) => resumeCommand(input.args.RUN!, f)),
  },
  {
    name: 'runs', args: ['[migrate]'], options: COMMON,
    synopsis: ['runs', 'runs migrate --runs-store URL'],
    summary: ['list the runs; migrate: copy the runs of --runs-dir into the store (runs already there are left as they are)'],
    run: (input) => {
      const sub = input.args.migrate;
      if (sub === undefined) return withStore(input, (f) => runsCommand(f));
      if (sub !== 'migrate') throw new UsageError(`unknown runs command '${sub}' (runs migrate copies a folder's runs into a store)`);
      return migrateCommand(flags(input));
    },
  },
  {
    name: 'show', args: ['RUN'], options: COMMON,
    summary: ['a run\'s summary, parked messages and in-flight window'],
    run: (input) => withStore(input, (f) => showCommand(input.args.RUN!, f)),
  },
  {
    name: 'trace', args: ['ID|KEY'], options: COMMON,
    summary: ['a message\'s path through every run, by trace id or key', 'exit 7 when no run has it'],
    run: (input) => withStore(input, (f) => traceCommand(input.args['ID|KEY']!, f)),
  },
  {
    name: 'export', args: ['FILE'],
    options: { ...COMMON, format: { type: 'string', choices: EXPORT_FORMATS, help: 'the output (default yaml)' } },
    summary: ['the flow with defaults applied, kinds inferred, env resolved (secrets stay references)'],
    run: (input) => exportCommand(input.args.FILE!, (optionText(input, 'format') ?? 'yaml') as ExportFormat),
  },
  ...MESSAGE_COMMANDS,
];

const FOOTER = `access: a flow with access: runs only for the GitHub account of GH_TOKEN (or GITHUB_TOKEN), verified with
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

const USAGE = commandList(COMMANDS, [{ title: 'every command', options: COMMON }, { title: 'run, retry, resume; --github-api-url also browse, send, export-messages, redrive', options: MOVING_ONLY }], FOOTER);

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const asked = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(asked ? commandHelp(asked, COMMON) : USAGE);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`flowtracer ${name}: unknown command '${name}'\n${USAGE}`);
    return ExitCode.usage;
  }
  let input: CommandInput | undefined;
  try {
    input = parseCommand(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`flowtracer ${name}: ${error.message}\n${usageReminder(command, COMMON)}`);
    return ExitCode.usage;
  }
  if (!input) {
    process.stdout.write(commandHelp(command, COMMON));
    return ExitCode.ok;
  }
  try {
    return await command.run(input);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`flowtracer ${name}: ${error.message}\n${usageReminder(command, COMMON)}`);
      return ExitCode.usage;
    }
    return reportError(name, error, input.options.json === true, new Redactor(environmentSecretValues()));
  }
}

if (require.main === module && process.argv[2] === EXECUTOR_CHILD_ARG && process.send) {
  serveExecutorChild();
} else if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The command is done: a client library still holding a socket or timer (kafkajs leaving a group
    // in the middle of a rebalance) must not keep the process alive. Unref'd: a clean exit is not delayed.
    setTimeout(() => process.exit(code), 5000).unref();
  });
}
