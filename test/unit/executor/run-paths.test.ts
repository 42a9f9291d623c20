// Run ids: the only text that becomes a run directory's name.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { isRunId } from '../../../protocol/journal-records';
import { InvalidRunIdError, newRunId, runDirectory } from '../../../executor/run-paths';

describe('run ids', () => {
  it('accepts the ids runs get, and only those', () => {
    assert.equal(isRunId(newRunId(new Date('2026-11-29T01:22:33Z'), () => 0.5)), true);
    assert.equal(newRunId(new Date('2026-11-29T01:22:33Z'), () => 0), '20261129-012233-0000');
    for (const text of ['../../x', '20261129-012233-ab12/..', '..', '', '20261129-012233-AB12', '20261129-012233-ab12 ', '/tmp/20261129-012233-ab12', '20261129-012233-ab1', 'x20261129-012233-ab12']) {
      assert.equal(isRunId(text), false, text);
    }
  });

  it('builds a run directory only from a run id', () => {
    assert.equal(runDirectory('/runs', '20261129-012233-ab12'), join('/runs', '20261129-012233-ab12'));
    assert.throws(() => runDirectory('/runs', '../../x'), (error: unknown) => {
      assert.ok(error instanceof InvalidRunIdError);
      assert.equal(error.message, "'../../x' is not a run id (a run id looks like 20261129-012233-ab12; `flowtracer runs` lists them)");
      return true;
    });
  });
});
