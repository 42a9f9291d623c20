import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { onAbort } from '../../../executor/abort-watch';

describe('onAbort (one abort listener per signal for many waits)', () => {
  it('calls each listener still registered once, and the signal carries one listener however many wait', () => {
    const controller = new AbortController();
    const other = new AbortController();
    const called: string[] = [];
    const forgets = ['a', 'b', 'c', 'd'].map((name) => onAbort(controller.signal, () => called.push(name)));
    onAbort(other.signal, () => called.push('other'));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    forgets[1]!();
    forgets[3]!();
    forgets[3]!(); // twice changes nothing
    controller.abort();
    assert.deepEqual(called, ['a', 'c']);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    forgets[0]!(); // after the abort: nothing to forget, nothing called
    assert.deepEqual(called, ['a', 'c'], 'forgetting after the abort calls nothing, and the other signal has not aborted');
    other.abort();
    assert.deepEqual(called, ['a', 'c', 'other']);
  });

  it('lets a listener that forgets another during the abort stop it from being called', () => {
    const controller = new AbortController();
    const called: string[] = [];
    let forgetSecond = (): void => undefined;
    onAbort(controller.signal, () => {
      called.push('first');
      forgetSecond();
    });
    forgetSecond = onAbort(controller.signal, () => called.push('second'));
    controller.abort();
    assert.deepEqual(called, ['first']);
  });
});
