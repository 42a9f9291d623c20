import * as assert from 'node:assert/strict';
import { MASK, Redactor } from '../../../executor/redaction';
import { environmentSecrets, MissingValueError, resolveValues, secretEnvName } from '../../../executor/values';

const signal = new AbortController().signal;

function sources(env: NodeJS.ProcessEnv, redactor = new Redactor()) {
  return { env, secrets: environmentSecrets(env), redactor, owner: 'component OrderQueue' };
}

describe('values', () => {
  it('substitutes env references, with their default when unset', async () => {
    const out = await resolveValues({ brokers: ['${env:BROKERS:-localhost:9092}'], topic: 'orders-${env:SUFFIX}', port: 5 }, sources({ SUFFIX: 'eu' }), signal);
    assert.deepEqual(out, { brokers: ['localhost:9092'], topic: 'orders-eu', port: 5 });
  });

  it('reads CLI secrets from FLOWTRACER_SECRET_<NAME> and registers them for masking', async () => {
    const redactor = new Redactor();
    const out = await resolveValues('amqp://guest:${secret:rabbit-password}@localhost', sources({ FLOWTRACER_SECRET_RABBIT_PASSWORD: 's3cr3t!' }, redactor), signal);
    assert.equal(out, 'amqp://guest:s3cr3t!@localhost');
    assert.equal(redactor.redact('token s3cr3t! here'), `token ${MASK} here`);
    assert.equal(secretEnvName('status.token'), 'FLOWTRACER_SECRET_STATUS_TOKEN');
  });

  it('a missing secret is one clear line naming the component and the variable', async () => {
    await assert.rejects(resolveValues({ url: '${secret:rabbit-password}' }, sources({}), signal), (e: Error) => {
      assert.ok(e instanceof MissingValueError);
      assert.equal(e.message, "component OrderQueue: secret 'rabbit-password' is not set (CLI: set FLOWTRACER_SECRET_RABBIT_PASSWORD; editor: FlowTracer: Set Secret)");
      return true;
    });
  });

  it('an unset env variable without a default is an error', async () => {
    await assert.rejects(resolveValues('${env:NOPE}', sources({}), signal), /environment variable NOPE is not set/);
  });

  it('registers as secrets the env values of credential keys and URL passwords, and no other', async () => {
    const redactor = new Redactor();
    const env = { API_TOKEN: 'tok-from-env', PG_PW: 'pg-env-pw', REGION: 'eu-west-1' };
    const out = await resolveValues({
      url: 'postgres://app:${env:PG_PW}@db/${env:REGION}',
      headers: { Authorization: 'Bearer ${env:API_TOKEN}', 'x-region': '${env:REGION}' },
    }, sources(env, redactor), signal);
    assert.deepEqual(out, { url: 'postgres://app:pg-env-pw@db/eu-west-1', headers: { Authorization: 'Bearer tok-from-env', 'x-region': 'eu-west-1' } });
    assert.equal(redactor.redact('sent tok-from-env with pg-env-pw to eu-west-1'), `sent ${MASK} with ${MASK} to eu-west-1`);
  });
});
