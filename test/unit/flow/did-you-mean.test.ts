// One edit distance and one typo budget: the diagnostics' did-you-mean and the quick fixes' choices agree.
import * as assert from 'node:assert/strict';
import { closestNames, didYouMean } from '../../../flow/did-you-mean';
import { hostOf } from '../../../flow/url-host';

const NAMES = ['OrderTopic', 'OrderQueue', 'OrderDB', 'Db', 'Mq'];

describe('did-you-mean', () => {
  for (const typo of ['OrderQeueu', 'ordertopic', 'OrderBD', 'Dv', 'Xy', 'Ordre']) {
    it(`offers first for \`${typo}\` what the diagnostic suggests`, () => {
      assert.equal(closestNames(typo, NAMES)[0], didYouMean(typo, NAMES));
    });
  }

  it('counts a swap of two letters as one edit and keeps a short name\'s budget at one', () => {
    assert.deepEqual(closestNames('OrderQeueu', NAMES), ['OrderQueue']);
    assert.deepEqual(closestNames('Xy', NAMES), [], 'two edits from every name: no guess');
  });
});

describe('a URL\'s host', () => {
  it('drops the scheme, the credentials (up to the last @), the query and, unless asked, the path', () => {
    assert.equal(hostOf('amqp://guest:p@ss@rabbit:5672/vhost?heartbeat=5', true), 'rabbit:5672/vhost');
    assert.equal(hostOf('amqp://guest:p@ss@rabbit:5672/vhost?heartbeat=5', false), 'rabbit:5672');
    assert.equal(hostOf('http://h?x=1', false), 'h');
  });
});
