// flowtracer send's window: at most `window` writes await their confirm, in file order, stopping at the first failure.
import * as assert from 'node:assert/strict';
import type { FlowMessage, TargetWriter } from '../../../../executor/connectors/connector';
import { sendMessages } from '../../../../executor/messages/send-messages';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* messages(count: number): AsyncIterable<FlowMessage> {
  for (let i = 0; i < count; i++) yield { key: `k${i}`, value: Buffer.from(String(i)), headers: {} };
}

/** Confirms each write after a number of turns that varies, so confirms come out of order. */
function writer(failAt?: number): TargetWriter & { readonly written: string[]; readonly most: number } {
  let open = 0;
  const state = { written: [] as string[], most: 0 };
  return Object.assign(state, {
    write: async (message: FlowMessage) => {
      state.written.push(message.key!);
      open += 1;
      state.most = Math.max(state.most, open);
      for (let i = 0; i < Number(message.value.toString()) % 3; i++) await turn();
      open -= 1;
      if (message.key === `k${failAt}`) throw new Error('the broker did not confirm the message (nack)');
      return { position: message.key! };
    },
    close: () => Promise.resolve(),
  });
}

describe('sendMessages (executor/messages/send-messages.ts)', () => {
  it('writes every message in order with at most `window` awaiting a confirm, and counts each confirm', async () => {
    const target = writer();
    const progress: number[] = [];
    const outcome = await sendMessages(target, messages(1000), new AbortController().signal, { window: 16, onSent: (n) => progress.push(n) });
    assert.deepEqual(outcome, { sent: 1000 });
    assert.deepEqual(target.written, Array.from({ length: 1000 }, (_, i) => `k${i}`));
    assert.equal(target.most, 16, 'the window is filled, never passed');
    assert.equal(progress.length, 1000);
    assert.equal(progress.at(-1), 1000);
  });

  it('stops at the first failure, waits for the writes in flight, and says why', async () => {
    const target = writer(100);
    const outcome = await sendMessages(target, messages(1000), new AbortController().signal, { window: 8 });
    assert.match(outcome.error ?? '', /nack/);
    assert.ok(target.written.length < 100 + 8 + 2, `nothing much is written after the failure is known (${target.written.length} written)`);
    assert.equal(outcome.sent, target.written.length - 1, 'every other write was confirmed before the count was given');
  });
});
