// One `${env:…}` rule: the export and a run resolve every case of set, empty and unset alike.
import * as assert from 'node:assert/strict';
import { resolveFlow } from '../../../flow/export/resolve-flow';
import { Redactor } from '../../../executor/redaction';
import { environmentSecrets, resolveValues } from '../../../executor/values';

const CASES: readonly { readonly text: string; readonly env: Record<string, string>; readonly value: string | undefined }[] = [
  { text: '${env:X:-d}', env: { X: 'v' }, value: 'v' },
  { text: '${env:X:-d}', env: {}, value: 'd' },
  { text: '${env:X:-d}', env: { X: '' }, value: 'd' },
  { text: '${env:X:-}', env: { X: '' }, value: '' },
  { text: '${env:X}', env: { X: '' }, value: '' },
  { text: '${env:X}', env: {}, value: undefined },
];

function exported(text: string, env: Record<string, string>): string | undefined {
  const { flow, unresolvedEnv } = resolveFlow(`flow: f\ncomponents:\n  T: { type: kafka, brokers: [b], topic: "${text}" }\nconnections: []\n`, env);
  return unresolvedEnv.length > 0 ? undefined : (flow.components as Record<string, { topic: string }>).T!.topic;
}

async function run(text: string, env: Record<string, string>): Promise<string | undefined> {
  const sources = { env, secrets: environmentSecrets(env), redactor: new Redactor(), owner: 'component T' };
  return resolveValues(text, sources, new AbortController().signal).catch(() => undefined);
}

describe('${env:NAME:-default}', () => {
  for (const { text, env, value } of CASES) {
    const name = 'X' in env ? (env.X === '' ? 'X empty' : 'X set') : 'X unset';
    it(`${text} with ${name} is ${value === undefined ? 'unresolved' : JSON.stringify(value)} in the export and in a run`, async () => {
      assert.equal(exported(text, env), value, 'export');
      assert.equal(await run(text, env), value, 'run');
    });
  }
});
