// The message commands of the CLI: browse, send, export-messages and redrive, each behind the flow's access rule.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEAD_LETTER_DEFAULTS } from '../flow/schema';
import { optionText, type CliCommand, type CliOptions, type CommandInput } from './cli-arguments';
import { ExitCode, reportError } from './cli-commands';
import { guarded, MESSAGE_OPTIONS, partitionsOf, say, SEARCH, searchOf, wholeNumber } from './cli-message-args';
import { REDRIVE_OPTIONS, redriveCommand } from './cli-redrive';
import type { BrowsedMessage } from './connectors/connector';
import { browseComponent, connectorFor, loadComponent } from './messages/component-messages';
import { exportToFile } from './messages/export-file';
import { messageRecord, payloadText } from './messages/message-lines';
import { sendLines } from './messages/send-lines';
import { Redactor } from './redaction';
import { environmentSecretValues } from './values';

const BROWSE_DEFAULT_LIMIT = 100;

/** What a browse and an export read: where from, how many, which. */
const READING: CliOptions = {
  from: { type: 'string', value: 'earliest|latest|OFFSET|TIME', help: 'Kafka: where each partition starts (default earliest; latest: the last N of each)' },
  partitions: { type: 'string', value: '0,1', help: 'Kafka: only these partitions' },
  ...SEARCH,
};
const LIMIT = (what: string): CliOptions => ({ limit: { type: 'string', value: 'N', help: what } });

function showMessage(m: BrowsedMessage): string {
  const where = [m.position, m.timestamp, m.routingKey !== undefined ? `routing key ${m.routingKey || '(none)'}` : undefined, m.redelivered ? 'redelivered' : undefined].filter(Boolean).join('  ');
  const headers = Object.keys(m.headers).length > 0 ? `\n  headers ${JSON.stringify(m.headers)}` : '';
  const body = payloadText(m.value).replace(/\n/g, '\n  ');
  return `${where}  key ${m.key ?? '(none)'}${headers}\n  ${body}\n`;
}

function browseArgs(input: CommandInput, defaultLimit: number) {
  const [from, partitions] = ['from', 'partitions'].map((name) => optionText(input, name));
  return {
    options: { ...(from ? { from } : {}), ...(partitions ? { partitions: partitionsOf(partitions)! } : {}), limit: wholeNumber(optionText(input, 'limit'), '--limit') ?? defaultLimit },
    search: searchOf(input),
  };
}

async function browseCommand(input: CommandInput): Promise<number> {
  const [file, name] = [input.args.FILE!, input.args.COMPONENT!];
  const json = input.options.json === true;
  return guarded('browse', file, json, optionText(input, 'github-api-url'), async (signal) => {
    const { component } = loadComponent(file, name);
    const { options, search } = browseArgs(input, BROWSE_DEFAULT_LIMIT);
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

async function exportMessagesCommand(input: CommandInput): Promise<number> {
  const [file, name, out] = [input.args.FILE!, input.args.COMPONENT!, input.args['OUT.ndjson']!];
  const json = input.options.json === true;
  return guarded('export-messages', file, json, optionText(input, 'github-api-url'), async (signal) => {
    const written = await exportToFile(file, name, browseArgs(input, Number.MAX_SAFE_INTEGER), out, signal, say, (n) => {
      if (!json && n % 1000 === 0) process.stderr.write(`flowtracer export-messages: ${n}…\n`);
    });
    if (json) process.stdout.write(`${JSON.stringify({ exported: written, file: out })}\n`);
    else process.stdout.write(`exported ${written} message${written === 1 ? '' : 's'} of ${name} to ${out}\n`);
    return ExitCode.ok;
  });
}

function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}

async function sendCommand(input: CommandInput): Promise<number> {
  const [file, name, messagesFile] = [input.args.FILE!, input.args.COMPONENT!, input.args['MESSAGES.ndjson']!];
  const json = input.options.json === true;
  return guarded('send', file, json, optionText(input, 'github-api-url'), async (signal) => {
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

/** The message commands, entries of the CLI's one table (executor/cli.ts). */
export const MESSAGE_COMMANDS: readonly CliCommand[] = [
  {
    name: 'browse', args: ['FILE', 'COMPONENT'], options: { ...MESSAGE_OPTIONS, ...READING, ...LIMIT(`at most N messages (default ${BROWSE_DEFAULT_LIMIT}); with a search, N matches`) },
    summary: [
      'show a kafka or mq component\'s messages without changing anything',
      'Kafka: a group of its own that commits nothing; RabbitMQ: every message goes back, in order,',
      'marked redelivered.',
    ],
    run: browseCommand,
  },
  {
    name: 'send', args: ['FILE', 'COMPONENT', 'MESSAGES.ndjson'], options: MESSAGE_OPTIONS,
    summary: [
      'publish an .ndjson file through a component, one message a line ({ key, headers, value } or valueBase64)',
      'Publisher confirms (RabbitMQ), acks=-1 (Kafka); every line is checked first against the schema of the',
      'component\'s connections, and nothing is sent if one fails.',
    ],
    run: sendCommand,
  },
  {
    name: 'export-messages', args: ['FILE', 'COMPONENT', 'OUT.ndjson'], options: { ...MESSAGE_OPTIONS, ...READING, ...LIMIT('at most N messages (default: all)') },
    summary: ['write a component\'s messages (browsed: nothing changes) to an .ndjson file that send reads'],
    run: exportMessagesCommand,
  },
  {
    name: 'redrive', args: ['FILE', 'COMPONENT'], options: REDRIVE_OPTIONS,
    summary: [
      'move the dead letters in COMPONENT back to their origin components, one run each',
      'Origins are kafka:TOPIC or mq:QUEUE, from x-death, x-original-topic, Spring\'s or Kafka Connect\'s headers;',
      `--dry-run lists the groups by origin and reason and where each would go; a message redriven N times (default ${String(DEAD_LETTER_DEFAULTS.maxRedrives)})`,
      'stays and is reported.',
    ],
    run: redriveCommand,
  },
];
