// The editor tests' seams exist only in ExtensionMode.Test: a production or development activation builds none.
import { strict as assert } from 'node:assert';
import { EXTENSION_MODE_TEST, testApi } from '../../../client/test-seams';

describe('test seams', () => {
  // vscode.ExtensionMode: Production = 1, Development = 2, Test = 3.
  it('are not built in Production or Development mode', () => {
    for (const mode of [1, 2]) {
      let built = false;
      assert.equal(testApi(mode, () => ((built = true), { setTrusted: () => undefined })), undefined);
      assert.equal(built, false, `mode ${mode} builds no seam`);
    }
  });

  it('are built in Test mode', () => {
    const hooks = { setTrusted: () => undefined };
    assert.equal(EXTENSION_MODE_TEST, 3);
    assert.equal(testApi(EXTENSION_MODE_TEST, () => hooks), hooks);
  });
});
