import * as assert from 'node:assert/strict';
import { openRunStore, RunStoreAddressError } from '../../../executor/run-stores';
import { FolderRunStore } from '../../../executor/stores/folder-run-store';
import { MASK } from '../../../flow/secret-mask';

describe('choosing the run store', () => {
  it('keeps runs in the runs folder unless a store is named', async () => {
    const store = await openRunStore({ runsDir: '/tmp/ft-runs' });
    assert.ok(store instanceof FolderRunStore);
    assert.equal(store.location, '/tmp/ft-runs');
  });

  it('refuses a store that is not a PostgreSQL URL, without repeating its password', async () => {
    await assert.rejects(openRunStore({ runsDir: '/tmp/ft-runs', runsStore: 'mysql://ci:s3cret@db.internal/runs' }), (error: unknown) => {
      assert.ok(error instanceof RunStoreAddressError);
      assert.equal(error.message, `--runs-store must be a postgres:// or postgresql:// URL, not 'mysql://ci:${MASK}@db.internal/runs'`);
      return true;
    });
  });
});
