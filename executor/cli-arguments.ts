// The CLI's one argument parser: a command is a table entry (arguments, options, handler), parsed with node:util parseArgs, its --help written from the same entry.
import { parseArgs } from 'node:util';

/** A usage mistake: exit 2, with the command's help. */
export class UsageError extends Error {}

export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in the help: `DIR`, `N`, `DURATION` (string options). */
  readonly value?: string;
  /** The values it takes (checked, and listed in the help). */
  readonly choices?: readonly string[];
  /** The problem with a value, in a sentence, or undefined when it is fine. */
  readonly check?: (value: string) => string | undefined;
  /** Given more than once, each value kept (`--origin A --origin B`): a list. */
  readonly multiple?: true;
  /** Shown in the command's help (and the global one for the options every command takes). */
  readonly help: string;
}

export type CliOptions = Readonly<Record<string, CliOption>>;

/** What a handler gets: its arguments by name (`FILE`, `RUN`), its option values by name (`runs-dir`). */
export interface CommandInput {
  readonly args: Readonly<Record<string, string | undefined>>;
  readonly options: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** A string option's value (the last one given), or undefined. */
export function optionText(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A `multiple` option's values, or undefined when it was not given. */
export function optionList(input: CommandInput, name: string): readonly string[] | undefined {
  const value = input.options[name];
  return Array.isArray(value) ? (value as readonly string[]) : undefined;
}

export interface CliCommand {
  readonly name: string;
  /** Its arguments in order, as the help writes them: `FILE`, `[COMPONENT]` (optional). */
  readonly args: readonly string[];
  readonly options: CliOptions;
  /** One line for the command list, more lines for its own --help. */
  readonly summary: readonly string[];
  /** The usage lines when the arguments and options alone do not say it (`run --join RUN [FILE]`). */
  readonly synopsis?: readonly string[];
  readonly run: (input: CommandInput) => Promise<number> | number;
}

const HELP_OPTION: CliOption = { type: 'boolean', help: 'this help' };

/** `RUN` -> required, `[COMPONENT]` -> optional. */
function argName(arg: string): { readonly name: string; readonly optional: boolean } {
  return arg.startsWith('[') ? { name: arg.slice(1, -1), optional: true } : { name: arg, optional: false };
}

/**
 * The command's arguments and options from `argv` (what follows the command's name); undefined when
 * `--help` was asked for. Unknown options, missing values, bad values, missing or extra arguments
 * throw a UsageError.
 */
export function parseCommand(command: CliCommand, argv: readonly string[]): CommandInput | undefined {
  const options: CliOptions = { ...command.options, help: HELP_OPTION };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(name === 'help' ? { short: 'h' } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(parseArgsProblem(error));
  }
  if (parsed.values.help === true) return undefined;
  for (const [name, given] of Object.entries(parsed.values)) {
    const option = options[name]!;
    for (const value of Array.isArray(given) ? given : [given]) {
      if (typeof value !== 'string') continue;
      if (option.choices && !option.choices.includes(value)) throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}, not '${value}'`);
      const problem = option.check?.(value);
      if (problem) throw new UsageError(`--${name}: ${problem}`);
    }
  }
  const declared = command.args.map(argName);
  if (parsed.positionals.length > declared.length) throw new UsageError(`unexpected argument '${parsed.positionals[declared.length]!}'`);
  const args: Record<string, string | undefined> = {};
  declared.forEach(({ name, optional }, i) => {
    const value = parsed.positionals[i];
    if (value === undefined && !optional) throw new UsageError(`missing ${name}`);
    args[name] = value;
  });
  return { args, options: { ...parsed.values } as CommandInput['options'] };
}

/** parseArgs' errors are TypeErrors with a code; their message names the option. */
function parseArgsProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${/'([^']+)'/.exec(message ?? '')?.[1] ?? ''}`.trim();
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[\w-]+)/.exec(message ?? '')?.[1];
    return option ? `${option} needs a value` : String(message);
  }
  return String(message ?? error);
}

function optionUsage(name: string, option: CliOption): string {
  if (option.type === 'boolean') return `--${name}`;
  return `--${name} ${option.choices ? option.choices.join('|') : (option.value ?? 'VALUE')}${option.multiple ? '…' : ''}`;
}

/** The usage lines of a command: its synopsis, or its name, arguments and the options it alone takes. */
function synopsis(command: CliCommand, common: CliOptions): readonly string[] {
  if (command.synopsis) return command.synopsis;
  const own = Object.entries(command.options).filter(([name]) => !(name in common));
  return [[command.name, ...command.args, ...own.map(([name, o]) => `[${optionUsage(name, o)}]`)].join(' ')];
}

function optionLines(options: CliOptions): string[] {
  return Object.entries(options).flatMap(([name, option]) => twoColumns(optionUsage(name, option), option.help.split('\n')));
}

function twoColumns(left: string, right: readonly string[]): string[] {
  const [first = '', ...more] = right;
  const lines = left.length < 34 ? [`  ${left.padEnd(34)}${first}`] : [`  ${left}`, `${' '.repeat(36)}${first}`];
  return [...lines, ...more.map((line) => `${' '.repeat(36)}${line}`)];
}

export interface OptionSection {
  readonly title: string;
  readonly options: CliOptions;
}

/** `flowtracer help`: every command in a line (or two), then each section of options, then `footer`. */
export function commandList(commands: readonly CliCommand[], sections: readonly OptionSection[], footer: string): string {
  const listed = Object.assign({}, ...sections.map((s) => s.options)) as CliOptions;
  const lines = ['usage: flowtracer <command> [options]   (flowtracer <command> --help: its own help)', '', 'commands:'];
  for (const command of commands) {
    const usage = synopsis(command, listed);
    lines.push(...usage.slice(0, -1).map((line) => `  ${line}`), ...twoColumns(usage[usage.length - 1]!, [command.summary[0]!]));
  }
  for (const section of sections) lines.push('', `options (${section.title}):`, ...optionLines(section.options));
  return `${lines.join('\n')}\n\n${footer}`;
}

/** What a usage mistake prints after its sentence: the command's usage lines and where its help is. */
export function usageReminder(command: CliCommand, common: CliOptions): string {
  const usage = synopsis(command, common).map((line, i) => `${i === 0 ? 'usage: flowtracer' : '       flowtracer'} ${line}`);
  return `${usage.join('\n')}\n(flowtracer ${command.name} --help: its options)\n`;
}

/** `flowtracer <command> --help`: its usage, what it does, and every option it takes. */
export function commandHelp(command: CliCommand, common: CliOptions): string {
  return [
    ...synopsis(command, common).map((line, i) => `${i === 0 ? 'usage: flowtracer' : '       flowtracer'} ${line}`),
    '',
    ...command.summary,
    '',
    'options:',
    ...optionLines({ ...command.options, help: HELP_OPTION }),
    '',
  ].join('\n');
}
