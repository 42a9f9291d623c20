// The message commands of the CLI: browse, send, export-messages and redrive, each behind the flow's access rule.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { FlowComponent, FlowModel } from '../flow/model';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { durationProblem, parseDuration } from '../flow/durations';
import { ExitCode, reportError, UsageError, withEngine, type CommonFlags } from './cli-commands';
import { authorizeCli } from './cli-access';
import { buildConnectors, closeConnectors, preflightAll } from './component-connectors';
import type { Browse, BrowsedMessage, BrowseOptions, Connector, FlowMessage } from './connectors/connector';
import { createConnector } from './connectors/registry';
import { startRun } from './engine';
import { DeadLetterGroups, type DeadLetterGroup } from './messages/dead-letters';
import { MessageLineError, messageLines, messageRecord, payloadText } from './messages/message-lines';
import { isEmptySearch, matchesSearch, type MessageSearch } from './messages/message-search';
import { planRedrive, redriveFlowText, type ComponentAddress } from './messages/redrive-plan';
import { sendMessages } from './messages/send-messages';
import { PayloadValidator } from './payload-validation';
import { planRun } from './plan';
import { Redactor } from './redaction';
import { environmentSecrets, resolveValues } from './values';

export const MESSAGE_COMMANDS: ReadonlySet<string> = new Set(['browse', 'send', 'export-messages', 'redrive']);

export const MESSAGES_USAGE = `  browse FILE COMPONENT [--from earliest|latest|OFFSET|TIME] [--partitions 0,1] [--limit N]
         [--grep TEXT] [--key KEY] [--header NAME[=VALUE]] [--json]
                                    show a kafka or mq component's messages without changing anything (Kafka: a
                                    group of its own that commits nothing; RabbitMQ: every message goes back, in
                                    order, marked redelivered); --limit (default 100) counts the matches
                                    of a search; --from latest: the last N of each partition
  send FILE COMPONENT MESSAGES.ndjson
                                    publish one message a line ({ key, headers, value } or valueBase64) through the
                                    component (publisher confirms, acks=-1), each checked first against the schema of
                                    the component's connections: nothing is sent if one fails
  export-messages FILE COMPONENT OUT.ndjson [--limit N] [--from …] [--partitions …] [--grep …]
                                    write a component's messages (browsed, nothing changes) to an .ndjson file
  redrive FILE COMPONENT [--to COMPONENT] [--origin ORIGIN]… [--reason TEXT]… [--dry-run] [--keep-headers]
          [--max-redrives N]        move the dead letters in COMPONENT back to their origin components (kafka:TOPIC,
                                    mq:QUEUE), one run each (journal, retry, show); --dry-run lists the groups by origin
                                    and reason and where each would go; a message redriven N times (default
                                    ${String(DEAD_LETTER_DEFAULTS.maxRedrives)}) stays and is reported
`;

const BROWSE_DEFAULT_LIMIT = 100;
const SEND_WINDOW = 64;

const COMMON = {
  json: { type: 'boolean' },
  'github-api-url': { type: 'string' },
} as const;

const BROWSE_OPTIONS = {
  ...COMMON,
  from: { type: 'string' },
  partitions: { type: 'string' },
  limit: { type: 'string' },
  grep: { type: 'string' },
  key: { type: 'string' },
  header: { type: 'string' },
} as const;

const REDRIVE_OPTIONS = {
  ...COMMON,
  to: { type: 'string' },
  origin: { type: 'string', multiple: true },
  reason: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'keep-headers': { type: 'boolean' },
  'max-redrives': { type: 'string' },
  'runs-dir': { type: 'string' },
  'stop-grace': { type: 'string' },
} as const;

type Options = Parameters<typeof parseArgs>[0] extends infer P ? (P extends { options?: infer O } ? O : never) : never;

function parse<O extends Options>(args: readonly string[], options: O, positional: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length < positional.length) throw new UsageError(`missing ${positional.slice(parsed.positionals.length).join(' ')}`);
  if (parsed.positionals.length > positional.length) throw new UsageError(`unexpected ${parsed.positionals.slice(positional.length).join(' ')}`);
  return parsed;
}

function wholeNumber(value: string | undefined, what: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${what} must be a whole number, ${min} or more`);
  return n;
}

function partitionsOf(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((p) => Number(p.trim()));
  if (list.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new UsageError('--partitions is a comma-separated list of partition numbers');
  return list;
}

/** Ctrl-C or SIGTERM aborts the command (a browse then gives its messages back). */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  return { signal: controller.signal, dispose: () => (process.off('SIGINT', abort), process.off('SIGTERM', abort)) };
}

interface LoadedFlow {
  readonly file: string;
  readonly model: FlowModel;
  readonly component: FlowComponent;
}

/** The checked flow (PlanRefused when it has errors) and the kafka or mq component named. */
function loadComponent(file: string, name: string): LoadedFlow {
  const path = resolve(file);
  const model = planRun(readFileSync(path, 'utf8'), { path, fs: { exists: existsSync } }).model;
  const component = model.components.find((c) => c.name === name);
  if (!component) throw new UsageError(`the flow has no component '${name}'`);
  if (component.type !== 'kafka' && component.type !== 'mq') throw new UsageError(`component ${name} is a ${component.type ?? 'component'}: messages can be browsed, sent and redriven for kafka and mq components`);
  return { file: path, model, component };
}

async function connectorFor(component: FlowComponent, signal: AbortSignal): Promise<Connector> {
  const connectors = await buildConnectors([component], { factory: createConnector, env: process.env, secrets: environmentSecrets(), redactor: new Redactor() }, signal);
  return connectors.get(component.name)!;
}

/** Runs a message command: access first (browsing payloads is access too), known errors as one line and an exit code. */
async function guarded(command: string, file: string, json: boolean, githubApiUrl: string | undefined, body: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const stop = interruptible();
  try {
    const access = await authorizeCli(resolve(file), { env: process.env, ...(githubApiUrl ? { githubApiUrl } : {}) });
    if (access.because && !json) process.stderr.write(`flowtracer: access: ${access.because}\n`);
    return await body(stop.signal);
  } catch (error) {
    if (error instanceof MessageLineError) return reportError(command, new UsageError(error.message), json);
    return reportError(command, error, json);
  } finally {
    stop.dispose();
  }
}

/**
 * Browses a component and hands on what the search matches, at most `limit` of them, and always
 * gives the messages back at the end. With a search, the component is read until `limit` matches
 * (or its end): the limit counts what is shown, not what was looked at.
 */
async function eachBrowsed(connector: Connector, options: BrowseOptions, search: MessageSearch, signal: AbortSignal, use: (m: BrowsedMessage) => Promise<void> | void): Promise<void> {
  if (!connector.browse) throw new UsageError(`component ${connector.type} cannot be browsed`);
  const searching = !isEmptySearch(search);
  const latest = options.from === 'latest' || options.from === 'end';
  const browse: Browse = await connector.browse(searching && !latest ? { ...options, limit: Number.MAX_SAFE_INTEGER } : options, signal);
  let matched = 0;
  try {
    for await (const message of browse.messages(signal)) {
      if (searching && !matchesSearch(message, search)) continue;
      await use(message);
      if (++matched >= options.limit) break;
    }
  } finally {
    const note = await browse.close();
    if (note) process.stderr.write(`flowtracer: ${note}\n`);
  }
}

function showMessage(m: BrowsedMessage): string {
  const where = [m.position, m.timestamp, m.routingKey !== undefined ? `routing key ${m.routingKey || '(none)'}` : undefined, m.redelivered ? 'redelivered' : undefined].filter(Boolean).join('  ');
  const headers = Object.keys(m.headers).length > 0 ? `\n  headers ${JSON.stringify(m.headers)}` : '';
  const body = payloadText(m.value).replace(/\n/g, '\n  ');
  return `${where}  key ${m.key ?? '(none)'}${headers}\n  ${body}\n`;
}

function browseArgs(values: { from?: string; partitions?: string; limit?: string; grep?: string; key?: string; header?: string }, defaultLimit: number) {
  return {
    options: { ...(values.from ? { from: values.from } : {}), ...(values.partitions ? { partitions: partitionsOf(values.partitions)! } : {}), limit: wholeNumber(values.limit, '--limit') ?? defaultLimit },
    search: { ...(values.grep !== undefined ? { text: values.grep } : {}), ...(values.key !== undefined ? { key: values.key } : {}), ...(values.header !== undefined ? { header: values.header } : {}) },
  };
}

async function browseCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, BROWSE_OPTIONS, ['FILE', 'COMPONENT']);
  const [file, name] = positionals as [string, string];
  const json = values.json === true;
  return guarded('browse', file, json, values['github-api-url'], async (signal) => {
    const { component } = loadComponent(file, name);
    const { options, search } = browseArgs(values, BROWSE_DEFAULT_LIMIT);
    const connector = await connectorFor(component, signal);
    let shown = 0;
    try {
      await eachBrowsed(connector, options, search, signal, (m) => {
        shown += 1;
        process.stdout.write(json ? `${JSON.stringify(messageRecord(m, true))}\n` : showMessage(m));
      });
    } finally {
      await connector.close();
    }
    if (!json) process.stderr.write(`flowtracer browse: ${shown} message${shown === 1 ? '' : 's'} of ${name}\n`);
    return ExitCode.ok;
  });
}

async function exportMessagesCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, BROWSE_OPTIONS, ['FILE', 'COMPONENT', 'OUT']);
  const [file, name, out] = positionals as [string, string, string];
  const json = values.json === true;
  return guarded('export-messages', file, json, values['github-api-url'], async (signal) => {
    const { component } = loadComponent(file, name);
    const { options, search } = browseArgs(values, Number.MAX_SAFE_INTEGER);
    const connector = await connectorFor(component, signal);
    const stream = createWriteStream(out, { flags: 'w' });
    let written = 0;
    try {
      await eachBrowsed(connector, options, search, signal, async (m) => {
        if (!stream.write(`${JSON.stringify(messageRecord(m, false))}\n`)) await once(stream, 'drain');
        written += 1;
        if (!json && written % 1000 === 0) process.stderr.write(`flowtracer export-messages: ${written}…\n`);
      });
    } finally {
      await connector.close();
      stream.end();
      await once(stream, 'close');
    }
    if (json) process.stdout.write(`${JSON.stringify({ exported: written, file: out })}\n`);
    else process.stdout.write(`exported ${written} message${written === 1 ? '' : 's'} of ${name} to ${out}\n`);
    return ExitCode.ok;
  });
}

/** The schema of every connection into or out of the component: what a message sent to it must satisfy. */
function validatorsFor(file: string, model: FlowModel, component: string): { schema: string; validator: PayloadValidator }[] {
  const schemas = new Set(model.connections.filter((c) => (c.to === component || c.from === component) && typeof c.props.schema === 'string').map((c) => c.props.schema as string));
  return [...schemas].map((schema) => ({ schema, validator: PayloadValidator.fromFile(file, schema) }));
}

function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}

async function sendCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, COMMON, ['FILE', 'COMPONENT', 'MESSAGES.ndjson']);
  const [file, name, messagesFile] = positionals as [string, string, string];
  const json = values.json === true;
  return guarded('send', file, json, values['github-api-url'], async (signal) => {
    const { component, model, file: path } = loadComponent(file, name);
    const validators = validatorsFor(path, model, name);
    // Every line is read and checked before the first is sent: a bad file sends nothing.
    let count = 0;
    const problems: string[] = [];
    for await (const { message, line } of messageLines(fileLines(messagesFile))) {
      count += 1;
      for (const { schema, validator } of validators) {
        const check = validator.check(message.value);
        if (!check.valid && problems.length < 10) problems.push(`line ${line}: does not match ${schema}: ${check.problem}`);
      }
    }
    if (problems.length > 0) {
      for (const p of problems) process.stderr.write(`flowtracer send: ${p}\n`);
      return reportError('send', new Error(`${messagesFile}: messages do not match the schema; nothing was sent`), json);
    }
    const connector = await connectorFor(component, signal);
    try {
      await preflightAll(new Map([[name, connector]]), new Redactor(), signal);
      if (!connector.openWriter) throw new UsageError(`component ${name} cannot be written to`);
      const writer = await connector.openWriter({}, signal);
      const messages = (async function* (): AsyncIterable<FlowMessage> {
        for await (const { message } of messageLines(fileLines(messagesFile))) yield message;
      })();
      let outcome;
      try {
        outcome = await sendMessages(writer, messages, signal, { window: SEND_WINDOW, onSent: (n) => !json && n % 1000 === 0 && process.stderr.write(`flowtracer send: ${n}/${count}…\n`) });
      } finally {
        await writer.close();
      }
      if (json) process.stdout.write(`${JSON.stringify({ sent: outcome.sent, of: count, ...(outcome.error ? { error: outcome.error } : {}) })}\n`);
      else process.stdout.write(`sent ${outcome.sent} of ${count} message${count === 1 ? '' : 's'} to ${name}\n`);
      if (outcome.error) process.stderr.write(`flowtracer send: ${new Redactor().redact(outcome.error)}\n`);
      return outcome.error ? ExitCode.failed : signal.aborted ? ExitCode.stopped : ExitCode.ok;
    } finally {
      await closeConnectors(new Map([[name, connector]]));
    }
  });
}

/** Each kafka and mq component's topic or queue, resolved: what dead letters' origins are matched with. */
async function addresses(model: FlowModel, signal: AbortSignal): Promise<ComponentAddress[]> {
  const sources = { env: process.env, secrets: environmentSecrets(), redactor: new Redactor() };
  const out: ComponentAddress[] = [];
  for (const component of model.components.filter((c) => c.type === 'kafka' || c.type === 'mq')) {
    const where = { topic: component.props.topic, queue: component.props.queue };
    const resolved = await resolveValues(where, { ...sources, owner: `component ${component.name}` }, signal).catch(() => where);
    out.push({ component, ...(typeof resolved.topic === 'string' ? { topic: resolved.topic } : {}), ...(typeof resolved.queue === 'string' ? { queue: resolved.queue } : {}) });
  }
  return out;
}

function describeGroup(g: DeadLetterGroup): string {
  return `${g.originId} (${g.reason}): ${g.count} message${g.count === 1 ? '' : 's'}${g.tooOften > 0 ? `, ${g.tooOften} redriven too often (left)` : ''}`;
}

async function redriveCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, REDRIVE_OPTIONS, ['FILE', 'COMPONENT']);
  const [file, name] = positionals as [string, string];
  const json = values.json === true;
  const maxRedrives = wholeNumber(values['max-redrives'], '--max-redrives', 0) ?? DEAD_LETTER_DEFAULTS.maxRedrives;
  const keepHeaders = values['keep-headers'] === true;
  const runsDir = resolve(values['runs-dir'] ?? '.flowtracer/runs');
  return guarded('redrive', file, json, values['github-api-url'], async (signal) => {
    const { component, model, file: path } = loadComponent(file, name);
    const to = values.to === undefined ? undefined : model.components.find((c) => c.name === values.to);
    if (values.to !== undefined && !to) throw new UsageError(`--to: the flow has no component '${values.to}'`);
    if (to && to.type !== 'kafka' && to.type !== 'mq') throw new UsageError(`--to ${to.name}: dead letters are redriven to kafka and mq components`);
    if (to?.name === name) throw new UsageError('--to names the dead-letter component itself');
    // What is there, read-only: the groups by origin and reason.
    const groups = new DeadLetterGroups(maxRedrives);
    const connector = await connectorFor(component, signal);
    try {
      await eachBrowsed(connector, { limit: Number.MAX_SAFE_INTEGER }, {}, signal, (m) => groups.add(m.headers));
    } finally {
      await connector.close();
    }
    const picked = groups.list().filter((g) => (!values.origin || values.origin.includes(g.originId)) && (!values.reason || values.reason.includes(g.reason)));
    const plan = planRedrive(picked.filter((g) => g.count > 0), await addresses(model, signal), name, to);
    const tooOften = picked.reduce((n, g) => n + g.tooOften, 0);
    const report = {
      groups: picked.map((g) => ({ origin: g.originId, reason: g.reason, count: g.count, tooOften: g.tooOften, to: plan.moves.find((m) => m.groups.includes(g))?.target.name ?? null })),
      notDeadLetters: groups.notDeadLetters,
    };
    if (!json) {
      for (const g of picked) {
        const target = plan.moves.find((m) => m.groups.includes(g))?.target.name;
        process.stdout.write(`${describeGroup(g)} -> ${target ?? (g.count > 0 ? 'no component of the flow is this origin: pass --to COMPONENT' : 'nothing to move')}\n`);
      }
      if (groups.notDeadLetters > 0) process.stdout.write(`${groups.notDeadLetters} message${groups.notDeadLetters === 1 ? ' is' : 's are'} no dead letter${groups.notDeadLetters === 1 ? '' : 's'} (left)\n`);
      if (picked.length === 0) process.stdout.write(`no dead letters${values.origin || values.reason ? ' match' : ''} in ${name}\n`);
    }
    if (tooOften > 0) process.stderr.write(`flowtracer redrive: ${tooOften} message${tooOften === 1 ? ' was' : 's were'} redriven ${maxRedrives} times already and stay${tooOften === 1 ? 's' : ''} in ${name} (--max-redrives)\n`);
    if (json) process.stdout.write(`${JSON.stringify({ dryRun: values['dry-run'] === true, ...report })}\n`);
    if (values['dry-run']) return ExitCode.ok;
    // Each move is an ordinary run of a flow of two components, one after the other (a queue is read by one connection at a time).
    const folder = join(dirname(runsDir), 'redrives');
    mkdirSync(folder, { recursive: true });
    const stopGraceMs = values['stop-grace'] === undefined ? undefined : parseDuration(values['stop-grace']);
    if (values['stop-grace'] !== undefined && stopGraceMs === undefined) throw new UsageError(`--stop-grace: ${durationProblem(values['stop-grace'])}`);
    const flags: CommonFlags = { json, runsDir, ...(stopGraceMs !== undefined ? { stopGraceMs } : {}), ...(values['github-api-url'] ? { githubApiUrl: values['github-api-url'] } : {}) };
    let worst: number = plan.unmatched.length > 0 ? ExitCode.failed : ExitCode.ok;
    for (const [i, move] of plan.moves.entries()) {
      if (signal.aborted) return ExitCode.stopped;
      const flowFile = join(folder, `${model.id ?? 'flow'}-${name}-to-${move.target.name}-${Date.now()}-${i}.flow.yaml`);
      writeFileSync(flowFile, `# Written by flowtracer redrive from ${path}\n${redriveFlowText(model, component, move, { maxRedrives, keepHeaders })}`);
      if (!json) process.stderr.write(`flowtracer redrive: ${move.originId} -> ${move.target.name} (flow ${flowFile})\n`);
      const code = await withEngine(flags, `redrive ${name} -> ${move.target.name}`, () => Promise.resolve(flowFile), (d) => startRun(flowFile, {}, d));
      if (code !== ExitCode.ok && (worst === ExitCode.ok || code > worst)) worst = code;
    }
    return worst;
  });
}

export function messagesCommand(command: string, args: readonly string[]): Promise<number> {
  const run = { browse: browseCommand, send: sendCommand, 'export-messages': exportMessagesCommand, redrive: redriveCommand }[command as 'browse'];
  return run(args).catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`flowtracer ${command}: ${error.message}\nusage:\n${MESSAGES_USAGE}`);
      return ExitCode.usage;
    }
    return reportError(command, error, args.includes('--json'));
  });
}
