// The message commands of the CLI: browse, send, export-messages and redrive, each behind the flow's access rule.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { UsageError } from './cli-arguments';
import { ExitCode, reportError } from './cli-commands';
import { COMMON_OPTIONS, guarded, parseCommand, partitionsOf, say, wholeNumber } from './cli-message-args';
import { redriveCommand } from './cli-redrive';
import type { BrowsedMessage } from './connectors/connector';
import { browseComponent, connectorFor, loadComponent } from './messages/component-messages';
import { messageRecord, payloadText } from './messages/message-lines';
import { sendLines } from './messages/send-lines';
import { Redactor } from './redaction';
import { environmentSecretValues } from './values';

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

const BROWSE_OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: 'string' },
  partitions: { type: 'string' },
  limit: { type: 'string' },
  grep: { type: 'string' },
  key: { type: 'string' },
  header: { type: 'string' },
} as const;

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
  const { values, positionals } = parseCommand(args, BROWSE_OPTIONS, ['FILE', 'COMPONENT']);
  const [file, name] = positionals as [string, string];
  const json = values.json === true;
  return guarded('browse', file, json, values['github-api-url'], async (signal) => {
    const { component } = loadComponent(file, name);
    const { options, search } = browseArgs(values, BROWSE_DEFAULT_LIMIT);
    const connector = await connectorFor(component, signal);
    let shown = 0;
    try {
      await browseComponent(connector, options, search, signal, (m) => {
        shown += 1;
        process.stdout.write(json ? `${JSON.stringify(messageRecord(m, true))}\n` : showMessage(m));
      }, say);
    } finally {
      await connector.close();
    }
    if (!json) process.stderr.write(`flowtracer browse: ${shown} message${shown === 1 ? '' : 's'} of ${name}\n`);
    return ExitCode.ok;
  });
}

async function exportMessagesCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, BROWSE_OPTIONS, ['FILE', 'COMPONENT', 'OUT']);
  const [file, name, out] = positionals as [string, string, string];
  const json = values.json === true;
  return guarded('export-messages', file, json, values['github-api-url'], async (signal) => {
    const { component } = loadComponent(file, name);
    const { options, search } = browseArgs(values, Number.MAX_SAFE_INTEGER);
    const connector = await connectorFor(component, signal);
    const stream = createWriteStream(out, { flags: 'w' });
    let written = 0;
    try {
      await browseComponent(connector, options, search, signal, async (m) => {
        if (!stream.write(`${JSON.stringify(messageRecord(m, false))}\n`)) await once(stream, 'drain');
        written += 1;
        if (!json && written % 1000 === 0) process.stderr.write(`flowtracer export-messages: ${written}…\n`);
      }, say);
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

function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}

async function sendCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, COMMON_OPTIONS, ['FILE', 'COMPONENT', 'MESSAGES.ndjson']);
  const [file, name, messagesFile] = positionals as [string, string, string];
  const json = values.json === true;
  return guarded('send', file, json, values['github-api-url'], async (signal) => {
    const report = await sendLines(file, name, () => fileLines(messagesFile), undefined, signal, (n, of) => !json && n % 1000 === 0 && process.stderr.write(`flowtracer send: ${n}/${of}…\n`));
    if (!report.checked) {
      for (const p of report.problems) process.stderr.write(`flowtracer send: ${p}\n`);
      return reportError('send', new Error(`${messagesFile}: messages do not match the schema; nothing was sent`), json, new Redactor(environmentSecretValues()));
    }
    const count = report.of;
    if (json) process.stdout.write(`${JSON.stringify({ sent: report.sent, of: count, ...(report.error ? { error: report.error } : {}) })}\n`);
    else process.stdout.write(`sent ${report.sent} of ${count} message${count === 1 ? '' : 's'} to ${name}\n`);
    if (report.error) process.stderr.write(`flowtracer send: ${new Redactor().redact(report.error)}\n`);
    return report.error ? ExitCode.failed : signal.aborted ? ExitCode.stopped : ExitCode.ok;
  });
}

export function messagesCommand(command: string, args: readonly string[]): Promise<number> {
  const run = { browse: browseCommand, send: sendCommand, 'export-messages': exportMessagesCommand, redrive: redriveCommand }[command as 'browse'];
  return run(args).catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`flowtracer ${command}: ${error.message}\nusage:\n${MESSAGES_USAGE}`);
      return ExitCode.usage;
    }
    return reportError(command, error, args.includes('--json'), new Redactor(environmentSecretValues()));
  });
}
