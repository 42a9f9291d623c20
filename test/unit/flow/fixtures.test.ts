import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFlow } from '../../../flow/check';

const invalid = join(__dirname, '../../fixtures/invalid');

describe('fixtures: each invalid flow file yields exactly the codes its `# expect:` line names', () => {
  for (const file of readdirSync(invalid).filter((f) => f.endsWith('.flow.yaml'))) {
    it(file, () => {
      const path = join(invalid, file);
      const text = readFileSync(path, 'utf8');
      const expected = (/^# expect: (.*)$/m.exec(text)?.[1] ?? '').split(',').map((c) => c.trim()).sort();
      const codes = [...new Set(checkFlow(text, { path, fs: { exists: existsSync } }).diagnostics.map((d) => String(d.code)))].sort();
      assert.deepEqual(codes, expected);
    });
  }
});
