// Kafka protocol errors under kafkajs's wrappers, and the wait for a coordinator that is still loading.
import * as assert from 'node:assert/strict';
import { isKafkaError, whileCoordinatorLoads } from '../../../executor/connectors/kafka-errors';

/** What kafkajs throws once its own retries are spent: a retry wrapper around the broker's error. */
const spent = (type: string) => Object.assign(new Error('retries spent'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type }) });

describe('kafka errors', () => {
  it('finds the protocol error under the wrappers', () => {
    assert.equal(isKafkaError(spent('NOT_COORDINATOR'), new Set(['NOT_COORDINATOR'])), true);
    assert.equal(isKafkaError(spent('UNKNOWN_MEMBER_ID'), new Set(['NOT_COORDINATOR'])), false);
    assert.equal(isKafkaError(Object.assign(new Error('x'), { name: 'KafkaJSRebalanceInProgress' }), new Set(), ['KafkaJSRebalanceInProgress']), true);
  });

  it('asks again while the group coordinator loads, and gives up on any other error at once', async () => {
    let calls = 0;
    const answer = await whileCoordinatorLoads(async () => {
      calls += 1;
      if (calls < 3) throw spent('COORDINATOR_LOAD_IN_PROGRESS');
      return 'offsets';
    });
    assert.deepEqual([answer, calls], ['offsets', 3]);
    calls = 0;
    await assert.rejects(whileCoordinatorLoads(async () => {
      calls += 1;
      throw spent('GROUP_AUTHORIZATION_FAILED');
    }), /retries spent/);
    assert.equal(calls, 1);
  });

  it('gives up once the coordinator has loaded for longer than the timeout', async () => {
    await assert.rejects(whileCoordinatorLoads(() => Promise.reject(spent('COORDINATOR_NOT_AVAILABLE')), 300), /retries spent/);
  });
});
