import * as assert from 'node:assert/strict';
import { amqpPosition, CommittedPositions, kafkaPosition, ordinalPosition, positionFormOf } from '../../../executor/committed-positions';

/** A small deterministic generator, so that a failing case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('CommittedPositions (watermarks with gaps per partition or channel)', () => {
  it('reads each position form into its stream and offset, and nothing else', () => {
    assert.deepEqual(kafkaPosition('orders.v2/3@1024'), { stream: 'orders.v2/3', offset: 1024 });
    assert.equal(kafkaPosition('row 3'), undefined);
    assert.equal(kafkaPosition('orders/3@99999999999999999'), undefined, 'past 2^53: kept whole');
    assert.deepEqual(amqpPosition('9f3a0c1b:17'), { stream: '9f3a0c1b', offset: 17 });
    assert.equal(amqpPosition('orders/0@1'), undefined);
    assert.deepEqual(ordinalPosition('row 12'), { stream: 'row', offset: 12 });
    assert.deepEqual(ordinalPosition('item 0'), { stream: 'item', offset: 0 });
    assert.equal(ordinalPosition('id=12'), undefined);
    assert.equal(positionFormOf('kafka'), kafkaPosition);
    assert.equal(positionFormOf('mq'), amqpPosition);
    assert.equal(positionFormOf('service'), undefined);
  });

  it('holds a partition committed in read order as one range, whatever its length', () => {
    const positions = new CommittedPositions(kafkaPosition);
    for (let offset = 0; offset < 100_000; offset++) {
      positions.read(`t/0@${offset}`);
      positions.add(`t/0@${offset}`);
    }
    assert.deepEqual(positions.held, { streams: 1, gaps: 0, unordered: 0 });
    assert.equal(positions.has('t/0@0'), true);
    assert.equal(positions.has('t/0@99999'), true);
    assert.equal(positions.has('t/0@100000'), false);
    assert.equal(positions.has('t/1@0'), false, 'another partition');
    assert.equal(positions.has('u/0@0'), false, 'another topic');
  });

  it('keeps a position sent and never committed as a gap, also once later commits pass it', () => {
    const positions = new CommittedPositions(kafkaPosition);
    for (const offset of [0, 1, 2, 3, 4, 5]) positions.read(`t/0@${offset}`);
    for (const offset of [0, 1, 3, 5]) positions.add(`t/0@${offset}`);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((o) => positions.has(`t/0@${o}`)), [true, true, false, true, false, true, false]);
    assert.deepEqual(positions.held, { streams: 1, gaps: 2, unordered: 0 });
    // A resume delivers the gap again and commits it.
    positions.read('t/0@2');
    positions.add('t/0@2');
    assert.equal(positions.has('t/0@2'), true);
    assert.equal(positions.has('t/0@4'), false);
  });

  it('does not split the range at offsets nobody read (transaction markers, compacted records)', () => {
    const positions = new CommittedPositions(kafkaPosition);
    for (const offset of [0, 1, 3, 4, 9, 10]) {
      positions.read(`t/0@${offset}`);
      positions.add(`t/0@${offset}`);
    }
    assert.deepEqual(positions.held, { streams: 1, gaps: 0, unordered: 0 });
    for (const offset of [0, 1, 3, 4, 9, 10]) assert.equal(positions.has(`t/0@${offset}`), true);
  });

  it('reads the logs of several processes in any order: a commit in one log stays a commit when another log sent it again', () => {
    // The starting process took the partition over at 40 and committed to 60 (its log is read first);
    // the joined one had read 0..44 and committed 0..39 before its partition moved.
    const positions = new CommittedPositions(kafkaPosition);
    for (let offset = 40; offset <= 60; offset++) {
      positions.read(`t/0@${offset}`);
      positions.add(`t/0@${offset}`);
    }
    for (let offset = 0; offset <= 44; offset++) {
      positions.read(`t/0@${offset}`);
      if (offset < 40) positions.add(`t/0@${offset}`);
    }
    for (let offset = 0; offset <= 60; offset++) assert.equal(positions.has(`t/0@${offset}`), true, `t/0@${offset}`);
    assert.equal(positions.has('t/0@61'), false);
  });

  it('keeps AMQP delivery tags per channel: a tag committed on one channel is not committed on another', () => {
    const positions = new CommittedPositions(amqpPosition);
    for (let tag = 1; tag <= 100; tag++) {
      positions.read(`aaaa0001:${tag}`);
      if (tag !== 50) positions.add(`aaaa0001:${tag}`);
    }
    assert.equal(positions.has('aaaa0001:49'), true);
    assert.equal(positions.has('aaaa0001:50'), false, 'the ack the lost channel refused');
    assert.equal(positions.has('bbbb0002:49'), false);
    assert.deepEqual(positions.held, { streams: 1, gaps: 1, unordered: 0 });
  });

  it('keeps positions it cannot order whole, exactly as committed', () => {
    const positions = new CommittedPositions(undefined);
    for (const p of ['reply:6f1c', 'id=7', 't/0@3']) positions.read(p);
    for (const p of ['reply:6f1c', 'id=7']) positions.add(p);
    assert.equal(positions.has('reply:6f1c'), true);
    assert.equal(positions.has('id=7'), true);
    assert.equal(positions.has('t/0@3'), false);
    assert.equal(positions.has('id=8'), false);
    const kafka = new CommittedPositions(kafkaPosition);
    kafka.add('t/0@99999999999999999');
    kafka.add('not a kafka position');
    assert.equal(kafka.has('t/0@99999999999999999'), true);
    assert.equal(kafka.has('t/0@99999999999999998'), false);
    assert.equal(kafka.has('not a kafka position'), true);
    assert.deepEqual(kafka.held, { streams: 0, gaps: 0, unordered: 2 });
  });

  it('answers exactly as the set of committed positions for every position a run read, over random runs with refused commits, kills and resumes', () => {
    const random = seeded(20261130);
    for (let run = 0; run < 200; run++) {
      const positions = new CommittedPositions(kafkaPosition);
      const committed = new Set<string>();
      const readAtAll = new Set<string>();
      const partitions = 1 + Math.floor(random() * 3);
      const length = 1 + Math.floor(random() * 60);
      // Offsets the topic has: some missing (transaction markers).
      const offsets = Array.from({ length: partitions }, () => Array.from({ length }, (_, i) => i).filter(() => random() > 0.1));
      const segments = 1 + Math.floor(random() * 3);
      for (let segment = 0; segment < segments; segment++) {
        // Each segment reads every partition in order; it skips what the journal says is committed,
        // commits what it delivers unless the source refuses, and may be killed after any message.
        const killAt = random() < 0.5 ? Math.floor(random() * length) : Infinity;
        for (let p = 0; p < partitions; p++) {
          for (const offset of offsets[p]!) {
            if (offset >= killAt) break;
            const position = `t/${p}@${offset}`;
            assert.equal(positions.has(position), committed.has(position), `run ${run} segment ${segment}: ${position}`);
            if (committed.has(position)) continue;
            positions.read(position);
            readAtAll.add(position);
            if (random() < 0.1 || (offset === killAt - 1 && random() < 0.5)) continue; // refused, or killed before its commit
            positions.add(position);
            committed.add(position);
          }
        }
      }
      for (const position of readAtAll) assert.equal(positions.has(position), committed.has(position), `run ${run}: ${position}`);
    }
  });
});
