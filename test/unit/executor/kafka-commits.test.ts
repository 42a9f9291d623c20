import * as assert from 'node:assert/strict';
import { ContiguousCommits } from '../../../executor/connectors/kafka-commits';

describe('the offsets a Kafka reader commits', () => {
  it('never passes an unconfirmed message', () => {
    const commits = new ContiguousCommits();
    for (const offset of [0n, 1n, 2n]) commits.yielded(0, offset);
    assert.equal(commits.confirm(0, 1n), undefined);
    assert.equal(commits.confirm(0, 2n), undefined);
    assert.equal(commits.confirm(0, 0n), 3n);
  });

  it('commits past a trailing commit marker with the last message, not before it is confirmed', () => {
    const commits = new ContiguousCommits();
    commits.yielded(0, 0n);
    commits.yielded(0, 1n);
    // The fetch got to 3: offset 2 is the transaction's commit marker.
    assert.equal(commits.passed(0, 3n), undefined, 'messages still await their target');
    assert.equal(commits.confirm(0, 0n), 1n);
    assert.equal(commits.confirm(0, 1n), 3n);
  });

  it('tells the reader to commit itself when the fetch moves past records that are no messages and nothing awaits', () => {
    const commits = new ContiguousCommits();
    commits.yielded(1, 10n);
    assert.equal(commits.confirm(1, 10n), 11n);
    // Offsets 11-19: an aborted transaction and its marker, or compacted away.
    assert.equal(commits.passed(1, 20n), 20n);
    assert.equal(commits.passed(1, 15n), 20n, 'an older position (fetched again after a seek) does not move it back');
    commits.yielded(1, 20n);
    assert.equal(commits.confirm(1, 20n), 21n);
  });
});
