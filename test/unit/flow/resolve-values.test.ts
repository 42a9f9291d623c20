// One `${env:…}` rule: the export and a run resolve every case of set, empty and unset alike.
import * as assert from 'node:assert/strict';
import { resolveFlow } from '../../../flow/export/resolve-flow';
import { Redactor } from '../../../executor/redaction';
import { environmentSecrets, resolveValues } from '../../../executor/values';
import { componentSecretRule } from '../../../flow/resolve-values';
import { MASK } from '../../../flow/secret-mask';

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

describe('a component marked secret: true', () => {
  const props = { type: 'service', secret: true, url: 'http://svc/orders?route=${env:ROUTE}', headers: { 'x-region': '${env:REGION:-eu-secret}' } };
  const env = { ROUTE: 'route-5519' };

  async function redactorAfter(componentProps: Record<string, unknown>): Promise<Redactor> {
    const redactor = new Redactor();
    await resolveValues(componentProps, { env, secrets: environmentSecrets(env), redactor, owner: 'component Shop', isSecret: componentSecretRule(componentProps) }, new AbortController().signal);
    return redactor;
  }

  it('makes each of its env values a secret of the run, a default too', async () => {
    const redactor = await redactorAfter(props);
    assert.equal(redactor.redact('POST http://svc/orders?route=route-5519 in eu-secret'), `POST http://svc/orders?route=${MASK} in ${MASK}`);
  });

  it('leaves the env values of an unmarked component under no credential key readable', async () => {
    const { secret: _secret, ...unmarked } = props;
    const redactor = await redactorAfter(unmarked);
    assert.equal(redactor.redact('route=route-5519 in eu-secret'), 'route=route-5519 in eu-secret');
  });
});
