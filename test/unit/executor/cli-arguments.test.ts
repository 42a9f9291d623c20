// The CLI's one parser: every command is a table entry parsed by node:util parseArgs, with its own --help and exit 2 for a usage mistake.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commandHelp, parseCommand, UsageError, type CliCommand } from '../../../executor/cli-arguments';
import { COMMANDS } from '../../../executor/cli';

const ROOT = resolve(__dirname, '../../..');
const FLOW = 'test/fixtures/valid/order-processing.flow.yaml';

/** The CLI from source in a process of its own, as a user runs it. */
function flowtracer(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'executor/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

function command(name: string): CliCommand {
  return COMMANDS.find((c) => c.name === name)!;
}

describe('the CLI\'s arguments', function () {
  // Several tests start the CLI from source (tsx) in processes of their own: seconds each on a loaded machine.
  this.timeout(60_000);
  it('reads an option\'s value as the option\'s, not as the file (validate --runs-dir D FILE)', () => {
    const input = parseCommand(command('validate'), ['--runs-dir', 'D', FLOW]);
    assert.deepEqual(input?.args, { FILE: FLOW });
    assert.equal(input?.options['runs-dir'], 'D');
    const out = flowtracer('validate', '--runs-dir', mkdtempSync(join(tmpdir(), 'ft-runs-')), FLOW);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, `${FLOW}: ok\n`);
  });

  it('names each argument of a command, optional ones undefined', () => {
    assert.deepEqual(parseCommand(command('retry'), ['20261129-012233-ab12'])?.args, { RUN: '20261129-012233-ab12', COMPONENT: undefined });
    assert.deepEqual(parseCommand(command('run'), ['--join', 'R', '--max-in-flight', '4'])?.options, { join: 'R', 'max-in-flight': '4' });
    assert.deepEqual(parseCommand(command('export'), ['f.yaml', '--format=json'])?.options, { format: 'json' });
  });

  const MISTAKES: readonly [string[], string][] = [
    [['validate'], 'missing FILE'],
    [['validate', 'a.yaml', 'b.yaml'], "unexpected argument 'b.yaml'"],
    [['validate', '--runs-dir'], '--runs-dir needs a value'],
    [['show', 'R', '--bogus'], 'unknown option --bogus'],
    [['show', 'R', '--mode', 'warn'], 'unknown option --mode'],
    [['run', 'f.yaml', '--mode', 'loud'], "--mode must be one of off, warn, strict, dry-run, not 'loud'"],
    [['run', 'f.yaml', '--max-in-flight', '0'], '--max-in-flight: must be a positive whole number'],
    [['run', 'f.yaml', '--stop-grace', '5'], '--stop-grace: `5` is not a duration; write a whole number and a unit: `250ms`, `2s`, `5m` or `1h`'],
    [['export', 'f.yaml', '--format', 'xml'], "--format must be one of yaml, json, not 'xml'"],
    [['browse', 'f.yaml'], 'missing COMPONENT'],
    [['send', 'f.yaml', 'Orders'], 'missing MESSAGES.ndjson'],
    [['redrive', 'f.yaml', 'DLQ', '--stop-grace', 'soon'], '--stop-grace: `soon` is not a duration; write a whole number and a unit: `250ms`, `2s`, `5m` or `1h`'],
  ];
  for (const [[name, ...args], problem] of MISTAKES) {
    it(`refuses \`${[name, ...args].join(' ')}\`: ${problem}`, () => {
      assert.throws(() => parseCommand(command(name!), args), (e: Error) => e instanceof UsageError && e.message === problem);
    });
  }

  it('reads the message commands from the same table: a repeated option is a list', () => {
    assert.deepEqual(parseCommand(command('redrive'), ['f.yaml', 'DLQ', '--origin', 'mq:a', '--origin', 'kafka:b', '--dry-run'])?.options, { origin: ['mq:a', 'kafka:b'], 'dry-run': true });
    assert.deepEqual(parseCommand(command('browse'), ['f.yaml', 'Inbox', '--limit', '5', '--json']), { args: { FILE: 'f.yaml', COMPONENT: 'Inbox' }, options: { limit: '5', json: true } });
    const out = flowtracer('export-messages', 'f.yaml', 'Orders');
    assert.equal(out.code, 2);
    assert.match(out.stderr, /^flowtracer export-messages: missing OUT\.ndjson\nusage: flowtracer export-messages FILE COMPONENT OUT\.ndjson /);
  });

  it('exits 2 with the sentence and the command\'s usage for a usage mistake, and for an unknown command', () => {
    const out = flowtracer('validate', 'a.yaml', 'b.yaml');
    assert.equal(out.code, 2);
    assert.equal(out.stderr, "flowtracer validate: unexpected argument 'b.yaml'\nusage: flowtracer validate FILE\n(flowtracer validate --help: its options)\n");
    const join = flowtracer('run', '--join', 'R', '--only', 'X');
    assert.equal(join.code, 2);
    assert.match(join.stderr, /^flowtracer run: --join takes the mode and components of the run it joins\n/);
    const unknown = flowtracer('brows');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^flowtracer brows: unknown command 'brows'\n/);
    assert.equal(flowtracer().code, 2, 'no command');
  });

  it('gives every command its own --help (exit 0) naming each of its options, and `help` the list of commands', () => {
    for (const c of COMMANDS) {
      assert.equal(parseCommand(c, ['--help']), undefined, `${c.name} --help`);
      const help = commandHelp(c, {});
      assert.ok(help.startsWith(`usage: flowtracer ${c.name}`), help);
      for (const option of Object.keys(c.options)) assert.ok(help.includes(`--${option}`), `${c.name} --help names --${option}`);
    }
    const shown = flowtracer('show', '-h');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^usage: flowtracer show RUN\n\na run's summary, parked messages and in-flight window\n\noptions:\n  --json /);
    const list = flowtracer('help');
    assert.equal(list.code, 0);
    for (const c of COMMANDS) assert.match(list.stdout, new RegExp(`^  ${c.name} `, 'm'));
  });

  it('takes a new command as one entry: its arguments, options and help come from it', () => {
    const browse: CliCommand = {
      name: 'browse', args: ['QUEUE', '[COUNT]'], summary: ['print messages of a queue without taking them'],
      options: { limit: { type: 'string', value: 'N', check: (v) => (/^\d+$/.test(v) ? undefined : 'must be a number'), help: 'at most N' } },
      run: () => 0,
    };
    assert.deepEqual(parseCommand(browse, ['orders', '--limit', '3']), { args: { QUEUE: 'orders', COUNT: undefined }, options: { limit: '3' } });
    assert.throws(() => parseCommand(browse, ['orders', '--limit', 'x']), /--limit: must be a number/);
    assert.equal(parseCommand(browse, ['--help']), undefined);
    assert.equal(commandHelp(browse, {}), [
      'usage: flowtracer browse QUEUE [COUNT] [--limit N]',
      '',
      'print messages of a queue without taking them',
      '',
      'options:',
      '  --limit N                         at most N',
      '  --help                            this help',
      '',
    ].join('\n'));
  });
});
