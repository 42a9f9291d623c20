// `flowtracer browse` changes nothing: a RabbitMQ queue keeps its depth and order after 1,000 messages are browsed; Kafka group offsets stay where they were. Through the built CLI.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { amqpUrl, deleteQueue, drainQueue, fillQueue, kafkaBrokers, producePartitions, queueDepthProbe } from '../executor/broker-clients';
import { CLI, runCli, until } from '../executor/cli-process';

interface BrowsedLine {
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly source: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly redelivered?: boolean;
}

const lines = (stdout: string): BrowsedLine[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as BrowsedLine);

describe('browsing messages (flowtracer browse, through the CLI)', function () {
  this.timeout(120_000);
  const tag = randomBytes(4).toString('hex');
  let dir: string;

  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ft-browse-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function flow(components: string): string {
    const file = join(dir, 'browse.flow.yaml');
    writeFileSync(file, `flow: browse-${tag}\ncomponents:\n${components}`);
    return file;
  }

  it('shows 1,000 messages of a queue and leaves it with the same depth and the same bodies in the same order', async () => {
    const queue = `ft-browse-${tag}`;
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k-${i}`, value: { n: i }, headers: { tenant: i % 2 === 0 ? 'even' : 'odd' } }));
    await fillQueue(queue, messages);
    try {
      const file = flow(`  Inbox:\n    type: mq\n    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${queue}\n`);
      const browsed = await runCli(['browse', file, 'Inbox', '--limit', '1000', '--json']);
      assert.equal(browsed.code, 0, browsed.stderr);
      const shown = lines(browsed.stdout);
      assert.deepEqual(shown.map((m) => m.key), messages.map((m) => m.key));
      assert.deepEqual(shown.map((m) => JSON.parse(m.value) as unknown), messages.map((m) => m.value));
      assert.equal(shown[0]!.redelivered, false);
      assert.match(browsed.stderr, /the 1000 messages browsed went back to queue .* in order, now marked redelivered/);

      // A second browse sees them again, now redelivered, and a search keeps only the matches.
      const odd = await runCli(['browse', file, 'Inbox', '--limit', '1000', '--header', 'tenant=odd', '--json']);
      assert.equal(odd.code, 0, odd.stderr);
      assert.deepEqual(lines(odd.stdout).map((m) => m.key), messages.filter((_, i) => i % 2 === 1).map((m) => m.key));
      assert.ok(lines(odd.stdout).every((m) => m.redelivered === true));
      // The limit counts matches: the queue is read past the first 100 to find them.
      const grep = await runCli(['browse', file, 'Inbox', '--grep', '"n":99', '--json']);
      assert.deepEqual(lines(grep.stdout).map((m) => m.key), ['k-99', 'k-990', 'k-991', 'k-992', 'k-993', 'k-994', 'k-995', 'k-996', 'k-997', 'k-998', 'k-999']);
      const two = await runCli(['browse', file, 'Inbox', '--key', 'k-500', '--json']);
      assert.deepEqual(lines(two.stdout).map((m) => m.key), ['k-500']);

      const probe = await queueDepthProbe(queue);
      assert.equal(await probe.depth(), 1000);
      await probe.close();
      const left = await drainQueue(queue);
      assert.deepEqual(left.map((m) => m.key), messages.map((m) => m.key));
      assert.deepEqual(left.map((m) => m.value), messages.map((m) => m.value));
    } finally {
      await deleteQueue(queue);
    }
  });

  it('reads a stream queue from its offsets (RabbitMQ refuses basic.get on one), and the stream keeps every message', async () => {
    const queue = `ft-browse-stream-${tag}`;
    const connection = await amqp.connect(amqpUrl());
    const channel = await connection.createConfirmChannel();
    try {
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'stream' } });
      for (let i = 0; i < 20; i++) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n: i })), { messageId: `s-${i}`, persistent: true, headers: { tenant: i % 2 === 0 ? 'even' : 'odd' } });
      await channel.waitForConfirms();
      const file = flow(`  Events:\n    type: mq\n    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"\n    queue: ${queue}\n`);
      const all = await runCli(['browse', file, 'Events', '--json']);
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(lines(all.stdout).map((m) => [m.key, m.source, m.headers['tenant']]), Array.from({ length: 20 }, (_, i) => [`s-${i}`, `${queue}@${i}`, i % 2 === 0 ? 'even' : 'odd']));
      assert.equal(lines(all.stdout).some((m) => 'x-stream-offset' in m.headers || m.redelivered === true), false);
      assert.match(all.stderr, new RegExp(`read 20 messages of stream ${queue} \\(offsets 0–19\\); a stream keeps its messages, none is marked redelivered`));

      // From an offset, a limit, a search: the same reading.
      const fromOffset = await runCli(['browse', file, 'Events', '--from', '15', '--limit', '3', '--json']);
      assert.deepEqual(lines(fromOffset.stdout).map((m) => m.key), ['s-15', 's-16', 's-17']);
      const odd = await runCli(['browse', file, 'Events', '--header', 'tenant=odd', '--limit', '3', '--json']);
      assert.deepEqual(lines(odd.stdout).map((m) => m.key), ['s-1', 's-3', 's-5']);

      // An application reading the stream from the first offset still gets all 20.
      const reader = await connection.createChannel();
      await reader.prefetch(50);
      const seen: string[] = [];
      await reader.consume(queue, (m) => m && (seen.push(m.properties.messageId as string), reader.ack(m)), { noAck: false, arguments: { 'x-stream-offset': 'first' } });
      await until('the application\'s read', async () => (seen.length >= 20 ? true : undefined));
      assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => `s-${i}`));
      await reader.close();
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await connection.close();
    }
  });

  it('reads a topic from a start position and partitions without moving any consumer group', async () => {
    const topic = `ft-browse-${tag}`;
    const partitions = [0, 1].map((p) => Array.from({ length: 50 }, (_, i) => ({ key: `p${p}-${i}`, value: { p, i } })));
    await producePartitions(topic, partitions);
    const kafka = new Kafka({ clientId: 'ft-browse-test', brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // An application's group that consumed part of the topic.
      const app = `app-${tag}`;
      await admin.setOffsets({ groupId: app, topic, partitions: [{ partition: 0, offset: '20' }, { partition: 1, offset: '7' }] });
      const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      const file = flow(`  Orders:\n    type: kafka\n    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]\n    topic: ${topic}\n`);

      const fromOffset = await runCli(['browse', file, 'Orders', '--from', '40', '--partitions', '1', '--json']);
      assert.equal(fromOffset.code, 0, fromOffset.stderr);
      assert.deepEqual(lines(fromOffset.stdout).map((m) => m.key), partitions[1]!.slice(40).map((m) => m.key));
      assert.deepEqual(lines(fromOffset.stdout).map((m) => m.source), partitions[1]!.slice(40).map((_, i) => `${topic}/1@${40 + i}`));

      const latest = await runCli(['browse', file, 'Orders', '--from', 'latest', '--limit', '3', '--partitions', '0', '--json']);
      assert.deepEqual(lines(latest.stdout).map((m) => m.key), ['p0-47', 'p0-48', 'p0-49']);
      // `latest` is the last N of each partition: of both, without --partitions.
      const latestOfEach = await runCli(['browse', file, 'Orders', '--from', 'latest', '--limit', '2', '--json']);
      assert.deepEqual(lines(latestOfEach.stdout).map((m) => m.key).sort(), ['p0-48', 'p0-49', 'p1-48', 'p1-49']);

      const everything = await runCli(['browse', file, 'Orders', '--limit', '1000', '--json']);
      assert.equal(lines(everything.stdout).length, 100);
      const future = await runCli(['browse', file, 'Orders', '--from', '2999-01-01T00:00:00Z', '--json']);
      assert.equal(future.code, 0, future.stderr);
      assert.equal(lines(future.stdout).length, 0);

      const offsets = await admin.fetchOffsets({ groupId: app, topics: [topic] });
      assert.deepEqual(offsets[0]!.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '20'], [1, '7']]);
      // The browses' own groups are gone: nothing new is left on the broker.
      const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('flowtracer-browse-'));
      assert.deepEqual(groupsAfter.filter((g) => !groupsBefore.includes(g)), []);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
